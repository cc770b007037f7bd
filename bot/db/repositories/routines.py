"""Queries on routines and their likes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from bot.db.database import Database
from bot.db.tables_routines import routine_likes, routines

BrowseSort = Literal["new", "top"]


@dataclass(frozen=True)
class RoutineRow:
    id: int
    owner_id: int
    name: str
    notation: str
    exercise_count: int
    notes: str | None
    tags: tuple[str, ...]
    source_routine_id: int | None
    guild_id: int | None
    channel_id: int | None
    message_id: int | None
    shared_at: datetime | None
    created_at: datetime
    updated_at: datetime
    like_count: int = 0


@dataclass(frozen=True)
class NewRoutine:
    owner_id: int
    name: str
    name_key: str
    notation: str
    exercise_count: int
    notes: str | None = None
    tags: tuple[str, ...] = ()
    source_routine_id: int | None = None


_LIKES = (
    select(func.count())
    .select_from(routine_likes)
    .where(routine_likes.c.routine_id == routines.c.id)
    .correlate(routines)
    .scalar_subquery()
    .label("like_count")
)


def _select() -> Select[Any]:
    return select(routines, _LIKES)


def _row(row: Any) -> RoutineRow:
    return RoutineRow(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        notation=row["notation"],
        exercise_count=row["exercise_count"],
        notes=row["notes"],
        tags=tuple(t for t in (row["tags"] or "").split(",") if t),
        source_routine_id=row["source_routine_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        shared_at=row["shared_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        like_count=row["like_count"] or 0,
    )


class RoutineRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ---------------------------------------------------------------------------------

    async def _one(self, query: Select[Any]) -> RoutineRow | None:
        async with self.db.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _row(row) if row is not None else None

    async def _page(self, query: Select[Any], offset: int, limit: int) -> tuple[list[RoutineRow], int]:
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        async with self.db.connect() as conn:
            total = (await conn.execute(counted)).scalar_one()
            rows = (await conn.execute(query.offset(offset).limit(limit))).mappings().all()
        return [_row(r) for r in rows], total

    async def get(self, routine_id: int) -> RoutineRow | None:
        return await self._one(_select().where(routines.c.id == routine_id))

    async def get_by_name(self, owner_id: int, name_key: str) -> RoutineRow | None:
        return await self._one(
            _select().where(routines.c.owner_id == owner_id, routines.c.name_key == name_key)
        )

    async def copy_of(self, owner_id: int, source_routine_id: int) -> RoutineRow | None:
        """The member's saved copy of a routine, if they saved one."""
        return await self._one(
            _select()
            .where(routines.c.owner_id == owner_id, routines.c.source_routine_id == source_routine_id)
            .order_by(routines.c.id)
        )

    async def name_keys(self, owner_id: int) -> set[str]:
        async with self.db.connect() as conn:
            rows = await conn.execute(select(routines.c.name_key).where(routines.c.owner_id == owner_id))
            return {r[0] for r in rows}

    async def names(self, owner_id: int, containing: str = "", limit: int = 25) -> list[str]:
        """Names for an autocomplete box: prefix matches first, then the rest, alphabetical."""
        key = containing.casefold().strip()
        query = select(routines.c.name).where(routines.c.owner_id == owner_id)
        if key:
            starts = routines.c.name_key.startswith(key, autoescape=True)
            query = query.where(routines.c.name_key.contains(key, autoescape=True)).order_by(starts.desc())
        query = query.order_by(routines.c.name_key).limit(limit)
        async with self.db.connect() as conn:
            return [r[0] for r in await conn.execute(query)]

    async def list_owned(
        self, owner_id: int, *, offset: int, limit: int, shared_in: int | None = None
    ) -> tuple[list[RoutineRow], int]:
        """A member's library by name; with ``shared_in``, only what they shared in that server."""
        query = _select().where(routines.c.owner_id == owner_id)
        if shared_in is not None:
            query = query.where(routines.c.guild_id == shared_in, routines.c.message_id.is_not(None))
        return await self._page(query.order_by(routines.c.name_key, routines.c.id), offset, limit)

    async def browse(
        self, guild_id: int, *, tag: str | None, sort: BrowseSort, offset: int, limit: int
    ) -> tuple[list[RoutineRow], int]:
        """Routines shared in a server, newest or most liked first."""
        query = _select().where(routines.c.guild_id == guild_id, routines.c.message_id.is_not(None))
        if tag:
            # Tags hold only letters, marks, digits and hyphens (see services.routines.valid_tag),
            # so they carry no LIKE wildcards and no comma.
            query = query.where((literal(",") + routines.c.tags + literal(",")).contains(f",{tag},"))
        if sort == "top":
            query = query.order_by(_LIKES.desc(), routines.c.shared_at.desc(), routines.c.id.desc())
        else:
            query = query.order_by(routines.c.shared_at.desc(), routines.c.id.desc())
        return await self._page(query, offset, limit)

    # -- writing ---------------------------------------------------------------------------------

    async def add(self, new: NewRoutine, now: datetime) -> RoutineRow | None:
        """Insert a routine; ``None`` when the owner already has one with that name."""
        values = {
            "owner_id": new.owner_id,
            "name": new.name,
            "name_key": new.name_key,
            "notation": new.notation,
            "exercise_count": new.exercise_count,
            "notes": new.notes,
            "tags": ",".join(new.tags),
            "source_routine_id": new.source_routine_id,
            "created_at": now,
            "updated_at": now,
        }
        try:
            async with self.db.begin() as conn:
                result = await conn.execute(insert(routines).values(**values))
                routine_id = result.inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            return None
        return await self.get(routine_id)

    async def set_shared(
        self, routine_id: int, *, guild_id: int, channel_id: int, message_id: int, now: datetime
    ) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(routines)
                .where(routines.c.id == routine_id)
                .values(guild_id=guild_id, channel_id=channel_id, message_id=message_id, shared_at=now)
            )

    async def clear_shared(self, routine_id: int) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(routines)
                .where(routines.c.id == routine_id)
                .values(guild_id=None, channel_id=None, message_id=None, shared_at=None)
            )

    async def rewrite(
        self,
        routine_id: int,
        owner_id: int,
        *,
        notation: str,
        exercise_count: int,
        notes: str | None,
        now: datetime,
    ) -> bool:
        """Replace a routine's exercises and notes (a program's next session); False when it is gone."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(routines)
                .where(routines.c.id == routine_id, routines.c.owner_id == owner_id)
                .values(notation=notation, exercise_count=exercise_count, notes=notes, updated_at=now)
            )
        return bool(result.rowcount)

    async def delete(self, routine_id: int, owner_id: int) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(
                delete(routines).where(routines.c.id == routine_id, routines.c.owner_id == owner_id)
            )
        return bool(result.rowcount)

    # -- likes -----------------------------------------------------------------------------------

    async def like(self, routine_id: int, user_id: int, now: datetime) -> bool:
        """Record a like; False when this member already liked the routine."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                self.db.insert_ignore(
                    routine_likes,
                    {"routine_id": routine_id, "user_id": user_id, "created_at": now},
                    keys=["routine_id", "user_id"],
                )
            )
        return bool(result.rowcount)

    async def unlike(self, routine_id: int, user_id: int) -> bool:
        """Take a member's like back; False when they had not liked the routine."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                delete(routine_likes).where(
                    routine_likes.c.routine_id == routine_id, routine_likes.c.user_id == user_id
                )
            )
        return bool(result.rowcount)

    async def like_count(self, routine_id: int) -> int:
        async with self.db.connect() as conn:
            return (
                await conn.execute(
                    select(func.count())
                    .select_from(routine_likes)
                    .where(routine_likes.c.routine_id == routine_id)
                )
            ).scalar_one()

    async def liked_by(self, routine_id: int, user_ids: Sequence[int]) -> set[int]:
        if not user_ids:
            return set()
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(routine_likes.c.user_id).where(
                    routine_likes.c.routine_id == routine_id, routine_likes.c.user_id.in_(list(user_ids))
                )
            )
            return {r[0] for r in rows}
