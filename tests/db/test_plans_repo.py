"""The weekly-plan repository, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bot.db.database import Database
from bot.db.repositories.plans import PlanRepo, PlanRow
from bot.db.repositories.routines import NewRoutine, RoutineRepo
from bot.db.tables_plans import plan_entries

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ALICE = 1_456_074_443_980_800_123
BOB = 1_456_074_443_980_800_456


async def routine(db: Database, owner: int, name: str) -> int:
    row = await RoutineRepo(db).add(
        NewRoutine(
            owner_id=owner,
            name=name,
            name_key=name.casefold(),
            notation="Back Squat 3x5 @ 100kg",
            exercise_count=1,
        ),
        T0,
    )
    assert row is not None
    return row.id


async def test_set_replaces_the_day_and_reads_back_monday_first(db: Database) -> None:
    repo = PlanRepo(db)
    legs = await routine(db, ALICE, "Leg Day")
    upper = await routine(db, ALICE, "Upper A")
    assert await repo.for_member(ALICE) == []
    assert await repo.set(ALICE, 4, upper, T0)
    assert await repo.set(ALICE, 0, legs, T0)
    assert await repo.set(ALICE, 0, upper, T0 + timedelta(hours=1))
    assert await repo.for_member(ALICE) == [
        PlanRow(ALICE, 0, upper, "Upper A", T0 + timedelta(hours=1)),
        PlanRow(ALICE, 4, upper, "Upper A", T0),
    ]
    assert await repo.on_weekday(ALICE, 0) == PlanRow(ALICE, 0, upper, "Upper A", T0 + timedelta(hours=1))
    assert await repo.on_weekday(ALICE, 1) is None
    async with db.connect() as conn:
        created = (
            await conn.execute(
                select(plan_entries.c.created_at).where(
                    plan_entries.c.user_id == ALICE, plan_entries.c.weekday == 0
                )
            )
        ).scalar_one()
    assert created == T0  # replacing keeps when the day was first planned


async def test_clear_and_members_are_separate(db: Database) -> None:
    repo = PlanRepo(db)
    alices = await routine(db, ALICE, "Leg Day")
    bobs = await routine(db, BOB, "Leg Day")
    await repo.set(ALICE, 2, alices, T0)
    await repo.set(BOB, 2, bobs, T0)
    assert await repo.clear(ALICE, 2)
    assert not await repo.clear(ALICE, 2)
    assert await repo.for_member(ALICE) == []
    assert [(r.user_id, r.routine_id) for r in await repo.for_member(BOB)] == [(BOB, bobs)]


async def test_deleting_a_routine_removes_it_from_every_day(db: Database) -> None:
    repo = PlanRepo(db)
    legs = await routine(db, ALICE, "Leg Day")
    upper = await routine(db, ALICE, "Upper A")
    for weekday in (0, 3):
        await repo.set(ALICE, weekday, legs, T0)
    await repo.set(ALICE, 5, upper, T0)
    assert await RoutineRepo(db).delete(legs, ALICE)
    assert [(r.weekday, r.routine_name) for r in await repo.for_member(ALICE)] == [(5, "Upper A")]


async def test_a_routine_that_is_gone_is_not_planned(db: Database) -> None:
    repo = PlanRepo(db)
    legs = await routine(db, ALICE, "Leg Day")
    await repo.set(ALICE, 1, legs, T0)
    assert not await repo.set(ALICE, 1, legs + 1000, T0)
    assert not await repo.set(ALICE, 2, legs + 1000, T0)
    assert [(r.weekday, r.routine_id) for r in await repo.for_member(ALICE)] == [(1, legs)]


async def test_weekdays_outside_monday_to_sunday_are_rejected_by_the_schema(db: Database) -> None:
    legs = await routine(db, ALICE, "Leg Day")
    with pytest.raises(IntegrityError):
        async with db.begin() as conn:
            await conn.execute(
                insert(plan_entries).values(
                    user_id=ALICE, weekday=7, routine_id=legs, created_at=T0, updated_at=T0
                )
            )
