"""Group sessions' pure parts: start and duration input, weekly repeats across DST, reminder times,
voice attendance, and the audio cue schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.intervals import expand, parse
from bot.domain.localtime import QuietHours, local_to_utc, to_local
from bot.domain.sessions import (
    COUNTDOWN,
    DEFAULT_DURATION_S,
    Cue,
    SessionInputError,
    Span,
    attended,
    cue_schedule,
    next_weekly,
    parse_session_duration,
    parse_start,
    reminder_due,
    seconds_inside,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# -- input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(None, DEFAULT_DURATION_S), ("", DEFAULT_DURATION_S), ("45m", 2700), ("1h30m", 5400), ("6h", 21600)],
)
def test_durations_read(text: str | None, seconds: int) -> None:
    assert parse_session_duration(text) == seconds


@pytest.mark.parametrize(("text", "reason"), [("7h", "at most 6h"), ("2m", "at least"), ("soon", "isn't")])
def test_bad_durations_say_why(text: str, reason: str) -> None:
    with pytest.raises(SessionInputError, match=reason):
        parse_session_duration(text)


def test_the_start_is_read_on_the_creators_wall_clock() -> None:
    assert parse_start("2026-07-04 09:30", BERLIN) == datetime(2026, 7, 4, 7, 30, tzinfo=UTC)
    assert parse_start(" 2026-01-04  09:30 ", BERLIN) == datetime(2026, 1, 4, 8, 30, tzinfo=UTC)
    # 02:30 on the spring-forward night doesn't exist in Berlin: the session starts at the jump.
    assert parse_start("2026-03-29 02:30", BERLIN) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01 09:00", "2026-02-30 09:00", "2026-01-01 25:00"])
def test_bad_starts_are_refused(text: str) -> None:
    with pytest.raises(SessionInputError):
        parse_start(text, BERLIN)


# -- weekly repeats ---------------------------------------------------------------------------------


def test_weekly_keeps_the_wall_clock_across_both_dst_changes() -> None:
    spring = parse_start("2026-03-28 09:00", BERLIN)
    after = next_weekly(spring, BERLIN)
    assert after - spring == timedelta(days=7, hours=-1)
    assert to_local(after, BERLIN).time() == time(9, 0)
    autumn = parse_start("2026-10-24 09:00", BERLIN)
    assert next_weekly(autumn, BERLIN) - autumn == timedelta(days=7, hours=1)
    # And back: last week's occurrence of a weekly session, for a late `I was there`.
    assert next_weekly(after, BERLIN, weeks=-1) == spring


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=5, max_value=21),
    st.sampled_from([0, 15, 30, 45]),
    st.sampled_from([BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")]),
)
def test_weekly_lands_on_the_same_weekday_and_time(day: date, hour: int, minute: int, zone: ZoneInfo) -> None:
    start = local_to_utc(day, time(hour, minute), zone)
    following = to_local(next_weekly(start, zone), zone)
    assert following.date() == day + timedelta(days=7)
    assert (following.hour, following.minute) == (hour, minute)


# -- reminders --------------------------------------------------------------------------------------

QUIET = QuietHours(time(22, 0), time(8, 0))


def test_the_reminder_is_half_an_hour_before() -> None:
    assert reminder_due(T0, ZoneInfo("UTC"), QUIET) == T0 - timedelta(minutes=30)


def test_a_reminder_inside_quiet_hours_waits_for_their_end_when_the_session_is_outside_them() -> None:
    start = datetime(2026, 1, 1, 8, 15, tzinfo=UTC)
    assert reminder_due(start, ZoneInfo("UTC"), QUIET) == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def test_a_session_inside_quiet_hours_gets_its_reminder_on_time() -> None:
    start = datetime(2026, 1, 1, 6, 30, tzinfo=UTC)
    assert reminder_due(start, ZoneInfo("UTC"), QUIET) == start - timedelta(minutes=30)


# -- attendance -------------------------------------------------------------------------------------


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_half_the_session_in_voice_counts() -> None:
    end = at(60)
    assert attended([Span(at(0), at(30))], T0, end)
    assert not attended([Span(at(0), at(29))], T0, end)
    # Joining early counts from the start only; still there at the end counts to the end.
    assert seconds_inside([Span(at(-20), at(10)), Span(at(40), None)], T0, end) == 30 * 60
    # Rejoining doesn't count the overlap twice.
    assert seconds_inside([Span(at(0), at(20)), Span(at(10), at(25))], T0, end) == 25 * 60
    assert seconds_inside([Span(at(-30), at(-10)), Span(at(70), None)], T0, end) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-60, 120), st.integers(0, 120)), max_size=8))
def test_time_inside_never_exceeds_the_session(raw: list[tuple[int, int]]) -> None:
    spans = [Span(at(start), at(start + length)) for start, length in raw]
    inside = seconds_inside(spans, T0, at(60))
    assert 0 <= inside <= 3600
    assert attended(spans, T0, at(60)) == (inside >= 1800)


# -- cues -------------------------------------------------------------------------------------------


def test_tabata_cues() -> None:
    phases = expand(parse("tabata"))
    cues = cue_schedule(phases)
    assert cues[:5] == [Cue(-3, "count"), Cue(-2, "count"), Cue(-1, "count"), Cue(0, "work"), Cue(20, "rest")]
    # Each of the 8 rounds: countdown in the rest before work, a work tone, a rest tone.
    assert [c.sound for c in cues].count("work") == 8
    assert [c.sound for c in cues].count("rest") == 8
    assert [c.sound for c in cues].count("count") == 24
    assert "half" not in [c.sound for c in cues]  # no phase of a Tabata is a minute long
    assert cues[-1] == Cue(240, "finish")


def test_long_phases_get_a_halfway_cue() -> None:
    cues = cue_schedule(expand(parse("emom 3")))
    assert [c for c in cues if c.sound == "half"] == [Cue(30, "half"), Cue(90, "half"), Cue(150, "half")]
    # Back-to-back work minutes still count down into the next one.
    assert Cue(57, "count") in cues and Cue(60, "work") in cues


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 120), st.sampled_from(["work", "rest"])),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 4),
)
def test_every_work_phase_is_counted_in_and_the_cues_are_in_order(
    blocks: list[tuple[int, str]], rounds: int
) -> None:
    notation = f"{rounds}x(" + ", ".join(f"{seconds}s {kind}" for seconds, kind in blocks) + ")"
    phases = expand(parse(notation))
    cues = cue_schedule(phases)
    times = [c.at_s for c in cues]
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    by_time = {c.at_s: c.sound for c in cues}
    for phase in phases:
        expected = "work" if phase.kind == "work" else "rest"
        assert by_time[phase.start_offset_s] in (expected, "finish")
        if phase.kind == "work":
            for n in COUNTDOWN:
                assert phase.start_offset_s - n in by_time
    assert cues[-1] == Cue(phases[-1].end_offset_s, "finish")
