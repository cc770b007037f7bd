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

from bot.domain.text import code_safe

__all__ = [
    "ALL_DAYS",
    "DEFAULT_QUIET_HOURS",
    "WEEKDAYS",
    "WEEKEND",
    "QuietHours",
    "TimeInputError",
    "ZoneAnswer",
    "ZoneQuestion",
    "fixed_zone_note",
    "format_days",
    "local_date",
    "local_midnight_utc",
    "local_to_utc",
    "move_out_of_quiet_hours",
    "next_daily_fire",
    "parse_days",
    "parse_hhmm",
    "parse_zone",
    "resolve_zone",
    "to_local",
    "zone_suggestions",
    "zones_at_offset",
]


class TimeInputError(ValueError):
    """Member input about time (zone, time of day, days) that cannot be used.

    The message is written for the member: it says what was wrong and shows an example
    that works, so a command can show it as-is.
    """


#: How much of what the member typed an error message echoes back.
ECHO_MAX = 40


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
        message = f"Unknown time zone `{code_safe(name, ECHO_MAX)}`. {_ZONE_EXAMPLE}"
        close = zone_suggestions(name, limit=3) or _close_zones(key)
        if close:
            message += " Did you mean " + ", ".join(f"`{z}`" for z in close) + "?"
        raise TimeInputError(message)
    return ZoneInfo(canonical)


# ---------------------------------------------------------------------------------------
# Abbreviations and fixed offsets
# ---------------------------------------------------------------------------------------

# Zones to rank first among those at a given offset, beyond the common ones: the large
# cities of each offset, roughly by how many people live there.
_MAJOR_ZONES = (
    "Europe/Istanbul",
    "Europe/Moscow",
    "Asia/Riyadh",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Europe/Athens",
    "Europe/Kyiv",
    "Asia/Karachi",
    "Asia/Tashkent",
    "Asia/Yekaterinburg",
    "Asia/Dhaka",
    "Asia/Almaty",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Ho_Chi_Minh",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Australia/Perth",
    "Australia/Brisbane",
    "Australia/Melbourne",
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Colombo",
    "Asia/Kathmandu",
    "Asia/Yangon",
    "Australia/Adelaide",
    "Pacific/Fiji",
    "Pacific/Tongatapu",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Vancouver",
    "America/Edmonton",
    "America/Winnipeg",
    "America/Bogota",
    "America/Lima",
    "America/Halifax",
    "America/Santiago",
    "America/Caracas",
    "America/Montevideo",
    "America/St_Johns",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Africa/Accra",
    "Europe/Rome",
)

# Abbreviations members type for a zone: its offset (None where the letters name no one
# offset, like "ET") and the places it most likely means, most likely first. Letters
# that mean two things (CST: US Central or China; IST: India, Ireland or Israel) list
# both. Offsets are standard time unless the letters name summer time (EDT, CEST, …).
_H = timedelta(hours=1)
_M = timedelta(minutes=1)
_US_EAST = ("America/New_York", "America/Toronto", "America/Detroit", "America/Indiana/Indianapolis")
_US_CENTRAL = ("America/Chicago", "America/Winnipeg")
_US_MOUNTAIN = ("America/Denver", "America/Edmonton", "America/Boise")
_US_PACIFIC = ("America/Los_Angeles", "America/Vancouver", "America/Tijuana")
_EU_CENTRAL = (
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Vienna",
)
_EU_EAST = ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Bucharest", "Europe/Sofia")
_EU_WEST = ("Europe/Lisbon", "Atlantic/Canary", "Atlantic/Madeira")
_AU_EAST = ("Australia/Sydney", "Australia/Melbourne", "Australia/Hobart")
_ABBREVIATIONS: dict[str, tuple[timedelta | None, tuple[str, ...]]] = {
    "EST": (-5 * _H, (*_US_EAST, "America/Panama", "America/Jamaica", "America/Cancun")),
    "EDT": (-4 * _H, _US_EAST),
    "ET": (None, _US_EAST),
    "EASTERN": (None, _US_EAST),
    "CST": (-6 * _H, (*_US_CENTRAL, "America/Mexico_City", "America/Regina", "Asia/Shanghai")),
    "CDT": (-5 * _H, _US_CENTRAL),
    "CT": (None, _US_CENTRAL),
    "CENTRAL": (None, _US_CENTRAL),
    "MST": (-7 * _H, (*_US_MOUNTAIN, "America/Phoenix")),
    "MDT": (-6 * _H, _US_MOUNTAIN),
    "MT": (None, (*_US_MOUNTAIN, "America/Phoenix")),
    "MOUNTAIN": (None, (*_US_MOUNTAIN, "America/Phoenix")),
    "PST": (-8 * _H, (*_US_PACIFIC, "Asia/Manila")),
    "PDT": (-7 * _H, _US_PACIFIC),
    "PT": (None, _US_PACIFIC),
    "PACIFIC": (None, _US_PACIFIC),
    "AKST": (-9 * _H, ("America/Anchorage",)),
    "AKDT": (-8 * _H, ("America/Anchorage",)),
    "HST": (-10 * _H, ("Pacific/Honolulu",)),
    "AST": (-4 * _H, ("America/Halifax", "America/Puerto_Rico", "America/Santo_Domingo", "Asia/Riyadh")),
    "ADT": (-3 * _H, ("America/Halifax",)),
    "NST": (-(3 * _H + 30 * _M), ("America/St_Johns",)),
    "NDT": (-(2 * _H + 30 * _M), ("America/St_Johns",)),
    "BRT": (-3 * _H, ("America/Sao_Paulo",)),
    "ART": (-3 * _H, ("America/Argentina/Buenos_Aires",)),
    "GMT": (
        timedelta(0),
        ("Europe/London", "Europe/Dublin", "Europe/Lisbon", "Africa/Accra", "Africa/Abidjan"),
    ),
    "BST": (_H, ("Europe/London", "Asia/Dhaka")),
    "IST": (5 * _H + 30 * _M, ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
    "WET": (timedelta(0), _EU_WEST),
    "WEST": (_H, _EU_WEST),
    "CET": (_H, _EU_CENTRAL),
    "MET": (_H, _EU_CENTRAL),
    "CEST": (2 * _H, _EU_CENTRAL),
    "EET": (2 * _H, (*_EU_EAST, "Africa/Cairo")),
    "EEST": (3 * _H, _EU_EAST),
    "MSK": (3 * _H, ("Europe/Moscow",)),
    "WAT": (_H, ("Africa/Lagos", "Africa/Kinshasa")),
    "CAT": (2 * _H, ("Africa/Maputo", "Africa/Harare", "Africa/Lusaka")),
    "SAST": (2 * _H, ("Africa/Johannesburg",)),
    "EAT": (3 * _H, ("Africa/Nairobi", "Africa/Addis_Ababa", "Africa/Dar_es_Salaam")),
    "GST": (4 * _H, ("Asia/Dubai", "Asia/Muscat")),
    "PKT": (5 * _H, ("Asia/Karachi",)),
    "ICT": (7 * _H, ("Asia/Bangkok", "Asia/Ho_Chi_Minh")),
    "WIB": (7 * _H, ("Asia/Jakarta",)),
    "SGT": (8 * _H, ("Asia/Singapore",)),
    "HKT": (8 * _H, ("Asia/Hong_Kong",)),
    "PHT": (8 * _H, ("Asia/Manila",)),
    "AWST": (8 * _H, ("Australia/Perth",)),
    "JST": (9 * _H, ("Asia/Tokyo",)),
    "KST": (9 * _H, ("Asia/Seoul",)),
    "ACST": (9 * _H + 30 * _M, ("Australia/Adelaide", "Australia/Darwin")),
    "ACDT": (10 * _H + 30 * _M, ("Australia/Adelaide",)),
    "AEST": (10 * _H, (*_AU_EAST, "Australia/Brisbane")),
    "AEDT": (11 * _H, _AU_EAST),
    "NZST": (12 * _H, ("Pacific/Auckland",)),
    "NZDT": (13 * _H, ("Pacific/Auckland",)),
}
# Names for UTC itself. UTC is a fine choice for a member who wants it, so it is set
# with a note rather than a question.
_UTC_NAMES = frozenset(
    {"utc", "etc/utc", "uct", "etc/uct", "universal", "etc/universal", "zulu", "etc/zulu", "z"}
)
_UTC_CANONICAL = frozenset(
    {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}
)
# Names for GMT without an offset: a member in the UK typing "GMT" usually means London time.
_GMT_NAMES = frozenset({"gmt", "etc/gmt", "gmt0", "etc/gmt0", "greenwich", "etc/greenwich"})
# "UTC+3", "GMT-05:00", "+5:30", "UTC+0530", and the tz database's own Etc/GMT-5 (whose
# sign is the reverse: Etc/GMT-5 is five hours *ahead* of UTC, a POSIX convention).
_OFFSET = re.compile(
    r"(?P<prefix>etc/gmt|etc/utc|utc|gmt)?\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?"
)
_ETC_OFFSET = re.compile(r"Etc/GMT[+\-][1-9][0-9]?")
# How many zone buttons a question offers: two rows of five, the keep button on a third.
QUESTION_CHOICES = 10


@dataclass(frozen=True, slots=True)
class ZoneAnswer:
    """A zone to set straight away, with a note for the member when one is due."""

    zone: ZoneInfo
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ZoneQuestion:
    """What to ask a member who typed an abbreviation or a fixed offset instead of a place.

    `choices` are the likely places (IANA names), most likely first; `keep` is the
    tz-database name that keeps what they typed (None when there is none, as for IST's
    +5:30), and `keep_label` the words for that button.
    """

    typed: str
    explanation: str
    choices: tuple[str, ...]
    keep: str | None
    keep_label: str | None


def _offset_text(offset: timedelta) -> str:
    """ "UTC+5", "UTC-3:30", "UTC+0"."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _etc_zone(offset: timedelta) -> str | None:
    """The tz database's fixed zone for a whole-hour offset (UTC+5 is Etc/GMT-5), if any."""
    minutes = round(offset.total_seconds() / 60)
    if minutes % 60:
        return None
    hours = minutes // 60
    if hours == 0:
        return "Etc/GMT"
    if not -12 <= hours <= 14:
        return None
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _has_dst(zone: ZoneInfo, now: datetime) -> bool:
    """Whether the zone's offset changes during the year of `now`."""
    year = now.astimezone(UTC).year
    offsets = {
        datetime(year, month, 15, 12, tzinfo=UTC).astimezone(zone).utcoffset() for month in (1, 4, 7, 10)
    }
    return len(offsets) > 1


def fixed_zone_note(zone: ZoneInfo, now: datetime) -> str | None:
    """A line for a member whose zone is not a place and never changes for daylight saving.

    "EST is UTC-5 all year: it never changes for daylight saving." Places (Asia/Tokyo)
    and zones that do change (CET) get None.
    """
    _require_aware(now, "now")
    abbreviation = zone.key.upper() in _ABBREVIATIONS or _fold(zone.key) in _GMT_NAMES
    if not (abbreviation or zone.key.startswith("Etc/") or zone.key in _UTC_CANONICAL):
        return None  # a place, or a legacy alias of one ("Japan", "US/Eastern")
    if _has_dst(zone, now):
        return None
    offset = now.astimezone(zone).utcoffset() or timedelta(0)
    if zone.key in _UTC_CANONICAL:
        return (
            "UTC never changes for daylight saving. If your clocks change in spring and autumn, "
            "pick your city instead (e.g. `Europe/London`), so reminders follow them."
        )
    reversed_sign = (
        " (the tz database writes the sign the other way round)" if _ETC_OFFSET.fullmatch(zone.key) else ""
    )
    return (
        f"{zone.key} is {_offset_text(offset)} all year{reversed_sign}: it never changes for daylight "
        "saving. If your clocks do, pick your city instead."
    )


_WELL_KNOWN = len({*_COMMON_ZONES, *_MAJOR_ZONES} - {"UTC"})


@functools.cache
def _zone_rank() -> dict[str, int]:
    """Position of each city zone when ranking choices: common, then major, then the rest."""
    rank: dict[str, int] = {}
    for zone in (*_COMMON_ZONES, *_MAJOR_ZONES, *_place_zones()):
        if "/" in zone:
            rank.setdefault(zone, len(rank))
    return rank


def zones_at_offset(offset: timedelta, now: datetime) -> list[str]:
    """City zones whose clocks show UTC plus `offset` at `now`, most likely first.

    When some of them are well-known cities (the common and major zones), only those;
    else the first few of the rest, so a question never lists obscure aliases.
    """
    _require_aware(now, "now")
    rank = _zone_rank()
    matches = [zone for zone in rank if now.astimezone(ZoneInfo(zone)).utcoffset() == offset]
    well_known = [zone for zone in matches if rank[zone] < _WELL_KNOWN]
    return well_known or matches[:5]


def _parse_offset(text: str) -> timedelta | None:
    """The offset in "UTC+3", "gmt-5:30", "+0530" or "Etc/GMT-5" (= UTC+5), or None."""
    match = _OFFSET.fullmatch("".join(text.lower().split()))
    if match is None:
        return None
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    negative = match["sign"] != "+"
    if match["prefix"] == "etc/gmt":
        negative = not negative  # POSIX: Etc/GMT-5 is UTC+5
    return -offset if negative else offset


def _question(
    typed: str, label: str, offset: timedelta | None, choices: Iterable[str], now: datetime
) -> ZoneQuestion:
    loadable = set(_zone_index().values())
    places = [zone for zone in dict.fromkeys(choices) if zone in loadable][:QUESTION_CHOICES]
    keep = label if label in loadable else _etc_zone(offset) if offset is not None else None
    shown = f"`{code_safe(typed, ECHO_MAX)}`"
    keep_label: str | None = None
    if keep is None:
        if not places:
            raise TimeInputError(f"No time zone matches `{code_safe(typed, ECHO_MAX)}`. {_ZONE_EXAMPLE}")
        meaning = "can mean more than one time zone" if len(places) > 1 else "is not a place"
        explanation = f"{shown} {meaning}. Pick where you are:"
    elif _has_dst(ZoneInfo(keep), now):
        keep_label = f"Keep {label}"
        explanation = (
            f"{shown} is an abbreviation, not a place. Pick where you are, so reminders and "
            "check-ins follow your local clock:"
        )
    else:
        fixed = label if keep == label or offset is None else _offset_text(offset)
        keep_label = f"Keep {fixed} (no daylight saving)"
        plain = offset is None or "".join(typed.upper().split()) == _offset_text(offset)
        what = "a fixed offset" if plain or offset is None else f"a fixed offset ({_offset_text(offset)})"
        explanation = (
            f"{shown} is {what}: it never changes for daylight saving. Where clocks change in "
            "spring and autumn, reminders would come an hour off for half the year. Pick where you are:"
        )
    return ZoneQuestion(code_safe(typed, ECHO_MAX), explanation, tuple(places), keep, keep_label)


def resolve_zone(name: str, now: datetime) -> ZoneAnswer | ZoneQuestion:
    """What `/settings timezone` does with what the member typed.

    * A place (an IANA Region/City name, a unique city, or a legacy alias that follows
      a place's rules, like US/Eastern): set it.
    * UTC: set it, with a note that it has no daylight saving.
    * An abbreviation (EST, PST, CET, GMT, IST …) or a fixed offset (UTC+3, GMT-5,
      Etc/GMT-5): ask. EST is a real tz-database zone, but it never changes for
      daylight saving, so an East-Coast member who picks it gets reminders an hour off
      from March to November. The question offers the likely places and, where the tz
      database has one, keeping the fixed zone with that said plainly.
    """
    _require_aware(now, "now")
    if not name or not name.strip():
        raise TimeInputError(f"Please give a time zone. {_ZONE_EXAMPLE}")
    key = _fold(name)
    if key in _UTC_NAMES:
        zone = ZoneInfo(_zone_index().get(key, "UTC"))
        return ZoneAnswer(zone, fixed_zone_note(zone, now))
    abbreviation = name.strip().upper()
    if key in _GMT_NAMES:
        abbreviation = "GMT"
    if abbreviation in _ABBREVIATIONS:
        offset, choices = _ABBREVIATIONS[abbreviation]
        return _question(name, abbreviation, offset, list(choices), now)
    offset = _parse_offset(name)
    if offset is not None:
        if offset == timedelta(0) and "utc" in key:
            return ZoneAnswer(ZoneInfo("UTC"), fixed_zone_note(ZoneInfo("UTC"), now))
        if offset == timedelta(0):
            return _question(name, "GMT", offset, list(_ABBREVIATIONS["GMT"][1]), now)
        return _question(name, _offset_text(offset), offset, zones_at_offset(offset, now), now)
    zone = parse_zone(name)
    return ZoneAnswer(zone, fixed_zone_note(zone, now))


def zone_suggestions(query: str, limit: int = 25, now: datetime | None = None) -> list[str]:
    """Zone names for the `/settings timezone` autocomplete (Discord shows at most 25).

    City zones (Region/City) come first, ranked: names starting with the query, then
    names with a place part starting with it (so "berl" finds Europe/Berlin and "new
    york" finds America/New_York), then names containing it anywhere; common zones first
    within each group. An abbreviation or offset typed ("est", "utc+3", given `now`)
    puts the places it likely means first. Names that are not places (UTC, EST,
    Etc/GMT-5, legacy aliases) come last, and only when typed in full.
    """
    if limit <= 0:
        return []
    key = _fold(query[:100])
    if not key:
        cities = [zone for zone in _place_zones() if "/" in zone]
        return [*cities[: limit - 1], "UTC"]
    ranked: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    abbreviation = _ABBREVIATIONS.get(query.strip().upper())
    if abbreviation is not None:
        ranked[0].extend(abbreviation[1])
    elif now is not None and (offset := _parse_offset(query[:100])) is not None:
        ranked[0].extend(zones_at_offset(offset, now)[:QUESTION_CHOICES])
    for zone in _place_zones():
        if "/" not in zone:
            continue
        folded = _fold(zone)
        if folded.startswith(key):
            ranked[1].append(zone)
        elif any(part.startswith(key) for part in folded.split("/")[1:]):
            ranked[2].append(zone)
        elif key in folded:
            ranked[3].append(zone)
    loadable = set(_zone_index().values())
    cities = [
        zone for zone in dict.fromkeys(ranked[0] + ranked[1] + ranked[2] + ranked[3]) if zone in loadable
    ]
    others: list[str] = []
    exact = _zone_index().get(key)
    if exact is not None and exact not in cities:
        # A name typed in full that is not a city (UTC, EST, US/Eastern) still parses; offer it last.
        others.append(exact)
    if not others and "utc".startswith(key):
        others.append("UTC")
    return cities[: limit - len(others)] + others[:limit]


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
    shown = code_safe(text, ECHO_MAX)
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
        where = f" in `{code_safe(whole, ECHO_MAX)}`" if token != whole.strip().lower() else ""
        raise TimeInputError(f"Unknown day `{code_safe(token, ECHO_MAX)}`{where}. {_DAYS_EXAMPLE}")
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
                    f"`{code_safe(token, ECHO_MAX)}` is not a day range. Write a range as `mon-fri` "
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
