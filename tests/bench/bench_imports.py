"""Importing a 100,000-row export (``/log import``), for ``make bench``.

``run()`` returns (metric, measured, target) rows: rows per second from the uploaded bytes
to the committed transaction (reading, matching, fingerprinting, checking the log for
duplicates, the preview, then the bulk insert), and the peak memory (RSS) of a process
doing only that. Each database runs in a child process of its own, so the peak belongs
to the import and not to whatever ran before it. SQLite always; PostgreSQL too when
``TEST_POSTGRES_URL`` is set, in a scratch database created and dropped here.

The file is the generic CSV in its shortest form (``date,exercise,reps,weight``), as
100,000 rows must fit in the 5 MB a file may have.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

Row = tuple[str, str, str]

ROWS = 100_000
USER = 4242
EXERCISES = (
    "Back Squat",
    "Bench Press",
    "Deadlift",
    "Overhead Press",
    "Barbell Row",
    "Pull Up",
    "Dips",
    "Romanian Deadlift",
    "Lat Pulldown (Cable)",
    "Bicep Curl (Dumbbell)",
    "Leg Press",
    "Cable Crunch Deluxe",
)


def export_bytes(rows: int = ROWS) -> bytes:
    """Four years of sessions of 20 sets, as the generic CSV's shortest form."""
    start = datetime(2021, 1, 4, 18, 0, tzinfo=UTC)
    lines = ["date,exercise,reps,weight"]
    for i in range(rows):
        session, n = divmod(i, 20)
        when = (start + timedelta(hours=session * 7)).strftime("%Y-%m-%d %H:%M")
        exercise = EXERCISES[(session + n // 4) % len(EXERCISES)]
        lines.append(f"{when},{exercise},{5 + n % 4},{40 + (session % 50) * 2.5:g}")
    return ("\n".join(lines) + "\n").encode()


async def _import(url: str) -> dict[str, float]:
    from bot.db.database import Database
    from bot.db.repositories.imports import ImportRepo
    from bot.db.repositories.members import MemberRepo
    from bot.services.imports import ImportService
    from bot.services.settings import MemberSettingsService

    db = Database.from_url(url)
    await db.migrate()
    clock = lambda: datetime(2026, 1, 1, tzinfo=UTC)  # noqa: E731
    service = ImportService(ImportRepo(db), MemberSettingsService(MemberRepo(db), "UTC", clock), clock)
    data = export_bytes()

    async def read() -> bytes:
        return data

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = time.process_time()
    started = time.perf_counter()
    preview = await service.preview(USER, "bench.csv", len(data), read)
    previewed = time.perf_counter()
    cpu_preview = time.process_time()
    result = await service.confirm(USER, preview.token)
    finished = time.perf_counter()
    cpu_end = time.process_time()
    await db.dispose()
    assert result.sets == ROWS, result
    return {
        "seconds": finished - started,
        "preview_s": previewed - started,
        "store_s": finished - previewed,
        "cpu_s": cpu_end - cpu,
        "cpu_preview_s": cpu_preview - cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before,
        "bytes": len(data),
    }


def _child(url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_imports", "--child", url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rows(label: str, figures: dict[str, float]) -> list[Row]:
    rate = ROWS / figures["seconds"]
    return [
        (
            f"import a {ROWS:,}-row export ({label})",
            f"{rate:,.0f} rows/s ({figures['seconds']:.1f} s: preview {figures['preview_s']:.1f} s, "
            f"store {figures['store_s']:.1f} s; file {figures['bytes'] / 1e6:.1f} MB)",
            "≥ 20,000 rows/s",
        ),
        (
            f"  CPU time for it ({label}; wall time grows on a busy machine)",
            f"{figures['cpu_s']:.1f} s (preview {figures['cpu_preview_s']:.1f} s), "
            f"{ROWS / figures['cpu_s']:,.0f} rows per CPU second",
            "—",
        ),
        (f"  peak memory (RSS) importing it ({label})", f"{figures['rss_mb']:.0f} MB", "≤ 200 MB"),
    ]


async def _postgres(url: str) -> list[Row]:
    name = f"repmate_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        scratch = make_url(url).set(database=name).render_as_string(hide_password=False)
        return _rows("PostgreSQL", await asyncio.to_thread(_child, scratch))
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += _rows("SQLite", _child(f"sqlite+aiosqlite:///{Path(tmp) / 'import.db'}"))
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        rows += asyncio.run(_postgres(url))
    else:
        rows.append(
            ("import a 100,000-row export (PostgreSQL)", "skipped: TEST_POSTGRES_URL is not set", "—")
        )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(_import(sys.argv[2]))))
    else:
        for row in run():
            print(" | ".join(row))
