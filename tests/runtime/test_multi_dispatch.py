"""Two dispatchers over one database: each delivery exactly once, one shared request budget."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.db.database import Database
from bot.db.repositories.deliveries import NewDelivery
from tests.runtime.harness import T0, FakeDiscord, VirtualClock, build_engine


async def test_two_dispatchers_deliver_2000_exactly_once_within_the_shared_budget(db: Database) -> None:
    clock = VirtualClock()
    discord = FakeDiscord(clock)
    first = await build_engine(db, clock=clock, discord=discord, shared_pacer=True)
    second = await build_engine(db, clock=clock, discord=discord, shared_pacer=True)
    await first.scheduler.schedule_many(
        [NewDelivery(kind="bench", due_at=T0, user_id=10_000 + i % 500) for i in range(2000)]
    )
    repo = first.scheduler.repo

    async def run(engine) -> int:  # type: ignore[no-untyped-def]
        rounds = 0
        while True:
            if await engine.dispatcher.tick():
                rounds += 1
                continue
            counts = await repo.count_by_status()
            if not counts.get("pending") and not counts.get("claimed"):
                return rounds
            await clock.sleep(0.5)

    rounds = await asyncio.gather(run(first), run(second))
    assert all(r > 0 for r in rounds), f"both dispatchers took part: {rounds}"
    assert await repo.count_by_status() == {"sent": 2000}, "no losses"
    sent = Counter(n for n in discord.nonces)
    assert len(sent) == 2000 and max(sent.values()) == 1, "no duplicates"
    assert discord.max_in_window() <= 45, "the two share one 45/s budget"
    assert discord.over_limit() == 0
