"""Personal records kept per member and exercise, backfilled from the logged sets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from bot.domain.records import RecordBook, SetRecord

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    records = op.create_table(
        "personal_records",
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("exercise_key", sa.String(120), nullable=False),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("load_kg", sa.Float, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "exercise_key", "metric", "load_kg", name="pk_personal_records"),
    )
    _backfill(records)


def _backfill(records: sa.Table) -> None:
    """One book per member and exercise from every completed set with a known load."""
    sets = sa.table(
        "workout_sets",
        sa.column("user_id", sa.BigInteger),
        sa.column("exercise_key", sa.String),
        sa.column("weight_kg", sa.Float),
        sa.column("reps", sa.Integer),
    )
    rows = op.get_bind().execute(
        sa.select(sets.c.user_id, sets.c.exercise_key, sets.c.weight_kg, sets.c.reps)
        .where(sets.c.reps >= 1, sets.c.weight_kg.is_not(None))
        .distinct()
    )
    history: dict[tuple[int, str], list[SetRecord]] = defaultdict(list)
    for user_id, key, weight, reps in rows:
        history[(user_id, key)].append(SetRecord(float(weight), int(reps)))
    out = []
    for (user_id, key), done in history.items():
        book = RecordBook.of(done)
        if book.best_1rm is not None:
            out.append(_row(user_id, key, "e1rm", 0.0, book.best_1rm))
        for load, reps in book.reps_front:
            out.append(_row(user_id, key, "reps", load, float(reps)))
        if len(out) >= 5000:
            op.bulk_insert(records, out)
            out = []
    if out:
        op.bulk_insert(records, out)


def _row(user_id: int, key: str, metric: str, load: float, value: float) -> dict[str, object]:
    return {"user_id": user_id, "exercise_key": key, "metric": metric, "load_kg": load, "value": value}


def downgrade() -> None:
    op.drop_table("personal_records")
