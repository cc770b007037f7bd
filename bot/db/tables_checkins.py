"""Tables for: soreness check-ins, ratings and daily reminders (SPEC §5).

* A rating given from a check-in DM carries that delivery's id, unique, so pressing a
  rating twice (or again after a restart) updates the one rating instead of adding one.
* ``session_id`` ties a rating to the workout it is about; a rating given with
  ``/soreness rate`` is tied to the member's latest workout of the past week, if any.
* A member has at most one daily reminder. ``version`` grows with every change, and
  each scheduled occurrence carries the version it was made for, so an occurrence of
  an older setting never schedules a successor.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

soreness_ratings = Table(
    "soreness_ratings",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False),
    Column("session_id", ID, ForeignKey("workout_sessions.id", ondelete="CASCADE")),
    Column("delivery_id", ID, ForeignKey("deliveries.id", ondelete="SET NULL"), unique=True),
    Column("level", Integer, nullable=False),
    Column("area", String(60)),
    Column("hours_after", Float),
    Column("rated_at", UTCDateTime, nullable=False),
    Index("ix_soreness_ratings_user_rated", "user_id", "rated_at"),
    Index("ix_soreness_ratings_session_id", "session_id"),
    info={"member": "user_id"},
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False, unique=True),
    Column("guild_id", BigInteger),
    Column("minute_of_day", Integer, nullable=False),
    Column("days", Integer, nullable=False),
    Column("message", Text),
    Column("active", Boolean, nullable=False, server_default=false()),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": "user_id"},
)
