"""The sandbox's demo server: the real bot on the demo morning, over its own fresh database.

:func:`sandbox_env` starts the bot under SimCord; :func:`build_world` then sets up
"Repmate Gym" through the real slash commands, as an admin would. Both the interactive
page and the screenshots start from here, and so do the tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot import Settings
from bot.dev.simcord_private import move_clock_before_start

if TYPE_CHECKING:
    import simcord
    from simcord import ChannelHandle, GuildHandle, MemberActor

#: The sandbox's own database, recreated on every run so the demo always starts the same.
SANDBOX_DB = Path("data") / "sandbox.db"

BOT_NAME = "Repmate"
GUILD_NAME = "Repmate Gym"
EMERGENCY_NUMBER = "999"
CLINICIAN_TEXT = "Riverside Sports Clinic: sports physio, weekdays 8:00–18:00, 020 7946 0000"
CLINICIAN_URL = "https://riverside-clinic.example/sports-injuries"

#: SimCord's virtual clock starts at midnight (Thu 1 Jan 2026 00:00 UTC), inside the default
#: quiet hours (22:00–08:00) when check-ins are held back. The sandbox starts
#: its bot at 09:00 instead, so replies that show the time and anything scheduled during a
#: session behave as they would for a member during the day.
DEMO_MORNING_S = 9 * 3600


@dataclass
class SandboxWorld:
    """The demo server: who is in it and where things are."""

    env: simcord.Env
    guild: GuildHandle
    general: ChannelHandle
    routines: ChannelHandle
    challenges: ChannelHandle
    checkins: ChannelHandle
    admin: MemberActor
    alice: MemberActor
    bob: MemberActor

    @property
    def member(self) -> MemberActor:
        """The member a person acts as in the sandbox, and who plays the member scenes."""
        return self.alice

    @property
    def members(self) -> tuple[MemberActor, ...]:
        """Everyone in the server, the member first (the preview opens as them)."""
        return (self.alice, self.admin, self.bob)


class SandboxError(RuntimeError):
    """The demo could not be played: the bot refused or failed a step."""


async def run_command(
    world: SandboxWorld, actor: MemberActor, channel: ChannelHandle, name: str, /, **options: Any
) -> Any:
    """Run a slash command as a member and insist that the bot answered without an error.

    The demo is the bot's own behaviour, so a step the bot refuses (or fails) is a bug
    worth stopping for, not something to render.
    """
    env = world.env
    cursor = env.error_cursor
    result = await actor.slash(channel, name, **options)
    errors = env.errors_since(cursor)
    if errors:
        raise SandboxError(f"/{name} failed in the demo: {errors[0]!r}")
    if result.response is None:
        raise SandboxError(f"/{name} did not answer in the demo")
    return result


async def build_world(env: simcord.Env) -> SandboxWorld:
    """The demo server "Repmate Gym", set up through the real /setup commands."""
    # The application's account is named in the developer portal on real Discord;
    # SimCord calls it "TestBot" until the bot renames itself.
    assert env.bot.user is not None
    await env.bot.user.edit(username=BOT_NAME)
    guild = env.create_guild(GUILD_NAME, description="A members' club for strength training")
    general = guild.create_text_channel("general", topic="Say hi, ask questions, try /help")
    routines = guild.create_text_channel("routines", topic="Shared workout routines")
    challenges = guild.create_text_channel("challenges", topic="Interval challenges and results")
    checkins = guild.create_text_channel("check-ins", topic="Pings when a member's DMs are closed")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True), color=0xE8A33D)
    coaches = guild.create_role("Coaches", color=0x2F9E72)
    admin = guild.add_member(env.create_user("ada", global_name="Ada"), roles=[admins])
    alice = guild.add_member(env.create_user("alice", global_name="Alice"))
    bob = guild.add_member(env.create_user("bob", global_name="Bob"), roles=[coaches])
    world = SandboxWorld(env, guild, general, routines, challenges, checkins, admin, alice, bob)

    await admin.send(
        general, "Welcome to Repmate Gym! Repmate is set up here: type `/help` to see what it does."
    )
    await run_command(
        world, admin, general, "setup channels", routines=routines, challenges=challenges, checkins=checkins
    )
    await run_command(world, admin, general, "setup coach-role", role=coaches)
    await run_command(world, admin, general, "setup emergency-number", number=EMERGENCY_NUMBER)
    await run_command(world, admin, general, "setup clinician", text=CLINICIAN_TEXT, url=CLINICIAN_URL)
    return world


def sandbox_settings(database: Path = SANDBOX_DB) -> Settings:
    """Settings for the sandbox: its own fresh SQLite file, never the real DATABASE_URL."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return Settings(database_url=f"sqlite+aiosqlite:///{database}")


@contextlib.asynccontextmanager
async def sandbox_env(bot: discord.Client, *, settle_timeout: float = 30) -> AsyncIterator[simcord.Env]:
    """``simcord.run`` for the sandbox: the bot starts on the demo morning and is closed at the end.

    The clock is set before the bot starts (so its uptime counts from then), which is a
    plain move of SimCord's clock: no timer exists yet to fire. Errors a person provokes
    are the bot's to report (it logs them with a reference), so they are not collected
    into a traceback at the end; the demo checks its own steps (:func:`run_command`).
    SimCord never closes the bot, and an open database would keep the process alive.
    """
    import simcord

    env = simcord.Env(bot, check_errors=False, settle_timeout=settle_timeout)
    move_clock_before_start(env, DEMO_MORNING_S)
    await env.start()
    with env.time_context():
        try:
            yield env
        finally:
            try:
                await env.bot.close()
            finally:
                await env.shutdown()
