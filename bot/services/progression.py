"""Progression hints for members (issue #19): a "next time" line per exercise.

The rule itself is pure (:mod:`bot.domain.progression`); this service finds what it
needs. The target — the rep range and the number of sets — comes from the routine:
the one just logged, or, for ad hoc exercises, the member's routine holding that
exercise (the most recently changed one); without any, what was logged is the target.
The outings are the last two sessions with the exercise, read back from the log, with
the session's RPE; an ad hoc line's own ``RPE`` counts for the session just logged.

An exercise written on several lines of one session (ramped sets such as 5/3/1's) gets no
hint: those loads follow their program, not double progression.

Members who turned hints off (``/settings progression off``) get no lines anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.training import PastOuting, TrainingRepo
from bot.domain.exercises import Catalogue, default_catalogue
from bot.domain.progression import Hint, Outing, RepTarget, is_lower_body, next_time
from bot.domain.routines import ExerciseLine, Weight, parse_routine
from bot.domain.units import WeightSystem
from bot.errors import NotFound
from bot.services.routines import Routine, RoutineService
from bot.services.settings import MemberSettingsService
from bot.services.workouts import LoggedWorkout, exercise_key

Clock = Callable[[], datetime]

#: Routines searched for an ad hoc exercise's target; a library is rarely longer.
_LIBRARY_SCAN = 200


@dataclass(frozen=True)
class ExerciseHint:
    name: str
    hint: Hint


def target_of(line: ExerciseLine) -> RepTarget | None:
    """The rep target a routine line sets: its range or count (none for AMRAP or timed sets)."""
    reps = line.reps
    if reps.kind == "range" and reps.low is not None and reps.high is not None:
        return RepTarget(reps.low, reps.high)
    if reps.kind == "count" and reps.low is not None:
        return RepTarget(reps.low, reps.low)
    return None


def outing_of(past: PastOuting, rpe: float | None = None) -> Outing | None:
    """The weighted sets of one past session, at its heaviest load; None when none had a weight."""
    weighted = [s for s in past.sets if s.load_kind == "weight" and s.reps is not None and s.weight_kg]
    if not weighted:
        return None
    heaviest = max(s.weight_kg or 0.0 for s in weighted)
    reps = tuple(s.reps or 0 for s in weighted if (s.weight_kg or 0.0) >= heaviest - 1e-6)
    effort = rpe if rpe is not None else (float(past.rpe) if past.rpe is not None else None)
    return Outing(reps, heaviest, effort)


class ProgressionService:
    def __init__(
        self,
        repo: TrainingRepo,
        routines: RoutineService,
        members: MemberSettingsService,
        clock: Clock,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.repo = repo
        self.routines = routines
        self.members = members
        self.clock = clock
        self.catalogue = catalogue or default_catalogue()

    async def enabled(self, user_id: int) -> bool:
        return await self.repo.hints_enabled(user_id)

    async def set_enabled(self, user_id: int, enabled: bool) -> None:
        await self.repo.set_hints(user_id, enabled, self.clock())

    async def _units(self, user_id: int) -> WeightSystem:
        return "lb" if (await self.members.get(user_id)).units == "lb" else "kg"

    def _lower(self, key: str) -> bool:
        exercise = self.catalogue.get(key)
        return exercise is not None and is_lower_body(exercise.primary)

    async def _hints(
        self,
        user_id: int,
        wanted: Sequence[tuple[str, str, ExerciseLine]],
        latest_rpe: dict[str, float] | None = None,
    ) -> list[ExerciseHint]:
        """Hints for (key, name, target line) triples, in order, each exercise once."""
        if not wanted or not await self.enabled(user_id):
            return []
        system = await self._units(user_id)
        outings = await self.repo.recent_outings(user_id, [key for key, _, _ in wanted])
        hints: list[ExerciseHint] = []
        seen: set[str] = set()
        # Ramped sets (one exercise on several lines at different loads, as 5/3/1 writes them)
        # follow their own scheme, not double progression: no hint for those.
        lines_per_key = Counter(key for key, _, _ in wanted)
        for key, name, line in wanted:
            target = target_of(line)
            if key in seen or target is None or lines_per_key[key] > 1:
                continue
            seen.add(key)
            past = outings.get(key, [])
            read = [
                outing_of(p, (latest_rpe or {}).get(key) if index == len(past) - 1 else None)
                for index, p in enumerate(past)
            ]
            usable: list[Outing] = []
            for outing in reversed(read):  # the latest sessions with a weight, back to a gap
                if outing is None:
                    break
                usable.insert(0, outing)
            hint = next_time(target, line.sets, usable, system, self._lower(key))
            if hint is not None:
                hints.append(ExerciseHint(name, hint))
        return hints

    async def after_log(self, user_id: int, logged: LoggedWorkout) -> list[ExerciseHint]:
        """Hints for each exercise of a session just logged."""
        if not await self.enabled(user_id):
            return []
        routine_id = await self.repo.session_routine(logged.session.session_id)
        targets: dict[str, ExerciseLine] = {}
        if routine_id is not None:
            try:
                routine: Routine | None = await self.routines.get(routine_id)
            except NotFound:
                routine = None
            if routine is not None:
                for line in routine.lines:
                    targets.setdefault(exercise_key(line.name, self.catalogue)[0], line)
        else:
            targets = await self._library_targets(user_id, {e.exercise_key for e in logged.exercises})
        wanted = []
        latest_rpe: dict[str, float] = {}
        for exercise in logged.exercises:
            line = targets.get(exercise.exercise_key, exercise.line)
            wanted.append((exercise.exercise_key, exercise.name, line))
            if routine_id is None and exercise.line.rpe is not None:
                latest_rpe[exercise.exercise_key] = exercise.line.rpe
        return await self._hints(user_id, wanted, latest_rpe)

    async def for_routine(self, user_id: int, routine: Routine) -> list[ExerciseHint]:
        """Hints for a routine's exercises from the member's own log (``/routine view``)."""
        if routine.owner_id != user_id:
            return []
        wanted = []
        for line in routine.lines:
            key, name, _custom = exercise_key(line.name, self.catalogue)
            wanted.append((key, name, line))
        return await self._hints(user_id, wanted)

    async def _library_targets(self, user_id: int, keys: set[str]) -> dict[str, ExerciseLine]:
        """The line for each exercise in the member's routines, the most recently changed first."""
        rows, _total = await self.routines.repo.list_owned(user_id, offset=0, limit=_LIBRARY_SCAN)
        found: dict[str, tuple[datetime, ExerciseLine]] = {}
        for row in rows:
            for line in parse_routine(row.notation):
                key = exercise_key(line.name, self.catalogue)[0]
                newer = key not in found or row.updated_at > found[key][0]
                if key in keys and newer and (line.load is None or isinstance(line.load, Weight)):
                    found[key] = (row.updated_at, line)
        return {key: line for key, (_at, line) in found.items()}
