"""Interval notation: presets, explicit and nested programs, errors, limits and timeline math."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.domain.durations import parse_duration
from bot.domain.intervals import (
    EXAMPLE_NESTED,
    EXAMPLE_REPEAT,
    EXAMPLE_SEQUENCE,
    MAX_PHASES,
    MAX_TOTAL_SECONDS,
    PRESETS,
    IntervalNotationError,
    Phase,
    Program,
    Repeat,
    Segment,
    describe,
    expand,
    format_program,
    next_change_offset,
    parse,
    phase_at,
    phase_kind,
    total_seconds,
)


def first_example(message: str) -> str:
    """The first backticked example after `e.g.` in an error message."""
    match = re.search(r"e\.g\. `([^`]+)`", message)
    assert match, f"no example in {message!r}"
    return match.group(1)


def shape(phases: list[Phase]) -> list[tuple[str, str, int, int, int]]:
    return [(p.label, p.kind, p.duration_s, p.round, p.rounds) for p in phases]


# --- presets -----------------------------------------------------------------------------


def test_tabata_is_eight_rounds_of_20_on_10_off() -> None:
    program = parse("tabata")
    assert program.kind == "tabata"
    assert program.minutes is None
    assert program.segments == (Repeat(8, (Segment(20, "work"), Segment(10, "rest"))),)
    phases = expand(program)
    assert len(phases) == 16
    assert [p.kind for p in phases] == ["work", "rest"] * 8
    assert [p.round for p in phases] == [n for n in range(1, 9) for _ in range(2)]
    assert {p.rounds for p in phases} == {8}
    assert total_seconds(program) == 240
    assert phases[-1].end_offset_s == 240


def test_emom_is_one_round_per_minute() -> None:
    program = parse("emom 10")
    assert (program.kind, program.minutes) == ("emom", 10)
    phases = expand(program)
    assert shape(phases) == [("work", "work", 60, n, 10) for n in range(1, 11)]
    assert [p.start_offset_s for p in phases] == [60 * n for n in range(10)]
    assert total_seconds(program) == 600


def test_amrap_is_one_long_work_phase() -> None:
    program = parse("amrap 12")
    assert (program.kind, program.minutes) == ("amrap", 12)
    assert shape(expand(program)) == [("AMRAP", "work", 720, 1, 1)]
    assert program.cap_s is None


def test_fortime_is_one_phase_as_long_as_the_cap() -> None:
    program = parse("fortime cap 20")
    assert (program.kind, program.minutes, program.cap_s) == ("fortime", 20, 1200)
    assert shape(expand(program)) == [("for time", "work", 1200, 1, 1)]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Tabata", "tabata"),
        ("  TABATA  ", "tabata"),
        ("EMOM 10", "emom 10"),
        ("emom10", "emom 10"),
        ("emom 10 min", "emom 10"),
        ("emom 10m", "emom 10"),
        ("amrap 12 minutes", "amrap 12"),
        ("for time cap 20", "fortime cap 20"),
        ("fortime 20", "fortime cap 20"),
        ("For Time 20 min", "fortime cap 20"),
    ],
)
def test_preset_spellings(text: str, canonical: str) -> None:
    assert format_program(parse(text)) == canonical
    assert parse(text) == parse(canonical)


def test_presets_list_is_runnable_and_accurate() -> None:
    names = [preset.notation for preset in PRESETS]
    assert names == ["tabata", "emom 10", "amrap 12", "fortime cap 20", "5x(40s on, 20s off)"]
    for preset in PRESETS:
        program = parse(preset.notation)
        assert preset.total_s == total_seconds(program)
        assert preset.structure in describe(program)
    tabata = PRESETS[0]
    assert (tabata.structure, tabata.total_text) == ("8 rounds of 20 s work / 10 s rest", "4:00")
    assert PRESETS[-1].structure == "5 rounds of 40 s on / 20 s off"
    assert PRESETS[-1].total_text == "5:00"


# --- explicit, nested and sequences --------------------------------------------------------


def test_explicit_repeat_matches_tabata_but_stays_custom() -> None:
    program = parse("8x(20s work, 10s rest)")
    assert program.kind == "custom"
    assert program.segments == parse("tabata").segments
    assert program != parse("tabata")


def test_on_off_labels_are_work_and_rest() -> None:
    phases = expand(parse("5x(40s on, 20s off)"))
    assert shape(phases[:2]) == [("on", "work", 40, 1, 5), ("off", "rest", 20, 1, 5)]
    assert len(phases) == 10
    assert phases[-1].round == 5


def test_three_phase_rounds_keep_their_labels() -> None:
    phases = expand(parse("3x(30s squat, 30s push-up, 60s rest)"))
    assert [p.label for p in phases[:3]] == ["squat", "push-up", "rest"]
    assert [p.kind for p in phases[:3]] == ["work", "work", "rest"]
    assert [p.round for p in phases] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert [p.index for p in phases] == list(range(9))


def test_nested_rounds_count_the_top_level_block() -> None:
    program = parse("2x(3x(20s work, 10s rest), 60s rest)")
    assert program.segments == (
        Repeat(2, (Repeat(3, (Segment(20, "work"), Segment(10, "rest"))), Segment(60, "rest"))),
    )
    phases = expand(program)
    assert len(phases) == 14
    assert [p.round for p in phases] == [1] * 7 + [2] * 7
    assert phases[6] == Phase(6, "rest", "rest", 60, 1, 2, 90)
    assert total_seconds(program) == 300


def test_sequence_with_embedded_preset() -> None:
    program = parse("60s warmup, tabata, 120s cooldown")
    assert program.kind == "custom"
    assert program.segments == (
        Segment(60, "warmup"),
        Repeat(8, (Segment(20, "work"), Segment(10, "rest"))),
        Segment(120, "cooldown"),
    )
    phases = expand(program)
    assert shape([phases[0], phases[1], phases[-1]]) == [
        ("warmup", "work", 60, 1, 1),
        ("work", "work", 20, 1, 8),
        ("cooldown", "rest", 120, 1, 1),
    ]
    assert phases[1].start_offset_s == 60
    assert total_seconds(program) == 420


def test_every_preset_can_be_embedded() -> None:
    program = parse("emom 2, amrap 3, fortime cap 4, 2x(tabata)")
    assert program.segments == (
        Repeat(2, (Segment(60, "work"),)),
        Segment(180, "AMRAP"),
        Segment(240, "for time"),
        Repeat(2, (Repeat(8, (Segment(20, "work"), Segment(10, "rest"))),)),
    )


def test_whitespace_case_and_times_sign_are_forgiven() -> None:
    assert parse("8 X ( 20s  Work ,10s rest )") == Program(
        "custom", (Repeat(8, (Segment(20, "Work"), Segment(10, "rest"))),)
    )
    assert parse("8×(20s work, 10s rest)") == parse("8x(20s work, 10s rest)")


def test_missing_label_means_work() -> None:
    assert parse("45s").segments == (Segment(45, "work"),)
    assert parse("3x(20s, 10s rest)").segments[0] == Repeat(3, (Segment(20, "work"), Segment(10, "rest")))


def test_labels_may_hold_numbers_and_punctuation() -> None:
    program = parse("60s 10 burpees, 40s kb swing 24kg, 30s push-up/plank, 20s farmer's walk, 1m 200 m row")
    assert [s.label for s in program.segments if isinstance(s, Segment)] == [
        "10 burpees",
        "kb swing 24kg",
        "push-up/plank",
        "farmer's walk",
        "200 m row",
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20s", 20),
        ("1m", 60),
        ("1m30s", 90),
        ("1m 30s", 90),
        ("90s", 90),
        ("2:30", 150),
        ("0:45", 45),
        ("1:02:03", 3723),
        ("20sec", 20),
        ("20secs", 20),
        ("2min", 120),
        ("2mins", 120),
        ("1h", 3600),
        ("1H30M", 5400),
        ("1hr5s", 3605),
        ("1h 5m 30s", 3930),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse(f"{text} squat").segments == (Segment(seconds, "squat"),)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("rest", "rest"),
        ("Rest", "rest"),
        ("off", "rest"),
        ("recover", "rest"),
        ("recovery", "rest"),
        ("break", "rest"),
        ("cooldown", "rest"),
        ("cool down", "rest"),
        ("active rest", "rest"),
        ("work", "work"),
        ("on", "work"),
        ("squat", "work"),
        ("warmup", "work"),
        ("rest-pause squat", "work"),
    ],
)
def test_phase_kind_from_label(label: str, kind: str) -> None:
    assert phase_kind(label) == kind
    assert Segment(10, label).kind == kind


# --- canonical text and descriptions ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("tabata", "tabata"),
        ("8x(20s work, 10s rest)", "8x(20s work, 10s rest)"),
        ("2x(3x(20s work,10s rest),60s rest)", "2x(3x(20s work, 10s rest), 1m rest)"),
        ("90s a, 2:30 b, 1:02:03 c", "1m30s a, 2m30s b, 1h2m3s c"),
        ("60s warmup, tabata", "1m warmup, 8x(20s work, 10s rest)"),
        ("20s", "20s work"),
    ],
)
def test_format_program_is_canonical_and_round_trips(text: str, canonical: str) -> None:
    program = parse(text)
    assert format_program(program) == canonical
    assert parse(canonical) == program


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("tabata", "Tabata: 8 rounds of 20 s work / 10 s rest — 4:00 total"),
        ("8x(20s work, 10s rest)", "8 rounds of 20 s work / 10 s rest — 4:00 total"),
        ("emom 10", "EMOM: a new round at the start of every minute for 10 minutes — 10:00 total"),
        ("emom 1", "EMOM: a new round at the start of every minute for 1 minute — 1:00 total"),
        ("amrap 12", "AMRAP: as many rounds as possible in 12 minutes — 12:00 total"),
        ("fortime cap 20", "For time: finish as fast as you can, capped at 20 minutes — 20:00 cap"),
        (
            "2x(3x(20s work, 10s rest), 60s rest)",
            "2 rounds of (3 rounds of 20 s work / 10 s rest) / 1 min rest — 5:00 total",
        ),
        (
            "60s warmup, 1x(90s bike), 1h cooldown",
            "1 min warmup, then 1 round of 1 min 30 s bike, then 1 h cooldown — 1:02:30 total",
        ),
    ],
)
def test_describe(text: str, description: str) -> None:
    assert describe(parse(text)) == description


def test_titles() -> None:
    titles = [parse(t).title for t in ("tabata", "emom 10", "amrap 12", "fortime cap 20", "20s")]
    assert titles == ["Tabata", "EMOM 10", "AMRAP 12", "For time (cap 20)", "Intervals"]


# --- errors -----------------------------------------------------------------------------


def test_missing_comma_message_names_position_and_suggests_the_fix() -> None:
    with pytest.raises(IntervalNotationError) as caught:
        parse("8x(20s work 10s rest)")
    error = caught.value
    assert error.position == 13
    assert error.text == "8x(20s work 10s rest)"
    assert str(error) == (
        "At position 13 in `8x(20s work 10s rest)`: expected `,` or `)` after `work`, "
        "e.g. `8x(20s work, 10s rest)`."
    )


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 1, "expected a program"),
        ("   ", 4, "expected a program"),
        ("20s work 10s rest", 10, "expected `,` after `work`"),
        ("20s 10s rest", 5, "expected `,` after `20s`"),
        ("8x(20s work) 10s rest", 14, "expected `,` after `work)`"),
        ("tabata 10", 8, "expected `,` after `tabata`"),
        ("2x(30s squat 3x(10s a))", 14, "expected `,` or `)` after `squat`"),
        ("8x(20s work, 10s rest", 22, "expected `)` to close the `(` at position 3"),
        ("8x(20s work, 10s rest))", 23, "has no matching `(`"),
        ("8x20s work", 3, "expected `(` after `8x`"),
        ("(20s work)", 1, "needs a repeat count"),
        ("8x()", 4, "expected a phase"),
        ("20s work,", 10, "before the end of the program"),
        ("20s work,, 10s rest", 10, "before the `,`"),
        ("0x(20s work)", 1, "from 1 to 100 (not 0)"),
        ("101x(1s work)", 1, "from 1 to 100 (not 101)"),
        ("30 squat", 3, "expected a unit right after `30`"),
        ("20 sec work", 3, "expected a unit right after `20`"),
        ("20swork", 3, "expected a unit right after `20`"),
        ("20s, 0s rest", 6, "at least 1 second"),
        ("30s1m", 4, "largest first"),
        ("1m1m", 3, "largest first"),
        ("18:75 run", 1, "clock time"),
        ("2:3 run", 1, "clock time"),
        ("1:60:00 run", 1, "clock time"),
        ("1:02:03:04 run", 1, "clock time"),
        ("20s.work", 4, "expected a space"),
        ("20s work #1", 10, "not `#`"),
        ("20s work (hard)", 10, "can't contain `(`"),
        ("work 20s", 1, "`work` isn't a preset"),
        ("squats", 1, "e.g. `20s squats`"),
        ("emom", 5, "number of minutes after `emom`"),
        ("emom ten", 6, "number of minutes after `emom`"),
        ("emom 0", 6, "1 to 180 minutes (not 0)"),
        ("amrap 181", 7, "1 to 180 minutes (not 181)"),
        ("emom 10s", 6, "takes whole minutes"),
        ("fortime", 8, "minutes after `fortime cap`"),
        ("for 20", 5, "expected `time` after `for`"),
        ("!", 1, "can't start a phase"),
        ("8x(60s run 200m row)", 12, "write distances with a space"),
    ],
)
def test_error_positions_and_messages(text: str, position: int, fragment: str) -> None:
    with pytest.raises(IntervalNotationError) as caught:
        parse(text)
    error = caught.value
    assert error.position == position, str(error)
    assert fragment in error.message, str(error)
    assert str(error).startswith(f"At position {position}")
    # Every error offers an example that actually parses.
    parse(first_example(error.message))


def test_suggested_fix_is_used_only_when_it_parses() -> None:
    with pytest.raises(IntervalNotationError) as fixed:
        parse("3x(30s squat 30s push-up, 60s rest)")
    assert first_example(fixed.value.message) == "3x(30s squat, 30s push-up, 60s rest)"
    with pytest.raises(IntervalNotationError) as unfixable:
        parse("3x(30s squat 30s push-up 60s rest)")
    assert first_example(unfixable.value.message) == EXAMPLE_REPEAT


def test_error_text_is_quoted_safely() -> None:
    with pytest.raises(IntervalNotationError) as caught:
        parse("20s `work`\nplus")
    rendered = str(caught.value)
    assert rendered.startswith("At position 5 in `20s 'work' plus`:")


def test_error_without_text_still_names_position() -> None:
    error = IntervalNotationError(4, "expected a duration, e.g. `20s`.")
    assert str(error) == "At position 4: expected a duration, e.g. `20s`."
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("example", [EXAMPLE_REPEAT, EXAMPLE_NESTED, EXAMPLE_SEQUENCE])
def test_message_examples_parse(example: str) -> None:
    parse(example)


# --- limits -----------------------------------------------------------------------------


def test_three_hours_is_allowed_and_one_second_more_is_not() -> None:
    assert total_seconds(parse("emom 180")) == MAX_TOTAL_SECONDS
    assert total_seconds(parse("2h work, 59m rest, 60s cooldown")) == MAX_TOTAL_SECONDS
    with pytest.raises(IntervalNotationError) as caught:
        parse("2h work, 59m rest, 61s cooldown")
    assert caught.value.position == 20
    assert "longer than 3 hours" in caught.value.message


def test_duration_limit_points_at_the_repeat_that_exceeds_it() -> None:
    with pytest.raises(IntervalNotationError) as caught:
        parse("60s warmup, 100x(100x(2s a))")
    # 100 × 2 s is fine; the outer 100x makes 20,000 s.
    assert caught.value.position == 13
    with pytest.raises(IntervalNotationError):
        parse("tabata, emom 180")


def test_phase_count_limit() -> None:
    assert len(expand(parse("10x(100x(1s a))"))) == MAX_PHASES
    with pytest.raises(IntervalNotationError) as caught:
        parse("10x(100x(1s a)), 1s b")
    assert caught.value.position == 18
    assert "1,000 phases" in caught.value.message


def test_nesting_depth_limit() -> None:
    four = parse("2x(2x(2x(2x(1s a))))")
    assert total_seconds(four) == 16
    with pytest.raises(IntervalNotationError) as caught:
        parse("2x(2x(2x(2x(2x(1s a)))))")
    assert caught.value.position == 13
    assert "4 deep" in caught.value.message
    parse("2x(2x(2x(tabata)))")
    with pytest.raises(IntervalNotationError) as embedded:
        parse("2x(2x(2x(2x(tabata))))")
    assert embedded.value.position == 13


def test_repeat_count_limits() -> None:
    assert len(expand(parse("100x(1s a)"))) == 100
    assert len(expand(parse("1x(1s a)"))) == 1


def test_text_length_limit() -> None:
    label = "a" * 35
    items = ", ".join([f"10s {label}"] * 7)  # 7 × 39 + 6 × 2 = 285 characters
    padded = items + " " * (300 - len(items))
    assert len(parse(padded).segments) == 7
    with pytest.raises(IntervalNotationError) as caught:
        parse(padded + " ")
    assert caught.value.position == 301
    assert "at most 300 characters (this one has 301)" in caught.value.message
    assert len(str(caught.value)) < 300


def test_label_length_limit() -> None:
    assert parse("10s " + "a" * 40).segments == (Segment(10, "a" * 40),)
    with pytest.raises(IntervalNotationError) as caught:
        parse("10s " + "a" * 41)
    assert caught.value.position == 5
    assert "at most 40 characters" in caught.value.message


# --- timeline ---------------------------------------------------------------------------


def test_phase_at_boundaries() -> None:
    phases = expand(parse("tabata"))
    first, left = phase_at(phases, 0)
    assert first is phases[0]
    assert left == 20
    current, left = phase_at(phases, 19.75)
    assert current is phases[0]
    assert left == pytest.approx(0.25)
    # At exactly the end of a phase the next one is running, with its full length left.
    current, left = phase_at(phases, 20)
    assert current is phases[1]
    assert left == 10
    current, left = phase_at(phases, 239.5)
    assert current is phases[15]
    assert left == pytest.approx(0.5)
    assert phase_at(phases, 240) == (None, 0.0)
    assert phase_at(phases, 10_000) == (None, 0.0)


def test_phase_at_before_start_and_on_empty_timeline() -> None:
    phases = expand(parse("5x(40s on, 20s off)"))
    current, left = phase_at(phases, -3)
    assert current is phases[0]
    assert left == 40
    assert phase_at([], 5) == (None, 0.0)
    assert next_change_offset([], 5) is None


def test_next_change_offset_is_the_running_phase_end() -> None:
    phases = expand(parse("60s warmup, 2x(20s work, 10s rest)"))
    assert next_change_offset(phases, 0) == 60.0
    assert next_change_offset(phases, 59.9) == 60.0
    assert next_change_offset(phases, 60) == 80.0
    assert next_change_offset(phases, 95) == 110.0
    assert next_change_offset(phases, 119.99) == 120.0
    assert next_change_offset(phases, 120) is None


def test_expand_offsets_are_contiguous() -> None:
    phases = expand(parse("60s warmup, tabata, emom 3, 2:00 cooldown"))
    assert phases[0].start_offset_s == 0
    for earlier, later in itertools.pairwise(phases):
        assert later.start_offset_s == earlier.end_offset_s
    assert phases[-1].end_offset_s == total_seconds(parse("60s warmup, tabata, emom 3, 2:00 cooldown"))
    emom = [p for p in phases if p.rounds == 3]
    assert [(p.round, p.duration_s) for p in emom] == [(1, 60), (2, 60), (3, 60)]
