"""Interval programs: the notation members type, its canonical form, and the timer's timeline.

Members write programs in a chat box, so the notation is forgiving where it can be
(`1m30s`, `90s` and `1:30` all mean the same thing, `×` works like `x`) and exact where a
guess could run the wrong workout: a missing comma between two phases is an error, not a
long label. Every error carries the 1-based position of the problem and an example that
parses, because it is shown to the member as-is.

The timer never ticks per second; it only needs to know which phase is running at a
given elapsed time and when the next change happens. Those helpers take the elapsed
time as a parameter so the caller owns the clock (and pausing, by shifting its start).

Grammar (case-insensitive, whitespace between tokens is free)::

    program   := sequence
    sequence  := item ("," item)*
    item      := repeat | segment | preset
    repeat    := COUNT ("x" | "×") "(" sequence ")"
    segment   := DURATION [label]
    preset    := "tabata" | "emom" MINUTES | "amrap" MINUTES | "fortime" ["cap"] MINUTES

A program that is a single preset keeps the preset's kind (its scoring depends on it);
presets inside a longer sequence are expanded to their explicit structure and the
program becomes `custom`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from bot.domain.durations import (
    MINUTE_WORDS,
    UNIT_WORDS,
    DurationError,
    describe_duration,
    format_clock,
    format_duration,
    read_duration,
)
from bot.domain.text import code_safe

__all__ = [
    "MAX_DEPTH",
    "MAX_LABEL_LENGTH",
    "MAX_PHASES",
    "MAX_PRESET_MINUTES",
    "MAX_REPEAT",
    "MAX_TEXT_LENGTH",
    "MAX_TOTAL_SECONDS",
    "PRESETS",
    "IntervalNotationError",
    "Node",
    "Phase",
    "PhaseKind",
    "PresetInfo",
    "Program",
    "ProgramKind",
    "Repeat",
    "Segment",
    "describe",
    "expand",
    "format_program",
    "next_change_offset",
    "parse",
    "phase_at",
    "phase_kind",
    "total_seconds",
]

ProgramKind = Literal["tabata", "emom", "amrap", "fortime", "custom"]
PhaseKind = Literal["work", "rest"]

MAX_TEXT_LENGTH: Final = 300
MAX_TOTAL_SECONDS: Final = 3 * 60 * 60
MAX_REPEAT: Final = 100
MAX_DEPTH: Final = 4
MAX_PHASES: Final = 1000
MAX_LABEL_LENGTH: Final = 40
MAX_PRESET_MINUTES: Final = 180

DEFAULT_LABEL: Final = "work"
AMRAP_LABEL: Final = "AMRAP"
FORTIME_LABEL: Final = "for time"

# A label containing any of these words marks a rest phase; everything else is work.
REST_WORDS: Final = frozenset({"rest", "off", "recover", "recovery", "break", "cooldown", "cool-down"})

# Examples quoted in error messages; the tests check that each one parses.
EXAMPLE_REPEAT: Final = "8x(20s work, 10s rest)"
EXAMPLE_NESTED: Final = "2x(3x(20s work, 10s rest), 60s rest)"
EXAMPLE_SEQUENCE: Final = "60s warmup, tabata, 120s cooldown"

_LABEL_PUNCTUATION: Final = frozenset("-'’/.&+")

_NUMBER_RE: Final = re.compile(r"[0-9]+")
_REPEAT_RE: Final = re.compile(r"([0-9]+)\s*[x×]", re.IGNORECASE)
_WORD_RE: Final = re.compile(r"[^\W\d_]+")
_MINUTES_UNIT_RE: Final = re.compile(rf"\s*(?:{MINUTE_WORDS})(?![^\W\d_])", re.IGNORECASE)
# A word inside a label that is really the next phase's duration or repeat: a comma is missing.
_DURATION_WORD_RE: Final = re.compile(rf"(?:[0-9]+(?:{UNIT_WORDS}))+|[0-9]+:[0-9:]*", re.IGNORECASE)
_REPEAT_WORD_RE: Final = re.compile(r"[0-9]+[x×]", re.IGNORECASE)


class IntervalNotationError(ValueError):
    """A program that cannot be run, with where and why, worded for the member who typed it.

    `position` is 1-based so it matches what a person counts; `message` says what was
    expected and ends with an example that parses.
    """

    def __init__(self, position: int, message: str, text: str = "") -> None:
        self.position = position
        self.message = message
        self.text = text
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.text:
            return f"At position {self.position}: {self.message}"
        return f"At position {self.position} in `{code_safe(self.text, 100, columns=True)}`: {self.message}"


@dataclass(frozen=True)
class Segment:
    """One timed phase as written: a duration and a free-text label."""

    duration_s: int
    label: str = DEFAULT_LABEL

    @property
    def kind(self) -> PhaseKind:
        return phase_kind(self.label)


@dataclass(frozen=True)
class Repeat:
    """A block repeated `count` times; its body may hold further repeats."""

    count: int
    body: tuple[Node, ...]


Node: TypeAlias = Segment | Repeat


@dataclass(frozen=True)
class Program:
    """A parsed interval program.

    `kind` decides the default challenge scoring, so a lone preset keeps its name rather
    than being flattened into `custom`. `minutes` is the EMOM/AMRAP length or the
    for-time cap, and None otherwise. `segments` is the full structure for every kind,
    so the timer never needs to special-case presets.
    """

    kind: ProgramKind
    segments: tuple[Node, ...]
    minutes: int | None = None

    @property
    def cap_s(self) -> int | None:
        """The for-time cap in seconds, which bounds a logged time; None for other kinds."""
        if self.kind == "fortime" and self.minutes is not None:
            return self.minutes * 60
        return None

    @property
    def title(self) -> str:
        """A short name for headings: `Tabata`, `EMOM 10`, `AMRAP 12`, `For time (cap 20)`, `Intervals`."""
        if self.kind == "tabata":
            return "Tabata"
        if self.kind == "emom":
            return f"EMOM {self.minutes}"
        if self.kind == "amrap":
            return f"AMRAP {self.minutes}"
        if self.kind == "fortime":
            return f"For time (cap {self.minutes})"
        return "Intervals"


@dataclass(frozen=True)
class Phase:
    """One phase of the expanded timeline.

    `index` is the 0-based position in the list. `round`/`rounds` count repetitions of the
    top-level block the phase belongs to (for an EMOM: minute n of N); a phase outside
    any repeat is round 1 of 1, which a display can leave out.
    """

    index: int
    label: str
    kind: PhaseKind
    duration_s: int
    round: int
    rounds: int
    start_offset_s: int

    @property
    def end_offset_s(self) -> int:
        return self.start_offset_s + self.duration_s


@dataclass(frozen=True)
class PresetInfo:
    """One line of `/interval presets`: what to type, what it does and how long it takes."""

    name: str
    notation: str
    structure: str
    total_s: int

    @property
    def total_text(self) -> str:
        return format_clock(self.total_s)


def phase_kind(label: str) -> PhaseKind:
    """Rest if any word of the label is a rest word (`active rest`, `cool down`), else work."""
    words = label.lower().split()
    if any(word in REST_WORDS for word in words):
        return "rest"
    if any(a == "cool" and b == "down" for a, b in itertools.pairwise(words)):
        return "rest"
    return "work"


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


def parse(text: str) -> Program:
    """Read a program as a member typed it; raises IntervalNotationError with position and example."""
    return _Parser(text, suggest=True).program()


@dataclass(frozen=True)
class _Item:
    node: Node
    seconds: int
    phases: int
    preset: ProgramKind | None = None
    minutes: int | None = None


class _Parser:
    """Recursive descent over the original text, so error positions match what was typed."""

    def __init__(self, text: str, *, suggest: bool) -> None:
        self.text = text
        self.i = 0
        self.suggest = suggest

    # -- helpers ---------------------------------------------------------------------

    def error(self, index: int, message: str) -> IntervalNotationError:
        return IntervalNotationError(index + 1, message, self.text)

    def at_end(self) -> bool:
        return self.i >= len(self.text)

    def skip_ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def missing_comma(self, index: int, after: str, in_parens: bool) -> IntervalNotationError:
        """The commonest slip: two phases without a comma. Suggest the fixed program if it parses."""
        expected = "`,` or `)`" if in_parens else "`,`"
        example = EXAMPLE_REPEAT
        if self.suggest:
            fixed = self.text[:index].rstrip() + ", " + self.text[index:]
            try:
                _Parser(fixed, suggest=False).program()
            except IntervalNotationError:
                pass
            else:
                if len(fixed) <= 100:
                    example = " ".join(fixed.split())
        hint = ""
        word = _DURATION_WORD_RE.match(self.text, index)
        number = _NUMBER_RE.match(self.text, index)
        if word and number and word.group().lower().endswith("m") and int(number.group()) >= 100:
            hint = " (inside a label, write distances with a space, like `200 m`)"
        return self.error(
            index, f"expected {expected} after `{code_safe(after, 30)}`{hint}, e.g. `{example}`."
        )

    # -- grammar ---------------------------------------------------------------------

    def program(self) -> Program:
        if len(self.text) > MAX_TEXT_LENGTH:
            raise self.error(
                MAX_TEXT_LENGTH,
                f"a program is at most {MAX_TEXT_LENGTH} characters (this one has {len(self.text)}); "
                f"use repeats to shorten it, e.g. `{EXAMPLE_REPEAT}`.",
            )
        self.skip_ws()
        if self.at_end():
            raise self.error(self.i, f"expected a program, e.g. `tabata` or `{EXAMPLE_REPEAT}`.")
        items = self.sequence(depth=0, open_index=None)
        only = items[0]
        if len(items) == 1 and only.preset is not None:
            return Program(kind=only.preset, segments=(only.node,), minutes=only.minutes)
        return Program(kind="custom", segments=tuple(item.node for item in items))

    def sequence(self, depth: int, open_index: int | None) -> list[_Item]:
        in_parens = open_index is not None
        items: list[_Item] = []
        seconds = 0
        phases = 0
        while True:
            self.skip_ws()
            start = self.i
            item = self.item(depth, in_parens)
            items.append(item)
            seconds += item.seconds
            phases += item.phases
            self.check_limits(start, seconds, phases)
            self.skip_ws()
            if self.at_end():
                if open_index is not None:
                    raise self.error(
                        self.i,
                        f"expected `)` to close the `(` at position {open_index + 1}, "
                        f"e.g. `{EXAMPLE_REPEAT}`.",
                    )
                return items
            char = self.text[self.i]
            if char == ",":
                self.i += 1
                continue
            if char == ")":
                if open_index is None:
                    raise self.error(self.i, f"this `)` has no matching `(`, e.g. `{EXAMPLE_REPEAT}`.")
                self.i += 1
                return items
            consumed = self.text[start : self.i].split()
            raise self.missing_comma(self.i, consumed[-1] if consumed else "", in_parens)

    def check_limits(self, index: int, seconds: int, phases: int) -> None:
        if seconds > MAX_TOTAL_SECONDS:
            raise self.error(
                index,
                f"this makes the program longer than {MAX_TOTAL_SECONDS // 3600} hours, the limit; "
                f"use fewer rounds or shorter phases, e.g. `{EXAMPLE_REPEAT}`.",
            )
        if phases > MAX_PHASES:
            raise self.error(
                index,
                f"this makes the program more than {MAX_PHASES:,} phases long, the limit; "
                f"use fewer rounds, e.g. `{EXAMPLE_REPEAT}`.",
            )

    def item(self, depth: int, in_parens: bool) -> _Item:
        start = self.i
        char = self.peek()
        if char == "" or char in ",)":
            what = "end of the program" if char == "" else f"`{char}`"
            raise self.error(
                start,
                f"expected a phase like `20s work`, a repeat like `{EXAMPLE_REPEAT}` or a preset like "
                f"`tabata` before the {what}, e.g. `{EXAMPLE_SEQUENCE}`.",
            )
        if char.isascii() and char.isdigit():
            repeat = _REPEAT_RE.match(self.text, self.i)
            if repeat:
                return self.repeat(repeat, depth)
            return self.segment(in_parens)
        if _WORD_RE.match(char):
            return self.preset(depth)
        if char == "(":
            raise self.error(start, f"a `(` needs a repeat count before it, e.g. `{EXAMPLE_REPEAT}`.")
        raise self.error(
            start,
            f"`{code_safe(char, 5)}` can't start a phase; a phase starts with its duration, e.g. `20s work`.",
        )

    def repeat(self, match: re.Match[str], depth: int) -> _Item:
        start = self.i
        count = int(match.group(1))
        if not 1 <= count <= MAX_REPEAT:
            raise self.error(
                start, f"a repeat count goes from 1 to {MAX_REPEAT} (not {count}), e.g. `{EXAMPLE_REPEAT}`."
            )
        if depth + 1 > MAX_DEPTH:
            raise self.error(
                start, f"repeats nest at most {MAX_DEPTH} deep, e.g. `{EXAMPLE_NESTED}` nests 2 deep."
            )
        self.i = match.end()
        self.skip_ws()
        if self.peek() != "(":
            raise self.error(self.i, f"expected `(` after `{count}x`, e.g. `{count}x(20s work, 10s rest)`.")
        open_index = self.i
        self.i += 1
        items = self.sequence(depth + 1, open_index)
        body = tuple(item.node for item in items)
        seconds = count * sum(item.seconds for item in items)
        phases = count * sum(item.phases for item in items)
        self.check_limits(start, seconds, phases)
        return _Item(Repeat(count, body), seconds, phases)

    def segment(self, in_parens: bool) -> _Item:
        start = self.i
        seconds = self.duration()
        if seconds < 1:
            raise self.error(start, "a phase lasts at least 1 second, e.g. `20s work`.")
        duration_text = self.text[start : self.i]
        label = self.label(duration_text, in_parens)
        return _Item(Segment(seconds, label), seconds, 1)

    def duration(self) -> int:
        """Read a duration at the cursor (see :func:`bot.domain.durations.read_duration`)."""
        try:
            seconds, self.i = read_duration(self.text, self.i)
        except DurationError as err:
            raise self.error(err.index, err.message) from None
        return seconds

    def label(self, duration_text: str, in_parens: bool) -> str:
        char = self.peek()
        if char and not char.isspace() and char not in ",)(":
            raise self.error(
                self.i,
                f"expected a space between `{code_safe(duration_text, 12)}` and the label, e.g. `20s work`.",
            )
        end = self.i
        while end < len(self.text) and self.text[end] not in ",()":
            end += 1
        words = [(match.start(), match.group()) for match in re.finditer(r"\S+", self.text[self.i : end])]
        previous = duration_text
        for offset, word in words:
            index = self.i + offset
            if _DURATION_WORD_RE.fullmatch(word):
                raise self.missing_comma(index, previous, in_parens)
            for position, char in enumerate(word):
                if not (char.isalnum() or char in _LABEL_PUNCTUATION):
                    raise self.error(
                        index + position,
                        "a label uses letters, digits, spaces and - ' / . & + only, "
                        f"not `{code_safe(char, 3)}`; e.g. `30s push-up`.",
                    )
            previous = word
        if end < len(self.text) and self.text[end] == "(":
            if words and _REPEAT_WORD_RE.fullmatch(words[-1][1]):
                before = words[-2][1] if len(words) > 1 else duration_text
                raise self.missing_comma(self.i + words[-1][0], before, in_parens)
            raise self.error(
                end, f"a label can't contain `(`; a repeat starts a new item, e.g. `{EXAMPLE_NESTED}`."
            )
        label = " ".join(word for _, word in words)
        if len(label) > MAX_LABEL_LENGTH:
            raise self.error(
                self.i + words[0][0],
                f"a label is at most {MAX_LABEL_LENGTH} characters (this one has {len(label)}), "
                "e.g. `30s push-up`.",
            )
        self.i = end
        return label or DEFAULT_LABEL

    def preset(self, depth: int) -> _Item:
        start = self.i
        word_match = _WORD_RE.match(self.text, self.i)
        assert word_match is not None  # the caller saw a letter here
        word = word_match.group()
        lowered = word.lower()
        self.i = word_match.end()
        if lowered == "tabata":
            self.check_depth(start, depth, "tabata")
            node: Node = Repeat(8, (Segment(20, DEFAULT_LABEL), Segment(10, "rest")))
            return _Item(node, 240, 16, preset="tabata")
        if lowered == "emom":
            minutes = self.preset_minutes("emom", "emom 10")
            self.check_depth(start, depth, "emom")
            return _Item(
                Repeat(minutes, (Segment(60, DEFAULT_LABEL),)), minutes * 60, minutes, "emom", minutes
            )
        if lowered == "amrap":
            minutes = self.preset_minutes("amrap", "amrap 12")
            return _Item(Segment(minutes * 60, AMRAP_LABEL), minutes * 60, 1, "amrap", minutes)
        if lowered in ("fortime", "for"):
            if lowered == "for":
                self.skip_ws()
                time_word = _WORD_RE.match(self.text, self.i)
                if time_word is None or time_word.group().lower() != "time":
                    raise self.error(self.i, "expected `time` after `for`, e.g. `fortime cap 20`.")
                self.i = time_word.end()
            self.skip_ws()
            cap_word = _WORD_RE.match(self.text, self.i)
            if cap_word is not None and cap_word.group().lower() == "cap":
                self.i = cap_word.end()
            minutes = self.preset_minutes("fortime cap", "fortime cap 20")
            return _Item(Segment(minutes * 60, FORTIME_LABEL), minutes * 60, 1, "fortime", minutes)
        shown = code_safe(word, 20)
        example_label = shown if len(shown) <= 20 and "…" not in shown else "work"
        raise self.error(
            start,
            f"`{shown}` isn't a preset; a phase starts with its duration, e.g. `20s {example_label}`, "
            "and the presets are `tabata`, `emom 10`, `amrap 12` and `fortime cap 20`.",
        )

    def check_depth(self, start: int, depth: int, name: str) -> None:
        if depth + 1 > MAX_DEPTH:
            raise self.error(
                start,
                f"`{name}` is a repeat, and repeats nest at most {MAX_DEPTH} deep, e.g. `{EXAMPLE_NESTED}`.",
            )

    def preset_minutes(self, name: str, example: str) -> int:
        self.skip_ws()
        number = _NUMBER_RE.match(self.text, self.i)
        if number is None:
            raise self.error(self.i, f"expected the number of minutes after `{name}`, e.g. `{example}`.")
        minutes = int(number.group())
        self.i = number.end()
        unit = _MINUTES_UNIT_RE.match(self.text, self.i)
        if unit is not None:
            self.i = unit.end()
        following = self.peek()
        if following and not following.isspace() and following not in ",)":
            raise self.error(number.start(), f"`{name}` takes whole minutes, e.g. `{example}`.")
        if not 1 <= minutes <= MAX_PRESET_MINUTES:
            raise self.error(
                number.start(),
                f"`{name}` takes 1 to {MAX_PRESET_MINUTES} minutes (not {minutes}), e.g. `{example}`.",
            )
        return minutes


# ---------------------------------------------------------------------------------------
# Canonical text, descriptions, totals
# ---------------------------------------------------------------------------------------


def _node_seconds(node: Node) -> int:
    if isinstance(node, Segment):
        return node.duration_s
    return node.count * sum(_node_seconds(child) for child in node.body)


def total_seconds(program: Program) -> int:
    """Length of the whole program, computed from the structure without expanding it."""
    return sum(_node_seconds(node) for node in program.segments)


def _format_node(node: Node) -> str:
    if isinstance(node, Segment):
        return f"{format_duration(node.duration_s)} {node.label}"
    return f"{node.count}x({', '.join(_format_node(child) for child in node.body)})"


def format_program(program: Program) -> str:
    """Canonical notation: what `/challenge` stores and shows; `parse(format_program(p)) == p`."""
    if program.kind == "tabata":
        return "tabata"
    if program.kind == "emom":
        return f"emom {program.minutes}"
    if program.kind == "amrap":
        return f"amrap {program.minutes}"
    if program.kind == "fortime":
        return f"fortime cap {program.minutes}"
    return ", ".join(_format_node(node) for node in program.segments)


def _describe_node(node: Node, nested: bool) -> str:
    if isinstance(node, Segment):
        return f"{describe_duration(node.duration_s)} {node.label}"
    rounds = "round" if node.count == 1 else "rounds"
    text = f"{node.count} {rounds} of {' / '.join(_describe_node(child, True) for child in node.body)}"
    return f"({text})" if nested else text


def _structure(program: Program) -> str:
    minutes = program.minutes or 0
    plural = "minute" if minutes == 1 else "minutes"
    if program.kind == "tabata":
        return "Tabata: 8 rounds of 20 s work / 10 s rest"
    if program.kind == "emom":
        return f"EMOM: a new round at the start of every minute for {minutes} {plural}"
    if program.kind == "amrap":
        return f"AMRAP: as many rounds as possible in {minutes} {plural}"
    if program.kind == "fortime":
        return f"For time: finish as fast as you can, capped at {minutes} {plural}"
    return ", then ".join(_describe_node(node, False) for node in program.segments)


def describe(program: Program) -> str:
    """One line for humans: `Tabata: 8 rounds of 20 s work / 10 s rest — 4:00 total`."""
    suffix = "cap" if program.kind == "fortime" else "total"
    return f"{_structure(program)} — {format_clock(total_seconds(program))} {suffix}"


# ---------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------


def _leaves(nodes: Sequence[Node]) -> Iterator[Segment]:
    for node in nodes:
        if isinstance(node, Segment):
            yield node
        else:
            for _ in range(node.count):
                yield from _leaves(node.body)


def expand(program: Program) -> list[Phase]:
    """Every phase in order with its start offset, for the live timer.

    Programs from `parse` have at most MAX_PHASES phases, so the list is always small.
    """
    phases: list[Phase] = []
    offset = 0
    for node in program.segments:
        if isinstance(node, Segment):
            blocks: list[tuple[int, int, list[Segment]]] = [(1, 1, [node])]
        else:
            body = list(_leaves(node.body))
            blocks = [(number, node.count, body) for number in range(1, node.count + 1)]
        for number, rounds, segments in blocks:
            for segment in segments:
                phases.append(
                    Phase(
                        index=len(phases),
                        label=segment.label,
                        kind=segment.kind,
                        duration_s=segment.duration_s,
                        round=number,
                        rounds=rounds,
                        start_offset_s=offset,
                    )
                )
                offset += segment.duration_s
    return phases


def phase_at(phases: Sequence[Phase], elapsed_s: float) -> tuple[Phase | None, float]:
    """The phase running `elapsed_s` seconds after the start, and the seconds left in it.

    Phases are half-open: at exactly a phase's end the next one is running. Returns
    (None, 0.0) once the program is over. A negative elapsed time (clock skew) counts as
    the start. `phases` must be contiguous from offset 0, as `expand` returns them.
    """
    if not phases:
        return None, 0.0
    elapsed = max(0.0, elapsed_s)
    if not elapsed < phases[-1].end_offset_s:
        return None, 0.0
    position = bisect.bisect_right(phases, elapsed, key=lambda phase: phase.start_offset_s) - 1
    phase = phases[position]
    return phase, phase.end_offset_s - elapsed


def next_change_offset(phases: Sequence[Phase], elapsed_s: float) -> float | None:
    """Seconds from the start at which the running phase ends (the next timer edit); None when over."""
    phase, _ = phase_at(phases, elapsed_s)
    if phase is None:
        return None
    return float(phase.end_offset_s)


# ---------------------------------------------------------------------------------------
# Presets for `/interval presets`
# ---------------------------------------------------------------------------------------


def _preset_info(name: str, notation: str) -> PresetInfo:
    program = parse(notation)
    structure = _structure(program)
    if ": " in structure:
        structure = structure.split(": ", 1)[1]
    return PresetInfo(name=name, notation=notation, structure=structure, total_s=total_seconds(program))


PRESETS: Final[tuple[PresetInfo, ...]] = (
    _preset_info("Tabata", "tabata"),
    _preset_info("EMOM", "emom 10"),
    _preset_info("AMRAP", "amrap 12"),
    _preset_info("For time", "fortime cap 20"),
    _preset_info("Intervals", "5x(40s on, 20s off)"),
)
