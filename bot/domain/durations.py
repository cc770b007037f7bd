"""Durations as members write them (`90s`, `1m30s`, `2:30`), read and written in one place.

Routine notation (rests and timed sets) and interval notation (phases, for-time results)
share the words for units, the arithmetic and the canonical form, so `1m30s` means the
same wherever it is typed and is written back the same way. Each notation reads the
durations its own grammar allows:

* interval notation (:func:`read_duration`, :func:`parse_duration`) reads unit parts
  written together, largest first (`1h5m`, `1m 30s`), and clock times `m:ss` or
  `h:mm:ss`, with the position of any problem;
* routine notation (:func:`duration_regex`, :func:`matched_seconds`) is read by regular
  expressions inside a line: `m:ss`, minutes with optional seconds (`3 min`, `1m30s`) or
  seconds, and an hour is written as `60m`.
"""

from __future__ import annotations

import re
from typing import Final

from bot.domain.text import code_safe

__all__ = [
    "HOUR_WORDS",
    "MINUTE_WORDS",
    "SECOND_WORDS",
    "UNIT_WORDS",
    "DurationError",
    "describe_duration",
    "duration_regex",
    "format_clock",
    "format_duration",
    "matched_seconds",
    "parse_duration",
    "read_duration",
]

#: The words for each unit, longest first so a regex tries `minutes` before `m`.
HOUR_WORDS: Final = "hours|hour|hrs|hr|h"
MINUTE_WORDS: Final = "minutes|minute|mins|min|m"
SECOND_WORDS: Final = "seconds|second|secs|sec|s"
UNIT_WORDS: Final = f"{HOUR_WORDS}|{MINUTE_WORDS}|{SECOND_WORDS}"

_UNIT_RANK: Final = {"h": 3, "m": 2, "s": 1}
_UNIT_SECONDS: Final = {"h": 3600, "m": 60, "s": 1}
_PART_RE: Final = re.compile(rf"([0-9]+)({UNIT_WORDS})(?![^\W\d_])", re.IGNORECASE)
_CLOCK_RE: Final = re.compile(r"([0-9]+):([0-9]*)(?::([0-9]*))?")
_NUMBER_RE: Final = re.compile(r"[0-9]+")
#: A number missing its unit is echoed as the example (`20` → `20s`) unless it makes a silly one.
_EXAMPLE_MAX_S: Final = 3 * 60 * 60
_MAX_DIGITS: Final = 9


class DurationError(ValueError):
    """Text that isn't a duration: ``index`` (0-based, in the text given) is where, and
    ``message`` says what was expected, with an example, for the member who typed it."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message

    @property
    def position(self) -> int:
        """Where, counted from 1 as a person counts."""
        return self.index + 1


# -- writing ----------------------------------------------------------------------------------------


def format_duration(seconds: int, *, hours: bool = True) -> str:
    """Canonical notation for a duration (`20s`, `1m`, `1m30s`, `1h5s`), as both notations read it.

    Routine notation has no hours (``hours=False``): an hour is written `60m`.
    """
    if seconds <= 0:
        return "0s"
    whole_hours, rest = divmod(seconds, 3600) if hours else (0, seconds)
    minutes, secs = divmod(rest, 60)
    return "".join(
        f"{value}{unit}" for value, unit in ((whole_hours, "h"), (minutes, "m"), (secs, "s")) if value
    )


def describe_duration(seconds: int) -> str:
    """A duration for reading (`20 s`, `1 min 30 s`, `1 h 5 min`), used in descriptions."""
    if seconds <= 0:
        return "0 s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{secs} s" if secs else ""]
    return " ".join(part for part in parts if part)


def format_clock(seconds: int) -> str:
    """A stopwatch reading: `4:00`, `18:32`, `1:02:03` (hours appear only when needed)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


# -- reading: interval notation ---------------------------------------------------------------------


def read_duration(text: str, start: int) -> tuple[int, int]:
    """The duration at ``start`` (a digit): `2:30`, `1:02:03`, or unit parts like `1h5m`, `1m 30s`.

    Returns the seconds and where the duration ends; raises DurationError.
    """
    clock = _CLOCK_RE.match(text, start)
    if clock:
        return _clock(text, clock)
    i = start
    total = 0
    rank = 4
    while True:
        part = _PART_RE.match(text, i)
        if part is None:
            break
        unit = part.group(2)[0].lower()
        if _UNIT_RANK[unit] >= rank:
            raise DurationError(part.start(), "write each unit once, largest first, e.g. `1m30s` or `1h5m`.")
        rank = _UNIT_RANK[unit]
        total += int(part.group(1)) * _UNIT_SECONDS[unit]
        i = part.end()
        # `1m 30s` continues the duration; anything else after a space is not part of it.
        after_space = i
        while after_space < len(text) and text[after_space].isspace():
            after_space += 1
        following = _PART_RE.match(text, after_space)
        if after_space == i or following is None:
            continue
        if _UNIT_RANK[following.group(2)[0].lower()] < rank:
            i = after_space
    if i == start:
        number = _NUMBER_RE.match(text, start)
        assert number is not None  # the caller saw a digit here
        digits = number.group()
        shown = digits if 1 <= int(digits) <= _EXAMPLE_MAX_S else "30"
        raise DurationError(
            number.end(),
            f"expected a unit right after `{code_safe(digits, 10)}` (s, m or h), e.g. `{shown}s`.",
        )
    return total, i


def _clock(text: str, match: re.Match[str]) -> tuple[int, int]:
    start = match.start()
    first, second, third = match.group(1), match.group(2), match.group(3)
    bad = "write a clock time as m:ss or h:mm:ss with minutes and seconds under 60, e.g. `2:30` or `1:02:03`."
    if third is None:
        if len(second) != 2 or int(second) >= 60:
            raise DurationError(start, bad)
        seconds = int(first) * 60 + int(second)
    else:
        if len(second) != 2 or len(third) != 2 or int(second) >= 60 or int(third) >= 60:
            raise DurationError(start, bad)
        seconds = int(first) * 3600 + int(second) * 60 + int(third)
    end = match.end()
    if end < len(text) and text[end] == ":":
        raise DurationError(start, bad)
    return seconds, end


def parse_duration(text: str) -> int:
    """Seconds in a lone duration such as `90s`, `1m30s`, `2:30` or `1:02:03`.

    Interval notation's durations, shared with result parsing (for-time results) so both
    read times the same way. Raises DurationError for anything else, including trailing text.
    """
    i = _skip_spaces(text, 0)
    if i >= len(text):
        raise DurationError(i, "expected a duration, e.g. `1m30s` or `2:30`.")
    if not text[i].isdigit() or not text[i].isascii():
        raise DurationError(i, "expected a duration starting with a number, e.g. `1m30s` or `2:30`.")
    seconds, end = read_duration(text, i)
    end = _skip_spaces(text, end)
    if end < len(text):
        raise DurationError(end, "expected nothing after the duration, e.g. `1m30s` or `2:30`.")
    return seconds


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


# -- reading: routine notation ----------------------------------------------------------------------


def duration_regex(prefix: str) -> str:
    """A duration regex for routine notation (`1:30`, `90s`, `3 min`, `1m 30s`); its groups are
    prefixed, so it can appear twice in one pattern. Compile it with ``re.IGNORECASE``."""
    p = prefix
    return (
        rf"(?:(?P<{p}mm>[0-9]+):(?P<{p}ss>[0-5][0-9])"
        rf"|(?P<{p}m>[0-9]+)\s*(?:{MINUTE_WORDS})(?:\s*(?P<{p}ms>[0-9]+)\s*(?:{SECOND_WORDS}))?"
        rf"|(?P<{p}s>[0-9]+)\s*(?:{SECOND_WORDS}))"
    )


def matched_seconds(match: re.Match[str], prefix: str) -> int:
    """The seconds a :func:`duration_regex` match with this prefix stands for."""
    if match[f"{prefix}mm"] is not None:
        return _whole(match[f"{prefix}mm"]) * 60 + _whole(match[f"{prefix}ss"])
    if match[f"{prefix}m"] is not None:
        seconds = match[f"{prefix}ms"]
        return _whole(match[f"{prefix}m"]) * 60 + (_whole(seconds) if seconds is not None else 0)
    return _whole(match[f"{prefix}s"])


def _whole(digits: str) -> int:
    """A number as typed; one too long for any duration counts as 10**9, which every limit refuses
    (and a line of thousands of digits is never handed to ``int``)."""
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS
