"""Member settings and per-member delivery state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.tables import members

DEFAULT_QUIET_START_MIN = 22 * 60
DEFAULT_QUIET_END_MIN = 8 * 60


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    timezone: str | None = None
    units: str = "kg"
    checkins_enabled: bool = True
    quiet_start_min: int = DEFAULT_QUIET_START_MIN
    quiet_end_min: int = DEFAULT_QUIET_END_MIN
    dm_channel_id: int | None = None
    unreachable_since: datetime | None = None
    last_guild_id: int | None = None


_FIELDS = [f for f in MemberRow.__dataclass_fields__ if f != "user_id"]


def _row(row: Any) -> MemberRow:
    return MemberRow(user_id=row["user_id"], **{k: row[k] for k in _FIELDS})


class MemberRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> MemberRow:
        async with self.db.connect() as conn:
            row = (await conn.execute(select(members).where(members.c.user_id == user_id))).mappings().first()
        return _row(row) if row is not None else MemberRow(user_id=user_id)

    async def get_many(self, user_ids: list[int]) -> dict[int, MemberRow]:
        if not user_ids:
            return {}
        async with self.db.connect() as conn:
            rows = (await conn.execute(select(members).where(members.c.user_id.in_(user_ids)))).mappings()
            found = {r["user_id"]: _row(r) for r in rows}
        return {uid: found.get(uid, MemberRow(user_id=uid)) for uid in user_ids}

    async def update(self, user_id: int, now: datetime, **changes: Any) -> MemberRow:
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise KeyError(f"unknown member settings: {sorted(unknown)}")
        values = {"user_id": user_id, "created_at": now, "updated_at": now, **changes}
        async with self.db.begin() as conn:
            await conn.execute(
                self.db.upsert(members, values, keys=["user_id"], update=["updated_at", *changes])
            )
        return await self.get(user_id)

    async def touch(self, user_id: int, guild_id: int | None, now: datetime) -> bool:
        """Record that the member used a command; returns True if they had been unreachable.

        Using a command proves the member is around again, so a paused member's
        deliveries can resume (SPEC §5). Writes only when something changed, so the
        common case costs one indexed read.
        """
        current = await self.get(user_id)
        was_unreachable = current.unreachable_since is not None
        guild_changed = guild_id is not None and guild_id != current.last_guild_id
        if not (was_unreachable or guild_changed):
            return False
        changes: dict[str, Any] = {"unreachable_since": None}
        if guild_changed:
            changes["last_guild_id"] = guild_id
        await self.update(user_id, now, **changes)
        return was_unreachable

    async def mark_unreachable(self, user_id: int, now: datetime) -> bool:
        """Flag closed DMs; True only for the call that flipped it (so one ping per episode)."""
        await self.update(user_id, now)
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(members)
                .where(members.c.user_id == user_id, members.c.unreachable_since.is_(None))
                .values(unreachable_since=now, updated_at=now)
            )
        return bool(result.rowcount)
