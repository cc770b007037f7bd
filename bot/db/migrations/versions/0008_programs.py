"""Progression-hint settings and running programs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_settings",
        sa.Column("user_id", sa.BigInteger, autoincrement=False),
        sa.Column("progression_hints", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_training_settings"),
    )
    op.create_table(
        "program_runs",
        sa.Column("user_id", sa.BigInteger, autoincrement=False),
        sa.Column("template", sa.String(32), nullable=False),
        sa.Column("units", sa.String(2), nullable=False),
        sa.Column("maxes", sa.Text, nullable=False, server_default="{}"),
        sa.Column("state", sa.Text, nullable=False, server_default="{}"),
        sa.Column("routine_ids", sa.Text, nullable=False, server_default="[]"),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_program_runs"),
    )


def downgrade() -> None:
    op.drop_table("program_runs")
    op.drop_table("training_settings")
