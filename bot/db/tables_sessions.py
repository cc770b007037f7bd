"""Tables for: group sessions — scheduled classes and group runs (issue 21).

* A session is a community post, not the creator's row: ``creator_id`` is a member
  reference (exported with the creator's data, anonymised when they delete it), so
  everyone's RSVPs and attendance stay.
* ``seq`` counts a weekly session's occurrences; ``starts_at`` is the current one's start.
  RSVPs, voice spans and attendance are kept per occurrence (``session_id, seq``).
* ``version`` changes on every edit; the deliveries of a session carry it, so an edited
  or cancelled session's old reminders and posts find nothing to send.
* ``voice_note`` is why the bot could not play cues in voice, recorded once; the creator
  is told once (a delivery with its own dedupe key).
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
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

group_sessions = Table(
    "group_sessions",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("creator_id", BigInteger, nullable=False),
    Column("name", String(100), nullable=False),
    Column("text_channel_id", BigInteger, nullable=False),
    Column("voice_channel_id", BigInteger),
    Column("location", String(100)),
    Column("program", Text),
    Column("routine_id", BigInteger),
    Column("routine_name", String(100)),
    Column("duration_s", Integer, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("weekly", Boolean, nullable=False, server_default=false()),
    Column("seq", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("event_id", BigInteger),
    Column("announce_message_id", BigInteger),
    Column("recap_message_id", BigInteger),
    Column("timer_id", BigInteger),
    Column("voice_note", String(300)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_group_sessions_guild_id", "guild_id"),
    Index("ix_group_sessions_event_id", "event_id"),
    Index("ix_group_sessions_voice_channel_id", "voice_channel_id"),
    info={"member": None, "member_refs": ("creator_id",)},
)

#: `I'm in` / `Can't make it`, or Discord's Interested, per occurrence.
session_rsvps = Table(
    "session_rsvps",
    metadata,
    Column("session_id", ID, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("going", Boolean, nullable=False),
    Column("source", String(16), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("session_id", "seq", "user_id"),
    Index("ix_session_rsvps_user_id", "user_id"),
    info={"member": "user_id"},
)

#: Stretches members spent in a session's voice channel (``left_at`` None while there).
session_voice_spans = Table(
    "session_voice_spans",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("session_id", ID, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("left_at", UTCDateTime),
    Index("ix_session_voice_spans_session_id", "session_id", "seq"),
    Index("ix_session_voice_spans_user_id", "user_id"),
    info={"member": "user_id"},
)

#: Who attended an occurrence, how, and the workout it was logged as.
session_attendance = Table(
    "session_attendance",
    metadata,
    Column("session_id", ID, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("how", String(16), nullable=False),
    Column("voice_s", Float),
    Column("workout_session_id", BigInteger),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("session_id", "seq", "user_id"),
    Index("ix_session_attendance_user_id", "user_id"),
    info={"member": "user_id"},
)
