"""The exercise catalogue: its data, how names are matched, and how a bad file is reported."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.exercises import (
    EQUIPMENT,
    LEVELS,
    MEASURES,
    MUSCLES,
    Catalogue,
    CatalogueError,
    Exercise,
    default_catalogue,
    equipment_label,
    load_catalogue,
    muscle_label,
    normalise_name,
)

CATALOGUE = default_catalogue()


def names(exercises: list[Exercise]) -> list[str]:
    return [exercise.name for exercise in exercises]


# ---------------------------------------------------------------- the data itself


def test_catalogue_is_large_enough() -> None:
    assert len(CATALOGUE) >= 170
    assert len(CATALOGUE.all()) == len(CATALOGUE)


@pytest.mark.parametrize("exercise", CATALOGUE.all(), ids=lambda exercise: exercise.id)
def test_every_entry_is_well_formed(exercise: Exercise) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", exercise.id)
    assert exercise.name.strip() == exercise.name and 0 < len(exercise.name) <= 100
    assert exercise.primary, "every exercise trains something"
    assert set(exercise.primary) <= set(MUSCLES)
    assert set(exercise.secondary) <= set(MUSCLES)
    assert not set(exercise.primary) & set(exercise.secondary)
    assert exercise.equipment and set(exercise.equipment) <= set(EQUIPMENT)
    assert exercise.level in LEVELS
    assert exercise.measure in MEASURES
    assert 3 <= len(exercise.cues) <= 5
    assert 2 <= len(exercise.mistakes) <= 4
    for line in (*exercise.cues, *exercise.mistakes, *exercise.aliases):
        assert line and len(line) <= 100
    assert CATALOGUE.lookup(exercise.name) is exercise
    for alias in exercise.aliases:
        assert CATALOGUE.lookup(alias) is exercise, alias


def test_every_vocabulary_choice_finds_something() -> None:
    """A Discord choice that always returns an empty page would be a dead end."""
    for muscle in MUSCLES:
        assert CATALOGUE.filter(muscle=muscle), muscle
    for equipment in EQUIPMENT:
        assert CATALOGUE.filter(equipment=equipment), equipment


@pytest.mark.parametrize(
    "name",
    [
        # interval-workout movements
        "Wall Ball",
        "Thruster",
        "Kettlebell Swing",
        "Double-Under",
        "Toes-to-Bar",
        "Air Squat",
        "Sit-Up",
        "Mountain Climber",
        "Burpee",
        "Box Jump",
        "Kipping Pull-Up",
        "Handstand Push-Up",
        "Walking Lunge",
        "Reverse Lunge",
        # conditioning
        "Row",
        "Air Bike",
        "Run",
        "Jump Rope",
        # mobility and core
        "Plank",
        "Side Plank",
        "Dead Bug",
        "Bird Dog",
        # olympic lifts
        "Snatch",
        "Clean and Jerk",
        "Power Clean",
        # the routine examples in the spec
        "Back Squat",
        "Romanian Deadlift",
        "Pull-Up",
        "Push-Up",
        "Bench Press",
    ],
)
def test_expected_movements_are_present(name: str) -> None:
    exercise = CATALOGUE.lookup(name)
    assert exercise is not None and exercise.name == name


@pytest.mark.parametrize(
    ("name", "measure"),
    [("Plank", "time"), ("Farmer's Carry", "distance"), ("Row", "distance"), ("Back Squat", "reps")],
)
def test_holds_and_carries_are_measured_sensibly(name: str, measure: str) -> None:
    exercise = CATALOGUE.lookup(name)
    assert exercise is not None and exercise.measure == measure


def test_exercises_are_immutable() -> None:
    squat = CATALOGUE.get("back-squat")
    assert squat is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        squat.name = "Squat"  # type: ignore[misc]


def test_default_catalogue_is_loaded_once() -> None:
    assert default_catalogue() is default_catalogue()


# ---------------------------------------------------------------- vocabularies


def test_vocabularies_fit_discord_choices() -> None:
    assert len(MUSCLES) <= 25 and len(EQUIPMENT) <= 25
    assert muscle_label("lower-back") == "Lower back"
    assert muscle_label("hip-flexors") == "Hip flexors"
    assert equipment_label("pull-up-bar") == "Pull-up bar"
    assert equipment_label("none") == "No equipment"
    assert list(MUSCLES)[:2] == ["chest", "back"]


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Push-Ups", "push up"),
        ("  PUSH   up ", "push up"),
        ("Farmer’s Walk", "farmer walk"),
        ("Crunches", "crunch"),
        ("Bench Presses", "bench press"),
        ("DB row", "dumbbell row"),
        ("KB Swings", "kettlebell swing"),
        ("C&J", "c and j"),
        ("90/90 Hip Switch", "90 90 hip switch"),
        ("Calves", "calf"),
        ("abs", "abs"),
        ("", ""),
    ],
)
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


@given(st.text())
def test_normalise_name_is_idempotent_and_plain(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert re.fullmatch(r"([a-z0-9]+( [a-z0-9]+)*)?", once)


@given(st.text(max_size=60))
def test_matching_never_crashes_on_arbitrary_text(text: str) -> None:
    CATALOGUE.lookup(text)
    assert len(CATALOGUE.search(text, limit=25)) <= 25
    assert len(CATALOGUE.close_matches(text)) <= 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("RDL", "Romanian Deadlift"),
        ("rdl", "Romanian Deadlift"),
        ("ohp", "Overhead Press"),
        ("OHP", "Overhead Press"),
        ("bench", "Bench Press"),
        ("BSS", "Bulgarian Split Squat"),
        ("bulgarian split squats", "Bulgarian Split Squat"),
        ("back-squat", "Back Squat"),
        ("BACK   squat", "Back Squat"),
        ("push ups", "Push-Up"),
        ("pushup", "Push-Up"),
        ("Press-Ups", "Push-Up"),
        ("pull-up", "Pull-Up"),
        ("pullups", "Pull-Up"),
        ("chin-up", "Chin-Up"),
        ("Chin ups", "Chin-Up"),
        ("T2B", "Toes-to-Bar"),
        ("DUs", "Double-Under"),
        ("clean & jerk", "Clean and Jerk"),
        ("farmers walk", "Farmer's Carry"),
        ("triceps pushdown", "Triceps Pushdown"),
        ("tricep pushdown", "Triceps Pushdown"),
        ("assault bike", "Air Bike"),
        ("wall balls", "Wall Ball"),
    ],
)
def test_lookup_by_name_alias_and_spelling(typed: str, expected: str) -> None:
    found = CATALOGUE.lookup(typed)
    assert found is not None, typed
    assert found.name == expected


def test_pull_up_and_chin_up_are_different_exercises() -> None:
    assert CATALOGUE.lookup("pull-up") is not CATALOGUE.lookup("chin-up")


@pytest.mark.parametrize("typed", ["", "   ", "---", "Back Sqaut", "Zumba Deadlift", "A1 Pull-up"])
def test_lookup_is_exact_only(typed: str) -> None:
    assert CATALOGUE.lookup(typed) is None


def test_get_by_id() -> None:
    squat = CATALOGUE.get("back-squat")
    assert squat is not None and squat.name == "Back Squat"
    assert CATALOGUE.get("Back Squat") is None
    assert "back-squat" in CATALOGUE and "nonsense" not in CATALOGUE


# ---------------------------------------------------------------- search and suggestions


def test_search_puts_prefix_matches_before_substring_matches() -> None:
    results = names(CATALOGUE.search("dead"))
    assert results[0] == "Deadlift"
    assert {"Dead Bug", "Dead Hang"} <= set(results)
    assert results.index("Dead Hang") < results.index("Romanian Deadlift")
    assert results.index("Dead Bug") < results.index("Sumo Deadlift")


def test_search_exact_and_staple_come_first() -> None:
    assert names(CATALOGUE.search("bench"))[0] == "Bench Press"
    assert names(CATALOGUE.search("sq"))[0] == "Back Squat"
    assert names(CATALOGUE.search("pull"))[0] == "Pull-Up"
    bench = names(CATALOGUE.search("bench"))
    assert bench.index("Bench Dip") < bench.index("Incline Bench Press")


def test_search_matches_aliases_and_absorbs_typos() -> None:
    assert names(CATALOGUE.search("rdl"))[0] == "Romanian Deadlift"
    assert "Bench Press" in names(CATALOGUE.search("bnech"))
    assert names(CATALOGUE.search("deadlfit"))[0] == "Deadlift"


def test_search_respects_limit_and_returns_nothing_for_nonsense() -> None:
    assert len(CATALOGUE.search("a", limit=5)) == 5
    assert CATALOGUE.search("squat", limit=0) == []
    assert CATALOGUE.search("xqzvbnm") == []


def test_search_without_a_query_lists_staples_alphabetically() -> None:
    results = CATALOGUE.search("", limit=10)
    assert len(results) == 10
    assert all(exercise.staple for exercise in results)
    assert names(results) == sorted(names(results), key=str.casefold)


def test_search_results_are_unique() -> None:
    results = CATALOGUE.search("press", limit=25)
    assert len(results) == len({exercise.id for exercise in results})


def test_close_matches_suggests_the_intended_exercise() -> None:
    assert CATALOGUE.close_matches("Back Sqaut")[0] == "Back Squat"
    assert CATALOGUE.close_matches("romanain deadlift")[0] == "Romanian Deadlift"
    assert CATALOGUE.close_matches("burpie") == ["Burpee"]
    assert len(CATALOGUE.close_matches("squat", n=2)) <= 2
    assert CATALOGUE.close_matches("xyzzy") == []
    assert CATALOGUE.close_matches("") == []


# ---------------------------------------------------------------- filters and alternatives


def test_filter_by_muscle_ranks_primary_before_secondary() -> None:
    results = CATALOGUE.filter(muscle="glutes")
    assert all("glutes" in exercise.muscles for exercise in results)
    roles = ["glutes" in exercise.primary for exercise in results]
    first_secondary = roles.index(False)
    assert all(roles[:first_secondary]) and not any(roles[first_secondary:])
    assert names(results[:first_secondary]) == sorted(names(results[:first_secondary]), key=str.casefold)


def test_filter_by_equipment_and_both() -> None:
    kettlebell = CATALOGUE.filter(equipment="kettlebell")
    assert kettlebell and all("kettlebell" in exercise.equipment for exercise in kettlebell)
    assert "Kettlebell Swing" in names(kettlebell)

    both = CATALOGUE.filter(muscle="hamstrings", equipment="barbell")
    assert both and all("barbell" in ex.equipment and "hamstrings" in ex.muscles for ex in both)
    assert "Romanian Deadlift" in names(both)
    assert "Lying Leg Curl" not in names(both)


def test_filter_without_arguments_is_everything() -> None:
    assert CATALOGUE.filter() == list(CATALOGUE.all())


def test_filter_no_equipment_includes_bodyweight_moves() -> None:
    results = CATALOGUE.filter(equipment="none")
    assert {"Push-Up", "Run", "Plank", "Cat-Cow"} <= set(names(results))
    assert all(set(exercise.equipment) <= {"none", "bodyweight"} for exercise in results)


def test_filter_accepts_display_names() -> None:
    assert CATALOGUE.filter(muscle="Lower back") == CATALOGUE.filter(muscle="lower-back")
    assert CATALOGUE.filter(equipment="Pull-up bar") == CATALOGUE.filter(equipment="pull-up-bar")


def test_filter_rejects_unknown_values_with_an_example() -> None:
    with pytest.raises(ValueError, match=r"Unknown muscle group 'wings'.*for example 'chest'"):
        CATALOGUE.filter(muscle="wings")
    with pytest.raises(ValueError, match="Unknown equipment 'hammer'"):
        CATALOGUE.filter(equipment="hammer")


@pytest.mark.parametrize("exercise_id", ["back-squat", "bench-press", "pull-up", "plank", "burpee", "run"])
def test_alternatives_share_a_primary_muscle_and_exclude_the_exercise(exercise_id: str) -> None:
    exercise = CATALOGUE.get(exercise_id)
    assert exercise is not None
    alternatives = CATALOGUE.alternatives(exercise)
    assert 0 < len(alternatives) <= 5
    assert exercise not in alternatives
    assert len({other.id for other in alternatives}) == len(alternatives)
    for other in alternatives:
        assert set(other.primary) & set(exercise.primary)


def test_alternatives_prefer_the_same_muscles_and_equipment() -> None:
    bench = CATALOGUE.get("bench-press")
    assert bench is not None
    alternatives = CATALOGUE.alternatives(bench, limit=3)
    assert all(other.primary == ("chest",) for other in alternatives)
    assert "barbell" in alternatives[0].equipment
    pull_up = CATALOGUE.get("pull-up")
    assert pull_up is not None
    assert all("pull-up" in other.id for other in CATALOGUE.alternatives(pull_up, limit=4))
    assert CATALOGUE.alternatives(bench, limit=0) == []


# ---------------------------------------------------------------- malformed files

ENTRY = """
[[exercise]]
id = "{id}"
name = "{name}"
aliases = [{aliases}]
primary = [{primary}]
secondary = []
equipment = ["bodyweight"]
level = "beginner"
measure = "reps"
cues = [{cues}]
mistakes = ["Rushing", "Holding the breath"]
"""


def entry(
    id: str = "test-move",
    name: str = "Test Move",
    aliases: str = "",
    primary: str = '"core"',
    cues: str = '"One", "Two", "Three"',
) -> str:
    return ENTRY.format(id=id, name=name, aliases=aliases, primary=primary, cues=cues)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercises.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_small_file_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, entry() + entry(id="other", name="Other", aliases='"OM"')))
    assert len(catalogue) == 2
    assert catalogue.lookup("om") is catalogue.get("other")


def test_unknown_muscle_names_the_entry(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(write(tmp_path, entry() + entry(id="bad-move", name="Bad", primary='"abs"')))
    message = str(raised.value)
    assert "entry #2 'bad-move'" in message
    assert "unknown muscle 'abs'" in message
    assert raised.value.problems and len(raised.value.problems) == 1


def test_cue_count_is_checked(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"entry #1 'test-move': has 2 cues, needs 3-5"):
        load_catalogue(write(tmp_path, entry(cues='"One", "Two"')))


def test_alias_collision_across_entries_names_both(tmp_path: Path) -> None:
    text = entry(aliases='"Squat"') + entry(id="second", name="Second", aliases='"squats"')
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(write(tmp_path, text))
    message = str(raised.value)
    assert "entry #2 'second'" in message and "'test-move'" in message and "squats" in message


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="duplicate id"):
        load_catalogue(write(tmp_path, entry() + entry(name="Another Name")))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = entry(id="one", name="One", primary='"wings"') + entry(id="two", name="Two", cues='"Only"')
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(write(tmp_path, text))
    assert len(raised.value.problems) == 2
    assert "entry #1 'one'" in str(raised.value) and "entry #2 'two'" in str(raised.value)


def test_missing_and_unknown_fields(tmp_path: Path) -> None:
    text = '[[exercise]]\nid = "half"\nname = "Half"\ncolour = "red"\n'
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(write(tmp_path, text))
    message = str(raised.value)
    assert "entry #1 'half': unknown field(s) colour" in message
    assert "missing field(s) aliases" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[exercise]\n", "not valid TOML"),
        ("", "expected one or more [[exercise]] tables"),
        ('title = "x"\n', "expected one or more [[exercise]] tables"),
    ],
)
def test_broken_files(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(fragment)):
        load_catalogue(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(tmp_path / "nope.toml")


def test_catalogue_built_in_code_is_checked_for_collisions() -> None:
    squat = CATALOGUE.get("back-squat")
    assert squat is not None
    clash = dataclasses.replace(squat, id="copy", aliases=())
    with pytest.raises(CatalogueError, match="clashes with the name of 'back-squat'"):
        Catalogue([squat, clash])
