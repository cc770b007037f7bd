"""RepmateBot: owns the lifetimes of the settings, database, services and runtime.

``create_bot`` builds a fresh, unstarted bot (tests restart by building another one
over the same database); ``setup_hook`` does the async start-up in order (triage rules,
migrate, wiring, cogs, runtime, command sync) and ``close`` undoes it in reverse. What
the parts are and how they connect is :mod:`bot.wiring`'s; what runs by itself is
:mod:`bot.runtime`'s.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot import clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.repositories.pacer import PacerRepo
from bot.runtime import Runtime
from bot.runtime.dispatcher import pacer_shape
from bot.scheduling.ratelimit import Pacer, TokenBucket
from bot.scheduling.shared_pacer import SharedTokenBucket
from bot.tree import RepmateTree
from bot.triage import load_rules
from bot.ui import new_reference
from bot.version import __version__
from bot.wiring import Services, build_runtime, build_services

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.setup",
    "cogs.settings",
    "cogs.meta",
    "cogs.admin",
    "cogs.routines",
    "cogs.log",
    "cogs.triage",
    "cogs.checkins",
    "cogs.reminders",
    "cogs.privacy",
    "cogs.exercises",
    "cogs.plan",
    "cogs.intervals",
    "cogs.challenges",
    "cogs.programs",
    "cogs.readiness",
    "cogs.sessions",
    "cogs.streaks",
)


def bot_intents() -> discord.Intents:
    """Default intents without the privileged ones: the bot works from interactions and DMs."""
    intents = discord.Intents.default()
    intents.members = False
    intents.presences = False
    intents.message_content = False
    # Not privileged: group sessions hear Discord's Interested and who is in their voice channel.
    intents.guild_scheduled_events = True
    intents.voice_states = True
    return intents


def make_pacer(limit_per_second: float) -> TokenBucket:
    """This process's pacer: never more than ``limit_per_second`` in any 1-second window."""
    rate, burst = pacer_shape(limit_per_second)
    return TokenBucket(rate=rate, capacity=burst, monotonic=clock.monotonic)


def make_shared_pacer(
    db: Database, limit_per_second: float, now: Callable[[], datetime]
) -> SharedTokenBucket:
    """The same bound, shared by every process on the database."""
    rate, burst = pacer_shape(limit_per_second)
    return SharedTokenBucket(PacerRepo(db), rate=rate, capacity=burst, now=now)


class RepmateBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        database: Database | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        **client_options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=RepmateTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids),
            **client_options,
        )
        self.settings = settings
        self.clock = clock
        self.version = __version__
        self._database = database
        self.extension_names = tuple(extensions)
        self._services: Services | None = None
        self._runtime: Runtime | None = None
        self.started_at: datetime | None = None
        #: Paces every REST call the bot makes on its own (not interaction replies). On
        #: PostgreSQL, where several processes may share the token, the budget is shared
        #: through the database (set up in setup_hook).
        self.pacer: Pacer = make_pacer(settings.dispatch_rate)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are built in setup_hook; the bot has not started")
        return self._services

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("the runtime is built in setup_hook; the bot has not started")
        return self._runtime

    async def setup_hook(self) -> None:
        self.started_at = self.clock.now()
        # The triage rules are clinical content: a malformed file must stop start-up, not a member's check.
        self.triage_rules = load_rules()
        db = self._database or Database.from_url(self.settings.database_url)
        self._database = db
        await db.migrate()
        services = self._services = build_services(db, self.settings, self.clock.now)
        if db.is_postgres:
            self.pacer = make_shared_pacer(db, self.settings.dispatch_rate, self.clock.now)
        # Built before the cogs load: they register how deliveries and timers look.
        runtime = self._runtime = build_runtime(self, services, pacer=self.pacer, on_error=self.on_error)
        for extension in self.extension_names:
            await self.load_extension(extension)
        runtime.start()
        await self.sync_commands_if_changed()
        if not self.owner_ids and self.owner_id is None:
            # Learn the owners now, not in the middle of someone's /help or /admin (a REST call
            # before the first response would eat into Discord's 3 seconds).
            try:
                app = await self.application_info()
            except discord.HTTPException as exc:
                log.warning("Could not learn the bot's owners at start-up (%s); /admin asks later", exc)
            else:
                self.owner_ids = {m.id for m in app.team.members} if app.team else {app.owner.id}
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

    # -- errors ----------------------------------------------------------------------------------

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        ref = new_reference()
        log.exception("Unexpected error (ref %s) in %s", ref, event_method)

    async def close(self) -> None:
        if self._runtime is not None:
            await self._runtime.stop()
        await super().close()
        if self._database is not None:
            await self._database.dispose()


class ShardedRepmateBot(RepmateBot, commands.AutoShardedBot):
    """Repmate on several gateway shards: SHARD_COUNT in all, SHARD_IDS run by this process."""


def create_bot(settings: Settings | None = None, *, database: Database | None = None) -> RepmateBot:
    """A new, unstarted bot; settings come from the environment when not given."""
    settings = settings if settings is not None else Settings.from_env()
    if settings.shard_count is not None:
        ids = list(settings.shard_ids) if settings.shard_ids is not None else None
        return ShardedRepmateBot(settings, database=database, shard_count=settings.shard_count, shard_ids=ids)
    return RepmateBot(settings, database=database)
