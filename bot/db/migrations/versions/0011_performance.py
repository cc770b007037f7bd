"""Personal records kept per member and exercise; leaderboard counts kept by the database.

``personal_records`` is backfilled from the logged sets. ``challenge_tallies`` and
``challenge_scores`` are backfilled from the participants and from then on kept by
triggers on ``challenge_participants`` (SQLite's and PostgreSQL's own dialects of
the same three rules), so every path that adds, rescores or removes a participant —
including ``/privacy delete`` and a challenge's cascade — keeps them right.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from bot.domain.records import RecordBook, SetRecord

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

revision = "0011"
down_revision = "0010"
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
    _standings()


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


def _standings() -> None:
    op.create_table(
        "challenge_tallies",
        sa.Column("challenge_id", ID),
        sa.Column("participants", sa.Integer, nullable=False, server_default="0"),
        sa.Column("ranked", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("challenge_id", name="pk_challenge_tallies"),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name="fk_challenge_tallies_challenge_id_challenges",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "challenge_scores",
        sa.Column("challenge_id", ID, nullable=False),
        sa.Column("sort_key", sa.BigInteger, nullable=False),
        sa.Column("participants", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("challenge_id", "sort_key", name="pk_challenge_scores"),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name="fk_challenge_scores_challenge_id_challenges",
            ondelete="CASCADE",
        ),
    )
    op.execute(
        "INSERT INTO challenge_tallies (challenge_id, participants, ranked) "
        "SELECT challenge_id, COUNT(*), COUNT(sort_key) FROM challenge_participants GROUP BY challenge_id"
    )
    op.execute(
        "INSERT INTO challenge_scores (challenge_id, sort_key, participants) "
        "SELECT challenge_id, sort_key, COUNT(*) FROM challenge_participants "
        "WHERE sort_key IS NOT NULL GROUP BY challenge_id, sort_key"
    )
    statements = _POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


# A participant counts in its challenge's tally, and under its sort key once it has one.
_SQLITE_ADD = """
    INSERT INTO challenge_tallies (challenge_id, participants, ranked)
    VALUES (NEW.challenge_id, 1, NEW.sort_key IS NOT NULL)
    ON CONFLICT (challenge_id) DO UPDATE
    SET participants = participants + 1, ranked = ranked + excluded.ranked;
    INSERT INTO challenge_scores (challenge_id, sort_key, participants)
    SELECT NEW.challenge_id, NEW.sort_key, 1 WHERE NEW.sort_key IS NOT NULL
    ON CONFLICT (challenge_id, sort_key) DO UPDATE SET participants = participants + 1;
"""
_SQLITE_REMOVE = """
    UPDATE challenge_tallies
    SET participants = participants - 1, ranked = ranked - (OLD.sort_key IS NOT NULL)
    WHERE challenge_id = OLD.challenge_id;
    UPDATE challenge_scores SET participants = participants - 1
    WHERE challenge_id = OLD.challenge_id AND sort_key = OLD.sort_key;
    DELETE FROM challenge_scores
    WHERE challenge_id = OLD.challenge_id AND sort_key = OLD.sort_key AND participants <= 0;
"""
_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER trg_challenge_participants_added AFTER INSERT ON challenge_participants "
    f"BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER trg_challenge_participants_removed AFTER DELETE ON challenge_participants "
    f"BEGIN {_SQLITE_REMOVE} END",
    f"CREATE TRIGGER trg_challenge_participants_rescored AFTER UPDATE OF challenge_id, sort_key "
    f"ON challenge_participants "
    f"WHEN OLD.sort_key IS NOT NEW.sort_key OR OLD.challenge_id != NEW.challenge_id "
    f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
)

# PostgreSQL runs one trigger per statement over its transition tables, so a statement
# touching many participants (a bulk insert, a large challenge's cascade) updates each
# tally and score row once, instead of once per participant. Score rows are written in
# ascending key order, so two members swapping scores at once cannot deadlock.
_PG_DELTA = """
    CREATE FUNCTION challenge_standings_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {tallies}
        {scores}
        DELETE FROM challenge_scores
        WHERE participants <= 0 AND challenge_id IN (SELECT challenge_id FROM ({rows}) AS x);
        RETURN NULL;
    END $$
"""
_PG_UPSERT_TALLIES = """
        INSERT INTO challenge_tallies AS t (challenge_id, participants, ranked)
        SELECT challenge_id, SUM(d), SUM(CASE WHEN sort_key IS NULL THEN 0 ELSE d END)
        FROM ({rows}) AS x GROUP BY challenge_id
        HAVING SUM(d) <> 0 OR SUM(CASE WHEN sort_key IS NULL THEN 0 ELSE d END) <> 0
        ORDER BY challenge_id
        ON CONFLICT (challenge_id) DO UPDATE
        SET participants = t.participants + excluded.participants, ranked = t.ranked + excluded.ranked;
"""
_PG_UPSERT_SCORES = """
        INSERT INTO challenge_scores AS s (challenge_id, sort_key, participants)
        SELECT challenge_id, sort_key, SUM(d) FROM ({rows}) AS x
        WHERE sort_key IS NOT NULL GROUP BY challenge_id, sort_key HAVING SUM(d) <> 0
        ORDER BY challenge_id, sort_key
        ON CONFLICT (challenge_id, sort_key) DO UPDATE SET participants = s.participants + excluded.participants;
"""
# Removing only updates: in a challenge's cascade its tally is already gone, and must stay so.
_PG_SUBTRACT_TALLIES = """
        UPDATE challenge_tallies AS t
        SET participants = t.participants - x.n, ranked = t.ranked - x.r
        FROM (SELECT challenge_id, COUNT(*) AS n, COUNT(sort_key) AS r FROM old_rows GROUP BY challenge_id) AS x
        WHERE t.challenge_id = x.challenge_id;
"""
_PG_SUBTRACT_SCORES = """
        UPDATE challenge_scores AS s SET participants = s.participants - x.n
        FROM (
            SELECT challenge_id, sort_key, COUNT(*) AS n FROM old_rows
            WHERE sort_key IS NOT NULL GROUP BY challenge_id, sort_key ORDER BY challenge_id, sort_key
        ) AS x
        WHERE s.challenge_id = x.challenge_id AND s.sort_key = x.sort_key;
"""
_PG_ADDED = "SELECT challenge_id, sort_key, 1 AS d FROM new_rows"
_PG_REMOVED = "SELECT challenge_id, sort_key, 1 AS d FROM old_rows"
_PG_CHANGED = (
    "SELECT challenge_id, sort_key, -1 AS d FROM old_rows UNION ALL SELECT challenge_id, sort_key, 1 FROM new_rows"
)


def _pg_function(name: str, rows: str, tallies: str, scores: str) -> str:
    return _PG_DELTA.format(
        name=name, rows=rows, tallies=tallies.format(rows=rows), scores=scores.format(rows=rows)
    )


_POSTGRES_TRIGGERS = (
    _pg_function("added", _PG_ADDED, _PG_UPSERT_TALLIES, _PG_UPSERT_SCORES),
    _pg_function("removed", _PG_REMOVED, _PG_SUBTRACT_TALLIES, _PG_SUBTRACT_SCORES),
    _pg_function("changed", _PG_CHANGED, _PG_UPSERT_TALLIES, _PG_UPSERT_SCORES),
    "CREATE TRIGGER trg_challenge_participants_added AFTER INSERT ON challenge_participants "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION challenge_standings_added()",
    "CREATE TRIGGER trg_challenge_participants_removed AFTER DELETE ON challenge_participants "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION challenge_standings_removed()",
    "CREATE TRIGGER trg_challenge_participants_changed AFTER UPDATE ON challenge_participants "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION challenge_standings_changed()",
)


def _row(user_id: int, key: str, metric: str, load: float, value: float) -> dict[str, object]:
    return {"user_id": user_id, "exercise_key": key, "metric": metric, "load_kg": load, "value": value}


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("added", "removed", "changed"):
            op.execute(f"DROP TRIGGER trg_challenge_participants_{name} ON challenge_participants")
            op.execute(f"DROP FUNCTION challenge_standings_{name}()")
    else:
        for name in ("added", "removed", "rescored"):
            op.execute(f"DROP TRIGGER trg_challenge_participants_{name}")
    op.drop_table("challenge_scores")
    op.drop_table("challenge_tallies")
    op.drop_table("personal_records")
