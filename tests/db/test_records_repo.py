"""Personal records kept beside the sets: raised by a log, rebuilt by an undo, backfilled, deleted.

The migration test also checks the leaderboard counts it backfills.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.db.database import Database
from bot.db.engine import _alembic_config
from bot.db.repositories.challenges import ChallengeRepo
from bot.db.repositories.privacy import PrivacyRepo
from bot.db.repositories.workouts import NewSession, SetRow, WorkoutRepo
from bot.db.tables_challenges import challenge_participants, challenges
from bot.db.tables_records import personal_records
from bot.db.tables_routines import workout_sessions, workout_sets
from bot.domain.records import RecordBook, SetRecord
from tests.db.conftest import POSTGRES_URL, fresh_postgres

ALICE, BOB = 11, 22
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def session(user_id: int, when: datetime, *sets: tuple[str, float | None, int | None]) -> NewSession:
    return NewSession(
        user_id=user_id,
        guild_id=None,
        routine_id=None,
        routine_name=None,
        performed_at=when,
        rpe=None,
        notes=None,
        volume_kg=0.0,
        sets=[
            SetRow(
                position=1,
                exercise=key,
                exercise_key=key,
                set_no=n,
                reps=reps,
                load_kind="weight",
                weight_kg=kg,
            )
            for n, (key, kg, reps) in enumerate(sets, start=1)
        ],
    )


def book(*pairs: tuple[float, int]) -> RecordBook:
    return RecordBook.of(SetRecord(kg, reps) for kg, reps in pairs)


async def test_logs_raise_the_book_and_an_undo_rebuilds_it(db: Database) -> None:
    repo = WorkoutRepo(db)
    assert await repo.record_books(ALICE, ["squat"]) == {"squat": RecordBook()}
    await repo.add(session(ALICE, T0, ("squat", 100, 5), ("squat", 100, 5), ("bench", 60, 0)), T0)
    await repo.add(
        session(ALICE, T0, ("squat", 90, 8), ("squat", 80, 7), ("squat", 95, 5), ("bench", None, 10)), T0
    )
    await repo.add(session(BOB, T0, ("squat", 200, 1)), T0)
    books = await repo.record_books(ALICE, ["squat", "bench"])
    # Missed attempts and sets without a known load set no record; 80 × 7 is beaten by 90 × 8,
    # and 95 × 5 by the earlier 100 × 5, so neither is kept.
    assert books == {"squat": book((100, 5), (90, 8)), "bench": RecordBook()}
    async with db.connect() as conn:
        kept = select(func.count()).where(personal_records.c.user_id == ALICE)
        assert (await conn.execute(kept)).scalar_one() == 3  # the estimate, 100 × 5 and 90 × 8

    top = await repo.add(session(ALICE, T0 + timedelta(days=1), ("squat", 120, 3)), T0)
    assert (await repo.record_books(ALICE, ["squat"]))["squat"] == book((100, 5), (90, 8), (120, 3))
    assert await repo.delete(top.id, ALICE)
    assert (await repo.record_books(ALICE, ["squat"]))["squat"] == book((100, 5), (90, 8))
    assert (await repo.record_books(BOB, ["squat"]))["squat"] == book((200, 1))
    assert not await repo.delete(top.id, ALICE)


async def test_two_logs_at_once_never_lower_a_record(db: Database) -> None:
    repo = WorkoutRepo(db)
    sessions = [session(ALICE, T0, ("squat", 100 + n, 5 - n % 3)) for n in range(8)]
    await asyncio.gather(*(repo.add(s, T0) for s in sessions))
    expected = book(*((100 + n, 5 - n % 3) for n in range(8)))
    assert (await repo.record_books(ALICE, ["squat"]))["squat"] == expected


async def test_privacy_delete_removes_the_records_and_export_lists_them(db: Database) -> None:
    repo = WorkoutRepo(db)
    await repo.add(session(ALICE, T0, ("squat", 100, 5)), T0)
    await repo.add(session(BOB, T0, ("squat", 100, 5)), T0)
    privacy = PrivacyRepo(db)
    exported = await privacy.export(ALICE)
    assert {r["metric"] for r in exported["personal_records"]} == {"e1rm", "reps"}
    async with db.begin() as conn:
        await privacy.delete(conn, ALICE)
    assert (await repo.record_books(ALICE, ["squat"]))["squat"] == RecordBook()
    assert (await repo.record_books(BOB, ["squat"]))["squat"] == book((100, 5))


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")
        ),
    ],
)
async def test_the_migration_backfills_records_from_the_logged_sets(backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    if backend == "sqlite":
        db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    else:
        assert POSTGRES_URL
        db = await fresh_postgres(POSTGRES_URL)
    try:
        async with db.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(_alembic_config(c), "0007"))
        history = {
            (ALICE, "squat"): [(100.0, 5), (100.0, 12), (100.0, 3), (110.0, 2), (0.0, 20), (95.0, 0)],
            (ALICE, "dip"): [(0.0, 12), (10.0, 8)],
            (BOB, "squat"): [(60.0, 10)],
        }
        async with db.begin() as conn:
            for n, ((user_id, key), sets) in enumerate(history.items(), start=1):
                await conn.execute(
                    insert(workout_sessions).values(
                        id=n, user_id=user_id, performed_at=T0, volume_kg=0, created_at=T0
                    )
                )
                await conn.execute(
                    insert(workout_sets),
                    [
                        {
                            "session_id": n,
                            "user_id": user_id,
                            "position": 1,
                            "exercise": key,
                            "exercise_key": key,
                            "set_no": i,
                            "reps": reps,
                            "load_kind": "weight",
                            "weight_kg": kg,
                        }
                        for i, (kg, reps) in enumerate(sets, start=1)
                    ],
                )
            await conn.execute(
                insert(challenges).values(
                    id=1,
                    guild_id=1,
                    name="C",
                    name_key="c",
                    program="amrap 12",
                    program_kind="amrap",
                    scoring="rounds_reps",
                    creator_id=1,
                    channel_id=2,
                    starts_at=T0,
                    ends_at=T0,
                    created_at=T0,
                    updated_at=T0,
                )
            )
            await conn.execute(
                insert(challenge_participants),
                [
                    {"challenge_id": 1, "user_id": user_id, "joined_at": T0, "sort_key": key}
                    for user_id, key in ((1, -5), (2, -5), (3, -9), (4, None))
                ],
            )
        await db.migrate()
        board = await ChallengeRepo(db).board(1, limit=1, user_id=1)
        assert (board.participants, board.ranked, board.me and board.me.rank) == (4, 3, 2)
        repo = WorkoutRepo(db)
        for (user_id, key), sets in history.items():
            assert (await repo.record_books(user_id, [key]))[key] == book(*sets)
        # 100 kg × 12 is an estimate too: grouping must not drop it behind the 20-rep set.
        assert (await repo.record_books(ALICE, ["squat"]))["squat"].best_1rm == pytest.approx(140.0)
    finally:
        await db.dispose()
