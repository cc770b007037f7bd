"""Shared pacer state, so processes on one bot token share the request budget.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pacer_state",
        sa.Column("name", sa.String(40)),
        sa.Column("tat", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_pacer_state"),
    )


def downgrade() -> None:
    op.drop_table("pacer_state")
