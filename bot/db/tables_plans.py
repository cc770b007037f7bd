"""Tables for: weekly training plans (SPEC §4.1).

* A plan is at most one routine per weekday per member: the primary key is
  (user_id, weekday), so setting a day again replaces what was planned there.
* ``weekday`` counts from Monday = 0 to Sunday = 6 (``date.weekday()``); which weekday
  "today" is depends on the member's zone and is worked out by the service, never here.
* ``routine_id`` cascades: deleting a routine (or a member deleting their data) leaves
  no plan entry pointing at nothing, so reminders and ``/plan show`` never name a
  routine that is gone. Only the member's own routines (written or saved copies) are
  planned, so the routine's owner is always ``user_id``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: One planned routine on one weekday of a member's week.
plan_entries = Table(
    "plan_entries",
    metadata,
    Column("user_id", BigInteger, nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("routine_id", ID, ForeignKey("routines.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("user_id", "weekday"),
    CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
    Index("ix_plan_entries_routine_id", "routine_id"),
    info={"member": "user_id"},
)
