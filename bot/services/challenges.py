"""Challenges (SPEC §6): create, join, leave, log, leaderboards, and the end of a challenge.

Everything a member types is checked before anything is written, so a refused command
changes nothing. A challenge's start and end announcements are deliveries with dedupe
keys (``challenge:<id>:start`` and ``challenge:<id>:end``): the delivery engine posts
each exactly once, late if the bot was down. Ending early moves the end delivery to
now; ending one that has not started removes it (nobody could have logged anything).

Who may do what: creating needs Manage Server or the server's coach role; ending needs
Manage Server or being the creator. The cog passes those facts in as an :class:`Actor`
so the rules live (and are tested) here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.db.repositories.challenges import (
    Aggregate,
    Board,
    ChallengeRepo,
    ChallengeRow,
    NewChallenge,
    Scope,
    Standing,
)
from bot.domain import localtime
from bot.domain.durations import format_clock
from bot.domain.intervals import Program, format_program, parse
from bot.domain.scoring import (
    PodiumPlace,
    RankedEntry,
    Result,
    ResultError,
    ScoringKind,
    default_scoring,
    display_value,
    is_lower_better,
    parse_result,
    parse_scoring_name,
    podium,
    scoring_summary,
)
from bot.domain.streaks import TARGET_MAX as WEEKLY_TARGET_MAX
from bot.domain.streaks import TARGET_MIN as WEEKLY_TARGET_MIN
from bot.domain.streaks import sessions_per_week_score
from bot.domain.text import NameRules, clean_name, code_safe, inline_code, name_key
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Settled
from bot.services.intervals import read_program
from bot.services.settings import GuildSettingsService, MemberSettingsService

Clock = Callable[[], datetime]
Status = Literal["upcoming", "running", "ended"]

START_KIND = "challenge_start"
END_KIND = "challenge_end"
NAME_MAX = 60
NAME_RULES = NameRules("challenge", NAME_MAX, example="`Spring Tabata 2026`")
MAX_LENGTH = timedelta(days=90)
#: How far ahead a challenge may be scheduled.
MAX_LEAD = timedelta(days=365)
#: A start this little in the past is "now" (the member typed the current minute).
START_GRACE = timedelta(minutes=1)
MAX_OPEN_PER_GUILD = 25
MAX_ENTRIES_PER_MEMBER = 200
LEADERBOARD_TOP = 10
ENDED_LISTED = 5
WHEN_FORMAT = "%Y-%m-%d %H:%M"
_DAY_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")

SETUP_EXAMPLE = "`/setup channels routines:#routines challenges:#challenges`"

_EXAMPLE_RESULTS = {
    ScoringKind.REPS: "124",
    ScoringKind.ROUNDS: "8",
    ScoringKind.ROUNDS_REPS: "7+12",
    ScoringKind.TIME: "18:32",
    ScoringKind.SESSIONS: "1",
    ScoringKind.SESSIONS_PER_WEEK: "",
}


def start_key(challenge_id: int) -> str:
    return f"challenge:{challenge_id}:start"


def end_key(challenge_id: int) -> str:
    return f"challenge:{challenge_id}:end"


def aggregate_for(kind: ScoringKind) -> Aggregate:
    """How entries become a score, as :func:`bot.domain.scoring.member_score` defines it."""
    if kind is ScoringKind.SESSIONS:
        return "sum"
    return "min" if is_lower_better(kind) else "max"


def example_result(kind: ScoringKind, program: Program | None = None) -> str:
    """A result this challenge would accept, for placeholders and errors."""
    if kind is ScoringKind.ROUNDS and program is not None and program.kind == "emom" and program.minutes:
        return str(min(8, program.minutes))
    if kind is ScoringKind.TIME and program is not None and program.cap_s is not None:
        cap = program.cap_s
        return "18:32" if cap >= 18 * 60 + 32 else format_clock(max(1, cap * 3 // 4))
    return _EXAMPLE_RESULTS[kind]


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the Discord facts the rules need (so no discord import here)."""

    user_id: int
    is_admin: bool = False
    role_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Challenge:
    id: int
    guild_id: int
    name: str
    program: Program
    notation: str
    scoring: ScoringKind
    creator_id: int
    channel_id: int
    starts_at: datetime
    ends_at: datetime
    ended_early: bool
    announce_message_id: int | None
    results_message_id: int | None
    participant_count: int
    #: Sessions a week, for a consistency challenge (``scoring:sessions-per-week``).
    weekly_target: int | None = None

    def status(self, now: datetime) -> Status:
        if now < self.starts_at:
            return "upcoming"
        return "running" if now < self.ends_at else "ended"

    @property
    def example_result(self) -> str:
        return example_result(self.scoring, self.program)

    @property
    def counts_itself(self) -> bool:
        """Scored from the members' logged workouts, not from results typed in."""
        return self.scoring is ScoringKind.SESSIONS_PER_WEEK

    @property
    def scoring_text(self) -> str:
        if self.counts_itself and self.weekly_target is not None:
            sessions = "session" if self.weekly_target == 1 else "sessions"
            return (
                f"weeks with {self.weekly_target} {sessions} logged with /log workout (your own local "
                "weeks), most wins"
            )
        return scoring_summary(self.scoring)

    def display(self, value: int) -> str:
        return display_value(self.scoring, value)


@dataclass(frozen=True)
class Place:
    """A member on a leaderboard: ties share ``rank``."""

    rank: int
    user_id: int
    value: int
    display: str
    entry_count: int


@dataclass(frozen=True)
class Joined:
    challenge: Challenge
    already: bool


@dataclass(frozen=True)
class Left:
    challenge: Challenge
    entries_removed: int


@dataclass(frozen=True)
class Logged:
    challenge: Challenge
    result: Result
    best: str
    improved: bool
    first: bool
    place: Place | None
    ranked: int
    entry_count: int


@dataclass(frozen=True)
class Leaderboard:
    challenge: Challenge
    top: tuple[Place, ...]
    me: Place | None
    joined: bool
    ranked: int
    participants: int


@dataclass(frozen=True)
class Results:
    """What the results post shows: the podium, everyone's best, and who logged nothing."""

    challenge: Challenge
    standings: tuple[Place, ...]
    podium: tuple[PodiumPlace, ...]
    ranked: int
    participants: int
    without_result: tuple[int, ...]


@dataclass(frozen=True)
class Ended:
    challenge: Challenge
    #: True when it had not started: it was removed rather than ended.
    cancelled: bool


@dataclass(frozen=True)
class Overview:
    """``/challenge list``: open challenges soonest first, then recently ended ones."""

    challenges: tuple[Challenge, ...]
    joined: frozenset[int]
    now: datetime


# -- input ----------------------------------------------------------------------------------------


def parse_when(text: str, zone: ZoneInfo, now: datetime, *, what: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` on the member's wall clock (or ``now``) as a UTC instant."""
    raw = " ".join(text.strip().split())
    if raw.casefold() == "now":
        return now
    example = f"`{_when_example(zone, now, hours=24)}`" + (
        " (or `now` to start right away)" if what == "start" else ""
    )
    expected = f"Give the {what} as `YYYY-MM-DD HH:MM` in your time zone ({zone.key}), e.g. {example}."
    parts = raw.replace("T", " ").split(" ")
    day_match = _DAY_RE.fullmatch(parts[0])
    if len(parts) != 2 or day_match is None:
        raise UserFacingError(f"{inline_code(raw, 30)} isn't a date and time. {expected}")
    try:
        day = date(int(day_match[1]), int(day_match[2]), int(day_match[3]))
    except ValueError:
        raise UserFacingError(f"{inline_code(raw, 30)} doesn't have a real date. {expected}") from None
    try:
        at = localtime.parse_hhmm(parts[1])
    except localtime.TimeInputError:
        raise UserFacingError(
            f"{inline_code(raw, 30)} doesn't have a time of day I can read. {expected}"
        ) from None
    return localtime.local_to_utc(day, time(at.hour, at.minute), zone)


def _when_example(zone: ZoneInfo, now: datetime, *, hours: int) -> str:
    local = localtime.to_local(now + timedelta(hours=hours), zone)
    return local.replace(minute=0).strftime(WHEN_FORMAT)


def parse_scoring(value: str | None, program: Program) -> ScoringKind:
    if value is None or not value.strip():
        return default_scoring(program)
    try:
        return parse_scoring_name(value)
    except ValueError:
        options = ", ".join(f"`{k.value}`" for k in ScoringKind)
        raise UserFacingError(
            f"{inline_code(value, 20)} isn't a scoring; the options are {options}.",
            example="`scoring:rounds_reps`",
        ) from None


def _challenge(row: ChallengeRow) -> Challenge:
    return Challenge(
        id=row.id,
        guild_id=row.guild_id,
        name=row.name,
        program=parse(row.program),
        notation=row.program,
        scoring=ScoringKind(row.scoring),
        creator_id=row.creator_id,
        channel_id=row.channel_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        ended_early=row.ended_early,
        announce_message_id=row.announce_message_id,
        results_message_id=row.results_message_id,
        participant_count=row.participant_count,
    )


def _place(challenge: Challenge, standing: Standing) -> Place:
    return Place(
        standing.rank,
        standing.user_id,
        standing.score,
        challenge.display(standing.score),
        standing.entry_count,
    )


class ChallengeService:
    def __init__(
        self,
        repo: ChallengeRepo,
        guilds: GuildSettingsService,
        members: MemberSettingsService,
        deliveries: DeliveryScheduler,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.guilds = guilds
        self.members = members
        self.deliveries = deliveries
        self.clock = clock
        #: A member's sessions per local day as logged (the streaks feature provides it), for
        #: consistency challenges; without it they stay at no score.
        self.days_of: Callable[[int], Awaitable[dict[date, int]]] | None = None

    # -- finding ---------------------------------------------------------------------------------

    async def get(self, challenge_id: int) -> Challenge | None:
        row = await self.repo.get(challenge_id)
        return await self._complete(_challenge(row)) if row is not None else None

    async def _complete(self, challenge: Challenge) -> Challenge:
        """A consistency challenge with its weekly target."""
        if not challenge.counts_itself:
            return challenge
        return dataclasses.replace(challenge, weekly_target=await self.repo.week_target(challenge.id))

    async def by_id(self, challenge_id: int) -> Challenge:
        challenge = await self.get(challenge_id)
        if challenge is None:
            raise NotFound(
                "That challenge was removed before it started.",
                example="`/challenge list` shows the current ones",
            )
        return challenge

    async def by_name(self, guild_id: int, name: str, *, command: str = "leaderboard") -> Challenge:
        row = await self.repo.get_by_name(guild_id, name_key(name))
        if row is None:
            close = await self.repo.names(
                guild_id, " ".join(name.split())[:NAME_MAX], now=self.clock(), limit=1
            )
            hint = f"`/challenge {command} name:{close[0]}`" if close else "`/challenge list` shows them"
            raise NotFound(
                f"There's no challenge called {inline_code(name, NAME_MAX)} in this server.", example=hint
            )
        return await self._complete(_challenge(row))

    async def names(
        self, guild_id: int, current: str, *, scope: Scope = "any", joined_by: int | None = None
    ) -> list[str]:
        return await self.repo.names(
            guild_id, current[:100], now=self.clock(), scope=scope, joined_by=joined_by
        )

    async def overview(self, guild_id: int, user_id: int) -> Overview:
        now = self.clock()
        rows = await self.repo.for_guild(guild_id, now, ended_limit=ENDED_LISTED)
        joined = await self.repo.joined([r.id for r in rows], user_id)
        return Overview(tuple(_challenge(r) for r in rows), frozenset(joined), now)

    async def loggable(self, guild_id: int, user_id: int, *, program: str | None = None) -> list[Challenge]:
        """Running challenges the member joined here; those with the given program first."""
        found = [_challenge(r) for r in await self.repo.running_joined(guild_id, user_id, self.clock())]
        return sorted(found, key=lambda c: c.notation != program)

    # -- creating --------------------------------------------------------------------------------

    async def ensure_can_create(self, guild_id: int, actor: Actor) -> None:
        if actor.is_admin:
            return
        config = await self.guilds.get(guild_id)
        if config.coach_role_id is not None and config.coach_role_id in actor.role_ids:
            return
        if config.coach_role_id is None:
            raise NotAllowed(
                "Only admins (Manage Server) can create challenges here, because this server has no coach "
                "role yet. An admin can let coaches create them too.",
                example="`/setup coach-role role:@Coaches`",
            )
        raise NotAllowed(
            f"Only admins (Manage Server) and members with the <@&{config.coach_role_id}> role can create "
            "challenges. Ask one of them to set it up, or join one with `/challenge join`.",
            example="`/challenge list` shows the challenges you can join",
        )

    async def create(
        self,
        guild_id: int,
        actor: Actor,
        *,
        channel_id: int,
        name: str,
        program: str,
        start: str,
        end: str,
        scoring: str | None = None,
        weekly_target: int | None = None,
    ) -> Challenge:
        """Validate everything, store the challenge and schedule its announcements."""
        await self.ensure_can_create(guild_id, actor)
        clean = clean_name(name, NAME_RULES)
        parsed = read_program(program)
        kind = parse_scoring(scoring, parsed)
        self._check_weekly_target(kind, weekly_target)
        now = self.clock()
        zone = (await self.members.get(actor.user_id)).zone
        starts_at = parse_when(start, zone, now, what="start")
        ends_at = parse_when(end, zone, now, what="end")
        self._check_window(starts_at, ends_at, zone, now)
        if await self.repo.count_open(guild_id, now) >= MAX_OPEN_PER_GUILD:
            raise UserFacingError(
                f"This server already has {MAX_OPEN_PER_GUILD} challenges running or coming up; "
                "end one before creating another.",
                example="`/challenge end name:<an old challenge>`",
            )
        row = await self.repo.add(
            NewChallenge(
                guild_id=guild_id,
                name=clean,
                name_key=name_key(clean),
                program=format_program(parsed),
                program_kind=parsed.kind,
                scoring=kind.value,
                creator_id=actor.user_id,
                channel_id=channel_id,
                starts_at=starts_at,
                ends_at=ends_at,
            ),
            now,
        )
        if row is None:
            raise UserFacingError(
                f"This server already has a challenge called {inline_code(clean)} (names stay taken after a "
                "challenge ends, so its results can still be found). Pick another name.",
                example=f"`{code_safe(clean, NAME_MAX - 6)} {localtime.local_date(starts_at, zone).year}`",
            )
        try:
            if weekly_target is not None:
                await self.repo.set_week_target(row.id, weekly_target)
            await self._schedule(row)
        except BaseException:
            await self.repo.delete(row.id)
            raise
        return dataclasses.replace(_challenge(row), weekly_target=weekly_target)

    @staticmethod
    def _check_weekly_target(kind: ScoringKind, weekly_target: int | None) -> None:
        example = "`/challenge create ... scoring:sessions-per-week weekly-target:3`"
        if kind is ScoringKind.SESSIONS_PER_WEEK:
            if weekly_target is None or not WEEKLY_TARGET_MIN <= weekly_target <= WEEKLY_TARGET_MAX:
                raise UserFacingError(
                    f"A sessions-per-week challenge needs a weekly target from {WEEKLY_TARGET_MIN} to "
                    f"{WEEKLY_TARGET_MAX} sessions, so nothing was created.",
                    example=example,
                )
        elif weekly_target is not None:
            raise UserFacingError(
                "A weekly target only goes with `scoring:sessions-per-week`, so nothing was created.",
                example=example,
            )

    async def refresh_weekly(self, user_id: int, *, only: Challenge | None = None) -> int:
        """Recount the member's weeks met in their running consistency challenges; how many."""
        if self.days_of is None:
            return 0
        now = self.clock()
        if only is not None:
            running = [only] if only.status(now) == "running" else []
        else:
            rows = await self.repo.running_for_member(user_id, ScoringKind.SESSIONS_PER_WEEK.value, now)
            running = [await self._complete(_challenge(r)) for r in rows]
        if not running:
            return 0
        days = await self.days_of(user_id)
        zone = (await self.members.get(user_id)).zone
        for challenge in running:
            if challenge.weekly_target is None:
                continue
            first = localtime.local_date(challenge.starts_at, zone)
            last = localtime.local_date(min(now, challenge.ends_at), zone)
            weeks = sessions_per_week_score(days, challenge.weekly_target, first, last)
            await self.repo.set_score(challenge.id, user_id, weeks, now)
        return len(running)

    def _check_window(self, starts_at: datetime, ends_at: datetime, zone: ZoneInfo, now: datetime) -> None:
        tomorrow = _when_example(zone, now, hours=24)
        next_week = _when_example(zone, now, hours=24 * 8)
        example = f"`start:{tomorrow} end:{next_week}`"
        here = f"It's {localtime.to_local(now, zone).strftime(WHEN_FORMAT)} in your time zone ({zone.key})"
        if starts_at < now - START_GRACE:
            raise UserFacingError(
                f"The start is in the past. {here}; use `now` to start right away. "
                "(Wrong zone? Set yours with `/settings timezone`.)",
                example=example,
            )
        if starts_at > now + MAX_LEAD:
            raise UserFacingError("The start is more than a year away.", example=example)
        if ends_at <= starts_at:
            raise UserFacingError("The end must be after the start.", example=example)
        if ends_at - starts_at > MAX_LENGTH:
            raise UserFacingError(
                f"A challenge can last at most {MAX_LENGTH.days} days; this one would last "
                f"{(ends_at - starts_at).days} days.",
                example=example,
            )

    async def _schedule(self, row: ChallengeRow) -> None:
        """Both announcements as deliveries; scheduling again is a no-op (dedupe keys)."""
        payload = {"challenge_id": row.id}
        await self.deliveries.schedule(
            START_KIND,
            row.starts_at,
            channel_id=row.channel_id,
            guild_id=row.guild_id,
            payload=payload,
            dedupe_key=start_key(row.id),
        )
        await self.deliveries.schedule(
            END_KIND,
            row.ends_at,
            channel_id=row.channel_id,
            guild_id=row.guild_id,
            payload=payload,
            dedupe_key=end_key(row.id),
        )

    async def ensure_scheduled(self) -> int:
        """At start-up: every challenge without results has its deliveries (a crash between the
        insert and the scheduling can't leave one unannounced). Returns how many were checked."""
        rows = await self.repo.awaiting_results()
        for row in rows:
            await self._schedule(row)
        return len(rows)

    # -- taking part -----------------------------------------------------------------------------

    def _refuse_if_ended(self, challenge: Challenge, now: datetime, doing: str) -> None:
        if challenge.status(now) == "ended":
            raise UserFacingError(
                f"{inline_code(challenge.name)} has ended, so you can't {doing} any more; its results are "
                f"posted in <#{challenge.channel_id}>.",
                example=f"`/challenge leaderboard name:{challenge.name}`",
            )

    async def join(self, guild_id: int, user_id: int, name: str) -> Joined:
        return await self._join(await self.by_name(guild_id, name, command="join"), user_id)

    async def join_by_id(self, challenge_id: int, user_id: int) -> Joined:
        return await self._join(await self.by_id(challenge_id), user_id)

    async def _join(self, challenge: Challenge, user_id: int) -> Joined:
        now = self.clock()
        self._refuse_if_ended(challenge, now, "join")
        added = await self.repo.join(challenge.id, user_id, now)
        if added and challenge.counts_itself:
            # Workouts logged since the start count at once.
            await self.refresh_weekly(user_id, only=challenge)
        return Joined(challenge, already=not added)

    async def leave(self, guild_id: int, user_id: int, name: str) -> Left:
        challenge = await self.by_name(guild_id, name, command="leave")
        self._refuse_if_ended(challenge, self.clock(), "leave")
        removed = await self.repo.leave(challenge.id, user_id)
        if removed is None:
            raise UserFacingError(
                f"You haven't joined {inline_code(challenge.name)}, so there's nothing to leave.",
                example="`/challenge list` shows the challenges you're in",
            )
        return Left(challenge, removed)

    async def log(self, guild_id: int, user_id: int, name: str, text: str | None) -> Logged:
        return await self.log_to(await self.by_name(guild_id, name, command="log"), user_id, text)

    async def log_by_id(self, challenge_id: int, user_id: int, text: str | None) -> Logged:
        return await self.log_to(await self.by_id(challenge_id), user_id, text)

    async def log_to(self, challenge: Challenge, user_id: int, text: str | None) -> Logged:
        now = self.clock()
        if challenge.counts_itself:
            raise UserFacingError(
                f"{inline_code(challenge.name)} counts itself: every workout you log with `/log workout` "
                "counts towards your week, and each week that meets the target adds one to your score. "
                "Nothing was logged here.",
                example=f"`/challenge leaderboard name:{challenge.name}`",
            )
        status = challenge.status(now)
        if status == "upcoming":
            raise UserFacingError(
                f"{inline_code(challenge.name)} hasn't started yet; results count from "
                f"<t:{int(challenge.starts_at.timestamp())}:f>.",
                example=f"`/challenge join name:{challenge.name}` now, and log once it starts",
            )
        self._refuse_if_ended(challenge, now, "log results")
        participant = await self.repo.participant(challenge.id, user_id)
        if participant is None:
            raise UserFacingError(
                f"You haven't joined {inline_code(challenge.name)} yet; join it first, then log.",
                example=f"`/challenge join name:{challenge.name}`",
            )
        if participant.entry_count >= MAX_ENTRIES_PER_MEMBER:
            raise UserFacingError(
                f"You've logged {MAX_ENTRIES_PER_MEMBER} results for this challenge, "
                "the most it keeps per member.",
                example=f"`/challenge leaderboard name:{challenge.name}` shows your best",
            )
        try:
            result = parse_result(challenge.scoring, text or "", program=challenge.program)
        except ResultError as err:
            raise UserFacingError(str(err)) from None
        recorded = await self.repo.add_entry(
            challenge.id, user_id, result.value, aggregate=aggregate_for(challenge.scoring), now=now
        )
        if recorded is None:  # left the challenge between the check and the write
            raise UserFacingError(
                f"You're no longer in {inline_code(challenge.name)}, so nothing was logged.",
                example=f"`/challenge join name:{challenge.name}`",
            )
        row, before = recorded
        assert row.score is not None
        board = await self.repo.board(challenge.id, limit=0, user_id=user_id)
        return Logged(
            challenge=challenge,
            result=result,
            best=challenge.display(row.score),
            improved=before is not None and row.score != before,
            first=before is None,
            place=_place(challenge, board.me) if board.me is not None else None,
            ranked=board.ranked,
            entry_count=row.entry_count,
        )

    # -- standings -------------------------------------------------------------------------------

    async def leaderboard(
        self, guild_id: int, name: str, user_id: int, *, top: int = LEADERBOARD_TOP
    ) -> Leaderboard:
        challenge = await self.by_name(guild_id, name, command="leaderboard")
        return await self.leaderboard_of(challenge, user_id, top=top)

    async def leaderboard_of(
        self, challenge: Challenge, user_id: int, *, top: int = LEADERBOARD_TOP
    ) -> Leaderboard:
        board = await self.repo.board(challenge.id, limit=top, user_id=user_id)
        joined = board.me is not None or await self.repo.participant(challenge.id, user_id) is not None
        return Leaderboard(
            challenge=challenge,
            top=tuple(_place(challenge, s) for s in board.top),
            me=_place(challenge, board.me) if board.me is not None else None,
            joined=joined,
            ranked=board.ranked,
            participants=board.participants,
        )

    async def results(self, challenge_id: int, *, limit: int = 200) -> Results | None:
        """The final standings for the results post; None when the challenge is gone."""
        challenge = await self.get(challenge_id)
        if challenge is None:
            return None
        board: Board = await self.repo.board(challenge.id, limit=limit)
        places = tuple(_place(challenge, s) for s in board.top)
        steps = podium([RankedEntry(p.rank, p.user_id, p.value) for p in places])
        without = await self.repo.without_result(challenge.id, limit=limit)
        return Results(challenge, places, tuple(steps), board.ranked, board.participants, tuple(without))

    # -- announcements ---------------------------------------------------------------------------

    async def to_announce(self, challenge_id: int) -> Challenge | None:
        """The challenge for its start post, or None when there is nothing to announce any more
        (removed, or already over: the results post says everything then)."""
        challenge = await self.get(challenge_id)
        if challenge is None or challenge.status(self.clock()) == "ended":
            return None
        return challenge

    async def record_announcement(self, challenge_id: int, message_id: int) -> None:
        await self.repo.set_message(challenge_id, self.clock(), announce=message_id)

    async def record_results(self, challenge_id: int, message_id: int) -> None:
        await self.repo.set_message(challenge_id, self.clock(), results=message_id)

    async def announcement_settled(self, settled: Settled) -> None:
        """The start post went out: remember it, so the results can switch its Join button off."""
        if settled.sent and settled.message_id is not None:
            await self.record_announcement(int(settled.delivery.payload["challenge_id"]), settled.message_id)

    async def results_settled(self, settled: Settled) -> None:
        """The results post went out: remember it."""
        if settled.sent and settled.message_id is not None:
            await self.record_results(int(settled.delivery.payload["challenge_id"]), settled.message_id)

    # -- ending ----------------------------------------------------------------------------------

    async def end(self, guild_id: int, actor: Actor, name: str) -> Ended:
        challenge = await self.by_name(guild_id, name, command="end")
        if not actor.is_admin and actor.user_id != challenge.creator_id:
            raise NotAllowed(
                f"Only <@{challenge.creator_id}>, who created {inline_code(challenge.name)}, or an admin "
                "(Manage Server) can end it.",
                example=f"`/challenge leaderboard name:{challenge.name}` shows how it stands",
            )
        now = self.clock()
        status = challenge.status(now)
        if status == "ended":
            raise UserFacingError(
                f"{inline_code(challenge.name)} has already ended; its results are in "
                f"<#{challenge.channel_id}>.",
                example=f"`/challenge leaderboard name:{challenge.name}`",
            )
        if status == "upcoming":
            await self.deliveries.cancel_key(start_key(challenge.id))
            await self.deliveries.cancel_key(end_key(challenge.id))
            await self.repo.delete(challenge.id)
            return Ended(challenge, cancelled=True)
        if not await self.repo.end_now(challenge.id, now):
            raise UserFacingError(
                f"{inline_code(challenge.name)} has just ended by itself; its results are on their way.",
                example=f"`/challenge leaderboard name:{challenge.name}`",
            )
        delivery = await self.deliveries.get_by_key(end_key(challenge.id))
        if delivery is None:
            ended = await self.repo.get(challenge.id)
            assert ended is not None
            await self._schedule(ended)
        else:
            await self.deliveries.snooze(delivery.id, now)
        return Ended(await self.by_id(challenge.id), cancelled=False)
