"""The offline sandbox: the real bot against SimCord's virtual Discord, in a browser.

``python -m bot sandbox`` builds a demo server, configures it through the real slash
commands (as an admin would), and serves SimCord's preview page on 127.0.0.1 so a
person can use the bot's commands and buttons without a token or a network.
``python -m bot sandbox --screenshots DIR`` plays the :data:`SCENES` instead and saves
each one as a PNG (the README's pictures), using Debian's ``chromium`` as the browser.

Adding a picture for a new feature is one decorated function::

    @scene("routine-shared", "routine.png", "A routine shared to #routines")
    async def _routine_shared(world: SandboxWorld) -> Shot:
        result = await run_command(world, world.member, world.general, "routine share", ...)
        return Shot(result, viewer=world.member, channel=world.general)

A scene only exists once its command does: the scenes are played by the tests too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot.app import create_bot
from bot.config import Settings

if TYPE_CHECKING:
    import simcord
    from simcord.actors import MemberActor
    from simcord.builders import ChannelHandle, GuildHandle

log = logging.getLogger(__name__)

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

#: The pictures' viewport: about a desktop Discord message column wide, and tall enough
#: for the longest message (a surface capture is cropped to the message, never beyond
#: the viewport).
SHOT_WIDTH = 900
SHOT_HEIGHT = 1000

#: Flags for Debian's chromium run headless by Playwright: root in a container needs
#: --no-sandbox, and the rest keep it from reaching for the network or a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


# -- the demo server ---------------------------------------------------------------------------


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
    env.backend.advance_clock(DEMO_MORNING_S)
    await env.start()
    with env.time_context():
        try:
            yield env
        finally:
            try:
                await env.bot.close()
            finally:
                await env.shutdown()


# -- scenes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """What a scene leaves on screen: the message to frame, and through whose eyes.

    ``target`` is a message or an interaction result; ``viewer`` must be allowed to see
    it (an ephemeral reply only by the member who ran the command); ``channel`` is where
    it is (a member's DM channel for a DM, with the member's user as the viewer).
    """

    target: Any
    viewer: Any
    channel: ChannelHandle


#: A scene's script: it acts in the demo server and returns what to frame (None: nothing).
Play = Callable[[SandboxWorld], Awaitable[Shot | None]]


@dataclass(frozen=True)
class Scene:
    name: str
    filename: str
    description: str
    play: Play


#: The demo, in order. Each feature adds its scenes with :func:`scene`.
SCENES: list[Scene] = []


def scene(name: str, filename: str, description: str) -> Callable[[Play], Play]:
    """Register a scene of the demo (played by the screenshots and by the tests)."""

    def register(play: Play) -> Play:
        if any(existing.name == name or existing.filename == filename for existing in SCENES):
            raise ValueError(f"scene {name!r} / {filename!r} is already registered")
        SCENES.append(Scene(name, filename, description, play))
        return play

    return register


@scene("setup-show", "setup-show.png", "/setup show: the server's configuration, as the admin sees it")
async def _setup_show(world: SandboxWorld) -> Shot:
    result = await run_command(world, world.admin, world.general, "setup show")
    return Shot(result, viewer=world.admin, channel=world.general)


@scene("help", "help.png", "/help: what Repmate does, its commands by topic")
async def _help(world: SandboxWorld) -> Shot:
    result = await run_command(world, world.member, world.general, "help")
    return Shot(result, viewer=world.member, channel=world.general)


@scene("settings", "settings.png", "/settings show: a member's own settings after choosing a time zone")
async def _settings(world: SandboxWorld) -> Shot:
    await run_command(world, world.member, world.general, "settings timezone", zone="Europe/Berlin")
    result = await run_command(world, world.member, world.general, "settings show")
    return Shot(result, viewer=world.member, channel=world.general)


LEG_DAY = "\n".join(
    [
        "Back Squat 3x5 @ 100kg rest 3m",
        "Romanian Deadlift 3x8-10 @ 60kg RPE 8",
        "A1 Pull-up 3xAMRAP",
        "A2 Push-up 3x15",
        "Plank 3x45s",
    ]
)


async def _create_leg_day(world: SandboxWorld) -> None:
    shown = await world.member.slash(world.general, "routine create")  # answers with a form
    if shown.modal is None:
        raise SandboxError("/routine create did not open its form in the demo")
    await world.member.submit_modal(
        shown,
        {
            "routine-name": "Leg Day",
            "routine-exercises": LEG_DAY,
            "routine-notes": "Heavy squats first; keep the pull-up/push-up superset moving.",
            "routine-tags": "legs, strength",
        },
    )


@scene("routine-shared", "routine.png", "A routine shared to #routines with Save a copy, Log it and Like")
async def _routine_shared(world: SandboxWorld) -> Shot:
    await _create_leg_day(world)
    await run_command(world, world.member, world.general, "routine share", name="Leg Day")
    post = world.routines.last_message
    if post is None:
        raise SandboxError("the shared routine did not appear in #routines")
    await world.bob.click(post, label="Like (0)")
    return Shot(world.routines.last_message, viewer=world.bob, channel=world.routines)


def _dms(world: SandboxWorld, title_part: str) -> list[Any]:
    return [
        m
        for m in world.member.user.dm_channel.history()
        if m.embeds and title_part in (m.embeds[0].title or "")
    ]


async def _next_dm(world: SandboxWorld, title_part: str) -> Any:
    """Let time pass (up to three days) until the next DM of this kind arrives."""
    before = len(_dms(world, title_part))
    for _ in range(15):
        await world.env.advance_time(5 * 3600)
        arrived = _dms(world, title_part)
        if len(arrived) > before:
            return arrived[-1]
    raise SandboxError(f"no DM with {title_part!r} arrived in the demo")


@scene("checkin", "checkin.png", "A soreness check-in DM, 24 hours after a logged workout")
async def _checkin(world: SandboxWorld) -> Shot:
    await run_command(world, world.member, world.general, "log workout", routine="Leg Day", rpe=8)
    checkin = await _next_dm(world, "sore")
    return Shot(checkin, viewer=world.member.user, channel=world.member.user.dm_channel)


@scene("checkin-rated", "checkin-rated.png", "The check-in after a rating that rose: a nudge to the triage")
async def _checkin_rated(world: SandboxWorld) -> Shot:
    first = _dms(world, "sore")[-1]
    await world.member.user.click(first, label="3")
    second = await _next_dm(world, "sore")
    await world.member.user.click(second, label="6")
    rated = next(m for m in world.member.user.dm_channel.history() if m.id == second.id)
    return Shot(rated, viewer=world.member.user, channel=world.member.user.dm_channel)


def _menu_id(message: Any, placeholder: str) -> str:
    rows = [row if isinstance(row, dict) else row.to_dict() for row in message.components]
    return str(
        next(
            c["custom_id"]
            for row in rows
            for c in row.get("components", [])
            if c.get("type") == 3 and c.get("placeholder") == placeholder
        )
    )


@scene("triage-step", "triage-step.png", "/shouldistop: one sign applies, another is not sure, in one step")
async def _triage_step(world: SandboxWorld) -> Shot:
    message = await _mark(world, "These apply to me", ["E7"])
    marked = await world.member.select(message, ["E3"], custom_id=_menu_id(message, "Not sure about these"))
    return Shot(marked, viewer=world.member, channel=world.general)


async def _mark(world: SandboxWorld, menu: str, values: list[str]) -> Any:
    """Start `/shouldistop` and mark ``values`` in the emergency checklist's ``menu``."""
    result = await run_command(world, world.member, world.general, "shouldistop")
    marked = await world.member.select(result.response, values, custom_id=_menu_id(result.response, menu))
    if marked.response is None:
        raise SandboxError("the triage checklist did not answer a mark")
    return marked.response


@scene("triage-emergency", "triage-emergency.png", "/shouldistop: an emergency outcome puts the action first")
async def _triage_emergency(world: SandboxWorld) -> Shot:
    outcome = await world.member.click(await _mark(world, "These apply to me", ["E7"]), label="Continue")
    return Shot(outcome, viewer=world.member, channel=world.general)


@scene("history", "history.png", "/log history: recent sessions and the weekly volume chart")
async def _history(world: SandboxWorld) -> Shot:
    result = await run_command(world, world.member, world.general, "log history", days=30)
    return Shot(result, viewer=world.member, channel=world.general)


@scene("interval-timer", "timer.png", "/interval start: a Tabata timer, paused by its starter in round 2")
async def _interval_timer(world: SandboxWorld) -> Shot:
    await run_command(world, world.member, world.general, "interval start", program="tabata")
    await world.env.advance_time(45)  # past the lead-in, into the second round
    timer = world.general.last_message
    if timer is None:
        raise SandboxError("the interval timer did not appear in the demo")
    # Paused, so the picture holds still while it is taken.
    await world.member.click(timer, label="Pause")
    return Shot(world.general.last_message, viewer=world.member, channel=world.general)


# -- running ------------------------------------------------------------------------------------


def sandbox_settings(database: Path = SANDBOX_DB) -> Settings:
    """Settings for the sandbox: its own fresh SQLite file, never the real DATABASE_URL."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return Settings(database_url=f"sqlite+aiosqlite:///{database}")


def _configure_logging() -> None:
    # Quiet by default: the one block the sandbox prints is what a person needs to read.
    discord.utils.setup_logging(level=logging.WARNING, root=True)


#: How often the virtual clock is brought level with real time in the interactive sandbox.
CLOCK_STEP_S = 1.0


async def follow_real_time(env: simcord.Env, *, step: float = CLOCK_STEP_S) -> None:
    """Keep the virtual clock in step with real time while a person uses the sandbox.

    SimCord's clock stands still unless someone advances it (each bot timer also has a
    real-time fallback that moves the clock to its own instant, so scheduled things
    fire on time, but "now" lags in between). For a live page, "now" in replies, uptimes
    and anything scheduled should move as a real server's would, so this is the one
    place that reads real time: the event loop's monotonic clock, from sandbox code
    outside SimCord's virtual time. It never touches the bot's clock: the bot still
    reads only ``bot.clock.now()``.

    Each catch-up runs the way SimCord runs its own real-time fallbacks (``_advance_to``
    in a short-lived task, not a public ``advance_time`` operation): a public operation
    would make a click in the page that lands during the catch-up fail as overlapping,
    while this path is one the page's actions already wait for. It is skipped while a
    page action or another advance is under way, and simply tried again a moment later.
    """
    advance_to = getattr(env, "_advance_to", None)
    if advance_to is None:  # a SimCord without the fallback path: scheduled timers still fire
        log.warning("This SimCord cannot follow real time; the sandbox clock moves only with timers")
        return
    loop = asyncio.get_running_loop()
    real_start = loop.time()
    virtual_start = env.now()
    failing = False
    while True:
        await asyncio.sleep(step)
        behind = (virtual_start + timedelta(seconds=loop.time() - real_start) - env.now()).total_seconds()
        busy = env._operation_task is not None or env._advancing or env._advance_task is not None
        if busy or behind < step / 2:
            continue
        target = env._virtual_time + behind
        catch_up = asyncio.ensure_future(advance_to(target, loop.time() + env.settle_timeout))
        try:
            await catch_up
            failing = False
        except Exception:
            # A bot that is slow to settle, or fails in a timer it set, must not stop the clock
            # (its own failures reach its error handler); say so once, then keep trying.
            if not failing:
                log.exception("Moving the sandbox clock failed; it will keep trying")
            failing = True


def _missing_simcord() -> int | None:
    try:
        import simcord.preview  # noqa: F401
    except ImportError:
        print(
            "\nThe sandbox needs SimCord's preview (a development dependency): run `make sandbox`, "
            'or install it with `pip install -e ".[dev]"`.\n',
            file=sys.stderr,
        )
        return 2
    return None


def main(screenshots: str | None = None, port: int | None = None) -> int:
    """``python -m bot sandbox [--screenshots DIR] [--port N]``; returns the exit status."""
    missing = _missing_simcord()
    if missing is not None:
        return missing
    if screenshots is not None:
        chromium = find_chromium()
        if chromium is None:
            print(
                "\nScreenshots need a Chromium browser: install Debian's `chromium` package "
                "(`sudo apt-get install chromium`) and run this again.\n",
                file=sys.stderr,
            )
            return 2
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            print(
                "\nScreenshots need Playwright (a development dependency): run `make screenshots`, "
                'or install it with `pip install -e ".[dev]"`.\n',
                file=sys.stderr,
            )
            return 2
        _configure_logging()
        out_dir = Path(screenshots)
        out_dir.mkdir(parents=True, exist_ok=True)
        with discord_like_embed_mentions():
            return asyncio.run(_screenshots(out_dir, chromium))
    _configure_logging()
    with discord_like_embed_mentions():
        return asyncio.run(_interactive(port))


@contextlib.contextmanager
def discord_like_embed_mentions() -> Iterator[None]:
    """Render mentions in embed descriptions and field values, as Discord's client does.

    Discord resolves ``<#channel>``, ``<@user>`` and ``<@&role>`` in an embed's
    description and field values (not in titles, field names or footers); SimCord's
    preview leaves them as raw ids there, which would put ``<#1456…>`` in the pictures
    of /setup. The preview already resolves the names the viewer may see; this only
    switches their rendering on for those two places while the sandbox runs.
    """
    try:
        from simcord.preview import _markdown

        policies = [_markdown._FIELD_POLICIES[key] for key in ("embed_description", "embed_field_value")]
    except (ImportError, AttributeError, KeyError):  # a SimCord that renders them itself, or moved them
        yield
        return
    saved = [policy.get("mentions") for policy in policies]
    for policy in policies:
        policy["mentions"] = True
    try:
        yield
    finally:
        for policy, value in zip(policies, saved, strict=True):
            policy["mentions"] = value  # type: ignore[assignment]


# -- interactive -------------------------------------------------------------------------------


async def _interactive(port: int | None) -> int:
    import simcord

    stop = _stop_on_signals()
    async with sandbox_env(create_bot(sandbox_settings())) as env:
        world = await build_world(env)
        preview = env.preview(world.general, viewers=list(world.members), layout="channel", port=port)
        try:
            await preview.__aenter__()
        except simcord.SetupError as exc:
            if not isinstance(exc.__cause__, OSError):
                raise
            print(
                f"\nThe sandbox could not listen on 127.0.0.1 port {port}: {exc.__cause__.strerror}. "
                "Pick another with `--port`, or leave it out to use any free port.\n",
                file=sys.stderr,
            )
            return 2
        clock = asyncio.ensure_future(follow_real_time(env))
        try:
            print(_banner(world, preview.url), flush=True)
            await _first_of(stop.wait(), preview.wait_closed())
        finally:
            clock.cancel()
            await asyncio.gather(clock, return_exceptions=True)
            await preview.close()
    print("Sandbox stopped.")
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so stopping is a clean shutdown rather than an interrupt."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not available on every platform; there Ctrl-C still interrupts, less tidily.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def _first_of(*waits: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _banner(world: SandboxWorld, url: str) -> str:
    start = world.env.now()
    return "\n".join(
        [
            "",
            "Repmate sandbox: the real bot on an offline Discord (no token, no network).",
            "",
            f"  Open       {url}",
            f"  Server     {GUILD_NAME}: #general, #routines, #challenges, #check-ins, set up by Ada",
            "  Acting as  Alice, a member. Pick Ada (admin, Manage Server) in the page's",
            "             viewer menu to try /setup, or Bob (a coach) for a second member.",
            f"  Clock      virtual, following real time from {start:%a %d %b %Y %H:%M} UTC",
            f"  Database   {SANDBOX_DB} (fresh every run)",
            "",
            "Ctrl-C to stop.",
            "",
        ]
    )


# -- screenshots -------------------------------------------------------------------------------


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def system_chromium(executable: str) -> Iterator[None]:
    """Make Playwright launch the system's Chromium (its own download is unreachable offline)."""
    from playwright.async_api import BrowserType

    original = BrowserType.launch

    async def launch(self: BrowserType, **kwargs: Any) -> Any:
        kwargs["executable_path"] = executable
        kwargs["args"] = [*CHROMIUM_ARGS, *(kwargs.get("args") or [])]
        return await original(self, **kwargs)

    BrowserType.launch = launch  # type: ignore[method-assign]
    try:
        yield
    finally:
        BrowserType.launch = original  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def _previews(world: SandboxWorld) -> AsyncIterator[Callable[[Shot], Awaitable[Any]]]:
    """One preview per channel, reused while consecutive shots stay in that channel.

    A guild channel's preview lets every member of the demo be the viewer; a DM's only
    its owner (SimCord allows one open preview at a time).
    """
    current: dict[str, Any] = {}

    async def preview_for(shot: Shot) -> Any:
        open_ = current.get("preview")
        if open_ is not None and current["channel"] == shot.channel.id:
            return open_
        if open_ is not None:
            await open_.close()
        viewers = [shot.viewer] if shot.channel.guild is None else list(world.members)
        preview = world.env.preview(
            shot.channel,
            viewers=viewers,
            layout="channel",
            display="fixed",
            width=SHOT_WIDTH,
            height=SHOT_HEIGHT,
        )
        await preview.__aenter__()
        current.update(preview=preview, channel=shot.channel.id)
        return preview

    try:
        yield preview_for
    finally:
        if current.get("preview") is not None:
            await current["preview"].close()


async def render_scenes(world: SandboxWorld, out_dir: Path, scenes: list[Scene] | None = None) -> list[Path]:
    """Play the scenes in order and save each to ``out_dir`` (an existing folder) as a PNG."""
    written: list[Path] = []
    async with _previews(world) as preview_for:
        for item in SCENES if scenes is None else scenes:
            shot = await item.play(world)
            if shot is None:
                continue
            preview = await preview_for(shot)
            path = out_dir / item.filename
            report = await preview.screenshot(
                path, viewer=shot.viewer, target=shot.target, allow_incomplete=True
            )
            written.append(path)
            print(f"  {path}  {item.description}", flush=True)
            if not report.complete:
                codes = ", ".join(str(d.get("code")) for d in report.diagnostics) or "no details"
                print(f"    (rendered with gaps the preview reported: {codes})", flush=True)
    return written


async def _screenshots(out_dir: Path, chromium: str) -> int:
    async with sandbox_env(create_bot(sandbox_settings())) as env:
        try:
            world = await build_world(env)
            print(f"Rendering {len(SCENES)} scenes to {out_dir}/ with {chromium}:", flush=True)
            with system_chromium(chromium):
                await render_scenes(world, out_dir)
        except SandboxError as exc:
            print(f"\nThe demo stopped: {exc}\n", file=sys.stderr)
            return 1
    return 0
