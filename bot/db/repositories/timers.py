"""Queries on live interval timers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from bot.db.database import Database
from bot.db.tables_challenges import interval_timers

RUNNING = "running"
PAUSED = "paused"
FINISHED = "finished"
STOPPED = "stopped"
#: The message went away (deleted, or the bot lost access): the timer ended silently.
GONE = "gone"
ACTIVE = (RUNNING, PAUSED)


@dataclass(frozen=True)
class TimerRow:
    id: int
    owner_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None
    program: str
    status: str
    started_at: datetime
    paused_at: datetime | None
    paused_total_s: float
    shown: int
    elapsed_s: float | None
    ended_at: datetime | None
    created_at: datetime


def _row(row: Any) -> TimerRow:
    return TimerRow(
        id=row["id"],
        owner_id=row["owner_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        program=row["program"],
        status=row["status"],
        started_at=row["started_at"],
        paused_at=row["paused_at"],
        paused_total_s=float(row["paused_total_s"] or 0.0),
        shown=row["shown"],
        elapsed_s=row["elapsed_s"],
        ended_at=row["ended_at"],
        created_at=row["created_at"],
    )


class TimerRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        owner_id: int,
        guild_id: int | None,
        channel_id: int,
        program: str,
        started_at: datetime,
        now: datetime,
    ) -> TimerRow:
        values = {
            "owner_id": owner_id,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "program": program,
            "status": RUNNING,
            "started_at": started_at,
            "paused_total_s": 0.0,
            "shown": -1,
            "created_at": now,
            "updated_at": now,
        }
        async with self.db.begin() as conn:
            result = await conn.execute(insert(interval_timers).values(**values))
            timer_id = result.inserted_primary_key[0]  # type: ignore[index]
            row = (
                (await conn.execute(select(interval_timers).where(interval_timers.c.id == timer_id)))
                .mappings()
                .one()
            )
        return _row(row)

    async def get(self, timer_id: int) -> TimerRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(interval_timers).where(interval_timers.c.id == timer_id)))
                .mappings()
                .first()
            )
        return _row(row) if row is not None else None

    async def active(self) -> list[TimerRow]:
        """Every running or paused timer (what a restart picks up again)."""
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    select(interval_timers)
                    .where(interval_timers.c.status.in_(ACTIVE))
                    .order_by(interval_timers.c.id)
                )
            ).mappings()
            return [_row(r) for r in rows]

    async def active_for_owner(self, owner_id: int) -> list[TimerRow]:
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    select(interval_timers)
                    .where(interval_timers.c.owner_id == owner_id, interval_timers.c.status.in_(ACTIVE))
                    .order_by(interval_timers.c.id)
                )
            ).mappings()
            return [_row(r) for r in rows]

    async def count_active_in_channel(self, channel_id: int) -> int:
        async with self.db.connect() as conn:
            return (
                await conn.execute(
                    select(func.count())
                    .select_from(interval_timers)
                    .where(interval_timers.c.channel_id == channel_id, interval_timers.c.status.in_(ACTIVE))
                )
            ).scalar_one()

    async def update(
        self, timer_id: int, now: datetime, *, only_if: tuple[str, ...] = (), **values: Any
    ) -> bool:
        """Change a timer; with ``only_if``, only while its status is one of those (no lost races)."""
        stmt = update(interval_timers).where(interval_timers.c.id == timer_id)
        if only_if:
            stmt = stmt.where(interval_timers.c.status.in_(only_if))
        async with self.db.begin() as conn:
            result = await conn.execute(stmt.values(updated_at=now, **values))
        return bool(result.rowcount)

    async def delete(self, timer_id: int) -> None:
        async with self.db.begin() as conn:
            await conn.execute(delete(interval_timers).where(interval_timers.c.id == timer_id))
