"""The design a user would otherwise pick, measured: one APScheduler job per delivery.

2,000 jobs in a SQLAlchemyJobStore (SQLite), due across 10 seconds of real time, each
"sending" by recording the instant it ran. Half-way the scheduler is stopped as a crash
would stop it and started again 5 seconds later over the same store. APScheduler has no
pacing of its own, so the figures show what reaches Discord: requests per second,
lateness, and how many deliveries were lost across the restart (with the default
misfire grace time, a job whose time passed while the process was down is skipped).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.runtime.harness import percentile

JOBS = 2000
SPREAD_S = 10.0
DOWN_AT_S = 5.0
DOWN_FOR_S = 5.0

ran: dict[str, float] = {}


def send(job_id: str) -> None:
    """The job: record when it ran (the stand-in for a DM request)."""
    ran.setdefault(job_id, time.monotonic())


async def measure(folder: Path) -> dict[str, float]:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    url = f"sqlite:///{folder / 'jobs.db'}"
    start_wall = datetime.now(UTC) + timedelta(seconds=2)
    start_mono = time.monotonic() + 2
    due = {f"d{i}": start_mono + SPREAD_S * i / JOBS for i in range(JOBS)}

    scheduler = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})
    scheduler.start(paused=True)
    for i in range(JOBS):
        job_id = f"d{i}"
        when = start_wall + timedelta(seconds=SPREAD_S * i / JOBS)
        scheduler.add_job(send, "date", run_date=when, id=job_id, args=[job_id])
    scheduler.resume()
    await asyncio.sleep(max(0.0, start_mono + DOWN_AT_S - time.monotonic()))
    scheduler.shutdown(wait=False)  # the process dies here
    await asyncio.sleep(DOWN_FOR_S)
    restarted = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})
    restarted.start()
    await asyncio.sleep(max(0.0, start_mono + SPREAD_S + 3 - time.monotonic()))
    restarted.shutdown(wait=False)

    times = sorted(ran.values())
    worst, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - 1.0:
            lo += 1
        worst = max(worst, hi - lo + 1)
    late = [ran[j] - due[j] for j in ran]
    on_time = [ran[j] - due[j] for j in ran if due[j] < start_mono + DOWN_AT_S]
    return {
        "lost": JOBS - len(ran),
        "max_per_s": worst,
        "p50": percentile(on_time, 50),
        "p99": percentile(late, 99),
    }


def run() -> list[tuple[str, str, str, str]]:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # it warns once per missed job
    ran.clear()
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(measure(Path(tmp)))
    return [
        (
            f"alternative: {JOBS:,} jobs over {SPREAD_S:.0f} s, {DOWN_FOR_S:.0f} s crash half-way",
            "ours: paced, none lost (tests)",
            "0 lost, ≤ 45/s",
            f"{figures['lost']:,} lost across the restart; up to {figures['max_per_s']} requests in 1 s",
        ),
        (
            "  alternative lateness (p50 before the crash / p99 overall)",
            "",
            "",
            f"{figures['p50'] * 1000:.0f} ms / {figures['p99']:.1f} s",
        ),
    ]
