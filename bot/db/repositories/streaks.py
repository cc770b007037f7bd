"""Queries for streaks, recaps, digests and milestone roles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.database import Database
from bot.db.tables_checkins import soreness_ratings
from bot.db.tables_plans import plan_entries
from bot.db.tables_routines import workout_sessions
from bot.db.tables_streaks import (
    guild_recaps,
    milestone_grants,
    milestones,
    plan_history,
    streak_prefs,
    streak_targets,
    workout_days,
)


@dataclass(frozen=True)
class StreakPrefs:
    user_id: int
    recap_mentions: bool = True
    digest: bool = False
    digest_guild_id: int | None = None
    weekly_current: int = 0
    weekly_best: int = 0


@dataclass(frozen=True)
class StreakInputs:
    days: dict[date, int]
    unrecorded: list[datetime]
    targets: list[tuple[date, int]]
    planned: frozenset[int]
    plan_history: list[tuple[date, frozenset[int]]]


@dataclass(frozen=True)
class RecapConfig:
    guild_id: int
    timezone: str | None = None
    channel_id: int | None = None
    weekday: int | None = None
    minute: int | None = None
    next_key: str | None = None

    @property
    def scheduled(self) -> bool:
        return self.channel_id is not None and self.weekday is not None and self.minute is not None


@dataclass(frozen=True)
class MemberWeek:
    """One member's sessions in a server over a span: count, volume, records."""

    user_id: int
    sessions: int
    volume_kg: float
    records: int


@dataclass(frozen=True)
class Milestone:
    id: int
    guild_id: int
    kind: str
    threshold: int
    role_id: int
    problem: str | None
    problem_at: datetime | None
    granted: int = 0


def _prefs(row: Any) -> StreakPrefs:
    return StreakPrefs(
        user_id=row["user_id"],
        recap_mentions=bool(row["recap_mentions"]),
        digest=bool(row["digest"]),
        digest_guild_id=row["digest_guild_id"],
        weekly_current=int(row["weekly_current"]),
        weekly_best=int(row["weekly_best"]),
    )


class StreakRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- local days ------------------------------------------------------------------------------

    async def record_day(
        self, session_id: int, user_id: int, guild_id: int | None, local_date: date, records: int
    ) -> None:
        async with self.db.begin() as conn:
            exists = await conn.scalar(
                select(workout_days.c.session_id).where(workout_days.c.session_id == session_id)
            )
            if exists is None:
                await conn.execute(
                    insert(workout_days).values(
                        session_id=session_id,
                        user_id=user_id,
                        guild_id=guild_id,
                        local_date=local_date,
                        records=records,
                    )
                )

    async def days(self, user_id: int) -> tuple[dict[date, int], list[datetime]]:
        """Sessions per recorded local day, and the instants of sessions with no recorded day.

        Sessions logged before local days were recorded have none; the caller places them.
        """
        async with self.db.connect() as conn:
            return await self._days(conn, user_id)

    async def streak_inputs(self, user_id: int) -> StreakInputs:
        """Everything a streak is computed from, in one visit to the database: the days (as
        :meth:`days`), the weekly targets, the weekdays of the member's plan and its history."""
        async with self.db.connect() as conn:
            counts, unrecorded = await self._days(conn, user_id)
            targets = await self._targets(conn, user_id)
            planned = await conn.execute(
                select(plan_entries.c.weekday).where(plan_entries.c.user_id == user_id)
            )
            weekdays = frozenset(int(w) for (w,) in planned)
            history = await conn.execute(
                select(plan_history.c.from_date, plan_history.c.weekdays)
                .where(plan_history.c.user_id == user_id)
                .order_by(plan_history.c.from_date)
            )
            plans = [(_as_date(day), _weekdays(bits)) for day, bits in history]
        return StreakInputs(counts, unrecorded, targets, weekdays, plans)

    async def record_plan(
        self, user_id: int, before: frozenset[int], after: frozenset[int], day: date, now: datetime
    ) -> None:
        """The plan changed on local day ``day``; the first change also keeps the plan before it."""
        async with self.db.begin() as conn:
            known = await conn.scalar(
                select(func.count()).select_from(plan_history).where(plan_history.c.user_id == user_id)
            )
            if not known:
                await conn.execute(
                    insert(plan_history).values(
                        user_id=user_id, from_date=PLAN_EPOCH, weekdays=_bits(before), updated_at=now
                    )
                )
            changed = await conn.execute(
                update(plan_history)
                .where(plan_history.c.user_id == user_id, plan_history.c.from_date == day)
                .values(weekdays=_bits(after), updated_at=now)
            )
            if not changed.rowcount:
                await conn.execute(
                    insert(plan_history).values(
                        user_id=user_id, from_date=day, weekdays=_bits(after), updated_at=now
                    )
                )

    async def _days(self, conn: AsyncConnection, user_id: int) -> tuple[dict[date, int], list[datetime]]:
        counts: dict[date, int] = defaultdict(int)
        rows = await conn.execute(
            select(workout_days.c.local_date, func.count())
            .where(workout_days.c.user_id == user_id)
            .group_by(workout_days.c.local_date)
        )
        for day, count in rows:
            counts[_as_date(day)] += int(count)
        unrecorded = await conn.execute(
            select(workout_sessions.c.performed_at)
            .select_from(
                workout_sessions.outerjoin(workout_days, workout_days.c.session_id == workout_sessions.c.id)
            )
            .where(workout_sessions.c.user_id == user_id, workout_days.c.session_id.is_(None))
        )
        instants = [row[0] for row in unrecorded]
        return dict(counts), instants

    # -- targets and preferences -----------------------------------------------------------------

    async def targets(self, user_id: int) -> list[tuple[date, int]]:
        async with self.db.connect() as conn:
            return await self._targets(conn, user_id)

    async def _targets(self, conn: AsyncConnection, user_id: int) -> list[tuple[date, int]]:
        rows = await conn.execute(
            select(streak_targets.c.week_start, streak_targets.c.target)
            .where(streak_targets.c.user_id == user_id)
            .order_by(streak_targets.c.week_start)
        )
        return [(_as_date(week), int(target)) for week, target in rows]

    async def set_target(self, user_id: int, week: date, target: int, now: datetime) -> None:
        async with self.db.begin() as conn:
            changed = await conn.execute(
                update(streak_targets)
                .where(streak_targets.c.user_id == user_id, streak_targets.c.week_start == week)
                .values(target=target, updated_at=now)
            )
            if not changed.rowcount:
                await conn.execute(
                    insert(streak_targets).values(
                        user_id=user_id, week_start=week, target=target, updated_at=now
                    )
                )

    async def prefs(self, user_id: int) -> StreakPrefs:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(streak_prefs).where(streak_prefs.c.user_id == user_id)))
                .mappings()
                .first()
            )
        return _prefs(row) if row is not None else StreakPrefs(user_id)

    async def prefs_many(self, user_ids: Iterable[int]) -> dict[int, StreakPrefs]:
        ids = sorted(set(user_ids))
        found: dict[int, StreakPrefs] = {}
        async with self.db.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = await conn.execute(
                    select(streak_prefs).where(streak_prefs.c.user_id.in_(ids[start : start + 500]))
                )
                for row in rows.mappings():
                    found[row["user_id"]] = _prefs(row)
        return found

    async def update_prefs(self, user_id: int, now: datetime, **values: Any) -> StreakPrefs:
        async with self.db.begin() as conn:
            changed = await conn.execute(
                update(streak_prefs).where(streak_prefs.c.user_id == user_id).values(updated_at=now, **values)
            )
            if not changed.rowcount:
                await conn.execute(insert(streak_prefs).values(user_id=user_id, updated_at=now, **values))
            row = (
                (await conn.execute(select(streak_prefs).where(streak_prefs.c.user_id == user_id)))
                .mappings()
                .one()
            )
        return _prefs(row)

    async def digest_members(self) -> list[StreakPrefs]:
        async with self.db.connect() as conn:
            rows = await conn.execute(select(streak_prefs).where(streak_prefs.c.digest.is_(True)))
            return [_prefs(r) for r in rows.mappings()]

    # -- a server's week -------------------------------------------------------------------------

    async def server_week(self, guild_id: int, first: date, last: date) -> list[MemberWeek]:
        """Per member: sessions logged in the server on local days ``first`` to ``last``."""
        query = (
            select(
                workout_days.c.user_id,
                func.count(),
                func.sum(workout_sessions.c.volume_kg),
                func.sum(workout_days.c.records),
            )
            .select_from(
                workout_days.join(workout_sessions, workout_sessions.c.id == workout_days.c.session_id)
            )
            .where(
                workout_days.c.guild_id == guild_id,
                workout_days.c.local_date >= first,
                workout_days.c.local_date <= last,
            )
            .group_by(workout_days.c.user_id)
        )
        async with self.db.connect() as conn:
            return [
                MemberWeek(int(u), int(n), float(v or 0.0), int(r or 0))
                for u, n, v, r in await conn.execute(query)
            ]

    async def member_days(self, user_id: int, first: date, last: date) -> MemberWeek:
        """The member's sessions (anywhere) on local days ``first`` to ``last``."""
        query = (
            select(func.count(), func.sum(workout_sessions.c.volume_kg), func.sum(workout_days.c.records))
            .select_from(
                workout_days.join(workout_sessions, workout_sessions.c.id == workout_days.c.session_id)
            )
            .where(
                workout_days.c.user_id == user_id,
                workout_days.c.local_date >= first,
                workout_days.c.local_date <= last,
            )
        )
        async with self.db.connect() as conn:
            n, v, r = (await conn.execute(query)).one()
        return MemberWeek(user_id, int(n or 0), float(v or 0.0), int(r or 0))

    async def soreness_levels(self, user_id: int, start: datetime, end: datetime) -> list[int]:
        """The member's soreness ratings with ``start <= rated_at < end``, oldest first."""
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(soreness_ratings.c.level)
                .where(
                    soreness_ratings.c.user_id == user_id,
                    soreness_ratings.c.rated_at >= start,
                    soreness_ratings.c.rated_at < end,
                )
                .order_by(soreness_ratings.c.rated_at)
            )
            return [int(level) for (level,) in rows]

    async def session_count(self, user_id: int, guild_id: int | None = None) -> int:
        query = (
            select(func.count()).select_from(workout_sessions).where(workout_sessions.c.user_id == user_id)
        )
        if guild_id is not None:
            query = query.where(workout_sessions.c.guild_id == guild_id)
        async with self.db.connect() as conn:
            return int(await conn.scalar(query) or 0)

    # -- recaps ----------------------------------------------------------------------------------

    async def recap(self, guild_id: int) -> RecapConfig:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(guild_recaps).where(guild_recaps.c.guild_id == guild_id)))
                .mappings()
                .first()
            )
        if row is None:
            return RecapConfig(guild_id)
        return _recap(row)

    async def update_recap(self, guild_id: int, now: datetime, **values: Any) -> RecapConfig:
        async with self.db.begin() as conn:
            changed = await conn.execute(
                update(guild_recaps)
                .where(guild_recaps.c.guild_id == guild_id)
                .values(updated_at=now, **values)
            )
            if not changed.rowcount:
                await conn.execute(insert(guild_recaps).values(guild_id=guild_id, updated_at=now, **values))
        return await self.recap(guild_id)

    async def scheduled_recaps(self) -> list[RecapConfig]:
        async with self.db.connect() as conn:
            rows = await conn.execute(select(guild_recaps).where(guild_recaps.c.channel_id.is_not(None)))
            return [_recap(r) for r in rows.mappings()]

    # -- milestones ------------------------------------------------------------------------------

    async def milestones(self, guild_id: int) -> list[Milestone]:
        granted = (
            select(func.count())
            .select_from(milestone_grants)
            .where(
                milestone_grants.c.milestone_id == milestones.c.id, milestone_grants.c.outcome == "granted"
            )
            .scalar_subquery()
        )
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(milestones, granted.label("granted"))
                .where(milestones.c.guild_id == guild_id)
                .order_by(milestones.c.kind, milestones.c.threshold)
            )
            return [_milestone(r) for r in rows.mappings()]

    async def get_milestone(self, milestone_id: int) -> Milestone | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(milestones).where(milestones.c.id == milestone_id)))
                .mappings()
                .first()
            )
        return _milestone(row) if row is not None else None

    async def set_milestone(
        self, guild_id: int, kind: str, threshold: int, role_id: int, now: datetime
    ) -> Milestone:
        async with self.db.begin() as conn:
            changed = await conn.execute(
                update(milestones)
                .where(
                    milestones.c.guild_id == guild_id,
                    milestones.c.kind == kind,
                    milestones.c.threshold == threshold,
                )
                .values(role_id=role_id, problem=None, problem_at=None)
            )
            if not changed.rowcount:
                await conn.execute(
                    insert(milestones).values(
                        guild_id=guild_id, kind=kind, threshold=threshold, role_id=role_id, created_at=now
                    )
                )
            row = (
                (
                    await conn.execute(
                        select(milestones).where(
                            milestones.c.guild_id == guild_id,
                            milestones.c.kind == kind,
                            milestones.c.threshold == threshold,
                        )
                    )
                )
                .mappings()
                .one()
            )
        return _milestone(row)

    async def record_problem(self, milestone_id: int, problem: str, now: datetime) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(milestones)
                .where(milestones.c.id == milestone_id)
                .values(problem=problem, problem_at=now)
            )

    async def claim_grant(self, milestone_id: int, user_id: int, guild_id: int, now: datetime) -> bool:
        """Record that the member reached the milestone; False when it was reached before.

        A grant skipped while the milestone had a problem may be claimed again once an admin
        has set the milestone anew; any other outcome (granted, refused, left) is final.
        """
        member = and_(milestone_grants.c.milestone_id == milestone_id, milestone_grants.c.user_id == user_id)
        async with self.db.begin() as conn:
            outcome = await conn.scalar(select(milestone_grants.c.outcome).where(member))
            if outcome == "skipped":
                await conn.execute(
                    update(milestone_grants).where(member).values(outcome="pending", reached_at=now)
                )
                return True
            if outcome is not None:
                return False
            await conn.execute(
                insert(milestone_grants).values(
                    milestone_id=milestone_id, user_id=user_id, guild_id=guild_id, reached_at=now
                )
            )
        return True

    async def set_grant_outcome(self, milestone_id: int, user_id: int, outcome: str) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                update(milestone_grants)
                .where(
                    and_(
                        milestone_grants.c.milestone_id == milestone_id, milestone_grants.c.user_id == user_id
                    )
                )
                .values(outcome=outcome)
            )


def _recap(row: Any) -> RecapConfig:
    return RecapConfig(
        row["guild_id"], row["timezone"], row["channel_id"], row["weekday"], row["minute"], row["next_key"]
    )


def _milestone(row: Any) -> Milestone:
    return Milestone(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        threshold=row["threshold"],
        role_id=row["role_id"],
        problem=row["problem"],
        problem_at=row["problem_at"],
        granted=int(row.get("granted") or 0) if hasattr(row, "get") else 0,
    )


#: The first plan a member is known to have had is in force from the start of their log.
PLAN_EPOCH = date(2000, 1, 1)


def _bits(weekdays: frozenset[int]) -> int:
    return sum(1 << d for d in weekdays)


def _weekdays(bits: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if bits >> d & 1)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
