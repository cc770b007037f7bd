"""The shared pacer's one row per bot token."""

from __future__ import annotations

from sqlalchemy import case, update

from bot.db.database import Database
from bot.db.tables import pacer_state


class PacerRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure(self, name: str) -> None:
        async with self.db.begin() as conn:
            await conn.execute(self.db.insert_ignore(pacer_state, {"name": name, "tat": 0.0}, ["name"]))

    async def reserve(self, name: str, now: float, step: float) -> float:
        """Atomically move the arrival time on by ``step`` (from ``now`` if it lies in the past).

        Returns the new arrival time; the row lock makes concurrent reservations from any
        number of processes take consecutive slots.
        """
        stmt = (
            update(pacer_state)
            .where(pacer_state.c.name == name)
            .values(tat=case((pacer_state.c.tat <= now, now + step), else_=pacer_state.c.tat + step))
            .returning(pacer_state.c.tat)
        )
        async with self.db.begin() as conn:
            return float((await conn.execute(stmt)).scalar_one())
