"""Properties of the routine notation: round trip, fixed point, and no crash on any text."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.routines import (
    MAX_DURATION_S,
    MAX_EXERCISES,
    MAX_NAME_LENGTH,
    MAX_REPS,
    MAX_SETS,
    Bodyweight,
    ExerciseLine,
    Load,
    PercentOfMax,
    Reps,
    RoutineNotationError,
    Weight,
    format_line,
    format_load,
    format_routine,
    parse_line,
    parse_routine,
)

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)

# Words that look like notation, to make sure names containing them survive.
TRICKY_WORDS = [
    "3x5", "2x", "x", "X", "×", "5", "8-10", "AMRAP", "max", "45s", "2m", "1:30",
    "kg", "100kg", "lb", "%", "80%", "bw", "bw+10kg", "RPE", "rpe8", "8", "rest",
    "-", "*", "#", "1.", "2)", "A1", "b2", ",", ";", ":", "(Paused)", "EZ-bar",
]  # fmt: skip

NAME_START = st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"])
NAME_CHAR = st.characters(
    categories=["L", "M", "N", "P", "S"],
    exclude_characters="`@",
)
FREE_WORD = st.text(NAME_CHAR, min_size=1, max_size=8)
FIRST_WORD = st.builds(lambda head, tail: head + tail, NAME_START, st.text(NAME_CHAR, max_size=7))
NAMES = st.builds(
    lambda first, rest: " ".join([first, *rest])[:MAX_NAME_LENGTH].rstrip(),
    st.one_of(FIRST_WORD, st.sampled_from(["Back Squat", "Pull-up", "21s", "A1", "Row"])),
    st.lists(st.one_of(FREE_WORD, st.sampled_from(TRICKY_WORDS)), max_size=6),
)
# Whole routines draw names from words only: generating 30 arbitrary Unicode names
# per example is slow, and names are already explored line by line with NAMES.
WORD_NAMES = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from(["Back Squat", "Pull-up", "21s", "A1", "Row", "Ring Dip", "Élévation"]),
    st.lists(st.sampled_from(TRICKY_WORDS), max_size=3),
)


def hundredths(low: int, high: int) -> st.SearchStrategy[float]:
    return st.integers(low, high).map(lambda n: n / 100)


WEIGHTS = st.one_of(
    st.builds(Weight, hundredths(1, 100_000), st.just("kg")),
    st.builds(Weight, hundredths(1, 220_000), st.just("lb")),
)
LOADS: st.SearchStrategy[Load] = st.one_of(
    WEIGHTS,
    st.builds(PercentOfMax, hundredths(100, 15_000)),
    st.builds(Bodyweight, st.none() | WEIGHTS),
)
REPS = st.one_of(
    st.integers(1, MAX_REPS).map(Reps.count),
    st.tuples(st.integers(1, MAX_REPS), st.integers(1, MAX_REPS))
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: Reps.range(min(pair), max(pair))),
    st.just(Reps.amrap()),
    st.integers(1, MAX_DURATION_S).map(Reps.timed),
)


@st.composite
def exercise_lines(
    draw: st.DrawFn, superset: str | None = None, names: st.SearchStrategy[str] = NAMES
) -> ExerciseLine:
    sets = draw(st.integers(1, MAX_SETS))
    reps = draw(REPS)
    load = draw(st.none() | LOADS)
    rpe = draw(st.none() | st.integers(2, 20).map(lambda n: n / 2))
    rest_s = draw(st.none() | st.integers(1, MAX_DURATION_S))

    def build(name: str) -> ExerciseLine:
        return ExerciseLine(name, sets, reps, load, rpe, rest_s, superset)

    try:
        return build(draw(names))
    except ValueError:
        # An unlabelled name that reads as a label, or one cut to end oddly:
        # not a line anyone could write, so use a plain name instead.
        return build("Exercise")


@st.composite
def routines(draw: st.DrawFn) -> list[ExerciseLine]:
    """Valid routines: plain lines mixed with superset groups A1…, B1…, in order."""
    total = draw(st.integers(1, MAX_EXERCISES))
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    lines: list[ExerciseLine] = []
    while len(lines) < total:
        size = draw(st.integers(0, min(4, total - len(lines))))
        letter = next(letters, None) if size else None
        if letter is None:
            lines.append(draw(exercise_lines(names=WORD_NAMES)))
            continue
        lines.extend(draw(exercise_lines(f"{letter}{n}", WORD_NAMES)) for n in range(1, size + 1))
    return lines


# Text that is mostly notation, so the error paths get exercised, not just "no sets×reps".
SOUP_WORDS = [
    *TRICKY_WORDS, "Squat", "Bench Press", "a3.", "```", "0x5", "21x5", "3x0", "3x10-8",
    "@", "@ 100kg", "@8", "225 lbs", "bw+", "bw + 5 lb", "rpe 7.25", "RPE 11", "rest 90s",
    "rest 61m", "1m30s", "102.555kg", "0kg", "•", "3 x 5", "3X8-10", "3xamrap", "",
]  # fmt: skip
SOUP_LINE = st.lists(st.one_of(st.sampled_from(SOUP_WORDS), st.text(max_size=4)), max_size=8).map(" ".join)
SOUP = st.lists(SOUP_LINE, min_size=1, max_size=6).map("\n".join)


def check_error(error: RoutineNotationError, text: str) -> None:
    """Every problem names its line, quotes it and offers examples that parse."""
    lines = re.split(r"\r\n|\r|\n", text)
    for problem in error.errors:
        message = str(problem)
        if problem.line_no is None:
            assert message.startswith("The routine has no exercises")
        else:
            assert 1 <= problem.line_no <= len(lines)
            assert problem.line == lines[problem.line_no - 1].strip()
            assert message.startswith(f"Line {problem.line_no}: `")
        if "at most 30 exercises" in message:
            continue
        _, _, tail = message.partition("e.g.")
        examples = re.findall(r"`([^`]+)`", tail)
        assert examples, message
        for example in examples:
            parse_line(example)


@PROPERTY_SETTINGS
@given(routines())
def test_formatted_routines_parse_back_to_the_same_lines(lines: list[ExerciseLine]) -> None:
    assert parse_routine(format_routine(lines)) == lines


@PROPERTY_SETTINGS
@given(exercise_lines())
def test_each_formatted_line_parses_on_its_own(line: ExerciseLine) -> None:
    assert parse_line(format_line(line)) == line


@PROPERTY_SETTINGS
@given(st.text())
def test_arbitrary_text_parses_or_raises_a_notation_error(text: str) -> None:
    try:
        parse_routine(text)
    except RoutineNotationError as error:
        check_error(error, text)


@PROPERTY_SETTINGS
@given(SOUP)
def test_notation_like_text_parses_or_explains_itself(text: str) -> None:
    try:
        parse_routine(text)
    except RoutineNotationError as error:
        check_error(error, text)


@PROPERTY_SETTINGS
@given(st.one_of(SOUP, st.text()))
def test_format_is_a_fixed_point(text: str) -> None:
    try:
        once = format_routine(parse_routine(text))
    except RoutineNotationError:
        return
    assert format_routine(parse_routine(once)) == once
    assert parse_routine(once) == parse_routine(text)


@PROPERTY_SETTINGS
@given(st.lists(exercise_lines(names=WORD_NAMES), min_size=1, max_size=5), st.data())
def test_variant_spellings_parse_like_the_canonical_line(
    lines: list[ExerciseLine], data: st.DataObject
) -> None:
    """Decorating canonical text the way members paste it changes nothing."""
    decorated = []
    for line in lines:
        text = format_line(line)
        # Respell the sets×reps token itself, not a look-alike inside the exercise name.
        at = text.index(f" {line.sets}x", text.index(line.name) + len(line.name))
        cross = data.draw(st.sampled_from(["x", " x ", "X", "×"]))
        text = f"{text[:at]} {line.sets}{cross}{text[at + len(f' {line.sets}x') :]}"
        bullet = data.draw(st.sampled_from(["", "- ", "* ", "• ", "1. "]))
        decorated.append(bullet + data.draw(st.sampled_from(["", "  ", "\t"])) + text)
        decorated.append(data.draw(st.sampled_from(["", "# note", "   "])))
    assert parse_routine("\n".join(decorated)) == lines


@PROPERTY_SETTINGS
@given(st.one_of(SOUP, st.text()), st.sampled_from(["kg", "lb"]))
def test_a_default_unit_only_fills_in_missing_units(text: str, unit: str) -> None:
    """Text that parses without a default parses the same with one; with one, the result
    still round-trips through the canonical text, which always names its units."""
    try:
        with_default = parse_routine(text, default_unit=unit)  # type: ignore[arg-type]
    except RoutineNotationError:
        with_default = None
    try:
        without = parse_routine(text)
    except RoutineNotationError:
        without = None
    if without is not None:
        assert with_default == without
    if with_default is not None:
        assert parse_routine(format_routine(with_default)) == with_default


@PROPERTY_SETTINGS
@given(exercise_lines(), WEIGHTS)
def test_a_weight_in_the_default_unit_reads_the_same_with_its_unit_left_out(
    line: ExerciseLine, weight: Weight
) -> None:
    line = dataclasses.replace(line, load=weight)
    written = format_load(weight)
    unitless = format_line(line).replace(f"@ {written}", f"@ {written.removesuffix(weight.unit)}")
    assert parse_line(unitless, default_unit=weight.unit) == line
