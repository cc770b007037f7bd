"""Streak rules on local days: weeks, planned days, rest days, freezes."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.streaks import (
    MAX_FREEZES,
    Day,
    calendar,
    compute,
    sessions_per_week_score,
    target_for,
    week_start,
)

MON = date(2026, 3, 2)  # a Monday


def weeks_of(*per_week: int, start: date = MON) -> dict[date, int]:
    """``n`` sessions on the first ``n`` days of each consecutive week."""
    days: dict[date, int] = {}
    for w, count in enumerate(per_week):
        for i in range(count):
            day = start + timedelta(weeks=w, days=i % 7)
            days[day] = days.get(day, 0) + 1
    return days


def test_weeks_meeting_the_target_make_the_weekly_streak() -> None:
    days = weeks_of(3, 3, 3)
    today = MON + timedelta(weeks=3)  # the fourth Monday, nothing yet this week
    result = compute(days, today)
    assert result.weekly_current == 3 and result.weekly_best == 3
    assert result.this_week_sessions == 0 and not result.this_week_met


def test_the_week_in_progress_counts_once_met_and_never_breaks_before_it_ends() -> None:
    days = weeks_of(3, 3)
    wednesday = MON + timedelta(weeks=1, days=2)
    assert compute(days, wednesday).weekly_current == 2
    days = weeks_of(3, 1)
    assert compute(days, wednesday).weekly_current == 1


def test_a_missed_week_breaks_it_without_a_freeze() -> None:
    days = weeks_of(3, 1, 3)
    result = compute(days, MON + timedelta(weeks=3))
    assert result.weekly_current == 1 and result.weekly_best == 1 and result.freezes_held == 0


def test_four_met_weeks_earn_a_freeze_and_a_missed_week_uses_it() -> None:
    days = weeks_of(3, 3, 3, 3)
    assert compute(days, MON + timedelta(weeks=4)).freezes_held == 1
    days = weeks_of(3, 3, 3, 3, 0, 3)
    days[MON] += 0
    result = compute(days, MON + timedelta(weeks=6))
    assert result.frozen_weeks == (MON + timedelta(weeks=4),)
    assert result.freezes_held == 0
    assert result.weekly_current == 5, "the frozen week keeps the streak but does not add to it"


def test_at_most_two_freezes_are_held() -> None:
    days = weeks_of(*([3] * 16))
    assert compute(days, MON + timedelta(weeks=16)).freezes_held == MAX_FREEZES


def test_a_raised_target_applies_from_its_week_on() -> None:
    days = weeks_of(3, 3, 3)
    today = MON + timedelta(weeks=2, days=6)
    raised = [(MON + timedelta(weeks=2), 4)]
    result = compute(days, today, targets=raised)
    assert result.weekly_current == 2 and result.this_week_target == 4
    assert target_for(MON, raised) == 3, "weeks before the change keep the target they had"
    assert target_for(MON, []) == 3


def test_rest_days_do_not_break_the_training_day_streak() -> None:
    planned = {0, 2, 4}  # Mon, Wed, Fri
    days = {MON: 1, MON + timedelta(days=2): 1, MON + timedelta(days=4): 1, MON + timedelta(days=7): 1}
    result = compute(days, MON + timedelta(days=8), planned_weekdays=planned)
    assert result.training_current == 4


def test_a_missed_planned_day_breaks_the_training_day_streak() -> None:
    planned = {0, 2, 4}
    days = {MON: 1, MON + timedelta(days=4): 1}
    result = compute(days, MON + timedelta(days=5), planned_weekdays=planned)
    assert result.training_current == 1 and result.training_best == 1


def test_today_never_breaks_the_training_day_streak() -> None:
    days = {MON: 1}
    result = compute(days, MON + timedelta(days=1), planned_weekdays={0, 1})
    assert result.training_current == 1


def test_without_a_plan_only_the_weekly_streak_applies() -> None:
    result = compute({MON: 1}, MON)
    assert result.training_current is None and result.training_best is None


def test_a_freeze_covers_a_missed_planned_day() -> None:
    days = weeks_of(3, 3, 3, 3)  # Mon–Wed trained four weeks: a freeze earned
    planned = {0, 1, 2}
    after = MON + timedelta(weeks=4)
    days[after] = 1  # Monday of week 5 trained, Tuesday missed, Wednesday trained
    days[after + timedelta(days=2)] = 1
    result = compute(days, after + timedelta(days=3), planned_weekdays=planned)
    assert result.frozen_days == (after + timedelta(days=1),)
    assert result.training_current == 14


def test_a_day_ahead_of_today_moves_today_forward() -> None:
    # Logged on Tuesday in Kolkata, read in Los Angeles while it is still Monday there.
    result = compute({MON + timedelta(days=1): 3}, MON)
    assert result.today == MON + timedelta(days=1) and result.this_week_sessions == 3


def test_calendar_marks_trained_frozen_missed_rest_and_future_days() -> None:
    planned = {0, 2, 3}
    days = {MON: 1}
    today = MON + timedelta(days=3)
    result = compute(days, today, planned_weekdays=planned)
    grid = calendar(days, result, planned_weekdays=planned, weeks=2)
    assert len(grid) == 2 and all(len(row) == 7 for row in grid)
    week = dict(grid[-1])
    assert week[MON] is Day.TRAINED
    assert week[MON + timedelta(days=1)] is Day.REST
    assert week[MON + timedelta(days=2)] is Day.MISSED
    assert week[MON + timedelta(days=3)] is Day.OPEN, "today, planned, not over yet"
    assert week[MON + timedelta(days=4)] is Day.FUTURE


def test_sessions_per_week_score_counts_weeks_met() -> None:
    days = weeks_of(2, 1, 2)
    end = MON + timedelta(weeks=3) - timedelta(days=1)
    assert sessions_per_week_score(days, 2, MON, end) == 2
    assert sessions_per_week_score(days, 1, MON, end) == 3
    assert sessions_per_week_score(days, 2, MON + timedelta(weeks=1), end) == 1


# -- properties ------------------------------------------------------------------------------------

day_offsets = st.dictionaries(st.integers(0, 120), st.integers(1, 3), max_size=60)


def _days(offsets: dict[int, int], base: date = MON) -> dict[date, int]:
    return {base + timedelta(days=o): n for o, n in offsets.items()}


@settings(max_examples=200, deadline=None)
@given(day_offsets, st.integers(0, 130), st.frozensets(st.integers(0, 6), max_size=7), st.integers(1, 14))
def test_invariants(offsets, today_offset, planned, target) -> None:  # type: ignore[no-untyped-def]
    days = _days(offsets)
    today = MON + timedelta(days=today_offset)
    targets = [(MON, target)]
    result = compute(days, today, planned_weekdays=planned, targets=targets)
    assert 0 <= result.freezes_held <= MAX_FREEZES
    assert 0 <= result.weekly_current <= result.weekly_best or result.weekly_best == 0
    assert result.weekly_current <= result.weekly_best or not days
    if planned:
        assert result.training_current is not None and result.training_best is not None
        assert 0 <= result.training_current <= result.training_best
    else:
        assert result.training_current is None
    assert result.freezes_used <= result.weeks_met // 4


@settings(max_examples=150, deadline=None)
@given(day_offsets, st.integers(0, 130), st.frozensets(st.integers(0, 6)), st.integers(1, 60))
def test_moving_everything_by_whole_weeks_changes_nothing(offsets, today_offset, planned, shift) -> None:  # type: ignore[no-untyped-def]
    days = _days(offsets)
    today = MON + timedelta(days=today_offset)
    moved_days = _days(offsets, MON + timedelta(weeks=shift))
    moved_today = today + timedelta(weeks=shift)
    a = compute(days, today, planned_weekdays=planned)
    b = compute(moved_days, moved_today, planned_weekdays=planned)
    assert (a.weekly_current, a.weekly_best, a.training_current, a.freezes_held, a.weeks_met) == (
        b.weekly_current,
        b.weekly_best,
        b.training_current,
        b.freezes_held,
        b.weeks_met,
    )


@settings(max_examples=150, deadline=None)
@given(day_offsets, st.integers(0, 120), st.integers(0, 130))
def test_one_more_workout_never_shortens_the_weekly_streak(offsets, extra, today_offset) -> None:  # type: ignore[no-untyped-def]
    days = _days(offsets)
    today = MON + timedelta(days=max(today_offset, extra))
    more = dict(days)
    more[MON + timedelta(days=extra)] = more.get(MON + timedelta(days=extra), 0) + 1
    if days and min(more) < min(days):
        return  # an earlier first day starts the history sooner: a different history
    assert compute(more, today).weekly_current >= compute(days, today).weekly_current


@settings(max_examples=100, deadline=None)
@given(day_offsets, st.integers(0, 130), st.frozensets(st.integers(0, 6)))
def test_the_calendar_shows_twelve_whole_weeks_ending_with_today_s(offsets, today_offset, planned) -> None:  # type: ignore[no-untyped-def]
    days = _days(offsets)
    result = compute(days, MON + timedelta(days=today_offset), planned_weekdays=planned)
    grid = calendar(days, result, planned_weekdays=planned)
    assert len(grid) == 12
    assert grid[-1][0][0] == week_start(result.today)
    for row in grid:
        assert [d.weekday() for d, _ in row] == list(range(7))
    shown = {d: state for row in grid for d, state in row}
    for day, count in days.items():
        if day in shown and count:
            assert shown[day] is Day.TRAINED


def test_consistency_scoring_is_named_shown_and_never_typed_in() -> None:
    import pytest

    from bot.domain.scoring import ResultError, ScoringKind, display_value, parse_result, parse_scoring_name

    assert parse_scoring_name("sessions-per-week") is ScoringKind.SESSIONS_PER_WEEK
    assert parse_scoring_name("sessions_week") is ScoringKind.SESSIONS_PER_WEEK
    assert len(ScoringKind.SESSIONS_PER_WEEK.value) <= 16, "fits the stored scoring column"
    assert display_value(ScoringKind.SESSIONS_PER_WEEK, 1) == "1 week"
    assert display_value(ScoringKind.SESSIONS_PER_WEEK, 3) == "3 weeks"
    with pytest.raises(ResultError) as refused:
        parse_result(ScoringKind.SESSIONS_PER_WEEK, "1")
    assert "`/log workout routine:Leg Day`" in refused.value.message


@settings(max_examples=100, deadline=None)
@given(day_offsets, st.integers(1, 14), st.integers(0, 60), st.integers(0, 60))
def test_weeks_met_never_exceed_the_weeks_in_the_window(offsets, target, start, length) -> None:  # type: ignore[no-untyped-def]
    days = _days(offsets)
    first = MON + timedelta(days=start)
    last = first + timedelta(days=length)
    met = sessions_per_week_score(days, target, first, last)
    weeks = (week_start(last) - week_start(first)).days // 7 + 1
    assert 0 <= met <= weeks
    assert sessions_per_week_score(days, target + 1, first, last) <= met


def test_each_day_is_read_against_the_plan_in_force_on_it() -> None:
    from bot.domain.streaks import plan_on

    history = [(date(2000, 1, 1), frozenset({0})), (MON + timedelta(days=2), frozenset({0, 1}))]
    assert plan_on(MON + timedelta(days=1), history, frozenset({0, 1})) == frozenset({0})
    assert plan_on(MON + timedelta(days=8), history, frozenset({0, 1})) == frozenset({0, 1})
    assert plan_on(MON, [], frozenset({3})) == frozenset({3})
    days = {MON: 1}
    today = MON + timedelta(days=3)
    now_plan = {0, 1}
    assert compute(days, today, planned_weekdays=now_plan).training_current == 0
    assert compute(days, today, planned_weekdays=now_plan, plan_history=history).training_current == 1
