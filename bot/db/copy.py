"""Copy every table from one database to another (``python -m bot migrate-data --to URL``).

For moving a community from the embedded SQLite file to PostgreSQL. Both sides are
migrated to the same schema first; the target must be empty. Tables are copied
parents before children, streamed in batches ordered by primary key, and each
table's row count is verified. On PostgreSQL the id sequences are moved past the
copied ids so new rows don't collide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Integer, func, insert, select, text

from bot.db.database import Database
from bot.db.tables import metadata

Progress = Callable[[str, int, int], None]


class CopyError(Exception):
    """The copy cannot start or did not verify; the message says why."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int


async def _count(db: Database, table_name: str) -> int:
    table = metadata.tables[table_name]
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def copy_database(
    source: Database, target: Database, *, batch: int = 2000, progress: Progress | None = None
) -> list[TableCopy]:
    await source.migrate()
    await target.migrate()
    busy = [t.name for t in metadata.sorted_tables if await _count(target, t.name)]
    if busy:
        raise CopyError(f"The target database already holds data (in {', '.join(busy)}); use an empty one.")
    results: list[TableCopy] = []
    for table in metadata.sorted_tables:
        total = await _count(source, table.name)
        done = 0
        order = list(table.primary_key.columns) or list(table.columns)
        async with source.connect() as src, target.begin() as dst:
            stream = await src.stream(select(table).order_by(*order))
            async for rows in stream.mappings().partitions(batch):
                await dst.execute(insert(table), [dict(r) for r in rows])
                done += len(rows)
                if progress is not None:
                    progress(table.name, done, total)
        copied = await _count(target, table.name)
        if progress is not None and total == 0:
            progress(table.name, 0, 0)
        if copied != total:
            raise CopyError(f"{table.name}: copied {copied} rows of {total}; the target is incomplete.")
        results.append(TableCopy(table.name, total, copied))
    if target.is_postgres:
        await _reset_sequences(target)
    return results


async def _reset_sequences(db: Database) -> None:
    async with db.begin() as conn:
        for table in metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
                sequence = (
                    await conn.execute(
                        text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
                    )
                ).scalar()
                if sequence:
                    await conn.execute(
                        text(
                            f"SELECT setval(:s, COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0)"
                            " + 1, false)"
                        ),
                        {"s": sequence},
                    )
