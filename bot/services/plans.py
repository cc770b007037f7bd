"""The exercise library and members' weekly plans (SPEC §4.1).

Two small capabilities that belong together for members ("what is this lift, and which
routine am I doing on Tuesday?"):

* :class:`ExerciseLibrary` answers questions about the built-in catalogue: look an exercise
  up by name or alias (with "did you mean" hints for near misses), suggest names while
  typing, and page through exercises by muscle group and equipment. It reads no database.
* :class:`PlanService` keeps one routine per weekday per member. Which weekday is "today"
  is the member's local day (their zone from settings, the time from the bot's clock), so
  a member in New York still sees Wednesday's routine at 23:30 on Wednesday. The reminders
  feature asks :meth:`PlanService.planned_for` with a local date it has already worked out.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.db.repositories.plans import PlanRepo, PlanRow
from bot.domain import localtime
from bot.domain.exercises import EQUIPMENT, MUSCLES, Catalogue, Exercise, default_catalogue, normalise_name
from bot.domain.text import inline_code
from bot.errors import NotFound, UserFacingError
from bot.services.routines import Page, RoutineService
from bot.services.settings import MemberSettingsService

Clock = Callable[[], datetime]

SEARCH_PAGE_SIZE = 10
ALTERNATIVES = 5

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


# -- the exercise library ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseChoice:
    """One autocomplete option: what the member reads, and the name the command receives."""

    label: str
    value: str


@dataclass(frozen=True)
class ExerciseInfo:
    exercise: Exercise
    #: The alias the member typed when it isn't the exercise's name ("RDL"), else None.
    asked_as: str | None
    #: Other exercises for the same primary muscles, closest first.
    alternatives: tuple[Exercise, ...]


@dataclass(frozen=True)
class ExerciseHit:
    exercise: Exercise
    #: True when the searched muscle is one the exercise mainly trains (not a helper).
    primary: bool


@dataclass(frozen=True)
class BroaderSearch:
    """A wider search that does find something, offered when a search finds nothing."""

    muscle: str | None
    equipment: str | None
    count: int


@dataclass(frozen=True)
class ExerciseSearch:
    muscle: str | None
    equipment: str | None
    results: Page[ExerciseHit]
    broader: tuple[BroaderSearch, ...] = ()


EXAMPLE_SEARCH = "`/exercise search muscle:Glutes` or `/exercise search muscle:Chest equipment:Dumbbell`"


def _vocabulary_key(value: str | None, option: str) -> str | None:
    """The muscle (``option="muscle"``) or equipment key named by its key or label, or None.

    Discord offers only valid choices, but the service is also called directly, so anything
    else gets an error naming the option and a value that works.
    """
    if value is None or not value.strip():
        return None
    vocabulary, what = (MUSCLES, "a muscle group") if option == "muscle" else (EQUIPMENT, "equipment")
    wanted = "".join(normalise_name(value).split())
    for key, label in vocabulary.items():
        if wanted in ("".join(normalise_name(key).split()), "".join(normalise_name(label).split())):
            return key
    raise UserFacingError(
        f"{inline_code(value, 40)} isn't {what} I know; pick one from the list Discord offers.",
        example=f"`/exercise search {option}:{next(iter(vocabulary.values()))}`",
    )


class ExerciseLibrary:
    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or default_catalogue()

    def suggest(self, query: str, limit: int = 25) -> list[ExerciseChoice]:
        """Autocomplete options; an alias match shows the alias too ("Romanian Deadlift · RDL")."""
        wanted = normalise_name(query)
        choices = []
        for exercise in self.catalogue.search(query, limit):
            label = exercise.name
            if wanted and not normalise_name(exercise.name).startswith(wanted):
                alias = next((a for a in exercise.aliases if normalise_name(a).startswith(wanted)), None)
                if alias is not None:
                    label = f"{exercise.name} · {alias}"
            choices.append(ExerciseChoice(label[:100], exercise.name))
        return choices

    def info(self, name: str) -> ExerciseInfo:
        exercise = self.catalogue.lookup(name)
        if exercise is None:
            raise self._unknown(name)
        typed = " ".join(name.split())
        asked_as = None
        if normalise_name(typed) != normalise_name(exercise.name):
            asked_as = next((a for a in exercise.aliases if normalise_name(a) == normalise_name(typed)), None)
        alternatives = tuple(self.catalogue.alternatives(exercise, ALTERNATIVES))
        return ExerciseInfo(exercise, asked_as, alternatives)

    def _unknown(self, name: str) -> NotFound:
        shown = inline_code(name, 60)
        close = self.catalogue.close_matches(name, 3)
        if not close:
            close = [e.name for e in self.catalogue.search(name, 3)]
        if close:
            listed = ", ".join(f"**{c}**" for c in close)
            return NotFound(
                f"{shown} isn't in the exercise library. Did you mean {listed}?",
                example=f"`/exercise info name:{close[0]}`",
            )
        return NotFound(
            f"{shown} isn't in the exercise library. Pick a name from the list Discord offers "
            "while you type, or browse by muscle group.",
            example="`/exercise info name:Romanian Deadlift` (or `RDL`), or `/exercise search muscle:Glutes`",
        )

    def search(
        self, muscle: str | None = None, equipment: str | None = None, page: int = 1
    ) -> ExerciseSearch:
        """Exercises for a muscle group and/or equipment; muscle-as-primary matches first."""
        muscle_key = _vocabulary_key(muscle, "muscle")
        equipment_key = _vocabulary_key(equipment, "equipment")
        if muscle_key is None and equipment_key is None:
            raise UserFacingError(
                "Choose a muscle group, a piece of equipment, or both to search by.", example=EXAMPLE_SEARCH
            )
        hits = self._hits(muscle_key, equipment_key)
        pages = max(1, math.ceil(len(hits) / SEARCH_PAGE_SIZE))
        page = min(max(page, 1), pages)
        start = (page - 1) * SEARCH_PAGE_SIZE
        results = Page(tuple(hits[start : start + SEARCH_PAGE_SIZE]), page, pages, len(hits))
        broader: tuple[BroaderSearch, ...] = ()
        if not hits:
            broader = self._broader(muscle_key, equipment_key)
        return ExerciseSearch(muscle_key, equipment_key, results, broader)

    def _hits(self, muscle: str | None, equipment: str | None) -> list[ExerciseHit]:
        return [
            ExerciseHit(exercise, muscle is None or muscle in exercise.primary)
            for exercise in self.catalogue.filter(muscle=muscle, equipment=equipment)
        ]

    def _broader(self, muscle: str | None, equipment: str | None) -> tuple[BroaderSearch, ...]:
        """Each filter on its own, where that finds something (only when both were given)."""
        if muscle is None or equipment is None:
            return ()
        options = [
            BroaderSearch(muscle, None, len(self._hits(muscle, None))),
            BroaderSearch(None, equipment, len(self._hits(None, equipment))),
        ]
        return tuple(option for option in options if option.count)


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
        if not await self.repo.set(user_id, weekday, planned.routine_id, self.clock()):
            raise NotFound(
                f"{inline_code(planned.routine_name)} was deleted just now, so nothing was planned.",
                example=EXAMPLE_PLAN_SET,
            )
        return PlanChange(weekday, planned, previous)

    async def clear(self, user_id: int, day: str | int) -> PlanChange:
        """Make a weekday a rest day again; refused (changing nothing) when it already is one."""
        weekday = parse_weekday(day)
        previous = await self.planned_for_weekday(user_id, weekday)
        if previous is None or not await self.repo.clear(user_id, weekday):
            raise NotFound(
                f"Nothing is planned on {DAY_NAMES[weekday]}, so there was nothing to clear.",
                example="`/plan show` lists your planned days",
            )
        return PlanChange(weekday, None, previous)

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
