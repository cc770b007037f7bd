"""Routine notation: each form in SPEC §4, the accepted variants, and every error."""

from __future__ import annotations

import re

import pytest

from bot.domain.durations import format_duration
from bot.domain.routines import (
    MAX_EXERCISES,
    Bodyweight,
    ExerciseLine,
    PercentOfMax,
    Reps,
    RoutineNotationError,
    Weight,
    format_line,
    format_routine,
    parse_line,
    parse_routine,
    volume_kg,
)
from bot.domain.units import lb_to_kg

SPEC_EXAMPLE = """\
Back Squat 3x5 @ 100kg rest 3m
Romanian Deadlift 3x8-10 @ 60kg RPE 8
A1 Pull-up 3xAMRAP
A2 Push-up 3x15
Plank 3x45s
Bench Press 5x5 @ 80%
Walking Lunge 3x12 @ bw"""


def only(text: str) -> ExerciseLine:
    lines = parse_routine(text)
    assert len(lines) == 1
    return lines[0]


def error_of(text: str) -> RoutineNotationError:
    with pytest.raises(RoutineNotationError) as caught:
        parse_routine(text)
    return caught.value


def examples_in(message: str) -> list[str]:
    """The backticked snippets after "e.g." — the lines an error offers as working."""
    _, _, tail = message.partition("e.g.")
    return re.findall(r"`([^`]+)`", tail)


def assert_helpful(error: RoutineNotationError, line_no: int | None, *fragments: str) -> None:
    text = str(error)
    if line_no is not None:
        assert error.line_no == line_no
        assert text.startswith(f"Line {line_no}: `")
    for fragment in fragments:
        assert fragment in text, text
    examples = examples_in(text)
    assert examples, f"no example in: {text}"
    for example in examples:
        parse_line(example)  # every example offered must itself parse


# --- the SPEC example ------------------------------------------------------------


def test_spec_example_parses_to_the_expected_lines() -> None:
    assert parse_routine(SPEC_EXAMPLE) == [
        ExerciseLine("Back Squat", 3, Reps.count(5), Weight(100, "kg"), rest_s=180),
        ExerciseLine("Romanian Deadlift", 3, Reps.range(8, 10), Weight(60, "kg"), rpe=8),
        ExerciseLine("Pull-up", 3, Reps.amrap(), superset="A1"),
        ExerciseLine("Push-up", 3, Reps.count(15), superset="A2"),
        ExerciseLine("Plank", 3, Reps.timed(45)),
        ExerciseLine("Bench Press", 5, Reps.count(5), PercentOfMax(80)),
        ExerciseLine("Walking Lunge", 3, Reps.count(12), Bodyweight()),
    ]


def test_spec_example_is_already_canonical() -> None:
    assert format_routine(parse_routine(SPEC_EXAMPLE)) == SPEC_EXAMPLE


# --- reps ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reps"),
    [
        ("Squat 3x5", Reps.count(5)),
        ("Squat 3x8-10", Reps.range(8, 10)),
        ("Squat 3x8 - 10", Reps.range(8, 10)),
        ("Squat 3x8–10", Reps.range(8, 10)),
        ("Squat 3xAMRAP", Reps.amrap()),
        ("Squat 3xamrap", Reps.amrap()),
        ("Squat 3xMax", Reps.amrap()),
        ("Plank 3x45s", Reps.timed(45)),
        ("Plank 3x45 sec", Reps.timed(45)),
        ("Plank 3x2m", Reps.timed(120)),
        ("Plank 3x2min", Reps.timed(120)),
        ("Plank 3x1m30s", Reps.timed(90)),
        ("Plank 3x1m 30s", Reps.timed(90)),
        ("Plank 3x1:30", Reps.timed(90)),
        ("Plank 3x60m", Reps.timed(3600)),
        ("Plank 3x1s", Reps.timed(1)),
    ],
)
def test_reps_forms(text: str, reps: Reps) -> None:
    assert only(text).reps == reps


@pytest.mark.parametrize(
    "text", ["Squat 3x5", "Squat 3 x 5", "Squat 3X5", "Squat 3×5", "Squat 3 × 5", "  Squat   3x5  "]
)
def test_sets_times_reps_variants(text: str) -> None:
    line = only(text)
    assert (line.name, line.sets, line.reps) == ("Squat", 3, Reps.count(5))


@pytest.mark.parametrize(
    ("reps", "text"),
    [(Reps.count(5), "5"), (Reps.range(8, 10), "8-10"), (Reps.amrap(), "AMRAP"), (Reps.timed(90), "1m30s")],
)
def test_reps_canonical_text(reps: Reps, text: str) -> None:
    assert format_line(ExerciseLine("Squat", 3, reps)) == f"Squat 3x{text}"


@pytest.mark.parametrize(
    ("seconds", "text"), [(45, "45s"), (60, "1m"), (120, "2m"), (90, "1m30s"), (3600, "60m")]
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds, hours=False) == text


def test_range_counts_at_its_low_end() -> None:
    assert Reps.range(8, 10).min_reps == 8
    assert Reps.count(5).min_reps == 5
    assert Reps.amrap().min_reps is None
    assert Reps.timed(30).min_reps is None


# --- loads, RPE, rest -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "load"),
    [
        ("Squat 3x5 @ 100kg", Weight(100, "kg")),
        ("Squat 3x5 @100kg", Weight(100, "kg")),
        ("Squat 3x5 @ 100 kg", Weight(100, "kg")),
        ("Squat 3x5 @ 100 KG", Weight(100, "kg")),
        ("Squat 3x5 @ 100 kgs", Weight(100, "kg")),
        ("Squat 3x5 @ 102.5kg", Weight(102.5, "kg")),
        ("Squat 3x5 @ 102,5kg", Weight(102.5, "kg")),
        ("Squat 3x5 @ 33.75kg", Weight(33.75, "kg")),
        ("Squat 3x5 @ 225lb", Weight(225, "lb")),
        ("Squat 3x5 @ 225 lbs", Weight(225, "lb")),
        ("Squat 3x5 @ 225 pounds", Weight(225, "lb")),
        ("Squat 3x5 @ 80%", PercentOfMax(80)),
        ("Squat 3x5 @ 72.5 %", PercentOfMax(72.5)),
        ("Squat 3x5 @ bw", Bodyweight()),
        ("Squat 3x5 @ BW", Bodyweight()),
        ("Squat 3x5 @ bodyweight", Bodyweight()),
        ("Squat 3x5 @ bw+10kg", Bodyweight(Weight(10, "kg"))),
        ("Squat 3x5 @ bw + 20 lb", Bodyweight(Weight(20, "lb"))),
        ("Squat 3x5 100kg", Weight(100, "kg")),
        ("Squat 3x5@100kg", Weight(100, "kg")),
    ],
)
def test_load_forms(text: str, load: object) -> None:
    assert only(text).load == load


@pytest.mark.parametrize(
    ("text", "rpe"),
    [
        ("Squat 3x5 RPE 8", 8.0),
        ("Squat 3x5 rpe8", 8.0),
        ("Squat 3x5 RPE 7.5", 7.5),
        ("Squat 3x5 @ RPE 9", 9.0),
    ],
)
def test_rpe_forms(text: str, rpe: float) -> None:
    assert only(text).rpe == rpe


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Squat 3x5 rest 3m", 180),
        ("Squat 3x5 rest 90s", 90),
        ("Squat 3x5 rest: 90s", 90),
        ("Squat 3x5 REST 1m30s", 90),
        ("Squat 3x5 rest 1:30", 90),
        ("Squat 3x5 rest 2 min", 120),
    ],
)
def test_rest_forms(text: str, seconds: int) -> None:
    assert only(text).rest_s == seconds


def test_modifiers_in_any_order_come_out_canonical() -> None:
    line = only("Squat 3x5 rest 2m, RPE 8; @ 100kg")
    assert (line.load, line.rpe, line.rest_s) == (Weight(100, "kg"), 8.0, 120)
    assert format_line(line) == "Squat 3x5 @ 100kg RPE 8 rest 2m"


def test_canonical_spelling_of_a_messy_line() -> None:
    line = only("- a1) dips 3 X 8 @ bw + 10 kgs, rpe7.5; rest: 1:30")
    assert format_line(line) == "A1 dips 3x8 @ bw+10kg RPE 7.5 rest 1m30s"


def test_loads_keep_the_unit_they_were_written_in() -> None:
    assert format_line(only("Deadlift 1x5 @ 405 lbs")) == "Deadlift 1x5 @ 405lb"


# --- names --------------------------------------------------------------------


def test_name_keeps_its_case_and_collapses_whitespace() -> None:
    assert only("Romanian   Deadlift\t3x8").name == "Romanian Deadlift"


def test_name_may_contain_notation_lookalikes() -> None:
    line = only("Stronglifts 5x5 Squat 5x5 @ 100kg")
    assert (line.name, line.sets, line.reps) == ("Stronglifts 5x5 Squat", 5, Reps.count(5))


def test_name_may_contain_digits_and_punctuation() -> None:
    assert only("21s (Biceps) Curl, EZ-bar 3x21").name == "21s (Biceps) Curl, EZ-bar"
    assert only("1.5 Rep Squat 3x5").name == "1.5 Rep Squat"


def test_sets_token_must_start_a_word() -> None:
    assert only("Row3x5 3x8").name == "Row3x5"


def test_name_of_exactly_sixty_characters_is_accepted() -> None:
    name = "A" + "b" * 59
    assert only(f"{name} 3x5").name == name


# --- ignored lines, bullets and labels ------------------------------------------------


def test_blank_comment_fence_and_bullet_lines_are_ignored() -> None:
    text = "```\n# Push day\n\n   \n- Bench Press 5x5\n* Dips 3x8\n+ Fly 3x12\n• Curl 3x10\n-\n```"
    assert [line.name for line in parse_routine(text)] == ["Bench Press", "Dips", "Fly", "Curl"]


def test_numbered_lists_are_stripped() -> None:
    assert [line.name for line in parse_routine("1. Squat 3x5\n2) Bench 3x5")] == ["Squat", "Bench"]


def test_line_numbers_count_ignored_lines() -> None:
    error = error_of("# comment\n\nSquat 3x5\nBench")
    assert error.line_no == 4


def test_windows_and_old_mac_line_breaks() -> None:
    assert len(parse_routine("Squat 3x5\r\nBench 3x5\rRow 3x5")) == 3


@pytest.mark.parametrize("text", ["A1 Pull-up 3x8", "a1 Pull-up 3x8", "A1. Pull-up 3x8", "A1) Pull-up 3x8"])
def test_superset_label_variants(text: str) -> None:
    line = only(text)
    assert (line.superset, line.name) == ("A1", "Pull-up")


def test_label_needs_a_space_after_it() -> None:
    line = only("A1-Row 3x8")
    assert (line.superset, line.name) == (None, "A1-Row")


def test_superset_groups_in_order() -> None:
    lines = parse_routine("A1 Pull-up 3x8\nA2 Dips 3x8\nA3 Plank 3x30s\nB1 Curl 3x10\nB2 Skullcrusher 3x10")
    assert [line.superset for line in lines] == ["A1", "A2", "A3", "B1", "B2"]


def test_lone_first_label_is_allowed() -> None:
    assert only("A1 Pull-up 3x8").superset == "A1"


def test_comment_between_superset_lines_does_not_break_the_group() -> None:
    lines = parse_routine("A1 Pull-up 3x8\n# then straight into\nA2 Dips 3x8")
    assert [line.superset for line in lines] == ["A1", "A2"]


def test_labelled_name_may_look_like_a_label() -> None:
    line = only("A1 B2 Bomber Row 3x8")
    assert (line.superset, line.name) == ("A1", "B2 Bomber Row")
    assert parse_line(format_line(line)) == line


# --- errors: one per rule, with line numbers and working examples --------------------------


def test_missing_reps_error_matches_the_documented_wording() -> None:
    error = error_of("Squat 3x5\nDeadlift 1x5\nBench Press 5x")
    assert_helpful(error, 3, "Line 3: `Bench Press 5x` — expected reps after `5x`", "`Bench Press 5x5`")


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ("Bench Press", ["expected sets×reps", "`Bench Press 3x5`"]),
        ("Bench Press 5 sets of 5", ["expected sets×reps", "`Bench Press 3x5`"]),
        ("Bench Press 0x5", ["sets must be between 1 and 20", "got 0"]),
        ("Bench Press 21x5", ["sets must be between 1 and 20", "got 21"]),
        ("Bench Press 5xfive", ["expected reps after `5x`"]),
        ("Bench Press 5x0", ["reps must be between 1 and 100", "got 0"]),
        ("Bench Press 5x101", ["reps must be between 1 and 100"]),
        ("Bench Press 5x10-8", ["a rep range goes from low to high", "`Bench Press 5x8-10`"]),
        ("Bench Press 5x8-8", ["a rep range goes from low to high"]),
        ("Plank 3x0s", ["a timed set lasts from 1s to 60m"]),
        ("Plank 3x61m", ["a timed set lasts from 1s to 60m", "got 61m"]),
        ("Bench Press 5x5 @", ["expected a load after `@`", "`Bench Press 5x5 @ 100kg`"]),
        ("Bench Press 5x5 @ heavy", ["expected a load after `@`"]),
        ("Bench Press 5x5 @ 100", ["a load needs a unit"]),
        ("Bench Press 5x5 @8", ["a load needs a unit", "for effort, write `RPE 8`"]),
        ("Bench Press 5x5 @ 0kg", ["a load in kg must be more than 0 and at most 1000"]),
        ("Bench Press 5x5 @ 1000.5kg", ["at most 1000", "got 1000.5kg"]),
        ("Bench Press 5x5 @ 2201lb", ["a load in lb must be more than 0 and at most 2200"]),
        ("Bench Press 5x5 @ 0.5%", ["a percentage load goes from 1% to 150%"]),
        ("Bench Press 5x5 @ 151%", ["a percentage load goes from 1% to 150%"]),
        ("Bench Press 5x5 @ 102.125kg", ["use at most 2 decimals", "`Bench Press 5x5 @ 102.5kg`"]),
        ("Dips 3x8 @ bw+10", ["weight added to bodyweight needs a unit", "`Dips 3x8 @ bw+10kg`"]),
        ("Dips 3x8 @ bw+0kg", ["a load in kg must be more than 0"]),
        ("Bench Press 5x5 RPE", ["RPE goes from 1 to 10 in steps of 0.5"]),
        ("Bench Press 5x5 RPE 11", ["RPE goes from 1 to 10", "got `11`"]),
        ("Bench Press 5x5 RPE 0.5", ["RPE goes from 1 to 10"]),
        ("Bench Press 5x5 RPE 7.25", ["in steps of 0.5", "`Bench Press 5x5 RPE 7.5`"]),
        ("Bench Press 5x5 rest", ["expected a time after `rest`", "`Bench Press 5x5 rest 90s`"]),
        ("Bench Press 5x5 rest 90", ["expected a time after `rest`"]),
        ("Bench Press 5x5 rest 61m", ["rest lasts from 1s to 60m"]),
        ("Bench Press 5x5 rest 0s", ["rest lasts from 1s to 60m"]),
        ("Bench Press 5x5 @ 80kg @ 70kg", ["the load is given twice", "`Bench Press 5x5 @ 80kg`"]),
        ("Bench Press 5x5 RPE 8 RPE 9", ["the RPE is given twice"]),
        ("Bench Press 5x5 rest 2m rest 3m", ["rest is given twice"]),
        ("Bench Press 5x5 paused", ["unexpected `paused`"]),
        ("Bench Press 5x5 @ 80kg 3x3", ["unexpected `3x3`"]),
        ("5x5 @ 80kg", ["the exercise name is missing before `5x5`", "`Back Squat 5x5 @ 80kg`"]),
        ("Bench Press @ 80kg 5x5", ["can't contain `@`", "`Bench Press 5x5 @ 100kg`"]),
        ("💪 Curl 3x10", ["must start with a letter or a number"]),
        ("Curl `EZ` 3x10", ["can't contain backticks"]),
        ("Curl\x00 3x10", ["invisible control character"]),
        ("B" * 61 + " 3x5", ["is 61 characters long; the limit is 60"]),
    ],
)
def test_line_errors_say_what_was_wrong_and_show_a_working_line(line: str, fragments: list[str]) -> None:
    error = error_of(f"Squat 3x5\n{line}")
    assert_helpful(error, 2, *fragments)


def test_examples_reuse_the_members_own_line() -> None:
    error = error_of("A1 Bench Press 5x5 @ 80kg RPE 11")
    assert examples_in(str(error)) == ["A1 Bench Press 5x5 @ 80kg RPE 8", "A1 Bench Press 5x5 @ 80kg RPE 7.5"]


def test_long_lines_are_truncated_in_the_quote() -> None:
    error = error_of("Bench Press 5x5 " + "paused " * 30)
    quoted = str(error).split("`")[1]
    assert len(quoted) <= 60
    assert quoted.endswith("…")


def test_backticks_in_a_line_cannot_break_the_quote() -> None:
    error = error_of("Curl `EZ` 3x10")
    assert str(error).startswith("Line 1: `Curl 'EZ' 3x10` — ")


def test_superset_label_without_its_predecessor() -> None:
    error = error_of("Squat 3x5\nA2 Push-up 3x15")
    assert_helpful(error, 2, "`A2` must come on the line right after `A1`")


def test_superset_label_must_be_adjacent() -> None:
    error = error_of("A1 Pull-up 3x8\nSquat 3x5\nA2 Push-up 3x15")
    assert_helpful(error, 3, "`A2` must come on the line right after `A1`", "then `A2 Push-up 3x15`")


def test_superset_numbers_cannot_skip() -> None:
    error = error_of("A1 Pull-up 3x8\nA3 Push-up 3x15")
    assert_helpful(error, 2, "`A3` must come on the line right after `A2`")


def test_superset_label_used_twice() -> None:
    error = error_of("A1 Pull-up 3x8\nA2 Dips 3x8\nA1 Push-up 3x15")
    assert_helpful(error, 3, "superset label `A1` is already used on line 1", "`B1 Push-up 3x15`")


def test_broken_line_does_not_cause_a_false_superset_error() -> None:
    error = error_of("A1 Pull-up 3x\nA2 Push-up 3x15")
    assert error.line_no == 1
    assert error.also == ()


def test_all_problems_are_collected_in_line_order() -> None:
    error = error_of("Squat\nBench 3x5\nRow 3x\nA2 Curl 3x10")
    assert [e.line_no for e in error.errors] == [1, 3, 4]
    summary = error.summary()
    assert summary.splitlines()[0].startswith("Line 1:")
    assert len(summary.splitlines()) == 3


def test_summary_caps_the_list() -> None:
    error = error_of("\n".join(f"Squat {n}" for n in range(8)))
    assert len(error.errors) == 8
    lines = error.summary(limit=3).splitlines()
    assert len(lines) == 4
    assert lines[-1] == "…and 5 more problems."


def test_exercise_limit() -> None:
    text = "\n".join(f"Exercise {n} 3x5" for n in range(MAX_EXERCISES))
    assert len(parse_routine(text)) == MAX_EXERCISES
    error = error_of(text + "\n# extra\nOne Too Many 3x5")
    assert error.line_no == MAX_EXERCISES + 2
    assert "at most 30 exercises" in str(error)
    assert "split it into two routines" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\n", "# just a comment", "```\n```"])
def test_empty_routine(text: str) -> None:
    error = error_of(text)
    assert error.line_no is None
    assert str(error) == "The routine has no exercises; write one per line, e.g. `Back Squat 3x5 @ 100kg`."
    parse_line(examples_in(str(error))[0])


def test_nothing_is_returned_when_any_line_fails() -> None:
    with pytest.raises(RoutineNotationError):
        parse_routine("Squat 3x5\nBench 3x5\nRow 3x")


# --- parse_line -------------------------------------------------------------------


def test_parse_line_reads_one_exercise() -> None:
    assert parse_line("A2 Push-up 3x15") == ExerciseLine("Push-up", 3, Reps.count(15), superset="A2")


@pytest.mark.parametrize("text", ["", "# comment", "Squat 3x5\nBench 3x5"])
def test_parse_line_refuses_anything_but_one_exercise(text: str) -> None:
    with pytest.raises(RoutineNotationError) as caught:
        parse_line(text)
    assert examples_in(str(caught.value)) == ["Back Squat 3x5 @ 100kg"]


# --- the data model guards its invariants ---------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: ExerciseLine("", 3, Reps.count(5)),
        lambda: ExerciseLine(" Squat", 3, Reps.count(5)),
        lambda: ExerciseLine("Squat  Jump", 3, Reps.count(5)),
        lambda: ExerciseLine("A1 Row", 3, Reps.count(5)),
        lambda: ExerciseLine("1. Row", 3, Reps.count(5)),
        lambda: ExerciseLine("Row", 0, Reps.count(5)),
        lambda: ExerciseLine("Row", 3, Reps.count(5), rpe=7.3),
        lambda: ExerciseLine("Row", 3, Reps.count(5), rest_s=0),
        lambda: ExerciseLine("Row", 3, Reps.count(5), superset="AA"),
        lambda: Reps.count(0),
        lambda: Reps.range(10, 8),
        lambda: Reps.timed(3601),
        lambda: Reps("count"),
        lambda: Weight(0, "kg"),
        lambda: Weight(1.005, "kg"),
        lambda: Weight(2201, "lb"),
        lambda: PercentOfMax(151),
    ],
)
def test_invalid_values_cannot_be_built(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_unlabelled_name_like_a_label_is_fine_with_a_label() -> None:
    line = ExerciseLine("A1 Row", 3, Reps.count(5), superset="B1")
    assert parse_line(format_line(line)) == line


# --- volume -----------------------------------------------------------------------


def test_volume_of_a_weighted_line() -> None:
    assert volume_kg(only("Squat 3x5 @ 100kg")) == 1500


def test_volume_converts_pounds() -> None:
    assert volume_kg(only("Squat 3x5 @ 225lb")) == pytest.approx(15 * lb_to_kg(225))


def test_volume_of_a_range_uses_its_low_end() -> None:
    assert volume_kg(only("Row 3x8-10 @ 60kg")) == 3 * 8 * 60


def test_volume_of_bodyweight_needs_the_bodyweight() -> None:
    line = only("Dips 3x10 @ bw+10kg")
    assert volume_kg(line) is None
    assert volume_kg(line, bodyweight_kg=80) == 3 * 10 * 90
    assert volume_kg(only("Push-up 3x10 @ bw"), bodyweight_kg=70) == 2100


@pytest.mark.parametrize(
    "text", ["Squat 3xAMRAP @ 100kg", "Plank 3x45s @ 20kg", "Squat 3x5", "Bench 5x5 @ 80%"]
)
def test_volume_is_none_when_not_computable(text: str) -> None:
    assert volume_kg(only(text), bodyweight_kg=80) is None


# -- a member's default unit ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "load"),
    [
        ("Curl 3x10 @ 30", "lb", Weight(30, "lb")),
        ("Curl 3x10 @30", "kg", Weight(30, "kg")),
        ("Curl 3x10 @ 12,5", "kg", Weight(12.5, "kg")),
        ("Dip 3x8 @ bw+25", "lb", Bodyweight(Weight(25, "lb"))),
        ("Dip 3x8 bw + 10", "kg", Bodyweight(Weight(10, "kg"))),
        # A written unit always wins over the default.
        ("Curl 3x10 @ 30kg", "lb", Weight(30, "kg")),
        ("Curl 3x10 @ 80%", "lb", PercentOfMax(80)),
    ],
)
def test_a_load_without_a_unit_takes_the_default_unit(text: str, unit: str, load: object) -> None:
    line = parse_line(text, default_unit=unit)  # type: ignore[arg-type]
    assert line.load == load
    assert parse_line(format_line(line)) == line, "the canonical text names the unit"


def test_without_a_default_unit_a_bare_load_is_still_refused() -> None:
    with pytest.raises(RoutineNotationError, match="a load needs a unit"):
        parse_line("Curl 3x10 @ 30")
    with pytest.raises(RoutineNotationError, match="needs a unit"):
        parse_line("Dip 3x8 @ bw+25")


def test_a_bare_number_without_at_is_not_taken_as_a_load_it_may_be_an_rpe() -> None:
    with pytest.raises(RoutineNotationError) as caught:
        parse_line("Bench 3x5 8", default_unit="lb")
    assert "`@ 8` means 8lb" in caught.value.message and "`RPE 8`" in caught.value.message


def test_a_unitless_load_is_checked_against_the_units_limits() -> None:
    with pytest.raises(RoutineNotationError, match="at most 2200"):
        parse_line("Squat 3x5 @ 3000", default_unit="lb")
    assert parse_line("Squat 3x5 @ 2200", default_unit="lb").load == Weight(2200, "lb")


# -- error wording ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("squat three by five", "`squat 3x5`"),
        ("Bench Press five sets", "`Bench Press 3x5`"),
        ("One-arm Row three sets of ten", "`One-arm Row 3x5`"),
        ("Curl heavy", "`Curl heavy 3x5`"),
    ],
)
def test_numbers_in_words_are_left_out_of_the_example(text: str, example: str) -> None:
    with pytest.raises(RoutineNotationError) as caught:
        parse_routine(text)
    assert caught.value.message.endswith(f"e.g. {example}."), caught.value.message
    in_words = text != "Curl heavy"
    assert ("in digits" in caught.value.message) is in_words


def test_problems_can_be_numbered_as_exercises_or_not_at_all() -> None:
    with pytest.raises(RoutineNotationError) as caught:
        parse_routine("Back Squat 3x5\nBench five sets\nRow 3x")
    assert caught.value.summary().startswith("Line 2: `Bench five sets` — ")
    assert caught.value.summary(label="Exercise").splitlines()[1].startswith("Exercise 3: `Row 3x` — ")
    assert caught.value.summary(label=None).startswith("`Bench five sets` — ")


@pytest.mark.parametrize("unit", ["kg", "lb"])
def test_weight_added_to_bodyweight_keeps_its_own_unit_whatever_the_default(unit: str) -> None:
    """Found by the default-unit property: `bw + 5 lb` once failed as soon as a default unit was given."""
    line = parse_line("Dip 3x8 bw + 5 lb", default_unit=unit)  # type: ignore[arg-type]
    assert line.load == Bodyweight(extra=Weight(5.0, "lb"))
    assert parse_line("Dip 3x8 bw + 5 lb") == line
