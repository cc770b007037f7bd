"""Start-up time and memory, measured in a fresh process (``python -m tests.bench.startup``).

``repmate DB``: the real bot under SimCord over an existing database, from building the
bot to READY (its first dispatcher round included). ``engine DB``: the delivery engine
alone, opening the database and running a first round. ``apscheduler DB``: the design a
user would otherwise pick — one APScheduler job per delivery in a SQLAlchemyJobStore —
from creating the scheduler to its first round over the stored jobs. Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def repmate(db_path: str) -> dict[str, float]:
    import simcord

    from bot import Settings, create_bot

    before = rss_mb()
    started = time.perf_counter()
    bot = create_bot(Settings(database_url=f"sqlite+aiosqlite:///{db_path}"))
    async with simcord.run(bot, settle_timeout=120) as env:
        ready = time.perf_counter() - started
        await env.advance_time(1)
        after = rss_mb()
        await bot.close()
    return {"startup_s": ready, "rss_mb": after, "rss_before_mb": before}


async def engine(db_path: str) -> dict[str, float]:
    """The delivery engine alone: open the database and run a first dispatcher round."""
    from datetime import UTC, datetime, timedelta

    from bot.db.database import Database
    from bot.db.repositories.deliveries import DeliveryRepo

    before = rss_mb()
    started = time.perf_counter()
    db = Database.from_url(f"sqlite+aiosqlite:///{db_path}")
    repo = DeliveryRepo(db)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    await repo.release_expired_claims(now)
    await repo.claim_due(now, worker="bench", deadline=now + timedelta(minutes=2), limit=100)
    await repo.next_wake_at()
    ready = time.perf_counter() - started
    after = rss_mb()
    await db.dispose()
    return {"startup_s": ready, "rss_mb": after, "rss_before_mb": before}


def noop() -> None:
    """The job every stored APScheduler job runs."""


async def apscheduler(db_path: str) -> dict[str, float]:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    import bot.db.database  # noqa: F401 - the same libraries loaded as for the engine, for a fair baseline

    before = rss_mb()
    started = time.perf_counter()
    scheduler = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{db_path}")})
    scheduler.start()
    for _ in range(5):  # let its first wake-up (the round over due jobs) run
        await asyncio.sleep(0)
    ready = time.perf_counter() - started
    after = rss_mb()
    scheduler.shutdown(wait=False)
    return {"startup_s": ready, "rss_mb": after, "rss_before_mb": before}


def main() -> None:
    mode, db_path = sys.argv[1], sys.argv[2]
    runner = {"repmate": repmate, "engine": engine, "apscheduler": apscheduler}[mode]
    print(json.dumps(asyncio.run(runner(db_path))))


if __name__ == "__main__":
    main()
