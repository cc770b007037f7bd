"""Queries for history imports: what a member's log already holds, bulk inserts, the export.

An import of 100,000 sets is one transaction: the sessions go in with one multi-row
INSERT … RETURNING (their ids, in order), then the sets in executemany batches. Nothing
is visible until the commit, and a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from bot.db.database import Database
from bot.db.repositories.workouts import rebuild_records
from bot.db.tables_imports import workout_imports
from bot.db.tables_routines import workout_sessions, workout_sets
from bot.domain.imports import ExportSet, ImportedSession

#: Rows per executemany batch: big enough to be fast, small enough to keep memory flat.
BATCH = 5_000


@dataclass(frozen=True)
class StoredSet:
    """What a set's fingerprint is made of, as the log holds it."""

    session_id: int
    performed_at: datetime
    exercise_key: str
    reps: int | None
    load_kind: str | None
    weight_kg: float | None
    percent: float | None
    duration_s: int | None
    fingerprint: str | None


@dataclass(frozen=True)
class ImportRecord:
    source: str
    filename: str
    sessions: int
    sets: int
    duplicates: int
    failed_rows: int


#: The columns an imported set fills, in the order :meth:`ImportRepo.add` gives them.
_SET_COLUMNS = (
    "session_id",
    "user_id",
    "position",
    "exercise",
    "exercise_key",
    "set_no",
    "reps",
    "load_kind",
    "weight_kg",
    "percent",
    "duration_s",
    "fingerprint",
)


def _insert_sql(paramstyle: str) -> str:
    if paramstyle == "qmark":
        marks = ", ".join("?" for _ in _SET_COLUMNS)
    elif paramstyle in ("numeric_dollar", "numeric"):
        sign = "$" if paramstyle == "numeric_dollar" else ":"
        marks = ", ".join(f"{sign}{n}" for n in range(1, len(_SET_COLUMNS) + 1))
    elif paramstyle == "format":
        marks = ", ".join("%s" for _ in _SET_COLUMNS)
    else:
        raise ValueError(f"no bulk insert for the {paramstyle} parameter style")
    return f"INSERT INTO {workout_sets.name} ({', '.join(_SET_COLUMNS)}) VALUES ({marks})"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def stored_sets(self, user_id: int) -> list[StoredSet]:
        """Every set of the member's log, in the order the log numbers them within a session."""
        query = (
            select(
                workout_sets.c.session_id,
                workout_sessions.c.performed_at,
                workout_sets.c.exercise_key,
                workout_sets.c.reps,
                workout_sets.c.load_kind,
                workout_sets.c.weight_kg,
                workout_sets.c.percent,
                workout_sets.c.duration_s,
                workout_sets.c.fingerprint,
            )
            .select_from(workout_sets.join(workout_sessions))
            .where(workout_sets.c.user_id == user_id)
            .order_by(workout_sets.c.session_id, workout_sets.c.position, workout_sets.c.set_no)
        )
        async with self.db.connect() as conn:
            return [StoredSet(*row) for row in await conn.execute(query)]

    async def add(
        self, user_id: int, sessions: Sequence[ImportedSession], record: ImportRecord, now: datetime
    ) -> int:
        """Store every session and set, and the import's record, in one transaction; its id."""
        async with self.db.begin() as conn:
            # Sessions by executemany, then their ids read back in insertion order: RETURNING
            # with many rows would go one statement per row on SQLite (no sentinel column).
            before = (
                await conn.execute(
                    select(func.coalesce(func.max(workout_sessions.c.id), 0)).where(
                        workout_sessions.c.user_id == user_id
                    )
                )
            ).scalar_one()
            for chunk in _chunks(sessions, BATCH):
                await conn.execute(
                    insert(workout_sessions),
                    [
                        {
                            "user_id": user_id,
                            "guild_id": None,
                            "routine_id": None,
                            "routine_name": s.name,
                            "performed_at": s.performed_at,
                            "rpe": s.rpe,
                            "notes": s.notes,
                            "volume_kg": s.volume_kg,
                            "created_at": now,
                        }
                        for s in chunk
                    ],
                )
            ids = list(
                (
                    await conn.execute(
                        select(workout_sessions.c.id)
                        .where(
                            workout_sessions.c.user_id == user_id,
                            workout_sessions.c.id > before,
                            workout_sessions.c.created_at == now,
                        )
                        .order_by(workout_sessions.c.id)
                    )
                ).scalars()
            )
            if len(ids) != len(sessions):
                raise RuntimeError(f"stored {len(sessions)} sessions but found {len(ids)}; rolled back")
            # Straight to the driver's executemany: building SQLAlchemy parameters for each
            # of 100,000 rows would cost more than the inserts themselves.
            sql = _insert_sql(conn.dialect.paramstyle)
            rows: list[tuple[Any, ...]] = []
            for session_id, session in zip(ids, sessions, strict=True):
                rows += [
                    (
                        session_id,
                        user_id,
                        s.position,
                        s.exercise,
                        s.exercise_key,
                        s.set_no,
                        s.reps,
                        s.load_kind,
                        s.weight_kg,
                        s.percent,
                        s.duration_s,
                        s.fingerprint,
                    )
                    for s in session.sets
                ]
                if len(rows) >= BATCH:
                    await conn.exec_driver_sql(sql, rows)
                    rows = []
            if rows:
                await conn.exec_driver_sql(sql, rows)
            # Imported sets count for personal records like logged ones.
            keys = sorted({s.exercise_key for session in sessions for s in session.sets if s.exercise_key})
            if keys:
                await rebuild_records(conn, user_id, keys)
            result = await conn.execute(
                insert(workout_imports).values(
                    user_id=user_id,
                    source=record.source,
                    filename=record.filename,
                    sessions=record.sessions,
                    sets=record.sets,
                    duplicates=record.duplicates,
                    failed_rows=record.failed_rows,
                    created_at=now,
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def export_sets(self, user_id: int) -> tuple[list[ExportSet], int]:
        """The member's whole log, oldest first, set by set; and how many sessions it holds."""
        query = (
            select(
                workout_sessions.c.performed_at,
                workout_sessions.c.routine_name,
                workout_sets.c.exercise,
                workout_sets.c.exercise_key,
                workout_sets.c.reps,
                workout_sets.c.load_kind,
                workout_sets.c.weight_kg,
                workout_sets.c.percent,
                workout_sets.c.duration_s,
                workout_sessions.c.rpe,
                workout_sessions.c.notes,
                workout_sessions.c.id,
            )
            .select_from(workout_sets.join(workout_sessions))
            .where(workout_sets.c.user_id == user_id)
            .order_by(
                workout_sessions.c.performed_at,
                workout_sessions.c.id,
                workout_sets.c.position,
                workout_sets.c.set_no,
            )
        )
        out: list[ExportSet] = []
        numbers: dict[tuple[int, str], int] = {}
        async with self.db.connect() as conn:
            for row in await conn.execute(query):
                number = numbers[(row.id, row.exercise_key)] = numbers.get((row.id, row.exercise_key), 0) + 1
                out.append(
                    ExportSet(
                        performed_at=row.performed_at,
                        workout=row.routine_name,
                        exercise=row.exercise,
                        set_no=number,
                        reps=row.reps,
                        load_kind=row.load_kind,
                        weight_kg=row.weight_kg,
                        percent=row.percent,
                        duration_s=row.duration_s,
                        rpe=row.rpe,
                        notes=row.notes,
                    )
                )
        return out, len({session for session, _ in numbers})
