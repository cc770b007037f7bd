"""Property tests for the interval notation and the timer timeline."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.durations import parse_duration
from bot.domain.intervals import (
    MAX_DEPTH,
    MAX_LABEL_LENGTH,
    MAX_PHASES,
    MAX_PRESET_MINUTES,
    MAX_TEXT_LENGTH,
    MAX_TOTAL_SECONDS,
    IntervalNotationError,
    Node,
    Program,
    Repeat,
    Segment,
    expand,
    format_program,
    next_change_offset,
    parse,
    phase_at,
    total_seconds,
)

SETTINGS = settings(max_examples=300, deadline=None)

# Words start with a letter so they can't be mistaken for the next phase's duration.
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüñßø"
word = st.builds(
    str.__add__, st.sampled_from(LETTERS), st.text(alphabet=LETTERS + "0123456789-'/.&+", max_size=9)
)
label = (
    st.lists(word, min_size=1, max_size=4).map(" ".join).filter(lambda text: len(text) <= MAX_LABEL_LENGTH)
)
segment = st.builds(Segment, duration_s=st.integers(1, 400), label=label)


def nodes(depth: int) -> st.SearchStrategy[Node]:
    if depth == MAX_DEPTH:
        return segment
    repeat = st.builds(
        Repeat,
        count=st.integers(1, 5),
        body=st.lists(st.deferred(lambda: nodes(depth + 1)), min_size=1, max_size=3).map(tuple),
    )
    return st.one_of(segment, repeat)


def size(node: Node) -> tuple[int, int]:
    """(seconds, phases) of a node, without expanding it."""
    if isinstance(node, Segment):
        return node.duration_s, 1
    seconds = phases = 0
    for child in node.body:
        child_seconds, child_phases = size(child)
        seconds += child_seconds
        phases += child_phases
    return node.count * seconds, node.count * phases


def within_limits(program: Program) -> bool:
    sizes = [size(node) for node in program.segments]
    return sum(s for s, _ in sizes) <= MAX_TOTAL_SECONDS and sum(p for _, p in sizes) <= MAX_PHASES


custom_programs = (
    st.lists(nodes(0), min_size=1, max_size=4)
    .map(lambda items: Program("custom", tuple(items)))
    .filter(within_limits)
)
preset_programs = st.one_of(
    st.just(parse("tabata")),
    st.builds(lambda m: parse(f"emom {m}"), st.integers(1, MAX_PRESET_MINUTES)),
    st.builds(lambda m: parse(f"amrap {m}"), st.integers(1, MAX_PRESET_MINUTES)),
    st.builds(lambda m: parse(f"fortime cap {m}"), st.integers(1, MAX_PRESET_MINUTES)),
)
programs = st.one_of(custom_programs, preset_programs)

# Text that looks like notation, so random inputs reach deep into the parser.
notation_text = st.lists(
    st.sampled_from([*"0123456789xX×smh:(), ", "tabata", "emom ", "amrap ", "fortime cap ", "rest", "work"]),
    max_size=40,
).map("".join)


@SETTINGS
@given(programs)
def test_format_then_parse_round_trips(program: Program) -> None:
    text = format_program(program)
    # Programs longer than a member may type are refused by design (tested on their own).
    assume(len(text) <= MAX_TEXT_LENGTH)
    assert parse(text) == program


@SETTINGS
@given(programs)
def test_total_is_the_sum_of_expanded_phases(program: Program) -> None:
    phases = expand(program)
    assert total_seconds(program) == sum(phase.duration_s for phase in phases)
    assert [phase.index for phase in phases] == list(range(len(phases)))
    offset = 0
    for phase in phases:
        assert phase.start_offset_s == offset
        assert 1 <= phase.round <= phase.rounds
        offset += phase.duration_s


@SETTINGS
@given(programs, st.data())
def test_phase_at_agrees_with_expand(program: Program, data: st.DataObject) -> None:
    phases = expand(program)
    total = total_seconds(program)
    elapsed = data.draw(st.floats(min_value=-5, max_value=total + 5, allow_nan=False))
    current, left = phase_at(phases, elapsed)
    if elapsed >= total:
        assert current is None
        assert left == 0.0
        assert next_change_offset(phases, elapsed) is None
        return
    assert current is not None
    clamped = max(0.0, elapsed)
    assert current.start_offset_s <= clamped < current.end_offset_s
    assert left == current.end_offset_s - clamped
    assert 0 < left <= current.duration_s
    assert next_change_offset(phases, elapsed) == current.end_offset_s
    # The phase found is the only one covering that moment.
    covering = [p for p in phases if p.start_offset_s <= clamped < p.end_offset_s]
    assert covering == [current]


@SETTINGS
@given(programs)
def test_phase_at_each_start_is_that_phase(program: Program) -> None:
    phases = expand(program)
    for phase in phases[:50]:
        assert phase_at(phases, phase.start_offset_s) == (phase, float(phase.duration_s))


def check_outcome(text: str) -> None:
    """Either a program within every limit, or an IntervalNotationError with a usable example."""
    try:
        program = parse(text)
    except IntervalNotationError as error:
        assert 1 <= error.position <= len(text) + 1
        assert str(error).startswith(f"At position {error.position}")
        example = re.search(r"e\.g\. `([^`]+)`", error.message)
        assert example is not None, error.message
        parse(example.group(1))
        return
    assert 1 <= total_seconds(program) <= MAX_TOTAL_SECONDS
    assert 1 <= len(expand(program)) <= MAX_PHASES
    assert parse(format_program(program)) == program


@SETTINGS
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_notation_errors(text: str) -> None:
    check_outcome(text)


@SETTINGS
@given(notation_text)
def test_notation_like_text_only_raises_notation_errors(text: str) -> None:
    check_outcome(text)


@SETTINGS
@given(programs, st.integers(min_value=0), st.text(alphabet=",()x0123456789s ", min_size=1, max_size=3))
def test_corrupted_programs_fail_cleanly(program: Program, where: int, noise: str) -> None:
    text = format_program(program)
    cut = where % (len(text) + 1)
    check_outcome(text[:cut] + noise + text[cut:])


@SETTINGS
@given(st.integers(1, 24 * 3600))
def test_duration_notation_round_trips(seconds: int) -> None:
    program = Program("custom", (Segment(min(seconds, MAX_TOTAL_SECONDS), "work"),))
    assert parse(format_program(program)) == program
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    assert parse_duration(clock) == seconds


@SETTINGS
@given(custom_programs)
def test_whitespace_between_tokens_does_not_matter(program: Program) -> None:
    spaced = format_program(program).replace("(", " ( ").replace(",", " , ").replace(")", " ) ")
    assume(len(spaced) <= 300)
    assert parse(spaced) == program
