"""Queries on logged workouts: sessions, their sets, and the personal records they hold.

``personal_records`` (see :mod:`bot.db.tables_records`) is kept in the same
transaction as the sets it is derived from: a log raises it (a greatest-value upsert,
so two logs at once cannot lower each other's records), an undo rebuilds the removed
session's exercises from the sets that are left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.database import Database
from bot.db.tables_records import personal_records
from bot.db.tables_routines import workout_sessions, workout_sets
from bot.domain.records import RecordBook, SetRecord

E1RM, REPS = "e1rm", "reps"


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int
    guild_id: int | None
    routine_id: int | None
    routine_name: str | None
    performed_at: datetime
    rpe: int | None
    notes: str | None
    volume_kg: float
    created_at: datetime


@dataclass(frozen=True)
class SetRow:
    """One set as stored; ``weight_kg`` is the absolute (or, for ``bw``, added) load."""

    position: int
    exercise: str
    exercise_key: str
    set_no: int
    reps: int | None = None
    load_kind: str | None = None
    weight_kg: float | None = None
    percent: float | None = None
    duration_s: int | None = None


@dataclass(frozen=True)
class NewSession:
    user_id: int
    guild_id: int | None
    routine_id: int | None
    routine_name: str | None
    performed_at: datetime
    rpe: int | None
    notes: str | None
    volume_kg: float
    sets: Sequence[SetRow]


@dataclass(frozen=True)
class TimedSet:
    """A logged set with its session's time and RPE."""

    session_id: int
    performed_at: datetime
    rpe: int | None
    exercise: str
    exercise_key: str
    reps: int | None
    duration_s: int | None
    percent: float | None


@dataclass(frozen=True)
class ExerciseTally:
    exercise: str
    sets: int
    volume_kg: float


def _session(row: Any) -> SessionRow:
    return SessionRow(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        routine_id=row["routine_id"],
        routine_name=row["routine_name"],
        performed_at=row["performed_at"],
        rpe=row["rpe"],
        notes=row["notes"],
        volume_kg=float(row["volume_kg"] or 0.0),
        created_at=row["created_at"],
    )


_SET_FIELDS = tuple(SetRow.__dataclass_fields__)


def _record_rows(user_id: int, key: str, book: RecordBook) -> list[dict[str, Any]]:
    rows = [
        {"user_id": user_id, "exercise_key": key, "metric": REPS, "load_kg": load, "value": float(reps)}
        for load, reps in book.reps_front
    ]
    if book.best_1rm is not None:
        rows.append(
            {"user_id": user_id, "exercise_key": key, "metric": E1RM, "load_kg": 0.0, "value": book.best_1rm}
        )
    return rows


class WorkoutRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, new: NewSession, now: datetime) -> SessionRow:
        """Store a session and all its sets in one transaction."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                insert(workout_sessions)
                .returning(*workout_sessions.c)
                .values(
                    user_id=new.user_id,
                    guild_id=new.guild_id,
                    routine_id=new.routine_id,
                    routine_name=new.routine_name,
                    performed_at=new.performed_at,
                    rpe=new.rpe,
                    notes=new.notes,
                    volume_kg=new.volume_kg,
                    created_at=now,
                )
            )
            row = result.mappings().one()
            session_id = row["id"]
            if new.sets:
                rows = [
                    {
                        "session_id": session_id,
                        "user_id": new.user_id,
                        **{f: getattr(s, f) for f in _SET_FIELDS},
                    }
                    for s in new.sets
                ]
                await conn.execute(insert(workout_sets), rows)
                await self._raise_records(conn, new.user_id, new.sets)
        return _session(row)

    async def get(self, session_id: int) -> SessionRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(workout_sessions).where(workout_sessions.c.id == session_id)))
                .mappings()
                .first()
            )
        return _session(row) if row is not None else None

    async def sets(self, session_id: int) -> list[SetRow]:
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    select(*(workout_sets.c[f] for f in _SET_FIELDS))
                    .where(workout_sets.c.session_id == session_id)
                    .order_by(workout_sets.c.position, workout_sets.c.set_no)
                )
            ).mappings()
            return [SetRow(**{f: r[f] for f in _SET_FIELDS}) for r in rows]

    async def last_logged(self, user_id: int) -> SessionRow | None:
        """The member's most recently logged session (by when it was logged).

        Imported history (sets with a fingerprint) is not "logged" in this sense: undo never
        picks an old workout that came in with a file.
        """
        imported = (
            select(workout_sets.c.id)
            .where(
                workout_sets.c.session_id == workout_sessions.c.id, workout_sets.c.fingerprint.is_not(None)
            )
            .exists()
        )
        async with self.db.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(workout_sessions)
                        .where(workout_sessions.c.user_id == user_id, ~imported)
                        .order_by(workout_sessions.c.created_at.desc(), workout_sessions.c.id.desc())
                        .limit(1)
                    )
                )
                .mappings()
                .first()
            )
        return _session(row) if row is not None else None

    async def delete(self, session_id: int, user_id: int) -> bool:
        """Remove a session and its sets; the records of its exercises are rebuilt from the rest."""
        async with self.db.begin() as conn:
            keys = sorted(
                (
                    await conn.execute(
                        select(workout_sets.c.exercise_key)
                        .where(workout_sets.c.session_id == session_id, workout_sets.c.user_id == user_id)
                        .distinct()
                    )
                ).scalars()
            )
            result = await conn.execute(
                delete(workout_sessions).where(
                    workout_sessions.c.id == session_id, workout_sessions.c.user_id == user_id
                )
            )
            if result.rowcount and keys:
                await self._rebuild_records(conn, user_id, keys)
        return bool(result.rowcount)

    async def record_books(self, user_id: int, exercise_keys: Iterable[str]) -> dict[str, RecordBook]:
        """What the member's history of each exercise holds to beat (an empty book: never logged)."""
        keys = sorted(set(exercise_keys))
        books = {key: RecordBook() for key in keys}
        if not keys:
            return books
        best: dict[str, float] = {}
        fronts: dict[str, list[tuple[float, int]]] = defaultdict(list)
        r = personal_records.c
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(r.exercise_key, r.metric, r.load_kg, r.value)
                .where(r.user_id == user_id, r.exercise_key.in_(keys))
                .order_by(r.exercise_key, r.metric, r.load_kg.desc())
            )
            for key, metric, load, value in rows:
                if metric == E1RM:
                    best[key] = float(value)
                else:
                    fronts[key].append((float(load), int(value)))
        for key in keys:
            books[key] = RecordBook(best.get(key), tuple(fronts[key]))
        return books

    async def _raise_records(self, conn: AsyncConnection, user_id: int, sets: Sequence[SetRow]) -> None:
        """Fold a new session's sets into the member's records: a value only ever rises here."""
        done: dict[str, list[SetRecord]] = defaultdict(list)
        for s in sets:
            if s.reps is not None and s.reps >= 1 and s.weight_kg is not None:
                done[s.exercise_key].append(SetRecord(s.weight_kg, s.reps))
        rows = [
            row for key, session in done.items() for row in _record_rows(user_id, key, RecordBook.of(session))
        ]
        if not rows:
            return
        module = postgresql if self.db.is_postgres else sqlite
        stmt = module.insert(personal_records).values(rows)
        stored = personal_records.c.value
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=list(personal_records.primary_key.columns.keys()),
                set_={"value": case((stmt.excluded.value > stored, stmt.excluded.value), else_=stored)},
            )
        )
        # A rep count at a load is redundant once a heavier load has as many reps.
        r = personal_records.c
        heavier = personal_records.alias("heavier")
        await conn.execute(
            delete(personal_records).where(
                r.user_id == user_id,
                r.exercise_key.in_(sorted(done)),
                r.metric == REPS,
                exists().where(
                    and_(
                        heavier.c.user_id == r.user_id,
                        heavier.c.exercise_key == r.exercise_key,
                        heavier.c.metric == REPS,
                        heavier.c.load_kg > r.load_kg,
                        heavier.c.value >= r.value,
                    )
                ),
            )
        )

    async def _rebuild_records(self, conn: AsyncConnection, user_id: int, keys: Sequence[str]) -> None:
        await rebuild_records(conn, user_id, keys)

    async def sessions_since(
        self, user_id: int, since: datetime, *, limit: int | None = None
    ) -> list[SessionRow]:
        """Sessions performed at or after ``since``, newest first."""
        query = (
            select(workout_sessions)
            .where(workout_sessions.c.user_id == user_id, workout_sessions.c.performed_at >= since)
            .order_by(workout_sessions.c.performed_at.desc(), workout_sessions.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        async with self.db.connect() as conn:
            return [_session(r) for r in (await conn.execute(query)).mappings()]

    async def volumes_since(self, user_id: int, since: datetime) -> list[tuple[datetime, float]]:
        """(performed_at, volume_kg) of every session since ``since``, for weekly totals."""
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(workout_sessions.c.performed_at, workout_sessions.c.volume_kg)
                .where(workout_sessions.c.user_id == user_id, workout_sessions.c.performed_at >= since)
                .order_by(workout_sessions.c.performed_at)
            )
            return [(when, float(volume or 0.0)) for when, volume in rows]

    async def top_exercises(self, user_id: int, since: datetime, limit: int = 5) -> list[ExerciseTally]:
        """The exercises with the most sets since ``since``."""
        # Volume as sessions count it: absolute loads only (bodyweight and % have no known kg).
        lifted = case(
            (workout_sets.c.load_kind == "weight", workout_sets.c.reps * workout_sets.c.weight_kg), else_=0.0
        )
        volume = func.sum(func.coalesce(lifted, 0.0))
        sets = func.count()
        query = (
            select(func.min(workout_sets.c.exercise), sets, volume)
            .select_from(workout_sets.join(workout_sessions))
            .where(workout_sessions.c.user_id == user_id, workout_sessions.c.performed_at >= since)
            .group_by(workout_sets.c.exercise_key)
            .order_by(sets.desc(), func.min(workout_sets.c.exercise))
            .limit(limit)
        )
        async with self.db.connect() as conn:
            return [ExerciseTally(r[0], int(r[1]), float(r[2] or 0.0)) for r in await conn.execute(query)]

    async def sets_since(self, user_id: int, since: datetime) -> list[TimedSet]:
        """The member's sets of sessions performed at or after ``since``, oldest first,
        with when each session was performed and its RPE (what readiness is built from)."""
        query = (
            select(
                workout_sessions.c.id,
                workout_sessions.c.performed_at,
                workout_sessions.c.rpe,
                workout_sets.c.exercise,
                workout_sets.c.exercise_key,
                workout_sets.c.reps,
                workout_sets.c.duration_s,
                workout_sets.c.percent,
            )
            .select_from(workout_sessions.join(workout_sets))
            .where(workout_sessions.c.user_id == user_id, workout_sessions.c.performed_at >= since)
            .order_by(workout_sessions.c.performed_at, workout_sessions.c.id, workout_sets.c.id)
        )
        async with self.db.connect() as conn:
            return [TimedSet(*row) for row in await conn.execute(query)]


async def rebuild_records(conn: AsyncConnection, user_id: int, keys: Sequence[str]) -> None:
    """The records of ``keys`` recomputed from the member's sets (after an undo, or an import)."""
    s = workout_sets.c
    rows = await conn.execute(
        select(s.exercise_key, s.weight_kg, s.reps)
        .where(s.user_id == user_id, s.exercise_key.in_(keys), s.reps >= 1, s.weight_kg.is_not(None))
        .distinct()
    )
    done: dict[str, list[SetRecord]] = defaultdict(list)
    for key, weight, reps in rows:
        done[key].append(SetRecord(float(weight), int(reps)))
    await conn.execute(
        delete(personal_records).where(
            personal_records.c.user_id == user_id, personal_records.c.exercise_key.in_(keys)
        )
    )
    fresh = [
        row for key, history in done.items() for row in _record_rows(user_id, key, RecordBook.of(history))
    ]
    if fresh:
        await conn.execute(insert(personal_records), fresh)
