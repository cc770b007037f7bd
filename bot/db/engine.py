"""Database engine creation and migrations.

SQLite is the embedded default: WAL so readers never block the dispatcher's writes,
foreign keys on, a busy timeout instead of "database is locked", and
``synchronous=FULL`` because delivery state must survive a power cut. PostgreSQL
runs the same Core queries through asyncpg.
"""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; creates the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_async_engine(url, **kwargs)


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")


_ASSIGNED = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


def script_heads() -> set[str]:
    """The newest migration(s), read from the files' ``revision``/``down_revision`` lines.

    Importing Alembic costs most of a second, which a start-up over an up-to-date database
    doesn't need; ``head_revision`` (Alembic's own answer) must agree, and a test says so.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        assigned = dict(_ASSIGNED.findall(path.read_text(encoding="utf-8")))
        if "revision" not in assigned:
            continue
        revisions.add(ast.literal_eval(assigned["revision"]))
        down = ast.literal_eval(assigned.get("down_revision", "None"))
        parents.update((down,) if isinstance(down, str) else down or ())
    return revisions - parents


def _stored_revisions(connection: Connection) -> set[str]:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema up to the newest migration (idempotent).

    A database already at the newest migration is left alone without loading Alembic.
    """
    async with engine.connect() as connection:
        if await connection.run_sync(_stored_revisions) == script_heads():
            return
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
