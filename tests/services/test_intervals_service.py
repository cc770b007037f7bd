"""TimerService without Discord: what a timer shows at any instant, and the starter's controls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.db.database import Database
from bot.db.repositories.timers import FINISHED, GONE, PAUSED, RUNNING, STOPPED, TimerRepo
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.services.intervals import LEAD_IN_S, MAX_ACTIVE_PER_CHANNEL, SHOWN_READY, TimerService, state_at

ALICE, BOB = 101, 202
GUILD, CHANNEL = 1, 10


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest_asyncio.fixture
async def db(tmp_path) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/timers.db")
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timers(db: Database, clock: Clock) -> TimerService:
    return TimerService(TimerRepo(db), clock)


async def started(timers: TimerService, text: str = "emom 20", owner: int = ALICE, channel: int = CHANNEL):  # type: ignore[no-untyped-def]
    timer = await timers.start(owner, GUILD, channel, text)
    return await timers.attach(timer.id, 5000 + timer.id)


async def test_the_display_changes_once_per_phase_and_says_when_the_next_change_is(
    timers: TimerService, clock: Clock
) -> None:
    timer = await started(timers)
    assert timer.notation == "emom 20" and timer.total_s == 1200 and len(timer.phases) == 20
    ready = timers.state(timer)
    assert ready.status == "ready" and ready.key == SHOWN_READY
    assert ready.next_change_at == clock.now + timedelta(seconds=LEAD_IN_S)
    keys: list[int] = []
    at = clock.now
    for second in range(0, LEAD_IN_S + 1200 + 30):
        state = state_at(timer, at + timedelta(seconds=second))
        if not keys or keys[-1] != state.key:
            keys.append(state.key)
    assert keys == [SHOWN_READY, *range(20), 20], "ready, 20 minutes, finished: 21 changes"
    third = state_at(timer, at + timedelta(seconds=LEAD_IN_S + 125))
    assert third.status == "running" and third.phase is not None and third.phase.round == 3
    assert third.remaining_s == 55 and third.next_change_at == at + timedelta(seconds=LEAD_IN_S + 180)
    assert third.next_phase is not None and third.next_phase.round == 4
    done = state_at(timer, at + timedelta(hours=1))
    assert done.status == "finished" and done.next_change_at is None


async def test_pausing_freezes_the_clock_and_resuming_shifts_the_rest(
    timers: TimerService, clock: Clock
) -> None:
    timer = await started(timers, "3x(30s squat, 30s rest)")
    clock.tick(LEAD_IN_S + 40)  # 10 s into the first rest
    paused = await timers.pause(timer.id, ALICE)
    assert paused.status == PAUSED
    clock.tick(600)
    state = timers.state(paused)
    assert state.status == "paused" and state.phase is not None and state.phase.kind == "rest"
    assert state.remaining_s == 20 and state.next_change_at is None
    assert (await timers.pause(timer.id, ALICE)).status == PAUSED, "pressing twice changes nothing"
    resumed = await timers.resume(timer.id, ALICE)
    assert resumed.status == RUNNING and resumed.paused_total_s == 600
    state = timers.state(resumed)
    assert state.status == "running" and state.next_change_at == clock.now + timedelta(seconds=20)
    clock.tick(20)
    assert timers.state(await timers.get(timer.id)).phase.label == "squat"  # type: ignore[union-attr]


async def test_a_pause_during_the_lead_in_keeps_the_countdown(timers: TimerService, clock: Clock) -> None:
    timer = await started(timers, "tabata")
    clock.tick(4)
    paused = await timers.pause(timer.id, ALICE)
    clock.tick(100)
    state = timers.state(paused)
    assert state.status == "paused" and state.phase is None and state.remaining_s == LEAD_IN_S - 4
    resumed = await timers.resume(timer.id, ALICE)
    assert timers.state(resumed).next_change_at == clock.now + timedelta(seconds=LEAD_IN_S - 4)


async def test_stop_records_how_far_the_workout_got(timers: TimerService, clock: Clock) -> None:
    timer = await started(timers, "fortime cap 20")
    clock.tick(LEAD_IN_S + 8 * 60 + 2)
    stopped = await timers.stop(timer.id, ALICE)
    assert stopped.status == STOPPED and stopped.final_elapsed_s == 482 and stopped.ended_at == clock.now
    state = timers.state(stopped)
    assert state.status == "stopped" and state.elapsed_s == 482
    clock.tick(3600)
    assert timers.state(await timers.get(timer.id)).elapsed_s == 482
    assert (await timers.resume(timer.id, ALICE)).status == STOPPED, "a stopped timer stays stopped"


async def test_a_timer_that_ran_out_is_finished_whatever_was_pressed(
    timers: TimerService, clock: Clock
) -> None:
    timer = await started(timers, "tabata")
    clock.tick(3600)
    assert (await timers.pause(timer.id, ALICE)).status == FINISHED
    other = await started(timers, "tabata")
    clock.tick(3600)
    stopped = await timers.stop(other.id, ALICE)
    assert stopped.status == FINISHED and stopped.final_elapsed_s == 240


async def test_only_the_starter_controls_the_timer(timers: TimerService) -> None:
    timer = await started(timers)
    for action in (timers.pause, timers.resume, timers.stop):
        with pytest.raises(NotAllowed, match=f"<@{ALICE}>"):
            await action(timer.id, BOB)
    assert (await timers.get(timer.id)).status == RUNNING
    with pytest.raises(NotFound):
        await timers.get(999)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("8x(20s work 10s rest)", "At position"),
        ("", "expected a program"),
        ("100x(3m work, 1m rest)", "3 hours"),
    ],
)
async def test_bad_programs_say_where_and_give_an_example(
    timers: TimerService, text: str, fragment: str
) -> None:
    with pytest.raises(UserFacingError) as caught:
        await timers.start(ALICE, GUILD, CHANNEL, text)
    assert fragment in caught.value.render() and "Example" in caught.value.render()
    assert await timers.active() == []


async def test_one_live_timer_per_member_and_a_few_per_channel(timers: TimerService, clock: Clock) -> None:
    first = await started(timers)
    with pytest.raises(UserFacingError, match="already have a timer going") as caught:
        await timers.start(ALICE, GUILD, 99, "tabata")
    assert first.url is not None and first.url in caught.value.message
    for member in range(MAX_ACTIVE_PER_CHANNEL - 1):
        await started(timers, owner=500 + member)
    with pytest.raises(UserFacingError, match="already has 5 live timers"):
        await timers.start(BOB, GUILD, CHANNEL, "tabata")
    await timers.stop(first.id, ALICE)
    assert (await timers.start(BOB, GUILD, CHANNEL, "tabata")).status == RUNNING


async def test_a_timer_whose_message_never_posted_is_forgotten(timers: TimerService, clock: Clock) -> None:
    orphan = await timers.start(ALICE, GUILD, CHANNEL, "tabata")
    assert await timers.active() == []
    clock.tick(600)
    again = await timers.start(ALICE, GUILD, CHANNEL, "tabata")
    assert again.created_at > orphan.created_at
    assert [t.created_at for t in await timers.active_for_owner(ALICE)] == [again.created_at]
    await timers.discard(again.id)
    assert await timers.find(again.id) is None


async def test_finish_and_gone_only_end_live_timers(timers: TimerService, clock: Clock) -> None:
    timer = await started(timers, "tabata")
    await timers.record_shown(timer.id, 3)
    assert (await timers.get(timer.id)).shown == 3
    clock.tick(300)
    assert await timers.finish(timer.id)
    assert not await timers.finish(timer.id)
    await timers.mark_gone(timer.id)
    assert (await timers.get(timer.id)).status == FINISHED
    other = await started(timers, "tabata")
    await timers.mark_gone(other.id)
    assert (await timers.get(other.id)).status == GONE
    assert await timers.active() == []
