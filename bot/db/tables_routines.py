"""Tables for: routines, likes, workout sessions and sets (SPEC §4).

Decisions worth knowing before reading the queries:

* A routine's ``name_key`` is its name with case and repeated spaces folded away; the
  unique (owner_id, name_key) pair is what makes "Leg Day" and "leg  day" the same
  routine of one member while two members may both have a "Leg Day".
* ``notation`` is always the canonical :func:`bot.domain.routines.format_routine`
  text, so export gives back exactly what was parsed.
* ``tags`` holds up to five normalised tags (letters of any script with their marks,
  digits and hyphens; NFC, lower-cased) joined with commas; a
  tag filter matches ``,tag,`` inside ``,tags,``, which is portable and, with at most
  five short tags a routine, cheaper than a child table.
* Sharing is a post, not a copy: ``guild_id``/``channel_id``/``message_id`` say where
  the routine is shared (all NULL when it is not). Deleting a routine deletes the row
  (its likes go with it); buttons on an old post then find nothing and say so.
* "Save a copy" inserts a new routine owned by the presser with ``source_routine_id``
  pointing at the original (SET NULL when the original goes), so saved routines are
  ordinary library entries that can be logged, edited, shared and planned.
* Like counts are counted from ``routine_likes`` rather than kept in a counter, so a
  member deleting their data can never leave a count that is off.
* ``workout_sets.user_id`` repeats the session's owner so a member's history of one
  exercise (what personal records are measured against) is one index range scan.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: A member's saved routines, shared or not.
routines = Table(
    "routines",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("owner_id", BigInteger, nullable=False),
    Column("name", String(80), nullable=False),
    Column("name_key", String(255), nullable=False),
    Column("notation", Text, nullable=False),
    Column("exercise_count", Integer, nullable=False),
    Column("notes", Text),
    Column("tags", String(120), nullable=False, server_default=""),
    Column("source_routine_id", ID, ForeignKey("routines.id", ondelete="SET NULL")),
    Column("guild_id", BigInteger),
    Column("channel_id", BigInteger),
    Column("message_id", BigInteger),
    Column("shared_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("owner_id", "name_key"),
    Index("ix_routines_guild_shared", "guild_id", "shared_at"),
    Index("ix_routines_source_routine_id", "source_routine_id"),
    info={"member": "owner_id"},
)

#: One row per member who liked a shared routine (a member likes a routine once).
routine_likes = Table(
    "routine_likes",
    metadata,
    Column("routine_id", ID, ForeignKey("routines.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("routine_id", "user_id"),
    Index("ix_routine_likes_user_id", "user_id"),
    info={"member": "user_id"},
)

#: A logged workout. ``routine_name`` is a snapshot so history still reads well after
#: the routine is renamed or deleted.
workout_sessions = Table(
    "workout_sessions",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False),
    Column("guild_id", BigInteger),
    Column("routine_id", ID, ForeignKey("routines.id", ondelete="SET NULL")),
    Column("routine_name", String(80)),
    Column("performed_at", UTCDateTime, nullable=False),
    Column("rpe", Integer),
    Column("notes", Text),
    Column("volume_kg", Float, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_workout_sessions_user_performed", "user_id", "performed_at"),
    Index("ix_workout_sessions_user_created", "user_id", "created_at"),
    Index("ix_workout_sessions_routine_id", "routine_id"),
    info={"member": "user_id"},
)

#: The sets of a session, one row per set. ``exercise_key`` is the catalogue id, or
#: ``custom:<normalised name>`` for exercises the catalogue doesn't know. Loads are kg;
#: ``load_kind`` is ``weight``, ``bw`` (weight_kg holds any added load, 0 without),
#: ``percent`` (``percent`` holds it; the absolute load is unknown) or NULL (no load).
workout_sets = Table(
    "workout_sets",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("session_id", ID, ForeignKey("workout_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False),
    Column("exercise", String(60), nullable=False),
    Column("exercise_key", String(120), nullable=False),
    Column("set_no", Integer, nullable=False),
    Column("reps", Integer),
    Column("load_kind", String(8)),
    Column("weight_kg", Float),
    Column("percent", Float),
    Column("duration_s", Integer),
    # Set by /log import (bot.domain.imports.fingerprint): the same set never lands twice.
    Column("fingerprint", String(24)),
    Index("ix_workout_sets_session_id", "session_id"),
    Index("ix_workout_sets_user_exercise", "user_id", "exercise_key"),
    Index("ix_workout_sets_user_fingerprint", "user_id", "fingerprint", unique=True),
    info={"member": "user_id"},
)
