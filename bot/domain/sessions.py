"""Group sessions: their times, who counts as having attended, and the audio cues of a live timer.

Pure functions over plain values. A session's start is typed on the creator's wall clock
and stored as a UTC instant with the creator's zone; a weekly session's next start is the
same local wall-clock time seven local days later, so a 07:00 Saturday class stays at
07:00 across a DST change (its UTC instant moves by the hour instead).

Attendance by voice is measured from the spans a member spent in the session's voice
channel, clipped to the session: at least half of it counts.

The cue schedule says what a voice channel hears while an interval timer runs, as offsets
from the program's zero (the end of the lead-in): a 3-2-1 countdown before every work
phase, a distinct tone at the start of work and of rest, a halfway cue in long phases and
a finish sound at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain import localtime
from bot.domain.durations import DurationError, format_duration, parse_duration
from bot.domain.intervals import Phase

#: How long a session lasts when no duration is given.
DEFAULT_DURATION_S = 60 * 60
MIN_DURATION_S = 5 * 60
MAX_DURATION_S = 6 * 60 * 60
#: When the reminder DM goes out, before the start.
REMINDER_LEAD = timedelta(minutes=30)
#: `I was there` counts from the start until this long after the end.
THERE_WINDOW = timedelta(hours=2)
#: A member in the voice channel this long before the start is already counted from the start.
VOICE_EARLY = timedelta(hours=1)
#: Phases at least this long get a halfway cue.
HALFWAY_MIN_S = 60
#: The countdown before a work phase: 3, 2, 1.
COUNTDOWN = (3, 2, 1)

Sound = Literal["count", "work", "rest", "half", "finish"]
SOUNDS: tuple[Sound, ...] = ("count", "work", "rest", "half", "finish")


class SessionInputError(ValueError):
    """Input a member can fix; the message says what was wrong."""


# -- times ------------------------------------------------------------------------------------------


def parse_session_duration(text: str | None) -> int:
    """Seconds in ``45m``, ``1h30m`` or ``1:30:00``; the default hour when not given."""
    if text is None or not text.strip():
        return DEFAULT_DURATION_S
    try:
        seconds = parse_duration(text.strip())
    except DurationError:
        raise SessionInputError(f"`{text.strip()[:30]}` isn't a duration I can read.") from None
    if seconds < MIN_DURATION_S:
        raise SessionInputError(f"A session lasts at least {format_duration(MIN_DURATION_S)}.")
    if seconds > MAX_DURATION_S:
        raise SessionInputError(
            f"A session lasts at most {format_duration(MAX_DURATION_S)}; "
            f"{format_duration(seconds)} is longer. Split it into two sessions."
        )
    return seconds


START_FORMAT = "%Y-%m-%d %H:%M"
_START_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})")


def example_start(now: datetime, zone: ZoneInfo) -> str:
    """Tomorrow at 08:00 on the member's clock, as they would type it."""
    return (localtime.local_date(now, zone) + timedelta(days=1)).strftime("%Y-%m-%d") + " 08:00"


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """``YYYY-MM-DD HH:MM`` on the member's wall clock, as a UTC instant (DST rules of localtime)."""
    raw = " ".join(text.split())
    match = _START_RE.fullmatch(raw)
    if match is None:
        raise SessionInputError(
            f"`{raw[:30]}` isn't a date and time. Give the start as `YYYY-MM-DD HH:MM` in your time zone "
            f"({zone.key})."
        )
    year, month, day, hour, minute = (int(g) for g in match.groups())
    try:
        on = date(year, month, day)
        at = time(hour, minute)
    except ValueError:
        raise SessionInputError(f"`{raw[:30]}` isn't a real date and time.") from None
    return localtime.local_to_utc(on, at, zone)


def next_weekly(start: datetime, zone: ZoneInfo, weeks: int = 1) -> datetime:
    """The same wall-clock time ``weeks`` weeks after ``start`` (before it, when negative),
    DST-correct, as UTC."""
    local = localtime.to_local(start, zone)
    wall = time(local.hour, local.minute)
    return localtime.local_to_utc(local.date() + timedelta(days=7 * weeks), wall, zone)


def reminder_due(start: datetime, zone: ZoneInfo, quiet: localtime.QuietHours) -> datetime:
    """When a member's reminder goes out: 30 minutes before the start, outside their quiet hours
    unless the session itself is inside them (then it comes on time: they chose to train then)."""
    due = start - REMINDER_LEAD
    if quiet.contains(localtime.to_local(start, zone).time()):
        return due
    return min(localtime.move_out_of_quiet_hours(due, zone, quiet), start)


# -- attendance -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch a member spent in the voice channel; ``left`` None while still there."""

    joined: datetime
    left: datetime | None = None


def seconds_inside(spans: Iterable[Span], start: datetime, end: datetime) -> float:
    """Seconds of ``[start, end)`` covered by the spans (overlaps counted once)."""
    clipped = sorted(
        (max(s.joined, start), min(s.left or end, end)) for s in spans if (s.left or end) > start
    )
    total = 0.0
    cursor = start
    for lo, hi in clipped:
        lo = max(lo, cursor)
        if hi > lo:
            total += (hi - lo).total_seconds()
            cursor = hi
    return total


def attended(spans: Iterable[Span], start: datetime, end: datetime) -> bool:
    """At least half the session spent in its voice channel."""
    return seconds_inside(spans, start, end) * 2 >= (end - start).total_seconds()


# -- audio cues -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Cue:
    """One sound at ``at_s`` seconds from the program's zero (negative during the lead-in)."""

    at_s: float
    sound: Sound


def cue_schedule(phases: Sequence[Phase]) -> list[Cue]:
    """Every cue of a program, in time order (see the module docstring)."""
    cues: list[Cue] = []
    for phase in phases:
        start = float(phase.start_offset_s)
        if phase.kind == "work":
            cues += [Cue(start - n, "count") for n in COUNTDOWN]
            cues.append(Cue(start, "work"))
        else:
            cues.append(Cue(start, "rest"))
        if phase.duration_s >= HALFWAY_MIN_S:
            cues.append(Cue(start + phase.duration_s / 2, "half"))
    if phases:
        cues.append(Cue(float(phases[-1].end_offset_s), "finish"))
    # Where two cues fall together (a halfway cue on a countdown beat), the phase's own sound wins.
    cues.sort(key=lambda c: (c.at_s, c.sound == "count"))
    deduped: list[Cue] = []
    for cue in cues:
        if deduped and abs(deduped[-1].at_s - cue.at_s) < 1e-9:
            continue
        deduped.append(cue)
    return deduped
