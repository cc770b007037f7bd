"""Muscle readiness: how recovered each muscle group is, from the log and the soreness ratings.

A training aid, not a medical measure. Every number lives in ``data/readiness.toml``,
which explains the model and names its sources; this module only does the arithmetic:

* each set is worth some set equivalents of work (reps or time, RPE, %-of-max load);
* the work lands on the catalogue's primary and secondary muscles of the exercise;
* per group, each set's work fades as exp(-hours / tau), tau = recovery_hours / 3;
* readiness = 100 x half / (half + fatigue), capped by the member's latest soreness
  rating for the group (the cap easing with time), whichever is lower.

Everything is computed from UTC instants, so the member's time zone cannot change the
answer. The model is monotone by construction, and the property tests hold it to that:
more logged work never raises readiness, a higher rating never raises it, and with
nothing new it only rises as time passes. Sums run in time order over non-negative
terms, so floating point keeps those properties too.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from bot.domain.exercises import MUSCLES, Catalogue, Exercise, default_catalogue, normalise_name

__all__ = [
    "DATA_FILE",
    "GroupReadiness",
    "LoggedSet",
    "Params",
    "ParamsError",
    "Rating",
    "area_groups",
    "band",
    "default_params",
    "exercise_groups",
    "least_ready",
    "load_params",
    "readiness",
    "set_work",
    "suggestions",
    "trained_groups",
]

DATA_FILE: Final = Path(__file__).with_name("data") / "readiness.toml"
#: Catalogue "muscles" that are not one group (see the data file).
FULL_BODY, CARDIO = "full-body", "cardio"
#: In ``[areas]``, a group list of ``["*"]`` means every group.
EVERY_GROUP = "*"


class ParamsError(ValueError):
    """The readiness data file is malformed; the message names the key."""


@dataclass(frozen=True, slots=True)
class Params:
    """The model's parameters, as read from ``data/readiness.toml``."""

    half: float
    lookback_days: int
    primary: float
    secondary: float
    ease_off: int
    ready: int
    rpe_reference: float
    rpe_step: float
    rpe_min: float
    rpe_max: float
    percent_reference: float
    percent_min: float
    percent_max: float
    reps_base: float
    reps_step: float
    reps_min: float
    reps_max: float
    amrap: float
    timed_seconds: float
    timed_min: float
    timed_max: float
    cap_points_per_level: float
    soreness_recovery_hours: float
    soreness_lookback_days: int
    recovery_hours: Mapping[str, float]
    full_body_share: float
    full_body_groups: tuple[str, ...]
    order: tuple[str, ...]
    suggest_order: tuple[str, ...]
    column_break: str
    areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def columns(self, groups: Iterable[GroupReadiness]) -> tuple[list[GroupReadiness], list[GroupReadiness]]:
        """Groups split into the picture's two columns (upper body; core and legs)."""
        second = set(self.order[self.order.index(self.column_break) :])
        ordered = list(groups)
        return [g for g in ordered if g.group not in second], [g for g in ordered if g.group in second]

    def tau_hours(self, group: str) -> float:
        return self.recovery_hours[group] / 3.0


@dataclass(frozen=True, slots=True)
class LoggedSet:
    """One logged set as the model sees it: when, what, and how hard."""

    at: datetime
    exercise_key: str
    reps: int | None = None
    duration_s: int | None = None
    percent: float | None = None
    rpe: int | None = None


@dataclass(frozen=True, slots=True)
class Rating:
    """A soreness rating (0-10) given at ``at`` for the muscle groups it is about."""

    at: datetime
    level: int
    groups: frozenset[str]


@dataclass(frozen=True, slots=True)
class GroupReadiness:
    group: str
    percent: float
    #: Whether the member's soreness, not the log, set this figure.
    from_soreness: bool = False
    #: The figure from the log alone (equal to ``percent`` unless soreness set it).
    log_percent: float = 100.0

    @property
    def label(self) -> str:
        return MUSCLES[self.group]

    @property
    def whole(self) -> int:
        """The figure shown to members, in whole percent."""
        return round(self.percent)


# -- loading the parameters ------------------------------------------------------------------------


def _number(table: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParamsError(f"[{where}] {key} must be a number")
    if positive and value <= 0:
        raise ParamsError(f"[{where}] {key} must be greater than 0")
    if value < 0:
        raise ParamsError(f"[{where}] {key} must not be negative")
    return float(value)


def _groups(value: object, where: str, tracked: Iterable[str]) -> tuple[str, ...]:
    known = set(tracked)
    if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
        raise ParamsError(f"{where} must be a list of muscle groups")
    unknown = [g for g in value if g not in known and g != EVERY_GROUP]
    if unknown:
        raise ParamsError(f"{where}: unknown group(s) {', '.join(unknown)}")
    return tuple(value)


def load_params(path: Path | None = None) -> Params:
    """Read and check a readiness data file (the built-in one by default)."""
    source = path or DATA_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ParamsError(f"{source}: {error}") from error
    try:
        model, bands, effort, sore = data["model"], data["bands"], data["effort"], data["soreness"]
        hours_table, full, display, areas = (
            data["recovery_hours"],
            data["full_body"],
            data["display"],
            data["areas"],
        )
    except KeyError as missing:
        raise ParamsError(f"{source}: missing table [{missing.args[0]}]") from None
    tracked = [m for m in MUSCLES if m not in (FULL_BODY, CARDIO)]
    if sorted(hours_table) != sorted(tracked):
        raise ParamsError(
            f"[recovery_hours] must give every muscle group once: {', '.join(tracked)} "
            f"(got {', '.join(hours_table)})"
        )
    recovery = {g: _number(hours_table, g, "recovery_hours", positive=True) for g in tracked}
    order = _groups(display.get("order"), "[display] order", tracked)
    if sorted(order) != sorted(tracked):
        raise ParamsError("[display] order must list every muscle group once")
    e = {k: _number(effort, k, "effort") for k in effort}
    params = Params(
        half=_number(model, "half", "model", positive=True),
        lookback_days=int(_number(model, "lookback_days", "model", positive=True)),
        primary=_number(model, "primary", "model"),
        secondary=_number(model, "secondary", "model"),
        ease_off=int(_number(bands, "ease_off", "bands")),
        ready=int(_number(bands, "ready", "bands")),
        rpe_reference=e["rpe_reference"],
        rpe_step=e["rpe_step"],
        rpe_min=e["rpe_min"],
        rpe_max=e["rpe_max"],
        percent_reference=_number(effort, "percent_reference", "effort", positive=True),
        percent_min=e["percent_min"],
        percent_max=e["percent_max"],
        reps_base=e["reps_base"],
        reps_step=e["reps_step"],
        reps_min=e["reps_min"],
        reps_max=e["reps_max"],
        amrap=e["amrap"],
        timed_seconds=_number(effort, "timed_seconds", "effort", positive=True),
        timed_min=e["timed_min"],
        timed_max=e["timed_max"],
        cap_points_per_level=_number(sore, "cap_points_per_level", "soreness"),
        soreness_recovery_hours=_number(sore, "recovery_hours", "soreness", positive=True),
        soreness_lookback_days=int(_number(sore, "lookback_days", "soreness", positive=True)),
        recovery_hours=MappingProxyType(recovery),
        full_body_share=_number(full, "share", "full_body"),
        full_body_groups=_groups(full.get("groups"), "[full_body] groups", tracked),
        order=order,
        suggest_order=_groups(display.get("suggest_order"), "[display] suggest_order", tracked),
        column_break=_groups([display.get("column_break")], "[display] column_break", tracked)[0],
        areas=MappingProxyType(
            {normalise_name(k): _groups(v, f"[areas] {k!r}", tracked) for k, v in areas.items()}
        ),
    )
    if not 0 < params.ease_off < params.ready <= 100:
        raise ParamsError("[bands] needs 0 < ease_off < ready <= 100")
    return params


@lru_cache(maxsize=1)
def default_params() -> Params:
    """The built-in parameters, read and checked once per process."""
    return load_params()


# -- work per set ----------------------------------------------------------------------------------


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def set_work(logged: LoggedSet, params: Params) -> float:
    """How many set equivalents of work one set is (before sharing it out to muscles)."""
    if logged.reps is not None:
        size = _clamp(params.reps_base + logged.reps * params.reps_step, params.reps_min, params.reps_max)
    elif logged.duration_s is not None:
        size = _clamp(logged.duration_s / params.timed_seconds, params.timed_min, params.timed_max)
    else:
        size = params.amrap
    effort = 1.0
    if logged.rpe is not None:
        effort *= _clamp(
            1.0 + (logged.rpe - params.rpe_reference) * params.rpe_step, params.rpe_min, params.rpe_max
        )
    if logged.percent is not None:
        effort *= _clamp(logged.percent / params.percent_reference, params.percent_min, params.percent_max)
    return size * effort


def exercise_groups(exercise: Exercise, params: Params) -> dict[str, float]:
    """The share of a set's work each tracked group takes for this exercise."""
    shares: dict[str, float] = {}

    def add(group: str, share: float) -> None:
        if group in params.recovery_hours and share > shares.get(group, 0.0):
            shares[group] = share

    for muscles, share in ((exercise.primary, params.primary), (exercise.secondary, params.secondary)):
        for muscle in muscles:
            if muscle == FULL_BODY:
                for group in params.full_body_groups:
                    add(group, params.full_body_share * share)
            else:
                add(muscle, share)
    return shares


def _shares(
    key: str, catalogue: Catalogue, params: Params, cache: dict[str, dict[str, float]]
) -> dict[str, float]:
    found = cache.get(key)
    if found is None:
        exercise = catalogue.get(key)
        found = cache[key] = exercise_groups(exercise, params) if exercise is not None else {}
    return found


# -- readiness -------------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / timedelta(hours=1)


def _soreness_fatigue(level: int, hours: float, params: Params) -> float:
    """The fatigue (set equivalents) a rating stands for, ``hours`` after it was given."""
    cap = 100.0 - level * params.cap_points_per_level
    if cap >= 100.0:
        return 0.0
    cap = max(cap, 1.0)
    fresh = params.half * (100.0 / cap - 1.0)
    return fresh * math.exp(-hours / (params.soreness_recovery_hours / 3.0))


def readiness(
    sets: Iterable[LoggedSet],
    ratings: Iterable[Rating],
    now: datetime,
    *,
    params: Params | None = None,
    catalogue: Catalogue | None = None,
) -> dict[str, GroupReadiness]:
    """Every tracked group's readiness at ``now`` (0-100), in display order.

    Sets and ratings after ``now`` are not counted yet; custom exercises (not in the
    catalogue) train no known group and count for nothing.
    """
    params = params or default_params()
    catalogue = catalogue or default_catalogue()
    _require_aware(now, "now")
    set_from = now - timedelta(days=params.lookback_days)
    fatigue = dict.fromkeys(params.order, 0.0)
    cache: dict[str, dict[str, float]] = {}
    taus = {g: params.tau_hours(g) for g in params.order}
    ordered = sorted(sets, key=lambda s: (s.at, s.exercise_key, s.reps or 0, s.duration_s or 0))
    for logged in ordered:
        _require_aware(logged.at, "a set's time")
        if logged.at > now or logged.at < set_from:
            continue
        shares = _shares(logged.exercise_key, catalogue, params, cache)
        if not shares:
            continue
        work = set_work(logged, params)
        hours = _hours(now, logged.at)
        for group, share in shares.items():
            fatigue[group] += work * share * math.exp(-hours / taus[group])

    rating_from = now - timedelta(days=params.soreness_lookback_days)
    latest: dict[str, tuple[datetime, int]] = {}
    for rating in ratings:
        _require_aware(rating.at, "a rating's time")
        if rating.at > now or rating.at < rating_from:
            continue
        groups = params.order if EVERY_GROUP in rating.groups else rating.groups
        for group in groups:
            if group not in fatigue:
                continue
            known = latest.get(group)
            # The newest rating speaks for the group; two at the same moment: the higher.
            if known is None or (rating.at, rating.level) > known:
                latest[group] = (rating.at, rating.level)

    result: dict[str, GroupReadiness] = {}
    for group in params.order:
        from_log = fatigue[group]
        from_soreness = 0.0
        if group in latest:
            at, level = latest[group]
            from_soreness = _soreness_fatigue(level, _hours(now, at), params)
        worst = max(from_log, from_soreness)
        percent = 100.0 * params.half / (params.half + worst)
        log_percent = 100.0 * params.half / (params.half + from_log)
        result[group] = GroupReadiness(group, percent, from_soreness > from_log, log_percent)
    return result


def band(percent: float, params: Params | None = None) -> str:
    """``"ease off"``, ``"recovering"`` or ``"ready"``."""
    params = params or default_params()
    if percent < params.ease_off:
        return "ease off"
    if percent < params.ready:
        return "recovering"
    return "ready"


def least_ready(groups: Mapping[str, GroupReadiness], count: int = 3) -> list[GroupReadiness]:
    """The ``count`` least-ready groups below 100 %, least ready first.

    On a tie (one soreness rating sets several groups alike) the group the log says is
    more tired comes first, then display order.
    """
    order = {g: i for i, g in enumerate(groups)}
    tired = [g for g in groups.values() if g.whole < 100]
    return sorted(tired, key=lambda g: (g.whole, g.log_percent, order[g.group]))[:count]


#: Equipment that makes an exercise a loaded strength lift, for "today, train".
_LOADED: Final = frozenset({"barbell", "dumbbell", "kettlebell", "machine", "cable", "ez-bar", "trap-bar"})


def suggestions(
    groups: Mapping[str, GroupReadiness],
    *,
    count: int = 3,
    params: Params | None = None,
    catalogue: Catalogue | None = None,
) -> list[tuple[GroupReadiness, Exercise]]:
    """Catalogue exercises for the most-ready groups ("today, train: ...").

    Picks from the groups in ``suggest_order`` that are ready, most ready first (in steps
    of ten points, 90-100 % being one, so 97 % and 100 % count alike and the order of the
    list decides), one
    strength exercise each (a staple, or a lift with a load: no drills, bands or
    conditioning) whose primary muscles are all ready and whose helpers are not in
    "ease off"; staples first, barbell lifts among them, so the suggestions are familiar.
    """
    params = params or default_params()
    catalogue = catalogue or default_catalogue()
    rank = {g: i for i, g in enumerate(params.suggest_order)}
    ready = [groups[g] for g in params.suggest_order if g in groups and groups[g].percent >= params.ready]
    ready.sort(key=lambda g: (-(min(g.whole, 99) // 10), rank[g.group]))

    def fits(exercise: Exercise) -> bool:
        for group, share in exercise_groups(exercise, params).items():
            limit = params.ready if share >= params.primary else params.ease_off
            if groups[group].percent < limit:
                return False
        return True

    picked: list[tuple[GroupReadiness, Exercise]] = []
    used: set[str] = set()
    for group in ready:
        candidates = [
            e
            for e in catalogue.filter(muscle=group.group)
            if group.group in e.primary
            and e.id not in used
            and e.measure == "reps"
            and not {CARDIO, FULL_BODY} & set(e.primary)
            and (e.staple or _LOADED & set(e.equipment))
            and fits(e)
        ]
        candidates.sort(key=lambda e: (not e.staple, "barbell" not in e.equipment, e.name.casefold()))
        if candidates:
            picked.append((group, candidates[0]))
            used.add(candidates[0].id)
        if len(picked) == count:
            break
    return picked


# -- where a member is sore ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _area_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(phrases, key=lambda p: (-len(p), p))
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in longest_first) + r")\b")


def area_groups(area: str | None, params: Params | None = None) -> frozenset[str]:
    """The muscle groups a member's words for a sore place name ("quads", "lower back", "legs").

    Longer phrases win, so "lower back" is the lower back only; words that name no
    muscle group ("left knee") give nothing.
    """
    if not area:
        return frozenset()
    params = params or default_params()
    text = normalise_name(area)
    if not text:
        return frozenset()
    found: set[str] = set()
    for match in _area_pattern(tuple(params.areas)).finditer(text):
        groups = params.areas[match.group(0)]
        found |= set(params.order) if EVERY_GROUP in groups else set(groups)
    return frozenset(found)


def trained_groups(
    exercise_keys: Sequence[str], *, params: Params | None = None, catalogue: Catalogue | None = None
) -> frozenset[str]:
    """The groups a session worked as a prime mover: what a check-in's rating is about."""
    params = params or default_params()
    catalogue = catalogue or default_catalogue()
    groups: set[str] = set()
    for key in exercise_keys:
        exercise = catalogue.get(key)
        if exercise is not None:
            groups |= {g for g, share in exercise_groups(exercise, params).items() if share >= params.primary}
    return frozenset(groups)
