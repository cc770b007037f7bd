"""The schema, as SQLAlchemy Core tables (one source for SQLite and PostgreSQL).

Alembic migrations create these; tests compare the migrated database with this
metadata so the two cannot drift apart. Discord ids are 64-bit integers.

Members own their data (SPEC §8), so every table says whose rows it holds in
``info["member"]``: the name of the column holding the member's id; or
``("fk_column", "parent_table")`` for rows owned through a parent; or ``None`` for
tables that hold no member data. Export and delete are driven from these
declarations, and a test fails for a table that declares nothing.
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
    true,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: Per-server configuration (SPEC §2).
guilds = Table(
    "guilds",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("routines_channel_id", BigInteger),
    Column("challenges_channel_id", BigInteger),
    Column("checkins_channel_id", BigInteger),
    Column("coach_role_id", BigInteger),
    Column("clinician_text", Text),
    Column("clinician_url", Text),
    Column("emergency_number", String(40)),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": None},
)

#: Per-member settings (SPEC §3) and delivery state (DM channel, reachability).
members = Table(
    "members",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("timezone", String(64)),
    Column("units", String(2), nullable=False, server_default="kg"),
    Column("checkins_enabled", Boolean, nullable=False, server_default=true()),
    Column("quiet_start_min", Integer, nullable=False, server_default="1320"),
    Column("quiet_end_min", Integer, nullable=False, server_default="480"),
    Column("dm_channel_id", BigInteger),
    Column("unreachable_since", UTCDateTime),
    Column("last_guild_id", BigInteger),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": "user_id"},
)

#: Small key/value facts the bot keeps about itself (e.g. the synced command-tree hash).
bot_state = Table(
    "bot_state",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    info={"member": None},
)

#: Every scheduled message (check-ins, reminders, challenge announcements): the source of truth.
#: ``due_at`` is when it should arrive; ``available_at`` is when it may next be claimed (equal to
#: ``due_at`` except after a retry back-off), so lateness is always measured against ``due_at``.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("user_id", BigInteger),
    Column("channel_id", BigInteger),
    Column("guild_id", BigInteger),
    Column("due_at", UTCDateTime, nullable=False),
    Column("available_at", UTCDateTime, nullable=False),
    Column("payload", Text, nullable=False, server_default="{}"),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_by", String(64)),
    Column("claim_deadline", UTCDateTime),
    Column("dedupe_key", String(200), unique=True),
    Column("sent_at", UTCDateTime),
    Column("message_id", BigInteger),
    Column("late", Boolean, nullable=False, server_default=false()),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_deliveries_status_available", "status", "available_at"),
    Index("ix_deliveries_user_status", "user_id", "status"),
    info={"member": "user_id"},
)

#: Why a delivery attempt did not simply succeed: retries, closed DMs, failures, misses.
delivery_failures = Table(
    "delivery_failures",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("delivery_id", ID, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    info={"member": ("delivery_id", "deliveries")},
)

#: The request pacer's state when several processes share one bot token: the GCRA
#: "theoretical arrival time" in seconds since the epoch, updated atomically per grant.
pacer_state = Table(
    "pacer_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("tat", Float, nullable=False),
    info={"member": None},
)

# Feature tables live beside this module and register on the same metadata; importing
# them here makes ``metadata`` (re-exported) complete for whoever imports this module.
from bot.db import (  # noqa: E402, F401
    tables_challenges,
    tables_checkins,
    tables_imports,
    tables_plans,
    tables_programs,
    tables_records,
    tables_routines,
    tables_sessions,
    tables_standings,
    tables_streaks,
)
