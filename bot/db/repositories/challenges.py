"""Queries on challenges, their participants, logged results and leaderboards.

Standings are kept by the database: recording an entry and recomputing the member's
score (MAX, MIN or SUM of their entries) is one transaction, and the leaderboard ranks
by ``sort_key`` (lower is better for every scoring) with RANK(), so ties share a place
the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select

from bot.db.database import Database
from bot.db.tables_challenges import challenge_entries, challenge_participants, challenges
from bot.db.tables_standings import challenge_scores, challenge_tallies
from bot.db.tables_streaks import challenge_week_targets

#: How a member's entries become their score: best-highest, best-lowest (times) or a total.
Aggregate = Literal["max", "min", "sum"]
#: Which challenges a name lookup considers, relative to now.
Scope = Literal["any", "open", "running", "upcoming"]

_participants = challenge_participants
_entries = challenge_entries


@dataclass(frozen=True)
class NewChallenge:
    guild_id: int
    name: str
    name_key: str
    program: str
    program_kind: str
    scoring: str
    creator_id: int
    channel_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ChallengeRow:
    id: int
    guild_id: int
    name: str
    program: str
    program_kind: str
    scoring: str
    creator_id: int
    channel_id: int
    starts_at: datetime
    ends_at: datetime
    ended_early: bool
    announce_message_id: int | None
    results_message_id: int | None
    created_at: datetime
    participant_count: int = 0


@dataclass(frozen=True)
class ParticipantRow:
    challenge_id: int
    user_id: int
    joined_at: datetime
    score: int | None
    score_at: datetime | None
    entry_count: int


@dataclass(frozen=True)
class Standing:
    """A member's place: ``rank`` is shared by ties (1, 2, 2, 4)."""

    rank: int
    user_id: int
    score: int
    entry_count: int


@dataclass(frozen=True)
class Board:
    """The top of a leaderboard, one member's own place, and how many take part."""

    top: tuple[Standing, ...]
    me: Standing | None
    ranked: int
    participants: int


_COUNT = (
    select(func.coalesce(func.max(challenge_tallies.c.participants), 0))
    .where(challenge_tallies.c.challenge_id == challenges.c.id)
    .correlate(challenges)
    .scalar_subquery()
    .label("participant_count")
)


def _select() -> Select[Any]:
    return select(challenges, _COUNT)


def _challenge(row: Any) -> ChallengeRow:
    return ChallengeRow(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        program=row["program"],
        program_kind=row["program_kind"],
        scoring=row["scoring"],
        creator_id=row["creator_id"],
        channel_id=row["channel_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        ended_early=bool(row["ended_early"]),
        announce_message_id=row["announce_message_id"],
        results_message_id=row["results_message_id"],
        created_at=row["created_at"],
        participant_count=row["participant_count"] or 0,
    )


def _participant(row: Any) -> ParticipantRow:
    return ParticipantRow(
        challenge_id=row["challenge_id"],
        user_id=row["user_id"],
        joined_at=row["joined_at"],
        score=row["score"],
        score_at=row["score_at"],
        entry_count=row["entry_count"],
    )


def _in_scope(scope: Scope, now: datetime) -> ColumnElement[bool] | None:
    if scope == "open":
        return challenges.c.ends_at > now
    if scope == "running":
        return and_(challenges.c.starts_at <= now, challenges.c.ends_at > now)
    if scope == "upcoming":
        return challenges.c.starts_at > now
    return None


class ChallengeRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- challenges ------------------------------------------------------------------------------

    async def add(self, new: NewChallenge, now: datetime) -> ChallengeRow | None:
        """Insert a challenge; ``None`` when the server already has one with that name."""
        values = {
            "guild_id": new.guild_id,
            "name": new.name,
            "name_key": new.name_key,
            "program": new.program,
            "program_kind": new.program_kind,
            "scoring": new.scoring,
            "creator_id": new.creator_id,
            "channel_id": new.channel_id,
            "starts_at": new.starts_at,
            "ends_at": new.ends_at,
            "ended_early": False,
            "created_at": now,
            "updated_at": now,
        }
        try:
            async with self.db.begin() as conn:
                result = await conn.execute(insert(challenges).values(**values))
                challenge_id = result.inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            return None
        return await self.get(challenge_id)

    async def _one(self, query: Select[Any]) -> ChallengeRow | None:
        async with self.db.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _challenge(row) if row is not None else None

    async def get(self, challenge_id: int) -> ChallengeRow | None:
        return await self._one(_select().where(challenges.c.id == challenge_id))

    async def get_by_name(self, guild_id: int, name_key: str) -> ChallengeRow | None:
        return await self._one(
            _select().where(challenges.c.guild_id == guild_id, challenges.c.name_key == name_key)
        )

    async def count_open(self, guild_id: int, now: datetime) -> int:
        async with self.db.connect() as conn:
            return (
                await conn.execute(
                    select(func.count())
                    .select_from(challenges)
                    .where(challenges.c.guild_id == guild_id, challenges.c.ends_at > now)
                )
            ).scalar_one()

    async def for_guild(self, guild_id: int, now: datetime, *, ended_limit: int) -> list[ChallengeRow]:
        """Open challenges (soonest first), then the most recently ended ones."""
        open_query = (
            _select()
            .where(challenges.c.guild_id == guild_id, challenges.c.ends_at > now)
            .order_by(challenges.c.starts_at, challenges.c.id)
        )
        ended_query = (
            _select()
            .where(challenges.c.guild_id == guild_id, challenges.c.ends_at <= now)
            .order_by(challenges.c.ends_at.desc(), challenges.c.id.desc())
            .limit(ended_limit)
        )
        async with self.db.connect() as conn:
            opened = (await conn.execute(open_query)).mappings().all()
            ended = (await conn.execute(ended_query)).mappings().all()
        return [_challenge(r) for r in (*opened, *ended)]

    async def names(
        self,
        guild_id: int,
        containing: str,
        *,
        now: datetime,
        scope: Scope = "any",
        joined_by: int | None = None,
        limit: int = 25,
    ) -> list[str]:
        """Names for an autocomplete box: prefix matches first, then open ones, newest first."""
        key = containing.casefold().strip()
        query = select(challenges.c.name).where(challenges.c.guild_id == guild_id)
        condition = _in_scope(scope, now)
        if condition is not None:
            query = query.where(condition)
        if joined_by is not None:
            query = query.join(
                _participants,
                and_(_participants.c.challenge_id == challenges.c.id, _participants.c.user_id == joined_by),
            )
        if key:
            starts = challenges.c.name_key.startswith(key, autoescape=True)
            query = query.where(challenges.c.name_key.contains(key, autoescape=True)).order_by(starts.desc())
        query = query.order_by(challenges.c.ends_at.desc(), challenges.c.id.desc()).limit(limit)
        async with self.db.connect() as conn:
            return [r[0] for r in await conn.execute(query)]

    async def running_joined(self, guild_id: int, user_id: int, now: datetime) -> list[ChallengeRow]:
        """Challenges running now in a server that the member has joined, ending soonest first."""
        query = (
            _select()
            .join(
                _participants,
                and_(_participants.c.challenge_id == challenges.c.id, _participants.c.user_id == user_id),
            )
            .where(
                challenges.c.guild_id == guild_id, challenges.c.starts_at <= now, challenges.c.ends_at > now
            )
            .order_by(challenges.c.ends_at, challenges.c.id)
        )
        async with self.db.connect() as conn:
            return [_challenge(r) for r in (await conn.execute(query)).mappings()]

    # -- consistency challenges (scoring:sessions-per-week) ---------------------------------------

    async def set_week_target(self, challenge_id: int, target: int) -> None:
        async with self.db.begin() as conn:
            await conn.execute(
                insert(challenge_week_targets).values(challenge_id=challenge_id, target=target)
            )

    async def week_target(self, challenge_id: int) -> int | None:
        async with self.db.connect() as conn:
            return await conn.scalar(
                select(challenge_week_targets.c.target).where(
                    challenge_week_targets.c.challenge_id == challenge_id
                )
            )

    async def running_for_member(self, user_id: int, scoring: str, now: datetime) -> list[ChallengeRow]:
        """Running challenges with this scoring that the member joined, in any server."""
        query = (
            _select()
            .join(
                _participants,
                and_(_participants.c.challenge_id == challenges.c.id, _participants.c.user_id == user_id),
            )
            .where(challenges.c.scoring == scoring, challenges.c.starts_at <= now, challenges.c.ends_at > now)
        )
        async with self.db.connect() as conn:
            return [_challenge(r) for r in (await conn.execute(query)).mappings()]

    async def set_score(self, challenge_id: int, user_id: int, score: int, now: datetime) -> None:
        """A standing the bot counts itself (weeks met): set, not accumulated from entries."""
        member = and_(_participants.c.challenge_id == challenge_id, _participants.c.user_id == user_id)
        changed = or_(_participants.c.score.is_(None), _participants.c.score != score)
        async with self.db.begin() as conn:
            await conn.execute(
                update(_participants)
                .where(member)
                .values(
                    score=score,
                    sort_key=-score,
                    score_at=case((changed, now), else_=_participants.c.score_at),
                )
            )

    async def awaiting_results(self) -> list[ChallengeRow]:
        """Challenges whose results have not been posted yet (their deliveries must exist)."""
        async with self.db.connect() as conn:
            rows = (
                await conn.execute(
                    _select().where(challenges.c.results_message_id.is_(None)).order_by(challenges.c.id)
                )
            ).mappings()
            return [_challenge(r) for r in rows]

    async def end_now(self, challenge_id: int, now: datetime) -> bool:
        """Move the end of a running challenge to ``now``; False when it had already ended."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(challenges)
                .where(challenges.c.id == challenge_id, challenges.c.ends_at > now)
                .values(ends_at=now, ended_early=True, updated_at=now)
            )
        return bool(result.rowcount)

    async def set_message(
        self, challenge_id: int, now: datetime, *, announce: int | None = None, results: int | None = None
    ) -> None:
        values: dict[str, Any] = {"updated_at": now}
        if announce is not None:
            values["announce_message_id"] = announce
        if results is not None:
            values["results_message_id"] = results
        async with self.db.begin() as conn:
            await conn.execute(update(challenges).where(challenges.c.id == challenge_id).values(**values))

    async def delete(self, challenge_id: int) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(delete(challenges).where(challenges.c.id == challenge_id))
        return bool(result.rowcount)

    # -- participants ----------------------------------------------------------------------------

    async def join(self, challenge_id: int, user_id: int, now: datetime) -> bool:
        """Add a participant; False when they had already joined."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                self.db.insert_ignore(
                    _participants,
                    {"challenge_id": challenge_id, "user_id": user_id, "joined_at": now, "entry_count": 0},
                    keys=["challenge_id", "user_id"],
                )
            )
        return bool(result.rowcount)

    async def leave(self, challenge_id: int, user_id: int) -> int | None:
        """Remove a participant and their entries; how many entries they had, None if not joined."""
        async with self.db.begin() as conn:
            row = (
                await conn.execute(
                    delete(_participants)
                    .where(_participants.c.challenge_id == challenge_id, _participants.c.user_id == user_id)
                    .returning(_participants.c.entry_count)
                )
            ).first()
        return None if row is None else int(row[0])

    async def participant(self, challenge_id: int, user_id: int) -> ParticipantRow | None:
        async with self.db.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(_participants).where(
                            _participants.c.challenge_id == challenge_id, _participants.c.user_id == user_id
                        )
                    )
                )
                .mappings()
                .first()
            )
        return _participant(row) if row is not None else None

    async def joined(self, challenge_ids: Sequence[int], user_id: int) -> set[int]:
        if not challenge_ids:
            return set()
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(_participants.c.challenge_id).where(
                    _participants.c.challenge_id.in_(list(challenge_ids)), _participants.c.user_id == user_id
                )
            )
            return {r[0] for r in rows}

    # -- entries and standings -------------------------------------------------------------------

    async def add_entry(
        self, challenge_id: int, user_id: int, value: int, *, aggregate: Aggregate, now: datetime
    ) -> tuple[ParticipantRow, int | None] | None:
        """Record one result and recompute the member's standing in the same transaction.

        Returns the updated participation and the score before this entry, or None when
        the member is not a participant. The statement that inserts comes first, so on
        SQLite the transaction holds the write lock before it reads anything; PostgreSQL
        locks the participation row first, so two logs by one member can't interleave.
        """
        member = and_(_participants.c.challenge_id == challenge_id, _participants.c.user_id == user_id)
        of_member = and_(_entries.c.challenge_id == challenge_id, _entries.c.user_id == user_id)
        logged = _entries.c.value
        best = (
            func.max(logged)
            if aggregate == "max"
            else func.min(logged)
            if aggregate == "min"
            else func.sum(logged)
        )
        new_score = select(best).where(of_member).scalar_subquery()
        sort_key = new_score if aggregate == "min" else -new_score
        changed = or_(_participants.c.score.is_(None), _participants.c.score != new_score)
        try:
            async with self.db.begin() as conn:
                if self.db.is_postgres:
                    locked = await conn.execute(
                        select(_participants.c.user_id).where(member).with_for_update()
                    )
                    if locked.first() is None:
                        return None
                await conn.execute(
                    insert(_entries).values(
                        challenge_id=challenge_id, user_id=user_id, value=value, logged_at=now
                    )
                )
                before = (
                    await conn.execute(select(_participants.c.score).where(member))
                ).scalar_one_or_none()
                await conn.execute(
                    update(_participants)
                    .where(member)
                    .values(
                        score=new_score,
                        sort_key=sort_key,
                        score_at=case((changed, now), else_=_participants.c.score_at),
                        entry_count=_participants.c.entry_count + 1,
                    )
                )
                row = (await conn.execute(select(_participants).where(member))).mappings().one()
        except IntegrityError:
            return None
        return _participant(row), before

    async def entries(self, challenge_id: int, user_id: int) -> list[tuple[int, datetime]]:
        """A member's logged values, oldest first."""
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(_entries.c.value, _entries.c.logged_at)
                .where(_entries.c.challenge_id == challenge_id, _entries.c.user_id == user_id)
                .order_by(_entries.c.id)
            )
            return [(r[0], r[1]) for r in rows]

    async def board(self, challenge_id: int, *, limit: int, user_id: int | None = None) -> Board:
        """The best ``limit`` standings (ties share a RANK()), ``user_id``'s own, and the counts.

        Equal scores are listed in the order they were reached. A member's own rank is
        one more than the number of members strictly ahead, summed over the distinct
        scores ahead (``challenge_scores``); the counts come from ``challenge_tallies``.
        Neither reads the participants, so the cost does not grow with them.
        """
        p = _participants
        ranked = p.c.challenge_id == challenge_id
        # The best ``limit`` rows come straight off the index; ranking just that prefix is exact,
        # because everyone strictly ahead of a row in the prefix is in the prefix too.
        best = (
            select(p.c.user_id, p.c.score, p.c.entry_count, p.c.sort_key, p.c.score_at)
            .where(ranked, p.c.sort_key.is_not(None))
            .order_by(p.c.sort_key, p.c.score_at, p.c.user_id)
            .limit(limit)
            .subquery()
        )
        top_query = select(
            best.c.user_id,
            best.c.score,
            best.c.entry_count,
            func.rank().over(order_by=best.c.sort_key).label("rank"),
        ).order_by(best.c.sort_key, best.c.score_at, best.c.user_id)
        tally = challenge_tallies.c
        counts_query = select(tally.participants, tally.ranked).where(tally.challenge_id == challenge_id)
        async with self.db.connect() as conn:
            top = [
                Standing(rank=r["rank"], user_id=r["user_id"], score=r["score"], entry_count=r["entry_count"])
                for r in (await conn.execute(top_query)).mappings()
            ]
            participants, with_scores = (await conn.execute(counts_query)).first() or (0, 0)
            me: Standing | None = next((s for s in top if s.user_id == user_id), None)
            if me is None and user_id is not None:
                mine = (
                    await conn.execute(
                        select(p.c.score, p.c.sort_key, p.c.entry_count).where(ranked, p.c.user_id == user_id)
                    )
                ).first()
                if mine is not None and mine.sort_key is not None:
                    scores = challenge_scores.c
                    ahead = (
                        await conn.execute(
                            select(func.coalesce(func.sum(scores.participants), 0)).where(
                                scores.challenge_id == challenge_id, scores.sort_key < mine.sort_key
                            )
                        )
                    ).scalar_one()
                    me = Standing(
                        rank=int(ahead) + 1, user_id=user_id, score=mine.score, entry_count=mine.entry_count
                    )
        return Board(top=tuple(top), me=me, ranked=with_scores, participants=participants)

    async def without_result(self, challenge_id: int, *, limit: int) -> list[int]:
        """Participants who joined but logged nothing, in the order they joined."""
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(_participants.c.user_id)
                .where(_participants.c.challenge_id == challenge_id, _participants.c.sort_key.is_(None))
                .order_by(_participants.c.joined_at, _participants.c.user_id)
                .limit(limit)
            )
            return [r[0] for r in rows]
