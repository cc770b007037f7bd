"""The readiness model: its data file, its arithmetic, and the properties members rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.exercises import default_catalogue
from bot.domain.readiness import (
    DATA_FILE,
    LoggedSet,
    ParamsError,
    Rating,
    area_groups,
    band,
    default_params,
    least_ready,
    load_params,
    readiness,
    set_work,
    suggestions,
    trained_groups,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PARAMS = default_params()
GROUPS = PARAMS.order


def leg_day(at: datetime) -> list[LoggedSet]:
    return (
        [LoggedSet(at, "back-squat", reps=5)] * 5
        + [LoggedSet(at, "leg-press", reps=10)] * 3
        + [LoggedSet(at, "romanian-deadlift", reps=8)] * 3
    )


def whole(sets: list[LoggedSet], ratings: list[Rating], at: datetime) -> dict[str, int]:
    return {g: r.whole for g, r in readiness(sets, ratings, at).items()}


# -- the data file ---------------------------------------------------------------------------------


def test_the_data_file_covers_every_group_and_names_its_sources():
    assert set(PARAMS.recovery_hours) == set(GROUPS)
    text = DATA_FILE.read_text(encoding="utf-8")
    for source in ("ACSM", "Cheung", "Moran-Navarro", "Schoenfeld", "Helms", "Banister"):
        assert source in text
    # Large lower-body muscles take longer than small upper-body ones.
    assert PARAMS.recovery_hours["quads"] > PARAMS.recovery_hours["biceps"]


def test_a_malformed_data_file_is_refused_with_the_key_named(tmp_path: Path):
    broken = tmp_path / "r.toml"
    broken.write_text(DATA_FILE.read_text(encoding="utf-8").replace("quads = 72\n", ""), encoding="utf-8")
    with pytest.raises(ParamsError, match="recovery_hours"):
        load_params(broken)
    worse = tmp_path / "s.toml"
    worse.write_text(
        DATA_FILE.read_text(encoding="utf-8").replace("half = 4.0", "half = -1"), encoding="utf-8"
    )
    with pytest.raises(ParamsError, match="half"):
        load_params(worse)


# -- arithmetic ------------------------------------------------------------------------------------


def test_a_leg_day_tires_the_legs_and_they_recover_over_three_days():
    sets = leg_day(NOW)
    fresh = whole(sets, [], NOW)
    assert fresh["quads"] < 40 and fresh["glutes"] < 40 and fresh["chest"] == 100
    day = whole(sets, [], NOW + timedelta(hours=24))
    assert 40 <= day["quads"] < 70
    assert whole(sets, [], NOW + timedelta(hours=72))["quads"] >= 85
    assert whole(sets, [], NOW + timedelta(days=7))["quads"] == 100


def test_nothing_logged_or_only_custom_exercises_is_fully_ready():
    assert set(whole([], [], NOW).values()) == {100}
    custom = [LoggedSet(NOW, "custom:zottman thing", reps=10)] * 10
    assert set(whole(custom, [], NOW).values()) == {100}


def test_timed_sets_count_by_their_length():
    plank = LoggedSet(NOW, "plank", duration_s=45)
    assert set_work(plank, PARAMS) == pytest.approx(0.75)
    assert set_work(LoggedSet(NOW, "plank", duration_s=3600), PARAMS) == PARAMS.timed_max
    assert whole([plank] * 4, [], NOW)["core"] < 100


def test_rpe_and_percent_of_max_scale_a_set():
    easy = set_work(LoggedSet(NOW, "back-squat", reps=5, rpe=5), PARAMS)
    hard = set_work(LoggedSet(NOW, "back-squat", reps=5, rpe=10), PARAMS)
    assert easy < set_work(LoggedSet(NOW, "back-squat", reps=5), PARAMS) < hard
    light = set_work(LoggedSet(NOW, "back-squat", reps=5, percent=50), PARAMS)
    heavy = set_work(LoggedSet(NOW, "back-squat", reps=5, percent=90), PARAMS)
    assert light < heavy


def test_primary_muscles_tire_more_than_secondary_ones():
    bench = [LoggedSet(NOW, "bench-press", reps=8)] * 5
    shown = whole(bench, [], NOW)
    assert shown["chest"] < shown["triceps"] < 100


def test_a_soreness_rating_lowers_its_groups_and_eases_with_time():
    sets = leg_day(NOW)
    later = NOW + timedelta(hours=24)
    sore = [Rating(later, 7, area_groups("quads"))]
    assert whole(sets, sore, later)["quads"] < 40 <= whole(sets, [], later)["quads"]
    assert readiness(sets, sore, later)["quads"].from_soreness
    assert whole(sets, sore, later)["hamstrings"] == whole(sets, [], later)["hamstrings"]
    # A newer, lower rating speaks for the group instead.
    eased = [*sore, Rating(later + timedelta(hours=1), 1, area_groups("quads"))]
    assert whole(sets, eased, later + timedelta(hours=1))["quads"] > 40


def test_areas_members_type_map_to_groups():
    assert area_groups("Lower back (left side)") == {"lower-back"}
    assert area_groups("quads and hammies") == {"quads", "hamstrings"}
    assert area_groups("back of thigh") == {"hamstrings"}
    assert area_groups("Legs") >= {"quads", "hamstrings", "glutes", "calves"}
    assert area_groups("all over") == set(GROUPS)
    assert area_groups("left knee") == set() and area_groups(None) == set()


def test_what_a_session_trained_is_its_prime_movers():
    assert trained_groups(["back-squat", "custom:thing"]) == {"quads", "glutes"}
    assert trained_groups(["custom:thing"]) == set()


def test_least_ready_and_suggestions_after_a_leg_day():
    shown = readiness(leg_day(NOW), [], NOW + timedelta(hours=24))
    named = [g.group for g in least_ready(shown)]
    assert named[0] == "glutes" and "lats" not in named, "lats: sore, but nothing in the log"
    picked = suggestions(shown)
    assert len(picked) == 3
    for group, exercise in picked:
        assert group.group not in ("quads", "glutes", "hamstrings")
        assert not set(exercise.primary) & {"quads", "glutes", "hamstrings"}
    assert "Bench Press" in [e.name for _, e in picked]


def test_after_a_week_off_everything_is_ready_and_suggestions_cover_the_body():
    shown = readiness(leg_day(NOW), [], NOW + timedelta(days=8))
    assert least_ready(shown) == []
    assert [e.name for _, e in suggestions(shown)] == ["Back Squat", "Bench Press", "Barbell Row"]


def test_bands():
    assert band(39.9) == "ease off" and band(40) == "recovering" and band(70) == "ready"


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        readiness([], [], NOW.replace(tzinfo=None))


# -- properties ------------------------------------------------------------------------------------

KEYS = ["back-squat", "bench-press", "deadlift", "pull-up", "plank", "power-clean", "run", "custom:thing"]
hours_before = st.floats(min_value=0, max_value=24 * 20, allow_nan=False)
sets_strategy = st.builds(
    lambda h, key, reps, duration, percent, rpe: LoggedSet(
        NOW - timedelta(hours=h),
        key,
        reps=reps,
        duration_s=None if reps is not None else duration,
        percent=percent,
        rpe=rpe,
    ),
    hours_before,
    st.sampled_from(KEYS),
    st.one_of(st.none(), st.integers(1, 50)),
    st.one_of(st.none(), st.integers(5, 3600)),
    st.one_of(st.none(), st.floats(10, 100)),
    st.one_of(st.none(), st.integers(1, 10)),
)
ratings_strategy = st.builds(
    lambda h, level, groups: Rating(NOW - timedelta(hours=h), level, frozenset(groups)),
    st.floats(min_value=0, max_value=24 * 12, allow_nan=False),
    st.integers(0, 10),
    st.sets(st.sampled_from([*GROUPS, "*"]), max_size=4),
)
EPS = 1e-9


def _percents(sets, ratings, at):  # type: ignore[no-untyped-def]
    return {g: r.percent for g, r in readiness(sets, ratings, at).items()}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(sets_strategy, max_size=25),
    st.lists(sets_strategy, min_size=1, max_size=5),
    st.lists(ratings_strategy, max_size=4),
)
def test_more_recent_volume_never_raises_readiness(sets, more, ratings):
    before = _percents(sets, ratings, NOW)
    after = _percents(sets + more, ratings, NOW)
    for group in GROUPS:
        assert after[group] <= before[group] + EPS


@settings(max_examples=150, deadline=None)
@given(
    st.lists(sets_strategy, max_size=25),
    st.lists(ratings_strategy, max_size=4),
    st.floats(0, 24 * 30),
    st.floats(0, 24 * 30),
)
def test_readiness_recovers_monotonically_with_time_and_no_new_load(sets, ratings, first, second):
    early, late = sorted((first, second))
    then = _percents(sets, ratings, NOW + timedelta(hours=early))
    later = _percents(sets, ratings, NOW + timedelta(hours=late))
    for group in GROUPS:
        assert later[group] >= then[group] - EPS
        assert 0 < then[group] <= 100


@settings(max_examples=150, deadline=None)
@given(st.lists(sets_strategy, max_size=20), st.lists(ratings_strategy, min_size=1, max_size=4), st.data())
def test_a_higher_soreness_rating_never_raises_readiness(sets, ratings, data):
    index = data.draw(st.integers(0, len(ratings) - 1))
    chosen = ratings[index]
    higher = data.draw(st.integers(chosen.level, 10))
    raised = [*ratings]
    raised[index] = Rating(chosen.at, higher, chosen.groups)
    before = _percents(sets, ratings, NOW)
    after = _percents(sets, raised, NOW)
    for group in GROUPS:
        assert after[group] <= before[group] + EPS


ZONES = st.sampled_from(["UTC", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu", "Europe/Berlin"])


@settings(max_examples=100, deadline=None)
@given(st.lists(sets_strategy, max_size=20), st.lists(ratings_strategy, max_size=4), ZONES, ZONES)
def test_the_same_instants_in_any_time_zone_give_the_same_readiness(sets, ratings, zone_a, zone_b):
    def moved(zone_name: str):  # type: ignore[no-untyped-def]
        zone = ZoneInfo(zone_name)
        return (
            [
                LoggedSet(s.at.astimezone(zone), s.exercise_key, s.reps, s.duration_s, s.percent, s.rpe)
                for s in sets
            ],
            [Rating(r.at.astimezone(zone), r.level, r.groups) for r in ratings],
            NOW.astimezone(zone),
        )

    assert _percents(*moved(zone_a)) == _percents(*moved(zone_b))


def test_the_catalogue_the_model_reads_has_every_staple_it_suggests():
    names = {e.name for e in default_catalogue()}
    assert {"Back Squat", "Bench Press", "Barbell Row"} <= names


def test_one_rating_for_many_groups_names_the_ones_the_log_says_are_more_tired():
    later = NOW + timedelta(hours=48)
    bench_and_legs = [*leg_day(NOW), *[LoggedSet(NOW + timedelta(hours=40), "bench-press", reps=5)] * 2]
    everywhere = [Rating(later, 6, frozenset({"chest", "quads", "glutes", "hamstrings", "lats"}))]
    shown = readiness(bench_and_legs, everywhere, later)
    assert {shown[g].whole for g in ("chest", "quads", "lats")} == {shown["chest"].whole}
    named = [g.group for g in least_ready(shown)]
    assert named[0] == "glutes" and "lats" not in named, "lats: sore, but nothing in the log"


def test_suggestions_are_strength_lifts_not_conditioning():
    for _, exercise in suggestions(readiness([], [], NOW)):
        assert "cardio" not in exercise.primary and "full-body" not in exercise.primary
