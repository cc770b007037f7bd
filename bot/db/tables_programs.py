"""Tables for: progression-hint settings and the program a member runs (issue #19).

* ``training_settings`` holds one row per member who changed a training preference;
  no row means the defaults (hints on), so members who never touch it store nothing.
* ``program_runs`` is at most one running program per member (the primary key is the
  member). ``position`` counts the program's sessions logged so far; which week and day
  that is comes from the template (bot/domain/programs.py), never from the calendar, so
  a missed day waits for the member instead of being skipped. ``maxes`` and ``state``
  are small JSON objects: the training maxes in kg by lift, and per-lift progress for
  templates that keep it (GZCLP's stage and load). ``routine_ids`` maps each program
  day to the routine built for it, so the routine can be rewritten with the next
  session's loads. Stopping a program deletes the row; the routines stay the member's.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, String, Table, Text, true

from bot.db.metadata import metadata
from bot.db.types import UTCDateTime

#: A member's training preferences (only ``/settings progression`` today).
training_settings = Table(
    "training_settings",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("progression_hints", Boolean, nullable=False, server_default=true()),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": "user_id"},
)

#: The program a member is running, and how far they are.
program_runs = Table(
    "program_runs",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("template", String(32), nullable=False),
    Column("units", String(2), nullable=False),
    Column("maxes", Text, nullable=False, server_default="{}"),
    Column("state", Text, nullable=False, server_default="{}"),
    Column("routine_ids", Text, nullable=False, server_default="[]"),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": "user_id"},
)
