"""Foundation: server configuration, member settings, bot state.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "guilds",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("routines_channel_id", sa.BigInteger),
        sa.Column("challenges_channel_id", sa.BigInteger),
        sa.Column("checkins_channel_id", sa.BigInteger),
        sa.Column("coach_role_id", sa.BigInteger),
        sa.Column("clinician_text", sa.Text),
        sa.Column("clinician_url", sa.Text),
        sa.Column("emergency_number", sa.String(40)),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guilds"),
    )
    op.create_table(
        "members",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("units", sa.String(2), nullable=False, server_default="kg"),
        sa.Column("checkins_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("quiet_start_min", sa.Integer, nullable=False, server_default="1320"),
        sa.Column("quiet_end_min", sa.Integer, nullable=False, server_default="480"),
        sa.Column("dm_channel_id", sa.BigInteger),
        sa.Column("unreachable_since", TS),
        sa.Column("last_guild_id", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_members"),
    )
    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(100)),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_bot_state"),
    )


def downgrade() -> None:
    op.drop_table("bot_state")
    op.drop_table("members")
    op.drop_table("guilds")
