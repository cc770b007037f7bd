"""WorkoutService without Discord: logging, records, history, undo, listeners; and the chart."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from bot.db.database import Database
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.routines import RoutineRepo
from bot.db.repositories.workouts import WorkoutRepo
from bot.domain.records import RecordKind
from bot.domain.routines import parse_line
from bot.errors import NotFound, UserFacingError
from bot.services.charts import render_weekly_volume, weekly_volume_png
from bot.services.routines import RoutineService
from bot.services.settings import MemberSettingsService
from bot.services.workouts import (
    LoggedSession,
    WorkoutService,
    planned_sets,
    weekly_volumes,
)

ALICE, BOB = 101, 202
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # a Monday
PNG = b"\x89PNG\r\n\x1a\n"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    clock: Clock
    routines: RoutineService
    workouts: WorkoutService
    members: MemberSettingsService


@pytest_asyncio.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/svc.db")
    await db.migrate()
    clock = Clock()
    routines = RoutineService(RoutineRepo(db), clock)
    members = MemberSettingsService(MemberRepo(db), "UTC", clock)
    try:
        yield World(clock, routines, WorkoutService(WorkoutRepo(db), routines, members, clock), members)
    finally:
        await db.dispose()


def test_planned_sets_follow_the_notation() -> None:
    def sets(text: str) -> list[tuple[int | None, str | None, float | None, float | None, int | None]]:
        rows = planned_sets(parse_line(text), 1, "X", "x")
        assert [r.set_no for r in rows] == list(range(1, len(rows) + 1))
        return [(r.reps, r.load_kind, r.weight_kg, r.percent, r.duration_s) for r in rows]

    assert sets("Squat 2x5 @ 100kg") == [(5, "weight", 100.0, None, None)] * 2
    assert sets("RDL 1x8-10 @ 225lb") == [(8, "weight", pytest.approx(102.0582), None, None)]
    assert sets("Pull-up 2xAMRAP") == [(None, None, None, None, None)] * 2
    assert sets("Plank 1x45s") == [(None, None, None, None, 45)]
    assert sets("Dip 1x8 @ bw") == [(8, "bw", 0.0, None, None)]
    assert sets("Dip 1x8 @ bw+10kg") == [(8, "bw", 10.0, None, None)]
    assert sets("Bench 1x5 @ 80%") == [(5, "percent", None, 80.0, None)]


async def test_ad_hoc_log_then_records_against_history(world: World) -> None:
    first = await world.workouts.log(ALICE, 9, exercises="Back Squat 3x5 @ 100kg | Plank 3x45s", rpe=7)
    assert first.volume_kg == 1500.0 and first.rpe == 7 and first.routine_name is None
    assert [r.kind for r in first.records] == [RecordKind.FIRST_LOGGED]
    assert first.new_records == () and len(first.baselines) == 1
    assert [e.name for e in first.exercises] == ["Back Squat", "Plank"]

    heavier = await world.workouts.log(ALICE, 9, exercises="Back Squat 3x5 @ 110kg")
    kinds = [r.kind for r in heavier.new_records]
    assert kinds == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD]
    assert heavier.records[0].previous == pytest.approx(116.667, abs=0.01)

    # Another member's history is not this member's.
    assert [
        r.kind for r in (await world.workouts.log(BOB, 9, exercises="Back Squat 1x1 @ 50kg")).records
    ] == [RecordKind.FIRST_LOGGED]
    # An alias of the same catalogue exercise counts as the same exercise.
    same = await world.workouts.log(ALICE, 9, exercises="back squats 1x3 @ 100kg")
    assert same.records == ()


async def test_log_from_a_routine_and_by_id(world: World) -> None:
    routine = await world.routines.create(
        ALICE, "Leg Day", "Back Squat 3x5 @ 100kg\nRDL 3x8-10 @ 60kg\nPull-up 3xAMRAP"
    )
    logged = await world.workouts.log(ALICE, None, routine="leg day", notes="  good  ")
    assert logged.routine_name == "Leg Day" and logged.notes == "good"
    assert logged.volume_kg == 1500.0 + 3 * 8 * 60
    assert logged.exercises[1].line.reps.low == 8 and logged.exercises[1].line.reps.kind == "count"
    with pytest.raises(NotFound):
        await world.workouts.log_routine(BOB, None, routine.id)
    await world.routines.record_share(routine, guild_id=1, channel_id=2, message_id=3)
    by_bob = await world.workouts.log_routine(BOB, 1, routine.id)
    assert by_bob.session.user_id == BOB and by_bob.routine_name == "Leg Day"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "either a routine or exercises"),
        ({"routine": "A", "exercises": "Plank 3x45s"}, "either a routine or exercises"),
        ({"exercises": "Plank 3x45s", "rpe": 11}, "RPE"),
        ({"exercises": "Plank 3x45s", "rpe": 0}, "RPE"),
        ({"exercises": "Plank 3x45s", "notes": "n" * 501}, "limit is 500"),
        ({"exercises": "Plank 3x45s | Bench heavy"}, "Line 2"),
        ({"routine": "Nope"}, "no routine called"),
    ],
)
async def test_refused_logs_store_nothing(world: World, kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        await world.workouts.log(ALICE, None, **kwargs)  # type: ignore[arg-type]
    assert expected in caught.value.message and caught.value.example
    assert (await world.workouts.history(ALICE, 365)).session_count == 0


async def test_listeners_hear_logs_and_undos_and_a_failing_one_changes_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[LoggedSession] = []
    removed: list[tuple[int, int]] = []

    async def broken(_session: LoggedSession) -> None:
        raise RuntimeError("boom")

    async def listener(session: LoggedSession) -> None:
        heard.append(session)

    async def on_removed(user_id: int, session_id: int) -> None:
        removed.append((user_id, session_id))

    world.workouts.on_logged += [broken, listener]
    world.workouts.on_removed.append(on_removed)
    with caplog.at_level(logging.ERROR):
        logged = await world.workouts.log(ALICE, 7, exercises="Plank 3x45s")
    assert "listener failed" in caplog.text
    assert heard == [logged.session] == [LoggedSession(logged.session.session_id, ALICE, 7, T0)]
    assert await world.workouts.get_session(logged.session.session_id) == logged.session
    await world.workouts.undo(ALICE)
    assert removed == [(ALICE, logged.session.session_id)]
    assert await world.workouts.get_session(logged.session.session_id) is None


async def test_undoing_a_record_setting_workout_puts_the_old_records_back(world: World) -> None:
    await world.workouts.log(ALICE, None, exercises="Back Squat 3x5 @ 100kg | Bench Press 1x5 @ 80kg")
    world.clock.now += timedelta(days=2)
    await world.workouts.log(ALICE, None, exercises="Back Squat 1x5 @ 105kg")
    world.clock.now += timedelta(days=2)
    heavy = "Back Squat 1x3 @ 130kg | Bench Press 1x6 @ 80kg"
    record = await world.workouts.log(ALICE, None, exercises=heavy)
    assert [r.kind for r in record.new_records] == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD] * 2
    await world.workouts.undo(ALICE)

    # The 130 kg triple is gone: 120 kg × 3 and 80 kg × 6 are records again, against 105 kg × 5.
    again = await world.workouts.log(ALICE, None, exercises="Back Squat 1x3 @ 120kg | Bench Press 1x6 @ 80kg")
    squat, bench = again.new_records[:2], again.new_records[2:]
    assert [r.kind for r in squat] == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD]
    assert squat[0].previous == pytest.approx(105 * (1 + 5 / 30))
    assert squat[1].value == 3 and squat[1].previous is None
    assert [(r.kind, r.previous) for r in bench] == [
        (RecordKind.ESTIMATED_1RM, pytest.approx(80 * (1 + 5 / 30))),
        (RecordKind.REPS_AT_LOAD, 5),
    ]
    # Undoing the only session of an exercise leaves nothing to beat: the next one is a baseline.
    world.clock.now += timedelta(days=1)
    await world.workouts.log(ALICE, None, exercises="Deadlift 1x5 @ 140kg")
    await world.workouts.undo(ALICE)
    light = await world.workouts.log(ALICE, None, exercises="Deadlift 1x1 @ 60kg")
    assert [r.kind for r in light.records] == [RecordKind.FIRST_LOGGED]


async def test_undo_only_the_last_and_only_within_24_hours(world: World) -> None:
    with pytest.raises(NotFound):
        await world.workouts.undo(ALICE)
    first = await world.workouts.log(ALICE, None, exercises="Plank 3x45s")
    world.clock.now += timedelta(hours=1)
    second = await world.workouts.log(ALICE, None, exercises="Plank 3x60s")
    world.clock.now += timedelta(hours=23, minutes=59)
    assert (await world.workouts.undo(ALICE)).session.id == second.session.session_id
    with pytest.raises(UserFacingError) as caught:
        await world.workouts.undo(ALICE)
    assert "within 24 hours" in caught.value.message and "nothing was removed" in caught.value.message
    assert await world.workouts.get_session(first.session.session_id) is not None


def test_weekly_volumes_use_local_weeks_and_fill_gaps() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # Wednesday
    since = now - timedelta(days=21)  # Wednesday three weeks earlier
    sunday_night_utc = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)  # already Monday 9 March in Berlin
    weeks = weekly_volumes([(sunday_night_utc, 100.0), (now, 50.0)], berlin, since, now)
    assert [(w.week_start, w.volume_kg) for w in weeks] == [
        (date(2026, 2, 23), 0.0),
        (date(2026, 3, 2), 0.0),
        (date(2026, 3, 9), 100.0),
        (date(2026, 3, 16), 50.0),
    ]
    utc_weeks = weekly_volumes([(sunday_night_utc, 100.0)], ZoneInfo("UTC"), since, now)
    assert {w.week_start: w.volume_kg for w in utc_weeks}[date(2026, 3, 2)] == 100.0


async def test_history_summarises_in_the_members_units_and_zone(world: World) -> None:
    await world.members.set_units(ALICE, "lb")
    await world.members.set_timezone(ALICE, "America/New_York")
    await world.workouts.log(ALICE, None, exercises="Back Squat 3x5 @ 100kg", rpe=8)
    world.clock.now += timedelta(days=8)
    await world.workouts.log(ALICE, None, exercises="Deadlift 1x5 @ 140kg | Plank 3x45s")
    history = await world.workouts.history(ALICE, 30)
    assert history.session_count == 2 and history.total_volume_kg == 2200.0
    assert history.units == "lb" and history.zone.key == "America/New_York"
    assert [s.volume_kg for s in history.sessions] == [700.0, 1500.0]
    assert sum(w.volume_kg for w in history.weeks) == 2200.0
    assert len(history.weeks) == 6 and all(w.week_start.weekday() == 0 for w in history.weeks)
    assert history.top_exercises[0].exercise == "Back Squat"
    assert (await world.workouts.history(ALICE, 1)).session_count == 1
    for days in (0, 366):
        with pytest.raises(UserFacingError):
            await world.workouts.history(ALICE, days)


async def test_the_chart_is_a_png_with_or_without_data() -> None:
    weeks = [(date(2026, 3, 2) + timedelta(days=7 * i), 1000.0 * i) for i in range(53)]
    assert render_weekly_volume(weeks, "kg", "Weekly volume").startswith(PNG)
    assert render_weekly_volume([], "lb", "Weekly volume").startswith(PNG)
    assert (await weekly_volume_png(weeks[:4], "lb", "Weekly volume")).startswith(PNG)
