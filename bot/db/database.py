"""The Database handle every repository is built on.

Owns the engine's lifetime and knows the dialect, so repositories can use the one
portable upsert below instead of each writing its own.

On SQLite, write transactions take turns deliberately: SQLite allows one writer at a
time, and left to its busy handler, writers from the connection pool's threads poll
for the lock with growing sleeps — under load some wait out the busy timeout and fail
with ``database is locked`` after the command was half answered. Here ``begin()``
queues for one in-process lock first, in arrival order, and holds it only for the
transaction; reads (``connect()``) never wait for it (WAL lets them run beside the
writer). Other processes on the same file still meet the busy timeout. PostgreSQL
locks rows, so its transactions are not queued.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.engine import create_engine, migrate

#: Set while the current task holds the writer turn, so a transaction opened inside another
#: one (same task) doesn't queue behind itself.
_writing: ContextVar[bool] = ContextVar("repmate_db_writing", default=False)


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._writer: asyncio.Lock | None = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_engine(url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    async def migrate(self) -> None:
        await migrate(self.engine)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction, committed on success (on SQLite, one at a time)."""
        if self._writer is None or _writing.get():
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._writer:
            turn = _writing.set(True)
            try:
                async with self.engine.begin() as conn:
                    yield conn
            finally:
                _writing.reset(turn)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (no explicit transaction)."""
        async with self.engine.connect() as conn:
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()

    def upsert(
        self,
        table: Table,
        values: Mapping[str, Any],
        keys: Sequence[str],
        update: Sequence[str] | None = None,
    ) -> Any:
        """INSERT … ON CONFLICT (keys) DO UPDATE the given columns (or nothing)."""
        module = postgresql if self.is_postgres else sqlite
        stmt = module.insert(table).values(**values)
        columns = [c for c in (update if update is not None else values.keys()) if c not in keys]
        if not columns:
            return stmt.on_conflict_do_nothing(index_elements=list(keys))
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
        )

    def insert_ignore_many(self, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> Any:
        """Multi-row INSERT that skips rows conflicting on ``keys``."""
        module = postgresql if self.is_postgres else sqlite
        return module.insert(table).values(list(rows)).on_conflict_do_nothing(index_elements=list(keys))

    def insert_ignore(self, table: Table, values: Mapping[str, Any], keys: Sequence[str]) -> Any:
        """INSERT that is a no-op when a row with the same keys exists."""
        return self.upsert(table, values, keys, update=())
