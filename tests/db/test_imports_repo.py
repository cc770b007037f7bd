"""Import queries on SQLite and PostgreSQL: bulk store in one transaction, fingerprints, the export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db.database import Database
from bot.db.repositories.imports import ImportRecord, ImportRepo
from bot.db.repositories.workouts import NewSession, SetRow, WorkoutRepo
from bot.db.tables_imports import workout_imports
from bot.db.tables_routines import workout_sessions, workout_sets
from bot.domain.exercises import default_catalogue
from bot.domain.imports import parse_import
from bot.services.imports import stored_fingerprints, without_known

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
ALICE, BOB = 11, 22
FILE = b"date,workout,exercise,reps,weight,unit,seconds\n" + b"".join(
    f"2025-12-{day:02d} 18:00,Day {day},Back Squat,5,{100 + day},kg,\n".encode()
    + f"2025-12-{day:02d} 18:00,Day {day},Plank,,,,60\n".encode()
    for day in range(1, 11)
)


def parsed():  # type: ignore[no-untyped-def]
    return parse_import(FILE, zone=ZoneInfo("UTC"), units="kg", catalogue=default_catalogue())


def record(sessions: int, sets: int) -> ImportRecord:
    return ImportRecord("generic", "f.csv", sessions, sets, 0, 0)


async def count(db: Database, table) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_an_import_lands_whole_with_each_set_under_its_own_session(db: Database) -> None:
    repo = ImportRepo(db)
    await WorkoutRepo(db).add(
        NewSession(
            BOB, None, None, None, NOW, None, None, 0.0, [SetRow(1, "Plank", "plank", 1, duration_s=30)]
        ),
        NOW,
    )
    file = parsed()
    await repo.add(ALICE, file.sessions, record(10, 20), NOW)
    items, sessions = await repo.export_sets(ALICE)
    assert sessions == 10 and len(items) == 20
    squats = [i for i in items if i.exercise == "Back Squat"]
    assert [i.weight_kg for i in squats] == [101.0 + n for n in range(10)]
    assert [i.workout for i in squats] == [f"Day {d}" for d in range(1, 11)]
    assert all(i.set_no == 1 for i in items)
    async with db.connect() as conn:
        volumes = [
            v
            for (v,) in await conn.execute(
                select(workout_sessions.c.volume_kg).order_by(workout_sessions.c.id)
            )
        ]
    assert volumes[1:] == [5 * (101.0 + n) for n in range(10)]


async def test_the_same_sets_twice_fail_whole_and_leave_the_first_import_as_it_was(db: Database) -> None:
    repo = ImportRepo(db)
    file = parsed()
    await repo.add(ALICE, file.sessions, record(10, 20), NOW)
    with pytest.raises(IntegrityError):
        await repo.add(ALICE, file.sessions, record(10, 20), NOW + timedelta(minutes=1))
    assert await count(db, workout_sessions) == 10
    assert await count(db, workout_sets) == 20
    assert await count(db, workout_imports) == 1
    # Another member importing the same file is another log.
    await repo.add(BOB, file.sessions, record(10, 20), NOW)
    assert await count(db, workout_sets) == 40


async def test_what_the_log_holds_is_known_by_fingerprint_logged_or_imported(db: Database) -> None:
    repo = ImportRepo(db)
    file = parsed()
    await repo.add(ALICE, file.sessions[:4], record(4, 8), NOW)
    known = stored_fingerprints(await repo.stored_sets(ALICE))
    rest, dropped = without_known(file.sessions, known)
    assert dropped == 8 and len(rest) == 6
    # A set logged in Repmate, never imported, is recognised from its stored values.
    when = file.sessions[5].performed_at
    await WorkoutRepo(db).add(
        NewSession(
            ALICE, None, None, None, when, None, None, 0.0, [SetRow(1, "Plank", "plank", 1, duration_s=60)]
        ),
        NOW,
    )
    known = stored_fingerprints(await repo.stored_sets(ALICE))
    _, dropped = without_known(file.sessions, known)
    assert dropped == 9


async def test_undo_never_picks_an_imported_workout(db: Database) -> None:
    workouts = WorkoutRepo(db)
    logged = await workouts.add(
        NewSession(
            ALICE, None, None, None, NOW, None, None, 0.0, [SetRow(1, "Plank", "plank", 1, duration_s=30)]
        ),
        NOW,
    )
    await ImportRepo(db).add(ALICE, parsed().sessions, record(10, 20), NOW + timedelta(minutes=5))
    last = await workouts.last_logged(ALICE)
    assert last is not None and last.id == logged.id
