"""StreakService over the real wiring: local days fixed at logging, DST, zone changes, undo, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from bot.config import Settings
from bot.db.database import Database
from bot.domain import localtime
from bot.errors import UserFacingError
from bot.wiring import Services, build_services

ALICE, BOB = 101, 202
GUILD = 7


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture
async def world(tmp_path) -> AsyncIterator[tuple[Services, Clock]]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/svc.db")
    await db.migrate()
    clock = Clock()
    services = build_services(db, Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/svc.db"), clock)
    try:
        yield services, clock
    finally:
        await db.dispose()


async def log_at(services: Services, clock: Clock, user: int, day: date, at: time, zone: str) -> None:
    clock.now = localtime.local_to_utc(day, at, ZoneInfo(zone))
    await services.workouts.log(user, GUILD, exercises="Plank 3x45s")


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("America/Los_Angeles", date(2026, 3, 5)),  # clocks forward on Sunday 8 March
        ("America/Los_Angeles", date(2026, 10, 29)),  # clocks back on Sunday 1 November
        ("Europe/London", date(2026, 3, 26)),  # forward on Sunday 29 March
        ("Europe/London", date(2026, 10, 22)),  # back on Sunday 25 October
    ],
)
async def test_logs_at_2330_across_a_dst_change_count_on_their_own_days(world, zone, first) -> None:  # type: ignore[no-untyped-def]
    services, clock = world
    await services.members.set_timezone(ALICE, zone)
    for offset in range(7):
        await log_at(services, clock, ALICE, first + timedelta(days=offset), time(23, 30), zone)
    days = await services.streaks.days(ALICE)
    assert sorted(days) == [first + timedelta(days=i) for i in range(7)]
    assert set(days.values()) == {1}
    # Just after midnight on the eighth day nothing is broken yet.
    clock.now = localtime.local_to_utc(first + timedelta(days=7), time(0, 5), ZoneInfo(zone))
    streaks = await services.streaks.compute(ALICE)
    assert streaks.weekly_current >= 1


async def test_a_later_zone_change_never_moves_a_logged_workout(world) -> None:  # type: ignore[no-untyped-def]
    services, clock = world
    await services.members.set_timezone(ALICE, "America/Los_Angeles")
    monday = date(2026, 3, 2)
    await log_at(services, clock, ALICE, monday, time(23, 30), "America/Los_Angeles")
    await services.members.set_timezone(ALICE, "Asia/Kolkata")  # 23:30 in LA was Tuesday noon there
    assert list(await services.streaks.days(ALICE)) == [monday]
    await log_at(services, clock, ALICE, date(2026, 3, 4), time(23, 30), "Asia/Kolkata")
    assert sorted(await services.streaks.days(ALICE)) == [monday, date(2026, 3, 4)]


async def test_undo_and_privacy_delete_take_the_day_with_the_workout(world) -> None:  # type: ignore[no-untyped-def]
    services, clock = world
    await log_at(services, clock, ALICE, date(2026, 3, 2), time(9), "UTC")
    await log_at(services, clock, ALICE, date(2026, 3, 3), time(9), "UTC")
    await log_at(services, clock, BOB, date(2026, 3, 3), time(9), "UTC")
    await services.workouts.undo(ALICE)
    assert list(await services.streaks.days(ALICE)) == [date(2026, 3, 2)]
    await services.streaks.set_weekly_target(ALICE, 1)
    receipt = await services.privacy.delete(ALICE)
    assert receipt.removed.get("workout_days") == 1
    assert receipt.removed.get("streak_targets") == 1
    assert await services.streaks.days(ALICE) == {}
    assert list(await services.streaks.days(BOB)) == [date(2026, 3, 3)]
    exported = await services.privacy.export(BOB)
    assert exported["tables"]["workout_days"][0]["local_date"] == "2026-03-03"


async def test_a_weekly_target_outside_1_to_14_is_refused_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    services, _clock = world
    for bad in (0, 20):
        with pytest.raises(UserFacingError) as refused:
            await services.streaks.set_weekly_target(ALICE, bad)
        assert "1 to 14" in refused.value.message and refused.value.example
    assert await services.streaks.weekly_target(ALICE) == 3
    await services.streaks.set_weekly_target(ALICE, 5)
    assert await services.streaks.weekly_target(ALICE) == 5
