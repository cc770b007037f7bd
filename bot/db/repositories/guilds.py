"""Server configuration rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.db.database import Database
from bot.db.tables import guilds


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    routines_channel_id: int | None = None
    challenges_channel_id: int | None = None
    checkins_channel_id: int | None = None
    coach_role_id: int | None = None
    clinician_text: str | None = None
    clinician_url: str | None = None
    emergency_number: str | None = None


_FIELDS = [c.name for c in guilds.columns if c.name not in {"guild_id", "updated_at"}]


class GuildRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildConfig:
        async with self.db.connect() as conn:
            row = (await conn.execute(select(guilds).where(guilds.c.guild_id == guild_id))).mappings().first()
        if row is None:
            return GuildConfig(guild_id=guild_id)
        return GuildConfig(guild_id=guild_id, **{k: row[k] for k in _FIELDS})

    async def update(self, guild_id: int, now: datetime, **changes: Any) -> GuildConfig:
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise KeyError(f"unknown guild settings: {sorted(unknown)}")
        values = {"guild_id": guild_id, "updated_at": now, **changes}
        async with self.db.begin() as conn:
            await conn.execute(self.db.upsert(guilds, values, keys=["guild_id"]))
        return await self.get(guild_id)
