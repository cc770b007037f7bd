"""Progression and program queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.repositories.training import PastSet, ProgramRow, TrainingRepo
from bot.db.repositories.workouts import NewSession, SetRow, WorkoutRepo

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ALICE = 1_456_074_443_980_800_123
BOB = 1_456_074_443_980_800_456


async def log(db: Database, user: int, at: datetime, reps: int, kg: float, rpe: int | None = None) -> int:
    sets = [
        SetRow(
            position=1,
            exercise="Bench Press",
            exercise_key="bench-press",
            set_no=n,
            reps=reps,
            load_kind="weight",
            weight_kg=kg,
        )
        for n in (1, 2, 3)
    ]
    row = await WorkoutRepo(db).add(
        NewSession(user, None, None, None, at, rpe, None, reps * kg * 3, sets), at
    )
    return row.id


async def test_recent_outings_are_the_last_two_sessions_oldest_first(db: Database) -> None:
    repo = TrainingRepo(db)
    await log(db, ALICE, T0, 8, 60.0)
    second = await log(db, ALICE, T0 + timedelta(days=2), 9, 60.0)
    third = await log(db, ALICE, T0 + timedelta(days=4), 10, 60.0, rpe=10)
    await log(db, BOB, T0 + timedelta(days=5), 5, 100.0)
    found = await repo.recent_outings(ALICE, ["bench-press", "back-squat"])
    assert found["back-squat"] == []
    outings = found["bench-press"]
    assert [o.session_id for o in outings] == [second, third]
    assert outings[-1].rpe == 10 and outings[-1].sets == (PastSet(10, "weight", 60.0),) * 3


async def test_the_hint_setting_defaults_on_and_a_program_moves_on_once(db: Database) -> None:
    repo = TrainingRepo(db)
    assert await repo.hints_enabled(ALICE)
    await repo.set_hints(ALICE, False, T0)
    await repo.set_hints(ALICE, False, T0)
    assert not await repo.hints_enabled(ALICE) and await repo.hints_enabled(BOB)

    run = ProgramRow(ALICE, "531", "kg", {"squat": 140.0}, {"lifts": {}}, [4, 5], 0, T0, T0)
    await repo.save_program(run)
    assert await repo.program(ALICE) == run
    moved = {
        "position": 1,
        "maxes": {"squat": 145.0},
        "state": {"lifts": {"a": {"stage": 1}}},
        "updated_at": T0,
    }
    assert await repo.advance_program(ALICE, 0, moved)
    assert not await repo.advance_program(ALICE, 0, moved), "a second log of the same session moves nothing"
    stored = await repo.program(ALICE)
    assert stored is not None and stored.position == 1 and stored.maxes == {"squat": 145.0}
    assert stored.state == {"lifts": {"a": {"stage": 1}}} and stored.routine_ids == [4, 5]
    assert await repo.delete_program(ALICE) and await repo.program(ALICE) is None
