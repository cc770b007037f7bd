"""ChallengeService without Discord: who may do what, times in the creator's zone, scoring and ties."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.db.database import Database
from bot.db.repositories.challenges import ChallengeRepo
from bot.db.repositories.deliveries import DeliveryRepo
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.domain.scoring import ScoringKind
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.challenges import (
    END_KIND,
    MAX_OPEN_PER_GUILD,
    START_KIND,
    Actor,
    ChallengeService,
    aggregate_for,
    end_key,
    example_result,
    start_key,
)
from bot.services.settings import GuildSettingsService, MemberSettingsService

GUILD, CHANNEL, COACH_ROLE = 900, 55, 77
ADMIN = Actor(1, is_admin=True)
COACH = Actor(2, role_ids=frozenset({COACH_ROLE}))
MEMBER = Actor(3)
ALICE, BOB, CARA, DAN = 11, 12, 13, 14


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Setup:
    service: ChallengeService
    clock: Clock
    deliveries: DeliveryScheduler
    members: MemberSettingsService


@pytest_asyncio.fixture
async def s(tmp_path) -> AsyncIterator[Setup]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/challenges.db")
    await db.migrate()
    clock = Clock()
    guilds = GuildSettingsService(GuildRepo(db), clock)
    members = MemberSettingsService(MemberRepo(db), "UTC", clock)
    deliveries = DeliveryScheduler(DeliveryRepo(db), clock)
    await guilds.set_coach_role(GUILD, COACH_ROLE)
    try:
        yield Setup(
            ChallengeService(ChallengeRepo(db), guilds, members, deliveries, clock),
            clock,
            deliveries,
            members,
        )
    finally:
        await db.dispose()


async def create(s: Setup, actor: Actor = COACH, **options: str | None):  # type: ignore[no-untyped-def]
    values: dict[str, str | None] = {
        "name": "Spring AMRAP",
        "program": "amrap 12",
        "start": "now",
        "end": "2026-03-09 18:00",
    }
    values.update(options)
    return await s.service.create(GUILD, actor, channel_id=CHANNEL, **values)  # type: ignore[arg-type]


async def test_admins_and_coaches_create_members_do_not(s: Setup) -> None:
    with pytest.raises(NotAllowed, match=f"<@&{COACH_ROLE}>"):
        await create(s, MEMBER)
    assert await s.service.names(GUILD, "") == []
    made = await create(s, COACH)
    assert made.creator_id == COACH.user_id and made.notation == "amrap 12"
    assert made.scoring is ScoringKind.ROUNDS_REPS and made.starts_at == s.clock.now
    assert (await create(s, ADMIN, name="Admin one")).creator_id == ADMIN.user_id


async def test_both_announcements_are_scheduled_once_with_dedupe_keys(s: Setup) -> None:
    made = await create(s, start="2026-03-03 07:00")
    start = await s.deliveries.repo.get_by_key(start_key(made.id))
    end = await s.deliveries.repo.get_by_key(end_key(made.id))
    assert start is not None and start.kind == START_KIND and start.due_at == made.starts_at
    assert end is not None and end.kind == END_KIND and end.due_at == made.ends_at
    assert start.channel_id == CHANNEL and start.guild_id == GUILD and start.user_id is None
    assert start.payload == {"challenge_id": made.id}
    assert await s.service.ensure_scheduled() == 1
    assert await s.deliveries.repo.count_by_status() == {"pending": 2}


async def test_times_are_read_in_the_creators_zone_dst_included(s: Setup) -> None:
    await s.members.set_timezone(COACH.user_id, "America/New_York")
    # 2026-03-08 is the US spring-forward day: 02:30 doesn't exist, the clocks jump to 03:00 EDT.
    made = await create(s, start="2026-03-08 02:30", end="2026-03-15 18:00")
    assert made.starts_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert made.ends_at == datetime(2026, 3, 15, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"start": "2026-03-02 17:58"}, "in the past"),
        ({"start": "03/04/2026 10:00"}, "isn't a date and time"),
        ({"start": "2026-13-01 10:00"}, "real date"),
        ({"start": "2026-03-04 25:00"}, "time of day"),
        ({"end": "2026-03-02 17:00"}, "after the start"),
        ({"end": "2026-06-02 18:01"}, "at most 90 days"),
        ({"start": "2027-06-01 10:00", "end": "2027-06-02 10:00"}, "more than a year"),
        ({"program": "5x(40s on 20s off)"}, "At position"),
        ({"scoring": "points"}, "isn't a scoring"),
        ({"name": "a`b"}, "backticks"),
    ],
)
async def test_bad_input_changes_nothing(s: Setup, options: dict[str, str | None], fragment: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        await create(s, COACH, **options)
    assert fragment in caught.value.render(), caught.value.render()
    assert "Example" in caught.value.render() or "e.g." in caught.value.render()
    assert await s.service.names(GUILD, "") == []
    assert await s.deliveries.repo.count_by_status() == {}


async def test_a_start_within_the_last_minute_counts_as_now(s: Setup) -> None:
    s.clock.tick(seconds=30)
    made = await create(s, start="2026-03-02 18:00")
    assert made.status(s.clock.now) == "running"


async def test_duplicate_names_and_the_open_challenge_limit(s: Setup) -> None:
    await create(s)
    with pytest.raises(UserFacingError, match="already has a challenge called"):
        await create(s, ADMIN, name="SPRING amrap")
    for number in range(MAX_OPEN_PER_GUILD - 1):
        await create(s, name=f"C{number}")
    with pytest.raises(UserFacingError, match="25 challenges"):
        await create(s, name="One too many")


@pytest.mark.parametrize(
    ("program", "scoring", "example"),
    [
        ("tabata", ScoringKind.REPS, "124"),
        ("emom 6", ScoringKind.ROUNDS, "6"),
        ("amrap 12", ScoringKind.ROUNDS_REPS, "7+12"),
        ("fortime cap 20", ScoringKind.TIME, "18:32"),
        ("fortime cap 10", ScoringKind.TIME, "7:30"),
        ("3x(30s squat, 30s push-up, 60s rest)", ScoringKind.SESSIONS, "1"),
    ],
)
async def test_scoring_follows_the_format(s: Setup, program: str, scoring: ScoringKind, example: str) -> None:
    made = await create(s, program=program)
    assert made.scoring is scoring and made.example_result == example
    assert example_result(scoring, made.program) == example


def test_aggregates_match_member_score() -> None:
    assert aggregate_for(ScoringKind.TIME) == "min"
    assert aggregate_for(ScoringKind.SESSIONS) == "sum"
    assert {aggregate_for(k) for k in (ScoringKind.REPS, ScoringKind.ROUNDS, ScoringKind.ROUNDS_REPS)} == {
        "max"
    }


async def test_joining_logging_and_leaving_follow_the_challenge_window(s: Setup) -> None:
    made = await create(s, start="2026-03-03 18:00", end="2026-03-04 18:00")
    assert not (await s.service.join(GUILD, ALICE, "spring amrap")).already
    assert (await s.service.join_by_id(made.id, ALICE)).already
    with pytest.raises(UserFacingError, match="hasn't started"):
        await s.service.log(GUILD, ALICE, "Spring AMRAP", "7+12")
    s.clock.tick(days=1)
    with pytest.raises(UserFacingError) as not_joined:
        await s.service.log(GUILD, BOB, "Spring AMRAP", "7+12")
    assert "/challenge join name:Spring AMRAP" in not_joined.value.render()
    first = await s.service.log(GUILD, ALICE, "Spring AMRAP", "7+12")
    assert first.first and first.best == "7+12" and first.place is not None and first.place.rank == 1
    same = await s.service.log(GUILD, ALICE, "Spring AMRAP", "7+12")
    assert not same.first and not same.improved
    better = await s.service.log(GUILD, ALICE, "Spring AMRAP", "8+0")
    assert better.improved and better.best == "8+0" and better.entry_count == 3
    with pytest.raises(UserFacingError, match="7\\+12"):
        await s.service.log(GUILD, ALICE, "Spring AMRAP", "18:32")
    left = await s.service.leave(GUILD, ALICE, "Spring AMRAP")
    assert left.entries_removed == 3
    await s.service.join(GUILD, ALICE, "Spring AMRAP")
    s.clock.tick(days=1)
    for action in (
        s.service.join(GUILD, BOB, "Spring AMRAP"),
        s.service.leave(GUILD, ALICE, "Spring AMRAP"),
        s.service.log(GUILD, ALICE, "Spring AMRAP", "9+0"),
    ):
        with pytest.raises(UserFacingError, match="has ended"):
            await action
    with pytest.raises(NotFound, match="no challenge called"):
        await s.service.join(GUILD, ALICE, "Autumn AMRAP")


async def test_results_share_places_and_list_who_logged_nothing(s: Setup) -> None:
    made = await create(s, program="tabata", end="2026-03-03 18:00")
    for member in (ALICE, BOB, CARA, DAN, 15):
        await s.service.join_by_id(made.id, member)
    for member, reps in ((ALICE, "150"), (BOB, "150"), (CARA, "120"), (DAN, "90"), (ALICE, "140")):
        await s.service.log_by_id(made.id, member, reps)
    board = await s.service.leaderboard(GUILD, "Spring AMRAP", DAN)
    assert [(p.rank, p.user_id, p.display) for p in board.top] == [
        (1, ALICE, "150 reps"),
        (1, BOB, "150 reps"),
        (3, CARA, "120 reps"),
        (4, DAN, "90 reps"),
    ]
    assert board.me is not None and board.me.rank == 4 and board.joined
    assert (board.ranked, board.participants) == (4, 5)
    results = await s.service.results(made.id)
    assert results is not None
    assert [(p.rank, p.member_ids) for p in results.podium] == [(1, (ALICE, BOB)), (3, (CARA,))]
    assert results.without_result == (15,)


async def test_for_time_results_rank_the_fastest_first(s: Setup) -> None:
    made = await create(s, program="fortime cap 20")
    for member, time in ((ALICE, "12:00"), (BOB, "9:59"), (ALICE, "9:30"), (CARA, "20:00")):
        await s.service.join_by_id(made.id, member)
        await s.service.log_by_id(made.id, member, time)
    with pytest.raises(UserFacingError, match="time cap"):
        await s.service.log_by_id(made.id, BOB, "20:01")
    board = await s.service.leaderboard(GUILD, "Spring AMRAP", CARA)
    assert [(p.rank, p.user_id, p.display) for p in board.top] == [
        (1, ALICE, "9:30"),
        (2, BOB, "9:59"),
        (3, CARA, "20:00"),
    ]


async def test_ending_is_for_the_creator_or_an_admin(s: Setup) -> None:
    made = await create(s)
    other_coach = Actor(4, role_ids=frozenset({COACH_ROLE}))
    for actor in (MEMBER, other_coach):
        with pytest.raises(NotAllowed, match=f"<@{COACH.user_id}>"):
            await s.service.end(GUILD, actor, "Spring AMRAP")
    s.clock.tick(hours=1)
    ended = await s.service.end(GUILD, COACH, "Spring AMRAP")
    assert not ended.cancelled and ended.challenge.ends_at == s.clock.now and ended.challenge.ended_early
    delivery = await s.deliveries.repo.get_by_key(end_key(made.id))
    assert delivery is not None and delivery.due_at == s.clock.now
    with pytest.raises(UserFacingError, match="already ended"):
        await s.service.end(GUILD, ADMIN, "Spring AMRAP")
    assert await s.service.to_announce(made.id) is None, "no start post once it is over"


async def test_ending_before_the_start_removes_it_and_its_announcements(s: Setup) -> None:
    made = await create(s, start="2026-03-05 10:00")
    ended = await s.service.end(GUILD, ADMIN, "Spring AMRAP")
    assert ended.cancelled
    assert await s.service.get(made.id) is None
    assert await s.deliveries.repo.count_by_status() == {"cancelled": 2}
    assert await s.service.to_announce(made.id) is None and await s.service.results(made.id) is None
    again = await create(s, start="2026-03-05 10:00")
    assert again.name == "Spring AMRAP", "the name is free again"


async def test_loggable_lists_running_joined_challenges_with_the_timers_program_first(s: Setup) -> None:
    amrap = await create(s)
    fran = await create(s, name="Fran", program="fortime cap 15")
    await create(s, name="Later", start="2026-03-05 10:00")
    for challenge in (amrap, fran):
        await s.service.join_by_id(challenge.id, ALICE)
    await s.service.join(GUILD, ALICE, "Later")
    found = await s.service.loggable(GUILD, ALICE, program="fortime cap 15")
    assert [c.name for c in found] == ["Fran", "Spring AMRAP"]
    assert await s.service.loggable(GUILD, BOB) == []
    overview = await s.service.overview(GUILD, ALICE)
    assert [c.name for c in overview.challenges] == ["Spring AMRAP", "Fran", "Later"]
    assert overview.joined == {amrap.id, fran.id, (await s.service.by_name(GUILD, "later")).id}
