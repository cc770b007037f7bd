"""Program templates (5/3/1, GZCLP, PPL, Couch to 5K): their data files and how a program runs.

Each template is a TOML file in ``data/programs`` naming its public source, read and
validated once per process (:func:`default_templates`). A running program is a
position — how many of its sessions the member has logged — plus the training maxes
(kg, by lift) and, for GZCLP, each lift's stage and load. Everything here is pure: the
session at a position (:func:`session_at`) and the state after logging it
(:func:`advance`), so a whole cycle can be checked without a database.

Sessions follow the template's days in order, one day per planned weekday, so a missed
day waits for the member instead of being skipped. The kinds:

* ``waves`` (5/3/1): each week has set percentages of the training max; after the last
  week of a cycle every lift's training max goes up by its increase.
* ``tiers`` (GZCLP): tier 1 and tier 2 lifts move through stages when a set is missed
  and gain one increase when none is; tier 3 is written as prescribed.
* ``fixed`` (PPL): the day's exercises as written, progressed by the "next time" hints.
* ``intervals`` (Couch to 5K): each session is an interval program for the live timer;
  the program ends after its last week.

Loads are rounded to the member's plate step (:func:`bot.domain.progression.round_load`)
in the member's own system, and written into the routine in that unit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

from bot.domain.exercises import Catalogue, default_catalogue
from bot.domain.intervals import IntervalNotationError, expand, format_program, parse
from bot.domain.progression import from_kg, is_lower_body, round_load, to_kg
from bot.domain.routines import ExerciseLine, Reps, RoutineNotationError, Weight, parse_routine
from bot.domain.units import WeightSystem

DATA_DIR: Final = Path(__file__).with_name("data") / "programs"
DAY_KEYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Kind: TypeAlias = Literal["waves", "tiers", "fixed", "intervals"]
KINDS: Final = ("waves", "tiers", "fixed", "intervals")
TIERS: Final = ("t1", "t2")

#: Training maxes members may give: a bar's worth at least, and below any lift ever made.
MIN_MAX_KG: Final = 5.0
MAX_MAX_KG: Final = 500.0
_MAX_RE = re.compile(r"^\s*(?P<num>\d{1,4}(?:[.,]\d{1,2})?)\s*(?P<unit>kgs?|kilos?|lbs?|pounds?)?\s*$", re.I)


class TemplateError(ValueError):
    """A template data file that doesn't hold together (stops start-up with the reason)."""


class TrainingMaxError(ValueError):
    """A training max that isn't a weight in range; the message is written for the member."""


@dataclass(frozen=True)
class WaveSet:
    percent: float
    reps: int
    plus: bool = False


@dataclass(frozen=True)
class Stage:
    sets: int
    reps: int


@dataclass(frozen=True)
class Lift:
    key: str
    exercise: str
    increase_kg: float
    increase_lb: float
    lower_body: bool

    def increase(self, system: WeightSystem) -> float:
        return self.increase_kg if system == "kg" else self.increase_lb


@dataclass(frozen=True)
class Week:
    name: str
    sets: tuple[WaveSet, ...] = ()
    sessions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Day:
    name: str
    lifts: tuple[str, ...] = ()
    exercises: tuple[ExerciseLine, ...] = ()
    tiers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    source: str
    summary: str
    kind: Kind
    weekdays: tuple[int, ...]
    maxes: tuple[str, ...]
    lifts: Mapping[str, Lift]
    weeks: tuple[Week, ...]
    days: tuple[Day, ...]
    stages: Mapping[str, tuple[Stage, ...]] = field(default_factory=dict)
    accessory: tuple[int, int] = (3, 15)
    t1_start: float = 85.0
    t2_start: float = 65.0
    t1_reset: float = 85.0
    run_exercise: str = "Run"
    walk_exercise: str = "Walk"

    @property
    def days_per_week(self) -> int:
        return len(self.days)

    @property
    def length(self) -> int | None:
        """Sessions in the whole program, or None for programs that repeat until stopped."""
        if self.kind == "intervals":
            return len(self.weeks) * self.days_per_week
        return None

    @property
    def cycle_sessions(self) -> int:
        return self.days_per_week * max(1, len(self.weeks))


@dataclass(frozen=True)
class Session:
    """One session of a running program, ready to be written as a routine."""

    position: int
    week: int
    week_name: str
    day: int
    day_name: str
    lines: tuple[ExerciseLine, ...]
    notes: str | None = None
    intervals: str | None = None

    @property
    def title(self) -> str:
        return f"{self.week_name} · {self.day_name}"


@dataclass(frozen=True)
class RunState:
    """A program's progress: logged sessions, training maxes (kg) and per-lift state."""

    position: int
    maxes: Mapping[str, float]
    lifts: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


# -- training maxes ------------------------------------------------------------------------------


def parse_training_max(text: str, system: WeightSystem) -> float:
    """A training max as typed (``140``, ``140kg``, ``310 lb``) in kg; the member's unit by default."""
    match = _MAX_RE.match(text or "")
    if match is None:
        raise TrainingMaxError(f"`{text.strip()[:20]}` isn't a weight")
    amount = float(match["num"].replace(",", "."))
    unit = (match["unit"] or system).lower()
    kg = amount if unit.startswith("k") else to_kg(amount, "lb")
    if not MIN_MAX_KG <= kg <= MAX_MAX_KG:
        low, high = (
            ("5 kg", "500 kg") if not unit.startswith(("l", "p")) else ("about 11 lb", "about 1100 lb")
        )
        raise TrainingMaxError(f"`{text.strip()[:20]}` is outside {low} to {high}")
    return kg


# -- sessions ------------------------------------------------------------------------------------


def session_at(template: Template, run: RunState, system: WeightSystem) -> Session | None:
    """The session at ``run.position``, or None when the program is over."""
    position = run.position
    if template.length is not None and position >= template.length:
        return None
    per_week = template.days_per_week
    day_index = position % per_week
    day = template.days[day_index]
    if template.kind == "waves":
        week_index = (position // per_week) % len(template.weeks)
        week = template.weeks[week_index]
        lines: list[ExerciseLine] = []
        amrap: list[str] = []
        for lift_key in day.lifts:
            lift = template.lifts[lift_key]
            tm = from_kg(run.maxes[lift_key], system)
            for wave in week.sets:
                load = round_load(tm * wave.percent / 100, system, lift.lower_body)
                lines.append(ExerciseLine(lift.exercise, 1, Reps.count(wave.reps), Weight(load, system)))
                if wave.plus:
                    amrap.append(
                        f"{lift.exercise}: the last set is as many reps as you can, at least {wave.reps}."
                    )
        cycle = position // template.cycle_sessions + 1
        notes = " ".join(amrap) or "Deload: easy sets, no extra reps."
        return Session(
            position, week_index, f"Cycle {cycle}, {week.name}", day_index, day.name, tuple(lines), notes
        )
    if template.kind == "tiers":
        lines = []
        parts: list[str] = []
        for tier in TIERS:
            lift = template.lifts[day.tiers[tier]]
            progress = run.lifts[f"{tier}:{lift.key}"]
            stage = template.stages[tier][int(progress["stage"])]
            load = round_load(from_kg(progress["kg"], system), system, lift.lower_body)
            lines.append(
                ExerciseLine(lift.exercise, stage.sets, Reps.count(stage.reps), Weight(load, system))
            )
            mark = "+" if tier == "t1" else ""
            parts.append(f"{tier.upper()} {lift.exercise} {stage.sets}×{stage.reps}{mark}")
        sets, reps = template.accessory
        lines.append(ExerciseLine(day.tiers["t3"], sets, Reps.count(reps)))
        parts.append(f"T3 {day.tiers['t3']} {sets}×{reps}+")
        week_index = position // per_week
        text = " · ".join(parts) + ". The last set of T1 and T3 is as many reps as you can."
        return Session(
            position, week_index, f"Week {week_index + 1}", day_index, day.name, tuple(lines), text
        )
    if template.kind == "fixed":
        week_index = position // per_week
        return Session(position, week_index, f"Week {week_index + 1}", day_index, day.name, day.exercises)
    week_index = position // per_week
    week = template.weeks[week_index]
    program = week.sessions[day_index] if len(week.sessions) > 1 else week.sessions[0]
    return Session(
        position,
        week_index,
        week.name,
        day_index,
        day.name,
        interval_lines(program, template.run_exercise, template.walk_exercise),
        f"Run it with the live timer: {program}",
        program,
    )


def interval_lines(program: str, run: str, walk: str) -> tuple[ExerciseLine, ...]:
    """A run/walk session as routine lines: total walking time, then total running time."""
    walking = running = 0
    for phase in expand(parse(program)):
        if "walk" in phase.label.lower():
            walking += phase.duration_s
        else:
            running += phase.duration_s
    lines = []
    if walking:
        lines.append(ExerciseLine(walk, 1, Reps.timed(walking)))
    if running:
        lines.append(ExerciseLine(run, 1, Reps.timed(running)))
    return tuple(lines)


# -- progress ------------------------------------------------------------------------------------


def start_state(template: Template, maxes: Mapping[str, float], system: WeightSystem) -> RunState:
    """Position 0, with GZCLP's starting loads worked out from the training maxes."""
    lifts: dict[str, dict[str, float]] = {}
    if template.kind == "tiers":
        for tier, share in (("t1", template.t1_start), ("t2", template.t2_start)):
            for day in template.days:
                lift = template.lifts[day.tiers[tier]]
                start = round_load(from_kg(maxes[lift.key], system) * share / 100, system, lift.lower_body)
                kg = to_kg(start, system)
                lifts[f"{tier}:{lift.key}"] = {"stage": 0, "kg": kg, "base": kg}
    return RunState(0, dict(maxes), lifts)


def advance(template: Template, run: RunState, system: WeightSystem, missed: Iterable[str] = ()) -> RunState:
    """The state after logging the session at ``run.position`` (``missed``: tiers with a missed set)."""
    position = run.position + 1
    maxes = dict(run.maxes)
    lifts = {k: dict(v) for k, v in run.lifts.items()}
    if template.kind == "waves" and position % template.cycle_sessions == 0:
        for key, lift in template.lifts.items():
            maxes[key] = to_kg(from_kg(maxes[key], system) + lift.increase(system), system)
    if template.kind == "tiers":
        day = template.days[run.position % template.days_per_week]
        failed = set(missed)
        for tier in TIERS:
            lift = template.lifts[day.tiers[tier]]
            progress = lifts[f"{tier}:{lift.key}"]
            lifts[f"{tier}:{lift.key}"] = _tier_step(template, tier, lift, progress, tier in failed, system)
    return RunState(position, maxes, lifts)


def _tier_step(
    template: Template,
    tier: str,
    lift: Lift,
    progress: Mapping[str, float],
    failed: bool,
    system: WeightSystem,
) -> dict[str, float]:
    stage = int(progress["stage"])
    load = from_kg(progress["kg"], system)
    base = from_kg(progress.get("base", progress["kg"]), system)
    if not failed:
        new = load + lift.increase(system)
        return {"stage": stage, "kg": to_kg(new, system), "base": to_kg(base if stage else new, system)}
    if stage + 1 < len(template.stages[tier]):
        return {"stage": stage + 1, "kg": progress["kg"], "base": progress.get("base", progress["kg"])}
    if tier == "t1":
        restart = round_load(load * template.t1_reset / 100, system, lift.lower_body)
    else:
        restart = base + lift.increase(system)
    kg = to_kg(restart, system)
    return {"stage": 0, "kg": kg, "base": kg}


# -- loading -------------------------------------------------------------------------------------


def load_template(path: Path, catalogue: Catalogue | None = None) -> Template:
    """Read and check one template file; raises TemplateError naming the file and the problem."""
    catalogue = catalogue or default_catalogue()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _template(data, catalogue)
    except (KeyError, TypeError, ValueError, RoutineNotationError, IntervalNotationError) as err:
        raise TemplateError(f"{path.name}: {err}") from None


def _template(data: Mapping[str, Any], catalogue: Catalogue) -> Template:
    kind = data["kind"]
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    for text in ("key", "name", "source", "summary"):
        if not isinstance(data[text], str) or not data[text].strip():
            raise ValueError(f"{text} must be non-empty text")
    weekdays = tuple(DAY_KEYS.index(d) for d in data["weekdays"])
    lifts = {}
    for key, spec in data.get("lifts", {}).items():
        known = catalogue.lookup(spec["exercise"])
        if known is None:
            raise ValueError(f"lift {key}: {spec['exercise']!r} is not in the exercise catalogue")
        lifts[key] = Lift(
            key,
            known.name,
            float(spec["increase"]["kg"]),
            float(spec["increase"]["lb"]),
            is_lower_body(known.primary),
        )
    maxes = tuple(data.get("maxes", ()))
    if set(maxes) != set(lifts):
        raise ValueError(f"maxes {maxes} must name exactly the lifts {tuple(lifts)}")
    weeks = tuple(
        Week(
            w["name"],
            tuple(
                WaveSet(float(s["percent"]), int(s["reps"]), bool(s.get("plus", False)))
                for s in w.get("sets", ())
            ),
            tuple(format_program(parse(p)) for p in w.get("sessions", ())),
        )
        for w in data.get("weeks", ())
    )
    days = []
    for d in data["days"] if "days" in data else [{"name": f"Day {i + 1}"} for i in range(len(weekdays))]:
        exercises = tuple(parse_routine(d["exercises"])) if "exercises" in d else ()
        tiers = {t: d[t] for t in ("t1", "t2", "t3") if t in d}
        days.append(Day(d["name"], tuple(d.get("lifts", ())), exercises, MappingProxyType(tiers)))
    if len(days) != len(weekdays):
        raise ValueError(f"{len(days)} days but {len(weekdays)} weekdays")
    stages: dict[str, tuple[Stage, ...]] = {}
    accessory = (3, 15)
    if kind == "waves":
        if not weeks or any(not w.sets for w in weeks):
            raise ValueError("every week of a waves template needs its sets")
        for w in weeks:
            if any(not 0 < s.percent <= 100 for s in w.sets):
                raise ValueError(f"{w.name}: percentages go from 1 to 100")
        if any(not d.lifts or set(d.lifts) - set(lifts) for d in days):
            raise ValueError("every day names lifts from [lifts]")
    if kind == "tiers":
        for tier in TIERS:
            stages[tier] = tuple(Stage(int(s["sets"]), int(s["reps"])) for s in data["tiers"][tier])
        sets, reps = str(data["tiers"]["t3"]).lower().split("x")
        accessory = (int(sets), int(reps))
        for d in days:
            if d.tiers.get("t1") not in lifts or d.tiers.get("t2") not in lifts or "t3" not in d.tiers:
                raise ValueError(f"day {d.name} needs t1 and t2 lifts and a t3 exercise")
    if kind == "fixed" and any(not d.exercises for d in days):
        raise ValueError("every day of a fixed template needs its exercises")
    if kind == "intervals":
        for w in weeks:
            if len(w.sessions) not in (1, len(days)):
                raise ValueError(f"{w.name}: give one session for every day, or one for all")
    return Template(
        key=data["key"],
        name=data["name"],
        source=data["source"],
        summary=data["summary"],
        kind=kind,
        weekdays=weekdays,
        maxes=maxes,
        lifts=MappingProxyType(lifts),
        weeks=weeks,
        days=tuple(days),
        stages=MappingProxyType(stages),
        accessory=accessory,
        t1_start=float(data.get("t1_start", 85)),
        t2_start=float(data.get("t2_start", 65)),
        t1_reset=float(data.get("t1_reset", 85)),
        run_exercise=data.get("exercise", "Run"),
        walk_exercise=data.get("walk_exercise", "Walk"),
    )


@lru_cache(maxsize=1)
def default_templates() -> Mapping[str, Template]:
    """Every template in ``data/programs``, by key, in the order members see them."""
    found = [load_template(path) for path in sorted(DATA_DIR.glob("*.toml"))]
    return MappingProxyType({t.key: t for t in sorted(found, key=lambda t: _ORDER.get(t.key, 99))})


_ORDER: Final = {"531": 0, "gzclp": 1, "ppl": 2, "c25k": 3}
