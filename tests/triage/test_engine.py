"""The triage decision, checked against TRIAGE.md §3, §4 and §7."""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage import UNSURE, Assessment, assess, load_rules

E_IDS = [f"E{i}" for i in range(1, 13)]
S_IDS = [f"S{i}" for i in range(1, 14)]
R_IDS = ["R1", "R2", "R3"]
O_IDS = ["O1", "O2"]
ALL_IDS = E_IDS + S_IDS + R_IDS + O_IDS
RANK = {"emergency": 0, "clinician": 1, "rest": 2, "continue": 3}
LEVEL_OF_LETTER = {"E": "emergency", "S": "clinician", "R": "rest", "O": "continue"}


def reference(answers, h, imp):
    """TRIAGE.md §4.3 reference code, copied as written: the engine must agree with it."""
    order = [f"E{i}" for i in range(1, 13)] + [f"S{i}" for i in range(1, 14)] + ["R1", "R2", "R3", "O1", "O2"]
    rank = {"emergency": 0, "clinician": 1, "rest": 2, "continue": 3}

    def fires_at(rid, v, h, imp):
        if rid[0] == "E":
            return "emergency" if v is True else "clinician" if v == "unsure" else None
        if rid[0] == "S":
            ctx = rid == "S6" and h is not None and ((h >= 96 and imp is False) or h >= 168)
            return "clinician" if (v is True or v == "unsure" or ctx) else None
        if rid[0] == "R":
            return "rest" if (v is True or v == "unsure") else None
        ok = v is True and (rid != "O1" or h is None or h <= 72 or imp is True)
        return "continue" if ok else None

    fired = sorted(
        (rank[lv], i, rid) for i, rid in enumerate(order) if (lv := fires_at(rid, answers.get(rid), h, imp))
    )
    level = next(k for k, r in rank.items() if r == fired[0][0]) if fired else "rest"
    return level, [rid for _, _, rid in fired]


answer_values = st.sampled_from([True, False, UNSURE, None])
answer_sets = st.dictionaries(st.sampled_from(ALL_IDS), answer_values, max_size=len(ALL_IDS))
hours_values = st.one_of(
    st.none(),
    st.sampled_from([0, 12, 36, 60, 71.9, 72, 72.1, 80, 84, 95.9, 96, 96.1, 120, 167.9, 168, 169, 1000]),
    st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=400),
)
improving_values = st.sampled_from([True, False, None])
PROPERTY = settings(max_examples=300, deadline=None)


# -- every rule fires from its own answer --------------------------------------------------


@pytest.mark.parametrize("rule_id", ALL_IDS)
def test_each_rule_fires_alone_at_its_own_level(rule_id: str) -> None:
    result = assess({rule_id: True})
    assert result.level == LEVEL_OF_LETTER[rule_id[0]]
    assert result.rule_ids == [rule_id]
    assert result.fired == ((rule_id, LEVEL_OF_LETTER[rule_id[0]]),)


@pytest.mark.parametrize("rule_id", ALL_IDS)
def test_a_no_or_unasked_answer_fires_nothing(rule_id: str) -> None:
    for value in (False, None):
        result = assess({rule_id: value})
        assert result.level == "rest"
        assert result.rule_ids == []


@pytest.mark.parametrize("rule_id", E_IDS)
def test_unsure_on_an_emergency_question_is_see_a_clinician(rule_id: str) -> None:
    result = assess({rule_id: UNSURE})
    assert result.level == "clinician"
    assert result.fired == ((rule_id, "clinician"),)
    assert result.unsure == frozenset({rule_id})


@pytest.mark.parametrize("rule_id", S_IDS + R_IDS)
def test_unsure_on_clinician_and_rest_questions_fires_them(rule_id: str) -> None:
    result = assess({rule_id: UNSURE})
    assert result.level == LEVEL_OF_LETTER[rule_id[0]]
    assert result.rule_ids == [rule_id]
    assert rule_id in result.unsure


@pytest.mark.parametrize("rule_id", O_IDS)
def test_unsure_never_counts_as_ordinary_soreness(rule_id: str) -> None:
    result = assess({rule_id: UNSURE})
    assert result.level == "rest"
    assert result.rule_ids == []


# -- TRIAGE.md §4.3 example table and §7 vignettes ------------------------------------------

EXAMPLES: list[tuple[Any, ...]] = [
    ({"E2": "unsure"}, None, None, "clinician", ["E2"]),
    ({"E4": "unsure", "S9": True}, None, None, "clinician", ["E4", "S9"]),
    ({"E2": "unsure", "E8": True}, None, None, "emergency", ["E8", "E2"]),
    ({"S7": True, "S2": True}, None, None, "clinician", ["S2", "S7"]),
    ({"O1": True}, 100, False, "clinician", ["S6"]),
    ({"O1": True}, 100, None, "rest", []),
    ({"O1": True}, 100, True, "continue", ["O1"]),
    ({"O1": True}, 80, False, "rest", []),
    ({"R1": True, "O2": True}, None, None, "rest", ["R1", "O2"]),
]

VIGNETTES: list[tuple[Any, ...]] = [
    ({"O1": True}, 36, None, "continue", ["O1"]),
    ({"E7": True}, 36, None, "emergency", ["E7"]),
    ({"E6": True}, None, None, "emergency", ["E6"]),
    ({"S3": True}, None, None, "clinician", ["S3"]),
    ({"E5": True}, None, None, "emergency", ["E5"]),
    ({"S8": True}, None, None, "clinician", ["S8"]),
    ({"S1": True}, None, None, "clinician", ["S1"]),
    ({"R2": True, "E9": False}, None, None, "rest", ["R2"]),
]


@pytest.mark.parametrize(("answers", "hours", "improving", "level", "rule_ids"), EXAMPLES + VIGNETTES)
def test_documented_examples(answers, hours, improving, level, rule_ids) -> None:
    result = assess(answers, hours_since_workout=hours, improving=improving)
    assert result.level == level
    assert result.rule_ids == rule_ids


def test_unsure_emergency_fires_at_clinician_level_and_sorts_ahead_of_s_rules() -> None:
    result = assess({"S1": True, "E9": UNSURE, "E1": True})
    assert result.fired == (("E1", "emergency"), ("E9", "clinician"), ("S1", "clinician"))
    assert result.fired_level("E9") == "clinician"
    assert result.fired_level("S2") is None


# -- S6 and O1 by context (TRIAGE.md §4.2) --------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "improving", "s6_fires"),
    [
        (100, False, True),
        (96, False, True),  # not improving counts from day four (96 h) on
        (95.9, False, False),
        (84, False, False),  # peak soreness at 72 h is ordinary: 3–4 days and worse is not yet S6
        (80, False, False),
        (80, None, False),
        (80, True, False),
        (72, False, False),
        (120, False, True),
        (167.9, True, False),
        (167.9, None, False),
        (168, True, True),  # a week or more fires even when improving
        (168, None, True),
        (168, False, True),
        (500, True, True),
        (None, False, False),
        (0, False, False),
    ],
)
def test_s6_from_context(hours, improving, s6_fires: bool) -> None:
    result = assess({}, hours_since_workout=hours, improving=improving)
    assert ("S6" in result.rule_ids) is s6_fires
    assert result.level == ("clinician" if s6_fires else "rest")


def test_explicit_no_to_s6_does_not_cancel_the_context() -> None:
    assert assess({"S6": False}, 168, True).rule_ids == ["S6"]
    assert assess({"S6": False}, 100, False).rule_ids == ["S6"]


def test_s6_answered_yes_or_unsure_fires_without_context() -> None:
    assert assess({"S6": True}).rule_ids == ["S6"]
    assert assess({"S6": UNSURE}, 1, True).rule_ids == ["S6"]


def test_s6_fired_by_context_is_not_marked_unsure() -> None:
    assert assess({"S6": UNSURE}, 200, None).unsure == frozenset()
    assert assess({"S6": UNSURE}, 10, None).unsure == frozenset({"S6"})


@pytest.mark.parametrize(
    ("hours", "improving", "counts"),
    [
        (None, None, True),
        (None, False, True),
        (0, False, True),
        (36, False, True),  # soreness builds for up to 3 days, so worsening still fits
        (72, False, True),
        (72, None, True),
        (72.01, None, False),
        (80, None, False),
        (80, True, True),
        (120, True, True),
        (167, False, False),
    ],
)
def test_o1_window(hours, improving, counts: bool) -> None:
    result = assess({"O1": True}, hours_since_workout=hours, improving=improving)
    assert ("O1" in result.rule_ids) is counts


def test_o1_after_a_week_gives_way_to_s6_even_when_improving() -> None:
    result = assess({"O1": True}, 168, True)
    assert result.level == "clinician"
    assert result.rule_ids == ["S6", "O1"]


def test_o2_is_not_limited_by_time() -> None:
    assert assess({"O2": True}, 150, None).rule_ids == ["O2"]
    assert assess({"O2": True}, 150, None).level == "continue"


def test_whole_numbers_and_fractions_of_hours_are_accepted() -> None:
    half_past = Fraction(145, 2)  # 72.5 h: just past the window
    assert assess({"O1": True}, half_past, None).rule_ids == []  # type: ignore[arg-type]
    assert assess({"O1": True}, 72, None).rule_ids == ["O1"]


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"E13": True},
        {"S14": True},
        {"e1": True},
        {"X": True},
        {1: True},
        {"E1": 1},
        {"E1": 0},
        {"E1": 1.0},
        {"E1": "yes"},
        {"E1": "Unsure"},
        {"E1": "true"},
        {"S2": []},
    ],
)
def test_unknown_ids_and_values_raise(answers) -> None:
    with pytest.raises(ValueError, match="for example"):
        assess(answers)


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(ValueError, match="answers must map rule ids"):
        assess([("E1", True)])  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", [-1, -0.001, math.inf, -math.inf, math.nan, True, False, "36", [36]])
def test_bad_hours_raise(hours) -> None:
    with pytest.raises(ValueError, match="hours_since_workout"):
        assess({}, hours_since_workout=hours)


@pytest.mark.parametrize("improving", [1, 0, "yes", "unsure", 0.5])
def test_bad_improving_raises(improving) -> None:
    with pytest.raises(ValueError, match="improving must be"):
        assess({}, improving=improving)


def test_error_message_names_the_bad_id() -> None:
    with pytest.raises(ValueError, match="'E13'"):
        assess({"E13": True})


# -- properties ----------------------------------------------------------------------------


@PROPERTY
@given(answer_sets, hours_values, improving_values)
def test_matches_the_reference_code(answers, hours, improving) -> None:
    result = assess(answers, hours, improving)
    assert (result.level, result.rule_ids) == reference(answers, hours, improving)


@PROPERTY
@given(answer_sets, st.sampled_from(E_IDS), hours_values, improving_values)
def test_any_emergency_yes_gives_emergency(answers, rule_id, hours, improving) -> None:
    answers = {**answers, rule_id: True}
    result = assess(answers, hours, improving)
    assert result.level == "emergency"
    assert result.rule_ids[0] in E_IDS


@PROPERTY
@given(answer_sets, st.sampled_from(E_IDS), hours_values, improving_values)
def test_emergency_unsure_never_gives_less_than_clinician(answers, rule_id, hours, improving) -> None:
    answers = {**answers, rule_id: UNSURE}
    assert assess(answers, hours, improving).level in ("emergency", "clinician")


@PROPERTY
@given(answer_sets, hours_values, improving_values)
def test_continue_only_when_soreness_counts_and_nothing_else_fires(answers, hours, improving) -> None:
    result = assess(answers, hours, improving)
    o1_counts = answers.get("O1") is True and (hours is None or hours <= 72 or improving is True)
    o2_counts = answers.get("O2") is True
    s6_context = hours is not None and ((hours > 72 and improving is False) or hours >= 168)
    warning = s6_context or any(answers.get(rid) in (True, UNSURE) for rid in E_IDS + S_IDS + R_IDS)
    assert (result.level == "continue") == ((o1_counts or o2_counts) and not warning)
    if result.level == "continue":
        assert set(result.rule_ids) <= {"O1", "O2"}


@PROPERTY
@given(answer_sets, hours_values, improving_values)
def test_rule_ids_sorted_by_level_then_table_order(answers, hours, improving) -> None:
    result = assess(answers, hours, improving)
    keys = [(RANK[level], ALL_IDS.index(rid)) for rid, level in result.fired]
    assert keys == sorted(keys)
    assert len(set(result.rule_ids)) == len(result.rule_ids)
    if result.fired:
        assert result.level == result.fired[0][1]
    else:
        assert result.level == "rest"


@PROPERTY
@given(answer_sets, hours_values, improving_values)
def test_each_fired_level_follows_the_rule(answers, hours, improving) -> None:
    for rid, level in assess(answers, hours, improving).fired:
        if rid[0] == "E":
            assert level == ("emergency" if answers.get(rid) is True else "clinician")
        else:
            assert level == LEVEL_OF_LETTER[rid[0]]


@PROPERTY
@given(answer_sets, hours_values, improving_values, st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_answer_order(answers, hours, improving, rnd) -> None:
    items = list(answers.items())
    rnd.shuffle(items)
    first = assess(answers, hours, improving)
    assert assess(dict(items), hours, improving) == first
    assert assess(answers, hours, improving) == first


@PROPERTY
@given(
    answer_sets,
    st.sampled_from(E_IDS + S_IDS + R_IDS),
    st.sampled_from([True, UNSURE]),
    hours_values,
    improving_values,
)
def test_a_warning_sign_never_makes_the_outcome_less_urgent(
    answers, rule_id, value, hours, improving
) -> None:
    without = assess({**answers, rule_id: False}, hours, improving)
    with_sign = assess({**answers, rule_id: value}, hours, improving)
    assert RANK[with_sign.level] <= RANK[without.level]


def test_assessment_reports_the_rule_set_version() -> None:
    result = assess({"S4": True}, 10, True)
    assert isinstance(result, Assessment)
    assert result.rules_version == load_rules().version == "1.1"


def test_rule_ids_is_a_fresh_list() -> None:
    result = assess({"E1": True})
    result.rule_ids.append("X")
    assert result.rule_ids == ["E1"]


def test_engine_does_not_import_discord() -> None:
    code = "import sys, bot.triage; assert 'discord' not in sys.modules, 'discord was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
