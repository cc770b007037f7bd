"""Group sessions at scale, for ``make bench``: 200 sessions starting in the same minute across servers.

The real services, dispatcher, pacer, timer loop and cue runner over a real SQLite database;
only Discord is replaced, by the runtime harness's recording fake, and time is the
harness's virtual clock (every sleep, the timer loop's and the cue runner's included,
moves a counter in order). Each session is an ``emom 2`` in its own server (a start post, an edit
at each minute, a countdown into each minute, halfway cues, a finish), with two members in
(so 400 reminder DMs go out 30 minutes before) and cues played in its voice channel
through a recording stand-in. Measured:

* the most requests in any 1-second window and the requests Discord would have refused
  (over 50 in a second): the start posts, the timer edits at every phase change and the
  reminder DMs all share the pacer;
* how late the start posts went out (the last one waits its turn at the pacer);
* the cue timing error: when each cue was played against when its schedule says.

(Under SimCord the same run works but takes minutes of wall time: its settle loop polls
at every distinct wake-up, and 200 paced timers have thousands of them.)
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

Row = tuple[str, str, str]

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
MEMBERS_IN = 2
PROGRAM = "emom 2"


class _Recorder:
    """Cue player stand-in: the virtual time each cue was played at, per session."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.played: dict[int, list[tuple[datetime, str]]] = {}

    def player(self, key: int) -> Any:
        recorder = self

        class _Player:
            async def play(self, sound: str, pcm: bytes) -> None:
                recorder.played.setdefault(key, []).append((recorder.clock.now(), sound))

            async def disconnect(self) -> None:
                return None

        return _Player()


class _Editor:
    def __init__(self, discord: Any) -> None:
        self.discord = discord

    async def edit(self, channel_id: int, message_id: int, outgoing: Any, *, guild_id: int | None) -> None:
        self.discord.record("edit")


async def _run(folder: Path) -> list[Row]:
    from bot.config import Settings
    from bot.db.database import Database
    from bot.domain.sessions import cue_schedule
    from bot.runtime.dispatcher import Dispatcher, pacer_shape
    from bot.runtime.kinds import DeliveryKinds, Outgoing
    from bot.runtime.timers import TimerRunner
    from bot.runtime.voice import CueRunner
    from bot.scheduling.ratelimit import TokenBucket
    from bot.services import sessions as kinds
    from bot.services.challenges import Actor
    from bot.wiring import build_services, delivery_lifecycles
    from tests.runtime.harness import T0, FakeDiscord, FakeSender, VirtualClock, on_error, spawn

    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder / 'sessions.db'}")
    db = Database.from_url(settings.database_url)
    await db.migrate()
    clock = VirtualClock()
    services = build_services(db, settings, clock.now)
    discord = FakeDiscord(clock)
    rate, burst = pacer_shape(settings.dispatch_rate)
    pacer = TokenBucket(rate=rate, capacity=burst, monotonic=clock.monotonic, sleep=clock.sleep)
    timers = TimerRunner(services.intervals, _Editor(discord), pacer=pacer, clock=clock.now, spawn=spawn)
    timers.render = lambda timer, state: Outgoing(content=f"{state.status} {state.key}")
    cues = CueRunner(clock=clock.now, spawn=spawn, sleep=clock.sleep)
    recorder = _Recorder(clock)
    service = services.sessions
    posted_at: dict[int, float] = {}

    async def render_reminder(delivery: Any, late: bool) -> Outgoing | None:
        return Outgoing(content="soon") if await service.reminder(delivery) else None

    async def render_start(delivery: Any, late: bool) -> Outgoing | None:
        return Outgoing(content="starting") if await service.begin(delivery) else None

    async def after_start(settled: Any) -> None:
        session = await service.current(settled.delivery)
        if session is None or session.timer_id is None:
            return
        posted_at[session.id] = clock.elapsed
        timers.launch(session.timer_id)
        timer = await services.intervals.find(session.timer_id)
        assert timer is not None
        cues.launch(session.id, recorder.player(session.id), timer.started_at, cue_schedule(timer.phases))

    async def render_end(delivery: Any, late: bool) -> Outgoing | None:
        return Outgoing(content="recap") if await service.close(delivery) else None

    registry = DeliveryKinds(delivery_lifecycles(services))
    registry.renderers.add(kinds.REMINDER_KIND, render_reminder)
    registry.renderers.add(kinds.START_KIND, render_start, after=after_start)
    registry.renderers.add(kinds.END_KIND, render_end)
    dispatcher = Dispatcher(
        FakeSender(discord),
        spawn=spawn,
        on_error=on_error,
        scheduler=services.deliveries,
        members=services.members.repo,
        guilds=services.guilds.repo,
        pacer=pacer,
        clock=clock.now,
        kinds=registry,
    )

    start = T0 + timedelta(hours=1)
    text = start.strftime("%Y-%m-%d %H:%M")
    for i in range(SESSIONS):
        draft = await service.prepare(
            1000 + i,
            Actor(1, is_admin=True),
            name=f"Lunch Tabata {i}",
            start=text,
            duration="5m",
            program=PROGRAM,
            voice_channel_id=5000 + i,
            voice_kind="voice",
        )
        session = await service.create(draft, text_channel_id=3000 + i, event_id=None)
        for m in range(MEMBERS_IN):
            await service.rsvp(session.id, 100_000 + i * MEMBERS_IN + m, going=True)

    until = start + timedelta(minutes=6)
    # The test drives the clock: it sleeps to the next due delivery (or 30 s ahead), so the
    # timer loop's and cue runner's sleeps in between wake in order at their own instants.
    with mock.patch("bot.runtime.timers.asyncio.sleep", clock.sleep):
        while clock.now() < until:
            if await dispatcher.tick():
                continue
            nxt = await services.deliveries.repo.next_wake_at()
            target = min(nxt or until, clock.now() + timedelta(seconds=30), until)
            await clock.sleep(max((target - clock.now()).total_seconds(), 0.001))
        await cues.stop()
        for task in list(timers.tasks.values()):
            task.cancel()

    errors: list[float] = []
    for session_id, played in recorder.played.items():
        found = await service.get(session_id)
        timer = await services.intervals.find(found.timer_id) if found.timer_id else None
        if timer is None:
            continue
        for (at, sound), cue in zip(played, cue_schedule(timer.phases), strict=False):
            assert sound == cue.sound
            errors.append(abs((at - (timer.started_at + timedelta(seconds=cue.at_s))).total_seconds()))
    kinds_sent: dict[str, int] = {}
    for _, what in discord.requests:
        kinds_sent[what] = kinds_sent.get(what, 0) + 1
    offset = (start - T0).total_seconds()
    lateness = sorted(t - offset for t in posted_at.values())
    await db.dispose()
    return [
        (
            f"group sessions: {SESSIONS} starting in the same minute",
            f"{len(posted_at)} timers started; requests: "
            + ", ".join(f"{n:,} {what}" for what, n in sorted(kinds_sent.items())),
            f"{SESSIONS} timers",
        ),
        (
            "  most requests in any 1 s window",
            f"{discord.max_in_window()} ({discord.over_limit()} over Discord's 50/s)",
            f"≤ {int(settings.dispatch_rate)} (the pacer), 0 over",
        ),
        (
            "  start posts: last one after the start",
            f"{lateness[-1]:.1f} s (median {lateness[len(lateness) // 2]:.1f} s)" if lateness else "none",
            "< 10 s lead-in",
        ),
        (
            "  audio cue timing error (virtual time)",
            f"max {max(errors) * 1000:.1f} ms over {len(errors):,} cues" if errors else "no cues played",
            "≤ 50 ms",
        ),
    ]


def run() -> list[Row]:
    # In memory-backed storage where the machine has it: the figures are about pacing and timing,
    # not the disk's fsyncs, which would otherwise take most of the run's wall time.
    where = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        return asyncio.run(_run(Path(tmp)))


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
