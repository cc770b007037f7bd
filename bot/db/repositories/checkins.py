"""Soreness ratings, and the workouts they rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from bot.db.database import Database
from bot.db.tables_checkins import soreness_ratings
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


def _rating(row: Any) -> Rating:
    return Rating(**{k: row[k] for k in Rating.__dataclass_fields__})


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

    async def ratings_since(self, user_id: int, since: datetime) -> list[Rating]:
        """The member's ratings given at or after ``since``, oldest first."""
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(soreness_ratings)
                .where(soreness_ratings.c.user_id == user_id, soreness_ratings.c.rated_at >= since)
                .order_by(soreness_ratings.c.rated_at, soreness_ratings.c.id)
            )
            return [_rating(r) for r in rows.mappings()]
