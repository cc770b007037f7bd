"""Group sessions: scheduled classes and group runs, RSVPs, voice spans and attendance.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "group_sessions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("creator_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("text_channel_id", sa.BigInteger, nullable=False),
        sa.Column("voice_channel_id", sa.BigInteger),
        sa.Column("location", sa.String(100)),
        sa.Column("program", sa.Text),
        sa.Column("routine_id", sa.BigInteger),
        sa.Column("routine_name", sa.String(100)),
        sa.Column("duration_s", sa.Integer, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("weekly", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("event_id", sa.BigInteger),
        sa.Column("announce_message_id", sa.BigInteger),
        sa.Column("recap_message_id", sa.BigInteger),
        sa.Column("timer_id", sa.BigInteger),
        sa.Column("voice_note", sa.String(300)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_sessions"),
    )
    op.create_index("ix_group_sessions_guild_id", "group_sessions", ["guild_id"])
    op.create_index("ix_group_sessions_event_id", "group_sessions", ["event_id"])
    op.create_index("ix_group_sessions_voice_channel_id", "group_sessions", ["voice_channel_id"])

    op.create_table(
        "session_rsvps",
        sa.Column("session_id", ID, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("going", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "seq", "user_id", name="pk_session_rsvps"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name="fk_session_rsvps_session_id_group_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_session_rsvps_user_id", "session_rsvps", ["user_id"])

    op.create_table(
        "session_voice_spans",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("session_id", ID, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("joined_at", TS, nullable=False),
        sa.Column("left_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_session_voice_spans"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name="fk_session_voice_spans_session_id_group_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_session_voice_spans_session_id", "session_voice_spans", ["session_id", "seq"])
    op.create_index("ix_session_voice_spans_user_id", "session_voice_spans", ["user_id"])

    op.create_table(
        "session_attendance",
        sa.Column("session_id", ID, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("voice_s", sa.Float),
        sa.Column("workout_session_id", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "seq", "user_id", name="pk_session_attendance"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name="fk_session_attendance_session_id_group_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_session_attendance_user_id", "session_attendance", ["user_id"])


def downgrade() -> None:
    op.drop_table("session_attendance")
    op.drop_table("session_voice_spans")
    op.drop_table("session_rsvps")
    op.drop_table("group_sessions")
