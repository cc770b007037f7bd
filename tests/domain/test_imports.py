"""Reading Strong, Hevy and generic CSV files; fingerprints; writing the export, whole or in parts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.exercises import default_catalogue
from bot.domain.imports import (
    GENERIC_COLUMNS,
    ExportSet,
    ImportFileError,
    ParsedImport,
    fingerprint,
    generic_csv_parts,
    match_exercise,
    parse_import,
    write_generic_csv,
)
from bot.domain.units import kg_to_lb, lb_to_kg

CATALOGUE = default_catalogue()
UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")


def parse(
    text: str | bytes, *, zone: ZoneInfo = UTC_ZONE, units: str = "kg", max_rows: int = 100_000
) -> ParsedImport:
    data = text.encode() if isinstance(text, str) else text
    return parse_import(data, zone=zone, units=units, catalogue=CATALOGUE, max_rows=max_rows)  # type: ignore[arg-type]


def all_sets(parsed: ParsedImport) -> list:  # type: ignore[type-arg]
    return [s for session in parsed.sessions for s in session.sets]


# -- recognising files -----------------------------------------------------------------------------


def test_an_older_strong_export_with_semicolons_and_a_weight_unit_column() -> None:
    parsed = parse(
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;"
        "Seconds;Notes;Workout Notes;Workout Duration\n"
        '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";1;225;lbs;5;;;;0;"";"";1h\n'
        '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";2;100;kg;4;;;;0;;;1h\n'
    )
    assert parsed.source == "strong" and parsed.assumed_unit is None
    first, second = all_sets(parsed)
    assert first.exercise == "Deadlift" and first.weight_kg == pytest.approx(lb_to_kg(225))
    assert second.weight_kg == 100 and second.set_no == 2
    assert parsed.sessions[0].performed_at == datetime(2019, 1, 11, 12, 31, 54, tzinfo=UTC)


def test_strong_twelve_hour_times_with_a_narrow_space_are_read_in_the_members_zone() -> None:
    parsed = parse(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE\n"
        "2025-07-01 7:05:00\u202fPM,Evening,30m,Push Up,1,0,20,0,0,,,\n",
        zone=LONDON,
        units="lb",
    )
    [session] = parsed.sessions
    assert session.performed_at == datetime(2025, 7, 1, 18, 5, tzinfo=UTC)  # 19:05 BST
    assert parsed.zoned_locally
    [push_up] = session.sets
    assert push_up.load_kind == "bw" and push_up.weight_kg == 0.0


def test_hevy_in_pounds_names_its_unit_and_numbers_sets_from_one() -> None:
    parsed = parse(
        '"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes",'
        '"set_index","set_type","weight_lbs","reps","distance_miles","duration_seconds","rpe"\n'
        '"A","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Lying Leg Curl (Machine)",,"",'
        '0,"warmup",100,10,,,\n'
        '"A","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Lying Leg Curl (Machine)",,"",'
        '1,"normal",120,8,,,9\n'
    )
    assert parsed.source == "hevy" and parsed.assumed_unit is None
    sets = all_sets(parsed)
    assert [s.set_no for s in sets] == [1, 2]
    assert sets[1].weight_kg == pytest.approx(lb_to_kg(120)) and sets[1].load_kind == "weight"


def test_generic_dates_with_an_offset_or_z_keep_it_and_those_without_use_the_zone() -> None:
    parsed = parse(
        "date,exercise,reps\n2025-06-01T10:00:00+02:00,Squat,5\n"
        "2025-06-02T10:00:00Z,Squat,5\n2025-06-03 10:00,Squat,5\n",
        zone=LONDON,
    )
    assert [s.performed_at.isoformat() for s in parsed.sessions] == [
        "2025-06-01T08:00:00+00:00",
        "2025-06-02T10:00:00+00:00",
        "2025-06-03T09:00:00+00:00",
    ]


def test_a_local_time_skipped_by_the_clocks_lands_on_the_jump() -> None:
    parsed = parse("date,exercise,reps\n2025-03-30 01:30,Squat,5\n", zone=LONDON)
    assert parsed.sessions[0].performed_at == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"foo,bar\n1,2\n", "isn't the header of a Strong or Hevy export"),
        (b"", "empty"),
        (b"date,exercise,reps\n\xff\xfe\xfa broken", "isn't UTF-8"),
        (b'date,exercise,reps\n"2025-01-01,Squat,5\n', "isn't valid CSV"),
    ],
)
def test_an_unusable_file_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse(data)


def test_more_rows_than_the_limit_is_refused() -> None:
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        parse("date,exercise,reps\n" + "2025-01-01 10:00,Squat,5\n" * 4, max_rows=3)
    assert parse("date,exercise,reps\n" + "2025-01-01 10:00,Squat,5\n" * 3, max_rows=3).rows == 3


def test_broken_rows_are_reported_by_their_line_and_the_rest_kept() -> None:
    parsed = parse(
        "date,workout,exercise,reps,weight,unit,seconds,rpe,notes\n"
        '2025-01-01 10:00,A,Squat,5,100,kg,,,"two\nlines"\n'  # lines 2-3
        "2025-01-01 10:00,A,Squat,5.5,100,kg,,,\n"  # 4
        "2025-01-01 10:00,A,Squat,5,-3,kg,,,\n"  # 5
        "2025-01-01 10:00,A,Squat,5,100,stone,,,\n"  # 6
        "2025-01-01 10:00,A,Squat,5,1200,kg,,,\n"  # 7
        "2025-01-01 10:00,A,Squat,5,100,kg,,11,\n"  # 8
        "2025-01-01 10:00,A,,5,100,kg,,,\n"  # 9
        "yesterday,A,Squat,5,100,kg,,,\n"  # 10
        "2025-01-01 10:00,A,Squat,,,,,,\n"  # 11
        "\n"  # 12, blank
        "2025-01-01 10:00,A,Plank,,,,45,,\n"  # 13
    )
    assert [(p.line, p.reason.split(" ")[0:2]) for p in parsed.problems] == [
        (4, ["reps", "`5.5`"]),
        (5, ["the", "weight"]),
        (6, ["the", "unit"]),
        (7, ["the", "weight,"]),
        (8, ["RPE", "11"]),
        (9, ["the", "exercise"]),
        (10, ["the", "date"]),
        (11, ["the", "set"]),
    ]
    assert parsed.passed_over == 1 and parsed.rows == 11  # records, not lines
    squat, plank = all_sets(parsed)
    assert squat.line == 2 and plank.line == 13 and plank.duration_s == 45 and plank.reps is None
    assert parsed.sessions[0].notes == "two lines"


def test_superset_rows_interleaved_keep_each_exercise_in_order() -> None:
    parsed = parse(
        "date,exercise,reps,weight,unit\n"
        "2025-01-01 10:00,A1 thing,10,20,kg\n"
        "2025-01-01 10:00,Face Pull,15,10,kg\n"
        "2025-01-01 10:00,A1 thing,9,20,kg\n"
        "2025-01-01 10:00,Face Pull,14,10,kg\n"
    )
    sets = all_sets(parsed)
    assert [(s.position, s.set_no, s.reps) for s in sets] == [(1, 1, 10), (2, 1, 15), (1, 2, 9), (2, 2, 14)]


def test_the_same_set_twice_in_a_file_is_kept_once() -> None:
    parsed = parse("date,workout,exercise,reps\n2025-01-01 10:00,A,Squat,5\n2025-01-01 10:00,B,Squat,5\n")
    assert len(all_sets(parsed)) == 1 and parsed.repeated == 1


# -- matching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bench Press (Barbell)", "bench-press"),
        ("Squat (Barbell)", "back-squat"),
        ("Bicep Curl (Dumbbell)", "dumbbell-curl"),
        ("Triceps Pushdown (Cable - Straight Bar)", "triceps-pushdown"),
        ("Romanian Deadlift (Dumbbell)", "dumbbell-romanian-deadlift"),
        ("Squat (Dumbbell)", None),  # never a barbell back squat
        ("Pull Up (Assisted)", None),  # an assisted pull-up is a different load
        ("Chin Up", "chin-up"),
        ("Zottman Curl (Dumbbell)", None),
    ],
)
def test_exported_names_match_the_catalogue_only_with_the_right_equipment(
    name: str, expected: str | None
) -> None:
    found = match_exercise(name, CATALOGUE)
    assert (found.id if found else None) == expected


def test_bodyweight_moves_without_a_weight_are_bodyweight_and_loaded_ones_have_no_load() -> None:
    parsed = parse(
        "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,Seconds\n"
        "2025-01-01 10:00:00,A,Dips,1,0,10,0\n"
        "2025-01-01 10:00:00,A,Dips,2,15,8,0\n"
        "2025-01-01 10:00:00,A,Deadlift,1,0,5,0\n"
        "2025-01-01 10:00:00,A,My Sled Thing,1,0,5,0\n"
        "2025-01-01 10:00:00,A,My Sled Thing,2,40,5,0\n"
    )
    kinds = [(s.load_kind, s.weight_kg) for s in all_sets(parsed)]
    assert kinds == [("bw", 0.0), ("bw", 15.0), (None, None), ("bw", 0.0), ("weight", 40.0)]


# -- fingerprints, the export and the round trip ----------------------------------------------------------


NAMES = st.sampled_from(["Back Squat", "Bench Press", "Plank", "Pull-Up", "My Odd Move", "Deadlift"])


@st.composite
def logged_sets(draw: st.DrawFn) -> list[ExportSet]:
    """A log as the export reads it: sessions of distinct exercises, sets numbered from 1."""
    out: list[ExportSet] = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(draw(st.integers(1, 4))):
        when = start + timedelta(days=n, seconds=draw(st.integers(0, 86_000)))
        workout = draw(st.one_of(st.none(), st.sampled_from(["Leg Day", "Push, pull", 'The "big" one'])))
        rpe = draw(st.one_of(st.none(), st.integers(1, 10)))
        notes = draw(st.one_of(st.none(), st.sampled_from(["felt good", "knee, a bit; ok"])))
        for name in draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)):
            for number in range(1, draw(st.integers(1, 3)) + 1):
                kind = draw(st.sampled_from(["weight", "bw", "percent", None]))
                timed = kind is None or draw(st.booleans())
                weight = (
                    draw(st.floats(0.5, 400).map(lambda x: round(x * 4) / 4)) if kind == "weight" else None
                )
                if kind == "bw":
                    weight = draw(st.sampled_from([0.0, 10.0, 22.5]))
                percent = draw(st.sampled_from([60.0, 72.5, 85.0])) if kind == "percent" else None
                out.append(
                    ExportSet(
                        performed_at=when,
                        workout=workout,
                        exercise=name,
                        set_no=number,
                        reps=None if timed else draw(st.integers(1, 30)),
                        load_kind=kind,
                        weight_kg=weight,
                        percent=percent,
                        duration_s=draw(st.integers(5, 600)) if timed else None,
                        rpe=rpe,
                        notes=notes,
                    )
                )
    return out


@settings(max_examples=60, deadline=None)
@given(
    logged_sets(), st.sampled_from(["kg", "lb"]), st.sampled_from(["UTC", "Europe/London", "Asia/Kolkata"])
)
def test_export_then_import_gives_back_every_set_with_the_same_fingerprint(
    items: list[ExportSet], units: str, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    data = write_generic_csv(items, zone, units)  # type: ignore[arg-type]
    parsed = parse(data, zone=ZoneInfo("America/Chicago"), units="kg" if units == "lb" else "lb")
    assert parsed.problems == () and parsed.source == "generic"
    sets = all_sets(parsed)
    assert len(sets) == len(items)
    for item, got in zip(items, sets, strict=True):
        assert got.exercise == item.exercise and got.set_no == item.set_no
        assert (got.reps, got.load_kind, got.duration_s) == (item.reps, item.load_kind, item.duration_s)
        assert got.percent == item.percent
        assert (got.weight_kg or 0.0) == pytest.approx(item.weight_kg or 0.0, abs=1e-3)
        expected = fingerprint(
            item.performed_at,
            got.exercise_key,
            item.set_no,
            item.reps,
            item.load_kind,
            item.weight_kg,
            item.percent,
            item.duration_s,
        )
        assert got.fingerprint == expected
    # And writing what was read gives the same file again.
    again = [
        ExportSet(
            session.performed_at,
            session.name,
            x.exercise,
            x.set_no,
            x.reps,
            x.load_kind,
            x.weight_kg,
            x.percent,
            x.duration_s,
            session.rpe,
            session.notes,
        )
        for session in parsed.sessions
        for x in session.sets
    ]
    assert write_generic_csv(again, zone, units) == data  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=8), max_size=20))
def test_any_rows_under_a_known_header_are_a_set_a_problem_or_passed_over(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(GENERIC_COLUMNS)
    writer.writerows(rows)
    parsed = parse(buffer.getvalue())
    assert parsed.rows == len(rows)
    assert len(all_sets(parsed)) + len(parsed.problems) + parsed.passed_over + parsed.repeated == len(rows)
    assert all(p.line >= 2 for p in parsed.problems)


@settings(max_examples=60, deadline=None)
@given(logged_sets(), st.integers(400, 3000), st.integers(3, 30))
def test_export_parts_fit_the_limits_keep_workouts_whole_and_read_back_every_set(
    items: list[ExportSet], limit: int, max_rows: int
) -> None:
    whole = write_generic_csv(items, UTC_ZONE, "kg")
    try:
        parts = generic_csv_parts(items, UTC_ZONE, "kg", limit, max_rows)
    except ValueError:
        biggest = max(
            sum(1 for i in items if i.performed_at == when) for when in {i.performed_at for i in items}
        )
        assert biggest > max_rows or len(whole) > limit  # only a workout too big for one part
        return
    header = whole.split(b"\n", 1)[0] + b"\n"
    assert all(len(p) <= limit and p.startswith(header) for p in parts)
    assert all(p.count(b"\n") - 1 <= max_rows for p in parts)
    assert b"".join(p.removeprefix(header) for p in parts) == whole.removeprefix(header)
    read = [parse(p) for p in parts]
    days = [{s.performed_at for s in r.sessions} for r in read]
    assert sum(len(d) for d in days) == len(set().union(*days)), "no workout is split between parts"
    assert sum(r.set_count for r in read) == len(items)


@given(st.integers(4, 2000), st.sampled_from(["bench-press", "custom:x"]), st.integers(1, 10))
def test_a_fingerprint_survives_the_trip_through_pounds_and_a_second_more_or_less_of_micro(
    quarters: int, key: str, number: int
) -> None:
    """A plate load (a multiple of 0.25 kg) written in pounds to 4 places reads back to the same set."""
    kg = quarters / 4
    when = datetime(2025, 5, 5, 17, 0, 1, tzinfo=UTC)
    back = lb_to_kg(float(f"{kg_to_lb(kg):.4f}"))
    assert fingerprint(when, key, number, 5, "weight", back, None, None) == fingerprint(
        when, key, number, 5, "weight", kg, None, None
    )
    later = when + timedelta(microseconds=300)
    assert fingerprint(later, key, number, 5, "weight", kg, None, None) == fingerprint(
        when, key, number, 5, "weight", kg, None, None
    )
    assert fingerprint(when, key, number + 1, 5, "weight", kg, None, None) != fingerprint(
        when, key, number, 5, "weight", kg, None, None
    )
