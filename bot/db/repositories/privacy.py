"""Everything stored about one member, found through the tables' own declarations.

Each table says whose rows it holds (``info["member"]``, see :mod:`bot.db.tables`):
the member's id column, a ``(fk_column, parent_table)`` pair for rows owned through a
parent, or ``None``. ``info["member_refs"]`` names columns that mention a member in a
row that is not theirs (a challenge's creator): those are exported and, on delete,
anonymised instead of deleting the row. Export and delete read only these
declarations, so a new table is covered the moment it declares itself — and a test
fails for one that does not.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.database import Database
from bot.db.tables import metadata
from bot.db.tables_checkins import soreness_ratings
from bot.db.tables_routines import routines, workout_sessions

ANONYMOUS_ID = 0


def member_tables() -> list[Table]:
    """Tables holding or mentioning member data, parents before children."""
    return [
        t for t in metadata.sorted_tables if t.info.get("member") is not None or t.info.get("member_refs")
    ]


def _owned_ids(table: Table, user_id: int) -> Select[Any]:
    """A SELECT of the primary keys of ``table``'s rows owned by the member."""
    (pk,) = table.primary_key.columns
    return select(pk).where(_owned(table, user_id))


def _owned(table: Table, user_id: int) -> Any:
    rule = table.info.get("member")
    if isinstance(rule, str):
        return table.c[rule] == user_id
    if isinstance(rule, tuple):
        fk_column, parent_name = rule
        parent = metadata.tables[parent_name]
        return table.c[fk_column].in_(_owned_ids(parent, user_id))
    raise ValueError(f"table {table.name} declares no member rows")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


class PrivacyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about the member, table by table (JSON-ready values)."""
        out: dict[str, list[dict[str, Any]]] = {}
        async with self.db.connect() as conn:
            for table in member_tables():
                rows: list[dict[str, Any]] = []
                if table.info.get("member") is not None:
                    result = await conn.execute(select(table).where(_owned(table, user_id)))
                    rows += [{k: _json_value(v) for k, v in r.items()} for r in result.mappings()]
                for column in table.info.get("member_refs", ()):
                    result = await conn.execute(select(table).where(table.c[column] == user_id))
                    rows += [{k: _json_value(v) for k, v in r.items()} for r in result.mappings()]
                out[table.name] = rows
        return out

    async def counts(self, user_id: int) -> dict[str, int]:
        exported = await self.export(user_id)
        return {name: len(rows) for name, rows in exported.items() if rows}

    async def delete(self, conn: AsyncConnection, user_id: int) -> dict[str, int]:
        """Delete (or anonymise) everything about the member inside the caller's transaction."""
        removed: dict[str, int] = {}
        for table in member_tables():
            for column in table.info.get("member_refs", ()):
                result = await conn.execute(
                    update(table).where(table.c[column] == user_id).values({column: ANONYMOUS_ID})
                )
                if result.rowcount:
                    removed[f"{table.name}.{column} (anonymised)"] = result.rowcount
        # Children before parents, so rows owned through a parent are still reachable.
        for table in reversed(member_tables()):
            if table.info.get("member") is None:
                continue
            result = await conn.execute(delete(table).where(_owned(table, user_id)))
            if result.rowcount:
                removed[table.name] = removed.get(table.name, 0) + result.rowcount
        return removed

    async def shared_posts(self, conn: AsyncConnection, user_id: int) -> list[tuple[int, str, int, int]]:
        """The member's shared routine posts: (routine id, name, channel id, message id)."""
        result = await conn.execute(
            select(routines.c.id, routines.c.name, routines.c.channel_id, routines.c.message_id).where(
                routines.c.owner_id == user_id, routines.c.message_id.is_not(None)
            )
        )
        return [(r[0], r[1], r[2], r[3]) for r in result]

    async def purge_history_before(self, cutoff: datetime) -> dict[str, int]:
        """Retention: delete logged workouts (their sets go with them) and ratings older than ``cutoff``."""
        removed: dict[str, int] = {}
        async with self.db.begin() as conn:
            for table, column in ((soreness_ratings, "rated_at"), (workout_sessions, "performed_at")):
                result = await conn.execute(delete(table).where(table.c[column] < cutoff))
                removed[table.name] = result.rowcount or 0
        return removed
