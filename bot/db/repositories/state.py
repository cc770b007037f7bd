"""Key/value facts the bot keeps about itself."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

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

    async def add(self, key: str, value: str) -> bool:
        """Store ``value`` under ``key`` unless the key exists; whether it was stored."""
        try:
            async with self.db.begin() as conn:
                await conn.execute(insert(bot_state).values(key=key, value=value))
        except IntegrityError:
            return False
        return True

    async def with_prefix(self, prefix: str) -> dict[str, str]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(bot_state.c.key, bot_state.c.value)
                .where(bot_state.c.key.startswith(prefix, autoescape=True))
                .order_by(bot_state.c.key)
            )
            return {key: value for key, value in rows}

    async def delete_prefix(self, prefix: str) -> int:
        async with self.db.begin() as conn:
            result = await conn.execute(
                delete(bot_state).where(bot_state.c.key.startswith(prefix, autoescape=True))
            )
        return result.rowcount or 0
