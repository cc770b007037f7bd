"""``/streak`` and the weekly recap at scale, for ``make bench``.

A server of 10,000 members with a year of logs each (150 sessions on 150 of the last 365
days), seeded straight into the tables the log fills (sessions, their local days, the
streak summary each log keeps). ``run()`` returns (metric, measured, target) rows:

* ``/streak``'s data (the member's days, plan, targets and both streaks with the
  calendar) over 200 members: p50 and p99, and the calendar picture drawn on its own;
* one weekly recap built for the whole server;
* how each grows with 10× the data: the recap over a server a tenth the size, and
  ``/streak`` for a member with ten years (1,500 sessions) instead of one.

On PostgreSQL too when ``TEST_POSTGRES_URL`` is set (a scratch database of its own,
dropped afterwards). ``--quick`` runs a tenth of the sizes.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.db.database import Database
from bot.db.tables import members as members_table
from bot.db.tables_routines import workout_sessions
from bot.db.tables_streaks import guild_recaps, streak_prefs, workout_days
from bot.domain import streaks
from bot.services.streak_chart import render_calendar
from bot.wiring import build_services

Row = tuple[str, str, str]

GUILD = 1
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday morning: the recap's moment
SESSIONS_EACH = 150
STREAK_SAMPLES = 200
BATCH = 100_000


def _quick() -> bool:
    return "--quick" in sys.argv or bool(os.environ.get("REPMATE_BENCH_QUICK"))


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def _timed(call: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def _seed(
    db: Database, first_user: int, members: int, days_back: int, sessions_each: int, guild: int = GUILD
) -> None:
    """Members with ``sessions_each`` sessions on distinct days of the last ``days_back`` days."""
    rng = random.Random(first_user)
    today = NOW.date()
    sessions: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    prefs: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    session_id = first_user * 10_000

    async def flush() -> None:
        if db.is_postgres:
            async with db.begin() as conn:
                if people:
                    await conn.execute(insert(members_table), people)
                if sessions:
                    await conn.execute(insert(workout_sessions), sessions)
                    await conn.execute(insert(workout_days), days)
                if prefs:
                    await conn.execute(insert(streak_prefs), prefs)
        else:
            await asyncio.to_thread(_write_sqlite, db, people, sessions, days, prefs)
        for rows in (people, sessions, days, prefs):
            rows.clear()

    calendar = {
        offset: (day, datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC))
        for offset in range(1, days_back + 1)
        for day in [today - timedelta(days=offset)]
    }
    for user_id in range(first_user, first_user + members):
        offsets = rng.sample(range(1, days_back + 1), sessions_each)
        counts: dict[date, int] = {}
        for offset in offsets:
            day, at = calendar[offset]
            session_id += 1
            sessions.append(
                {
                    "id": session_id,
                    "user_id": user_id,
                    "guild_id": guild,
                    "performed_at": at,
                    "volume_kg": 2500.0,
                    "created_at": at,
                }
            )
            days.append(
                {
                    "session_id": session_id,
                    "user_id": user_id,
                    "guild_id": guild,
                    "local_date": day,
                    "records": 1 if rng.random() < 0.05 else 0,
                }
            )
            counts[day] = counts.get(day, 0) + 1
        summary = streaks.compute(counts, today)
        people.append({"user_id": user_id, "created_at": NOW, "updated_at": NOW})
        prefs.append(
            {
                "user_id": user_id,
                "weekly_current": summary.weekly_current,
                "weekly_best": summary.weekly_best,
                "updated_at": NOW,
            }
        )
        if len(sessions) >= BATCH:
            await flush()
    await flush()


@functools.lru_cache(maxsize=8192)
def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@functools.lru_cache(maxsize=8192)
def _iso(day: date) -> str:
    return day.isoformat()


def _write_sqlite(
    db: Database,
    people: list[dict[str, Any]],
    sessions: list[dict[str, Any]],
    days: list[dict[str, Any]],
    prefs: list[dict[str, Any]],
) -> None:
    """Straight through sqlite3 (as the start-up bench seeds): a million rows in seconds."""
    path = db.engine.url.database
    assert path is not None
    con = sqlite3.connect(path)
    try:
        con.executemany(
            "INSERT INTO members (user_id, created_at, updated_at) VALUES (?, ?, ?)",
            [(p["user_id"], _stamp(p["created_at"]), _stamp(p["updated_at"])) for p in people],
        )
        con.executemany(
            "INSERT INTO workout_sessions (id, user_id, guild_id, performed_at, volume_kg, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    r["id"],
                    r["user_id"],
                    r["guild_id"],
                    _stamp(r["performed_at"]),
                    r["volume_kg"],
                    _stamp(r["created_at"]),
                )
                for r in sessions
            ],
        )
        con.executemany(
            "INSERT INTO workout_days (session_id, user_id, guild_id, local_date, records)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (r["session_id"], r["user_id"], r["guild_id"], _iso(r["local_date"]), r["records"])
                for r in days
            ],
        )
        con.executemany(
            "INSERT INTO streak_prefs"
            " (user_id, recap_mentions, digest, weekly_current, weekly_best, updated_at)"
            " VALUES (?, 1, 0, ?, ?, ?)",
            [(p["user_id"], p["weekly_current"], p["weekly_best"], _stamp(p["updated_at"])) for p in prefs],
        )
        con.commit()
    finally:
        con.close()


async def _rows(db: Database, label: str, members: int) -> list[Row]:
    await db.migrate()
    seeding = time.perf_counter()
    small = members // 10
    # The server (guild 1), one a tenth its size (guild 2), and one member with ten years of logs.
    await _seed(db, 1_000_000, members, 365, SESSIONS_EACH)
    async with db.begin() as conn:
        await conn.execute(
            insert(guild_recaps),
            [
                {"guild_id": GUILD, "timezone": "UTC", "updated_at": NOW},
                {"guild_id": 2, "timezone": "UTC", "updated_at": NOW},
            ],
        )
    await _seed(db, 3_000_000, small, 365, SESSIONS_EACH, guild=2)
    await _seed(db, 5_000_000, 1, 3650, SESSIONS_EACH * 10)
    if db.is_postgres:
        # A live database has statistics from autovacuum; a bulk load has none until analysed.
        async with db.begin() as conn:
            await conn.execute(text("ANALYZE"))
    seeding = time.perf_counter() - seeding
    services = build_services(db, Settings(database_url="sqlite+aiosqlite:///unused.db"), lambda: NOW)

    rng = random.Random(7)
    sample = [1_000_000 + rng.randrange(members) for _ in range(STREAK_SAMPLES)]
    await services.streaks.report(sample[0])  # warm the statement cache
    position = iter(sample)
    p50, p99 = _percentiles(await _timed(lambda: services.streaks.report(next(position)), STREAK_SAMPLES))
    decade = _percentiles(await _timed(lambda: services.streaks.report(5_000_000), 30))

    await services.recaps.build(GUILD, NOW)  # warm
    big = await _timed(lambda: services.recaps.build(GUILD, NOW), 3)
    tenth = await _timed(lambda: services.recaps.build(2, NOW), 3)
    recap = await services.recaps.build(GUILD, NOW)
    active = recap.members if recap is not None else 0

    report = await services.streaks.report(sample[0])
    draws = []
    for _ in range(5):
        started = time.perf_counter()
        render_calendar(report.calendar, "The last 12 weeks")
        draws.append(time.perf_counter() - started)
    draw = statistics.median(draws) * 1000

    size = f"{members:,} members × {SESSIONS_EACH}"
    return [
        (f"/streak data, {size} ({label}): p50 / p99", f"{p50:.1f} ms / {p99:.1f} ms", "p99 ≤ 50 ms"),
        (
            "  with 10× one member's history (1,500 sessions): p50 / p99",
            f"{decade[0]:.1f} / {decade[1]:.1f} ms",
            "—",
        ),
        ("  /streak calendar picture (worker thread)", f"{draw:.0f} ms", "—"),
        (
            f"weekly recap built, {size} ({label})",
            f"{min(big):.2f} s ({active:,} members active that week)",
            "≤ 2 s",
        ),
        (
            f"  same recap over a server {small:,} members (10× less data)",
            f"{min(tenth):.2f} s (×{min(big) / max(min(tenth), 1e-9):.1f} for 10× the data)",
            "—",
        ),
        (f"  (seeding {label} took)", f"{seeding:.0f} s", "—"),
    ]


async def _sqlite_rows(folder: Path, members: int) -> list[Row]:
    db = Database.from_url(f"sqlite+aiosqlite:///{folder / 'streaks-bench.db'}")
    try:
        return await _rows(db, "SQLite", members)
    finally:
        await db.dispose()


async def _postgres_rows(url: str, members: int) -> list[Row]:
    name = f"repmate_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        db = Database.from_url(make_url(url).set(database=name).render_as_string(hide_password=False))
        try:
            return await _rows(db, "PostgreSQL", members)
        finally:
            await db.dispose()
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()


def run() -> list[Row]:
    members = 1_000 if _quick() else 10_000
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += asyncio.run(_sqlite_rows(Path(tmp), members))
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        rows += asyncio.run(_postgres_rows(url, members))
    else:
        rows.append(("/streak and recap (PostgreSQL)", "skipped: TEST_POSTGRES_URL is not set", "—"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
