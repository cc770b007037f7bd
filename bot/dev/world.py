"""The sandbox's demo server: the real bot in "Repmate Gym", over the sandbox's own database.

:func:`sandbox_env` starts the bot under SimCord with the demo server already in place;
:func:`configure_world` then sets it up through the real slash commands, as an admin
would, and pins the guided tour. The interactive page, the screenshots and the tests all
start from here.

The interactive sandbox keeps its database between runs (``--fresh`` starts over), so the
server is rebuilt each run with the same ids: the guild, channels, roles, members and their
DM channels are created at the same virtual instant in the same order, before the bot
starts, so the rows the last run saved still point at them. The clock then resumes where
the last run stopped (:class:`SavedSession`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot import Settings
from bot.dev.simcord_private import move_clock_before_start, record_only_real_bugs

if TYPE_CHECKING:
    import simcord
    from simcord import ChannelHandle, GuildHandle, MemberActor

#: The interactive sandbox's database, kept between runs unless ``--fresh`` is given.
SANDBOX_DB = Path("data") / "sandbox.db"
#: What the interactive sandbox remembers besides its database: the clock, its port and page key.
SANDBOX_SESSION = Path("data") / "sandbox.json"
#: ``make screenshots``' own database, recreated on every run so the pictures always start the same
#: (and never touch, or are touched by, the interactive sandbox's).
SCREENSHOTS_DB = Path("data") / "screenshots.db"

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
#: SimCord's clock at zero.
SIMCORD_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

#: The guided tour, pinned in #general: what to try, in order.
TOUR = (
    "Share a routine: `/routine create`, then `/routine share` (it appears in #routines)",
    "Log it: press **Log it** on the shared post in #routines",
    "Skip a day (**+1 day** in the sandbox bar) and rate the check-in in your DMs",
    "Run `/shouldistop` and go through the checklist",
    "Start a Tabata: `/interval start program:tabata`, then skip **+10 min** to see it finish",
    "Join a challenge in #challenges (**Join**), then skip **to the next delivery** until its results",
)


def tour_text() -> str:
    lines = [
        "**Welcome to the Repmate sandbox!** This is the real bot on an offline Discord. Try, in order:",
        *(f"{number}. {step}" for number, step in enumerate(TOUR, start=1)),
        "",
        "Switch channels, DMs and who you are in the sandbox bar on the left.",
    ]
    return "\n".join(lines)


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
    #: The bot's expected refusals (its error policy's user-facing errors), which are answers
    #: to the member rather than failures (:func:`~bot.dev.simcord_private.record_only_real_bugs`).
    refusals: list[BaseException] = field(default_factory=list)

    @property
    def member(self) -> MemberActor:
        """The member a person acts as in the sandbox, and who plays the member scenes."""
        return self.alice

    @property
    def members(self) -> tuple[MemberActor, ...]:
        """Everyone in the server, the member first (the preview opens as them)."""
        return (self.alice, self.admin, self.bob)

    @property
    def channels(self) -> tuple[ChannelHandle, ...]:
        return (self.general, self.routines, self.challenges, self.checkins)


class SandboxError(RuntimeError):
    """The demo could not be played: the bot refused or failed a step."""


def is_expected_refusal(error: BaseException) -> bool:
    """Whether the bot's error policy answers this error as a refusal (not a bug)."""
    from bot.ui import explain

    return explain(error) is not None


async def run_command(
    world: SandboxWorld, actor: MemberActor, channel: ChannelHandle, name: str, /, **options: Any
) -> Any:
    """Run a slash command as a member and insist that the bot answered without an error.

    The demo is the bot's own behaviour, so a step the bot refuses (or fails) is a bug
    worth stopping for, not something to render.
    """
    env = world.env
    cursor, refused = env.error_cursor, len(world.refusals)
    result = await actor.slash(channel, name, **options)
    errors = [*env.errors_since(cursor), *world.refusals[refused:]]
    if errors:
        raise SandboxError(f"/{name} failed in the demo: {errors[0]!r}")
    if result.response is None:
        raise SandboxError(f"/{name} did not answer in the demo")
    return result


def build_server(env: simcord.Env) -> SandboxWorld:
    """Create "Repmate Gym": its channels, roles, members and their DM channels with the bot.

    Only SimCord's builders, so it runs before the bot starts as well as after; the same
    virtual instant gives the same ids every time.
    """
    guild = env.create_guild(GUILD_NAME, description="A members' club for strength training")
    general = guild.create_text_channel("general", topic="Say hi, ask questions, try /help")
    routines = guild.create_text_channel("routines", topic="Shared workout routines")
    challenges = guild.create_text_channel("challenges", topic="Interval challenges and results")
    checkins = guild.create_text_channel("check-ins", topic="Pings when a member's DMs are closed")
    admins = guild.create_role(
        "Admins", permissions=discord.Permissions(manage_guild=True, manage_messages=True), color=0xE8A33D
    )
    coaches = guild.create_role("Coaches", color=0x2F9E72)
    admin = guild.add_member(env.create_user("ada", global_name="Ada"), roles=[admins])
    alice = guild.add_member(env.create_user("alice", global_name="Alice"))
    bob = guild.add_member(env.create_user("bob", global_name="Bob"), roles=[coaches])
    world = SandboxWorld(env, guild, general, routines, challenges, checkins, admin, alice, bob)
    for member in world.members:
        member.user.dm_channel  # noqa: B018 - opened now, so a remembered DM channel id stays valid
    return world


async def configure_world(world: SandboxWorld, *, challenge: bool = False) -> None:
    """Set the demo server up through the real /setup commands, as an admin would, and pin the tour.

    ``challenge`` also has Bob (a coach) open a three-day Tabata challenge, starting now, for
    the tour's last step.
    """
    env = world.env
    # The application's account is named in the developer portal on real Discord;
    # SimCord calls it "TestBot" until the bot renames itself.
    assert env.bot.user is not None
    if env.bot.user.name != BOT_NAME:
        await env.bot.user.edit(username=BOT_NAME)
    # Each run is a new offline Discord, which has never seen the bot's commands; the bot syncs
    # only when they changed since the sync its (kept) database remembers.
    await env.bot.sync_commands()  # type: ignore[attr-defined]
    admin, general = world.admin, world.general
    await run_command(
        world,
        admin,
        general,
        "setup channels",
        routines=world.routines,
        challenges=world.challenges,
        checkins=world.checkins,
    )
    coaches = world.guild.roles["Coaches"]
    await run_command(world, admin, general, "setup coach-role", role=coaches)
    await run_command(world, admin, general, "setup emergency-number", number=EMERGENCY_NUMBER)
    await run_command(world, admin, general, "setup clinician", text=CLINICIAN_TEXT, url=CLINICIAN_URL)
    if challenge:
        await open_demo_challenge(world)
    tour = await admin.send(general, tour_text())
    await admin.set_pinned(tour, True)


async def open_demo_challenge(world: SandboxWorld) -> None:
    """Bob opens a three-day Tabata challenge starting now (unless one by that name exists)."""
    end = world.env.now() + timedelta(days=3)
    # A second run on the same day finds it already there: that refusal is fine.
    await world.bob.slash(
        world.general,
        "challenge create",
        name=f"Tabata {world.env.now():%-d %b}",
        program="tabata",
        start="now",
        end=f"{end:%Y-%m-%d %H:%M}",
    )


async def build_world(env: simcord.Env) -> SandboxWorld:
    """The demo server "Repmate Gym" in a running Env, set up through the real /setup commands."""
    world = build_server(env)
    world.refusals = record_only_real_bugs(env, is_expected_refusal)
    await configure_world(world)
    return world


def sandbox_settings(database: Path = SANDBOX_DB, *, fresh: bool = True) -> Settings:
    """Settings for a sandbox: its own SQLite file, never the real DATABASE_URL.

    ``fresh`` removes what a previous run left there first.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    return Settings(database_url=f"sqlite+aiosqlite:///{database}")


@dataclass
class SavedSession:
    """What the interactive sandbox keeps between runs besides its database.

    ``clock``: where the virtual clock stopped, so the next run resumes there (the database's
    schedules were written against it); ``port`` and ``key``: the page's address, so a tab
    left open reconnects to the next run by itself.
    """

    clock: datetime | None = None
    port: int | None = None
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @classmethod
    def load(cls, path: Path = SANDBOX_SESSION) -> SavedSession:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            clock = datetime.fromisoformat(raw["clock"]) if raw.get("clock") else None
            return cls(clock=clock, port=raw.get("port"), key=str(raw["key"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, path: Path = SANDBOX_SESSION) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"clock": self.clock.isoformat() if self.clock else None, "port": self.port, "key": self.key}
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, path)

    @staticmethod
    def forget(path: Path = SANDBOX_SESSION) -> None:
        path.unlink(missing_ok=True)


@contextlib.asynccontextmanager
async def sandbox_env(
    bot: discord.Client, *, settle_timeout: float = 30, resume_at: datetime | None = None
) -> AsyncIterator[SandboxWorld]:
    """Start the bot under SimCord in "Repmate Gym" (not yet set up); the bot is closed at the end.

    The server is built on the demo morning before the bot starts (so its ids are the same
    every run), then the clock moves on to ``resume_at`` when that is later: both are plain
    moves of SimCord's clock, since no timer exists yet. The bot's uptime counts from then.
    Errors a person provokes are the bot's to report (it logs them with a reference), so they
    are not collected into a traceback at the end; the demo checks its own steps
    (:func:`run_command`). SimCord never closes the bot, and an open database would keep
    the process alive.
    """
    import simcord

    env = simcord.Env(bot, check_errors=False, settle_timeout=settle_timeout)
    move_clock_before_start(env, DEMO_MORNING_S)
    world = build_server(env)
    if resume_at is not None and resume_at > env.now():
        move_clock_before_start(env, (resume_at - env.now()).total_seconds())
    world.refusals = record_only_real_bugs(env, is_expected_refusal)
    await env.start()
    with env.time_context():
        try:
            yield world
        finally:
            try:
                await env.bot.close()
            finally:
                await env.shutdown()
