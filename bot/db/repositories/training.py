"""Queries for progression hints (recent sets per exercise, the setting) and running programs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from bot.db.database import Database
from bot.db.tables_programs import program_runs, training_settings
from bot.db.tables_routines import workout_sessions, workout_sets

#: How many sessions back a hint looks: the latest, and the one before for "missed twice".
OUTINGS_BACK = 2


@dataclass(frozen=True)
class PastSet:
    reps: int | None
    load_kind: str | None
    weight_kg: float | None


@dataclass(frozen=True)
class PastOuting:
    """One session's sets of one exercise."""

    session_id: int
    performed_at: datetime
    rpe: int | None
    sets: tuple[PastSet, ...]


@dataclass(frozen=True)
class ProgramRow:
    user_id: int
    template: str
    units: str
    maxes: dict[str, float]
    state: dict[str, Any]
    routine_ids: list[int]
    position: int
    started_at: datetime
    updated_at: datetime


def _program(row: Any) -> ProgramRow:
    return ProgramRow(
        user_id=row["user_id"],
        template=row["template"],
        units=row["units"],
        maxes={k: float(v) for k, v in json.loads(row["maxes"] or "{}").items()},
        state=json.loads(row["state"] or "{}"),
        routine_ids=[int(i) for i in json.loads(row["routine_ids"] or "[]")],
        position=row["position"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
    )


class TrainingRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the setting -----------------------------------------------------------------------------

    async def hints_enabled(self, user_id: int) -> bool:
        query = select(training_settings.c.progression_hints).where(training_settings.c.user_id == user_id)
        async with self.db.connect() as conn:
            value = (await conn.execute(query)).scalar_one_or_none()
        return True if value is None else bool(value)

    async def set_hints(self, user_id: int, enabled: bool, now: datetime) -> None:
        values = {"user_id": user_id, "progression_hints": enabled, "updated_at": now}
        async with self.db.begin() as conn:
            await conn.execute(self.db.upsert(training_settings, values, keys=["user_id"]))

    # -- recent work -----------------------------------------------------------------------------

    async def session_routine(self, session_id: int) -> int | None:
        query = select(workout_sessions.c.routine_id).where(workout_sessions.c.id == session_id)
        async with self.db.connect() as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    async def recent_outings(self, user_id: int, keys: Iterable[str]) -> dict[str, list[PastOuting]]:
        """The last sessions with each exercise, oldest first (at most ``OUTINGS_BACK`` each).

        The member's sessions are walked newest first along (user_id, performed_at) until
        enough hold the exercise, so the cost follows how recently it was trained rather
        than how long the history is.
        """
        found: dict[str, list[PastOuting]] = {}
        async with self.db.connect() as conn:
            for key in dict.fromkeys(keys):
                holds_it = (
                    select(workout_sets.c.id)
                    .where(
                        workout_sets.c.session_id == workout_sessions.c.id, workout_sets.c.exercise_key == key
                    )
                    .exists()
                )
                latest = (
                    select(workout_sessions.c.id, workout_sessions.c.performed_at, workout_sessions.c.rpe)
                    .where(workout_sessions.c.user_id == user_id, holds_it)
                    .order_by(workout_sessions.c.performed_at.desc(), workout_sessions.c.id.desc())
                    .limit(OUTINGS_BACK)
                )
                sessions = (await conn.execute(latest)).all()
                if not sessions:
                    found[key] = []
                    continue
                rows = await conn.execute(
                    select(
                        workout_sets.c.session_id,
                        workout_sets.c.reps,
                        workout_sets.c.load_kind,
                        workout_sets.c.weight_kg,
                    )
                    .where(
                        workout_sets.c.session_id.in_([s.id for s in sessions]),
                        workout_sets.c.exercise_key == key,
                    )
                    .order_by(workout_sets.c.session_id, workout_sets.c.set_no)
                )
                sets: dict[int, list[PastSet]] = {s.id: [] for s in sessions}
                for row in rows:
                    sets[row.session_id].append(PastSet(row.reps, row.load_kind, row.weight_kg))
                found[key] = [
                    PastOuting(s.id, s.performed_at, s.rpe, tuple(sets[s.id])) for s in reversed(sessions)
                ]
        return found

    # -- programs --------------------------------------------------------------------------------

    async def program(self, user_id: int) -> ProgramRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(program_runs).where(program_runs.c.user_id == user_id)))
                .mappings()
                .first()
            )
        return _program(row) if row is not None else None

    async def save_program(self, run: ProgramRow) -> None:
        values = {
            "user_id": run.user_id,
            "template": run.template,
            "units": run.units,
            "maxes": json.dumps(run.maxes, sort_keys=True),
            "state": json.dumps(run.state, sort_keys=True),
            "routine_ids": json.dumps(run.routine_ids),
            "position": run.position,
            "started_at": run.started_at,
            "updated_at": run.updated_at,
        }
        async with self.db.begin() as conn:
            await conn.execute(self.db.upsert(program_runs, values, keys=["user_id"]))

    async def advance_program(self, user_id: int, expected: int, values: dict[str, Any]) -> bool:
        """Move the program on from ``expected`` (False when another log moved it first)."""
        encoded = {
            k: json.dumps(v, sort_keys=True) if k in ("maxes", "state") else v for k, v in values.items()
        }
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(program_runs)
                .where(program_runs.c.user_id == user_id, program_runs.c.position == expected)
                .values(**encoded)
            )
        return bool(result.rowcount)

    async def delete_program(self, user_id: int) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(delete(program_runs).where(program_runs.c.user_id == user_id))
        return bool(result.rowcount)
