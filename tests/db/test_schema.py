"""The migrations and the table definitions describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bot.db.database import Database
from bot.db.engine import _alembic_config, current_revision, head_revision, script_heads
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


def test_the_heads_read_from_the_files_are_alembics() -> None:
    """Start-up skips Alembic when the database is at these heads, so they must be Alembic's."""
    assert script_heads() == {head_revision()}


async def test_an_up_to_date_database_is_left_alone_and_an_old_one_upgraded(db: Database) -> None:
    from alembic import command

    async with db.begin() as conn:
        await conn.run_sync(lambda c: command.downgrade(_alembic_config(c), "0007"))
    assert await current_revision(db.engine) == "0007"
    await db.migrate()  # 0007 → head: the tables come back
    async with db.connect() as conn:
        assert (await conn.execute(text("SELECT COUNT(*) FROM personal_records"))).scalar_one() == 0
    await db.migrate()
    assert await current_revision(db.engine) == head_revision()
