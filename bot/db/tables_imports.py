"""Tables for: history imported from CSV files (``/log import``).

Imported workouts are ordinary rows of ``workout_sessions`` and ``workout_sets`` (so
they count for records and charts like any other); each imported set carries its
``fingerprint`` there, unique per member, which is what makes a second import of the
same sets add nothing. This table keeps one row per import: what came in and when.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: One row per confirmed import. ``source`` is ``strong``, ``hevy`` or ``generic``.
workout_imports = Table(
    "workout_imports",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False),
    Column("source", String(16), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("sets", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("failed_rows", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_workout_imports_user_id", "user_id"),
    info={"member": "user_id"},
)
