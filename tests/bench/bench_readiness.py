"""/readiness for a member with a year of logs, for ``make bench``.

The real bot runs under SimCord over a seeded SQLite file: one member with four sessions
a week for a year (about 200 sessions, 4,000 sets) and a soreness rating after most of
them, among 1,000 other members with their own logs. Each figure is the wall time of one
``/readiness`` from the member's invocation to the reply with the picture. Virtual time
moves an hour between runs and the kept pictures are dropped, so every run computes and
draws its picture; the first run, which imports matplotlib and lays the chart out,
is left out as warm-up and shown on its own.
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

SIMCORD_START = datetime(2026, 1, 1, tzinfo=UTC)
OTHERS = 1_000
RUNS = 60
WORKOUTS = [
    [
        ("back-squat", "Back Squat", 5, 5),
        ("leg-press", "Leg Press", 3, 10),
        ("romanian-deadlift", "RDL", 3, 8),
    ],
    [
        ("bench-press", "Bench Press", 5, 5),
        ("overhead-press", "Overhead Press", 3, 8),
        ("push-up", "Push-up", 3, 15),
    ],
    [("deadlift", "Deadlift", 3, 5), ("pull-up", "Pull-up", 4, 8), ("barbell-row", "Barbell Row", 4, 8)],
    [
        ("plank", "Plank", 3, 0),
        ("dumbbell-curl", "Dumbbell Curl", 3, 12),
        ("custom:zottman", "Zottman", 3, 10),
    ],
]


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, member_id: int) -> int:
    rng = random.Random(20)
    con = sqlite3.connect(path)
    now = _stamp(SIMCORD_START)
    members = [member_id] + [10**17 + i for i in range(OTHERS)]
    con.executemany(
        "INSERT INTO members (user_id, timezone, units, checkins_enabled, quiet_start_min, quiet_end_min,"
        " created_at, updated_at) VALUES (?, 'Europe/Berlin', 'kg', 1, 1320, 480, ?, ?)",
        [(uid, now, now) for uid in members],
    )
    session_id = 0
    sessions, sets, ratings = [], [], []
    for uid in members:
        days = 365 if uid == member_id else 30
        for day in range(days, 0, -1):
            if day % 7 in (1, 3):
                continue
            if uid != member_id and rng.random() < 0.6:
                continue
            session_id += 1
            when = SIMCORD_START - timedelta(days=day, hours=rng.randrange(0, 12))
            sessions.append((session_id, uid, "Routine", _stamp(when), rng.randrange(6, 10), _stamp(when)))
            for position, (key, name, count, reps) in enumerate(WORKOUTS[day % 4], start=1):
                for number in range(1, count + 1):
                    timed = key == "plank"
                    sets.append(
                        (
                            session_id,
                            uid,
                            position,
                            name,
                            key,
                            number,
                            None if timed else reps,
                            None if timed else "weight",
                            None if timed else 60.0,
                            45 if timed else None,
                        )
                    )
            if uid == member_id and rng.random() < 0.8:
                rated = when + timedelta(hours=24)
                ratings.append((uid, session_id, rng.randrange(0, 8), None, 24.0, _stamp(rated)))
    con.executemany(
        "INSERT INTO workout_sessions (id, user_id, routine_name, performed_at, rpe, volume_kg, created_at)"
        " VALUES (?,?,?,?,?,0,?)",
        sessions,
    )
    con.executemany(
        "INSERT INTO workout_sets (session_id, user_id, position, exercise, exercise_key, set_no, reps,"
        " load_kind, weight_kg, duration_s) VALUES (?,?,?,?,?,?,?,?,?,?)",
        sets,
    )
    con.executemany(
        "INSERT INTO soreness_ratings (user_id, session_id, level, area, hours_after, rated_at)"
        " VALUES (?,?,?,?,?,?)",
        ratings,
    )
    con.commit()
    con.close()
    return sum(1 for s in sets if s[1] == member_id)


async def measure(folder: Path) -> tuple[float, list[float], list[float], int]:
    import simcord

    from bot import Settings, create_bot
    from bot.services import readiness_chart

    bot = create_bot(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'readiness.db'}"))
    timings: list[float] = []
    cpu: list[float] = []
    async with simcord.run(bot, settle_timeout=60) as env:
        guild = env.create_guild("Big Club")
        channel = guild.create_text_channel("general")
        member = guild.add_member(env.create_user("lifter"))
        member_sets = seed(folder / "readiness.db", member.id)
        started = time.perf_counter()
        await member.slash(channel, "readiness")
        first = time.perf_counter() - started
        for _ in range(RUNS):
            await env.advance_time(3600)
            readiness_chart._PNGS.clear()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = await member.slash(channel, "readiness")
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert result.response is not None and result.response.attachments
        await bot.close()
    return first, timings, cpu, member_sets


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        first, timings, cpu, member_sets = asyncio.run(measure(Path(tmp)))
    return [
        (
            f"/readiness, a year of logs ({member_sets:,} sets), picture drawn each time (p50 / p99)",
            f"{percentile(timings, 50) * 1000:.1f} ms / {percentile(timings, 99) * 1000:.1f} ms",
            "p99 ≤ 50 ms",
        ),
        (
            "  CPU time per /readiness, all threads (p50 / p99): the figure the machine's load can't inflate",
            f"{percentile(cpu, 50) * 1000:.1f} ms / {percentile(cpu, 99) * 1000:.1f} ms",
            "—",
        ),
        ("  first /readiness after start-up (imports matplotlib)", f"{first * 1000:.0f} ms", "—"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
