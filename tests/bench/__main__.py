"""``make bench``: Repmate's figures beside their targets and the alternatives.

Run with ``python -m tests.bench [--full] [--only realtime,capacity,outage,startup]``.
Timings live here, never in pass/fail tests. The real-time rows drive the real bot through
discord.py against a loopback stand-in for Discord (:mod:`tests.bench.standin`); the outage
row runs in virtual time. Each section prints the load average it ran under.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.database import Database
from bot.db.repositories.deliveries import NewDelivery
from tests.runtime.harness import T0, build_engine, drain, percentile

Row = tuple[str, str, str, str]  # metric, measured, target, alternative


def _fresh_db(folder: Path, name: str) -> Database:
    return Database.from_url(f"sqlite+aiosqlite:///{folder / name}")


async def bench_drain(folder: Path, n: int) -> list[Row]:
    """Drain a backlog of ``n`` due DMs to members whose DM channels are known (steady state)."""
    db = _fresh_db(folder, "drain.db")
    await db.migrate()
    members = 2000
    async with db.begin() as conn:
        from bot.db.tables import members as members_table

        await conn.execute(
            members_table.insert(),
            [
                {"user_id": 10_000 + i, "dm_channel_id": 90_000 + i, "created_at": T0, "updated_at": T0}
                for i in range(members)
            ],
        )
    engine = await build_engine(db)
    await engine.scheduler.schedule_many(
        [NewDelivery(kind="bench", due_at=T0, user_id=10_000 + i % members) for i in range(n)]
    )
    cpu, wall = time.process_time(), time.perf_counter()
    await drain(engine)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sends = sum(1 for _, what in engine.discord.requests if what == "send")
    drain_s = max(engine.sent_at.values())
    await db.dispose()
    return [
        (
            "scheduled DMs: backlog drained",
            f"{n:,} in {drain_s:,.1f} s virtual ({n / drain_s:.1f}/s)",
            "≥ 40/s",
            "",
        ),
        ("  most requests in any 1 s window", str(engine.discord.max_in_window()), "≤ 45 (Discord: 50)", ""),
        ("  429s (requests over 50 in 1 s)", str(engine.discord.over_limit()), "0", ""),
        ("  requests per DM (channel known)", f"{len(engine.discord.requests) / sends:.2f}", "1", ""),
        ("  CPU per 1,000 deliveries", f"{cpu / (n / 1000):.2f} s (wall {wall:.1f} s total)", "—", ""),
    ]


async def bench_burst(folder: Path, n: int = 2000) -> list[Row]:
    """``n`` check-ins due within the same minute, first contact included (DM channels unknown)."""
    db = _fresh_db(folder, "burst.db")
    await db.migrate()
    engine = await build_engine(db)
    items = []
    for i in range(n):
        due = T0 + timedelta(seconds=60 * i / n)
        items.append(NewDelivery(kind="bench", due_at=due, user_id=50_000 + i, dedupe_key=f"b{i}"))
    await engine.scheduler.schedule_many(items)
    async with db.connect() as conn:
        from sqlalchemy import select

        from bot.db.tables import deliveries

        rows = await conn.execute(select(deliveries.c.id, deliveries.c.due_at))
        dues = {r[0]: (r[1] - T0).total_seconds() for r in rows}
    await drain(engine)
    lateness = [engine.sent_at[i] - dues[i] for i in dues]
    opens = sum(1 for _, what in engine.discord.requests if what == "open-dm")
    await db.dispose()
    return [
        (
            f"lateness, {n:,} due in one minute (p50 / p99)",
            f"{percentile(lateness, 50):.1f} s / {percentile(lateness, 99):.1f} s",
            "p99 ≤ 60 s",
            "",
        ),
        ("  requests per DM on first contact", f"{(n + opens) / n:.2f} (DM channel opened once)", "—", ""),
    ]


def _seed_repmate(path: Path, rows: int) -> None:
    asyncio.run(_migrate(path))
    now = "2026-01-01 00:00:00.000000"
    con = sqlite3.connect(path)
    batch = []
    for i in range(rows):
        due = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(seconds=i * 30)
        stamp = due.strftime("%Y-%m-%d %H:%M:%S.%f")
        batch.append(("checkin", 1_000_000 + i % 100_000, stamp, stamp, "{}", "pending", 0, 0, now, now))
        if len(batch) == 50_000:
            con.executemany(
                "INSERT INTO deliveries (kind, user_id, due_at, available_at, payload, status,"
                " attempts, late, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                batch,
            )
            batch.clear()
    con.commit()
    con.close()


async def _migrate(path: Path) -> None:
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    await db.dispose()


def _seed_apscheduler(path: Path, rows: int) -> None:
    """A SQLAlchemyJobStore holding one job per delivery, as APScheduler itself stores them."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    from tests.bench.startup import noop

    store = SQLAlchemyJobStore(url=f"sqlite:///{path}")
    scheduler = BackgroundScheduler(jobstores={"default": store})
    scheduler.start(paused=True)
    first = datetime(2026, 2, 1, tzinfo=UTC)
    job = scheduler.add_job(noop, DateTrigger(run_date=first + timedelta(days=3650)), id="template")
    template = job.__getstate__()
    scheduler.shutdown(wait=False)
    con = sqlite3.connect(path)
    batch = []
    for i in range(rows):
        when = first + timedelta(days=3650, seconds=i * 30)
        state = dict(template, id=f"d{i}", trigger=DateTrigger(run_date=when), next_run_time=when)
        batch.append((f"d{i}", when.timestamp(), pickle.dumps(state, pickle.HIGHEST_PROTOCOL)))
        if len(batch) == 50_000:
            con.executemany(
                "INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?,?,?)", batch
            )
            batch.clear()
    con.execute("DELETE FROM apscheduler_jobs WHERE id = 'template'")
    con.commit()
    con.close()


def _measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.startup", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_startup(folder: Path, rows: int) -> list[Row]:
    seed = time.perf_counter()
    _seed_repmate(folder / "startup.db", rows)
    _seed_apscheduler(folder / "apscheduler.db", rows)
    seed = time.perf_counter() - seed
    empty = folder / "empty.db"
    asyncio.run(_migrate(empty))
    bot = _measure("repmate", folder / "startup.db")
    ours = _measure("engine", folder / "startup.db")
    theirs = _measure("apscheduler", folder / "apscheduler.db")
    baseline = _measure("repmate", empty)
    ours_mem = ours["rss_mb"] - ours["rss_before_mb"]
    theirs_mem = theirs["rss_mb"] - theirs["rss_before_mb"]
    return [
        (f"bot start-up to READY, {rows:,} pending", f"{bot['startup_s']:.2f} s", "≤ 1.5 s", ""),
        (f"bot memory (RSS), {rows:,} pending", f"{bot['rss_mb']:.0f} MB", "≤ 150 MB", ""),
        ("bot memory (RSS), empty database", f"{baseline['rss_mb']:.0f} MB", "≤ 150 MB", ""),
        (
            f"scheduler start-up, {rows:,} pending",
            f"{ours['startup_s'] * 1000:.0f} ms",
            "—",
            f"{theirs['startup_s'] * 1000:.0f} ms "
            f"(ours ×{ours['startup_s'] / max(theirs['startup_s'], 1e-9):.2f})",
        ),
        (
            f"scheduler memory added, {rows:,} pending",
            f"{ours_mem:.1f} MB",
            "flat",
            f"{theirs_mem:.1f} MB",
        ),
        ("  (seeding both stores took)", f"{seed:.0f} s", "—", ""),
    ]


def print_table(rows: list[Row]) -> None:
    headers = ("what", "measured", "target", "alternatives")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description="Repmate benchmarks")
    parser.add_argument("--full", action="store_true", help="the big sizes (100,000 DMs; takes hours)")
    parser.add_argument(
        "--legacy", action="store_true", help="also the earlier virtual-time and one-at-a-time rows"
    )
    parser.add_argument("--only", help="comma-separated steps: realtime,capacity,outage,startup")
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="for the real-time rows (PostgreSQL needs TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    size = "full" if args.full else "default"
    from tests.bench import bench_outage, bench_realtime

    pending = 1_000_000 if args.full else 100_000
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        steps: list[tuple[str, Callable[[], list[Row]]]] = [
            ("realtime", lambda: bench_realtime.run(size, tuple(args.databases.split(",")))),
            ("capacity", lambda: bench_realtime.run_capacity(size)),
            ("outage", lambda: bench_outage.run(size)),
            ("startup", lambda: bench_startup(folder, pending)),
        ]
        features = (
            "tests.bench.bench_imports",
            "tests.bench.bench_readiness",
            "tests.bench.bench_sessions",
            "tests.bench.bench_streaks",
        )
        for extra in features:
            module = __import__(extra, fromlist=["run"])
            steps.append((extra.rsplit(".", 1)[1], module.run))
        if args.legacy:
            backlog = 10_000 if args.full else 2_000
            steps += [
                ("drain", lambda: asyncio.run(bench_drain(folder, backlog))),
                ("burst", lambda: asyncio.run(bench_burst(folder))),
            ]
            for extra in (
                "tests.bench.bench_apscheduler",
                "tests.bench.bench_commands",
                "tests.bench.bench_challenges",
            ):
                module = __import__(extra, fromlist=["run"])
                steps.append((extra.rsplit(".", 1)[1], module.run))
        if args.only:
            wanted = set(args.only.split(","))
            steps = [step for step in steps if step[0] in wanted]
        one, five, fifteen = os.getloadavg()
        print(
            f"… {os.cpu_count()} cores, load {one:.2f}/{five:.2f}/{fifteen:.2f} at the start", file=sys.stderr
        )
        for name, step in steps:
            print(f"… {name}", file=sys.stderr, flush=True)
            # Rows may leave out the alternative column.
            rows.extend((*row, *("",) * (4 - len(row))) for row in step())  # type: ignore[misc]
    print_table(rows)


if __name__ == "__main__":
    main()
