"""Soreness check-ins, ratings and daily reminders.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "soreness_ratings",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("session_id", ID),
        sa.Column("delivery_id", ID),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("area", sa.String(60)),
        sa.Column("hours_after", sa.Float),
        sa.Column("rated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_soreness_ratings"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workout_sessions.id"],
            name="fk_soreness_ratings_session_id_workout_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name="fk_soreness_ratings_delivery_id_deliveries",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("delivery_id", name="uq_soreness_ratings_delivery_id"),
    )
    op.create_index("ix_soreness_ratings_user_rated", "soreness_ratings", ["user_id", "rated_at"])
    op.create_index("ix_soreness_ratings_session_id", "soreness_ratings", ["session_id"])
    op.create_table(
        "reminders",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("minute_of_day", sa.Integer, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("user_id", name="uq_reminders_user_id"),
    )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("soreness_ratings")
