"""Members' weekly plans behind ``/plan`` (SPEC §4.1).

:class:`PlanService` keeps one routine per weekday per member. Which weekday is "today"
is the member's local day (their zone from settings, the time from the bot's clock), so
a member in New York still sees Wednesday's routine at 23:30 on Wednesday. The reminders
feature asks :meth:`PlanService.planned_for` with a local date it has already worked out.
The exercise library lives in :mod:`bot.services.exercises`.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.db.repositories.plans import PlanRepo, PlanRow
from bot.domain import localtime
from bot.domain.text import inline_code
from bot.errors import NotFound, UserFacingError
from bot.services.routines import RoutineService
from bot.services.settings import MemberSettingsService

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Weekdays as ``date.weekday()`` numbers them: Monday is 0.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

EXAMPLE_PLAN_SET = "`/plan set day:mon routine:Leg Day`"


def day_name(weekday: int) -> str:
    return DAY_NAMES[weekday]


def parse_weekday(day: str | int) -> int:
    """A weekday number from ``mon``/``Monday``/``tues``/``3``…; refuses anything else."""
    if isinstance(day, int):
        if 0 <= day <= 6:
            return day
        raise UserFacingError(
            f"`{day}` isn't a day of the week (Monday is 0, Sunday is 6).", example=EXAMPLE_PLAN_SET
        )
    word = "".join(day.split()).casefold().rstrip(".")
    if len(word) >= 3:
        for index, name in enumerate(DAY_NAMES):
            if name.casefold().startswith(word):
                return index
    raise UserFacingError(
        f"{inline_code(day, 20)} isn't a day of the week; use mon, tue, wed, thu, fri, sat or sun.",
        example=EXAMPLE_PLAN_SET,
    )


# -- weekly plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRoutine:
    """A routine on one weekday of a member's plan."""

    weekday: int
    routine_id: int
    routine_name: str

    @property
    def day_name(self) -> str:
        return DAY_NAMES[self.weekday]


@dataclass(frozen=True)
class WeekPlan:
    """A member's week as ``/plan show`` tells it, with "today" in their own zone."""

    user_id: int
    entries: tuple[PlannedRoutine, ...]
    today: date
    zone: ZoneInfo
    zone_is_default: bool

    def on(self, weekday: int) -> PlannedRoutine | None:
        return next((e for e in self.entries if e.weekday == weekday), None)

    @property
    def today_weekday(self) -> int:
        return self.today.weekday()

    @property
    def planned_today(self) -> PlannedRoutine | None:
        return self.on(self.today_weekday)


@dataclass(frozen=True)
class PlanChange:
    """What ``/plan set`` or ``/plan clear`` did; ``previous`` is what the day held before."""

    weekday: int
    planned: PlannedRoutine | None
    previous: PlannedRoutine | None

    @property
    def day_name(self) -> str:
        return DAY_NAMES[self.weekday]


def _planned(row: PlanRow) -> PlannedRoutine:
    return PlannedRoutine(row.weekday, row.routine_id, row.routine_name)


class PlanService:
    def __init__(
        self, repo: PlanRepo, routines: RoutineService, members: MemberSettingsService, clock: Clock
    ) -> None:
        self.repo = repo
        self.routines = routines
        self.members = members
        self.clock = clock
        #: Called with (member, planned weekdays before, after) once a day was set or cleared
        #: (streaks keep the plan as it was, so a new plan never rewrites past days).
        self.on_changed: list[Callable[[int, frozenset[int], frozenset[int]], Awaitable[None]]] = []

    # -- for other features ------------------------------------------------------------------------

    async def planned_for(self, user_id: int, local_date: date) -> PlannedRoutine | None:
        """The routine planned on ``local_date``'s weekday (a date in the member's own zone)."""
        row = await self.repo.on_weekday(user_id, local_date.weekday())
        return _planned(row) if row is not None else None

    async def for_member(self, user_id: int) -> list[PlannedRoutine]:
        """The member's planned days, Monday first; days without a routine are left out."""
        return [_planned(row) for row in await self.repo.for_member(user_id)]

    async def local_today(self, user_id: int) -> date:
        """The member's "today": the bot's clock read in their zone."""
        settings = await self.members.get(user_id)
        return localtime.local_date(self.clock(), settings.zone)

    async def planned_today(self, user_id: int) -> PlannedRoutine | None:
        return await self.planned_for(user_id, await self.local_today(user_id))

    # -- the member's commands -----------------------------------------------------------------------

    async def show(self, user_id: int) -> WeekPlan:
        settings = await self.members.get(user_id)
        today = localtime.local_date(self.clock(), settings.zone)
        entries = tuple(await self.for_member(user_id))
        return WeekPlan(user_id, entries, today, settings.zone, settings.zone_is_default)

    async def set(self, user_id: int, day: str | int, routine_name: str) -> PlanChange:
        """Plan one of the member's routines (their own or a saved copy) on a weekday."""
        weekday = parse_weekday(day)
        planned = await self._own_routine(user_id, weekday, routine_name)
        previous = await self.planned_for_weekday(user_id, weekday)
        before = await self._weekdays(user_id)
        if not await self.repo.set(user_id, weekday, planned.routine_id, self.clock()):
            raise NotFound(
                f"{inline_code(planned.routine_name)} was deleted just now, so nothing was planned.",
                example=EXAMPLE_PLAN_SET,
            )
        await self._changed(user_id, before, before | {weekday})
        return PlanChange(weekday, planned, previous)

    async def clear(self, user_id: int, day: str | int) -> PlanChange:
        """Make a weekday a rest day again; refused (changing nothing) when it already is one."""
        weekday = parse_weekday(day)
        previous = await self.planned_for_weekday(user_id, weekday)
        before = await self._weekdays(user_id)
        if previous is None or not await self.repo.clear(user_id, weekday):
            raise NotFound(
                f"Nothing is planned on {DAY_NAMES[weekday]}, so there was nothing to clear.",
                example="`/plan show` lists your planned days",
            )
        await self._changed(user_id, before, before - {weekday})
        return PlanChange(weekday, None, previous)

    async def _weekdays(self, user_id: int) -> frozenset[int]:
        return frozenset(p.weekday for p in await self.for_member(user_id))

    async def _changed(self, user_id: int, before: frozenset[int], after: frozenset[int]) -> None:
        for listener in list(self.on_changed):
            try:
                await listener(user_id, before, after)
            except Exception:
                log.exception("A plan-changed listener failed for member %s", user_id)

    async def planned_for_weekday(self, user_id: int, weekday: int) -> PlannedRoutine | None:
        row = await self.repo.on_weekday(user_id, weekday)
        return _planned(row) if row is not None else None

    async def _own_routine(self, user_id: int, weekday: int, name: str) -> PlannedRoutine:
        try:
            routine = await self.routines.get_own(user_id, name)
        except NotFound:
            pass
        else:
            return PlannedRoutine(weekday, routine.id, routine.name)
        names = await self.routines.names(user_id, "")
        day = DAY_KEYS[weekday]
        if not names:
            raise NotFound(
                "You have no routines yet, so there's nothing to plan. Write one with `/routine create`, "
                "or press `Save a copy` on a routine shared in the server.",
                example=EXAMPLE_PLAN_SET,
            )
        shown = " ".join(name.split())[:80]
        close = difflib.get_close_matches(shown.casefold(), [n.casefold() for n in names], n=1, cutoff=0.5)
        suggestion = next((n for n in names if close and n.casefold() == close[0]), names[0])
        raise NotFound(
            f"You have no routine called {inline_code(shown)}, so nothing was planned. "
            "Pick one of your routines (or saved copies) from the list Discord offers.",
            example=f"`/plan set day:{day} routine:{suggestion}`",
        )
