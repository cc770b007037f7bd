"""A migrated database per test, on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text

from bot.db.database import Database

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"
        ),
    ),
]


async def fresh_postgres(url: str) -> Database:
    """An empty public schema, then migrations: each test starts from nothing."""
    db = Database.from_url(url)
    async with db.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    return db


@pytest_asyncio.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/repo.db")
    else:
        assert POSTGRES_URL
        database = await fresh_postgres(POSTGRES_URL)
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()
