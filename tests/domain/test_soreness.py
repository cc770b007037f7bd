"""Soreness check-in plan, staleness after downtime, and escalation to the triage flow."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.localtime import DEFAULT_QUIET_HOURS, QuietHours, local_date, to_local
from bot.domain.soreness import (
    Escalation,
    PlannedCheckin,
    RatingPoint,
    SorenessInputError,
    check_level,
    checkin_is_stale,
    escalation,
    hours_after_text,
    needs_72h_checkin,
    plan_checkins,
    plan_followup_72h,
    rating_nudge,
    rating_points,
    reminder_is_stale,
    warning_area,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
NO_QUIET = QuietHours(time(0), time(0))
H = timedelta(hours=1)


def berlin(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


# ---------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------


def test_plan_checkins_at_24_and_48_hours() -> None:
    workout = berlin(2026, 5, 4, 10, 0)
    assert plan_checkins(workout, BERLIN, DEFAULT_QUIET_HOURS, []) == [
        PlannedCheckin(offset_h=24, due_at=workout + 24 * H),
        PlannedCheckin(offset_h=48, due_at=workout + 48 * H),
    ]


def test_offsets_are_elapsed_hours_across_a_dst_change() -> None:
    # Given in the member's zone on purpose: adding hours to it directly would add wall hours.
    workout = datetime(2026, 3, 7, 10, 0, tzinfo=NY)
    planned = plan_checkins(workout, NY, NO_QUIET, [])
    assert [p.due_at for p in planned] == [
        datetime(2026, 3, 8, 15, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 15, 0, tzinfo=UTC),
    ]
    assert to_local(planned[0].due_at, NY).hour == 11  # clocks went forward overnight
    assert all(p.due_at.tzinfo is UTC for p in planned)


def test_checkins_are_moved_out_of_quiet_hours() -> None:
    workout = berlin(2026, 5, 4, 23, 30)  # Monday 23:30
    planned = plan_checkins(workout, BERLIN, DEFAULT_QUIET_HOURS, [])
    assert planned == [
        PlannedCheckin(offset_h=24, due_at=berlin(2026, 5, 6, 8, 0)),
        PlannedCheckin(offset_h=48, due_at=berlin(2026, 5, 7, 8, 0)),
    ]
    early = berlin(2026, 5, 4, 6, 0)
    assert [p.due_at for p in plan_checkins(early, BERLIN, DEFAULT_QUIET_HOURS, [])] == [
        berlin(2026, 5, 5, 8, 0),
        berlin(2026, 5, 6, 8, 0),
    ]


def test_a_day_that_already_has_a_checkin_gets_no_second_one() -> None:
    monday = berlin(2026, 5, 4, 10, 0)
    first = plan_checkins(monday, BERLIN, DEFAULT_QUIET_HOURS, [])
    tuesday = berlin(2026, 5, 5, 18, 0)
    second = plan_checkins(tuesday, BERLIN, DEFAULT_QUIET_HOURS, [p.due_at for p in first])
    # Wednesday already has Monday's +48 h check-in; only Thursday's is added.
    assert second == [PlannedCheckin(offset_h=48, due_at=tuesday + 48 * H)]
    # A second workout the same day: both days are taken.
    same_day = berlin(2026, 5, 4, 19, 0)
    assert plan_checkins(same_day, BERLIN, DEFAULT_QUIET_HOURS, [p.due_at for p in first]) == []


def test_a_workouts_own_checkins_never_share_a_day_even_when_clocks_fall_back() -> None:
    # Friday 22:30 EDT. +24 h is Saturday 22:30 (quiet) → Sunday 08:00; the clocks fall back
    # that night, so +48 h is Sunday 21:30 EST: the same local day, so it is left out.
    workout = datetime(2026, 10, 30, 22, 30, tzinfo=NY)
    planned = plan_checkins(workout, NY, DEFAULT_QUIET_HOURS, [])
    assert planned == [PlannedCheckin(offset_h=24, due_at=datetime(2026, 11, 1, 13, 0, tzinfo=UTC))]


def test_same_local_day_is_judged_in_the_members_zone() -> None:
    workout = datetime(2026, 5, 4, 18, 0, tzinfo=AUCKLAND)
    # 2026-05-05 13:00 UTC is already Wednesday 01:00 in Auckland, i.e. the +48 h day, not +24 h.
    existing = [datetime(2026, 5, 5, 13, 0, tzinfo=UTC)]
    planned = plan_checkins(workout, AUCKLAND, NO_QUIET, existing)
    assert [p.offset_h for p in planned] == [24]


def test_needs_72h_checkin() -> None:
    assert not needs_72h_checkin(None)
    assert not needs_72h_checkin(0)
    assert not needs_72h_checkin(3)
    assert needs_72h_checkin(4)
    assert needs_72h_checkin(10)
    with pytest.raises(SorenessInputError):
        needs_72h_checkin(11)


def test_plan_followup_72h() -> None:
    workout = berlin(2026, 5, 4, 10, 0)
    assert plan_followup_72h(workout, BERLIN, DEFAULT_QUIET_HOURS, []) == PlannedCheckin(
        offset_h=72, due_at=workout + 72 * H
    )
    late = berlin(2026, 5, 4, 22, 30)
    assert plan_followup_72h(late, BERLIN, DEFAULT_QUIET_HOURS, []) == PlannedCheckin(
        offset_h=72, due_at=berlin(2026, 5, 8, 8, 0)
    )
    taken = [berlin(2026, 5, 7, 19, 0)]
    assert plan_followup_72h(workout, BERLIN, DEFAULT_QUIET_HOURS, taken) is None


def test_plan_followup_72h_counts_the_members_local_day_not_utcs() -> None:
    """Auckland is 13 h ahead in December: local and UTC dates differ for these instants."""
    workout = datetime(2026, 12, 1, 20, 0, tzinfo=AUCKLAND).astimezone(UTC)
    due = workout + 72 * H  # 4 Dec 20:00 in Auckland, 4 Dec 07:00 UTC
    # Same UTC date as the follow-up, but 5 Dec in Auckland: a different local day, so it is planned.
    next_morning = datetime(2026, 12, 5, 9, 0, tzinfo=AUCKLAND).astimezone(UTC)
    assert next_morning.date() == due.date()
    assert local_date(next_morning, AUCKLAND) != local_date(due, AUCKLAND)
    assert plan_followup_72h(workout, AUCKLAND, NO_QUIET, [next_morning]) == PlannedCheckin(72, due)
    # A different UTC date, but 4 Dec in Auckland like the follow-up: that local day has its check-in.
    same_local_day = datetime(2026, 12, 4, 8, 0, tzinfo=AUCKLAND).astimezone(UTC)
    assert same_local_day.date() != due.date()
    assert plan_followup_72h(workout, AUCKLAND, NO_QUIET, [same_local_day]) is None


def test_planning_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        plan_checkins(datetime(2026, 5, 4, 10), BERLIN, DEFAULT_QUIET_HOURS, [])
    with pytest.raises(ValueError):
        plan_followup_72h(datetime(2026, 5, 4, 10), BERLIN, DEFAULT_QUIET_HOURS, [])


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
    workout=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    quiet=st.tuples(st.integers(0, 23), st.integers(0, 23)),
    existing_offsets=st.lists(st.integers(-100, 200), max_size=4),
)
def test_plan_property_one_per_day_outside_quiet_hours(
    zone_name: str, workout: datetime, quiet: tuple[int, int], existing_offsets: list[int]
) -> None:
    zone = ZoneInfo(zone_name)
    quiet_hours = QuietHours(time(quiet[0]), time(quiet[1]))
    existing = [workout + timedelta(hours=h) for h in existing_offsets]
    planned = plan_checkins(workout, zone, quiet_hours, existing)
    offsets = [p.offset_h for p in planned]
    assert offsets in ([24, 48], [24], [48], [])
    taken = {local_date(e, zone) for e in existing}
    days = [local_date(p.due_at, zone) for p in planned]
    assert len(set(days)) == len(days)
    assert not set(days) & taken
    for p in planned:
        assert p.due_at >= workout + timedelta(hours=p.offset_h)
        assert not quiet_hours.contains(to_local(p.due_at, zone).time())
    # Nothing is dropped unless its day was really taken.
    if not existing:
        assert offsets == [24, 48]


# ---------------------------------------------------------------------------------------
# Staleness
# ---------------------------------------------------------------------------------------


def test_late_checkins_are_sent_until_72h_after_the_workout() -> None:
    workout = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    due_24 = workout + 24 * H
    assert not checkin_is_stale(workout, workout + 60 * H, due_at=due_24)
    assert not checkin_is_stale(workout, workout + 72 * H, due_at=due_24)
    assert checkin_is_stale(workout, workout + 72 * H + timedelta(seconds=1), due_at=due_24)
    # Without a due time, the same 72 h mark.
    assert not checkin_is_stale(workout, workout + 72 * H)
    assert checkin_is_stale(workout, workout + 73 * H)


def test_checkins_due_at_or_past_72h_get_two_hours_of_grace() -> None:
    workout = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    due_72 = workout + 72 * H
    assert not checkin_is_stale(workout, due_72 + 30 * timedelta(minutes=1), due_at=due_72)
    assert not checkin_is_stale(workout, due_72 + 2 * H, due_at=due_72)
    assert checkin_is_stale(workout, due_72 + 2 * H + timedelta(seconds=1), due_at=due_72)
    moved_by_quiet_hours = workout + 80 * H
    assert not checkin_is_stale(workout, workout + 81 * H, due_at=moved_by_quiet_hours)
    assert checkin_is_stale(workout, workout + 83 * H, due_at=moved_by_quiet_hours)


def test_staleness_uses_elapsed_time_for_zoned_inputs() -> None:
    # 2026-03-08 is spring-forward day in New York: wall-clock arithmetic would be an hour off.
    workout = datetime(2026, 3, 6, 12, 0, tzinfo=NY)
    assert not checkin_is_stale(workout, datetime(2026, 3, 9, 13, 0, tzinfo=NY))  # 72 h elapsed
    assert checkin_is_stale(workout, datetime(2026, 3, 9, 13, 1, tzinfo=NY))
    due = datetime(2026, 3, 8, 1, 30, tzinfo=NY)
    assert not reminder_is_stale(due, datetime(2026, 3, 8, 4, 30, tzinfo=NY))  # 2 h elapsed
    assert reminder_is_stale(due, datetime(2026, 3, 8, 4, 31, tzinfo=NY))


def test_reminder_staleness() -> None:
    due = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
    assert not reminder_is_stale(due, due - H)
    assert not reminder_is_stale(due, due)
    assert not reminder_is_stale(due, due + 2 * H)
    assert reminder_is_stale(due, due + 2 * H + timedelta(seconds=1))
    with pytest.raises(ValueError):
        reminder_is_stale(datetime(2026, 5, 4, 7), due)


# ---------------------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------------------


def points(*pairs: tuple[float, int]) -> list[RatingPoint]:
    return [RatingPoint(hours_after_workout=h, level=level) for h, level in pairs]


def test_no_ratings_or_ordinary_soreness_means_no_nudge() -> None:
    assert escalation([]) is None
    assert escalation(points((24, 6), (48, 5), (72, 3))) is None
    assert escalation(points((24, 6), (48, 6))) is None  # unchanged is not rising
    assert escalation(points((72, 6))) is None
    assert escalation(points((48, 9))) is None  # high, but not late, and nothing to compare
    assert escalation(points((12, 2), (30, 6))) is None  # rising before 48 h is normal


def test_high_rating_at_72h_or_later() -> None:
    result = escalation(points((24, 8), (48, 8), (72, 7)))
    assert isinstance(result, Escalation)
    assert result.code == "high_late"
    assert result.level == 7 and result.hours_after_workout == 72 and result.previous_level == 8
    assert "7/10" in result.reason and "3 days" in result.reason
    alone = escalation(points((96.5, 9)))
    assert alone is not None
    assert (alone.code, alone.level, alone.hours_after_workout, alone.previous_level) == (
        "high_late",
        9,
        96.5,
        None,
    )
    assert alone.reason.startswith("Your soreness is 9/10, 4 days after your workout.")
    odd_hour = escalation(points((24, 3), (80, 8)))
    assert odd_hour is not None and "8/10, 80 hours after your workout" in odd_hour.reason
    assert escalation(points((71.9, 9))) is None


def test_rising_after_48h() -> None:
    result = escalation(points((24, 5), (48, 6)))
    assert result is not None and result.code == "rising"
    assert result.previous_level == 5 and result.level == 6
    assert "from 5/10 to 6/10" in result.reason
    later = escalation(points((24, 2), (48, 3), (72, 5)))
    assert later is not None and later.code == "rising"


def test_high_late_wins_over_rising() -> None:
    result = escalation(points((48, 4), (72, 8)))
    assert result is not None and result.code == "high_late"


def test_only_the_newest_rating_is_judged_and_order_does_not_matter() -> None:
    # The rise at 48 h was already answered; the 72 h rating fell.
    assert escalation(points((24, 2), (48, 6), (72, 5))) is None
    shuffled = points((72, 6), (24, 2), (48, 4))
    result = escalation(shuffled)
    assert result is not None and result.code == "rising" and result.previous_level == 4


def test_levels_are_validated() -> None:
    for bad in (-1, 11, 100):
        with pytest.raises(SorenessInputError) as caught:
            RatingPoint(hours_after_workout=24, level=bad)
        assert "0 to 10" in str(caught.value) and "`3`" in str(caught.value)
    for bad_type in (True, 3.5, "3", None):
        with pytest.raises(SorenessInputError) as caught:
            check_level(bad_type)
        assert "whole number" in str(caught.value)
    assert check_level(0) == 0 and check_level(10) == 10
    with pytest.raises(ValueError):
        RatingPoint(hours_after_workout=-1, level=3)
    with pytest.raises(ValueError):
        RatingPoint(hours_after_workout=float("nan"), level=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 200, allow_nan=False), st.integers(0, 10)), max_size=6))
def test_escalation_matches_the_rule(pairs: list[tuple[float, int]]) -> None:
    result = escalation(points(*pairs))
    if not pairs:
        assert result is None
        return
    ordered = sorted(pairs, key=lambda p: p[0])
    hours, level = ordered[-1]
    high_late = hours >= 72 and level >= 7
    rising = len(ordered) > 1 and hours >= 48 and level > ordered[-2][1]
    assert (result is not None) == (high_late or rising)
    if result is not None:
        assert result.code == ("high_late" if high_late else "rising")
        assert result.level == level and result.reason


def test_rating_points_from_timestamps() -> None:
    workout = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    rated = [
        (workout + 49 * H, 5),
        (workout - 3 * H, 9),  # before this workout: belongs to an earlier one
        (workout + 24 * H + timedelta(minutes=30), 4),
    ]
    assert rating_points(workout, rated) == [
        RatingPoint(hours_after_workout=24.5, level=4),
        RatingPoint(hours_after_workout=49, level=5),
    ]
    with pytest.raises(SorenessInputError):
        rating_points(workout, [(workout + H, 12)])


# ---------------------------------------------------------------------------------------
# The nudge for a rating just given (series, high at any time, worrying area)
# ---------------------------------------------------------------------------------------

FALSE_REASSURANCE = ("fine", "doms", "just", "nothing to worry", "normal", "don't worry", "harmless")


@pytest.mark.parametrize(
    ("area", "place"),
    [
        ("chest", "chest"),
        ("Chest (left side)", "chest"),
        ("ribs", "chest"),
        ("lower back", "lower back"),
        ("LOW BACK", "lower back"),
        ("upper back", "back"),
        ("spine", "back"),
        ("neck", "neck"),
        ("jaw", "jaw"),
        ("head", "head"),
        ("headache", "head"),
        ("groin", "groin"),
        ("belly", "belly"),
        ("stomach", "belly"),
        ("abdomen", "belly"),
    ],
)
def test_warning_areas(area: str, place: str) -> None:
    assert warning_area(area) == place


@pytest.mark.parametrize(
    "area", [None, "", "quads", "hamstrings", "back of my thigh", "abs", "pecs", "backhand", "headphones"]
)
def test_ordinary_areas(area: str | None) -> None:
    assert warning_area(area) is None


def test_a_high_rating_gets_the_nudge_at_any_time() -> None:
    assert rating_nudge(7) is None
    result = rating_nudge(8)
    assert result is not None and result.code == "high" and result.hours_after_workout is None
    assert result.reason == "8/10 is a lot of pain."
    right_after = rating_nudge(10, series=points((0.1, 10)))
    assert right_after is not None and right_after.code == "high" and right_after.hours_after_workout == 0.1


def test_a_worrying_area_gets_the_nudge_at_any_rating() -> None:
    result = rating_nudge(0, "neck")
    assert result is not None and result.code == "area" and result.area == "neck"
    assert result.reason == "Pain in your neck can have causes other than training."
    both = rating_nudge(10, "chest")
    assert both is not None and both.code == "high"
    assert both.reason == "10/10 is a lot of pain. Pain in your chest can have causes other than training."


def test_the_series_rule_still_applies_and_leads() -> None:
    rising = rating_nudge(6, series=points((24, 3), (48, 6)))
    assert rising is not None and rising.code == "rising" and rising.previous_level == 3
    assert rising.reason == escalation(points((24, 3), (48, 6))).reason  # type: ignore[union-attr]
    late_chest = rating_nudge(9, "chest", points((24, 5), (80, 9)))
    assert late_chest is not None and late_chest.code == "high_late" and late_chest.area == "chest"
    assert late_chest.reason.endswith("Pain in your chest can have causes other than training.")
    assert rating_nudge(5, "quads", points((24, 6), (48, 5))) is None


def test_hours_in_plain_words() -> None:
    assert hours_after_text(0) == "less than an hour"
    assert hours_after_text(0.99) == "less than an hour"
    assert hours_after_text(1.2) == "about 1 hour"
    assert hours_after_text(1.6) == "about 2 hours"
    assert hours_after_text(30) == "about 30 hours"
    with pytest.raises(ValueError):
        hours_after_text(-1)


AREAS = st.one_of(
    st.none(),
    st.sampled_from(["chest", "quads", "lower back", "neck", "calves", "head", "glutes", "belly", "abs"]),
    st.text(max_size=60),
)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10),
    AREAS,
    st.lists(st.tuples(st.floats(0, 200, allow_nan=False), st.integers(0, 10)), max_size=5),
)
def test_rating_nudge_matches_the_rule(level: int, area: str | None, pairs: list[tuple[float, int]]) -> None:
    series = points(*pairs)
    result = rating_nudge(level, area, series)
    from_series = escalation(series)
    place = warning_area(area)
    assert (result is not None) == (from_series is not None or level >= 8 or place is not None)
    if result is None:
        return
    assert result.level == level and result.area == place
    expected = from_series.code if from_series else "high" if level >= 8 else "area"
    assert result.code == expected
    assert result.reason and not any(word in result.reason.lower() for word in FALSE_REASSURANCE)
