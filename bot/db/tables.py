"""The schema, as SQLAlchemy Core tables (one source for SQLite and PostgreSQL).

Alembic migrations create these; tests compare the migrated database with this
metadata so the two cannot drift apart. Discord ids are 64-bit integers.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    true,
)

from bot.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

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
)

#: Small key/value facts the bot keeps about itself (e.g. the synced command-tree hash).
bot_state = Table(
    "bot_state",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
