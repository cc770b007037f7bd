"""Streaks on a member's own local days: the weekly streak, the training-day streak, freezes.

Everything here works on local dates that were fixed when each workout was logged (see
``workout_days``), so the rules never touch a clock or a zone: a DST change, a zone change
or a late-night log cannot move a workout to another day after the fact.

* **Weekly streak**: consecutive local weeks (Monday to Sunday) with at least the
  member's weekly target of sessions. The week in progress counts once it is met and
  never breaks the streak before it is over.
* **Training-day streak** (only with a weekly plan): every day with a workout adds one;
  a planned day that passes without one breaks it; a day with nothing planned is a rest
  day and leaves it as it is. Today never breaks it before it is over. Each day is read
  against the plan in force on it (``plan_history``), so changing the plan never rewrites
  the days before the change.
* **Freezes**: one is earned for every 4 weeks that meet the target, at most 2 are held,
  and a missed week or a missed planned day uses one automatically instead of breaking
  the streak. Both streaks draw from the same freezes, day by day in order; on a
  Sunday the day is settled before its week.

The history starts on the member's first logged day: nothing before it is missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

DEFAULT_TARGET = 3
TARGET_MIN, TARGET_MAX = 1, 14
WEEKS_PER_FREEZE = 4
MAX_FREEZES = 2
CALENDAR_WEEKS = 12


#: A member's plan over time: (first local day, planned weekdays) pairs, oldest first.
PlanHistory = Sequence[tuple[date, frozenset[int]]]


def plan_on(day: date, history: PlanHistory, current: frozenset[int]) -> frozenset[int]:
    """The weekdays planned on ``day``: the plan in force then, or the current one when the
    plan never changed since it was first recorded."""
    chosen = current
    for start, weekdays in history:
        if start > day:
            break
        chosen = weekdays
    return chosen


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def target_for(week: date, targets: Sequence[tuple[date, int]], default: int = DEFAULT_TARGET) -> int:
    """The target in force in the week starting ``week``: the last one set on or before it.

    Weeks before the first target was set had the default, and keep it.
    """
    chosen = default
    for start, target in targets:
        if start > week:
            break
        chosen = target
    return chosen


class Day(Enum):
    """How one local day looks on the streak calendar."""

    TRAINED = "trained"
    FROZEN = "frozen"
    MISSED = "missed"
    REST = "rest"
    OPEN = "open"
    FUTURE = "future"


@dataclass(frozen=True)
class Streaks:
    weekly_current: int
    weekly_best: int
    #: None without a weekly plan (only the weekly streak applies then).
    training_current: int | None
    training_best: int | None
    freezes_held: int
    frozen_weeks: tuple[date, ...]
    frozen_days: tuple[date, ...]
    weeks_met: int
    this_week_sessions: int
    this_week_target: int
    today: date

    @property
    def this_week_met(self) -> bool:
        return self.this_week_sessions >= self.this_week_target

    @property
    def freezes_used(self) -> int:
        return len(self.frozen_weeks) + len(self.frozen_days)


def compute(
    days: Mapping[date, int],
    today: date,
    *,
    planned_weekdays: Iterable[int] = (),
    targets: Sequence[tuple[date, int]] = (),
    default_target: int = DEFAULT_TARGET,
    plan_history: PlanHistory = (),
) -> Streaks:
    """Both streaks and the freezes, from sessions per local day up to ``today``.

    ``today`` is the member's local date now; a day after it that already holds a workout
    (logged in a zone that was ahead of the current one) moves "today" forward to it.
    """
    planned = frozenset(planned_weekdays)
    trained = {d for d, count in days.items() if count > 0}
    if trained:
        today = max(today, max(trained))
    this_week = week_start(today)
    current_target = target_for(this_week, targets, default_target)
    this_week_sessions = sum(days.get(this_week + timedelta(days=i), 0) for i in range(7))
    if not trained:
        return Streaks(
            weekly_current=1 if this_week_sessions >= current_target else 0,
            weekly_best=0,
            training_current=0 if planned else None,
            training_best=0 if planned else None,
            freezes_held=0,
            frozen_weeks=(),
            frozen_days=(),
            weeks_met=0,
            this_week_sessions=0,
            this_week_target=current_target,
            today=today,
        )

    first = min(trained)
    weekly_run = weekly_best = 0
    training_run = training_best = 0
    freezes = weeks_met = 0
    frozen_weeks: list[date] = []
    frozen_days: list[date] = []
    week_sessions = 0
    day = week_start(first)
    while day <= today:
        count = days.get(day, 0)
        week_sessions += count
        if planned and day >= first:
            if count > 0:
                training_run += 1
                training_best = max(training_best, training_run)
            elif day.weekday() in plan_on(day, plan_history, planned) and day < today:
                if freezes:
                    freezes -= 1
                    frozen_days.append(day)
                else:
                    training_run = 0
        if day.weekday() == 6 and day < today:
            monday = week_start(day)
            if week_sessions >= target_for(monday, targets, default_target):
                weekly_run += 1
                weekly_best = max(weekly_best, weekly_run)
                weeks_met += 1
                if weeks_met % WEEKS_PER_FREEZE == 0 and freezes < MAX_FREEZES:
                    freezes += 1
            elif freezes:
                freezes -= 1
                frozen_weeks.append(monday)
            else:
                weekly_run = 0
            week_sessions = 0
        day += timedelta(days=1)

    weekly_current = weekly_run + (1 if this_week_sessions >= current_target else 0)
    return Streaks(
        weekly_current=weekly_current,
        weekly_best=max(weekly_best, weekly_current),
        training_current=training_run if planned else None,
        training_best=training_best if planned else None,
        freezes_held=freezes,
        frozen_weeks=tuple(frozen_weeks),
        frozen_days=tuple(frozen_days),
        weeks_met=weeks_met,
        this_week_sessions=this_week_sessions,
        this_week_target=current_target,
        today=today,
    )


def calendar(
    days: Mapping[date, int],
    streaks: Streaks,
    *,
    planned_weekdays: Iterable[int] = (),
    weeks: int = CALENDAR_WEEKS,
    plan_history: PlanHistory = (),
) -> list[list[tuple[date, Day]]]:
    """The last ``weeks`` local weeks (oldest first), each Monday to Sunday, as calendar days."""
    planned = frozenset(planned_weekdays)
    frozen = set(streaks.frozen_days)
    trained = [d for d, c in days.items() if c > 0]
    first = min(trained) if trained else streaks.today
    start = week_start(streaks.today) - timedelta(weeks=weeks - 1)
    grid: list[list[tuple[date, Day]]] = []
    for w in range(weeks):
        row: list[tuple[date, Day]] = []
        for i in range(7):
            day = start + timedelta(weeks=w, days=i)
            if day > streaks.today:
                state = Day.FUTURE
            elif days.get(day, 0) > 0:
                state = Day.TRAINED
            elif day in frozen:
                state = Day.FROZEN
            elif (
                planned
                and day.weekday() in plan_on(day, plan_history, planned)
                and first <= day < streaks.today
            ):
                state = Day.MISSED
            elif planned and day.weekday() not in plan_on(day, plan_history, planned):
                state = Day.REST
            else:
                state = Day.OPEN
            row.append((day, state))
        grid.append(row)
    return grid


def sessions_per_week_score(days: Mapping[date, int], target: int, start: date, end: date) -> int:
    """Local weeks from ``start``'s week to ``end``'s with at least ``target`` sessions in ``start..end``.

    A week still in progress counts as soon as it is met.
    """
    met = 0
    week = week_start(start)
    while week <= end:
        count = sum(
            days.get(day, 0) for day in (week + timedelta(days=i) for i in range(7)) if start <= day <= end
        )
        if count >= target:
            met += 1
        week += timedelta(days=7)
    return met


__all__ = [
    "CALENDAR_WEEKS",
    "DEFAULT_TARGET",
    "MAX_FREEZES",
    "TARGET_MAX",
    "TARGET_MIN",
    "WEEKS_PER_FREEZE",
    "Day",
    "PlanHistory",
    "Streaks",
    "calendar",
    "compute",
    "plan_on",
    "sessions_per_week_score",
    "target_for",
    "week_start",
]
