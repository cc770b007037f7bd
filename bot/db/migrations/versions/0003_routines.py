"""Routines, likes, workout sessions and sets.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "routines",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("owner_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_key", sa.String(255), nullable=False),
        sa.Column("notation", sa.Text, nullable=False),
        sa.Column("exercise_count", sa.Integer, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("tags", sa.String(120), nullable=False, server_default=""),
        sa.Column("source_routine_id", ID),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("channel_id", sa.BigInteger),
        sa.Column("message_id", sa.BigInteger),
        sa.Column("shared_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_routines"),
        sa.UniqueConstraint("owner_id", "name_key", name="uq_routines_owner_id"),
        sa.ForeignKeyConstraint(
            ["source_routine_id"],
            ["routines.id"],
            name="fk_routines_source_routine_id_routines",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_routines_guild_shared", "routines", ["guild_id", "shared_at"])
    op.create_index("ix_routines_source_routine_id", "routines", ["source_routine_id"])

    op.create_table(
        "routine_likes",
        sa.Column("routine_id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("routine_id", "user_id", name="pk_routine_likes"),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routines.id"],
            name="fk_routine_likes_routine_id_routines",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_routine_likes_user_id", "routine_likes", ["user_id"])

    op.create_table(
        "workout_sessions",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("routine_id", ID),
        sa.Column("routine_name", sa.String(80)),
        sa.Column("performed_at", TS, nullable=False),
        sa.Column("rpe", sa.Integer),
        sa.Column("notes", sa.Text),
        sa.Column("volume_kg", sa.Float, nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workout_sessions"),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routines.id"],
            name="fk_workout_sessions_routine_id_routines",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_workout_sessions_user_performed", "workout_sessions", ["user_id", "performed_at"])
    op.create_index("ix_workout_sessions_user_created", "workout_sessions", ["user_id", "created_at"])
    op.create_index("ix_workout_sessions_routine_id", "workout_sessions", ["routine_id"])

    op.create_table(
        "workout_sets",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("session_id", ID, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("exercise", sa.String(60), nullable=False),
        sa.Column("exercise_key", sa.String(120), nullable=False),
        sa.Column("set_no", sa.Integer, nullable=False),
        sa.Column("reps", sa.Integer),
        sa.Column("load_kind", sa.String(8)),
        sa.Column("weight_kg", sa.Float),
        sa.Column("percent", sa.Float),
        sa.Column("duration_s", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_workout_sets"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workout_sessions.id"],
            name="fk_workout_sets_session_id_workout_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_workout_sets_session_id", "workout_sets", ["session_id"])
    op.create_index("ix_workout_sets_user_exercise", "workout_sets", ["user_id", "exercise_key"])


def downgrade() -> None:
    op.drop_table("workout_sets")
    op.drop_table("workout_sessions")
    op.drop_table("routine_likes")
    op.drop_table("routines")
