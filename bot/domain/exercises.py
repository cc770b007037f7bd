"""The built-in exercise catalogue (SPEC §4 and §4.1).

The catalogue lives in ``data/exercises.toml`` so that coaches can review and extend it
without reading Python; this module is the single gate it passes through. It is read and
validated once per process (``default_catalogue``), and every problem is reported with the
entry it belongs to, because a bad entry should stop start-up with a sentence a reviewer can
act on rather than surface later as a missing autocomplete option.

Names typed by members are messy ("push ups", "Push-Up", "pushup", "DB bench"), so every
lookup goes through ``normalise_name``; routines use it to decide whether an exercise is
from the catalogue or custom, and autocomplete uses ``Catalogue.search``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

DATA_FILE: Final = Path(__file__).with_name("data") / "exercises.toml"

#: Muscle groups, in the order Discord choices show them. Keys are what the data file uses;
#: values are what members read.
MUSCLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "chest": "Chest",
        "back": "Back",
        "lats": "Lats",
        "traps": "Traps",
        "shoulders": "Shoulders",
        "biceps": "Biceps",
        "triceps": "Triceps",
        "forearms": "Forearms",
        "core": "Core",
        "obliques": "Obliques",
        "lower-back": "Lower back",
        "glutes": "Glutes",
        "quads": "Quads",
        "hamstrings": "Hamstrings",
        "calves": "Calves",
        "hip-flexors": "Hip flexors",
        "adductors": "Adductors",
        "abductors": "Abductors",
        "neck": "Neck",
        "full-body": "Full body",
        "cardio": "Cardio",
    }
)

#: Equipment, in the order Discord choices show them. ``bodyweight`` marks moves loaded by
#: the body itself; ``none`` marks moves that need nothing at all (walking, stretches).
EQUIPMENT: Final[Mapping[str, str]] = MappingProxyType(
    {
        "barbell": "Barbell",
        "dumbbell": "Dumbbell",
        "kettlebell": "Kettlebell",
        "machine": "Machine",
        "cable": "Cable",
        "bodyweight": "Bodyweight",
        "band": "Resistance band",
        "pull-up-bar": "Pull-up bar",
        "bench": "Bench",
        "box": "Box",
        "medicine-ball": "Medicine ball",
        "rower": "Rowing machine",
        "bike": "Bike",
        "treadmill": "Treadmill",
        "jump-rope": "Jump rope",
        "sled": "Sled",
        "trap-bar": "Trap bar",
        "ez-bar": "EZ bar",
        "rings": "Gymnastic rings",
        "plate": "Weight plate",
        "none": "No equipment",
    }
)

LEVELS: Final = ("beginner", "intermediate", "advanced")
MEASURES: Final = ("reps", "time", "distance")

#: Equipment that costs nothing to have; ``filter(equipment="none")`` returns exercises
#: whose whole list fits inside it, which is what "no equipment" means to a member.
_NO_KIT: Final = frozenset({"none", "bodyweight"})

_MAX_TEXT = 100  # Discord caps choice names and embed-friendly lines around this length.
_CUES = (3, 5)
_MISTAKES = (2, 4)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = (
    "id",
    "name",
    "aliases",
    "primary",
    "secondary",
    "equipment",
    "level",
    "cues",
    "mistakes",
    "measure",
)
_OPTIONAL = ("staple",)

# Gym shorthand that members type in front of a movement name ("DB row", "KB swing").
_ABBREVIATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {"db": "dumbbell", "kb": "kettlebell", "bb": "barbell", "bw": "bodyweight", "med": "medicine"}
)
_IRREGULAR_PLURALS: Final[Mapping[str, str]] = MappingProxyType({"ups": "up", "calves": "calf"})
_FUZZY_CUTOFF = 0.7
_CLOSE_MATCH_CUTOFF = 0.7  # lower lets unrelated short words in ("burpie" → "bridge")
_FUZZY_MIN_QUERY = 3


class CatalogueError(ValueError):
    """The exercise data file is malformed.

    Carries every problem found, not just the first, so one edit-and-reload cycle is enough
    to fix a batch of new entries.
    """

    def __init__(self, problems: Sequence[str], source: str = "exercise catalogue") -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        self.source = source
        if len(self.problems) == 1:
            message = f"{source}: {self.problems[0]}"
        else:
            listed = "\n".join(f"- {problem}" for problem in self.problems)
            message = f"{source}: {len(self.problems)} problems:\n{listed}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Exercise:
    """One catalogue entry. Tuples rather than lists so entries can be shared and hashed."""

    id: str
    name: str
    aliases: tuple[str, ...]
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    equipment: tuple[str, ...]
    level: str
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    measure: str
    staple: bool = False

    @property
    def muscles(self) -> tuple[str, ...]:
        """Primary then secondary muscles, for scoring similarity between exercises."""
        return self.primary + self.secondary

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a member may use for this exercise, canonical name first."""
        return (self.name, *self.aliases)


def muscle_label(muscle: str) -> str:
    """The member-facing name of a muscle group key (``"lower-back"`` → ``"Lower back"``)."""
    return MUSCLES[muscle]


def equipment_label(equipment: str) -> str:
    """The member-facing name of an equipment key (``"ez-bar"`` → ``"EZ bar"``)."""
    return EQUIPMENT[equipment]


def _singular(word: str) -> str:
    """Light singularisation, enough that "push-ups" and "push-up" meet; not a stemmer."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def normalise_name(text: str) -> str:
    """Reduce an exercise name to the form used for matching.

    Case, accents, punctuation, hyphens and repeated spaces are dropped, plural words are
    made singular and gym shorthand is expanded, so "Push-Ups", "push ups" and "PUSH UP"
    all become ``"push up"``. Words stay separated so the result can also be shown or used
    for prefix search; exact lookups additionally ignore the spaces ("pushup").
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = re.sub(r"[^0-9a-z]+", " ", plain).split()
    singular = [_singular(word) for word in words]
    return " ".join(_ABBREVIATIONS.get(word, word) for word in singular)


def _compact(normalised: str) -> str:
    return normalised.replace(" ", "")


def _sort_key(exercise: Exercise) -> str:
    return exercise.name.casefold()


def _overlap(first: set[str], second: set[str]) -> float:
    """Shared over combined (Jaccard); 1.0 means the same muscle groups."""
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def _resolve(value: str, vocabulary: Mapping[str, str], kind: str) -> str:
    """Accept a vocabulary key or its display name, whatever the case or punctuation."""
    wanted = _compact(normalise_name(value))
    for key, label in vocabulary.items():
        if wanted in (_compact(normalise_name(key)), _compact(normalise_name(label))):
            return key
    known = ", ".join(vocabulary)
    raise ValueError(
        f"Unknown {kind} {value!r}. Use one of: {known} (for example {next(iter(vocabulary))!r})."
    )


@dataclass(frozen=True, slots=True)
class _Term:
    """One searchable spelling of an exercise (its name, an alias or its id)."""

    spaced: str
    compact: str
    exercise: Exercise
    is_name: bool


def _collisions(entries: Iterable[tuple[str, Exercise]]) -> list[str]:
    """Cross-entry clashes: two entries answering to the same id, name or alias.

    ``entries`` pairs each exercise with the label used in messages (its place in the file).
    """
    problems: list[str] = []
    ids: dict[str, str] = {}
    owners: dict[str, tuple[Exercise, str]] = {}
    for label, exercise in entries:
        if exercise.id in ids:
            problems.append(f"{label}: duplicate id, already used by {ids[exercise.id]}")
            continue
        ids[exercise.id] = label
        spellings = [("name", exercise.name), ("id", exercise.id)]
        spellings += [("alias", alias) for alias in exercise.aliases]
        for role, spelling in spellings:
            key = _compact(normalise_name(spelling))
            owner = owners.get(key)
            if owner is None:
                owners[key] = (exercise, role)
            elif owner[0].id != exercise.id:
                problems.append(
                    f"{label}: {role} {spelling!r} clashes with the {owner[1]} of {owner[0].id!r} "
                    "(names and aliases must be unique after normalisation)"
                )
    return problems


class Catalogue:
    """The searchable set of exercises; built once and then only read."""

    def __init__(self, exercises: Iterable[Exercise]) -> None:
        ordered = sorted(exercises, key=_sort_key)
        problems = _collisions((f"exercise {exercise.id!r}", exercise) for exercise in ordered)
        if problems:
            raise CatalogueError(problems)
        self._all: tuple[Exercise, ...] = tuple(ordered)
        self._by_id: dict[str, Exercise] = {exercise.id: exercise for exercise in ordered}
        # Collisions are ruled out above, so each spelling belongs to one exercise; the name
        # is visited first, which keeps its "is a name" rank when an alias normalises to it.
        terms: dict[str, _Term] = {}
        for exercise in ordered:
            for spelling in (exercise.name, *exercise.aliases, exercise.id):
                spaced = normalise_name(spelling)
                compact = _compact(spaced)
                if compact and compact not in terms:
                    terms[compact] = _Term(spaced, compact, exercise, spelling == exercise.name)
        self._terms: tuple[_Term, ...] = tuple(terms.values())
        self._by_key: dict[str, Exercise] = {key: term.exercise for key, term in terms.items()}

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._all)

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def get(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id, or None; ids are stable, names may be reworded."""
        return self._by_id.get(exercise_id)

    def all(self) -> tuple[Exercise, ...]:
        """Every exercise, alphabetical by name."""
        return self._all

    def lookup(self, name: str) -> Exercise | None:
        """The exercise a member meant by ``name`` (its name, an alias or its id), or None.

        Only exact matches after normalisation count: a routine line must never silently
        become a different exercise, so near misses are left to ``close_matches``.
        """
        key = _compact(normalise_name(name))
        return self._by_key.get(key) if key else None

    def search(self, query: str, limit: int = 25) -> list[Exercise]:
        """Exercises for an autocomplete box, best first.

        Order: exact match, a name or alias starting with the query, a later word starting
        with it, any substring, then fuzzy matches to absorb typos. Within a group staples
        come first, then hits on the name before hits on an alias, then alphabetical order.
        An empty query lists the staples first.
        """
        if limit <= 0:
            return []
        spaced = normalise_name(query)
        compact = _compact(spaced)
        if not compact:
            return sorted(self._all, key=lambda ex: (not ex.staple, _sort_key(ex)))[:limit]

        best: dict[str, tuple[int, bool, Exercise]] = {}
        for term in self._terms:
            tier = self._tier(term, spaced, compact)
            if tier is None:
                continue
            rank = (tier, not term.is_name, term.exercise)
            known = best.get(term.exercise.id)
            if known is None or rank[:2] < known[:2]:
                best[term.exercise.id] = rank
        ranked = sorted(
            best.values(), key=lambda item: (item[0], not item[2].staple, item[1], _sort_key(item[2]))
        )
        results = [exercise for _, _, exercise in ranked[:limit]]
        if len(results) < limit and len(compact) >= _FUZZY_MIN_QUERY:
            results += self._fuzzy(spaced, exclude=set(best), limit=limit - len(results))
        return results

    @staticmethod
    def _tier(term: _Term, spaced: str, compact: str) -> int | None:
        if term.compact == compact:
            return 0
        if term.spaced.startswith(spaced) or term.compact.startswith(compact):
            return 1
        if f" {spaced}" in f" {term.spaced}":
            return 2
        if compact in term.compact:
            return 3
        return None

    def _fuzzy(self, spaced: str, exclude: set[str], limit: int) -> list[Exercise]:
        """Typo-tolerant matches, comparing the query with whole spellings and word starts."""
        best: dict[str, tuple[float, Exercise]] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(spaced)
        width = len(spaced)
        for term in self._terms:
            if term.exercise.id in exclude:
                continue
            starts = [0] + [i + 1 for i, char in enumerate(term.spaced) if char == " "]
            pieces = {term.spaced} | {term.spaced[start : start + width] for start in starts}
            score = 0.0
            for piece in pieces:
                matcher.set_seq1(piece)
                if matcher.real_quick_ratio() >= _FUZZY_CUTOFF and matcher.quick_ratio() >= _FUZZY_CUTOFF:
                    score = max(score, matcher.ratio())
            if score >= _FUZZY_CUTOFF:
                known = best.get(term.exercise.id)
                if known is None or score > known[0]:
                    best[term.exercise.id] = (score, term.exercise)
        ranked = sorted(best.values(), key=lambda item: (-item[0], not item[1].staple, _sort_key(item[1])))
        return [exercise for _, exercise in ranked[:limit]]

    def close_matches(self, name: str, n: int = 3) -> list[str]:
        """Canonical names that ``name`` was probably meant to be, for a "did you mean" hint."""
        spaced = normalise_name(name)
        if not spaced or n <= 0:
            return []
        by_spelling = {term.spaced: term.exercise for term in self._terms}
        candidates = difflib.get_close_matches(spaced, list(by_spelling), n=n * 4, cutoff=_CLOSE_MATCH_CUTOFF)
        found: list[str] = []
        for spelling in candidates:
            exercise_name = by_spelling[spelling].name
            if exercise_name not in found:
                found.append(exercise_name)
            if len(found) == n:
                break
        return found

    def filter(self, muscle: str | None = None, equipment: str | None = None) -> list[Exercise]:
        """Exercises training ``muscle`` and/or using ``equipment``.

        Exercises where the muscle is primary come before those where it is secondary, since
        someone browsing "glutes" wants hip thrusts before lunges. ``equipment="none"`` means
        "needs nothing", so it includes plain bodyweight moves. Unknown values raise
        ValueError naming the accepted ones.
        """
        muscle_key = _resolve(muscle, MUSCLES, "muscle group") if muscle else None
        equipment_key = _resolve(equipment, EQUIPMENT, "equipment") if equipment else None
        matches: list[tuple[int, Exercise]] = []
        for exercise in self._all:
            if equipment_key == "none":
                if not set(exercise.equipment) <= _NO_KIT:
                    continue
            elif equipment_key is not None and equipment_key not in exercise.equipment:
                continue
            if muscle_key is None or muscle_key in exercise.primary:
                matches.append((0, exercise))
            elif muscle_key in exercise.secondary:
                matches.append((1, exercise))
        matches.sort(key=lambda item: (item[0], _sort_key(item[1])))
        return [exercise for _, exercise in matches]

    def alternatives(self, exercise: Exercise, limit: int = 5) -> list[Exercise]:
        """Other exercises for the same primary muscles, for when the kit is taken or missing.

        Ranked by primary-muscle overlap, then by shared equipment (the likeliest swap in the
        same corner of the gym), then overall muscle overlap and closeness in level. Overlap
        is shared / combined muscles rather than a raw count, so a lift that trains five
        things does not outrank a close variant of a two-muscle lift.
        """
        primary = set(exercise.primary)
        muscles = set(exercise.muscles)
        equipment = set(exercise.equipment)
        level = LEVELS.index(exercise.level)
        scored: list[tuple[tuple[float, int, float, int, str], Exercise]] = []
        for other in self._all:
            if other.id == exercise.id or not primary & set(other.primary):
                continue
            key = (
                -_overlap(primary, set(other.primary)),
                -len(equipment & set(other.equipment)),
                -_overlap(muscles, set(other.muscles)),
                abs(level - LEVELS.index(other.level)),
                _sort_key(other),
            )
            scored.append((key, other))
        scored.sort(key=lambda item: item[0])
        return [other for _, other in scored[: max(limit, 0)]]


def _text_list(
    entry: Mapping[str, Any], field: str, label: str, problems: list[str], *, allow_empty: bool = True
) -> tuple[str, ...]:
    value = entry.get(field)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f'{label}: {field} must be a list of strings, e.g. {field} = ["..."]')
        return ()
    items = tuple(item.strip() for item in value)
    if not allow_empty and not items:
        problems.append(f"{label}: {field} must not be empty")
    for item in items:
        if not item:
            problems.append(f"{label}: {field} contains an empty string")
        elif len(item) > _MAX_TEXT:
            problems.append(
                f"{label}: {field} item is {len(item)} characters (max {_MAX_TEXT}): {item[:40]!r}…"
            )
    if len(set(items)) != len(items):
        problems.append(f"{label}: {field} lists the same value twice")
    return items


def _vocabulary_list(
    entry: Mapping[str, Any], field: str, vocabulary: Mapping[str, str], label: str, problems: list[str]
) -> tuple[str, ...]:
    items = _text_list(entry, field, label, problems, allow_empty=field == "secondary")
    kind = "equipment" if vocabulary is EQUIPMENT else "muscle"
    for item in items:
        if item not in vocabulary:
            problems.append(f"{label}: unknown {kind} {item!r} in {field} (known: {', '.join(vocabulary)})")
    return items


def _parse_entry(entry: object, index: int, problems: list[str]) -> Exercise | None:
    """Check one ``[[exercise]]`` table; append problems and return None if it is unusable."""
    if not isinstance(entry, dict):
        problems.append(f"entry #{index}: expected a table of fields, got {type(entry).__name__}")
        return None
    raw_id = entry.get("id")
    label = f"entry #{index} {raw_id!r}" if isinstance(raw_id, str) else f"entry #{index}"
    before = len(problems)

    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        problems.append(f"{label}: unknown field(s) {', '.join(unknown)}")
    missing = [field for field in _REQUIRED if field not in entry]
    if missing:
        problems.append(f"{label}: missing field(s) {', '.join(missing)}")
        return None

    if not isinstance(raw_id, str) or not _SLUG.match(raw_id):
        problems.append(f"{label}: id must be a lowercase slug such as 'back-squat'")
    name = entry["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > _MAX_TEXT:
        problems.append(f"{label}: name must be text of 1-{_MAX_TEXT} characters")
    elif not normalise_name(name):
        problems.append(f"{label}: name {name!r} has no letters or digits")

    aliases = _text_list(entry, "aliases", label, problems)
    for alias in aliases:
        if alias and not normalise_name(alias):
            problems.append(f"{label}: alias {alias!r} has no letters or digits")
    primary = _vocabulary_list(entry, "primary", MUSCLES, label, problems)
    secondary = _vocabulary_list(entry, "secondary", MUSCLES, label, problems)
    overlap = sorted(set(primary) & set(secondary))
    if overlap:
        problems.append(f"{label}: {', '.join(overlap)} listed as both primary and secondary")
    equipment = _vocabulary_list(entry, "equipment", EQUIPMENT, label, problems)

    level = entry["level"]
    if level not in LEVELS:
        problems.append(f"{label}: level {level!r} must be one of {', '.join(LEVELS)}")
    measure = entry["measure"]
    if measure not in MEASURES:
        problems.append(f"{label}: measure {measure!r} must be one of {', '.join(MEASURES)}")

    cues = _text_list(entry, "cues", label, problems)
    if not _CUES[0] <= len(cues) <= _CUES[1]:
        problems.append(f"{label}: has {len(cues)} cues, needs {_CUES[0]}-{_CUES[1]}")
    mistakes = _text_list(entry, "mistakes", label, problems)
    if not _MISTAKES[0] <= len(mistakes) <= _MISTAKES[1]:
        problems.append(f"{label}: has {len(mistakes)} mistakes, needs {_MISTAKES[0]}-{_MISTAKES[1]}")

    staple = entry.get("staple", False)
    if not isinstance(staple, bool):
        problems.append(f"{label}: staple must be true or false")

    if len(problems) > before:
        return None
    return Exercise(
        id=str(raw_id),
        name=str(name).strip(),
        aliases=aliases,
        primary=primary,
        secondary=secondary,
        equipment=equipment,
        level=str(level),
        cues=cues,
        mistakes=mistakes,
        measure=str(measure),
        staple=bool(staple),
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (the built-in one by default).

    Not cached: tests and tooling pass their own files. Application code should call
    ``default_catalogue`` instead.
    """
    source = path or DATA_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(["file not found"], str(source)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogueError([f"not valid TOML: {error}"], str(source)) from error

    entries = data.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(["expected one or more [[exercise]] tables"], str(source))
    stray = sorted(set(data) - {"exercise"})
    problems = [f"unknown top-level key(s) {', '.join(stray)}"] if stray else []

    parsed: list[tuple[str, Exercise]] = []
    for index, entry in enumerate(entries, start=1):
        exercise = _parse_entry(entry, index, problems)
        if exercise is not None:
            parsed.append((f"entry #{index} {exercise.id!r}", exercise))
    problems += _collisions(parsed)
    if problems:
        raise CatalogueError(problems, str(source))
    return Catalogue(exercise for _, exercise in parsed)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The built-in catalogue, loaded and validated on first use and shared afterwards."""
    return load_catalogue()
