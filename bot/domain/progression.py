"""Progression hints: what to do next time with one exercise, from how the last sessions went.

The rule is double progression inside the routine's rep range: with a range of ``8-10``
the member adds reps at the same load until every set reaches 10, then adds the smallest
plate step and starts again at 8. A fixed count (``3x5``) is a range whose top is its
bottom, so it progresses by load alone. Three exceptions, checked in this order:

* **Missed twice in a row** (fewer sets than planned, or a set below the bottom of the
  range, in each of the last two sessions): reduce the load by about 10 %, in whole
  plate steps, and start again at the bottom of the range.
* **Last RPE at or above 9.5**: hold — same load, same target. Maximal effort is a
  signal to consolidate, not to add.
* **Missed once**: hold the load and aim for the bottom of the range again.

Steps follow the plates people load: 2.5 kg / 5 lb for lower-body lifts and
1.25 kg / 2.5 lb for upper-body lifts, judged from the catalogue's primary muscles.
Everything is computed in the member's own system (kg or lb) from the load as they
wrote it, so the same session stored in kilograms gives the same hint after a kg↔lb
round trip, and a change is always whole plate steps: never less than one step and
never more than 10 % of the load. Where one step would already be more than 10 % (a
very light dumbbell) the load is held and the reason says so.

Only sets with a weight and a rep count are judged; bodyweight, percentage, timed and
AMRAP work get no hint, since there is no load to move or no target to meet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from bot.domain.units import WeightSystem, kg_to_lb, lb_to_kg, round_to_step

__all__ = [
    "HOLD_RPE",
    "LOWER_BODY_MUSCLES",
    "MAX_JUMP",
    "Action",
    "Hint",
    "Outing",
    "RepTarget",
    "format_load",
    "from_kg",
    "is_lower_body",
    "next_time",
    "plate_step",
    "round_load",
    "to_kg",
]

Action: TypeAlias = Literal["add_load", "add_reps", "hold", "reduce"]

#: An effort this high (or higher) holds the load and the target.
HOLD_RPE: Final = 9.5
#: No suggestion moves the load by more than this share of it.
MAX_JUMP: Final = 0.10
#: Catalogue muscle groups that make a lift "lower body" (the bigger plate step).
LOWER_BODY_MUSCLES: Final = frozenset(
    {"quads", "glutes", "hamstrings", "calves", "adductors", "abductors", "hip-flexors"}
)
_STEPS: Final = {("kg", True): 2.5, ("kg", False): 1.25, ("lb", True): 5.0, ("lb", False): 2.5}
#: Loads are read as written: to the hundredth of a unit (routine notation's two decimals).
_WRITTEN: Final = 0.01
_EPS: Final = 1e-9


def is_lower_body(primary_muscles: Iterable[str]) -> bool:
    """True when any primary muscle is a leg or hip muscle (squats, deadlifts, calf raises)."""
    return any(m in LOWER_BODY_MUSCLES for m in primary_muscles)


def plate_step(system: WeightSystem, lower_body: bool) -> float:
    """The smallest sensible jump in the member's system: 2.5 kg / 5 lb legs, 1.25 kg / 2.5 lb upper."""
    return _STEPS[(system, lower_body)]


def from_kg(kg: float, system: WeightSystem) -> float:
    """A stored kilogram load as the member wrote it in their system (to the hundredth)."""
    value = kg if system == "kg" else kg_to_lb(kg)
    return _clean(value)


def to_kg(value: float, system: WeightSystem) -> float:
    return value if system == "kg" else lb_to_kg(value)


def round_load(value: float, system: WeightSystem, lower_body: bool) -> float:
    """A computed load (a percentage of a max) rounded to the nearest plate step, never below one step."""
    step = plate_step(system, lower_body)
    return max(step, _clean(round_to_step(value, step)))


def format_load(value: float, system: WeightSystem) -> str:
    """``61.25 kg``, ``227.5 lb``: plate steps are quarter kilos, so two decimals are kept."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} {system}"


@dataclass(frozen=True)
class RepTarget:
    """The reps a routine asks for on each set: ``8-10`` is (8, 10); ``5`` is (5, 5)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not (1 <= self.low <= self.high):
            raise ValueError(f"inconsistent rep target: {self!r}")

    def describe(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Outing:
    """One session's work sets of one exercise: reps per set, the load (kg) and the effort."""

    reps: tuple[int, ...]
    weight_kg: float
    rpe: float | None = None

    def missed(self, target: RepTarget, sets: int) -> bool:
        return len(self.reps) < sets or any(r < target.low for r in self.reps)

    def topped(self, target: RepTarget, sets: int) -> bool:
        return len(self.reps) >= sets and all(r >= target.high for r in self.reps)


@dataclass(frozen=True)
class Hint:
    """What to do next time: the load in the member's system, the reps to aim for, and why."""

    action: Action
    load: float
    system: WeightSystem
    sets: int
    reps: RepTarget
    reason: str

    @property
    def load_kg(self) -> float:
        return to_kg(self.load, self.system)

    def describe(self) -> str:
        """``60 kg × 9-10 (3 sets) — 1 more rep on each set``."""
        sets = f"{self.sets} set" if self.sets == 1 else f"{self.sets} sets"
        return f"{format_load(self.load, self.system)} × {self.reps.describe()} ({sets}) — {self.reason}"


def next_time(
    target: RepTarget,
    sets: int,
    outings: Sequence[Outing],
    system: WeightSystem,
    lower_body: bool,
) -> Hint | None:
    """The hint after ``outings`` (oldest first, the last is the latest), or None without a load."""
    if not outings or sets < 1:
        return None
    last = outings[-1]
    if not last.reps or not (last.weight_kg > 0 and math.isfinite(last.weight_kg)):
        return None
    step = plate_step(system, lower_body)
    base = from_kg(last.weight_kg, system)
    if base <= 0:
        return None
    sets_word = "set" if sets == 1 else "sets"

    def hint(action: Action, load: float, reps: RepTarget, reason: str) -> Hint:
        return Hint(action, load, system, sets, reps, reason)

    bottom = RepTarget(target.low, target.low)
    if len(outings) >= 2 and last.missed(target, sets) and outings[-2].missed(target, sets):
        steps = math.floor(MAX_JUMP * base / step + _EPS)
        if steps < 1:
            return hint(
                "hold",
                base,
                bottom,
                f"missed twice; one {format_load(step, system)} step down would be more than 10 %, "
                "so keep the load and take longer rests",
            )
        lower = _clean(base - steps * step)
        return hint("reduce", lower, bottom, "missed the target twice in a row: about 10 % lighter")
    if last.rpe is not None and last.rpe >= HOLD_RPE:
        return hint("hold", base, _repeat(last, target), f"last effort was RPE {last.rpe:g}: hold here")
    if last.missed(target, sets):
        return hint("hold", base, bottom, f"missed the target: repeat and aim for {target.low} on every set")
    if last.topped(target, sets):
        if step > MAX_JUMP * base + _EPS:
            return hint(
                "hold",
                base,
                target,
                f"top of the range, but one {format_load(step, system)} step would be more than 10 %: "
                "keep the load and slow the reps down",
            )
        return hint(
            "add_load",
            _clean(base + step),
            bottom,
            f"all {sets_word} at the top of the range: add {format_load(step, system)}",
        )
    return hint("add_reps", base, _aim(last, target), "1 more rep on each set")


def _aim(last: Outing, target: RepTarget) -> RepTarget:
    """One more rep than the weakest set, within the range."""
    low = min(target.high, max(target.low, min(last.reps) + 1))
    return RepTarget(low, target.high)


def _repeat(last: Outing, target: RepTarget) -> RepTarget:
    """The same reps as the weakest set, within the range."""
    return RepTarget(min(target.high, max(target.low, min(last.reps))), target.high)


def _clean(value: float) -> float:
    """To the hundredth, halves up, as the decimal a member would write (no ``1.6300000000000001``)."""
    return round(round_to_step(value, _WRITTEN), 2)
