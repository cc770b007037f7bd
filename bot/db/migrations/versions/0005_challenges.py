"""Interval timers and challenges.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "interval_timers",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("owner_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger),
        sa.Column("program", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("paused_at", TS),
        sa.Column("paused_total_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("shown", sa.Integer, nullable=False, server_default="-1"),
        sa.Column("elapsed_s", sa.Float),
        sa.Column("ended_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_interval_timers"),
    )
    op.create_index("ix_interval_timers_status", "interval_timers", ["status"])
    op.create_index("ix_interval_timers_owner_status", "interval_timers", ["owner_id", "status"])
    op.create_index("ix_interval_timers_channel_status", "interval_timers", ["channel_id", "status"])

    op.create_table(
        "challenges",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(255), nullable=False),
        sa.Column("program", sa.Text, nullable=False),
        sa.Column("program_kind", sa.String(16), nullable=False),
        sa.Column("scoring", sa.String(16), nullable=False),
        sa.Column("creator_id", sa.BigInteger, nullable=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("ended_early", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("announce_message_id", sa.BigInteger),
        sa.Column("results_message_id", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_challenges"),
        sa.UniqueConstraint("guild_id", "name_key", name="uq_challenges_guild_id"),
    )
    op.create_index("ix_challenges_guild_ends", "challenges", ["guild_id", "ends_at"])

    op.create_table(
        "challenge_participants",
        sa.Column("challenge_id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("joined_at", TS, nullable=False),
        sa.Column("score", sa.BigInteger),
        sa.Column("sort_key", sa.BigInteger),
        sa.Column("score_at", TS),
        sa.Column("entry_count", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("challenge_id", "user_id", name="pk_challenge_participants"),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name="fk_challenge_participants_challenge_id_challenges",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_challenge_participants_board",
        "challenge_participants",
        ["challenge_id", "sort_key", "score_at", "user_id"],
    )
    op.create_index("ix_challenge_participants_user_id", "challenge_participants", ["user_id"])

    op.create_table(
        "challenge_entries",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("challenge_id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("logged_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_challenge_entries"),
        sa.ForeignKeyConstraint(
            ["challenge_id", "user_id"],
            ["challenge_participants.challenge_id", "challenge_participants.user_id"],
            name="fk_challenge_entries_challenge_id_challenge_participants",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_challenge_entries_member_value", "challenge_entries", ["challenge_id", "user_id", "value"]
    )
    op.create_index("ix_challenge_entries_user_id", "challenge_entries", ["user_id"])


def downgrade() -> None:
    op.drop_table("challenge_entries")
    op.drop_table("challenge_participants")
    op.drop_table("challenges")
    op.drop_table("interval_timers")
