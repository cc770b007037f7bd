"""Command handling time with a realistic database: 10,000 members, 100,000 logged sessions.

The real bot runs under SimCord over a seeded SQLite file; each figure is the wall time
of one slash command from the member's invocation to the bot's reply, so it includes
SimCord's own (small) overhead but no network.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.runtime.harness import percentile

MEMBERS = 10_000
SESSIONS = 100_000
RUNS = 30
SIMCORD_START = datetime(2026, 1, 1, tzinfo=UTC)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, actor_ids: list[int]) -> None:
    rng = random.Random(7)
    ids = actor_ids + [10**17 + i for i in range(MEMBERS - len(actor_ids))]
    now = _stamp(SIMCORD_START)
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO members (user_id, timezone, units, checkins_enabled, quiet_start_min, quiet_end_min,"
        " created_at, updated_at) VALUES (?, 'Europe/Berlin', 'kg', 1, 1320, 480, ?, ?)",
        [(uid, now, now) for uid in ids],
    )
    con.executemany(
        "INSERT INTO routines (owner_id, name, name_key, notation, exercise_count, tags, created_at,"
        " updated_at) VALUES (?, ?, ?, 'Back Squat 3x5 @ 100kg', 1, '', ?, ?)",
        [(uid, f"Routine {n}", f"routine {n}", now, now) for uid in ids for n in range(2)],
    )
    sessions, sets = [], []
    for s in range(SESSIONS):
        uid = ids[s % MEMBERS]
        when = SIMCORD_START - timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        sessions.append((s + 1, uid, None, "Routine 0", _stamp(when), 7, 1500.0, _stamp(when)))
        for n in range(3):
            sets.append((s + 1, uid, 0, "Back Squat", "back-squat", n + 1, 5, "weight", 100.0))
    con.executemany(
        "INSERT INTO workout_sessions (id, user_id, guild_id, routine_name, performed_at, rpe, volume_kg,"
        " created_at) VALUES (?,?,?,?,?,?,?,?)",
        sessions,
    )
    con.executemany(
        "INSERT INTO workout_sets (session_id, user_id, position, exercise, exercise_key, set_no, reps,"
        " load_kind, weight_kg) VALUES (?,?,?,?,?,?,?,?,?)",
        sets,
    )
    con.commit()
    con.close()


COMMANDS: list[tuple[str, dict[str, object]]] = [
    ("settings show", {}),
    ("log history", {"days": 30}),
    ("routine list", {}),
    ("remind show", {}),
    ("plan show", {}),
    ("exercise info", {"name": "Back Squat"}),
    ("log workout", {"exercises": "Back Squat 3x5 @ 102.5kg"}),
]


async def measure(folder: Path) -> dict[str, list[float]]:
    import simcord

    from bot import Settings, create_bot

    bot = create_bot(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'commands.db'}"))
    timings: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
    async with simcord.run(bot, settle_timeout=60) as env:
        guild = env.create_guild("Big Club")
        channel = guild.create_text_channel("general")
        actors = [guild.add_member(env.create_user(f"member{i}")) for i in range(5)]
        seed(folder / "commands.db", [a.id for a in actors])
        for _ in range(RUNS):
            for actor in actors:
                for name, options in COMMANDS:
                    started = time.perf_counter()
                    result = await actor.slash(channel, name, **options)
                    timings[name].append(time.perf_counter() - started)
                    assert result.response is not None, name
        await bot.close()
    return timings


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        timings = asyncio.run(measure(Path(tmp)))
    every = [t for values in timings.values() for t in values]
    rows = [
        (
            f"command handling, {MEMBERS:,} members / {SESSIONS:,} sessions (p50 / p99)",
            f"{percentile(every, 50) * 1000:.1f} ms / {percentile(every, 99) * 1000:.1f} ms",
            "p99 ≤ 50 ms",
        )
    ]
    for name, values in timings.items():
        rows.append(
            (
                f"  /{name}",
                f"{percentile(values, 50) * 1000:.1f} ms / {percentile(values, 99) * 1000:.1f} ms",
                "",
            )
        )
    return rows
