"""Estimated 1RM (Epley), personal-record detection, and kg/lb display."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.records import (
    E1RM_TOLERANCE_KG,
    EPLEY_MAX_REPS,
    LOAD_RESOLUTION_KG,
    PersonalRecord,
    RecordBook,
    RecordKind,
    SetRecord,
    _session_front,
    best_estimated_1rm,
    best_reps_at,
    detect_records,
    detect_records_against,
    estimated_1rm,
)
from bot.domain.units import (
    KG_PER_LB,
    format_weight,
    kg_to_lb,
    lb_to_kg,
    round_to_step,
)


def sets(*pairs: tuple[float, int]) -> list[SetRecord]:
    return [SetRecord(weight, reps) for weight, reps in pairs]


def kinds(records: list[PersonalRecord]) -> list[RecordKind]:
    return [record.kind for record in records]


# --- Epley ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [
        (100, 1, 100.0),
        (100, 2, 100 * (1 + 2 / 30)),
        (100, 5, 100 * (1 + 5 / 30)),
        (100, 10, 100 * (1 + 10 / 30)),
        (60, 12, 84.0),
        (102.5, 3, 112.75),
    ],
)
def test_epley_values(weight: float, reps: int, expected: float) -> None:
    assert estimated_1rm(weight, reps) == pytest.approx(expected)


def test_epley_worked_example() -> None:
    assert estimated_1rm(100, 5) == pytest.approx(116.6667, abs=1e-4)


@pytest.mark.parametrize(("weight", "reps"), [(100, 13), (100, 30), (100, 0), (0, 5), (0, 1)])
def test_no_estimate_when_it_would_mislead(weight: float, reps: int) -> None:
    assert estimated_1rm(weight, reps) is None


def test_epley_limit_is_twelve() -> None:
    assert EPLEY_MAX_REPS == 12
    assert estimated_1rm(50, 12) is not None
    assert estimated_1rm(50, 13) is None


def test_non_finite_weight_is_a_bug() -> None:
    with pytest.raises(ValueError):
        estimated_1rm(math.nan, 5)


@settings(max_examples=300, deadline=None)
@given(st.floats(1, 500), st.integers(2, EPLEY_MAX_REPS - 1))
def test_one_more_rep_at_the_same_weight_raises_the_estimate(weight: float, reps: int) -> None:
    lower, higher = estimated_1rm(weight, reps), estimated_1rm(weight, reps + 1)
    assert lower is not None and higher is not None
    assert higher > lower > weight


def test_best_estimated_1rm() -> None:
    assert best_estimated_1rm(sets((100, 5), (110, 1), (60, 20))) == pytest.approx(116.6667, abs=1e-4)
    assert best_estimated_1rm(sets((0, 15), (20, 15))) is None
    assert best_estimated_1rm([]) is None


def test_best_reps_at_counts_heavier_sets() -> None:
    history = sets((100, 5), (90, 8), (80, 6))
    assert best_reps_at(history, 100) == 5
    assert best_reps_at(history, 95) == 5
    assert best_reps_at(history, 90) == 8
    assert best_reps_at(history, 80) == 8
    assert best_reps_at(history, 100.2) == 5  # same 0.5 kg step as 100
    assert best_reps_at(history, 100.3) is None
    assert best_reps_at(history, 120) is None


# --- SetRecord ----------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "reps"), [(-1, 5), (math.inf, 5), (math.nan, 5), (100, -1), (100, 2.5)])
def test_invalid_sets_are_refused(weight: float, reps: int) -> None:
    with pytest.raises(ValueError):
        SetRecord(weight, reps)


# --- detect_records ------------------------------------------------------------------


def test_first_session_is_a_baseline_not_a_record() -> None:
    records = detect_records("Back Squat", [], sets((60, 5), (100, 5), (80, 5)))
    assert records == [
        PersonalRecord(
            "Back Squat",
            RecordKind.FIRST_LOGGED,
            pytest.approx(116.6667, abs=1e-4),  # type: ignore[arg-type]
            None,
            SetRecord(100, 5),
        )
    ]


def test_first_session_of_bodyweight_work_has_no_estimate() -> None:
    [record] = detect_records("Push-up", [], sets((0, 15), (0, 20), (0, 12)))
    assert record.kind is RecordKind.FIRST_LOGGED
    assert record.value is None
    assert record.best_set == SetRecord(0, 20)


def test_first_session_prefers_the_heaviest_set_when_nothing_is_estimable() -> None:
    [record] = detect_records("Goblet Squat", [], sets((20, 15), (24, 15), (24, 14)))
    assert record.best_set == SetRecord(24, 15)


def test_history_of_only_missed_attempts_counts_as_no_history() -> None:
    assert kinds(detect_records("Squat", sets((140, 0)), sets((100, 5)))) == [RecordKind.FIRST_LOGGED]


def test_session_with_no_completed_rep_reports_nothing() -> None:
    assert detect_records("Squat", sets((100, 5)), sets((150, 0))) == []
    assert detect_records("Squat", [], []) == []


def test_heavier_for_the_same_reps_is_an_estimated_1rm_record() -> None:
    records = detect_records("Squat", sets((100, 5), (100, 5)), sets((105, 5)))
    assert kinds(records) == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD]
    e1rm, reps = records
    assert e1rm.value == pytest.approx(122.5)
    assert e1rm.previous == pytest.approx(116.6667, abs=1e-4)
    assert e1rm.best_set == SetRecord(105, 5)
    # Nothing at 105 kg or heavier before: the heaviest set so far.
    assert (reps.value, reps.previous, reps.load_kg) == (5, None, 105.0)


def test_more_reps_at_a_known_load() -> None:
    records = detect_records("Bench", sets((80, 5), (80, 6)), sets((80, 7)))
    assert kinds(records) == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD]
    assert (records[1].value, records[1].previous, records[1].load_kg) == (7, 6, 80.0)


def test_equal_is_not_a_record() -> None:
    assert detect_records("Squat", sets((100, 5)), sets((100, 5))) == []


def test_worse_is_not_a_record() -> None:
    assert detect_records("Squat", sets((100, 5)), sets((100, 4), (95, 5))) == []


def test_a_lighter_set_beaten_by_a_heavier_one_in_history_is_not_a_record() -> None:
    # 95 kg × 5 is no achievement after 100 kg × 5.
    assert detect_records("Squat", sets((100, 5)), sets((95, 5))) == []


def test_more_reps_at_a_lighter_load_is_a_record_even_without_an_e1rm_gain() -> None:
    records = detect_records("Squat", sets((100, 5)), sets((90, 6)))
    assert kinds(records) == [RecordKind.REPS_AT_LOAD]
    assert (records[0].value, records[0].previous, records[0].load_kg) == (6, 5, 90.0)


def test_high_rep_sets_earn_rep_records_but_no_estimate() -> None:
    records = detect_records("Leg Press", sets((100, 15)), sets((100, 20)))
    assert kinds(records) == [RecordKind.REPS_AT_LOAD]


def test_estimated_1rm_record_when_history_had_no_estimable_set() -> None:
    records = detect_records("Squat", sets((60, 20)), sets((80, 5)))
    assert records[0].kind is RecordKind.ESTIMATED_1RM
    assert records[0].previous is None


def test_bodyweight_rep_record() -> None:
    records = detect_records("Pull-up", sets((0, 8), (0, 10)), sets((0, 11), (0, 9)))
    assert kinds(records) == [RecordKind.REPS_AT_LOAD]
    assert (records[0].value, records[0].previous, records[0].load_kg) == (11, 10, 0.0)


def test_loads_match_at_half_a_kilogram() -> None:
    # 225 lb is 102.06 kg: the same bar as 102 kg, so 5 reps is no rep record.
    history = sets((102, 5))
    new = [SetRecord(lb_to_kg(225), 5)]
    rep_records = [r for r in detect_records("Squat", history, new) if r.kind is RecordKind.REPS_AT_LOAD]
    assert rep_records == []
    assert best_reps_at(new, 102) == 5


def test_tiny_float_noise_is_not_an_estimated_1rm_record() -> None:
    history = [SetRecord(lb_to_kg(225), 5)]
    new = [SetRecord(225 * KG_PER_LB + 1e-9, 5)]
    assert detect_records("Squat", history, new) == []


def test_back_off_sets_do_not_repeat_the_top_sets_news() -> None:
    records = detect_records("Squat", sets((100, 5)), sets((110, 5), (105, 5), (100, 5), (110, 3)))
    rep_records = [r for r in records if r.kind is RecordKind.REPS_AT_LOAD]
    assert [(r.load_kg, r.value) for r in rep_records] == [(110.0, 5)]


def test_rep_records_at_several_loads_heaviest_first() -> None:
    history = sets((100, 3), (90, 5), (80, 8))
    records = detect_records("Squat", history, sets((80, 10), (100, 4), (90, 6)))
    rep_records = [r for r in records if r.kind is RecordKind.REPS_AT_LOAD]
    assert [(r.load_kg, r.value, r.previous) for r in rep_records] == [
        (100.0, 4, 3),
        (90.0, 6, 5),
        (80.0, 10, 8),
    ]


def test_record_carries_the_exercise_name() -> None:
    records = detect_records("Front Squat", sets((60, 5)), sets((70, 5)))
    assert {r.exercise for r in records} == {"Front Squat"}


def test_history_and_new_may_be_any_iterable() -> None:
    records = detect_records("Squat", iter(sets((100, 5))), (s for s in sets((100, 6))))
    assert kinds(records) == [RecordKind.ESTIMATED_1RM, RecordKind.REPS_AT_LOAD]


SET_RECORDS = st.builds(SetRecord, st.integers(0, 400).map(lambda n: n / 2), st.integers(0, 30))


@settings(max_examples=300, deadline=None)
@given(st.lists(SET_RECORDS, min_size=1), st.lists(SET_RECORDS))
def test_records_are_strictly_better_than_all_history(history: list[SetRecord], new: list[SetRecord]) -> None:
    for record in detect_records("Squat", history, new):
        if record.kind is RecordKind.ESTIMATED_1RM:
            assert record.value is not None
            assert all((e := estimated_1rm(s.weight_kg, s.reps)) is None or record.value > e for s in history)
        elif record.kind is RecordKind.REPS_AT_LOAD:
            assert record.load_kg is not None and record.value is not None
            assert all(not (s.weight_kg >= record.load_kg and s.reps >= record.value) for s in history)
        else:
            assert all(s.reps == 0 for s in history)


@settings(max_examples=300, deadline=None)
@given(st.lists(SET_RECORDS, min_size=1))
def test_repeating_history_sets_no_records(history: list[SetRecord]) -> None:
    if any(s.reps >= 1 for s in history):
        assert detect_records("Squat", history, history) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(SET_RECORDS), st.lists(SET_RECORDS))
def test_a_session_better_than_before_gets_some_record(
    history: list[SetRecord], new: list[SetRecord]
) -> None:
    """Completeness: any completed set nothing in history matches or beats is reported."""
    undominated = [
        s
        for s in new
        if s.reps >= 1 and not any(h.reps >= s.reps and h.weight_kg >= s.weight_kg for h in history)
    ]
    if undominated and any(h.reps >= 1 for h in history):
        assert detect_records("Squat", history, new)


def _records_from_raw_history(
    exercise: str, history: list[SetRecord], new: list[SetRecord]
) -> list[PersonalRecord]:
    """The comparison as first written, against every past set: the book must agree with it."""
    past = [s for s in history if s.reps >= 1]
    fresh = [s for s in new if s.reps >= 1]
    if not fresh or not past:
        return detect_records(exercise, past, fresh)
    records: list[PersonalRecord] = []
    estimated = [(e, s) for s in fresh if (e := estimated_1rm(s.weight_kg, s.reps)) is not None]
    if estimated:
        best_estimate, best_set = max(estimated, key=lambda pair: pair[0])
        previous = best_estimated_1rm(past)
        if previous is None or best_estimate > previous + E1RM_TOLERANCE_KG:
            records.append(
                PersonalRecord(exercise, RecordKind.ESTIMATED_1RM, best_estimate, previous, best_set)
            )
    for candidate in _session_front(fresh):
        load = round_to_step(candidate.weight_kg, LOAD_RESOLUTION_KG)
        previous_reps = best_reps_at(past, load)
        if previous_reps is None or candidate.reps > previous_reps:
            records.append(
                PersonalRecord(
                    exercise, RecordKind.REPS_AT_LOAD, candidate.reps, previous_reps, candidate, load
                )
            )
    return records


@settings(max_examples=300, deadline=None)
@given(st.lists(SET_RECORDS), st.lists(SET_RECORDS))
def test_a_record_book_gives_the_answers_the_raw_history_gives(
    history: list[SetRecord], new: list[SetRecord]
) -> None:
    book = RecordBook.of(history)
    assert detect_records_against("Squat", book, new) == _records_from_raw_history("Squat", history, new)
    assert book.best_1rm == best_estimated_1rm(history)
    for s in new:
        assert book.reps_at(s.weight_kg) == best_reps_at(history, s.weight_kg)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(SET_RECORDS, max_size=8), max_size=6))
def test_a_book_kept_session_by_session_is_the_book_of_the_whole_history(
    sessions: list[list[SetRecord]],
) -> None:
    book = RecordBook()
    for session in sessions:
        book = book.with_sets(session)
    assert book == RecordBook.of(s for session in sessions for s in session)
    loads = [load for load, _ in book.reps_front]
    reps = [r for _, r in book.reps_front]
    assert loads == sorted(set(loads), reverse=True) and reps == sorted(set(reps))


def test_a_book_holds_loads_not_sets() -> None:
    """Ten years of the same three working weights leave three entries, not thousands of sets."""
    years = [SetRecord(w, r) for _ in range(10 * 150) for w, r in ((100, 5), (110, 3), (120, 1))]
    book = RecordBook.of(years)
    assert book.reps_front == ((120.0, 1), (110.0, 3), (100.0, 5))
    assert book.best_1rm == pytest.approx(121.0)  # Epley: 110 kg × 3 beats a 120 kg single


# --- units -------------------------------------------------------------------------


def test_conversions_are_exact_inverses() -> None:
    assert lb_to_kg(1) == KG_PER_LB
    assert kg_to_lb(lb_to_kg(225)) == pytest.approx(225)


@pytest.mark.parametrize(
    ("kg", "system", "text"),
    [
        (100, "kg", "100 kg"),
        (102.5, "kg", "102.5 kg"),
        (102.74, "kg", "102.5 kg"),
        (102.75, "kg", "103 kg"),
        (100.25, "kg", "100.5 kg"),
        (0, "kg", "0 kg"),
        (-0.1, "kg", "0 kg"),
        (lb_to_kg(225), "lb", "225 lb"),
        (100, "lb", "220 lb"),
        (lb_to_kg(135.5), "lb", "136 lb"),
        (lb_to_kg(45), "kg", "20.5 kg"),
    ],
)
def test_format_weight(kg: float, system: str, text: str) -> None:
    assert format_weight(kg, system) == text  # type: ignore[arg-type]


def test_format_weight_refuses_an_unknown_system() -> None:
    with pytest.raises(ValueError):
        format_weight(100, "stone")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "step", "expected"), [(2.5, 1, 3), (3.5, 1, 4), (-2.5, 1, -3), (1.24, 0.5, 1.0)]
)
def test_round_to_step_rounds_halves_away_from_zero(value: float, step: float, expected: float) -> None:
    assert round_to_step(value, step) == expected


@pytest.mark.parametrize(("value", "step"), [(1, 0), (1, -1), (math.nan, 1), (math.inf, 0.5)])
def test_round_to_step_refuses_nonsense(value: float, step: float) -> None:
    with pytest.raises(ValueError):
        round_to_step(value, step)
