"""Soreness check-ins: when to ask, when a late ask is pointless, and when to nudge (SPEC §5).

Delayed-onset muscle soreness peaks 24–72 h after training and then eases. So the bot
asks at +24 h and +48 h, asks again at +72 h only when the 48 h answer was 4 or more,
and suggests the triage flow when soreness is still high late or is getting worse when
it should be getting better. Some ratings get that suggestion at once, whenever they are
given: a very high one (8 or more), and one in a place where pain can be a warning sign
(chest, back, neck, head, jaw, groin, belly; see rating_nudge).

One check-in per local day. A member who trains on consecutive days would otherwise be
asked twice on some days. A check-in asks "how sore are you now?", which one answer
covers, so a check-in that would land on a local day that already has one is skipped.
The rating given on that day is a rating of the member at that moment. It belongs to
the member's latest workout logged before it was given (the soreness the member feels
is mostly from the most recent session), and rating_points builds the series for one
workout on that basis.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.localtime import QuietHours, local_date, move_out_of_quiet_hours
from bot.domain.text import plural

__all__ = [
    "CHECKIN_OFFSETS_H",
    "FOLLOWUP_OFFSET_H",
    "Escalation",
    "PlannedCheckin",
    "RatingPoint",
    "SorenessInputError",
    "check_level",
    "checkin_is_stale",
    "escalation",
    "hours_after_text",
    "needs_72h_checkin",
    "plan_checkins",
    "plan_followup_72h",
    "rating_nudge",
    "rating_points",
    "reminder_is_stale",
    "warning_area",
]

CHECKIN_OFFSETS_H: tuple[int, ...] = (24, 48)
FOLLOWUP_OFFSET_H = 72
# A 48 h rating at or above this earns the +72 h check-in: still clearly sore on day two.
FOLLOWUP_MIN_LEVEL = 4
# A rating this high at 72 h or later is beyond ordinary soreness at that point.
HIGH_LATE_LEVEL = 7
HIGH_LATE_FROM_H = 72.0
# From here on soreness should be easing, so a rise is worth a look.
RISING_FROM_H = 48.0
# A rating this high is worth a check whenever it is given, even right after a workout.
HIGH_ANY_TIME_LEVEL = 8

# SPEC §5: a check-in more than 72 h after the workout is no longer worth sending.
CHECKIN_STALE_AFTER = timedelta(hours=72)
# SPEC §5: a daily reminder more than 2 h late is dropped. The same grace applies to a
# check-in whose own due time already lies past the 72 h mark (see checkin_is_stale).
LATE_GRACE = timedelta(hours=2)

MIN_LEVEL, MAX_LEVEL = 0, 10
_LEVEL_EXAMPLE = "Use a whole number from 0 (not sore at all) to 10 (worst imaginable), e.g. `3`."


class SorenessInputError(ValueError):
    """A soreness rating a member gave that cannot be used; the message says why and shows one that works."""


def check_level(level: object) -> int:
    """A soreness level validated to a whole number 0–10."""
    if isinstance(level, bool) or not isinstance(level, int):
        raise SorenessInputError(
            f"A soreness level must be a whole number, not `{level!s:.20}`. {_LEVEL_EXAMPLE}"
        )
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise SorenessInputError(
            f"A soreness level goes from 0 to 10; `{level}` is outside that. {_LEVEL_EXAMPLE}"
        )
    return level


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


# ---------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedCheckin:
    """A check-in to schedule: which one it is (hours after the workout) and when (UTC)."""

    offset_h: int
    due_at: datetime


def _plan(
    workout_at: datetime, offset_h: int, zone: ZoneInfo, quiet: QuietHours, taken_days: set[date]
) -> PlannedCheckin | None:
    # Elapsed hours, computed in UTC: adding to a zoned datetime would add wall-clock hours.
    due = move_out_of_quiet_hours(workout_at.astimezone(UTC) + timedelta(hours=offset_h), zone, quiet)
    day = local_date(due, zone)
    if day in taken_days:
        return None
    taken_days.add(day)
    return PlannedCheckin(offset_h=offset_h, due_at=due)


def plan_checkins(
    workout_at: datetime, zone: ZoneInfo, quiet: QuietHours, existing: Iterable[datetime]
) -> list[PlannedCheckin]:
    """The +24 h and +48 h check-ins for a workout just logged.

    Each is moved out of the member's quiet hours. One that would land on a local day
    that already has a check-in (`existing`: the due times of the member's check-ins
    already scheduled) is left out; the one already there asks the same question.
    """
    _require_aware(workout_at, "workout_at")
    taken = {local_date(instant, zone) for instant in existing}
    planned = (_plan(workout_at, offset, zone, quiet, taken) for offset in CHECKIN_OFFSETS_H)
    return [checkin for checkin in planned if checkin is not None]


def needs_72h_checkin(rating_48h: int | None) -> bool:
    """Whether the 48 h answer calls for asking again at 72 h (4 or more; no answer: no)."""
    return rating_48h is not None and check_level(rating_48h) >= FOLLOWUP_MIN_LEVEL


def plan_followup_72h(
    workout_at: datetime, zone: ZoneInfo, quiet: QuietHours, existing: Iterable[datetime]
) -> PlannedCheckin | None:
    """The +72 h check-in (call when needs_72h_checkin), or None if that local day has one."""
    _require_aware(workout_at, "workout_at")
    taken = {local_date(instant, zone) for instant in existing}
    return _plan(workout_at, FOLLOWUP_OFFSET_H, zone, quiet, taken)


# ---------------------------------------------------------------------------------------
# Staleness (late deliveries after downtime)
# ---------------------------------------------------------------------------------------


def checkin_is_stale(workout_at: datetime, now: datetime, *, due_at: datetime | None = None) -> bool:
    """Whether a check-in that is being sent late should be dropped (and recorded as missed).

    The rule: stale once `now` is past the later of
      * workout_at + 72 h (SPEC §5: soreness questions after that are no longer about
        this workout), and
      * due_at + 2 h, for a check-in whose own due time is at or past the 72 h mark
        (the +72 h check-in itself, or one that quiet hours pushed there); without this
        a +72 h check-in would be stale the moment it came due.
    Pass `due_at` whenever it is known (the dispatcher always knows it); without it
    only the 72 h mark applies.
    """
    _require_aware(workout_at, "workout_at")
    _require_aware(now, "now")
    # All in UTC: arithmetic on datetimes sharing a zone is wall-clock arithmetic.
    deadline = workout_at.astimezone(UTC) + CHECKIN_STALE_AFTER
    if due_at is not None:
        _require_aware(due_at, "due_at")
        deadline = max(deadline, due_at.astimezone(UTC) + LATE_GRACE)
    return now.astimezone(UTC) > deadline


def reminder_is_stale(due_at: datetime, now: datetime) -> bool:
    """Whether a daily reminder is too late to be useful (more than 2 h past its time)."""
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    return now.astimezone(UTC) - due_at.astimezone(UTC) > LATE_GRACE


# ---------------------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingPoint:
    """A soreness rating and when it was given, in hours after the workout."""

    hours_after_workout: float
    level: int

    def __post_init__(self) -> None:
        check_level(self.level)
        if not math.isfinite(self.hours_after_workout) or self.hours_after_workout < 0:
            raise ValueError(f"hours_after_workout must be finite and ≥ 0, got {self.hours_after_workout}")


EscalationCode = Literal["high_late", "rising", "high", "area"]


@dataclass(frozen=True, slots=True)
class Escalation:
    """Why the member should be nudged towards the triage flow.

    `code` is stable (for logs, tests and anonymous counts); `reason` is the plain-words
    explanation shown to the member. `hours_after_workout` is None for a rating that
    belongs to no workout; `area` is the worrying place named, if that was a reason.
    """

    code: EscalationCode
    reason: str
    level: int
    hours_after_workout: float | None
    previous_level: int | None = None
    area: str | None = None


def hours_after_text(hours: float) -> str:
    """How long after a workout, in plain words: "less than an hour", "about 1 hour", "about 5 hours"."""
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be finite and ≥ 0, got {hours}")
    if hours < 1:
        return "less than an hour"
    return f"about {plural(round(hours), 'hour')}"


def _when(hours: float) -> str:
    """ "3 days after your workout" near whole days from day two on, else the hours."""
    days = round(hours / 24)
    if days >= 2 and abs(hours - days * 24) <= 2:
        return f"{days} days after your workout"
    if hours < 1:
        return "less than an hour after your workout"
    return f"{plural(int(hours), 'hour')} after your workout"


def escalation(ratings: Sequence[RatingPoint]) -> Escalation | None:
    """Whether the newest rating of one workout's series warrants a nudge to run the triage flow.

    Only the newest rating (the one with the most hours after the workout) is judged:
    the nudge answers the rating the member has just given, and judging older points
    again would repeat a nudge already sent. Earlier ratings serve as the comparison.

    * "high_late": 7 or more at 72 h or later; ordinary soreness is easing by then.
    * "rising": at 48 h or later and higher than the rating before it; soreness that
      grows when it should be fading is a reason to check.
    When both apply, "high_late" is reported (the stronger signal). The nudges that
    do not depend on the series (a very high rating, a worrying area) are added by
    rating_nudge.
    """
    if not ratings:
        return None
    for point in ratings:
        check_level(point.level)
    ordered = sorted(ratings, key=lambda p: p.hours_after_workout)
    latest = ordered[-1]
    previous = ordered[-2] if len(ordered) > 1 else None
    previous_level = previous.level if previous is not None else None
    when = _when(latest.hours_after_workout)
    if latest.hours_after_workout >= HIGH_LATE_FROM_H and latest.level >= HIGH_LATE_LEVEL:
        return Escalation(
            code="high_late",
            reason=(
                f"Your soreness is {latest.level}/10, {when}. Ordinary muscle soreness is easing by "
                "then, so it is worth checking whether this is something else."
            ),
            level=latest.level,
            hours_after_workout=latest.hours_after_workout,
            previous_level=previous_level,
        )
    if previous is not None and latest.hours_after_workout >= RISING_FROM_H and latest.level > previous.level:
        return Escalation(
            code="rising",
            reason=(
                f"Your soreness went up from {previous.level}/10 to {latest.level}/10, {when}. "
                "Ordinary muscle soreness is fading by then, not growing."
            ),
            level=latest.level,
            hours_after_workout=latest.hours_after_workout,
            previous_level=previous.level,
        )
    return None


# Places where pain can be a warning sign rather than training soreness (TRIAGE.md: the
# chest and pain spreading to the jaw or neck (E1), a sudden severe headache (E4), back
# pain with numbness or night pain (E6, S12), a painful lump in the groin or belly
# (E11)). Each is (what the member is told, the words that name it). Words for muscles a
# member trains on purpose ("abs", "pecs", "lats", "traps", "arms") are left out: a
# nudge after every ab day would soon be ignored, and a rating of 8 or more, or one that
# rises or stays high, still gets the nudge there.
_WARNING_AREAS: tuple[tuple[str, str], ...] = (
    ("chest", r"chest|sternum|breast ?bone|ribs?|rib ?cage|heart"),
    ("lower back", r"lower back|low back|lumbar|tail ?bone|coccyx|sacrum"),
    # "back of my thigh" names the thigh, not the back.
    ("back", r"back(?! of\b)|spine|spinal"),
    ("neck", r"neck"),
    ("jaw", r"jaw"),
    ("head", r"head|headache|skull|forehead|temples?"),
    ("groin", r"groin|testicles?|testes|scrotum"),
    ("belly", r"belly|abdomen|abdominal|stomach|tummy"),
)
_WARNING_PATTERNS = tuple((place, re.compile(rf"\b(?:{words})\b")) for place, words in _WARNING_AREAS)


def warning_area(area: str | None) -> str | None:
    """The worrying place an area names ("chest", "lower back", …), or None.

    Matched on whole words, case-insensitively, so "Lower back (left side)" is the lower
    back and "backhand" or "headphones" are nothing.
    """
    if not area:
        return None
    text = " ".join(area.lower().split())
    for place, pattern in _WARNING_PATTERNS:
        if pattern.search(text):
            return place
    return None


def rating_nudge(
    level: int, area: str | None = None, series: Sequence[RatingPoint] = ()
) -> Escalation | None:
    """Whether a rating just given should offer the triage flow, and why in plain words.

    Any of these is enough:
      * the series rule (escalation: high at 72 h or later, or rising after 48 h), for a
        rating that belongs to a workout (`series`: that workout's ratings, this one
        included);
      * a rating of 8 or more, at any time: that much pain is worth a check even right
        after a workout;
      * an area where pain can be a warning sign (warning_area), at any rating.
    The reason never reassures ("you're fine") and never names a condition: it says
    what was noticed, and the check does the rest (TRIAGE.md §6).
    """
    level = check_level(level)
    place = warning_area(area)
    from_series = escalation(series) if series else None
    latest = max(series, key=lambda p: p.hours_after_workout) if series else None
    hours = latest.hours_after_workout if latest is not None else None
    previous = from_series.previous_level if from_series is not None else None
    code: EscalationCode | None = None
    sentences: list[str] = []
    if from_series is not None:
        code = from_series.code
        sentences.append(from_series.reason)
    elif level >= HIGH_ANY_TIME_LEVEL:
        code = "high"
        sentences.append(f"{level}/10 is a lot of pain.")
    if place is not None:
        code = code or "area"
        sentences.append(f"Pain in your {place} can have causes other than training.")
    if code is None:
        return None
    return Escalation(
        code=code,
        reason=" ".join(sentences),
        level=level,
        hours_after_workout=hours,
        previous_level=previous,
        area=place,
    )


def rating_points(workout_at: datetime, rated: Iterable[tuple[datetime, int]]) -> list[RatingPoint]:
    """One workout's rating series from (given_at, level) pairs, oldest first.

    Ratings given before the workout are left out. Pass the member's ratings given
    since this workout and before the next one (see the module docstring for why a
    rating belongs to the latest workout before it).
    """
    _require_aware(workout_at, "workout_at")
    start = workout_at.astimezone(UTC)
    points = []
    for given_at, level in rated:
        _require_aware(given_at, "given_at")
        if given_at >= start:
            hours = (given_at.astimezone(UTC) - start) / timedelta(hours=1)
            points.append(RatingPoint(hours_after_workout=hours, level=level))
    points.sort(key=lambda p: p.hours_after_workout)
    return points
