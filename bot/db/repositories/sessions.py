"""Queries on group sessions, their RSVPs, voice spans and attendance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from bot.db.database import Database
from bot.db.tables_sessions import group_sessions, session_attendance, session_rsvps, session_voice_spans

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
ENDED = "ended"


@dataclass(frozen=True)
class SessionRow:
    id: int
    guild_id: int
    creator_id: int
    name: str
    text_channel_id: int
    voice_channel_id: int | None
    location: str | None
    program: str | None
    routine_id: int | None
    routine_name: str | None
    duration_s: int
    zone: str
    weekly: bool
    seq: int
    version: int
    starts_at: datetime
    status: str
    event_id: int | None
    announce_message_id: int | None
    recap_message_id: int | None
    timer_id: int | None
    voice_note: str | None
    created_at: datetime
    updated_at: datetime


_FIELDS = [f.name for f in fields(SessionRow)]


def _row(row: Any) -> SessionRow:
    return SessionRow(**{name: row[name] for name in _FIELDS})


@dataclass(frozen=True)
class Rsvp:
    user_id: int
    going: bool
    source: str


@dataclass(frozen=True)
class SpanRow:
    user_id: int
    joined_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class AttendanceRow:
    user_id: int
    how: str
    voice_s: float | None
    workout_session_id: int | None


class SessionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sessions --------------------------------------------------------------------------------

    async def add(self, values: dict[str, Any], now: datetime) -> SessionRow:
        async with self.db.begin() as conn:
            result = await conn.execute(
                insert(group_sessions).values(
                    **values, seq=1, version=1, status=SCHEDULED, created_at=now, updated_at=now
                )
            )
            pk = result.inserted_primary_key[0]  # type: ignore[index]
            row = (
                (await conn.execute(select(group_sessions).where(group_sessions.c.id == pk))).mappings().one()
            )
        return _row(row)

    async def get(self, session_id: int) -> SessionRow | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(group_sessions).where(group_sessions.c.id == session_id)))
                .mappings()
                .first()
            )
        return _row(row) if row is not None else None

    async def by_event(self, guild_id: int, event_id: int) -> SessionRow | None:
        async with self.db.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(group_sessions).where(
                            group_sessions.c.guild_id == guild_id, group_sessions.c.event_id == event_id
                        )
                    )
                )
                .mappings()
                .first()
            )
        return _row(row) if row is not None else None

    async def upcoming(self, guild_id: int, limit: int = 25) -> list[SessionRow]:
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    select(group_sessions)
                    .where(group_sessions.c.guild_id == guild_id, group_sessions.c.status == SCHEDULED)
                    .order_by(group_sessions.c.starts_at, group_sessions.c.id)
                    .limit(limit)
                )
            ).mappings()
            return [_row(r) for r in rows]

    async def in_voice_channel(self, voice_channel_id: int) -> list[SessionRow]:
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    select(group_sessions).where(
                        group_sessions.c.voice_channel_id == voice_channel_id,
                        group_sessions.c.status == SCHEDULED,
                    )
                )
            ).mappings()
            return [_row(r) for r in rows]

    async def update(
        self, session_id: int, now: datetime, *, only_version: int | None = None, **values: Any
    ) -> bool:
        condition = group_sessions.c.id == session_id
        if only_version is not None:
            condition = and_(condition, group_sessions.c.version == only_version)
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(group_sessions).where(condition).values(**values, updated_at=now)
            )
        return bool(result.rowcount)

    async def delete(self, session_id: int) -> None:
        async with self.db.begin() as conn:
            await conn.execute(group_sessions.delete().where(group_sessions.c.id == session_id))

    # -- RSVPs -----------------------------------------------------------------------------------

    async def rsvp(self, session_id: int, seq: int, user_id: int) -> Rsvp | None:
        async with self.db.connect() as conn:
            row = (
                await conn.execute(
                    select(session_rsvps.c.user_id, session_rsvps.c.going, session_rsvps.c.source).where(
                        session_rsvps.c.session_id == session_id,
                        session_rsvps.c.seq == seq,
                        session_rsvps.c.user_id == user_id,
                    )
                )
            ).first()
        return Rsvp(row[0], bool(row[1]), row[2]) if row is not None else None

    async def set_rsvp(
        self, session_id: int, seq: int, user_id: int, *, going: bool, source: str, now: datetime
    ) -> None:
        values = {
            "session_id": session_id,
            "seq": seq,
            "user_id": user_id,
            "going": going,
            "source": source,
            "updated_at": now,
        }
        async with self.db.begin() as conn:
            await conn.execute(
                self.db.upsert(
                    session_rsvps, values, ["session_id", "seq", "user_id"], ["going", "source", "updated_at"]
                )
            )

    async def rsvps(self, session_id: int, seq: int) -> list[Rsvp]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(session_rsvps.c.user_id, session_rsvps.c.going, session_rsvps.c.source)
                .where(session_rsvps.c.session_id == session_id, session_rsvps.c.seq == seq)
                .order_by(session_rsvps.c.updated_at, session_rsvps.c.user_id)
            )
            return [Rsvp(r[0], bool(r[1]), r[2]) for r in rows]

    async def carry_rsvps(self, session_id: int, from_seq: int, to_seq: int, now: datetime) -> None:
        """A weekly session's next occurrence starts with the answers of the last one."""
        for rsvp in await self.rsvps(session_id, from_seq):
            await self.set_rsvp(
                session_id, to_seq, rsvp.user_id, going=rsvp.going, source=rsvp.source, now=now
            )

    async def going_counts(self, session_ids: Sequence[tuple[int, int]]) -> dict[int, int]:
        if not session_ids:
            return {}
        out: dict[int, int] = {}
        async with self.db.connect() as conn:
            for session_id, seq in session_ids:
                count = (
                    await conn.execute(
                        select(func.count()).where(
                            session_rsvps.c.session_id == session_id,
                            session_rsvps.c.seq == seq,
                            session_rsvps.c.going.is_(True),
                        )
                    )
                ).scalar_one()
                out[session_id] = int(count)
        return out

    # -- voice -----------------------------------------------------------------------------------

    async def open_span(self, session_id: int, seq: int, user_id: int, at: datetime) -> bool:
        """Start a span unless the member already has one open here."""
        async with self.db.begin() as conn:
            existing = (
                await conn.execute(
                    select(session_voice_spans.c.id).where(
                        session_voice_spans.c.session_id == session_id,
                        session_voice_spans.c.seq == seq,
                        session_voice_spans.c.user_id == user_id,
                        session_voice_spans.c.left_at.is_(None),
                    )
                )
            ).first()
            if existing is not None:
                return False
            await conn.execute(
                insert(session_voice_spans).values(
                    session_id=session_id, seq=seq, user_id=user_id, joined_at=at
                )
            )
        return True

    async def close_spans(self, session_id: int, seq: int, user_id: int, at: datetime) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(session_voice_spans)
                .where(
                    session_voice_spans.c.session_id == session_id,
                    session_voice_spans.c.seq == seq,
                    session_voice_spans.c.user_id == user_id,
                    session_voice_spans.c.left_at.is_(None),
                )
                .values(left_at=at)
            )

    async def spans(self, session_id: int, seq: int) -> list[SpanRow]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(
                    session_voice_spans.c.user_id,
                    session_voice_spans.c.joined_at,
                    session_voice_spans.c.left_at,
                ).where(session_voice_spans.c.session_id == session_id, session_voice_spans.c.seq == seq)
            )
            return [SpanRow(r[0], r[1], r[2]) for r in rows]

    # -- attendance ------------------------------------------------------------------------------

    async def add_attendance(
        self, session_id: int, seq: int, user_id: int, *, how: str, voice_s: float | None, now: datetime
    ) -> bool:
        """Record an attendee; False when they were already counted (nothing changes then)."""
        values = {
            "session_id": session_id,
            "seq": seq,
            "user_id": user_id,
            "how": how,
            "voice_s": voice_s,
            "created_at": now,
        }
        async with self.db.begin() as conn:
            result = await conn.execute(
                self.db.insert_ignore(session_attendance, values, ["session_id", "seq", "user_id"])
            )
        return bool(result.rowcount)

    async def set_workout(self, session_id: int, seq: int, user_id: int, workout_session_id: int) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(session_attendance)
                .where(
                    session_attendance.c.session_id == session_id,
                    session_attendance.c.seq == seq,
                    session_attendance.c.user_id == user_id,
                )
                .values(workout_session_id=workout_session_id)
            )

    async def attendance(self, session_id: int, seq: int) -> list[AttendanceRow]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(
                    session_attendance.c.user_id,
                    session_attendance.c.how,
                    session_attendance.c.voice_s,
                    session_attendance.c.workout_session_id,
                )
                .where(session_attendance.c.session_id == session_id, session_attendance.c.seq == seq)
                .order_by(session_attendance.c.created_at, session_attendance.c.user_id)
            )
            return [AttendanceRow(r[0], r[1], r[2], r[3]) for r in rows]
