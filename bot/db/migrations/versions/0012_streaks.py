"""Streaks, weekly recaps, digests and milestone roles.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "workout_days",
        sa.Column("session_id", ID, autoincrement=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("records", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("session_id", name="pk_workout_days"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workout_sessions.id"],
            name="fk_workout_days_session_id_workout_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_workout_days_user_date", "workout_days", ["user_id", "local_date"])
    op.create_index("ix_workout_days_guild_date", "workout_days", ["guild_id", "local_date"])
    op.create_table(
        "streak_targets",
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("week_start", sa.Date, nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "week_start", name="pk_streak_targets"),
        sa.CheckConstraint("target >= 1 AND target <= 14", name="ck_streak_targets_target_range"),
    )
    op.create_table(
        "streak_prefs",
        sa.Column("user_id", sa.BigInteger, autoincrement=False),
        sa.Column("recap_mentions", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("digest", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("digest_guild_id", sa.BigInteger),
        sa.Column("weekly_current", sa.Integer, nullable=False, server_default="0"),
        sa.Column("weekly_best", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_streak_prefs"),
    )
    op.create_table(
        "guild_recaps",
        sa.Column("guild_id", sa.BigInteger, autoincrement=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("channel_id", sa.BigInteger),
        sa.Column("weekday", sa.Integer),
        sa.Column("minute", sa.Integer),
        sa.Column("next_key", sa.String(200)),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_recaps"),
    )
    op.create_table(
        "milestones",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("threshold", sa.Integer, nullable=False),
        sa.Column("role_id", sa.BigInteger, nullable=False),
        sa.Column("problem", sa.Text),
        sa.Column("problem_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_milestones"),
        sa.UniqueConstraint("guild_id", "kind", "threshold", name="uq_milestones_guild_kind_threshold"),
    )
    op.create_table(
        "milestone_grants",
        sa.Column("milestone_id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("reached_at", TS, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False, server_default="pending"),
        sa.PrimaryKeyConstraint("milestone_id", "user_id", name="pk_milestone_grants"),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name="fk_milestone_grants_milestone_id_milestones",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_milestone_grants_user_id", "milestone_grants", ["user_id"])
    op.create_table(
        "challenge_week_targets",
        sa.Column("challenge_id", ID, autoincrement=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("challenge_id", name="pk_challenge_week_targets"),
        sa.CheckConstraint("target >= 1 AND target <= 14", name="ck_challenge_week_targets_target_range"),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name="fk_challenge_week_targets_challenge_id_challenges",
            ondelete="CASCADE",
        ),
    )


    op.create_table(
        "plan_history",
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("weekdays", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "from_date", name="pk_plan_history"),
    )


def downgrade() -> None:
    op.drop_table("plan_history")
    op.drop_table("challenge_week_targets")
    op.drop_table("milestone_grants")
    op.drop_table("milestones")
    op.drop_table("guild_recaps")
    op.drop_table("streak_prefs")
    op.drop_table("streak_targets")
    op.drop_table("workout_days")
