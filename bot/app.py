"""RepmateBot: owns the settings, database, services and background work.

``create_bot`` builds a fresh, unstarted bot (tests restart by building another one
over the same database); ``setup_hook`` does the async start-up in order (migrate,
services, cogs, persistent views, background work, command sync) and ``close``
undoes it in reverse.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot import clock
from bot.config import Settings
from bot.db.database import Database
from bot.services.container import Services, build_services
from bot.tree import RepmateTree
from bot.ui import new_reference
from bot.version import __version__

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.setup",
    "cogs.settings",
    "cogs.meta",
    "cogs.admin",
)


def bot_intents() -> discord.Intents:
    """Default intents without the privileged ones: the bot works from interactions and DMs."""
    intents = discord.Intents.default()
    intents.members = False
    intents.presences = False
    intents.message_content = False
    return intents


class RepmateBot(commands.Bot):
    def __init__(self, settings: Settings, *, database: Database | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=RepmateTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids),
        )
        self.settings = settings
        self.clock = clock
        self.version = __version__
        self._database = database
        self._services: Services | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.started_at: datetime | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are built in setup_hook; the bot has not started")
        return self._services

    async def setup_hook(self) -> None:
        self.started_at = self.clock.now()
        db = self._database or Database.from_url(self.settings.database_url)
        self._database = db
        await db.migrate()
        self._services = build_services(db, self.settings, self.clock.now)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        log.info("Repmate %s set up on %s", self.version, db.dialect)

    # -- command sync ---------------------------------------------------------------------------

    def _sync_scope(self) -> discord.Object | None:
        return discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None

    def command_tree_hash(self) -> str:
        guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)), key=lambda d: d["name"]
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def sync_commands(self) -> int:
        guild = self._sync_scope()
        synced = await self.tree.sync(guild=guild)
        await self.services.state.set(self._hash_key(), self.command_tree_hash())
        return len(synced)

    async def sync_commands_if_changed(self) -> bool:
        """Sync only when the tree differs from the last synced one (Discord rate-limits syncs)."""
        current = self.command_tree_hash()
        if await self.services.state.get(self._hash_key()) == current:
            log.info("Command tree unchanged; not syncing")
            return False
        count = await self.sync_commands()
        log.info("Synced %d commands", count)
        return True

    def _hash_key(self) -> str:
        return f"tree_hash:{self.settings.dev_guild_id or 'global'}"

    # -- activity, background work, errors -------------------------------------------------------

    async def on_member_activity(self, user_id: int, guild_id: int | None) -> None:
        """Every command passes here first: remember the member's server, resume paused deliveries."""
        await self.services.members.repo.touch(user_id, guild_id, self.clock.now())

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run background work with a strong reference; its failure reaches ``on_error``."""

        async def guarded() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except Exception:
                await self.on_error(f"background:{name}")

        task = asyncio.create_task(guarded(), name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        ref = new_reference()
        log.exception("Unexpected error (ref %s) in %s", ref, event_method)

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await super().close()
        if self._database is not None:
            await self._database.dispose()


def create_bot(settings: Settings | None = None, *, database: Database | None = None) -> RepmateBot:
    """A new, unstarted bot; settings come from the environment when not given."""
    return RepmateBot(settings if settings is not None else Settings.from_env(), database=database)
