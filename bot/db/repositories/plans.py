"""Queries on members' weekly plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from bot.db.database import Database
from bot.db.tables_plans import plan_entries
from bot.db.tables_routines import routines


@dataclass(frozen=True)
class PlanRow:
    user_id: int
    weekday: int
    routine_id: int
    routine_name: str
    updated_at: datetime


def _select() -> Select[Any]:
    return select(
        plan_entries.c.user_id,
        plan_entries.c.weekday,
        plan_entries.c.routine_id,
        routines.c.name.label("routine_name"),
        plan_entries.c.updated_at,
    ).join(routines, routines.c.id == plan_entries.c.routine_id)


def _row(row: Any) -> PlanRow:
    return PlanRow(
        user_id=row["user_id"],
        weekday=row["weekday"],
        routine_id=row["routine_id"],
        routine_name=row["routine_name"],
        updated_at=row["updated_at"],
    )


class PlanRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def for_member(self, user_id: int) -> list[PlanRow]:
        """The member's week, Monday first."""
        query = _select().where(plan_entries.c.user_id == user_id).order_by(plan_entries.c.weekday)
        async with self.db.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_row(r) for r in rows]

    async def on_weekday(self, user_id: int, weekday: int) -> PlanRow | None:
        query = _select().where(plan_entries.c.user_id == user_id, plan_entries.c.weekday == weekday)
        async with self.db.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _row(row) if row is not None else None

    async def set(self, user_id: int, weekday: int, routine_id: int, now: datetime) -> bool:
        """Plan a routine on a weekday, replacing what was there; False when the routine is gone."""
        values = {
            "user_id": user_id,
            "weekday": weekday,
            "routine_id": routine_id,
            "created_at": now,
            "updated_at": now,
        }
        try:
            async with self.db.begin() as conn:
                await conn.execute(
                    self.db.upsert(
                        plan_entries, values, keys=["user_id", "weekday"], update=["routine_id", "updated_at"]
                    )
                )
        except IntegrityError:
            # The routine was deleted between the service finding it and this write.
            return False
        return True

    async def clear(self, user_id: int, weekday: int) -> bool:
        """Empty one day of the member's week; False when nothing was planned there."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                delete(plan_entries).where(
                    plan_entries.c.user_id == user_id, plan_entries.c.weekday == weekday
                )
            )
        return bool(result.rowcount)
