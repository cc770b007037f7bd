"""Deliveries: the scheduled-message table and its failure log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("user_id", sa.BigInteger),
        sa.Column("channel_id", sa.BigInteger),
        sa.Column("guild_id", sa.BigInteger),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("available_at", TS, nullable=False),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claim_deadline", TS),
        sa.Column("dedupe_key", sa.String(200)),
        sa.Column("sent_at", TS),
        sa.Column("message_id", sa.BigInteger),
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("dedupe_key", name="uq_deliveries_dedupe_key"),
    )
    op.create_index("ix_deliveries_status_available", "deliveries", ["status", "available_at"])
    op.create_index("ix_deliveries_user_status", "deliveries", ["user_id", "status"])
    op.create_table(
        "delivery_failures",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("delivery_id", ID, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_failures"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name="fk_delivery_failures_delivery_id_deliveries",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_delivery_failures_delivery_id", "delivery_failures", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("delivery_failures")
    op.drop_table("deliveries")
