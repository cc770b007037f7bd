"""Personal records kept per member and exercise, so a new log is checked in constant time.

``personal_records`` holds what :class:`bot.domain.records.RecordBook` needs of a
member's history of one exercise, one row per metric:

* ``metric = "e1rm"``: ``value`` is the best estimated 1RM in kg (``load_kg`` is 0);
* ``metric = "reps"``: ``value`` is the most reps done at ``load_kg`` or heavier, one
  row per load on the member's front (no heavier load has as many reps).

Rows are derived from ``workout_sets``: a log raises them, ``/log undo`` rebuilds the
exercises of the removed session from what is left, and ``/privacy delete`` removes
them with everything else.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, PrimaryKeyConstraint, String, Table

from bot.db.metadata import metadata

personal_records = Table(
    "personal_records",
    metadata,
    Column("user_id", BigInteger, nullable=False),
    Column("exercise_key", String(120), nullable=False),
    Column("metric", String(8), nullable=False),
    Column("load_kg", Float, nullable=False),
    Column("value", Float, nullable=False),
    PrimaryKeyConstraint("user_id", "exercise_key", "metric", "load_kg"),
    info={"member": "user_id"},
)
