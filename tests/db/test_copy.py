"""Moving a community's data from SQLite to another database."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db.copy import CopyError, copy_database
from bot.db.database import Database
from bot.db.repositories.deliveries import DeliveryRepo, NewDelivery
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo

T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def seeded_sqlite(path) -> Database:  # type: ignore[no-untyped-def]
    source = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await source.migrate()
    await GuildRepo(source).update(1, T0, emergency_number="999")
    for uid in range(1, 31):
        await MemberRepo(source).update(uid, T0, timezone="Europe/Berlin")
    await DeliveryRepo(source).add_many(
        [
            NewDelivery(kind="checkin", due_at=T0 + timedelta(hours=i), user_id=1 + i % 30)
            for i in range(2500)
        ],
        T0,
    )
    return source


async def test_copy_moves_every_row_and_new_rows_do_not_collide(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = await seeded_sqlite(tmp_path / "source.db")
    seen: list[tuple[str, int, int]] = []
    copied = await copy_database(source, db, batch=1000, progress=lambda t, d, n: seen.append((t, d, n)))
    counts = {c.table: c.target_rows for c in copied}
    assert counts["deliveries"] == 2500 and counts["members"] == 30 and counts["guilds"] == 1
    assert all(c.source_rows == c.target_rows for c in copied)
    assert ("deliveries", 1000, 2500) in seen and ("deliveries", 2500, 2500) in seen
    assert (await GuildRepo(db).get(1)).emergency_number == "999"
    added = await DeliveryRepo(db).add(NewDelivery(kind="checkin", due_at=T0, user_id=1), T0)
    assert added.id == 2501
    with pytest.raises(CopyError, match="already holds data"):
        await copy_database(source, db)
    await source.dispose()


def test_command_line_copy_with_progress(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    source = asyncio.run(_seed_and_close(tmp_path / "a.db"))
    out = subprocess.run(
        [sys.executable, "-m", "bot", "migrate-data", "--to", f"sqlite+aiosqlite:///{tmp_path}/b.db"],
        env={"DATABASE_URL": source, "PYTHONPATH": str(Path.cwd()), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "every table's row count matches" in out.stdout
    assert "deliveries" in out.stdout and "2,500 / 2,500" in out.stdout


async def _seed_and_close(path) -> str:  # type: ignore[no-untyped-def]
    db = await seeded_sqlite(path)
    await db.dispose()
    return f"sqlite+aiosqlite:///{path}"
