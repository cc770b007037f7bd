"""A 10-minute Discord outage (every request answered 503) with deliveries falling due all through it.

Virtual time: the real dispatcher over a real SQLite database, driven by the runtime tests'
harness (``tests/runtime/harness.py``), whose clock jumps over sleeps; its stand-in for
Discord answers 503 for the first ten minutes, then recovers. Figures: time from recovery
until the last delivery is sent, the most requests in any second (attempts during the outage
included), requests over Discord's 50 a second (each would be a 429), lost and doubled.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.db.database import Database
from bot.db.repositories.deliveries import NewDelivery
from bot.runtime.dispatcher import SendFailed
from tests.runtime.harness import T0, FakeDiscord, VirtualClock, build_engine, drain

OUTAGE_S = 600.0
SIZES = {"default": 500, "full": 10_000}


class DownDiscord(FakeDiscord):
    """Answers every request 503 until ``until`` seconds of virtual time, like Discord in an outage."""

    until: float = OUTAGE_S

    def record(self, what: str) -> int:
        message_id = super().record(what)
        if self.clock.elapsed < self.until:
            raise SendFailed(503, 0, "503 Service Unavailable")
        return message_id


async def measure(folder: Path, n: int) -> dict[str, float]:
    db = Database.from_url(f"sqlite+aiosqlite:///{folder / 'outage.db'}")
    await db.migrate()
    from bot.db.tables import members

    async with db.begin() as conn:
        await conn.execute(
            members.insert(),
            [
                {"user_id": 10_000 + i, "dm_channel_id": 90_000 + i, "created_at": T0, "updated_at": T0}
                for i in range(n)
            ],
        )
    clock = VirtualClock()
    discord = DownDiscord(clock)
    engine = await build_engine(db, clock=clock, discord=discord)
    await engine.scheduler.schedule_many(
        [
            NewDelivery(kind="bench", due_at=T0 + timedelta(seconds=OUTAGE_S * i / n), user_id=10_000 + i)
            for i in range(n)
        ]
    )
    await drain(engine)
    await db.dispose()
    sent = len(engine.sent_at)
    return {
        "drained_after_s": max(engine.sent_at.values()) - OUTAGE_S if sent else float("nan"),
        "max_1s": discord.max_in_window(),
        "over": discord.over_limit(),
        "lost": n - sent,
        "doubled": len(discord.nonces) - len(set(discord.nonces)),
        "attempts": len(discord.requests),
    }


def run(size: str = "default") -> list[tuple[str, str, str, str]]:
    n = SIZES[size]
    with tempfile.TemporaryDirectory() as tmp:
        f = asyncio.run(measure(Path(tmp), n))
    one, five, _ = os.getloadavg()
    floor = n / 45.0
    return [
        (
            f"10-min outage (503), {n:,} due in it: drained after recovery "
            f"(virtual time, load {one:.2f}/{five:.2f})",
            f"{f['drained_after_s']:.0f} s",
            f"floor {floor:.0f} s (n at 45/s)",
            "",
        ),
        (
            "  most requests in any second / over 50 (each a 429)",
            f"{f['max_1s']} / {f['over']}",
            "≤ 45 / 0",
            "",
        ),
        (
            "  lost / doubled (requests in all)",
            f"{f['lost']} / {f['doubled']} ({f['attempts']:,})",
            "0 / 0",
            "",
        ),
    ]
