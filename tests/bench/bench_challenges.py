"""Challenge leaderboards at scale and the live timer's edit rate (SPEC §6), for ``make bench``.

``run()`` returns (metric, measured, target) rows:

* the leaderboard (top 10 + the caller's own rank) over 10,000 participants with 20
  logged results each, on SQLite — and on PostgreSQL too when ``TEST_POSTGRES_URL`` is
  set (in a scratch database created and dropped here, never the test database);
  beside it, the same standings computed from the raw entries on every call, which is
  what the per-member score kept by each log saves;
* the time to log one result at that size;
* message edits per timer minute, counted from the REST calls of the real bot under
  SimCord's virtual time (a 20-minute EMOM, a Tabata, and a fast 5 s/5 s program).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.database import Database
from bot.db.repositories.challenges import ChallengeRepo, NewChallenge
from bot.db.tables_challenges import challenge_entries, challenge_participants

Row = tuple[str, str, str]

PARTICIPANTS = 10_000
LOGS_EACH = 20
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
QUERY_RUNS = 30


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    worst = ordered[-1] * 1000
    return f"p50 {p50:.1f} ms, max {worst:.1f} ms"


async def _timed(call: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    await call()  # warm caches and the statement cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def _seed(db: Database) -> int:
    """10,000 participants × 20 entries, standings filled in as the logging path keeps them."""
    repo = ChallengeRepo(db)
    challenge = await repo.add(
        NewChallenge(
            guild_id=1,
            name="Bench AMRAP",
            name_key="bench amrap",
            program="amrap 12",
            program_kind="amrap",
            scoring="rounds_reps",
            creator_id=1,
            channel_id=2,
            starts_at=T0,
            ends_at=T0 + timedelta(days=30),
        ),
        T0,
    )
    assert challenge is not None
    rng = random.Random(2026)
    participants: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for user_id in range(1, PARTICIPANTS + 1):
        values = [rng.randint(3, 15) * 1000 + rng.randint(0, 40) for _ in range(LOGS_EACH)]
        best = max(values)
        reached = T0 + timedelta(seconds=values.index(best) * 60 + user_id)
        participants.append(
            {
                "challenge_id": challenge.id,
                "user_id": user_id,
                "joined_at": T0,
                "score": best,
                "sort_key": -best,
                "score_at": reached,
                "entry_count": LOGS_EACH,
            }
        )
        entries.extend(
            {"challenge_id": challenge.id, "user_id": user_id, "value": v, "logged_at": T0} for v in values
        )
    async with db.begin() as conn:
        for start in range(0, len(participants), 2000):
            await conn.execute(insert(challenge_participants), participants[start : start + 2000])
        for start in range(0, len(entries), 5000):
            await conn.execute(insert(challenge_entries), entries[start : start + 5000])
    if db.is_postgres:
        async with db.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return challenge.id


def _from_entries_query(challenge_id: int) -> Any:
    """The standings computed from every entry on each call (what keeping a score avoids)."""
    e = challenge_entries
    scores = (
        select(e.c.user_id, func.max(e.c.value).label("score"))
        .where(e.c.challenge_id == challenge_id)
        .group_by(e.c.user_id)
        .subquery()
    )
    ranked = select(
        scores.c.user_id, scores.c.score, func.rank().over(order_by=scores.c.score.desc()).label("rank")
    ).subquery()
    return select(ranked).order_by(ranked.c.rank, ranked.c.user_id).limit(10)


async def _leaderboard_rows(db: Database, label: str) -> list[Row]:
    await db.migrate()
    seed_started = time.perf_counter()
    challenge_id = await _seed(db)
    seeded = time.perf_counter() - seed_started
    repo = ChallengeRepo(db)
    caller = PARTICIPANTS // 2
    board = await repo.board(challenge_id, limit=10, user_id=caller)
    assert len(board.top) == 10 and board.me is not None and board.ranked == PARTICIPANTS

    top = await _timed(lambda: repo.board(challenge_id, limit=10, user_id=caller), QUERY_RUNS)
    results = await _timed(lambda: repo.board(challenge_id, limit=200), 10)

    async def from_entries() -> None:
        async with db.connect() as conn:
            (await conn.execute(_from_entries_query(challenge_id))).all()

    raw = await _timed(from_entries, 5)

    rng = random.Random(7)
    logs = []
    for _ in range(100):
        user_id = rng.randint(1, PARTICIPANTS)
        started = time.perf_counter()
        await repo.add_entry(challenge_id, user_id, rng.randint(3, 16) * 1000, aggregate="max", now=T0)
        logs.append(time.perf_counter() - started)
    size = f"{PARTICIPANTS:,} × {LOGS_EACH}"
    return [
        (
            f"challenge leaderboard ({label}, {size} logs): top 10 + own rank",
            _ms(top),
            "≤ 50 ms (p99 command budget)",
        ),
        (f"  results post query ({label}, top 200)", _ms(results), "—"),
        (f"  (computed from all {PARTICIPANTS * LOGS_EACH:,} entries instead)", _ms(raw), "— (not used)"),
        (f"  logging one result ({label}, standing kept in the same transaction)", _ms(logs), "≤ 50 ms"),
        (f"  (seeding {size} took)", f"{seeded:.1f} s", "—"),
    ]


async def _sqlite_rows(folder: Path) -> list[Row]:
    db = Database.from_url(f"sqlite+aiosqlite:///{folder / 'challenges-bench.db'}")
    try:
        return await _leaderboard_rows(db, "SQLite")
    finally:
        await db.dispose()


async def _postgres_rows(url: str) -> list[Row]:
    """In a scratch database of its own on the same server, dropped afterwards."""
    name = f"repmate_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        db = Database.from_url(make_url(url).set(database=name).render_as_string(hide_password=False))
        try:
            return await _leaderboard_rows(db, "PostgreSQL")
        finally:
            await db.dispose()
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()


async def _timer_rows(folder: Path) -> list[Row]:
    """Edits per minute of the real timer, from the bot's own REST calls under virtual time."""
    import simcord

    from bot import Settings
    from bot.app import EXTENSIONS, RepmateBot

    programs = [("emom 20", 20 * 60), ("tabata", 4 * 60), ("100x(5s work, 5s rest)", 1000)]
    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder / 'timer-bench.db'}")
    extensions = tuple(dict.fromkeys((*EXTENSIONS, "cogs.intervals", "cogs.challenges")))
    bot = RepmateBot(settings, extensions=extensions)
    rows: list[Row] = []
    try:
        async with simcord.run(bot, settle_timeout=5) as env:
            guild = env.create_guild("Bench Gym")
            channel = guild.create_text_channel("training")
            members = [guild.add_member(env.create_user(f"m{i}")) for i in range(len(programs))]
            for member, (program, length_s) in zip(members, programs, strict=True):
                result = await member.slash(channel, "interval start", program=program)
                assert result.response is not None
                message_id = result.response.id
                elapsed = 0.0
                while elapsed < length_s + 60:
                    await env.advance_time(30)
                    elapsed += 30
                edits = [
                    r
                    for r in env.http_requests
                    if r.method == "PATCH" and r.path.endswith(f"/messages/{message_id}")
                ]
                minutes = length_s / 60
                target = (
                    "≤ 25 for the whole EMOM (phase changes only)"
                    if program == "emom 20"
                    else "phase changes + 1"
                )
                rows.append(
                    (
                        f"timer edits per minute: {program}",
                        f"{len(edits) / minutes:.2f}/min ({len(edits)} edits in {minutes:.3g} min)",
                        target,
                    )
                )
            await bot.close()
    finally:
        if bot._database is not None:
            await bot._database.dispose()
    return rows


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows += asyncio.run(_sqlite_rows(folder))
        url = os.environ.get("TEST_POSTGRES_URL")
        if url:
            rows += asyncio.run(_postgres_rows(url))
        else:
            rows.append(("challenge leaderboard (PostgreSQL)", "skipped: TEST_POSTGRES_URL is not set", "—"))
        rows += asyncio.run(_timer_rows(folder))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
