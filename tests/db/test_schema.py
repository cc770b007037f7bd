"""The migrations and the table definitions describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db.database import Database
from bot.db.engine import current_revision, head_revision
from bot.db.tables import metadata


async def test_migrations_reach_head_and_match_the_tables(db: Database) -> None:
    assert await current_revision(db.engine) == head_revision()

    def diff(sync_conn):  # type: ignore[no-untyped-def]
        return compare_metadata(MigrationContext.configure(sync_conn), metadata)

    async with db.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_migrating_twice_is_harmless(db: Database) -> None:
    await db.migrate()
    assert await current_revision(db.engine) == head_revision()
