"""Weekly training plans.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "plan_entries",
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("routine_id", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "weekday", name="pk_plan_entries"),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="ck_plan_entries_weekday_range"),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routines.id"],
            name="fk_plan_entries_routine_id_routines",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_plan_entries_routine_id", "plan_entries", ["routine_id"])


def downgrade() -> None:
    op.drop_table("plan_entries")
