"""RecapService without Discord: scheduling, the chain across restarts, staleness, bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.config import Settings
from bot.db.database import Database
from bot.errors import UserFacingError
from bot.scheduling.lifecycle import Settled
from bot.services import recaps
from bot.wiring import Services, build_services

GUILD, CHANNEL = 7, 70


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture
async def world(tmp_path) -> AsyncIterator[tuple[Services, Clock]]:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path}/svc.db"
    db = Database.from_url(url)
    await db.migrate()
    clock = Clock()
    try:
        yield build_services(db, Settings(database_url=url), clock), clock
    finally:
        await db.dispose()


async def pending(services: Services) -> list[datetime]:
    rows = await services.deliveries.repo.count_by_status(kind=recaps.KIND)
    assert rows.get("pending", 0) <= 1, rows
    config = await services.recaps.config(GUILD)
    due = await services.recaps.next_due(config)
    return [due] if due is not None else []


async def test_the_recap_is_scheduled_in_the_servers_zone_across_a_dst_change(world) -> None:  # type: ignore[no-untyped-def]
    services, clock = world
    await services.recaps.set_timezone(GUILD, "America/New_York")
    _config, due = await services.recaps.set_recap(GUILD, CHANNEL, "mon", "09:00")
    assert due == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST, still today
    delivery = await services.deliveries.get_by_key(recaps.recap_key(GUILD, due))
    assert delivery is not None
    clock.now = due
    await services.deliveries.repo.cancel([delivery.id], clock.now)  # settled: no longer pending
    await services.recaps.settled(Settled(delivery, "sent", 1))
    # The clocks go forward on 8 March: the next Monday's 09:00 is 13:00 UTC.
    assert await pending(services) == [datetime(2026, 3, 9, 13, 0, tzinfo=UTC)]


async def test_a_changed_time_replaces_the_waiting_recap_and_the_old_one_schedules_nothing(world) -> None:  # type: ignore[no-untyped-def]
    services, _clock = world
    await services.recaps.set_timezone(GUILD, "UTC")
    _config, first = await services.recaps.set_recap(GUILD, CHANNEL, "mon", "18:00")
    old = await services.deliveries.get_by_key(recaps.recap_key(GUILD, first))
    _config, second = await services.recaps.set_recap(GUILD, CHANNEL, "fri", "07:30")
    assert second == datetime(2026, 3, 6, 7, 30, tzinfo=UTC)
    assert old is not None
    assert (await services.deliveries.get(old.id)).status == "cancelled"  # type: ignore[union-attr]
    await services.recaps.settled(Settled(old, "cancelled"))
    assert await pending(services) == [second]


async def test_start_up_restores_a_chain_broken_by_a_crash(world) -> None:  # type: ignore[no-untyped-def]
    services, clock = world
    await services.recaps.set_timezone(GUILD, "UTC")
    _config, due = await services.recaps.set_recap(GUILD, CHANNEL, "mon", "18:00")
    delivery = await services.deliveries.get_by_key(recaps.recap_key(GUILD, due))
    assert delivery is not None
    # Sent, then the process died before the next one was scheduled.
    await services.deliveries.repo.cancel([delivery.id], clock.now)
    clock.now = due + timedelta(hours=1)
    assert await services.recaps.ensure_scheduled() == 1
    assert await pending(services) == [datetime(2026, 3, 9, 18, 0, tzinfo=UTC)]
    assert await services.recaps.ensure_scheduled() == 1
    assert await pending(services) == [datetime(2026, 3, 9, 18, 0, tzinfo=UTC)], "idempotent"


def test_a_recap_goes_stale_two_days_after_it_was_due() -> None:
    from bot.db.repositories.deliveries import Delivery

    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    delivery = Delivery(id=1, kind=recaps.KIND, due_at=due, available_at=due, status="pending")
    assert not recaps.RecapService.is_stale(delivery, due + timedelta(days=1, hours=23))
    assert recaps.RecapService.is_stale(delivery, due + timedelta(days=2, minutes=1))


@pytest.mark.parametrize("bad", ["7pm", "25:00", "09:60", "9", "", "09:00:00"])
async def test_bad_times_are_refused_and_nothing_is_saved(world, bad) -> None:  # type: ignore[no-untyped-def]
    services, _clock = world
    await services.recaps.set_timezone(GUILD, "UTC")
    with pytest.raises(UserFacingError) as refused:
        await services.recaps.set_recap(GUILD, CHANNEL, "mon", bad)
    assert refused.value.example and "nothing was changed" in refused.value.message
    config = await services.recaps.config(GUILD)
    assert config.channel_id is None and not config.scheduled
