"""Leaderboard counts kept by the database's triggers agree with the participants, whatever the path."""

from __future__ import annotations

import random

from sqlalchemy import delete, func, select

from bot.db.database import Database
from bot.db.repositories.challenges import ChallengeRepo
from bot.db.repositories.privacy import PrivacyRepo
from bot.db.tables_challenges import challenge_participants, challenges
from bot.db.tables_standings import challenge_scores, challenge_tallies
from tests.db.test_challenges_repo import NOW, new


async def counted_from_participants(db: Database, challenge_id: int) -> tuple[int, int, dict[int, int]]:
    p = challenge_participants.c
    async with db.connect() as conn:
        total, ranked = (
            await conn.execute(
                select(func.count(), func.count(p.sort_key)).where(p.challenge_id == challenge_id)
            )
        ).one()
        keys = dict(
            (
                await conn.execute(
                    select(p.sort_key, func.count())
                    .where(p.challenge_id == challenge_id, p.sort_key.is_not(None))
                    .group_by(p.sort_key)
                )
            ).all()
        )
    return total, ranked, keys


async def kept(db: Database, challenge_id: int) -> tuple[int, int, dict[int, int]]:
    async with db.connect() as conn:
        tally = (
            await conn.execute(
                select(challenge_tallies.c.participants, challenge_tallies.c.ranked).where(
                    challenge_tallies.c.challenge_id == challenge_id
                )
            )
        ).first()
        keys = dict(
            (
                await conn.execute(
                    select(challenge_scores.c.sort_key, challenge_scores.c.participants).where(
                        challenge_scores.c.challenge_id == challenge_id
                    )
                )
            ).all()
        )
    total, ranked = tally if tally is not None else (0, 0)
    return total, ranked, keys


async def test_counts_and_ranks_follow_joins_logs_leaves_and_deletions(db: Database) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("Counted"), NOW)
    other = await repo.add(new("Other"), NOW)
    assert c is not None and other is not None
    rng = random.Random(22)
    members = list(range(1, 41))
    for user_id in members:
        await repo.join(c.id, user_id, NOW)
        await repo.join(other.id, user_id, NOW)
    for _ in range(120):
        user_id = rng.choice(members)
        await repo.add_entry(c.id, user_id, rng.randint(1, 6) * 1000, aggregate="sum", now=NOW)
        await repo.add_entry(other.id, user_id, rng.randint(1, 6), aggregate="max", now=NOW)
    for user_id in members[:5]:
        await repo.leave(c.id, user_id)
    async with db.begin() as conn:
        await PrivacyRepo(db).delete(conn, members[10])
    assert await kept(db, c.id) == await counted_from_participants(db, c.id)
    assert await kept(db, other.id) == await counted_from_participants(db, other.id)

    board = await repo.board(c.id, limit=3)
    assert (board.participants, board.ranked) == (await counted_from_participants(db, c.id))[:2]
    assert (await repo.get(c.id)).participant_count == board.participants  # type: ignore[union-attr]
    # Everyone's own rank is one more than the members strictly ahead, ties shared.
    p = challenge_participants.c
    async with db.connect() as conn:
        scored = (
            await conn.execute(
                select(p.user_id, p.sort_key).where(p.challenge_id == c.id, p.sort_key.is_not(None))
            )
        ).all()
    for user_id, key in scored:
        mine = (await repo.board(c.id, limit=1, user_id=user_id)).me
        assert mine is not None and mine.rank == 1 + sum(1 for _, k in scored if k < key)

    async with db.begin() as conn:
        await conn.execute(delete(challenges).where(challenges.c.id == c.id))
    assert await kept(db, c.id) == (0, 0, {})
    assert await kept(db, other.id) == await counted_from_participants(db, other.id)
