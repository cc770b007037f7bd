"""Soreness ratings and daily reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from bot.db.database import Database
from bot.db.tables_checkins import reminders, soreness_ratings
from bot.db.tables_routines import workout_sessions


@dataclass(frozen=True)
class Rating:
    id: int
    user_id: int
    session_id: int | None
    delivery_id: int | None
    level: int
    area: str | None
    hours_after: float | None
    rated_at: datetime


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


def _rating(row: Any) -> Rating:
    return Rating(**{k: row[k] for k in Rating.__dataclass_fields__})


def _reminder(row: Any) -> ReminderRow:
    return ReminderRow(**{k: row[k] for k in ReminderRow.__dataclass_fields__})


class CheckinRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- ratings ---------------------------------------------------------------------------------

    async def save_rating(
        self,
        *,
        user_id: int,
        session_id: int | None,
        delivery_id: int | None,
        level: int,
        area: str | None,
        hours_after: float | None,
        now: datetime,
    ) -> Rating:
        """Store a rating; a second rating from the same check-in replaces the first."""
        values = {
            "user_id": user_id,
            "session_id": session_id,
            "delivery_id": delivery_id,
            "level": level,
            "area": area,
            "hours_after": hours_after,
            "rated_at": now,
        }
        async with self.db.begin() as conn:
            if delivery_id is None:
                result = await conn.execute(insert(soreness_ratings).values(**values))
                rating_id = result.inserted_primary_key[0]  # type: ignore[index]
            else:
                await conn.execute(
                    self.db.upsert(
                        soreness_ratings,
                        values,
                        keys=["delivery_id"],
                        update=["level", "rated_at", "hours_after"],
                    )
                )
                rating_id = (
                    await conn.execute(
                        select(soreness_ratings.c.id).where(soreness_ratings.c.delivery_id == delivery_id)
                    )
                ).scalar_one()
            row = (
                (await conn.execute(select(soreness_ratings).where(soreness_ratings.c.id == rating_id)))
                .mappings()
                .one()
            )
        return _rating(row)

    async def get_rating(self, rating_id: int) -> Rating | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(soreness_ratings).where(soreness_ratings.c.id == rating_id)))
                .mappings()
                .first()
            )
        return _rating(row) if row else None

    async def ratings_for_session(self, session_id: int) -> list[Rating]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(soreness_ratings)
                .where(soreness_ratings.c.session_id == session_id)
                .order_by(soreness_ratings.c.rated_at, soreness_ratings.c.id)
            )
            return [_rating(r) for r in rows.mappings()]

    async def latest_session(self, user_id: int, since: datetime) -> tuple[int, datetime] | None:
        """The member's most recent workout performed since ``since`` (id, performed_at)."""
        async with self.db.connect() as conn:
            row = (
                await conn.execute(
                    select(workout_sessions.c.id, workout_sessions.c.performed_at)
                    .where(workout_sessions.c.user_id == user_id, workout_sessions.c.performed_at >= since)
                    .order_by(workout_sessions.c.performed_at.desc(), workout_sessions.c.id.desc())
                    .limit(1)
                )
            ).first()
        return (row[0], row[1]) if row else None

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

    # -- reminders -------------------------------------------------------------------------------

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
