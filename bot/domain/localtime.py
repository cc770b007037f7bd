"""Member-local time: zones, times of day, weekday sets, daily fire times and quiet hours.

Everything inside the bot is an aware UTC instant; a member's zone (an IANA name) only
matters when turning "07:30 on weekdays" into instants and back. This module is that
edge, kept pure (no clock reads: callers pass ``after``/``now``) so the DST rules can be
tested exhaustively.

The rule for "local time T on local day D" used everywhere here is:

    the first instant of local day D at which the member's clock shows T or later.

That single sentence settles the awkward days. On a normal day it is exactly T. When
the clocks spring forward over T (02:30 on the US spring-forward day), it is the moment
the clocks jump, i.e. the first valid minute after the gap (03:00). When the clocks fall
back and T happens twice, it is the first occurrence. So a daily reminder fires exactly
once on every chosen local day, including both days the clocks change.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.triggers.cron import CronTrigger

__all__ = [
    "ALL_DAYS",
    "DEFAULT_QUIET_HOURS",
    "WEEKDAYS",
    "WEEKEND",
    "QuietHours",
    "TimeInputError",
    "format_days",
    "local_date",
    "local_midnight_utc",
    "local_to_utc",
    "move_out_of_quiet_hours",
    "next_daily_fire",
    "parse_days",
    "parse_hhmm",
    "parse_zone",
    "to_local",
    "zone_suggestions",
]


class TimeInputError(ValueError):
    """Member input about time (zone, time of day, days) that cannot be used.

    The message is written for the member: it says what was wrong and shows an example
    that works, so a command can show it as-is.
    """


def _echo(text: str, limit: int = 40) -> str:
    """Member text made safe to show inside inline code in an error message."""
    cleaned = " ".join(text.replace("`", "'").split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _require_aware(value: datetime, name: str) -> None:
    # A naive datetime here is a programming error (the bot is UTC inside), not member input.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


# ---------------------------------------------------------------------------------------
# Zones
# ---------------------------------------------------------------------------------------

# Names present in tz databases that are not places: they depend on the host machine
# ("localtime"), are placeholders ("Factory") or are file-system artefacts.
_NOT_ZONES = frozenset({"local", "localtime", "factory", "posixrules", "posix", "right"})

# Areas whose names are real places; everything else (US/*, Etc/*, "EST5EDT", …) is a
# legacy alias that still parses but is not offered in autocomplete.
_PLACE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)

# Shown first when a member opens the autocomplete without typing, and ranked first
# among equally good matches: most members live in one of these.
_COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Asia/Shanghai",
    "Asia/Seoul",
)

_ZONE_EXAMPLE = "Use an IANA name such as `Europe/Berlin` or `America/New_York`."


def _fold(text: str) -> str:
    """Comparison key: case, spaces and hyphens don't matter ("new york" ~ "New_York")."""
    return re.sub(r"[\s\-_]+", "_", text.strip().lower())


@functools.cache
def _zone_index() -> dict[str, str]:
    """Folded name → canonical IANA name, for every zone this machine can load.

    Built once: scanning the tz database takes tens of milliseconds.
    """
    return {_fold(name): name for name in available_timezones() if name.lower() not in _NOT_ZONES}


@functools.cache
def _place_zones() -> tuple[str, ...]:
    """Zones offered in autocomplete, common ones first, then alphabetical."""
    names = set(_zone_index().values())
    places = {n for n in names if n.split("/", 1)[0] in _PLACE_AREAS or n == "UTC"}
    common = [n for n in _COMMON_ZONES if n in names]
    return tuple(common + sorted(places - set(common)))


@functools.cache
def _places_by_city() -> dict[str, list[str]]:
    """Folded last part of each place zone ("new_york") → the zones ending with it."""
    index: dict[str, list[str]] = {}
    for zone in _place_zones():
        index.setdefault(_fold(zone.rsplit("/", 1)[-1]), []).append(zone)
    return index


def _unique_place(key: str) -> str | None:
    """The zone a bare city name ("berlin", "new york") names, when exactly one does."""
    zones = _places_by_city().get(key, [])
    return zones[0] if len(zones) == 1 else None


def _close_zones(key: str) -> list[str]:
    """Zones whose name or city is spelled almost like the key (for "Did you mean …?")."""
    cities = _places_by_city()
    full = {_fold(zone): zone for zone in _place_zones()}
    matches = difflib.get_close_matches(key, [*full, *cities], n=3, cutoff=0.8)
    found: list[str] = []
    for match in matches:
        for zone in [full[match]] if match in full else cities[match]:
            if zone not in found:
                found.append(zone)
    return found[:3]


def parse_zone(name: str) -> ZoneInfo:
    """The member's zone from its IANA name, matched case-insensitively.

    Only names from the tz database are accepted (never file paths, never the host's
    "localtime"), so what is stored is portable between machines. A bare city that
    names exactly one zone ("Berlin", "new york") is accepted as that zone, because
    that is what a member who types it means.
    """
    if not name or not name.strip():
        raise TimeInputError(f"Please give a time zone. {_ZONE_EXAMPLE}")
    key = _fold(name)
    canonical = _zone_index().get(key) or _unique_place(key)
    if canonical is None:
        message = f"Unknown time zone `{_echo(name)}`. {_ZONE_EXAMPLE}"
        close = zone_suggestions(name, limit=3) or _close_zones(key)
        if close:
            message += " Did you mean " + ", ".join(f"`{z}`" for z in close) + "?"
        raise TimeInputError(message)
    return ZoneInfo(canonical)


def zone_suggestions(query: str, limit: int = 25) -> list[str]:
    """Zone names for the `/settings timezone` autocomplete (Discord shows at most 25).

    Ranking: names starting with the query, then names with a place part starting with
    it (so "berl" finds Europe/Berlin and "new york" finds America/New_York), then names
    containing it anywhere; common zones first within each group.
    """
    if limit <= 0:
        return []
    key = _fold(query[:100])
    if not key:
        return list(_place_zones()[:limit])
    ranked: tuple[list[str], list[str], list[str]] = ([], [], [])
    exact_alias = _zone_index().get(key)
    for zone in _place_zones():
        folded = _fold(zone)
        if folded.startswith(key):
            ranked[0].append(zone)
        elif any(part.startswith(key) for part in folded.split("/")[1:]):
            ranked[1].append(zone)
        elif key in folded:
            ranked[2].append(zone)
    results = ranked[0] + ranked[1] + ranked[2]
    if exact_alias is not None and exact_alias not in results:
        # A legacy name typed in full (e.g. "US/Eastern") still parses; offer it.
        results.insert(0, exact_alias)
    return results[:limit]


# ---------------------------------------------------------------------------------------
# Times of day
# ---------------------------------------------------------------------------------------

_TIME_EXAMPLE = "Use 24-hour HH:MM, e.g. `07:30` or `19:05` (`7pm` and `6:45am` work too)."
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
_AMPM = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?")


def parse_hhmm(text: str) -> time:
    """A time of day from `07:30`, `7:30`, `19:05`, `7pm` or `6:45 am`.

    `7.30` and a bare `7` are refused rather than guessed: a reminder at the wrong hour
    is worse than asking again.
    """
    raw = text.strip().lower() if text else ""
    if not raw:
        raise TimeInputError(f"Please give a time. {_TIME_EXAMPLE}")
    shown = _echo(text)
    if match := _HHMM.fullmatch(raw):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23:
            raise TimeInputError(f"`{shown}` is not a time of day: hours go from 00 to 23. {_TIME_EXAMPLE}")
    elif match := _AMPM.fullmatch(raw):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            raise TimeInputError(
                f"`{shown}` is not a time of day: with am/pm the hour goes from 1 to 12, "
                "e.g. `7pm` or `6:45am` (or 24-hour `19:00`)."
            )
        hour = hour % 12 + (12 if match.group(3) == "p" else 0)
    else:
        raise TimeInputError(f"`{shown}` is not a time I can read. {_TIME_EXAMPLE}")
    if minute > 59:
        raise TimeInputError(f"`{shown}` is not a time of day: minutes go from 00 to 59. {_TIME_EXAMPLE}")
    return time(hour, minute)


# ---------------------------------------------------------------------------------------
# Weekday sets (0 = Monday … 6 = Sunday, as in date.weekday())
# ---------------------------------------------------------------------------------------

ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKEND: frozenset[int] = frozenset({5, 6})

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mo"),
        ("tue", "tues", "tuesday", "tu"),
        ("wed", "weds", "wednesday", "we"),
        ("thu", "thur", "thurs", "thursday", "th"),
        ("fri", "friday", "fr"),
        ("sat", "saturday", "sa"),
        ("sun", "sunday", "su"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index
_DAY_GROUPS: dict[str, frozenset[int]] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "weekends": WEEKEND,
    "weekend": WEEKEND,
}
_DAY_FILLERS = frozenset({"and", "every", "on"})
_DAYS_EXAMPLE = "Use day names or ranges, e.g. `mon-fri`, `mon,wed,fri`, `weekends` or `daily`."


def _day(token: str, whole: str) -> int:
    day = _DAY_NAMES.get(token.rstrip("."))
    if day is None:
        where = f" in `{_echo(whole)}`" if token != whole.strip().lower() else ""
        raise TimeInputError(f"Unknown day `{_echo(token)}`{where}. {_DAYS_EXAMPLE}")
    return day


def parse_days(text: str) -> frozenset[int]:
    """The weekdays a member picked: `mon-fri`, `mon,wed,fri`, `weekends`, `sat-mon`, ….

    Nothing (or `daily`/`every day`) means every day, the natural default for a reminder.
    A range wraps past Sunday (`fri-mon` = Fri, Sat, Sun, Mon) because that is what a
    member writing it means.
    """
    raw = (text or "").strip().lower()
    normalised = re.sub(r"every\s*day", "daily", raw)
    normalised = re.sub(r"\s*(?:[-–—]|\bto\b|\bthrough\b|\bthru\b)\s*", "-", normalised)
    tokens = [t for t in re.split(r"[\s,;/&+]+", normalised) if t and t not in _DAY_FILLERS]
    if not tokens:
        return ALL_DAYS
    days: set[int] = set()
    for token in tokens:
        if token in _DAY_GROUPS:
            days |= _DAY_GROUPS[token]
        elif "-" in token:
            parts = token.split("-")
            if len(parts) != 2 or not all(parts):
                raise TimeInputError(
                    f"`{_echo(token)}` is not a day range. Write a range as `mon-fri` "
                    "(one that wraps past Sunday, like `sat-mon`, works too)."
                )
            first, last = _day(parts[0], text), _day(parts[1], text)
            span = (last - first) % 7
            days.update((first + step) % 7 for step in range(span + 1))
        else:
            days.add(_day(token, text))
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    """Readable weekday set: "Every day", "Mon–Fri", "Weekends", "Mon, Wed, Fri", "Sat–Mon".

    Runs of three or more days become ranges (wrapping past Sunday); the text parses
    back to the same set with parse_days.
    """
    chosen = frozenset(days)
    if not chosen or not chosen <= ALL_DAYS:
        raise ValueError(f"days must be a non-empty subset of 0..6, got {sorted(chosen)}")
    if chosen == ALL_DAYS:
        return "Every day"
    if chosen == WEEKEND:
        return "Weekends"
    # Start right after a day that is not chosen so that a run never straddles the start.
    start = next(d for d in range(7) if d in chosen and (d - 1) % 7 not in chosen)
    ordered = [(start + i) % 7 for i in range(7)]
    runs: list[list[int]] = []
    for day in ordered:
        if day not in chosen:
            continue
        if runs and (runs[-1][-1] + 1) % 7 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    # Ranges for runs of three or more, single days otherwise, listed from Monday (a
    # range that wraps past Sunday is listed by its first day).
    items: list[tuple[int, str]] = []
    for run in runs:
        if len(run) >= 3:
            items.append((run[0], f"{_DAY_ABBR[run[0]]}–{_DAY_ABBR[run[-1]]}"))
        else:
            items.extend((d, _DAY_ABBR[d]) for d in run)
    parts = [text for _, text in sorted(items)]
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------
# Instants ⇄ local wall-clock time
# ---------------------------------------------------------------------------------------


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The instant as the member's wall clock shows it (fold set on repeated hours)."""
    _require_aware(instant, "instant")
    return instant.astimezone(zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The member's "today" at that instant."""
    return to_local(instant, zone).date()


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall time is shown by the zone's clock at some instant."""
    aware = wall.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """For a wall time skipped by a forward jump: the instant the clocks jumped (UTC).

    Read with the offset before the jump (fold=0) the wall time lands after the jump;
    read with the offset after it (fold=1) it lands before. The jump lies between, and
    tz transitions fall on whole seconds, so a binary search over seconds finds it.
    """
    late = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    early = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    lo, hi = min(early, late) - 1, max(early, late) + 1
    # Invariant: the clock at second `lo` shows less than `wall`, at second `hi` at least `wall`.
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant of local day `day` at which the clock shows `at` or later (UTC).

    Exactly `at` on a normal day; the first occurrence when the clocks fall back over
    it; the moment of the jump when they spring forward over it. In the rare case that
    no such instant exists on that day (a day skipped entirely by a zone), the result is
    the end of the gap, which lies on a later local day; callers that need "on that day"
    check local_date of the result.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None))
    if _exists(wall, zone):
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return _gap_end(wall, zone)


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """Start of the member's local day (a day whose midnight is skipped starts at the jump)."""
    return local_to_utc(day, time(0), zone)


# ---------------------------------------------------------------------------------------
# Daily fire times
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _wall_clock_trigger(hour: int, minute: int, second: int, days: frozenset[int]) -> CronTrigger:
    """A cron trigger that runs on naive wall-clock time (expressed as UTC, which has no DST)."""
    day_of_week = ",".join(str(d) for d in sorted(days))
    return CronTrigger(day_of_week=day_of_week, hour=hour, minute=minute, second=second, timezone=UTC)


def next_daily_fire(local_time: time, zone: ZoneInfo, days: frozenset[int], after: datetime) -> datetime:
    """The next delivery of a "daily at `local_time` on `days`" schedule, strictly after `after`.

    Returns an aware UTC instant: the first instant of the next chosen local day at
    which the clock shows `local_time` or later (see the module docstring). Strictly
    after, so a delivery that has just fired at `after` is not scheduled again.

    APScheduler's CronTrigger is used on the wall clock, not in the member's zone: run
    in the zone directly, APScheduler 3.11 fires twice on the fall-back day (and, asked
    again just after the second fire, keeps returning that same instant), fires a gap
    time such as 02:30 at 03:30 instead of 03:00, can skip the spring-forward day
    altogether when asked just before the jump, and returns `now` itself when `now` is
    a fire time. So the trigger picks the next matching wall-clock date and time in a
    zone without DST, and local_to_utc maps it to an instant with the rule above; a
    candidate not after `after` (the second pass through a repeated hour) or not on its
    own local day (a day the zone skips) moves the search to the next matching day.
    """
    _require_aware(after, "after")
    chosen = frozenset(days)
    if not chosen or not chosen <= ALL_DAYS:
        raise ValueError(f"days must be a non-empty subset of 0..6, got {sorted(chosen)}")
    trigger = _wall_clock_trigger(local_time.hour, local_time.minute, local_time.second, chosen)
    after_utc = after.astimezone(UTC)
    # The member's wall clock at `after`, as a UTC-labelled value for the DST-free trigger.
    cursor = to_local(after_utc, zone).replace(tzinfo=UTC, fold=0)
    # A match is found within a week; a rejected candidate costs one more day. The bound
    # only guards against an impossible endless loop.
    for _ in range(32):
        wall = trigger.get_next_fire_time(None, cursor + timedelta(microseconds=1))
        if wall is None:  # pragma: no cover - no end date is set, so a match always exists
            break
        day, at = wall.date(), wall.time()
        fire = local_to_utc(day, at, zone)
        if fire > after_utc and local_date(fire, zone) == day:
            return fire
        cursor = wall
    raise RuntimeError(f"no fire time found for {local_time} on {sorted(chosen)} in {zone.key} after {after}")


# ---------------------------------------------------------------------------------------
# Quiet hours
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local times during which the bot sends a member nothing; may wrap midnight.

    `start` is inclusive and `end` exclusive, so a check-in due exactly at the end of
    quiet hours goes out on time. start == end means no quiet hours at all.
    """

    start: time
    end: time

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    def contains(self, at: time) -> bool:
        """Whether a local time of day falls inside quiet hours."""
        at = at.replace(tzinfo=None, fold=0)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end

    def __str__(self) -> str:
        if not self.enabled:
            return "off"
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


DEFAULT_QUIET_HOURS = QuietHours(time(22, 0), time(8, 0))


def move_out_of_quiet_hours(instant_utc: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime:
    """The instant itself, or, if the member's clock is inside quiet hours then, the end of them.

    The end is found on the right local day (the same day for an early-morning time,
    the next day when quiet hours wrap past midnight and it is late evening) with the
    same DST rule as daily reminders. The result is never earlier than the input: in
    the second pass through a repeated hour the later occurrence of the end is used.
    """
    _require_aware(instant_utc, "instant_utc")
    instant = instant_utc.astimezone(UTC)
    local = to_local(instant, zone)
    if not quiet.contains(local.time()):
        return instant
    wraps = quiet.start > quiet.end
    end_day = local.date() + timedelta(days=1) if wraps and local.time() >= quiet.start else local.date()
    moved = local_to_utc(end_day, quiet.end, zone)
    if moved > instant:
        return moved
    # Clocks fell back and we are in the repeated hour, past the first occurrence of the end.
    second = datetime.combine(end_day, quiet.end).replace(tzinfo=zone, fold=1).astimezone(UTC)
    return second if second > instant else instant
