"""Progression hints: the double-progression rules, and properties that hold for any session."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.progression import (
    MAX_JUMP,
    Outing,
    RepTarget,
    from_kg,
    is_lower_body,
    next_time,
    plate_step,
    round_load,
    to_kg,
)
from bot.domain.units import kg_to_lb, lb_to_kg

RANGE = RepTarget(8, 10)


def hint(*outings: Outing, system: str = "kg", lower: bool = False, target: RepTarget = RANGE, sets: int = 3):
    return next_time(target, sets, outings, system, lower)  # type: ignore[arg-type]


def test_all_sets_at_the_top_add_the_smallest_step():
    result = hint(Outing((10, 10, 10), 60.0))
    assert result is not None
    assert (result.action, result.load, result.reps) == ("add_load", 61.25, RepTarget(8, 8))
    assert "61.25 kg × 8 (3 sets)" in result.describe()


def test_lower_body_steps_are_bigger_in_both_systems():
    assert hint(Outing((5, 5, 5), 100.0), lower=True, target=RepTarget(5, 5)).load == 102.5  # type: ignore[union-attr]
    in_lb = hint(Outing((5, 5, 5), lb_to_kg(225)), system="lb", lower=True, target=RepTarget(5, 5))
    assert in_lb is not None and in_lb.load == 230
    upper_lb = hint(Outing((10, 10, 10), lb_to_kg(135)), system="lb")
    assert upper_lb is not None and upper_lb.load == 137.5


def test_inside_the_range_adds_reps_at_the_same_load():
    result = hint(Outing((9, 8, 8), 60.0))
    assert result is not None
    assert (result.action, result.load, result.reps) == ("add_reps", 60.0, RepTarget(9, 10))


def test_a_maximal_effort_holds():
    result = hint(Outing((10, 10, 10), 60.0, rpe=9.5))
    assert result is not None and (result.action, result.load) == ("hold", 60.0)
    assert "RPE 9.5" in result.reason


def test_one_miss_repeats_two_misses_reduce():
    once = hint(Outing((8, 8, 8), 60.0), Outing((7, 6, 6), 60.0))
    assert once is not None and (once.action, once.load, once.reps) == ("hold", 60.0, RepTarget(8, 8))
    twice = hint(Outing((7, 7, 6), 60.0), Outing((7, 6, 6), 60.0))
    assert twice is not None and twice.action == "reduce"
    assert twice.load == 55.0  # 4 steps of 1.25 kg: 8.3 %, the most whole steps within 10 %
    fewer_sets = hint(Outing((8, 8), 60.0), Outing((8,), 60.0))
    assert fewer_sets is not None and fewer_sets.action == "reduce"


def test_a_step_over_ten_percent_holds_instead():
    light = hint(Outing((10, 10, 10), 8.0))
    assert light is not None and (light.action, light.load) == ("hold", 8.0)
    assert "more than 10 %" in light.reason


def test_no_load_no_hint():
    assert hint(Outing((10, 10, 10), 0.0)) is None
    assert hint() is None


def test_muscle_groups_decide_the_step():
    assert is_lower_body(("quads", "glutes")) and is_lower_body(("hamstrings", "lower-back"))
    assert not is_lower_body(("chest",)) and not is_lower_body(("lats", "biceps"))
    assert plate_step("kg", True) == 2.5 and plate_step("lb", False) == 2.5


def test_computed_loads_round_to_the_plate_step():
    assert round_load(0.65 * 140, "kg", True) == 90.0  # 91 is nearer 90 than 92.5
    assert round_load(0.65 * 145, "kg", True) == 95.0
    assert round_load(0.65 * 60, "kg", False) == 38.75
    assert round_load(0.4 * 3, "kg", False) == 1.25


# -- properties -------------------------------------------------------------------------------

systems = st.sampled_from(["kg", "lb"])
targets = st.tuples(st.integers(1, 20), st.integers(0, 10)).map(lambda t: RepTarget(t[0], t[0] + t[1]))
written = st.integers(100, 50_000).map(lambda hundredths: hundredths / 100)  # 1.00 to 500.00 as written


@st.composite
def sessions(draw: st.DrawFn) -> tuple[RepTarget, int, list[Outing], str, bool, float]:
    target = draw(targets)
    sets = draw(st.integers(1, 6))
    system = draw(systems)
    lower = draw(st.booleans())
    load = draw(written)
    kg = to_kg(load, system)  # type: ignore[arg-type]
    count = draw(st.integers(1, 3))
    outings = [
        Outing(
            tuple(draw(st.lists(st.integers(1, 25), min_size=1, max_size=6))),
            kg,
            draw(st.none() | st.sampled_from([6.0, 7.5, 8.0, 9.0, 9.5, 10.0])),
        )
        for _ in range(count)
    ]
    return target, sets, outings, system, lower, load


@given(sessions())
def test_changes_are_whole_plate_steps_within_ten_percent(case):
    target, sets, outings, system, lower, load = case
    result = next_time(target, sets, outings, system, lower)
    assert result is not None
    step = plate_step(system, lower)
    change = abs(result.load - load)
    assert result.load > 0
    if result.action in ("add_load", "reduce"):
        assert change >= step - 1e-9, "never less than the smallest plate step"
        assert math.isclose(change / step, round(change / step), abs_tol=1e-6)
    else:
        assert change == 0
    assert change <= MAX_JUMP * load + 1e-9, "never a jump of more than 10 %"
    assert target.low <= result.reps.low <= result.reps.high <= target.high, "aims stay inside the range"


@given(sessions())
def test_stable_under_a_kg_lb_round_trip(case):
    target, sets, outings, system, lower, _load = case
    there_and_back = [
        Outing(o.reps, lb_to_kg(kg_to_lb(o.weight_kg)), o.rpe)
        if system == "kg"
        else Outing(o.reps, o.weight_kg * 1.0, o.rpe)
        for o in outings
    ]
    assert next_time(target, sets, outings, system, lower) == next_time(
        target, sets, there_and_back, system, lower
    )


@given(written, systems)
def test_a_load_written_in_either_unit_reads_back_as_written(load, system):
    assert from_kg(to_kg(load, system), system) == load
    assert from_kg(lb_to_kg(kg_to_lb(to_kg(load, system))), system) == load


@given(sessions())
def test_following_a_hint_reads_back_the_same_load(case):
    target, sets, outings, system, lower, _load = case
    first = next_time(target, sets, outings, system, lower)
    assert first is not None
    followed = Outing((first.reps.low,) * sets, first.load_kg)
    second = next_time(target, sets, [followed], system, lower)
    assert second is not None
    base = second.load if second.action in ("hold", "add_reps") else None
    if base is not None:
        assert base == first.load


@pytest.mark.parametrize("system", ["kg", "lb"])
def test_round_load_is_a_whole_number_of_steps(system):
    for value in (1.0, 37.3, 92.49, 226.0, 409.9):
        for lower in (True, False):
            step = plate_step(system, lower)  # type: ignore[arg-type]
            rounded = round_load(value, system, lower)  # type: ignore[arg-type]
            assert rounded >= step and math.isclose(rounded / step, round(rounded / step))
