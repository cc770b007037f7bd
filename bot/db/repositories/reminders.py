"""Members' daily reminders, and the workouts that make one unnecessary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select, update

from bot.db.database import Database
from bot.db.tables import deliveries
from bot.db.tables_checkins import reminders
from bot.db.tables_routines import workout_sessions


@dataclass(frozen=True)
class ReminderRow:
    id: int
    user_id: int
    guild_id: int | None
    minute_of_day: int
    days: int
    message: str | None
    active: bool
    version: int


def _reminder(row: Any) -> ReminderRow:
    return ReminderRow(**{k: row[k] for k in ReminderRow.__dataclass_fields__})


class ReminderRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_reminder(self, user_id: int) -> ReminderRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(reminders).where(reminders.c.user_id == user_id)))
                .mappings()
                .first()
            )
        return _reminder(row) if row else None

    async def get_reminder_by_id(self, reminder_id: int) -> ReminderRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(reminders).where(reminders.c.id == reminder_id)))
                .mappings()
                .first()
            )
        return _reminder(row) if row else None

    async def set_reminder(
        self,
        user_id: int,
        *,
        guild_id: int | None,
        minute_of_day: int,
        days: int,
        message: str | None,
        now: datetime,
    ) -> ReminderRow:
        """Create or replace the member's reminder; each change gets a new version."""
        async with self.db.begin() as conn:
            current = (
                await conn.execute(select(reminders.c.version).where(reminders.c.user_id == user_id))
            ).scalar()
            values = {
                "guild_id": guild_id,
                "minute_of_day": minute_of_day,
                "days": days,
                "message": message,
                "active": True,
                "updated_at": now,
            }
            if current is None:
                await conn.execute(
                    insert(reminders).values(user_id=user_id, version=1, created_at=now, **values)
                )
            else:
                await conn.execute(
                    update(reminders)
                    .where(reminders.c.user_id == user_id)
                    .values(version=current + 1, **values)
                )
        reminder = await self.get_reminder(user_id)
        assert reminder is not None
        return reminder

    async def deactivate_reminder(self, user_id: int, now: datetime) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(reminders)
                .where(reminders.c.user_id == user_id, reminders.c.active.is_(True))
                .values(active=False, version=reminders.c.version + 1, updated_at=now)
            )
        return bool(result.rowcount)

    async def has_session_between(self, user_id: int, start: datetime, end: datetime) -> bool:
        """Whether the member logged a workout performed in [start, end)."""
        async with self.db.connect() as conn:
            row = (
                await conn.execute(
                    select(workout_sessions.c.id)
                    .where(
                        workout_sessions.c.user_id == user_id,
                        workout_sessions.c.performed_at >= start,
                        workout_sessions.c.performed_at < end,
                    )
                    .limit(1)
                )
            ).first()
        return row is not None

    async def active_without_occurrence(self, kind: str, statuses: tuple[str, ...]) -> list[ReminderRow]:
        """Active reminders with no occurrence of ``kind`` waiting in ``statuses``: broken chains."""
        waiting = (
            select(deliveries.c.id)
            .where(
                deliveries.c.user_id == reminders.c.user_id,
                deliveries.c.kind == kind,
                deliveries.c.status.in_(statuses),
            )
            .correlate(reminders)
        )
        async with self.db.connect() as conn:
            rows = (
                (await conn.execute(select(reminders).where(reminders.c.active.is_(True), ~exists(waiting))))
                .mappings()
                .all()
            )
        return [_reminder(r) for r in rows]
