"""Durations: one vocabulary and canonical form for routine and interval notation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.durations import (
    DurationError,
    describe_duration,
    format_clock,
    format_duration,
    parse_duration,
)
from bot.domain.intervals import Segment, parse
from bot.domain.routines import MAX_DURATION_S, Reps, parse_line


@pytest.mark.parametrize(
    ("seconds", "notation", "reading", "clock"),
    [
        (1, "1s", "1 s", "0:01"),
        (60, "1m", "1 min", "1:00"),
        (90, "1m30s", "1 min 30 s", "1:30"),
        (3605, "1h5s", "1 h 5 s", "1:00:05"),
        (10800, "3h", "3 h", "3:00:00"),
    ],
)
def test_duration_formats(seconds: int, notation: str, reading: str, clock: str) -> None:
    assert format_duration(seconds) == notation
    assert describe_duration(seconds) == reading
    assert format_clock(seconds) == clock
    assert parse_duration(notation) == seconds


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 1, "expected a duration"),
        ("20s work", 5, "nothing after"),
        (" 1m 30s 10s", 9, "nothing after"),
        ("work", 1, "starting with a number"),
        ("1:2", 1, "clock time"),
        ("20", 3, "expected a unit"),
    ],
)
def test_parse_duration_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    assert caught.value.position == position
    assert fragment in caught.value.message


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (-5, "0s"), (3600, "60m"), (3661, "61m1s")])
def test_routine_notation_writes_hours_as_minutes(seconds: int, text: str) -> None:
    assert format_duration(seconds, hours=False) == text


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3 * 3600))
def test_one_canonical_form_reads_back_in_both_notations(seconds: int) -> None:
    """What one notation writes, the other reads as the same time, where both allow it."""
    written = format_duration(seconds)
    assert parse_duration(written) == seconds
    assert parse(f"{written} work").segments == (Segment(seconds, "work"),)
    if seconds <= MAX_DURATION_S:
        routine = format_duration(seconds, hours=False)
        assert parse_line(f"Plank 3x{routine}").reps == Reps.timed(seconds)
        assert parse_line(f"Plank 3x30s rest {routine}").rest_s == seconds
        if seconds < 3600:
            assert routine == written, "below an hour both notations write a time the same way"
