"""The exercise library behind ``/exercise`` (SPEC §4.1).

:class:`ExerciseLibrary` answers questions about the built-in catalogue: look an exercise
up by name or alias (with "did you mean" hints for near misses), suggest names while
typing, and page through exercises by muscle group and equipment. It reads no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.domain.exercises import EQUIPMENT, MUSCLES, Catalogue, Exercise, default_catalogue, normalise_name
from bot.domain.text import inline_code
from bot.errors import NotFound, UserFacingError
from bot.services.routines import Page

SEARCH_PAGE_SIZE = 10
ALTERNATIVES = 5


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
