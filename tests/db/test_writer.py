"""On SQLite, write transactions take turns in the process instead of racing for SQLite's lock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.repositories.workouts import NewSession, SetRow, WorkoutRepo
from bot.db.tables_routines import workout_sessions

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def session(user_id: int) -> NewSession:
    return NewSession(
        user_id=user_id,
        guild_id=None,
        routine_id=None,
        routine_name=None,
        performed_at=T0,
        rpe=None,
        notes=None,
        volume_kg=0.0,
        sets=[SetRow(position=1, exercise="Squat", exercise_key="squat", set_no=1, reps=5, weight_kg=100.0)],
    )


async def test_sqlite_write_transactions_never_overlap_and_all_land(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/w.db")
    await db.migrate()
    inside = 0
    most = 0

    async def write(n: int) -> None:
        nonlocal inside, most
        async with db.begin() as conn:
            inside += 1
            most = max(most, inside)
            await conn.execute(select(func.count()).select_from(workout_sessions))
            await asyncio.sleep(0)  # let every other writer try to get in
            inside -= 1
        await WorkoutRepo(db).add(session(n), T0)  # a repository's own transaction, as commands do

    async def read() -> int:
        async with db.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(workout_sessions))).scalar_one())

    try:
        results = await asyncio.gather(*(write(n) for n in range(100)), *(read() for _ in range(20)))
        assert most == 1
        assert await read() == 100 and all(isinstance(r, int) for r in results[100:])
        # A transaction opened inside another by the same task doesn't wait for itself.
        async with db.begin() as outer, db.begin() as inner:
            assert inner is not outer
    finally:
        await db.dispose()
