"""Challenge and timer queries on SQLite and PostgreSQL: standings, RANK() ties, scopes, cascades."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.database import Database
from bot.db.repositories.challenges import Aggregate, ChallengeRepo, NewChallenge
from bot.db.repositories.timers import FINISHED, PAUSED, RUNNING, TimerRepo
from bot.domain.scoring import ScoringKind, member_score, rank_entries

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
GUILD = 900


def new(
    name: str, *, starts: timedelta = timedelta(0), ends: timedelta = timedelta(days=7), **kw
) -> NewChallenge:  # type: ignore[no-untyped-def]
    values = {
        "guild_id": GUILD,
        "name": name,
        "name_key": " ".join(name.split()).casefold(),
        "program": "amrap 12",
        "program_kind": "amrap",
        "scoring": "rounds_reps",
        "creator_id": 1,
        "channel_id": 55,
        "starts_at": NOW + starts,
        "ends_at": NOW + ends,
    }
    values.update(kw)
    return NewChallenge(**values)  # type: ignore[arg-type]


async def test_names_are_unique_per_server_whatever_the_case(db: Database) -> None:
    repo = ChallengeRepo(db)
    first = await repo.add(new("Spring AMRAP"), NOW)
    assert first is not None and first.name == "Spring AMRAP" and first.participant_count == 0
    assert await repo.add(new("spring  amrap"), NOW) is None
    other_server = await repo.add(new("Spring AMRAP", guild_id=GUILD + 1), NOW)
    assert other_server is not None
    found = await repo.get_by_name(GUILD, "spring amrap")
    assert found is not None and found.id == first.id
    assert found.starts_at == NOW and found.ends_at.tzinfo is not None


async def test_join_leave_and_leaving_removes_the_members_entries(db: Database) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("C"), NOW)
    assert c is not None
    assert await repo.join(c.id, 7, NOW)
    assert not await repo.join(c.id, 7, NOW)
    assert await repo.add_entry(c.id, 7, 5000, aggregate="max", now=NOW) is not None
    assert await repo.add_entry(c.id, 7, 6000, aggregate="max", now=NOW) is not None
    assert (await repo.get(c.id)).participant_count == 1  # type: ignore[union-attr]
    assert await repo.leave(c.id, 7) == 2
    assert await repo.entries(c.id, 7) == []
    assert await repo.leave(c.id, 7) is None
    assert await repo.add_entry(c.id, 7, 1, aggregate="max", now=NOW) is None, "only participants log"


@pytest.mark.parametrize(
    ("aggregate", "values", "score", "reached_at_log"),
    [
        ("max", [7012, 8003, 8003, 6000], 8003, 1),
        ("min", [1112, 990, 990, 1500], 990, 1),
        ("sum", [1, 2, 1], 4, 2),
    ],
)
async def test_each_entry_recomputes_the_score_in_the_database(
    db: Database, aggregate: Aggregate, values: list[int], score: int, reached_at_log: int
) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("C"), NOW)
    assert c is not None
    await repo.join(c.id, 7, NOW)
    befores = []
    for i, value in enumerate(values):
        recorded = await repo.add_entry(c.id, 7, value, aggregate=aggregate, now=NOW + timedelta(minutes=i))
        assert recorded is not None
        row, before = recorded
        befores.append(before)
    assert row.score == score and row.entry_count == len(values)
    assert row.score_at == NOW + timedelta(minutes=reached_at_log), "equal results keep the earlier time"
    assert befores[0] is None
    assert [v for v, _ in await repo.entries(c.id, 7)] == values


async def test_leaderboard_ranks_ties_together_and_orders_them_by_who_got_there_first(db: Database) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("C"), NOW)
    assert c is not None
    logs = [(1, 9000), (2, 12000), (3, 12000), (4, 7000), (5, 12000), (6, 9000)]
    for minute, (user, value) in enumerate(logs):
        await repo.join(c.id, user, NOW)
        await repo.add_entry(c.id, user, value, aggregate="max", now=NOW + timedelta(minutes=minute))
    await repo.join(c.id, 99, NOW)  # joined, no result
    board = await repo.board(c.id, limit=10, user_id=4)
    assert [(s.rank, s.user_id, s.score) for s in board.top] == [
        (1, 2, 12000),
        (1, 3, 12000),
        (1, 5, 12000),
        (4, 1, 9000),
        (4, 6, 9000),
        (6, 4, 7000),
    ]
    assert board.me is not None and board.me.rank == 6
    assert board.ranked == 6 and board.participants == 7
    short = await repo.board(c.id, limit=2, user_id=6)
    assert [s.user_id for s in short.top] == [2, 3]
    assert short.me is not None and (short.me.rank, short.me.score) == (4, 9000)
    assert (await repo.board(c.id, limit=2, user_id=99)).me is None
    assert await repo.without_result(c.id, limit=10) == [99]


async def test_times_rank_lowest_first(db: Database) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("Fran", scoring="time"), NOW)
    assert c is not None
    for user, seconds in [(1, 300), (2, 250), (3, 250), (4, 400)]:
        await repo.join(c.id, user, NOW)
        await repo.add_entry(c.id, user, seconds, aggregate="min", now=NOW)
    await repo.add_entry(c.id, 4, 200, aggregate="min", now=NOW + timedelta(minutes=1))
    board = await repo.board(c.id, limit=10)
    assert [(s.rank, s.user_id, s.score) for s in board.top] == [
        (1, 4, 200),
        (2, 2, 250),
        (2, 3, 250),
        (4, 1, 300),
    ]


@pytest.mark.parametrize("kind", [ScoringKind.REPS, ScoringKind.TIME, ScoringKind.SESSIONS])
async def test_sql_ranks_match_the_domain_rules_on_random_logs(db: Database, kind: ScoringKind) -> None:
    repo = ChallengeRepo(db)
    aggregate: Aggregate = (
        "sum" if kind is ScoringKind.SESSIONS else "min" if kind is ScoringKind.TIME else "max"
    )
    c = await repo.add(new(f"R {kind}", scoring=kind.value), NOW)
    assert c is not None
    rng = random.Random(7)
    logged: dict[int, list[int]] = {}
    for user in range(1, 41):
        await repo.join(c.id, user, NOW)
        for _ in range(rng.randint(1, 4)):
            value = rng.randint(1, 12)
            logged.setdefault(user, []).append(value)
            await repo.add_entry(c.id, user, value, aggregate=aggregate, now=NOW)
    expected = rank_entries([(u, member_score(kind, v)) for u, v in logged.items()], kind)  # type: ignore[misc]
    board = await repo.board(c.id, limit=100)
    assert sorted((s.user_id, s.rank, s.score) for s in board.top) == sorted(
        (e.member_id, e.rank, e.value) for e in expected
    )
    for user in (1, 17, 40):
        me = (await repo.board(c.id, limit=3, user_id=user)).me
        assert me is not None and me.rank == next(e.rank for e in expected if e.member_id == user)


async def test_scopes_for_names_lists_and_running_challenges(db: Database) -> None:
    repo = ChallengeRepo(db)
    upcoming = await repo.add(new("Upcoming Tabata", starts=timedelta(days=1), ends=timedelta(days=2)), NOW)
    running = await repo.add(new("Running AMRAP", starts=timedelta(hours=-1)), NOW)
    ended = await repo.add(new("Old EMOM", starts=timedelta(days=-9), ends=timedelta(days=-2)), NOW)
    assert upcoming and running and ended
    assert set(await repo.names(GUILD, "", now=NOW)) == {"Upcoming Tabata", "Running AMRAP", "Old EMOM"}
    assert set(await repo.names(GUILD, "", now=NOW, scope="open")) == {"Upcoming Tabata", "Running AMRAP"}
    assert await repo.names(GUILD, "", now=NOW, scope="running") == ["Running AMRAP"]
    assert await repo.names(GUILD, "ta", now=NOW) == ["Upcoming Tabata"]
    assert await repo.names(GUILD, "100%_", now=NOW) == []
    await repo.join(running.id, 7, NOW)
    await repo.join(upcoming.id, 7, NOW)
    assert await repo.names(GUILD, "", now=NOW, joined_by=7, scope="running") == ["Running AMRAP"]
    assert [c.id for c in await repo.running_joined(GUILD, 7, NOW)] == [running.id]
    assert [c.id for c in await repo.running_joined(GUILD, 8, NOW)] == []
    listed = await repo.for_guild(GUILD, NOW, ended_limit=5)
    assert [c.name for c in listed] == ["Running AMRAP", "Upcoming Tabata", "Old EMOM"]
    assert await repo.count_open(GUILD, NOW) == 2
    assert await repo.joined([c.id for c in listed], 7) == {running.id, upcoming.id}


async def test_ending_early_and_recording_posts(db: Database) -> None:
    repo = ChallengeRepo(db)
    c = await repo.add(new("C", starts=timedelta(hours=-1)), NOW)
    assert c is not None
    assert [r.id for r in await repo.awaiting_results()] == [c.id]
    assert await repo.end_now(c.id, NOW)
    assert not await repo.end_now(c.id, NOW + timedelta(minutes=1)), "already over"
    await repo.set_message(c.id, NOW, announce=11)
    await repo.set_message(c.id, NOW, results=12)
    row = await repo.get(c.id)
    assert row is not None and row.ended_early and row.ends_at == NOW
    assert (row.announce_message_id, row.results_message_id) == (11, 12)
    assert await repo.awaiting_results() == []
    await repo.join(c.id, 5, NOW)
    assert await repo.delete(c.id)
    assert await repo.participant(c.id, 5) is None


async def test_timer_rows_change_only_in_the_expected_state(db: Database) -> None:
    repo = TimerRepo(db)
    t = await repo.add(owner_id=1, guild_id=2, channel_id=3, program="tabata", started_at=NOW, now=NOW)
    assert t.status == RUNNING and t.message_id is None and t.shown == -1 and t.paused_total_s == 0.0
    await repo.update(t.id, NOW, message_id=44)
    assert await repo.count_active_in_channel(3) == 1
    assert await repo.update(t.id, NOW, only_if=(RUNNING,), status=PAUSED, paused_at=NOW)
    assert not await repo.update(t.id, NOW, only_if=(RUNNING,), status=FINISHED)
    row = await repo.get(t.id)
    assert row is not None and row.status == PAUSED and row.paused_at == NOW and row.message_id == 44
    assert [r.id for r in await repo.active()] == [t.id]
    assert [r.id for r in await repo.active_for_owner(1)] == [t.id]
    assert await repo.update(t.id, NOW, status=FINISHED, elapsed_s=240.0)
    assert await repo.active() == [] and await repo.count_active_in_channel(3) == 0
    await repo.delete(t.id)
    assert await repo.get(t.id) is None


async def test_a_member_deleting_their_data_keeps_everyone_elses_results(db: Database) -> None:
    from bot.db.repositories.privacy import PrivacyRepo

    repo = ChallengeRepo(db)
    c = await repo.add(new("C", creator_id=7), NOW)
    assert c is not None
    for user, value in ((7, 5000), (8, 6000)):
        await repo.join(c.id, user, NOW)
        await repo.add_entry(c.id, user, value, aggregate="max", now=NOW)
    timers = TimerRepo(db)
    await timers.add(owner_id=7, guild_id=GUILD, channel_id=3, program="tabata", started_at=NOW, now=NOW)
    privacy = PrivacyRepo(db)
    exported = await privacy.export(7)
    assert len(exported["challenges"]) == 1 and len(exported["challenge_entries"]) == 1
    assert len(exported["interval_timers"]) == 1
    async with db.begin() as conn:
        await privacy.delete(conn, 7)
    row = await repo.get(c.id)
    assert row is not None and row.creator_id == 0, "the challenge stays, its creator anonymised"
    board = await repo.board(c.id, limit=10)
    assert [(s.user_id, s.score) for s in board.top] == [(8, 6000)] and board.participants == 1
    assert await repo.entries(c.id, 7) == [] and await timers.active_for_owner(7) == []
