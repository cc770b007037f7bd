"""Key/value facts the bot keeps about itself."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.database import Database
from bot.db.tables import bot_state


class StateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        async with self.db.connect() as conn:
            return (await conn.execute(select(bot_state.c.value).where(bot_state.c.key == key))).scalar()

    async def set(self, key: str, value: str) -> None:
        async with self.db.begin() as conn:
            await conn.execute(self.db.upsert(bot_state, {"key": key, "value": value}, keys=["key"]))
