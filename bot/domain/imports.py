"""Workout history from CSV files: Strong and Hevy exports, and Repmate's own generic CSV.

Reading is pure: bytes in, sessions of sets out, with every row that could not be read
listed by its line number and why. The file's kind is recognised by its header row:

* **Strong** — ``Date, Workout Name, Exercise Name, Set Order, Weight, Reps, …``, comma
  or semicolon separated. Older exports carry a ``Weight Unit`` column (``kg``/``lbs``);
  newer ones don't, so weights are read in the member's units. ``Rest Timer`` rows are
  not sets and are passed over. Dates have no zone.
* **Hevy** — ``title, start_time, …, exercise_title, superset_id, set_index, set_type,
  weight_kg`` (or ``weight_lbs``) ``, reps, …, duration_seconds, rpe``; dates like
  ``26 Jul 2025, 07:06``, without a zone.
* **Generic** — :data:`GENERIC_COLUMNS`, what ``/log export`` writes: ISO 8601 dates with
  or without an offset, a unit per row, bodyweight and percentage loads said outright.

Dates without a zone are read in the member's zone. Rows of a superset may come
interleaved (A, B, A, B): each exercise keeps its own sets in order. A set with a time
and no reps is a timed set; a set without a weight of an exercise done with bodyweight
(in Strong and Hevy files) is a bodyweight set, its weight any load added.

Each set gets a :func:`fingerprint` from what it is (when, which exercise, its number
within the exercise that session, reps, load, time), so importing a file twice, or a
later export that overlaps an earlier one, adds nothing twice; a set logged in Repmate
and exported fingerprints the same way when it comes back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.exercises import Catalogue, Exercise, normalise_name
from bot.domain.localtime import local_to_utc
from bot.domain.units import WeightSystem, kg_to_lb, lb_to_kg

Source = Literal["strong", "hevy", "generic"]
LoadKind = Literal["weight", "bw", "percent"]

#: Refused beyond these, before anything is read (bytes) or kept (rows).
MAX_BYTES = 5_000_000
MAX_ROWS = 100_000

#: Column limits of the log (``workout_sets.exercise``, ``workout_sessions.routine_name``).
EXERCISE_NAME_MAX = 60
WORKOUT_NAME_MAX = 80
NOTES_MAX = 500
MAX_REPS = 1000
MAX_SECONDS = 24 * 3600
MAX_WEIGHT_KG = 1000.0
MAX_PERCENT = 150.0

#: The generic CSV's columns, in the order ``/log export`` writes them.
GENERIC_COLUMNS = (
    "date",
    "workout",
    "exercise",
    "set",
    "reps",
    "weight",
    "unit",
    "bodyweight",
    "percent",
    "seconds",
    "rpe",
    "notes",
)

SOURCE_NAMES: dict[Source, str] = {"strong": "Strong", "hevy": "Hevy", "generic": "generic CSV"}

#: Equipment of moves whose load is the body itself: a set of them without a weight is a
#: bodyweight set, and a weight on one is load added (a weighted pull-up).
_BODY_LOADS = frozenset({"bodyweight", "pull-up-bar", "rings"})
_NOTHING_TO_LOAD = frozenset({"none", "box", "bench"})

#: What the brackets of ``Bench Press (Barbell)`` may say, as catalogue equipment.
_EQUIPMENT_WORDS = {
    "barbell": "barbell",
    "dumbbell": "dumbbell",
    "kettlebell": "kettlebell",
    "machine": "machine",
    "smith machine": "machine",
    "cable": "cable",
    "bodyweight": "bodyweight",
    "band": "band",
    "ez bar": "ez-bar",
    "trap bar": "trap-bar",
    "plate": "plate",
}
_BRACKETED = re.compile(r"^(?P<base>.*?)\s*\((?P<kit>[^()]*)\)\s*$")


class ImportFileError(ValueError):
    """The file as a whole can't be read (not CSV, unknown columns, too many rows)."""


class ImportedSet(NamedTuple):
    """One set ready for the log: loads in kg, numbered within its exercise that session."""

    line: int
    position: int
    exercise: str
    exercise_key: str
    set_no: int
    reps: int | None
    load_kind: LoadKind | None
    weight_kg: float | None
    percent: float | None
    duration_s: int | None
    fingerprint: str


@dataclass(frozen=True)
class ImportedSession:
    performed_at: datetime
    name: str | None
    rpe: int | None
    notes: str | None
    sets: tuple[ImportedSet, ...]

    @property
    def volume_kg(self) -> float:
        return session_volume(self.sets)


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True)
class ExerciseMatch:
    """How one name in the file was read: the catalogue exercise, or a custom one."""

    file_name: str
    name: str
    key: str
    custom: bool


@dataclass(frozen=True)
class ParsedImport:
    source: Source
    sessions: tuple[ImportedSession, ...]
    problems: tuple[RowProblem, ...]
    rows: int
    #: Rows that are not sets and were passed over (Strong's rest timers, blank rows).
    passed_over: int
    exercises: tuple[ExerciseMatch, ...]
    #: The weight unit assumed where the file doesn't say (None when every row says).
    assumed_unit: WeightSystem | None
    #: Whether any date was read in the member's zone (it had none of its own).
    zoned_locally: bool
    #: Sets that appeared twice in the file itself (same fingerprint): kept once.
    repeated: int = 0

    @property
    def set_count(self) -> int:
        return sum(len(s.sets) for s in self.sessions)


# -- small readers ------------------------------------------------------------------------------


class _RowError(ValueError):
    pass


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _number(value: str, what: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if number >= 0 and math.isfinite(number):
            return number
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        raise _RowError(f"{what} `{_clip(text)}` isn't a number") from None
    if not math.isfinite(number) or number < 0:
        raise _RowError(f"{what} `{_clip(text)}` isn't a number of 0 or more")
    return number


def _whole(value: str, what: str, limit: float) -> int | None:
    number = _number(value, what)
    if number is None:
        return None
    if number != int(number):
        raise _RowError(f"{what} `{_clip(value.strip())}` isn't a whole number")
    if number > limit:
        raise _RowError(f"{what} {int(number)} is more than {int(limit):,}")
    return int(number)


def _clip(text: str, limit: int = 30) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%Y-%m-%d",
)


class _Dates:
    """Reads a date once per distinct text (a session's rows all repeat it)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.local = False
        self._seen: dict[str, datetime | str] = {}

    def read(self, raw: str) -> datetime:
        found = self._seen.get(raw)
        if found is None:
            try:
                found = self._seen[raw] = self._parse(raw)
            except _RowError as err:
                # A file of 100,000 unreadable dates is read once per distinct text, too.
                found = self._seen[raw] = str(err)
        if isinstance(found, str):
            raise _RowError(found)
        return found

    def _parse(self, raw: str) -> datetime:
        text = " ".join(raw.replace("\u202f", " ").replace("\xa0", " ").split())
        if not text:
            raise _RowError("the date is empty")
        parsed: datetime | None = None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            for pattern in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 - zoned just below
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise _RowError(f"the date `{_clip(text)}` isn't one I can read, e.g. `2026-03-02 18:30`")
        if parsed.tzinfo is None:
            self.local = True
            parsed = local_to_utc(parsed.date(), parsed.time(), self.zone)
        return parsed.astimezone(UTC).replace(microsecond=0)


# -- matching ---------------------------------------------------------------------------------------


def custom_key(name: str) -> str:
    """The log's key for an exercise the catalogue doesn't know (as ``/log workout`` makes it)."""
    return f"custom:{normalise_name(name) or name.casefold()}"[:120]


def match_exercise(name: str, catalogue: Catalogue) -> Exercise | None:
    """The catalogue exercise an exported name means, or None for a custom one.

    Strong and Hevy name exercises ``Bench Press (Barbell)``: the bracket is tried as a
    prefix (``Barbell Bench Press``), then the bare name when that exercise is done with
    the bracket's equipment — ``Squat (Dumbbell)`` never becomes a barbell back squat.
    """
    found = catalogue.lookup(name)
    if found is not None:
        return found
    bracketed = _BRACKETED.match(name)
    if bracketed is None:
        return None
    base = bracketed["base"]
    for word in (normalise_name(part) for part in re.split(r"[-/,]", bracketed["kit"])):
        equipment = _EQUIPMENT_WORDS.get(word)
        if equipment is None:
            continue
        prefixed = catalogue.lookup(f"{word} {base}")
        if prefixed is not None:
            return prefixed
        bare = catalogue.lookup(base)
        if bare is not None and equipment in bare.equipment:
            return bare
    return None


def done_with_bodyweight(exercise: Exercise) -> bool:
    """Moves that can be done with the body as the load (dips, pull-ups, planks)."""
    kit = set(exercise.equipment)
    return bool(kit & _BODY_LOADS) or kit <= _NOTHING_TO_LOAD


class _Matcher:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.seen: dict[str, tuple[ExerciseMatch, Exercise | None]] = {}

    def read(self, raw_name: str) -> tuple[ExerciseMatch, Exercise | None]:
        found = self.seen.get(raw_name)
        if found is None:
            exercise = match_exercise(raw_name, self.catalogue)
            if exercise is not None:
                match = ExerciseMatch(raw_name, exercise.name, exercise.id, False)
            else:
                name = _shorten(raw_name, EXERCISE_NAME_MAX)
                match = ExerciseMatch(raw_name, name, custom_key(name), True)
            found = self.seen[raw_name] = (match, exercise)
        return found


# -- fingerprints -----------------------------------------------------------------------------------


def _fp_number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2):.2f}"


def fingerprint(
    performed_at: datetime,
    exercise_key: str,
    set_no: int,
    reps: int | None,
    load_kind: str | None,
    weight_kg: float | None,
    percent: float | None,
    duration_s: int | None,
) -> str:
    """A set's identity, the same however it reached the log (to the second, to 0.01 kg).

    24 hex digits: the time in seconds, then a hash of the rest. Leading with the time keeps
    a history's fingerprints in nearly ascending order, so the unique index over them
    grows at its end instead of splitting pages all over when 100,000 arrive at once.
    """
    moment = max(0, int(performed_at.timestamp()))
    text = "|".join(
        (
            exercise_key,
            str(set_no),
            "" if reps is None else str(reps),
            load_kind or "",
            _fp_number(weight_kg),
            _fp_number(percent),
            "" if duration_s is None else str(duration_s),
        )
    )
    return f"{moment:010x}"[-10:] + hashlib.blake2b(text.encode(), digest_size=7).hexdigest()


def session_volume(sets: Iterable[ImportedSet]) -> float:
    """Volume as the log counts it: reps × load of sets with an absolute weight."""
    return sum((s.reps or 0) * (s.weight_kg or 0.0) for s in sets if s.load_kind == "weight")


# -- reading a file ---------------------------------------------------------------------------------


class _Row(NamedTuple):
    """One set as read from a row, before the session numbers it."""

    line: int
    session: tuple[str, str]
    performed_at: datetime
    workout: str | None
    exercise: str
    reps: int | None
    kg: float | None
    #: Whether the weight's unit came from the file (else the member's units were assumed).
    unit_given: bool
    bodyweight: bool | None
    percent: float | None
    seconds: int | None
    rpe: int | None = None
    notes: str | None = None


def _header_key(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().strip('"').casefold().split())


def _detect(header: Sequence[str]) -> tuple[Source, dict[str, int]]:
    columns = {_header_key(h): i for i, h in enumerate(header)}
    if {"date", "workout name", "exercise name", "set order"} <= columns.keys():
        return "strong", columns
    if {"title", "start_time", "exercise_title"} <= columns.keys():
        return "hevy", columns
    if {"date", "exercise"} <= columns.keys() and ({"reps", "seconds"} & columns.keys()):
        return "generic", columns
    shown = ", ".join(_clip(h.strip(), 24) for h in header[:6]) or "nothing"
    raise ImportFileError(
        f"The first line ({shown}) isn't the header of a Strong or Hevy export, or of the generic "
        "CSV: I recognise a file by its column names."
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), or UTF-16 with one."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file isn't UTF-8 text. Export it again from the app, or save it as “CSV UTF-8”."
        ) from None


def _unit(text: str, what: str = "the unit") -> WeightSystem | None:
    value = text.strip().casefold()
    if not value:
        return None
    if value in ("kg", "kgs", "kilograms", "kilogram"):
        return "kg"
    if value in ("lb", "lbs", "pounds", "pound"):
        return "lb"
    raise _RowError(f"{what} `{_clip(text.strip())}` isn't `kg` or `lb`")


def _yes(text: str) -> bool:
    value = text.strip().casefold()
    if value in ("", "no", "n", "false", "0"):
        return False
    if value in ("yes", "y", "true", "1", "bw", "bodyweight"):
        return True
    raise _RowError(f"bodyweight `{_clip(text.strip())}` isn't `yes` or empty")


#: Where each field comes from, per kind of file: the first of the named columns present.
_FIELDS: dict[Source, dict[str, tuple[str, ...]]] = {
    "strong": {
        "date": ("date",),
        "workout": ("workout name",),
        "exercise": ("exercise name",),
        "order": ("set order",),
        "unit": ("weight unit",),
        "reps": ("reps",),
        "weight": ("weight",),
        "seconds": ("seconds",),
        "distance": ("distance",),
        "notes": ("workout notes",),
    },
    "hevy": {
        "date": ("start_time",),
        "workout": ("title",),
        "exercise": ("exercise_title",),
        "reps": ("reps",),
        "weight": ("weight_kg", "weight_lbs"),
        "seconds": ("duration_seconds",),
        "distance": ("distance_km", "distance_miles"),
        "notes": ("description",),
    },
    "generic": {
        "date": ("date",),
        "workout": ("workout",),
        "exercise": ("exercise",),
        "unit": ("unit",),
        "reps": ("reps",),
        "weight": ("weight",),
        "bodyweight": ("bodyweight",),
        "percent": ("percent",),
        "seconds": ("seconds",),
        "rpe": ("rpe",),
        "notes": ("notes",),
    },
}


class _RowReader:
    """Reads rows of one file: column positions are looked up once, names cleaned once."""

    def __init__(self, source: Source, columns: dict[str, int], dates: _Dates, units: WeightSystem) -> None:
        self.source = source
        self.dates = dates
        self.units = units
        #: Hevy names the unit in the weight column's name.
        self.fixed_unit: WeightSystem | None = (
            ("lb" if "weight_lbs" in columns else "kg") if source == "hevy" else None
        )
        # A missing column reads the empty cell added at the end of every row (index -1).
        at = {name: -1 for fields in _FIELDS.values() for name in fields}
        for name, candidates in _FIELDS[source].items():
            at[name] = next((columns[c] for c in candidates if c in columns), -1)
        self.width = max(columns.values(), default=0) + 1
        (
            self.i_date,
            self.i_workout,
            self.i_exercise,
            self.i_order,
            self.i_unit,
            self.i_reps,
            self.i_weight,
            self.i_seconds,
            self.i_distance,
            self.i_notes,
            self.i_bodyweight,
            self.i_percent,
            self.i_rpe,
        ) = (
            at[name]
            for name in (
                "date",
                "workout",
                "exercise",
                "order",
                "unit",
                "reps",
                "weight",
                "seconds",
                "distance",
                "notes",
                "bodyweight",
                "percent",
                "rpe",
            )
        )
        self.unit_column = "the weight unit" if source == "strong" else "the unit"
        self._clean: dict[str, str] = {}

    def _name(self, raw: str) -> str:
        clean = self._clean.get(raw)
        if clean is None:
            clean = self._clean[raw] = _text(raw)
        return clean

    def read(self, row: list[str], line: int) -> _Row | None:
        """One row as a set, None for a row that is no set (a rest timer), or a _RowError."""
        if not "".join(row).strip():
            return None
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        row.append("")
        if self.source == "strong" and row[self.i_order].strip().casefold() in ("rest timer", "note"):
            return None
        raw_date = row[self.i_date]
        performed_at = self.dates.read(raw_date)
        exercise = self._name(row[self.i_exercise])
        if not exercise:
            raise _RowError("the exercise name is empty")
        workout = self._name(row[self.i_workout])
        unit = self.fixed_unit or _unit(row[self.i_unit], self.unit_column)
        reps = _whole(row[self.i_reps], "reps", MAX_REPS)
        weight = _number(row[self.i_weight], "the weight")
        in_unit = unit or self.units
        kg = None if weight is None else (lb_to_kg(weight) if in_unit == "lb" else weight)
        if kg is not None and kg > MAX_WEIGHT_KG:
            raise _RowError(f"the weight, {weight:g} {in_unit}, is more than {MAX_WEIGHT_KG:g} kg")
        seconds_number = _number(row[self.i_seconds], "the time in seconds")
        seconds = round(seconds_number) if seconds_number else None
        if seconds is not None and seconds > MAX_SECONDS:
            raise _RowError(f"the time, {seconds:,} seconds, is more than a day")
        bodyweight: bool | None = None
        percent: float | None = None
        rpe: int | None = None
        if self.source == "generic":
            bodyweight = _yes(row[self.i_bodyweight])
            percent = _number(row[self.i_percent], "the percentage")
            if percent is not None and not (0 < percent <= MAX_PERCENT):
                raise _RowError(f"the percentage {percent:g} isn't between 1 and {MAX_PERCENT:g}")
            rpe = _whole(row[self.i_rpe], "RPE", 10)
            if rpe is not None and rpe < 1:
                raise _RowError("RPE is a whole number from 1 to 10")
        if not reps and seconds is None:
            if _number(row[self.i_distance], "the distance"):
                raise _RowError("a distance without a time can't be logged (the log keeps reps and times)")
            raise _RowError("the set has no reps and no time")
        notes = self._name(row[self.i_notes])
        return _Row(
            line,
            (raw_date.strip(), workout),
            performed_at,
            _shorten(workout, WORKOUT_NAME_MAX) if workout else None,
            exercise,
            reps or None,
            kg,
            unit is not None,
            bodyweight,
            percent,
            seconds,
            rpe,
            _shorten(notes, NOTES_MAX) if notes else None,
        )


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) for every record after the header."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = next(reader, None)
    if header is None:
        return
    yield 1, header
    last = reader.line_num
    for row in reader:
        yield last + 1, row
        last = reader.line_num


def parse_import(
    data: bytes,
    *,
    zone: ZoneInfo,
    units: WeightSystem,
    catalogue: Catalogue,
    max_rows: int = MAX_ROWS,
) -> ParsedImport:
    """Read a whole file. Raises :class:`ImportFileError` when the file itself is unusable;
    rows that can't be read are listed in ``problems`` and the rest are kept."""
    text = decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    first_line = text.split("\n", 1)[0]
    records = _records(text, _delimiter(first_line))
    try:
        _, header = next(records)
    except (StopIteration, csv.Error):
        raise ImportFileError("The file is empty.") from None
    source, columns = _detect(header)
    dates = _Dates(zone)
    reader = _RowReader(source, columns, dates, units)
    matcher = _Matcher(catalogue)
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    count = passed_over = 0
    last_line = 1
    unit_assumed = False
    try:
        for line, record in records:
            count += 1
            last_line = line
            if count > max_rows:
                raise ImportFileError(
                    f"The file has more than {max_rows:,} rows; the limit is {max_rows:,} a file. "
                    "Split the file in a spreadsheet between workouts, each part with the header line, "
                    "and import the parts one after another."
                )
            try:
                read = reader.read(record, line)
            except _RowError as err:
                problems.append(RowProblem(line, str(err)))
                continue
            if read is None:
                passed_over += 1
                continue
            if read.kg and not read.unit_given:
                unit_assumed = True
            rows.append(read)
    except csv.Error as err:
        raise ImportFileError(f"The file isn't valid CSV after line {last_line}: {err}.") from None
    sessions, repeated = _sessions(rows, source, matcher)
    exercises = tuple(sorted((m for m, _ in matcher.seen.values()), key=lambda m: m.name.casefold()))
    used = {s.exercise_key for session in sessions for s in session.sets}
    return ParsedImport(
        source=source,
        sessions=sessions,
        problems=tuple(problems),
        rows=count,
        passed_over=passed_over,
        exercises=tuple(m for m in exercises if m.key in used),
        assumed_unit=units if unit_assumed else None,
        zoned_locally=dates.local,
        repeated=repeated,
    )


def _load(
    row: _Row, exercise: Exercise | None, source: Source
) -> tuple[LoadKind | None, float | None, float | None]:
    """(load kind, kg, percent) of a row: the generic CSV says it, app exports are inferred."""
    kg = row.kg
    if source == "generic":
        if row.percent is not None:
            return "percent", None, row.percent
        if row.bodyweight:
            return "bw", kg or 0.0, None
        return ("weight", kg, None) if kg else (None, None, None)
    if exercise is None:
        # A custom exercise: a weight is a load; none is most likely bodyweight.
        return ("weight", kg, None) if kg else ("bw", 0.0, None)
    if done_with_bodyweight(exercise):
        return "bw", kg or 0.0, None
    return ("weight", kg, None) if kg else (None, None, None)


def _sessions(rows: list[_Row], source: Source, matcher: _Matcher) -> tuple[tuple[ImportedSession, ...], int]:
    grouped: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        grouped.setdefault(row.session, []).append(row)
    sessions: list[ImportedSession] = []
    seen: set[str] = set()
    repeated = 0
    for group in grouped.values():
        first = group[0]
        when = first.performed_at
        positions: dict[str, int] = {}
        numbers: dict[str, int] = {}
        sets: list[ImportedSet] = []
        for row in group:
            match, exercise = matcher.read(row.exercise)
            kind, kg, percent = _load(row, exercise, source)
            key = match.key
            position = positions.setdefault(key, len(positions) + 1)
            number = numbers[key] = numbers.get(key, 0) + 1
            print_ = fingerprint(when, key, number, row.reps, kind, kg, percent, row.seconds)
            if print_ in seen:
                repeated += 1
                continue
            seen.add(print_)
            sets.append(
                ImportedSet(
                    line=row.line,
                    position=position,
                    exercise=match.name,
                    exercise_key=key,
                    set_no=number,
                    reps=row.reps,
                    load_kind=kind,
                    weight_kg=kg,
                    percent=percent,
                    duration_s=row.seconds,
                    fingerprint=print_,
                )
            )
        if sets:
            sessions.append(
                ImportedSession(
                    performed_at=when,
                    name=first.workout,
                    rpe=next((r.rpe for r in group if r.rpe is not None), None),
                    notes=next((r.notes for r in group if r.notes), None),
                    sets=tuple(sets),
                )
            )
    sessions.sort(key=lambda s: s.performed_at)
    return tuple(sessions), repeated


# -- writing the generic CSV ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSet:
    """One stored set as ``/log export`` writes it."""

    performed_at: datetime
    workout: str | None
    exercise: str
    set_no: int
    reps: int | None
    load_kind: str | None
    weight_kg: float | None
    percent: float | None
    duration_s: int | None
    rpe: int | None
    notes: str | None


def _decimal(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def export_row(item: ExportSet, zone: ZoneInfo, units: WeightSystem) -> list[str]:
    when = item.performed_at.astimezone(zone).replace(microsecond=0).isoformat()
    weight = ""
    if item.weight_kg is not None and (item.load_kind == "weight" or item.weight_kg > 0):
        weight = _decimal(kg_to_lb(item.weight_kg) if units == "lb" else item.weight_kg)
    return [
        when,
        item.workout or "",
        item.exercise,
        str(item.set_no),
        "" if item.reps is None else str(item.reps),
        weight,
        units if weight else "",
        "yes" if item.load_kind == "bw" else "",
        "" if item.percent is None else _decimal(item.percent),
        "" if item.duration_s is None else str(item.duration_s),
        "" if item.rpe is None else str(item.rpe),
        " ".join((item.notes or "").split()),
    ]


def _csv_text(rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def write_generic_csv(items: Iterable[ExportSet], zone: ZoneInfo, units: WeightSystem) -> bytes:
    """The generic CSV (UTF-8, comma separated, a header line), rows in the order given."""
    return _csv_text([GENERIC_COLUMNS, *(export_row(item, zone, units) for item in items)])


def generic_csv_parts(
    items: Sequence[ExportSet], zone: ZoneInfo, units: WeightSystem, limit: int, max_rows: int = MAX_ROWS
) -> list[bytes]:
    """The generic CSV in parts of at most ``limit`` bytes and ``max_rows`` rows, each with the
    header line, cut only between workouts: sets are numbered within a workout, so a workout
    split over two files would not read back the same."""
    header = _csv_text([GENERIC_COLUMNS])
    parts: list[bytes] = []
    current: list[bytes] = []
    size, rows = len(header), 0
    for _, group in itertools.groupby(items, key=lambda i: (i.performed_at, i.workout)):
        lines = [export_row(item, zone, units) for item in group]
        chunk = _csv_text(lines)
        if len(header) + len(chunk) > limit or len(lines) > max_rows:
            raise ValueError("a single workout is larger than one file may be")
        if current and (size + len(chunk) > limit or rows + len(lines) > max_rows):
            parts.append(header + b"".join(current))
            current, size, rows = [], len(header), 0
        current.append(chunk)
        size += len(chunk)
        rows += len(lines)
    if current or not parts:
        parts.append(header + b"".join(current))
    return parts


def day_range(sessions: Sequence[ImportedSession], zone: ZoneInfo) -> tuple[date, date] | None:
    if not sessions:
        return None
    days = [s.performed_at.astimezone(zone).date() for s in sessions]
    return min(days), max(days)


__all__ = [
    "GENERIC_COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "SOURCE_NAMES",
    "ExerciseMatch",
    "ExportSet",
    "ImportFileError",
    "ImportedSession",
    "ImportedSet",
    "ParsedImport",
    "RowProblem",
    "custom_key",
    "day_range",
    "decode",
    "done_with_bodyweight",
    "export_row",
    "fingerprint",
    "generic_csv_parts",
    "match_exercise",
    "parse_import",
    "session_volume",
    "write_generic_csv",
]
