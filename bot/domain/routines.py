"""Routine notation: the one-exercise-per-line text members write, read and share.

The same text is typed into ``/routine create``, printed by ``/routine export`` and
read back by ``/routine import``, so two promises shape this module:

* **Forgiving in, canonical out.** The parser accepts the spellings people really
  type (``3 x 5``, ``3×5``, ``3X5``, ``amrap``, ``100 kg``, ``225lbs``, ``rpe8``,
  ``rest: 90s``, ``rest 1:30``) and :func:`format_line` always writes one spelling
  (``Back Squat 3x5 @ 100kg RPE 8 rest 3m``).
* **Round trip.** Parsing the canonical text gives back equal :class:`ExerciseLine`
  values, so a routine can be stored, exported and imported without drifting, and
  formatting is a fixed point: ``format(parse(format(parse(x)))) == format(parse(x))``.

Grammar of one line (keywords are case-insensitive)::

    [bullet] [superset label] name  sets x reps  [@ load]  [RPE n]  [rest time]

* ``sets x reps`` — sets 1–20; reps a count (``5``), a range (``8-10``), ``AMRAP``
  (``max`` also accepted) or a time (``45s``, ``2m``, ``1m30s``, ``1:30``).
* load — ``@ 100kg``, ``@ 225lb``, ``@ 80%`` (of a one-rep max), ``@ bw`` or
  ``@ bw+10kg``; the ``@`` may be left out. Up to two decimals, ``,`` or ``.``.
  Given a ``default_unit`` (the member's kg/lb setting), a number after ``@`` with
  no unit (``@ 30``) and weight added to bodyweight (``@ bw+10``) are in that unit;
  without ``@`` a bare number stays an error, since ``Bench 3x5 8`` may mean RPE 8.
  The canonical text always writes the unit, so it reads the same for everyone.
* ``RPE n`` — 1 to 10 in halves. ``rest <time>`` — 1 s to 60 min.
* The modifiers may come in any order, each at most once, separated by spaces,
  commas or semicolons; the canonical order is load, RPE, rest.
* The exercise name is everything before the sets×reps token. It must start with a
  letter or number, be at most 60 characters, and may not contain backticks (they
  would break Discord's code formatting) or control characters. Runs of whitespace
  inside it collapse to one space.
* A superset label is a letter and a digit 1–9 (``A1``, ``a2.``, ``B1)``) before the
  name. Within a routine, ``A2`` must come on the exercise line right after ``A1``
  (``A3`` after ``A2``, …) and a label may be used only once. A lone ``A1`` is allowed:
  it is harmless and members often label the first exercise before adding the rest.
  An exercise whose real name starts with a letter, a digit and a space (``T2 Row``)
  therefore reads as labelled; writing it as ``T2-Row`` avoids that.

Lines that are ignored, decided so pasted text from chats and notes works as-is:
blank lines; comment lines starting with ``#``; code-fence lines (`````` ``` `````` or
```````` ```text ````````, since ``/routine export`` wraps the routine in a code block);
and a bare bullet. Leading bullets (``-``, ``*``, ``+``, ``•``) and list numbers
(``1.``, ``2)``) are stripped before the label.

Errors: every line is checked and every problem is collected, because a member
fixing a pasted routine in a modal would rather see all problems at once than one per
attempt. :func:`parse_routine` raises the first problem as a
:class:`RoutineNotationError` whose ``also`` holds the rest (in line order) and whose
:meth:`RoutineNotationError.summary` renders several of them. Each message names the
line, quotes it, says what was expected and gives a line that parses.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from bot.domain.durations import duration_regex, format_duration, matched_seconds
from bot.domain.text import code_safe
from bot.domain.units import lb_to_kg

__all__ = [
    "LOAD_DECIMALS",
    "MAX_DURATION_S",
    "MAX_EXERCISES",
    "MAX_LOAD_KG",
    "MAX_LOAD_LB",
    "MAX_NAME_LENGTH",
    "MAX_PERCENT",
    "MAX_REPS",
    "MAX_RPE",
    "MAX_SETS",
    "MIN_DURATION_S",
    "MIN_PERCENT",
    "MIN_REPS",
    "MIN_RPE",
    "MIN_SETS",
    "Bodyweight",
    "ExerciseLine",
    "Load",
    "PercentOfMax",
    "Reps",
    "RepsKind",
    "RoutineNotationError",
    "Weight",
    "WeightUnit",
    "format_line",
    "format_load",
    "format_reps",
    "format_routine",
    "parse_line",
    "parse_routine",
    "volume_kg",
]

# --- limits (SPEC §4) ------------------------------------------------------------

MAX_EXERCISES = 30
MAX_NAME_LENGTH = 60
MIN_SETS = 1
MAX_SETS = 20
MIN_REPS = 1
MAX_REPS = 100
#: Timed sets and rest periods: from one second to an hour.
MIN_DURATION_S = 1
MAX_DURATION_S = 60 * 60
#: Loads must be positive; the ceilings sit above any lift ever recorded.
MAX_LOAD_KG = 1000.0
MAX_LOAD_LB = 2200.0
#: Percent of a one-rep max; above 100 allows supramaximal eccentrics and holds.
MIN_PERCENT = 1.0
MAX_PERCENT = 150.0
MIN_RPE = 1.0
MAX_RPE = 10.0
#: Loads are written with at most this many decimals (``102.25kg``), which is also
#: what keeps the formatter lossless.
LOAD_DECIMALS = 2

RepsKind: TypeAlias = Literal["count", "range", "amrap", "duration"]
WeightUnit: TypeAlias = Literal["kg", "lb"]

_MAX_LOAD = {"kg": MAX_LOAD_KG, "lb": MAX_LOAD_LB}


# --- data model ------------------------------------------------------------------


@dataclass(frozen=True)
class Reps:
    """What one set asks for: a count, a range, as many as possible, or a time.

    One type with a ``kind`` rather than four classes keeps storage and equality
    simple; the constructors (:meth:`count`, :meth:`range`, :meth:`amrap`,
    :meth:`timed`) and ``__post_init__`` keep the fields consistent with the kind.
    """

    kind: RepsKind
    low: int | None = None
    high: int | None = None
    seconds: int | None = None

    def __post_init__(self) -> None:
        if self.kind == "count":
            ok = _int_in(self.low, MIN_REPS, MAX_REPS) and self.high is None and self.seconds is None
        elif self.kind == "range":
            ok = (
                _int_in(self.low, MIN_REPS, MAX_REPS)
                and _int_in(self.high, MIN_REPS, MAX_REPS)
                and self.low is not None
                and self.high is not None
                and self.low < self.high
                and self.seconds is None
            )
        elif self.kind == "amrap":
            ok = self.low is None and self.high is None and self.seconds is None
        elif self.kind == "duration":
            ok = (
                _int_in(self.seconds, MIN_DURATION_S, MAX_DURATION_S)
                and self.low is None
                and self.high is None
            )
        else:
            ok = False
        if not ok:
            raise ValueError(f"inconsistent reps: {self!r}")

    @classmethod
    def count(cls, reps: int) -> Reps:
        """A fixed number of reps, e.g. the 5 of ``3x5``."""
        return cls("count", low=reps)

    @classmethod
    def range(cls, low: int, high: int) -> Reps:
        """A rep range, e.g. ``8-10``: the member stops somewhere inside it."""
        return cls("range", low=low, high=high)

    @classmethod
    def amrap(cls) -> Reps:
        """As many reps as possible."""
        return cls("amrap")

    @classmethod
    def timed(cls, seconds: int) -> Reps:
        """A set held or worked for a time, e.g. a 45 s plank."""
        return cls("duration", seconds=seconds)

    @property
    def min_reps(self) -> int | None:
        """Reps the plan commits to: the count, or the low end of a range.

        ``None`` for AMRAP and timed sets, whose rep count is not known in advance.
        """
        return self.low if self.kind in ("count", "range") else None


@dataclass(frozen=True)
class Weight:
    """An absolute load in the unit the member wrote, kept as written so export
    gives back ``225lb`` rather than ``102.06kg``."""

    amount: float
    unit: WeightUnit

    def __post_init__(self) -> None:
        if self.unit not in _MAX_LOAD:
            raise ValueError(f"unknown weight unit {self.unit!r}")
        if not (_finite(self.amount) and 0 < self.amount <= _MAX_LOAD[self.unit]):
            raise ValueError(f"weight out of range: {self!r}")
        if not _has_at_most_load_decimals(self.amount):
            raise ValueError(f"weight has more than {LOAD_DECIMALS} decimals: {self!r}")

    @property
    def kg(self) -> float:
        """The load in kilograms, for volumes and comparisons."""
        return self.amount if self.unit == "kg" else lb_to_kg(self.amount)


@dataclass(frozen=True)
class PercentOfMax:
    """A load given as a percentage of the member's one-rep max (``@ 80%``)."""

    percent: float

    def __post_init__(self) -> None:
        if not (_finite(self.percent) and MIN_PERCENT <= self.percent <= MAX_PERCENT):
            raise ValueError(f"percent out of range: {self!r}")
        if not _has_at_most_load_decimals(self.percent):
            raise ValueError(f"percent has more than {LOAD_DECIMALS} decimals: {self!r}")


@dataclass(frozen=True)
class Bodyweight:
    """The member's own bodyweight (``@ bw``), optionally plus a belt or vest (``@ bw+10kg``)."""

    extra: Weight | None = None


Load: TypeAlias = Weight | PercentOfMax | Bodyweight


@dataclass(frozen=True)
class ExerciseLine:
    """One parsed line of a routine.

    Construction validates the same limits the parser enforces, so any
    ``ExerciseLine`` that exists can be formatted and parsed back unchanged.
    """

    name: str
    sets: int
    reps: Reps
    load: Load | None = None
    rpe: float | None = None
    rest_s: int | None = None
    superset: str | None = None

    def __post_init__(self) -> None:
        problem = _name_problem(self.name, labelled=self.superset is not None)
        if problem is None and self.name != _collapse_spaces(self.name):
            problem = "has leading, trailing or repeated whitespace"
        if problem is not None:
            raise ValueError(f"exercise name {self.name!r} {problem}")
        if not _int_in(self.sets, MIN_SETS, MAX_SETS):
            raise ValueError(f"sets out of range: {self.sets!r}")
        if self.rpe is not None and not _valid_rpe(self.rpe):
            raise ValueError(f"RPE out of range: {self.rpe!r}")
        if self.rest_s is not None and not _int_in(self.rest_s, MIN_DURATION_S, MAX_DURATION_S):
            raise ValueError(f"rest out of range: {self.rest_s!r}")
        if self.superset is not None and not _CANONICAL_LABEL_RE.fullmatch(self.superset):
            raise ValueError(f"superset label must look like 'A1': {self.superset!r}")


# --- errors ----------------------------------------------------------------------


class RoutineNotationError(ValueError):
    """A routine (or one of its lines) that does not parse, worded for the member.

    ``line_no`` is 1-based and ``None`` for problems with the text as a whole (an
    empty routine). ``also`` holds further problems found in the same text, in line
    order, so a reply can list several at once (see :meth:`summary`).
    """

    def __init__(
        self,
        line_no: int | None,
        line: str,
        message: str,
        also: Sequence[RoutineNotationError] = (),
    ) -> None:
        self.line_no = line_no
        self.line = line
        self.message = message
        self.also: tuple[RoutineNotationError, ...] = tuple(also)
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line_no is None:
            return self.message[:1].upper() + self.message[1:]
        return f"Line {self.line_no}: `{_quote(self.line)}` — {self.message}"

    def __str__(self) -> str:
        return self._render()

    @property
    def errors(self) -> tuple[RoutineNotationError, ...]:
        """This problem followed by the others found in the same text."""
        return (self, *self.also)

    def describe(self, label: str | None = "Line") -> str:
        """This problem with its position called ``label`` (``Exercise 2: …``), or none at all.

        Text typed in one slash-command option has no lines, and a single exercise needs
        no number; ``None`` leaves the position out.
        """
        if self.line_no is None or label == "Line":
            return self._render()
        where = f"{label} {self.line_no}: " if label else ""
        return f"{where}`{_quote(self.line)}` — {self.message}"

    def summary(self, limit: int = 5, *, label: str | None = "Line") -> str:
        """Up to ``limit`` problems, one per line, with a count of any left out."""
        shown = [error.describe(label) for error in self.errors[: max(limit, 1)]]
        hidden = len(self.errors) - len(shown)
        if hidden:
            shown.append(f"…and {hidden} more {'problem' if hidden == 1 else 'problems'}.")
        return "\n".join(shown)


# --- public API ------------------------------------------------------------------


def parse_routine(text: str, *, default_unit: WeightUnit | None = None) -> list[ExerciseLine]:
    """Parse a whole routine, one exercise per line.

    ``default_unit`` is the unit of a load written without one (see the module notes);
    with ``None`` every weight must name its unit. Raises :class:`RoutineNotationError`
    (the first problem, with the others in ``also``) when any line is wrong, when
    superset labels are out of order or repeated, when there are more than
    :data:`MAX_EXERCISES` exercises, or when there is no exercise at all — nothing
    half-parsed is ever returned.
    """
    errors: list[RoutineNotationError] = []
    parsed: list[ExerciseLine] = []
    entries: list[_Entry] = []
    for line_no, raw in enumerate(_LINE_BREAK_RE.split(text), start=1):
        split = _split_line(raw)
        if split is None:
            continue
        label, body = split
        if len(entries) == MAX_EXERCISES:
            errors.append(
                RoutineNotationError(
                    line_no,
                    raw.strip(),
                    f"a routine holds at most {MAX_EXERCISES} exercises and this is exercise "
                    f"{MAX_EXERCISES + 1}; split it into two routines, e.g. `Push Day` and `Pull Day`.",
                )
            )
        line: ExerciseLine | None = None
        try:
            line = _parse_body(body, label, line_no, raw.strip(), default_unit)
        except RoutineNotationError as error:
            errors.append(error)
        else:
            parsed.append(line)
        entries.append(_Entry(line_no, raw.strip(), label, line))
    if not entries:
        raise RoutineNotationError(
            None,
            "",
            f"the routine has no exercises; write one per line, e.g. `{_DEFAULT_NAME} 3x5 @ 100kg`.",
        )
    errors.extend(_superset_errors(entries))
    if errors:
        errors.sort(key=lambda error: error.line_no or 0)
        first = errors[0]
        raise RoutineNotationError(first.line_no, first.line, first.message, also=errors[1:])
    return parsed


def parse_line(text: str, *, default_unit: WeightUnit | None = None) -> ExerciseLine:
    """Parse a single exercise line (e.g. a slash-command option).

    Superset ordering is a property of a whole routine, so only the label's shape is
    checked here. Blank and comment lines are an error: a line was expected.
    """
    if _LINE_BREAK_RE.search(text.strip()):
        raise RoutineNotationError(
            1,
            _LINE_BREAK_RE.split(text.strip(), maxsplit=1)[0],
            f"expected a single exercise line, e.g. `{_DEFAULT_NAME} 3x5 @ 100kg`.",
        )
    split = _split_line(text)
    if split is None:
        raise RoutineNotationError(
            1, text.strip(), f"expected an exercise, e.g. `{_DEFAULT_NAME} 3x5 @ 100kg`."
        )
    label, body = split
    return _parse_body(body, label, 1, text.strip(), default_unit)


def format_routine(lines: Iterable[ExerciseLine]) -> str:
    """The canonical notation for a routine, one line per exercise."""
    return "\n".join(format_line(line) for line in lines)


def format_line(line: ExerciseLine) -> str:
    """The canonical notation for one exercise, e.g. ``A1 Pull-up 3xAMRAP``."""
    parts = [line.name, f"{line.sets}x{format_reps(line.reps)}"]
    if line.superset is not None:
        parts.insert(0, line.superset)
    if line.load is not None:
        parts.append(f"@ {format_load(line.load)}")
    if line.rpe is not None:
        parts.append(f"RPE {_format_number(line.rpe)}")
    if line.rest_s is not None:
        parts.append(f"rest {format_duration(line.rest_s, hours=False)}")
    return " ".join(parts)


def format_reps(reps: Reps) -> str:
    """Reps as written after the ``x``: ``5``, ``8-10``, ``AMRAP``, ``45s``."""
    if reps.kind == "count":
        return str(reps.low)
    if reps.kind == "range":
        return f"{reps.low}-{reps.high}"
    if reps.kind == "amrap":
        return "AMRAP"
    assert reps.seconds is not None
    return format_duration(reps.seconds, hours=False)


def format_load(load: Load) -> str:
    """A load as written after the ``@``: ``100kg``, ``225lb``, ``80%``, ``bw+10kg``."""
    if isinstance(load, Weight):
        return f"{_format_number(load.amount)}{load.unit}"
    if isinstance(load, PercentOfMax):
        return f"{_format_number(load.percent)}%"
    if load.extra is None:
        return "bw"
    return f"bw+{format_load(load.extra)}"


def volume_kg(line: ExerciseLine, bodyweight_kg: float | None = None) -> float | None:
    """Planned volume (sets × reps × load, in kg) when the line pins it down.

    A range counts at its low end: that is the work the plan commits to, and it
    keeps logged volume from overstating what was done. ``None`` when volume is not
    computable from the line alone: AMRAP or timed sets, no load, a percentage (the
    member's max is not part of the notation), or bodyweight when it is not given.
    """
    reps = line.reps.min_reps
    if reps is None or line.load is None:
        return None
    load = line.load
    if isinstance(load, Weight):
        load_kg = load.kg
    elif isinstance(load, PercentOfMax):
        return None
    else:
        if bodyweight_kg is None:
            return None
        load_kg = bodyweight_kg + (load.extra.kg if load.extra is not None else 0.0)
    return line.sets * reps * load_kg


# --- line splitting ----------------------------------------------------------------

_DEFAULT_NAME = "Back Squat"
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_FENCE_RE = re.compile(r"```[A-Za-z0-9_+-]*")
# Bullets and list numbers pasted from notes apps and chats.
_MARKER_RE = re.compile(r"[-*+•‣◦·–—]+\s*|[0-9]{1,3}[.)]\s+")
# No IGNORECASE: under Unicode case folding [A-Za-z] would also match the Kelvin sign.
_LABEL_RE = re.compile(r"([A-Za-z])([1-9])[.):]?\s+")
_CANONICAL_LABEL_RE = re.compile(r"[A-Z][1-9]")


@dataclass(frozen=True)
class _Entry:
    """An exercise line as seen by the whole-routine checks (superset order)."""

    line_no: int
    raw: str
    label: str | None
    line: ExerciseLine | None


def _split_line(raw: str) -> tuple[str | None, str] | None:
    """Strip bullets and the superset label; ``None`` for lines that are ignored."""
    text = raw.strip()
    while match := _MARKER_RE.match(text):
        text = text[match.end() :]
    if not text or text.startswith("#") or _FENCE_RE.fullmatch(text):
        return None
    label = None
    if match := _LABEL_RE.match(text):
        label = f"{match[1].upper()}{match[2]}"
        text = text[match.end() :]
    return label, text


# --- body parsing ------------------------------------------------------------------

_BOUND = r"(?=[\s,;@]|\Z)"
_NUM = r"[0-9]+(?:\.[0-9]+|,[0-9]{1,2}(?![0-9]))?"
_WEIGHT_UNITS = r"kilograms?|kilos?|kgs?|pounds?|lbs?"


# The sets token must start a word, so "Row3x5" is a name, not "Row" + "3x5".
_SETS_RE = re.compile(r"(?<!\S)([0-9]+)\s*[xX×]")
_REPS_RE = re.compile(
    rf"(?:(?P<amrap>amrap|max)|{duration_regex('d')}"
    rf"|(?P<lo>[0-9]+)\s*[-–]\s*(?P<hi>[0-9]+)|(?P<n>[0-9]+)){_BOUND}",
    re.IGNORECASE,
)
_BW = r"bw|bodyweight|body[\s-]?weight"
_LOAD_RE = re.compile(
    rf"(?:(?P<bw>{_BW})(?:\s*\+\s*(?P<xnum>{_NUM})\s*(?P<xunit>{_WEIGHT_UNITS}))?"
    rf"|(?P<num>{_NUM})\s*(?P<unit>{_WEIGHT_UNITS}|%|percent)){_BOUND}",
    re.IGNORECASE,
)
_BW_PLUS_RE = re.compile(rf"(?:{_BW})\s*\+", re.IGNORECASE)
_BW_PLUS_BARE_RE = re.compile(rf"(?:{_BW})\s*\+\s*(?P<xnum>{_NUM}){_BOUND}", re.IGNORECASE)
_BARE_NUMBER_RE = re.compile(rf"(?P<num>{_NUM}){_BOUND}")
_RPE_RE = re.compile(rf"rpe\s*[:=]?\s*(?P<rpe>{_NUM}){_BOUND}", re.IGNORECASE)
_RPE_WORD_RE = re.compile(r"rpe(?![^\s,;@:=0-9.])", re.IGNORECASE)
_REST_RE = re.compile(rf"rest\s*[:=]?\s*{duration_regex('r')}{_BOUND}", re.IGNORECASE)
_REST_WORD_RE = re.compile(r"rest(?![^\s,;@:=0-9])", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"[\s,;]*")
_SPACES_RE = re.compile(r"\s*")
_TOKEN_RE = re.compile(r"[^\s,;]+")


class _Fail(Exception):
    """A reading of a line that went wrong at ``pos`` (used to pick the best message)."""

    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


@dataclass
class _Draft:
    """What a reading of a line has established so far, to build examples from.

    Examples reuse the member's own name, sets, reps and already-valid modifiers,
    so the suggested fix is their line with one thing changed.
    """

    prefix: str
    name: str
    #: The member's unit for a load written without one; None: a unit is required.
    unit: WeightUnit | None = None
    sets: int = 3
    reps: str = "5"
    load: str | None = None
    rpe: str | None = None
    rest: str | None = None

    def example(
        self,
        *,
        reps: str | None = None,
        load: str | None = None,
        rpe: str | None = None,
        rest: str | None = None,
    ) -> str:
        parts = [f"{self.prefix}{self.name}", f"{self.sets}x{reps or self.reps}"]
        for override, known in ((load, self.load), (rpe, self.rpe), (rest, self.rest)):
            if override or known:
                parts.append(override or known or "")
        return " ".join(parts)


def _parse_body(
    body: str, label: str | None, line_no: int, raw: str, unit: WeightUnit | None = None
) -> ExerciseLine:
    """Read name, sets×reps and modifiers from a line without its bullet and label.

    Names may contain things that look like notation ("Stronglifts 5x5 Squat
    5x5"), so every word-initial ``<n>x`` is tried as the sets token; modifiers can
    never contain one, so at most one reading consumes the whole line. When none
    does, the reading that got furthest explains the problem best.
    """
    prefix = f"{label} " if label else ""
    labelled = label is not None
    best: _Fail | None = None
    for candidate in _SETS_RE.finditer(body):
        name = _collapse_spaces(body[: candidate.start()])
        draft = _Draft(
            prefix,
            name if _name_problem(name, labelled=labelled) is None else _guess_name(name, labelled),
            unit,
        )
        try:
            sets, reps, load, rpe, rest_s = _parse_from_sets(body, candidate, draft)
        except _Fail as failure:
            if best is None or failure.pos >= best.pos:
                best = failure
            continue
        problem = _name_problem(name, labelled=labelled)
        if problem is None:
            return ExerciseLine(name, sets, reps, load, rpe, rest_s, label)
        if best is not None and best.pos >= candidate.start():
            # An earlier reading got past this sets token: a stray second "3x5"
            # later in the line is likelier than a name containing it.
            raise RoutineNotationError(line_no, raw, best.message)
        where = f" before `{draft.sets}x{draft.reps}`" if not name else ""
        example = draft.example(load=draft.load or ("@ 100kg" if "@" in name else None))
        raise RoutineNotationError(line_no, raw, f"the exercise name {problem}{where}, e.g. `{example}`.")
    if best is not None:
        raise RoutineNotationError(line_no, raw, best.message)
    draft = _Draft(prefix, _guess_name(body, labelled), unit)
    in_digits = " in digits" if _NUMBER_WORD_RE.search(body) else ""
    raise RoutineNotationError(
        line_no,
        raw,
        f"expected sets×reps{in_digits} after the exercise name, like `3x5` for 3 sets of 5, "
        f"e.g. `{draft.example()}`.",
    )


def _parse_from_sets(
    body: str, candidate: re.Match[str], draft: _Draft
) -> tuple[int, Reps, Load | None, float | None, int | None]:
    sets = _to_int(candidate[1])
    if not MIN_SETS <= sets <= MAX_SETS:
        raise _Fail(
            candidate.start(),
            f"sets must be between {MIN_SETS} and {MAX_SETS} (got {_quote(candidate[1], 12)}), "
            f"e.g. `{draft.example()}`.",
        )
    draft.sets = sets
    pos = _skip(_SPACES_RE, body, candidate.end())
    reps, pos = _parse_reps(body, pos, candidate[0].strip(), draft)
    draft.reps = format_reps(reps)
    load, rpe, rest_s = _parse_modifiers(body, pos, draft)
    return sets, reps, load, rpe, rest_s


def _parse_reps(body: str, pos: int, sets_text: str, draft: _Draft) -> tuple[Reps, int]:
    match = _REPS_RE.match(body, pos)
    if match is None:
        raise _Fail(
            pos,
            f"expected reps after `{_quote(sets_text, 12)}`: a number, a range, AMRAP or a time, "
            f"e.g. `{draft.example(reps='5')}`, `{draft.example(reps='8-10')}` "
            f"or `{draft.example(reps='45s')}`.",
        )
    if match["amrap"]:
        return Reps.amrap(), match.end()
    if match["n"] is not None:
        count = _to_int(match["n"])
        if not MIN_REPS <= count <= MAX_REPS:
            raise _Fail(
                pos,
                f"reps must be between {MIN_REPS} and {MAX_REPS} (got {_quote(match['n'], 12)}), "
                f"e.g. `{draft.example(reps='10')}`.",
            )
        return Reps.count(count), match.end()
    if match["lo"] is not None:
        low, high = _to_int(match["lo"]), _to_int(match["hi"])
        if not (MIN_REPS <= low < high <= MAX_REPS):
            raise _Fail(
                pos,
                f"a rep range goes from low to high, between {MIN_REPS} and {MAX_REPS} "
                f"(got {_quote(match.group(0), 16)}), e.g. `{draft.example(reps='8-10')}`.",
            )
        return Reps.range(low, high), match.end()
    seconds = matched_seconds(match, "d")
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise _Fail(
            pos,
            f"a timed set lasts from 1s to {format_duration(MAX_DURATION_S, hours=False)} "
            f"(got {_quote(match.group(0), 16)}), e.g. `{draft.example(reps='45s')}`.",
        )
    return Reps.timed(seconds), match.end()


def _parse_modifiers(body: str, pos: int, draft: _Draft) -> tuple[Load | None, float | None, int | None]:
    """Read ``@ load``, ``RPE n`` and ``rest <time>`` in any order, each at most once."""
    load: Load | None = None
    rpe: float | None = None
    rest_s: int | None = None
    while True:
        pos = _skip(_SEPARATORS_RE, body, pos)
        if pos >= len(body):
            return load, rpe, rest_s
        start = pos
        if body[pos] == "@":
            pos = _skip(_SPACES_RE, body, pos + 1)
            if _RPE_WORD_RE.match(body, pos):
                _ensure_unset(rpe, start, "the RPE", draft)
                rpe, pos = _read_rpe(body, pos, draft)
                continue
            _ensure_unset(load, start, "the load", draft)
            load, pos = _read_load(body, pos, draft, at=start)
            continue
        if _RPE_WORD_RE.match(body, pos):
            _ensure_unset(rpe, start, "the RPE", draft)
            rpe, pos = _read_rpe(body, pos, draft)
            continue
        if _REST_WORD_RE.match(body, pos):
            if rest_s is not None:
                raise _Fail(start, f"rest is given twice; keep one, e.g. `{draft.example()}`.")
            rest_s, pos = _read_rest(body, pos, draft)
            continue
        if _LOAD_RE.match(body, pos) or _BARE_NUMBER_RE.match(body, pos) or _BW_PLUS_RE.match(body, pos):
            _ensure_unset(load, start, "the load", draft)
            load, pos = _read_load(body, pos, draft, at=None)
            continue
        token = _TOKEN_RE.match(body, pos)
        assert token is not None
        raise _Fail(
            pos,
            f"unexpected `{_quote(token.group(0), 20)}`; after the reps a line may have a load, "
            f"RPE and rest, e.g. `{draft.example(load='@ 100kg', rpe='RPE 8', rest='rest 2m')}`.",
        )


def _ensure_unset(value: object, pos: int, what: str, draft: _Draft) -> None:
    if value is not None:
        raise _Fail(pos, f"{what} is given twice; keep one, e.g. `{draft.example()}`.")


def _read_load(body: str, pos: int, draft: _Draft, *, at: int | None) -> tuple[Load, int]:
    """Read a load at ``pos``; ``at`` is where its ``@`` stood, when it had one."""
    match = _LOAD_RE.match(body, pos)
    # "bw + 10" would otherwise read as "bw" followed by a stray "+ 10"; "bw + 10 lb" names its unit.
    bare_extra = (
        match is not None and match["bw"] and match["xnum"] is None and _BW_PLUS_BARE_RE.match(body, pos)
    )
    if draft.unit is not None and (match is None or bare_extra):
        unitless = _unitless_load(body, pos, draft, after_at=at is not None)
        if unitless is not None:
            return unitless
    if match is None:
        if _BW_PLUS_RE.match(body, pos):
            raise _Fail(
                pos,
                f"weight added to bodyweight needs a unit, e.g. `{draft.example(load='@ bw+10kg')}`.",
            )
        if number := _BARE_NUMBER_RE.match(body, pos):
            shown = _quote(number["num"], 8)
            hints = []
            if draft.unit is not None:
                hints.append(f"`@ {shown}` means {shown}{draft.unit}")
            if _to_float(number["num"]) <= MAX_RPE:
                hints.append(f"for effort, write `RPE {shown}`")
            hint = f" ({'; '.join(hints)})" if hints else ""
            raise _Fail(
                pos,
                f"a load needs a unit: kg, lb, % or bw{hint}, "
                f"e.g. `{draft.example(load='@ 100kg')}` or `{draft.example(load='@ 80%')}`.",
            )
        raise _Fail(
            pos if at is None else at,
            f"expected a load after `@`, e.g. `{draft.example(load='@ 100kg')}`, "
            f"`{draft.example(load='@ 80%')}` or `{draft.example(load='@ bw')}`.",
        )
    load: Load
    if match["bw"]:
        extra = None
        if match["xnum"] is not None:
            extra = _weight(match["xnum"], match["xunit"], pos, draft, bodyweight=True)
        load = Bodyweight(extra)
    elif match["unit"].lower() in ("%", "percent"):
        percent = _to_float(match["num"])
        _check_decimals(match["num"], pos, draft, "@ 72.5%")
        if not MIN_PERCENT <= percent <= MAX_PERCENT:
            raise _Fail(
                pos,
                f"a percentage load goes from {_format_number(MIN_PERCENT)}% to "
                f"{_format_number(MAX_PERCENT)}% (got {_quote(match['num'], 12)}%), "
                f"e.g. `{draft.example(load='@ 80%')}`.",
            )
        load = PercentOfMax(percent)
    else:
        load = _weight(match["num"], match["unit"], pos, draft, bodyweight=False)
    draft.load = f"@ {format_load(load)}"
    return load, match.end()


def _unitless_load(body: str, pos: int, draft: _Draft, *, after_at: bool) -> tuple[Load, int] | None:
    """A load written without its unit, read in the member's unit (``@ 30``, ``@ bw+10``).

    A bare number counts only after ``@``: without it, ``Bench 3x5 8`` is as likely an RPE.
    """
    assert draft.unit is not None
    load: Load
    if extra := _BW_PLUS_BARE_RE.match(body, pos):
        load = Bodyweight(_weight(extra["xnum"], draft.unit, pos, draft, bodyweight=True))
    elif after_at and (number := _BARE_NUMBER_RE.match(body, pos)):
        extra = number
        load = _weight(number["num"], draft.unit, pos, draft, bodyweight=False)
    else:
        return None
    draft.load = f"@ {format_load(load)}"
    return load, extra.end()


def _weight(number: str, unit_text: str, pos: int, draft: _Draft, *, bodyweight: bool) -> Weight:
    unit: WeightUnit = "kg" if unit_text.lower().startswith("k") else "lb"
    sample = "@ bw+10kg" if bodyweight else ("@ 225lb" if unit == "lb" else "@ 100kg")
    _check_decimals(number, pos, draft, "@ bw+2.5kg" if bodyweight else "@ 102.5kg")
    amount = _to_float(number)
    ceiling = _MAX_LOAD[unit]
    if not 0 < amount <= ceiling:
        raise _Fail(
            pos,
            f"a load in {unit} must be more than 0 and at most {_format_number(ceiling)} "
            f"(got {_quote(number, 12)}{unit}), e.g. `{draft.example(load=sample)}`.",
        )
    return Weight(amount, unit)


def _check_decimals(number: str, pos: int, draft: _Draft, sample: str) -> None:
    digits = re.split(r"[.,]", number)
    if len(digits) == 2 and len(digits[1]) > LOAD_DECIMALS:
        raise _Fail(
            pos,
            f"use at most {LOAD_DECIMALS} decimals (got {_quote(number, 12)}), "
            f"e.g. `{draft.example(load=sample)}`.",
        )


def _read_rpe(body: str, pos: int, draft: _Draft) -> tuple[float, int]:
    match = _RPE_RE.match(body, pos)
    value = _to_float(match["rpe"]) if match else None
    if match is None or value is None or not _valid_rpe(value):
        got = f" (got `{_quote(match['rpe'], 8)}`)" if match else ""
        raise _Fail(
            pos,
            f"RPE goes from {_format_number(MIN_RPE)} to {_format_number(MAX_RPE)} in steps of 0.5{got}, "
            f"e.g. `{draft.example(rpe='RPE 8')}` or `{draft.example(rpe='RPE 7.5')}`.",
        )
    draft.rpe = f"RPE {_format_number(value)}"
    return value, match.end()


def _read_rest(body: str, pos: int, draft: _Draft) -> tuple[int, int]:
    match = _REST_RE.match(body, pos)
    if match is None:
        raise _Fail(
            pos,
            f"expected a time after `rest`, e.g. `{draft.example(rest='rest 90s')}`, "
            f"`{draft.example(rest='rest 2m')}` or `{draft.example(rest='rest 1m30s')}`.",
        )
    seconds = matched_seconds(match, "r")
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise _Fail(
            pos,
            f"rest lasts from 1s to {format_duration(MAX_DURATION_S, hours=False)} "
            f"(got {_quote(match.group(0), 16)}), e.g. `{draft.example(rest='rest 2m')}`.",
        )
    draft.rest = f"rest {format_duration(seconds, hours=False)}"
    return seconds, match.end()


# --- superset checks ---------------------------------------------------------------


def _superset_errors(entries: Sequence[_Entry]) -> list[RoutineNotationError]:
    """Labels must run A1, A2, … on consecutive exercise lines, each used once.

    Labels are read even from lines that failed to parse, so one broken line does
    not cause a misleading "A2 needs A1" on the next.
    """
    errors: list[RoutineNotationError] = []
    first_use: dict[str, int] = {}
    letters_used: set[str] = set()
    previous: str | None = None
    for entry in entries:
        label = entry.label
        if label is not None:
            letter, number = label[0], int(label[1])
            letters_used.add(letter)
            if label in first_use:
                fresh = next((c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in letters_used), "Z")
                example = _relabelled(entry, f"{fresh}1", "Push-up 3x15")
                errors.append(
                    RoutineNotationError(
                        entry.line_no,
                        entry.raw,
                        f"superset label `{label}` is already used on line {first_use[label]}; "
                        f"each label is used once, e.g. `{example}` to start a new superset.",
                    )
                )
            elif number > 1 and previous != f"{letter}{number - 1}":
                expected = f"{letter}{number - 1}"
                errors.append(
                    RoutineNotationError(
                        entry.line_no,
                        entry.raw,
                        f"`{label}` must come on the line right after `{expected}`: a superset's "
                        f"exercises are listed together, in order, e.g. `{expected} Pull-up 3x8` "
                        f"then `{_relabelled(entry, label, 'Push-up 3x15')}`.",
                    )
                )
            first_use.setdefault(label, entry.line_no)
        previous = label
    return errors


def _relabelled(entry: _Entry, label: str, fallback: str) -> str:
    if entry.line is None:
        return f"{label} {fallback}"
    return format_line(dataclasses.replace(entry.line, superset=label))


# --- small helpers -----------------------------------------------------------------


def _name_problem(name: str, *, labelled: bool) -> str | None:
    """Why ``name`` cannot be an exercise name, or ``None`` when it can.

    An unlabelled name may not look like a label or list number, or formatting it
    would read back differently (``A1 Row`` would become superset A1, name ``Row``).
    """
    if not name:
        return "is missing"
    if len(name) > MAX_NAME_LENGTH:
        return f"is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}"
    if not name[0].isalnum():
        return "must start with a letter or a number"
    if "`" in name:
        return "can't contain backticks"
    if "@" in name:
        return "can't contain `@`: the load goes after the reps"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return "contains an invisible control character"
    if not labelled and (_LABEL_RE.match(name + " ") or _MARKER_RE.match(name + " ")):
        return "would read as a superset label or list number"
    return None


def _guess_name(body: str, labelled: bool) -> str:
    """The likely name in a line with no sets×reps, for the example in the error."""
    name = _collapse_spaces(_NAME_END_RE.split(body, maxsplit=1)[0])
    return name if _name_problem(name, labelled=labelled) is None else _DEFAULT_NAME


# Sets and reps spelled out in words ("squat three by five", "Bench five sets").
# A hyphen keeps a word in the name: "One-arm Row" is an exercise, not a count.
_NUMBER_WORD_RE = re.compile(
    r"(?<=\s)(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|sets?|reps?"
    r"|by|times)(?![\w-])",
    re.IGNORECASE,
)
# Where the name probably ends in a line without sets×reps: a load, a sets-like
# token, a keyword, a later word starting with a digit ("Bench 5 sets of 5"), or
# numbers in words, so the example doesn't repeat them ("squat 3x5").
_NAME_END_RE = re.compile(
    rf"@|[0-9]+\s*[xX×]|(?<!\S)(?:rpe|rest)\b|(?<=\s)[0-9]|{_NUMBER_WORD_RE.pattern}", re.IGNORECASE
)


def _collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str, limit: int = 60) -> str:
    """The member's text inside inline code, column for column (an error points at a position)."""
    return code_safe(text, limit, columns=True)


def _skip(pattern: re.Pattern[str], body: str, pos: int) -> int:
    """Position after whatever ``pattern`` (which may match empty) matches at ``pos``."""
    match = pattern.match(body, pos)
    return match.end() if match else pos


# Numbers longer than this are out of every range; converting them is pointless and
# very long digit strings would trip Python's int-conversion limit.
_MAX_DIGITS = 9


def _to_int(digits: str) -> int:
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


def _to_float(number: str) -> float:
    number = number.replace(",", ".")
    if len(number.split(".")[0]) > _MAX_DIGITS:
        return math.inf
    return float(number)


def _format_number(value: float) -> str:
    return f"{value:.{LOAD_DECIMALS}f}".rstrip("0").rstrip(".")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _valid_rpe(value: float) -> bool:
    return _finite(value) and MIN_RPE <= value <= MAX_RPE and float(value * 2).is_integer()


def _has_at_most_load_decimals(value: float) -> bool:
    return round(value, LOAD_DECIMALS) == value
