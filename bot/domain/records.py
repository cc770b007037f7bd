"""Personal records: estimated one-rep max and best reps at a load.

``/log workout`` reports what a session improved on, per exercise. Two kinds of
record are tracked, because lifters improve in two ways:

* **Estimated 1RM** (Epley): heavier-for-the-reps sets. ``w × (1 + reps/30)``, and a
  single (1 rep) is its own 1RM. Only sets of at most :data:`EPLEY_MAX_REPS` reps are
  estimated: beyond that the formula drifts far from measured maxes (endurance,
  not strength, sets the rep count), so a set of 20 would produce a flattering,
  meaningless number.
* **Reps at a load**: more reps at a weight than ever before. A load counts as
  "done for r reps" if any set at that load *or heavier* reached r reps — having
  squatted 100 kg × 5 means 95 kg × 5 is not an achievement. So a new set is a
  record when no earlier set was at least as heavy with at least as many reps, and
  ``previous`` is the best rep count at that load or heavier (``None`` when nothing
  that heavy was ever logged, i.e. the heaviest load so far). Loads are compared at
  :data:`LOAD_RESOLUTION_KG` so 225 lb (102.06 kg) and 102 kg are the same bar.
  Within a session only sets no other set of that session beats are reported, so
  back-off sets don't repeat the top set's news. Bodyweight work is logged at 0 kg
  and gets rep records too.

History is summarised by a :class:`RecordBook`: the best estimate and, per load, the
most reps at it or heavier (only loads no heavier load matches on reps). That is all
the comparison needs, so checking a session costs the same after ten years of
logging as after one week; :func:`detect_records` over raw history and
:func:`detect_records_against` over a book give the same answers.

A record must be strictly better than all history. The first session of an exercise
has nothing to beat, so calling everything in it a record would be noise; instead it
yields a single ``FIRST_LOGGED`` entry describing the baseline it sets. Sets with no
completed rep are ignored: a missed attempt is neither a record nor a baseline.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.units import round_to_step

__all__ = [
    "E1RM_TOLERANCE_KG",
    "EPLEY_MAX_REPS",
    "LOAD_RESOLUTION_KG",
    "PersonalRecord",
    "RecordBook",
    "RecordKind",
    "SetRecord",
    "best_estimated_1rm",
    "best_reps_at",
    "detect_records",
    "detect_records_against",
    "estimated_1rm",
]

#: Above this many reps the Epley estimate is too unreliable to report.
EPLEY_MAX_REPS = 12
#: Loads closer than this are the same load for rep records (the smallest plate step).
LOAD_RESOLUTION_KG = 0.5
#: Estimated-1RM gains smaller than this are unit-conversion noise, not progress.
E1RM_TOLERANCE_KG = 0.01


@dataclass(frozen=True)
class SetRecord:
    """One completed set of an exercise: the load in kg (0 for bodyweight) and reps."""

    weight_kg: float
    reps: int

    def __post_init__(self) -> None:
        if isinstance(self.weight_kg, bool) or not math.isfinite(self.weight_kg) or self.weight_kg < 0:
            raise ValueError(f"weight_kg must be a finite number ≥ 0, got {self.weight_kg!r}")
        if isinstance(self.reps, bool) or not isinstance(self.reps, int) or self.reps < 0:
            raise ValueError(f"reps must be a whole number ≥ 0, got {self.reps!r}")


class RecordKind(StrEnum):
    """What a :class:`PersonalRecord` is about; the values are stable for storage."""

    FIRST_LOGGED = "first_logged"
    ESTIMATED_1RM = "estimated_1rm"
    REPS_AT_LOAD = "reps_at_load"


@dataclass(frozen=True)
class PersonalRecord:
    """A record set by a new session, with what it beat.

    ``value`` and ``previous`` depend on ``kind``:

    * ``ESTIMATED_1RM`` — estimated 1RM in kg; ``previous`` is the best estimate
      before (``None`` when no earlier set could be estimated).
    * ``REPS_AT_LOAD`` — the rep count (an int); ``previous`` is the best rep count
      at ``load_kg`` or heavier before (``None``: never that heavy).
    * ``FIRST_LOGGED`` — the baseline's estimated 1RM in kg, or ``None`` when no set
      can be estimated (bodyweight work, high reps); ``previous`` is always ``None``.

    ``best_set`` is the set that earned it, for "100 kg × 5" in the reply.
    ``load_kg`` is the load compared, rounded to :data:`LOAD_RESOLUTION_KG`, for
    ``REPS_AT_LOAD`` only.
    """

    exercise: str
    kind: RecordKind
    value: float | None
    previous: float | None
    best_set: SetRecord
    load_kg: float | None = None


def estimated_1rm(weight_kg: float, reps: int) -> float | None:
    """Epley's one-rep-max estimate, or ``None`` when it would mislead.

    ``None`` for no completed rep, for no load (bodyweight sets carry no bar weight
    to extrapolate from) and for more than :data:`EPLEY_MAX_REPS` reps.
    """
    if not math.isfinite(weight_kg):
        raise ValueError(f"weight_kg must be finite, got {weight_kg!r}")
    if reps < 1 or reps > EPLEY_MAX_REPS or weight_kg <= 0:
        return None
    if reps == 1:
        return float(weight_kg)
    return weight_kg * (1 + reps / 30)


def best_estimated_1rm(sets: Iterable[SetRecord]) -> float | None:
    """The highest estimated 1RM among ``sets``, or ``None`` when none can be estimated."""
    estimates = [e for s in sets if (e := estimated_1rm(s.weight_kg, s.reps)) is not None]
    return max(estimates, default=None)


def best_reps_at(sets: Iterable[SetRecord], load_kg: float) -> int | None:
    """Most reps done at ``load_kg`` or heavier (at 0.5 kg resolution); ``None`` if never that heavy."""
    floor = _load(load_kg)
    reps = [s.reps for s in sets if s.reps >= 1 and _load(s.weight_kg) >= floor]
    return max(reps, default=None)


@dataclass(frozen=True)
class RecordBook:
    """What one exercise's history holds that a new session could beat.

    ``best_1rm`` is the highest estimated 1RM (``None``: nothing estimable yet).
    ``reps_front`` holds ``(load_kg, reps)`` pairs, heaviest first, each with more
    reps than every heavier load: the most reps at a load or heavier is the last
    pair at least that heavy, and no other pair can ever change an answer. Empty
    when no set was ever completed. Its size is bounded by the loads, not the sets.
    """

    best_1rm: float | None = None
    reps_front: tuple[tuple[float, int], ...] = ()

    @classmethod
    def of(cls, sets: Iterable[SetRecord]) -> RecordBook:
        """The book of a history given as sets."""
        return cls().with_sets(sets)

    @property
    def empty(self) -> bool:
        """No completed set so far: the next session sets a baseline."""
        return not self.reps_front

    def with_sets(self, sets: Iterable[SetRecord]) -> RecordBook:
        """The book once ``sets`` are history too."""
        done = [s for s in sets if s.reps >= 1]
        if not done:
            return self
        estimate = best_estimated_1rm(done)
        best = self.best_1rm
        if estimate is not None and (best is None or estimate > best):
            best = estimate
        most: dict[float, int] = dict(self.reps_front)
        for s in done:
            load = _load(s.weight_kg)
            if s.reps > most.get(load, 0):
                most[load] = s.reps
        return RecordBook(best, _front(most))

    def reps_at(self, load_kg: float) -> int | None:
        """Most reps done at ``load_kg`` or heavier; ``None`` if never that heavy."""
        floor = _load(load_kg)
        return max((reps for load, reps in self.reps_front if load >= floor), default=None)


def detect_records(
    exercise: str, history: Iterable[SetRecord], new: Iterable[SetRecord]
) -> list[PersonalRecord]:
    """The records ``new`` sets against ``history`` for one exercise.

    ``history`` is every earlier set of this exercise; ``new`` is this session's
    sets. Returns the estimated-1RM record first (if any), then rep records from the
    heaviest load down; a single ``FIRST_LOGGED`` entry when there is no history;
    an empty list when nothing improved or no set was completed.
    """
    return detect_records_against(exercise, RecordBook.of(history), new)


def detect_records_against(exercise: str, book: RecordBook, new: Iterable[SetRecord]) -> list[PersonalRecord]:
    """:func:`detect_records` with the history already summarised as a :class:`RecordBook`."""
    fresh = [s for s in new if s.reps >= 1]
    if not fresh:
        return []
    if book.empty:
        baseline = max(fresh, key=_baseline_rank)
        return [
            PersonalRecord(
                exercise,
                RecordKind.FIRST_LOGGED,
                estimated_1rm(baseline.weight_kg, baseline.reps),
                None,
                baseline,
            )
        ]

    records: list[PersonalRecord] = []
    estimated = [(e, s) for s in fresh if (e := estimated_1rm(s.weight_kg, s.reps)) is not None]
    if estimated:
        # max() keeps the first of equal estimates: the set that got there first.
        best_estimate, best_set = max(estimated, key=lambda pair: pair[0])
        previous_estimate = book.best_1rm
        if previous_estimate is None or best_estimate > previous_estimate + E1RM_TOLERANCE_KG:
            records.append(
                PersonalRecord(exercise, RecordKind.ESTIMATED_1RM, best_estimate, previous_estimate, best_set)
            )

    for candidate in _session_front(fresh):
        load = _load(candidate.weight_kg)
        previous_reps = book.reps_at(load)
        if previous_reps is None or candidate.reps > previous_reps:
            records.append(
                PersonalRecord(
                    exercise,
                    RecordKind.REPS_AT_LOAD,
                    candidate.reps,
                    previous_reps,
                    candidate,
                    load_kg=load,
                )
            )
    return records


def _load(weight_kg: float) -> float:
    return round_to_step(weight_kg, LOAD_RESOLUTION_KG)


def _front(most: dict[float, int]) -> tuple[tuple[float, int], ...]:
    """The ``(load, reps)`` pairs no heavier load matches on reps, heaviest first."""
    front: list[tuple[float, int]] = []
    most_reps_heavier = 0
    for load in sorted(most, reverse=True):
        if most[load] > most_reps_heavier:
            front.append((load, most[load]))
            most_reps_heavier = most[load]
    return tuple(front)


def _baseline_rank(s: SetRecord) -> tuple[float, float, int]:
    """Best set of a first session: highest estimate, else heaviest, then most reps."""
    estimate = estimated_1rm(s.weight_kg, s.reps)
    return (estimate if estimate is not None else -1.0, _load(s.weight_kg), s.reps)


def _session_front(sets: list[SetRecord]) -> list[SetRecord]:
    """Sets no other set of the session matches or beats on both load and reps.

    One set per load (the first to reach its rep count), heaviest first, each with
    more reps than every heavier one, so a session reports each improvement once.
    """
    best_per_load: dict[float, SetRecord] = {}
    for s in sets:
        load = _load(s.weight_kg)
        if load not in best_per_load or s.reps > best_per_load[load].reps:
            best_per_load[load] = s
    front: list[SetRecord] = []
    most_reps_heavier = 0
    for load in sorted(best_per_load, reverse=True):
        s = best_per_load[load]
        if s.reps > most_reps_heavier:
            front.append(s)
            most_reps_heavier = s.reps
    return front
