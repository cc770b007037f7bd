"""Challenge results: reading what a member logs, ordering results, and ranking members.

Every result is reduced to one integer sort key (`Result.value`) so the database can
store and order it without knowing the format; `display_value` turns a stored key back
into the text members see, and `parse_result(kind, display)` reads that text back to the
same result. Which direction wins is a property of the kind, not of the number: for-time
is the only format where lower is better.

Errors are shown to the member as-is, so each names what was wrong and gives an example
that would be accepted by the same challenge (an EMOM 6 never suggests `8` rounds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.domain.durations import DurationError, format_clock, parse_duration
from bot.domain.intervals import Program
from bot.domain.text import code_safe, plural

__all__ = [
    "MAX_REPS",
    "MAX_ROUNDS",
    "MAX_SESSIONS_PER_LOG",
    "MAX_TIME_S",
    "PARTIAL_REPS_LIMIT",
    "PodiumPlace",
    "RankedEntry",
    "Result",
    "ResultError",
    "ScoringKind",
    "better",
    "default_scoring",
    "display_value",
    "is_better",
    "is_lower_better",
    "member_score",
    "parse_result",
    "parse_scoring_name",
    "podium",
    "rank_entries",
    "scoring_summary",
]

MAX_REPS: Final = 10_000
MAX_ROUNDS: Final = 1_000
MAX_TIME_S: Final = 24 * 60 * 60
MAX_SESSIONS_PER_LOG: Final = 100
# AMRAP keys are rounds * PARTIAL_REPS_LIMIT + reps, so the reps of an unfinished round must
# stay below it or a larger rep count would outrank a whole extra round.
PARTIAL_REPS_LIMIT: Final = 1_000


class ScoringKind(StrEnum):
    """How a challenge is scored; the value is what the database stores."""

    REPS = "reps"
    ROUNDS = "rounds"
    ROUNDS_REPS = "rounds_reps"
    TIME = "time"
    SESSIONS = "sessions"
    #: Consistency: weeks (each participant's own local weeks) meeting the challenge's weekly
    #: target of sessions logged with ``/log workout``; counted by the bot, never typed in.
    SESSIONS_PER_WEEK = "sessions_week"


class ResultError(ValueError):
    """A logged result the challenge can't accept; `message` is shown to the member as-is."""

    def __init__(self, kind: ScoringKind, message: str) -> None:
        self.kind = kind
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Result:
    """One logged result: its kind, the integer sort key stored in the database, and its text."""

    kind: ScoringKind
    value: int
    display: str


@dataclass(frozen=True)
class RankedEntry:
    """A member's place on a leaderboard; tied members share `rank`."""

    rank: int
    member_id: int
    value: int


@dataclass(frozen=True)
class PodiumPlace:
    """One podium step (rank 1 to 3) with every member tied on it."""

    rank: int
    value: int
    member_ids: tuple[int, ...]


def default_scoring(program: Program) -> ScoringKind:
    """The scoring a challenge gets unless its creator picks one (SPEC §6)."""
    return {
        "tabata": ScoringKind.REPS,
        "emom": ScoringKind.ROUNDS,
        "amrap": ScoringKind.ROUNDS_REPS,
        "fortime": ScoringKind.TIME,
    }.get(program.kind, ScoringKind.SESSIONS)


def is_lower_better(kind: ScoringKind) -> bool:
    """True only for times: the fastest finish wins."""
    return kind is ScoringKind.TIME


def parse_scoring_name(value: str) -> ScoringKind:
    """A scoring as stored or as typed (``sessions-per-week`` and ``sessions_week`` alike)."""
    word = value.strip().lower().replace("-", "_")
    if word == "sessions_per_week":
        return ScoringKind.SESSIONS_PER_WEEK
    return ScoringKind(word)


def scoring_summary(kind: ScoringKind) -> str:
    """What counts and who wins, for challenge announcements and leaderboards."""
    return {
        ScoringKind.REPS: "total reps, most wins",
        ScoringKind.ROUNDS: "rounds completed, most wins",
        ScoringKind.ROUNDS_REPS: "rounds + reps, most wins",
        ScoringKind.TIME: "time, fastest wins",
        ScoringKind.SESSIONS: "sessions completed, most wins",
        ScoringKind.SESSIONS_PER_WEEK: "weeks meeting the weekly target, most wins",
    }[kind]


def display_value(kind: ScoringKind, value: int) -> str:
    """The text for a stored sort key: `124 reps`, `8 rounds`, `7+12`, `18:32`, `3 sessions`."""
    if kind is ScoringKind.REPS:
        return f"{value} rep" if value == 1 else f"{value} reps"
    if kind is ScoringKind.ROUNDS:
        return f"{value} round" if value == 1 else f"{value} rounds"
    if kind is ScoringKind.ROUNDS_REPS:
        rounds, reps = divmod(value, PARTIAL_REPS_LIMIT)
        return f"{rounds}+{reps}"
    if kind is ScoringKind.TIME:
        return format_clock(value)
    if kind is ScoringKind.SESSIONS_PER_WEEK:
        return f"{value} week" if value == 1 else f"{value} weeks"
    return f"{value} session" if value == 1 else f"{value} sessions"


def _result(kind: ScoringKind, value: int) -> Result:
    return Result(kind, value, display_value(kind, value))


_COUNT_RE: Final = re.compile(r"([0-9]+)(?:\s*([a-z]+))?", re.IGNORECASE)
_ROUNDS_REPS_RE: Final = re.compile(r"([0-9]+)\s*\+\s*([0-9]+)")


def _count(text: str, units: tuple[str, ...]) -> int | None:
    """A whole number, optionally followed by its unit word (`124`, `124 reps`); None otherwise."""
    match = _COUNT_RE.fullmatch(text)
    if match is None:
        return None
    unit = match.group(2)
    if unit is not None and unit.lower() not in units:
        return None
    return int(match.group(1))


def _emom_rounds(program: Program | None) -> int | None:
    if program is not None and program.kind == "emom" and program.minutes is not None:
        return program.minutes
    return None


def _example_time(cap_s: int | None) -> str:
    if cap_s is None or cap_s >= 18 * 60 + 32:
        return "18:32"
    return format_clock(max(1, cap_s * 3 // 4))


def parse_result(kind: ScoringKind, text: str, *, program: Program | None = None) -> Result:
    """Read a result as a member logs it for a challenge scored by `kind`.

    `program` tightens the checks where the workout bounds the result: an EMOM's rounds
    can't exceed its minutes, and a for-time result can't exceed its cap (a member
    stopped by the cap logs the cap itself). Raises ResultError with an example.
    """
    raw = text.strip()
    shown = code_safe(raw, 30)
    if kind is ScoringKind.REPS:
        return _parse_reps(raw, shown)
    if kind is ScoringKind.ROUNDS:
        return _parse_rounds(raw, shown, _emom_rounds(program))
    if kind is ScoringKind.ROUNDS_REPS:
        return _parse_rounds_reps(raw, shown)
    if kind is ScoringKind.TIME:
        return _parse_time(raw, shown, program.cap_s if program is not None else None)
    if kind is ScoringKind.SESSIONS_PER_WEEK:
        raise ResultError(
            kind,
            "This challenge counts itself: each week with the target number of workouts adds one to your "
            "score, so there is nothing to type in. Log your workouts instead, e.g. `/log workout "
            "routine:Leg Day`.",
        )
    return _parse_sessions(raw, shown)


def _parse_reps(raw: str, shown: str) -> Result:
    kind = ScoringKind.REPS
    expected = f"Results here are total reps, a whole number from 0 to {MAX_REPS:,}, e.g. `124`."
    if not raw:
        raise ResultError(kind, f"No result given. {expected}")
    reps = _count(raw, ("rep", "reps"))
    if reps is None:
        raise ResultError(kind, f"`{shown}` isn't a rep count. {expected}")
    if reps > MAX_REPS:
        raise ResultError(kind, f"`{shown}` is more reps than a challenge accepts. {expected}")
    return _result(kind, reps)


def _parse_rounds(raw: str, shown: str, emom_minutes: int | None) -> Result:
    kind = ScoringKind.ROUNDS
    most = emom_minutes if emom_minutes is not None else MAX_ROUNDS
    example = str(min(8, most))
    what = "EMOM results" if emom_minutes is not None else "Results here"
    expected = f"{what} are rounds completed, a whole number from 0 to {most:,}, e.g. `{example}`."
    if not raw:
        raise ResultError(kind, f"No result given. {expected}")
    rounds = _count(raw, ("round", "rounds"))
    if rounds is None:
        raise ResultError(kind, f"`{shown}` isn't a number of rounds. {expected}")
    if rounds > most:
        if emom_minutes is not None:
            raise ResultError(
                kind,
                f"`{shown}` is more rounds than this EMOM has: it runs "
                f"{plural(emom_minutes, 'minute')}, one round a minute, so log 0 to {emom_minutes}, "
                f"e.g. `{example}`.",
            )
        raise ResultError(kind, f"`{shown}` is more rounds than a challenge accepts. {expected}")
    return _result(kind, rounds)


def _parse_rounds_reps(raw: str, shown: str) -> Result:
    kind = ScoringKind.ROUNDS_REPS
    expected = (
        "AMRAP results are rounds+reps, e.g. `7+12` for 7 full rounds and 12 reps into the next "
        "(`7+0` for exactly 7 rounds)."
    )
    if not raw:
        raise ResultError(kind, f"No result given. {expected}")
    match = _ROUNDS_REPS_RE.fullmatch(raw)
    if match is None:
        raise ResultError(kind, f"`{shown}` isn't rounds+reps. {expected}")
    rounds, reps = int(match.group(1)), int(match.group(2))
    if rounds > MAX_ROUNDS:
        raise ResultError(kind, f"`{shown}` has more than {MAX_ROUNDS:,} rounds. {expected}")
    if reps >= PARTIAL_REPS_LIMIT:
        raise ResultError(
            kind,
            f"`{shown}` has {reps:,} extra reps; the number after `+` counts the reps of the round you "
            f"didn't finish, 0 to {PARTIAL_REPS_LIMIT - 1}, e.g. `7+12`.",
        )
    return _result(kind, rounds * PARTIAL_REPS_LIMIT + reps)


def _parse_time(raw: str, shown: str, cap_s: int | None) -> Result:
    kind = ScoringKind.TIME
    example = _example_time(cap_s)
    expected = f"For-time results are a time as m:ss or h:mm:ss, e.g. `{example}`."
    if not raw:
        raise ResultError(kind, f"No result given. {expected}")
    try:
        seconds = parse_duration(raw)
    except DurationError:
        raise ResultError(kind, f"`{shown}` isn't a time. {expected}") from None
    if seconds < 1:
        raise ResultError(kind, f"`{shown}` is no time at all. {expected}")
    if seconds > MAX_TIME_S:
        raise ResultError(kind, f"`{shown}` is longer than the 24-hour limit. {expected}")
    if cap_s is not None and seconds > cap_s:
        cap = format_clock(cap_s)
        raise ResultError(
            kind,
            f"`{shown}` is over this workout's {cap} time cap. Log your time if you finished, "
            f"e.g. `{example}`; if the cap stopped you, log `{cap}`.",
        )
    return _result(kind, seconds)


def _parse_sessions(raw: str, shown: str) -> Result:
    kind = ScoringKind.SESSIONS
    if not raw:
        return _result(kind, 1)
    sessions = _count(raw, ("session", "sessions"))
    if sessions is None or not 1 <= sessions <= MAX_SESSIONS_PER_LOG:
        raise ResultError(
            kind,
            f"`{shown}` isn't a number of sessions. This challenge counts sessions completed: leave the "
            f"result empty to log one, or give how many (1 to {MAX_SESSIONS_PER_LOG}), e.g. `1`.",
        )
    return _result(kind, sessions)


def is_better(a: Result, b: Result) -> bool:
    """Whether `a` strictly beats `b`; comparing different kinds is a programming error."""
    if a.kind is not b.kind:
        raise ValueError(f"can't compare a {a.kind} result with a {b.kind} result")
    if is_lower_better(a.kind):
        return a.value < b.value
    return a.value > b.value


def better(a: Result, b: Result) -> Result:
    """The better of two results; on a tie the first, so an earlier log keeps its standing."""
    return b if is_better(b, a) else a


def member_score(kind: ScoringKind, values: Iterable[int]) -> int | None:
    """A member's leaderboard value from all their logs: the sum for sessions, else their best.

    None when they logged nothing, so the caller can list them without a score.
    """
    collected = list(values)
    if not collected:
        return None
    if kind is ScoringKind.SESSIONS:
        return sum(collected)
    return min(collected) if is_lower_better(kind) else max(collected)


def rank_entries(entries: Iterable[tuple[int, int]], kind: ScoringKind) -> list[RankedEntry]:
    """Order (member_id, value) pairs best first with competition ranking: ties share a rank (1, 2, 2, 4).

    Tied members keep the order they were given in, so a caller that passes entries in
    the order the scores were reached shows the first to reach a score first.
    """
    pairs = list(entries)
    seen: set[int] = set()
    for member_id, _ in pairs:
        if member_id in seen:
            raise ValueError(f"member {member_id} appears twice; pass one value per member")
        seen.add(member_id)
    lower_better = is_lower_better(kind)
    ordered = sorted(pairs, key=lambda pair: pair[1] if lower_better else -pair[1])
    ranked: list[RankedEntry] = []
    for position, (member_id, value) in enumerate(ordered, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].value == value else position
        ranked.append(RankedEntry(rank, member_id, value))
    return ranked


def podium(ranked: Sequence[RankedEntry]) -> list[PodiumPlace]:
    """Ranks 1 to 3 from `rank_entries` output, each with all members tied on it.

    With ranks 1, 2, 2, 4 the podium is rank 1 and a shared rank 2; a four-way tie for
    first is one place with four members.
    """
    places: list[PodiumPlace] = []
    for entry in ranked:
        if entry.rank > 3:
            break
        if places and places[-1].rank == entry.rank:
            last = places[-1]
            places[-1] = PodiumPlace(last.rank, last.value, (*last.member_ids, entry.member_id))
        else:
            places.append(PodiumPlace(entry.rank, entry.value, (entry.member_id,)))
    return places
