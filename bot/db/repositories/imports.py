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

from sqlalchemy import insert, select

from bot.db.database import Database
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
            ids: list[int] = []
            for chunk in _chunks(sessions, BATCH):
                result = await conn.execute(
                    insert(workout_sessions).returning(workout_sessions.c.id, sort_by_parameter_order=True),
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
                ids += [row[0] for row in result]
            rows: list[dict[str, Any]] = []
            for session_id, session in zip(ids, sessions, strict=True):
                for s in session.sets:
                    rows.append(
                        {
                            "session_id": session_id,
                            "user_id": user_id,
                            "position": s.position,
                            "exercise": s.exercise,
                            "exercise_key": s.exercise_key,
                            "set_no": s.set_no,
                            "reps": s.reps,
                            "load_kind": s.load_kind,
                            "weight_kg": s.weight_kg,
                            "percent": s.percent,
                            "duration_s": s.duration_s,
                            "fingerprint": s.fingerprint,
                        }
                    )
                    if len(rows) >= BATCH:
                        await conn.execute(insert(workout_sets), rows)
                        rows = []
            if rows:
                await conn.execute(insert(workout_sets), rows)
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
