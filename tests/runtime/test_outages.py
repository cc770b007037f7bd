"""A Discord outage and a message made-but-refused, through the real dispatcher in virtual time.

The sender stands in for Discord: it answers 503 through an outage window, or makes a message
and then answers 500 (as Discord does when it fails after writing). Nonces are honoured like
Discord's: a repeat within the window returns the message already made.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from bot.db.database import Database
from bot.db.repositories.deliveries import NewDelivery
from bot.runtime.dispatcher import SendFailed
from bot.runtime.kinds import Outgoing
from tests.runtime.harness import T0, Engine, build_engine, drain

#: Discord only says "the past few minutes"; this stand-in keeps a nonce for one.
DISCORDS_WINDOW_S = 60.0


class OutageSender:
    def __init__(self, engine: Engine, *, outage: tuple[float, float] = (0.0, 0.0)) -> None:
        self.engine = engine
        self.outage = outage
        self.made: dict[str, tuple[float, int]] = {}  # nonce -> (when made, message id)
        self.refused = 0
        self.fail_after_making: set[str] = set()

    async def open_dm(self, user_id: int) -> int:
        return self.engine.discord.record("open-dm")

    async def send(self, channel_id: int, outgoing: Outgoing, *, nonce: str, private: bool) -> int:
        now = self.engine.clock.elapsed
        start, end = self.outage
        if start <= now < end:
            self.refused += 1
            raise SendFailed(503, 0, "503 Service Unavailable")
        earlier = self.made.get(nonce)
        if earlier is not None and now - earlier[0] <= DISCORDS_WINDOW_S:
            return earlier[1]
        message_id = self.engine.discord.record("send")
        self.engine.discord.nonces.append(nonce)
        self.made[nonce] = (now, message_id)
        if nonce in self.fail_after_making:
            self.fail_after_making.discard(nonce)
            raise SendFailed(500, 0, "500 Internal Server Error")
        return message_id

    async def ping(self, channel_id: int, text: str, *, user_id: int) -> None:
        self.engine.discord.record("ping")


async def engine_with(db: Database, **sender: Any) -> tuple[Engine, OutageSender]:
    engine = await build_engine(db)
    fake = OutageSender(engine, **sender)
    engine.dispatcher.sender = fake
    return engine, fake


async def test_a_two_minute_outage_loses_nothing_and_doubles_nothing(db: Database) -> None:
    """190 check-ins and reminders come due during two minutes of 503s; all go once after."""
    engine, fake = await engine_with(db, outage=(0.0, 120.0))
    await engine.scheduler.schedule_many(
        [
            NewDelivery(kind="bench", due_at=T0 + timedelta(seconds=120 * i / 190), channel_id=5000 + i)
            for i in range(190)
        ]
    )
    await drain(engine)
    sends = Counter(engine.discord.nonces)
    assert fake.refused >= 190, "every one met the outage at least once"
    assert len(sends) == 190 and max(sends.values()) == 1, "sent once each: 0 lost, 0 doubled"
    assert await engine.scheduler.repo.count_by_status() == {"sent": 190}
    assert engine.discord.max_in_window() <= 45
    last = max(engine.sent_at.values())
    assert last <= 120 + 5 * 60 + 30, f"out within one back-off step of the recovery (last at {last:.0f} s)"


async def test_an_hour_long_outage_is_waited_out_by_deliveries_that_do_not_go_stale(db: Database) -> None:
    engine, outage = await engine_with(db, outage=(0.0, 3600.0))
    await engine.scheduler.schedule_many(
        [NewDelivery(kind="bench", due_at=T0, channel_id=5000 + i) for i in range(50)]
    )
    await drain(engine)
    assert await engine.scheduler.repo.count_by_status() == {"sent": 50}
    assert outage.refused >= 50 * 10, "each was retried through the hour"
    assert len(set(engine.discord.nonces)) == len(engine.discord.nonces) == 50


async def test_a_message_made_then_refused_is_not_posted_twice_behind_a_backlog(db: Database) -> None:
    engine, fake = await engine_with(db)
    first = await engine.scheduler.schedule("bench", T0, channel_id=42)
    fake.fail_after_making.add(f"rmd{first.id}")
    # About 70 s of backlog at 41/s: a retry queued behind it would fall outside the nonce window.
    await engine.scheduler.schedule_many(
        [NewDelivery(kind="bench", due_at=T0, channel_id=6000 + i) for i in range(3000)]
    )
    await drain(engine)
    assert Counter(engine.discord.nonces)[f"rmd{first.id}"] == 1
    assert await engine.scheduler.repo.count_by_status() == {"sent": 3001}
