"""The demo's scenes: each plays a feature in the demo server and says what to frame.

``python -m bot sandbox --screenshots DIR`` plays the :data:`SCENES` in order and saves
each one as a PNG (the README's pictures). Adding a picture for a new feature is one
decorated function::

    @scene("routine-shared", "routine.png", "A routine shared to #routines")
    async def _routine_shared(world: SandboxWorld) -> Shot:
        result = await run_command(world, world.member, world.general, "routine share", ...)
        return Shot(result, viewer=world.member, channel=world.general)

A scene only exists once its command does: the scenes are played by the tests too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.dev.world import SandboxError, SandboxWorld, run_command

if TYPE_CHECKING:
    from simcord import ChannelHandle


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


async def create_leg_day(world: SandboxWorld) -> None:
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
    await create_leg_day(world)
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


@scene(
    "readiness",
    "readiness.png",
    "/readiness: each muscle group's recovery after the leg day, and what to train",
)
async def _readiness(world: SandboxWorld) -> Shot:
    result = await run_command(world, world.member, world.general, "readiness")
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
