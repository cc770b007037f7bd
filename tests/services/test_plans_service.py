"""PlanService without Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio

from bot.db.database import Database
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.plans import PlanRepo
from bot.db.repositories.routines import RoutineRepo
from bot.errors import NotFound, UserFacingError
from bot.services.plans import PlannedRoutine, PlanService, parse_weekday
from bot.services.routines import RoutineService
from bot.services.settings import MemberSettingsService

ALICE, BOB = 101, 202


class Clock:
    def __init__(self) -> None:
        # Monday 2 March 2026, 03:00 UTC: still Sunday evening in the Americas.
        self.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    plans: PlanService
    routines: RoutineService
    members: MemberSettingsService
    clock: Clock


@pytest_asyncio.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/plans.db")
    await db.migrate()
    clock = Clock()
    routines = RoutineService(RoutineRepo(db), clock)
    members = MemberSettingsService(MemberRepo(db), "UTC", clock)
    try:
        yield World(PlanService(PlanRepo(db), routines, members, clock), routines, members, clock)
    finally:
        await db.dispose()


# -- weekdays ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        ("mon", 0),
        ("Monday", 0),
        ("TUES", 1),
        ("wed.", 2),
        ("thurs", 3),
        ("fri", 4),
        ("sat", 5),
        ("sun", 6),
        (6, 6),
    ],
)
def test_weekdays_are_read_from_names_and_numbers(day: str | int, weekday: int) -> None:
    assert parse_weekday(day) == weekday


@pytest.mark.parametrize("day", ["", "mo", "funday", "weekend", 7, -1])
def test_anything_else_is_refused_with_an_example(day: str | int) -> None:
    with pytest.raises(UserFacingError) as caught:
        parse_weekday(day)
    assert caught.value.example == "`/plan set day:mon routine:Leg Day`"


# -- plans ------------------------------------------------------------------------------------------


async def test_set_replace_clear_and_for_member(world: World) -> None:
    legs = await world.routines.create(ALICE, "Leg Day", "Back Squat 3x5 @ 100kg")
    upper = await world.routines.create(ALICE, "Upper A", "Bench Press 5x5 @ 80kg")

    first = await world.plans.set(ALICE, "mon", "leg day")
    assert first.planned == PlannedRoutine(0, legs.id, "Leg Day") and first.previous is None
    await world.plans.set(ALICE, "fri", "Upper A")
    again = await world.plans.set(ALICE, 0, "Upper A")
    assert again.previous == PlannedRoutine(0, legs.id, "Leg Day")
    assert again.planned == PlannedRoutine(0, upper.id, "Upper A")
    assert await world.plans.for_member(ALICE) == [
        PlannedRoutine(0, upper.id, "Upper A"),
        PlannedRoutine(4, upper.id, "Upper A"),
    ]

    cleared = await world.plans.clear(ALICE, "monday")
    assert cleared.planned is None and cleared.previous == PlannedRoutine(0, upper.id, "Upper A")
    with pytest.raises(NotFound, match="Nothing is planned on Monday"):
        await world.plans.clear(ALICE, "mon")
    assert [p.day_name for p in await world.plans.for_member(ALICE)] == ["Friday"]
    assert await world.plans.for_member(BOB) == []


async def test_planned_for_uses_the_weekday_of_a_local_date(world: World) -> None:
    legs = await world.routines.create(ALICE, "Leg Day", "Back Squat 3x5 @ 100kg")
    await world.plans.set(ALICE, "sun", "Leg Day")
    sunday = date(2026, 3, 1)
    assert await world.plans.planned_for(ALICE, sunday) == PlannedRoutine(6, legs.id, "Leg Day")
    assert await world.plans.planned_for(ALICE, sunday + timedelta(days=7)) == PlannedRoutine(
        6, legs.id, "Leg Day"
    )
    assert await world.plans.planned_for(ALICE, sunday + timedelta(days=1)) is None
    assert await world.plans.planned_for(BOB, sunday) is None


async def test_today_is_the_members_local_day(world: World) -> None:
    await world.routines.create(ALICE, "Leg Day", "Back Squat 3x5 @ 100kg")
    await world.routines.create(ALICE, "Upper A", "Bench Press 5x5 @ 80kg")
    await world.plans.set(ALICE, "sun", "Leg Day")
    await world.plans.set(ALICE, "mon", "Upper A")

    utc = await world.plans.show(ALICE)
    assert utc.today == date(2026, 3, 2) and utc.zone_is_default
    assert utc.planned_today is not None and utc.planned_today.routine_name == "Upper A"

    await world.members.set_timezone(ALICE, "America/Los_Angeles")  # 19:00 on Sunday there
    local = await world.plans.show(ALICE)
    assert local.today == date(2026, 3, 1) and local.today_weekday == 6 and not local.zone_is_default
    assert local.planned_today is not None and local.planned_today.routine_name == "Leg Day"
    assert await world.plans.local_today(ALICE) == date(2026, 3, 1)

    world.clock.now += timedelta(hours=5)  # 00:00 on Monday in Los Angeles
    today = await world.plans.planned_today(ALICE)
    assert today is not None and today.routine_name == "Upper A"


async def test_only_the_members_own_routines_can_be_planned(world: World) -> None:
    with pytest.raises(NotFound, match="You have no routines yet"):
        await world.plans.set(ALICE, "mon", "Leg Day")
    await world.routines.create(BOB, "Bob's Day", "Plank 3x45s")
    await world.routines.create(ALICE, "Leg Day", "Back Squat 3x5 @ 100kg")
    await world.routines.create(ALICE, "Arms", "Push-up 3x15")
    with pytest.raises(NotFound) as caught:
        await world.plans.set(ALICE, "wed", "Leg Dya")
    assert "You have no routine called `Leg Dya`, so nothing was planned." in caught.value.message
    assert caught.value.example == "`/plan set day:wed routine:Leg Day`"
    with pytest.raises(NotFound):
        await world.plans.set(ALICE, "wed", "Bob's Day")
    assert await world.plans.for_member(ALICE) == []


async def test_a_saved_copy_is_plannable_and_deleted_routines_drop_out(world: World) -> None:
    original = await world.routines.create(BOB, "Pull Day", "Pull-up 3xAMRAP")
    await world.routines.record_share(original, guild_id=1, channel_id=2, message_id=3)
    copy = await world.routines.save_copy(original.id, ALICE)
    await world.plans.set(ALICE, "tue", copy.name)
    await world.plans.set(ALICE, "thu", copy.name)
    assert [p.routine_id for p in await world.plans.for_member(ALICE)] == [copy.id, copy.id]
    await world.routines.delete(ALICE, copy.name)
    assert await world.plans.for_member(ALICE) == []
    assert await world.plans.planned_for(ALICE, date(2026, 3, 3)) is None
