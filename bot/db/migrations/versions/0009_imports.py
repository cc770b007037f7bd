"""History imports: one row per import, and a fingerprint on every imported set.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "workout_imports",
        sa.Column("id", ID, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
        sa.Column("sets", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("failed_rows", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workout_imports"),
    )
    op.create_index("ix_workout_imports_user_id", "workout_imports", ["user_id"])
    op.add_column("workout_sets", sa.Column("fingerprint", sa.String(24)))
    op.create_index(
        "ix_workout_sets_user_fingerprint", "workout_sets", ["user_id", "fingerprint"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_workout_sets_user_fingerprint", table_name="workout_sets")
    with op.batch_alter_table("workout_sets") as batch:
        batch.drop_column("fingerprint")
    op.drop_table("workout_imports")
