"""Local-time math: zones, times of day, weekday sets, DST-correct daily fires, quiet hours."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.localtime import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    TimeInputError,
    ZoneAnswer,
    ZoneQuestion,
    fixed_zone_note,
    format_days,
    local_date,
    local_midnight_utc,
    local_to_utc,
    move_out_of_quiet_hours,
    next_daily_fire,
    parse_days,
    parse_hhmm,
    parse_zone,
    resolve_zone,
    to_local,
    zone_suggestions,
    zones_at_offset,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
EVERY_DAY = frozenset(range(7))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of an instant in a zone."""
    return instant.astimezone(zone).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------
# parse_zone / zone_suggestions
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  AMERICA/NEW_YORK ", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
        ("America/Port-au-Prince", "America/Port-au-Prince"),
        ("US/Eastern", "US/Eastern"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
    ],
)
def test_parse_zone_accepts_iana_names_in_any_case(text: str, key: str) -> None:
    zone = parse_zone(text)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == key


def test_parse_zone_unknown_names_say_what_works() -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_zone("Mars/Base")
    assert str(caught.value).startswith(
        "Unknown time zone `Mars/Base`. Use an IANA name such as `Europe/Berlin` or `America/New_York`."
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "local",
        "localtime",
        "Factory",
        "posixrules",
        "/usr/share/zoneinfo/Europe/Berlin",
        "../../etc/passwd",
        "Europe/../Europe/Berlin",
        "Europe\\Berlin",
        "Indianapolis",  # two zones end with this name: ambiguous, so refused
    ],
)
def test_parse_zone_refuses_non_zones_and_paths(text: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_zone(text)
    assert "`Europe/Berlin`" in str(caught.value)


def test_parse_zone_error_offers_close_spellings_and_hides_backticks() -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_zone("Europe/Berln")
    assert "Did you mean `Europe/Berlin`" in str(caught.value)
    with pytest.raises(TimeInputError) as caught:
        parse_zone("`evil` @everyone" + "x" * 200)
    message = str(caught.value)
    assert "`evil`" not in message
    assert len(message) < 250


def test_zone_suggestions_empty_query_lists_common_cities_first_and_utc_last() -> None:
    names = zone_suggestions("")
    assert len(names) == 25
    assert names[:2] == ["Europe/London", "Europe/Berlin"]
    assert all("/" in name for name in names[:-1]) and names[-1] == "UTC"
    assert "America/New_York" in names
    assert zone_suggestions("", limit=5) == [*names[:4], "UTC"]
    assert zone_suggestions("", limit=0) == []


def test_zone_suggestions_match_cities_with_spaces_prefixes_then_substrings() -> None:
    assert zone_suggestions("new york")[0] == "America/New_York"
    assert zone_suggestions("berl")[0] == "Europe/Berlin"
    assert zone_suggestions("Lord")[0] == "Australia/Lord_Howe"
    america = zone_suggestions("america/", limit=25)
    assert len(america) == 25 and all(n.startswith("America/") for n in america)
    # Common zones lead among equally good matches.
    assert america[0] == "America/New_York"
    # "york" is only a substring of the full name, so it still matches.
    assert "America/New_York" in zone_suggestions("york")
    # Full-name prefixes come before city prefixes: "europe" matches no city.
    assert all(n.startswith("Europe/") for n in zone_suggestions("europe"))
    assert zone_suggestions("no such place at all") == []
    assert zone_suggestions("US/Eastern") == ["US/Eastern"]


def test_zone_suggestions_put_an_abbreviations_places_first_and_the_abbreviation_last() -> None:
    names = zone_suggestions("est")
    assert names[:2] == ["America/New_York", "America/Toronto"]
    assert names[-1] == "EST"
    assert zone_suggestions("utc+5", now=utc(2026, 7, 1))[0] == "Asia/Karachi"
    assert zone_suggestions("utc")[-1] == "UTC"
    etc = zone_suggestions("Etc/GMT-5")
    assert etc[-1] == "Etc/GMT-5"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_zone_suggestions_never_crash_respect_limit_and_all_parse(query: str) -> None:
    names = zone_suggestions(query, limit=10)
    assert len(names) <= 10
    assert len(set(names)) == len(names)
    for name in names:
        assert parse_zone(name).key == name


# ---------------------------------------------------------------------------------------
# resolve_zone: abbreviations and fixed offsets get a question
# ---------------------------------------------------------------------------------------

JULY = utc(2026, 7, 1, 12)
JANUARY = utc(2026, 1, 15, 12)


def question(text: str, now: datetime = JULY) -> ZoneQuestion:
    result = resolve_zone(text, now)
    assert isinstance(result, ZoneQuestion), result
    return result


@pytest.mark.parametrize("text", ["Europe/Berlin", "america/new york", "Berlin", "US/Eastern", "Asia/Tokyo"])
def test_places_are_set_without_a_question(text: str) -> None:
    result = resolve_zone(text, JULY)
    assert isinstance(result, ZoneAnswer) and result.note is None
    assert result.zone.key == parse_zone(text).key


@pytest.mark.parametrize("text", ["UTC", "utc", "Etc/UTC", "Zulu", "UTC+0", "utc+00:00"])
def test_utc_is_set_with_a_note(text: str) -> None:
    result = resolve_zone(text, JULY)
    assert isinstance(result, ZoneAnswer)
    assert result.zone.utcoffset(JULY) == timedelta(0)
    assert result.note is not None and "daylight saving" in result.note and "Europe/London" in result.note


def test_est_offers_east_coast_cities_or_keeping_it_with_a_warning() -> None:
    asked = question("est")
    assert asked.choices[:2] == ("America/New_York", "America/Toronto")
    assert "America/Panama" in asked.choices  # EST all year, where that is right
    assert (asked.keep, asked.keep_label) == ("EST", "Keep EST (no daylight saving)")
    assert "`est` is a fixed offset (UTC-5)" in asked.explanation
    assert "daylight saving" in asked.explanation


@pytest.mark.parametrize(
    ("text", "first", "keep", "label"),
    [
        ("PST", "America/Los_Angeles", "Etc/GMT+8", "Keep UTC-8 (no daylight saving)"),
        ("PDT", "America/Los_Angeles", "Etc/GMT+7", "Keep UTC-7 (no daylight saving)"),
        ("CST", "America/Chicago", "Etc/GMT+6", "Keep UTC-6 (no daylight saving)"),
        ("MST", "America/Denver", "MST", "Keep MST (no daylight saving)"),
        ("HST", "Pacific/Honolulu", "HST", "Keep HST (no daylight saving)"),
        ("GMT", "Europe/London", "GMT", "Keep GMT (no daylight saving)"),
        ("Etc/GMT", "Europe/London", "GMT", "Keep GMT (no daylight saving)"),
        ("GMT+0", "Europe/London", "GMT", "Keep GMT (no daylight saving)"),
        ("CET", "Europe/Berlin", "CET", "Keep CET"),
        ("CEST", "Europe/Berlin", "Etc/GMT-2", "Keep UTC+2 (no daylight saving)"),
        ("AEST", "Australia/Sydney", "Etc/GMT-10", "Keep UTC+10 (no daylight saving)"),
        ("JST", "Asia/Tokyo", "Etc/GMT-9", "Keep UTC+9 (no daylight saving)"),
    ],
)
def test_abbreviations(text: str, first: str, keep: str, label: str) -> None:
    asked = question(text)
    assert (asked.choices[0], asked.keep, asked.keep_label) == (first, keep, label)
    assert parse_zone(keep).key == keep


def test_ambiguous_letters_list_every_meaning_and_offer_no_keep() -> None:
    ist = question("IST")
    assert ist.choices == ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")
    assert ist.keep is None and "more than one time zone" in ist.explanation
    assert "Asia/Shanghai" in question("CST").choices
    assert question("ET").keep is None


@pytest.mark.parametrize(
    ("text", "offset_h", "keep", "label"),
    [
        ("Etc/GMT-5", 5, "Etc/GMT-5", "Keep UTC+5 (no daylight saving)"),  # POSIX: the sign is reversed
        ("Etc/GMT+5", -5, "Etc/GMT+5", "Keep UTC-5 (no daylight saving)"),
        ("UTC+3", 3, "Etc/GMT-3", "Keep UTC+3 (no daylight saving)"),
        ("utc - 5", -5, "Etc/GMT+5", "Keep UTC-5 (no daylight saving)"),
        ("GMT+2", 2, "Etc/GMT-2", "Keep UTC+2 (no daylight saving)"),
        ("GMT−3", -3, "Etc/GMT+3", "Keep UTC-3 (no daylight saving)"),
        ("+01:00", 1, "Etc/GMT-1", "Keep UTC+1 (no daylight saving)"),
    ],
)
def test_fixed_offsets_offer_the_zones_at_that_offset_now(
    text: str, offset_h: int, keep: str, label: str
) -> None:
    for now in (JULY, JANUARY):
        asked = question(text, now)
        assert (asked.keep, asked.keep_label) == (keep, label)
        assert asked.choices, "some city is at every whole-hour offset used here"
        for zone in asked.choices:
            assert now.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(hours=offset_h)


def test_offsets_pick_well_known_cities_first() -> None:
    assert question("Etc/GMT-5").choices[0] == "Asia/Karachi"
    assert question("UTC+3").choices[0] == "Europe/Istanbul"
    # Berlin is at UTC+2 in July and UTC+1 in January.
    assert question("GMT+2", JULY).choices[0] == "Europe/Berlin"
    assert "Europe/Berlin" not in question("GMT+2", JANUARY).choices
    assert question("UTC+1", JANUARY).choices[0] == "Europe/Berlin"


def test_offsets_without_a_fixed_zone_still_ask_or_are_refused() -> None:
    india = question("+05:30")
    assert india.choices[0] == "Asia/Kolkata" and india.keep is None
    with pytest.raises(TimeInputError):
        resolve_zone("UTC+14:45", JULY)


def test_question_limits_fit_discord() -> None:
    for text in ["EST", "CET", "GMT+2", "UTC+3", "UTC-5", "UTC+1", "IST", "Etc/GMT-8"]:
        for now in (JULY, JANUARY):
            asked = question(text, now)
            assert len(asked.choices) <= 10
            assert all(len(label) <= 80 for label in (*asked.choices, asked.keep_label or ""))


def test_fixed_zone_notes() -> None:
    assert fixed_zone_note(ZoneInfo("America/New_York"), JULY) is None
    assert fixed_zone_note(ZoneInfo("Asia/Tokyo"), JULY) is None
    assert fixed_zone_note(ZoneInfo("Japan"), JULY) is None
    assert fixed_zone_note(ZoneInfo("CET"), JULY) is None  # follows the EU's clock changes
    est = fixed_zone_note(ZoneInfo("EST"), JULY)
    assert est is not None and est.startswith("EST is UTC-5 all year: it never changes for daylight saving.")
    etc = fixed_zone_note(ZoneInfo("Etc/GMT-5"), JULY)
    assert etc is not None and etc.startswith("Etc/GMT-5 is UTC+5 all year (the tz database writes the sign")


def test_zones_at_offset_follow_daylight_saving() -> None:
    assert zones_at_offset(timedelta(hours=-4), JULY)[0] == "America/New_York"
    assert "America/New_York" not in zones_at_offset(timedelta(hours=-4), JANUARY)
    assert zones_at_offset(timedelta(hours=-5), JANUARY)[0] == "America/New_York"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.sampled_from([JULY, JANUARY]))
def test_resolve_zone_never_crashes_and_offers_only_loadable_zones(text: str, now: datetime) -> None:
    try:
        result = resolve_zone(text, now)
    except TimeInputError:
        return
    if isinstance(result, ZoneAnswer):
        assert result.zone.key == parse_zone(result.zone.key).key
        return
    assert result.choices or result.keep
    for zone in (*result.choices, *([result.keep] if result.keep else [])):
        assert parse_zone(zone).key == zone


# ---------------------------------------------------------------------------------------
# parse_hhmm
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("19:05", time(19, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 08:00 ", time(8, 0)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("6:45am", time(6, 45)),
        ("6:45 a.m.", time(6, 45)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30am", time(0, 30)),
    ],
)
def test_parse_hhmm_accepts(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("25:00", "hours go from 00 to 23"),
        ("24:00", "hours go from 00 to 23"),
        ("07:75", "minutes go from 00 to 59"),
        ("13pm", "from 1 to 12"),
        ("0am", "from 1 to 12"),
        ("7.30", "not a time I can read"),
        ("7", "not a time I can read"),
        ("730", "not a time I can read"),
        ("07:3", "not a time I can read"),
        ("noon", "not a time I can read"),
        ("", "Please give a time"),
    ],
)
def test_parse_hhmm_refuses_with_reason_and_example(text: str, why: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_hhmm(text)
    message = str(caught.value)
    assert why in message
    assert "`07:30`" in message or "`7pm`" in message
    if text:
        assert f"`{text}`" in message


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_hhmm_reads_every_formatted_time(hour: int, minute: int) -> None:
    assert parse_hhmm(f"{hour:02d}:{minute:02d}") == time(hour, minute)
    assert parse_hhmm(f"{hour}:{minute:02d}") == time(hour, minute)


# ---------------------------------------------------------------------------------------
# parse_days / format_days
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon - Fri", {0, 1, 2, 3, 4}),
        ("mon to fri", {0, 1, 2, 3, 4}),
        ("mon–fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon, wed and fri", {0, 2, 4}),
        ("monday wednesday friday", {0, 2, 4}),
        ("weekends", {5, 6}),
        ("weekend", {5, 6}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("daily", set(range(7))),
        ("every day", set(range(7))),
        ("Everyday", set(range(7))),
        ("", set(range(7))),
        ("sat-mon", {5, 6, 0}),
        ("fri-tue", {4, 5, 6, 0, 1}),
        ("thu-thu", {3}),
        ("sunday", {6}),
        ("tues, thurs", {1, 3}),
        ("weekdays, sat", {0, 1, 2, 3, 4, 5}),
        ("every monday", {0}),
    ],
)
def test_parse_days_accepts(text: str, expected: set[int]) -> None:
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("mon,funday", "`funday`"),
        ("mon-fry", "`fry`"),
        ("holidays", "`holidays`"),
        ("mon-", "`mon-`"),
        ("mon-wed-fri", "`mon-wed-fri`"),
    ],
)
def test_parse_days_errors_name_the_bad_token_and_give_examples(text: str, named: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_days(text)
    message = str(caught.value)
    assert named in message
    assert "`mon-fri`" in message


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (set(range(7)), "Every day"),
        ({0, 1, 2, 3, 4}, "Mon–Fri"),
        ({0, 2, 4}, "Mon, Wed, Fri"),
        ({5, 6}, "Weekends"),
        ({5, 6, 0}, "Sat–Mon"),
        ({2, 5, 6, 0}, "Wed, Sat–Mon"),
        ({6, 0, 3}, "Mon, Thu, Sun"),
        ({0, 1}, "Mon, Tue"),
        ({3}, "Thu"),
        ({0, 1, 2, 3, 4, 5}, "Mon–Sat"),
    ],
)
def test_format_days(days: set[int], text: str) -> None:
    assert format_days(days) == text


def test_format_days_round_trips_for_every_weekday_set() -> None:
    for size in range(1, 8):
        for combo in itertools.combinations(range(7), size):
            days = frozenset(combo)
            assert parse_days(format_days(days)) == days


def test_format_days_refuses_empty_or_out_of_range() -> None:
    with pytest.raises(ValueError):
        format_days(set())
    with pytest.raises(ValueError):
        format_days({7})


# ---------------------------------------------------------------------------------------
# Instants ⇄ local
# ---------------------------------------------------------------------------------------


def test_to_local_and_local_date() -> None:
    instant = utc(2026, 6, 1, 23, 30)
    assert to_local(instant, BERLIN) == datetime(2026, 6, 2, 1, 30, tzinfo=BERLIN)
    assert local_date(instant, BERLIN) == date(2026, 6, 2)
    assert local_date(instant, NY) == date(2026, 6, 1)
    with pytest.raises(ValueError):
        to_local(datetime(2026, 6, 1, 12), BERLIN)


def test_local_midnight_utc_including_days_whose_midnight_is_skipped() -> None:
    assert local_midnight_utc(date(2026, 6, 2), BERLIN) == utc(2026, 6, 1, 22)
    assert local_midnight_utc(date(2026, 3, 8), NY) == utc(2026, 3, 8, 5)
    # Havana and Santiago spring forward at midnight: the day starts at 01:00.
    assert local_midnight_utc(date(2026, 3, 8), ZoneInfo("America/Havana")) == utc(2026, 3, 8, 5)
    assert local_midnight_utc(date(2026, 9, 6), ZoneInfo("America/Santiago")) == utc(2026, 9, 6, 4)


def test_local_to_utc_gap_and_fold() -> None:
    # Spring forward over 02:30: the moment the clocks jump (03:00 EDT).
    assert local_to_utc(date(2026, 3, 8), time(2, 30), NY) == utc(2026, 3, 8, 7)
    # Fall back over 01:30: the first occurrence (EDT).
    assert local_to_utc(date(2026, 11, 1), time(1, 30), NY) == utc(2026, 11, 1, 5, 30)
    # Lord Howe jumps 02:00 → 02:30 (half an hour).
    assert local_to_utc(date(2026, 10, 4), time(2, 15), LORD_HOWE) == utc(2026, 10, 3, 15, 30)


# ---------------------------------------------------------------------------------------
# next_daily_fire
# ---------------------------------------------------------------------------------------


def oracle_fire(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """Independent definition: scan UTC minutes for the first one on local `day` reading ≥ `at`."""
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=15)
    target = datetime.combine(day, at)
    for minute in range(0, 54 * 60):
        instant = start + timedelta(minutes=minute)
        local = wall(instant, zone)
        if local.date() == day and local >= target:
            return instant
    return None


def fires(at: time, zone: ZoneInfo, days: frozenset[int], after: datetime, count: int) -> list[datetime]:
    out: list[datetime] = []
    cursor = after
    for _ in range(count):
        cursor = next_daily_fire(at, zone, days, cursor)
        out.append(cursor)
    return out


DST_CASES = [
    # zone, change day, times to try (gap/fold times included)
    (NY, date(2026, 3, 8), [time(2, 30), time(2, 0), time(1, 59), time(3, 0), time(7, 30), time(0, 0)]),
    (NY, date(2026, 11, 1), [time(1, 30), time(1, 0), time(0, 59), time(2, 0), time(7, 30), time(23, 59)]),
    (BERLIN, date(2026, 3, 29), [time(2, 30), time(2, 0), time(3, 0), time(8, 0)]),
    (BERLIN, date(2026, 10, 25), [time(2, 30), time(2, 0), time(3, 0), time(8, 0)]),
    (LORD_HOWE, date(2026, 4, 5), [time(1, 45), time(1, 30), time(2, 0), time(7, 0)]),
    (LORD_HOWE, date(2026, 10, 4), [time(2, 15), time(2, 0), time(2, 29), time(2, 30), time(7, 0)]),
]


@pytest.mark.parametrize(("zone", "change_day", "times"), DST_CASES, ids=lambda v: str(v))
def test_one_fire_per_local_day_across_dst_changes(
    zone: ZoneInfo, change_day: date, times: list[time]
) -> None:
    # The chosen dates really are change days: the UTC offset differs at the day's ends.
    start_offset = datetime.combine(change_day, time(0, 0), tzinfo=zone).utcoffset()
    end_offset = datetime.combine(change_day, time(23, 59), tzinfo=zone).utcoffset()
    assert start_offset != end_offset
    first_day = change_day - timedelta(days=5)
    for at in times:
        after = local_midnight_utc(first_day, zone) - timedelta(microseconds=1)
        got = fires(at, zone, EVERY_DAY, after, 11)
        expected_days = [first_day + timedelta(days=i) for i in range(11)]
        assert [local_date(f, zone) for f in got] == expected_days, at
        assert got == [oracle_fire(d, at, zone) for d in expected_days], at
        assert all(f.tzinfo is UTC for f in got)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc", "expected_wall"),
    [
        (NY, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0), datetime(2026, 3, 8, 3, 0)),
        (NY, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), datetime(2026, 11, 1, 1, 30)),
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), datetime(2026, 3, 29, 3, 0)),
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 2, 30)),
        (LORD_HOWE, date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 30), datetime(2026, 10, 4, 2, 30)),
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45), datetime(2026, 4, 5, 1, 45)),
    ],
)
def test_gap_times_fire_at_the_jump_and_repeated_times_fire_first(
    zone: ZoneInfo, day: date, at: time, expected_utc: datetime, expected_wall: datetime
) -> None:
    day_before = day - timedelta(days=1)
    fire_before = next_daily_fire(at, zone, EVERY_DAY, local_midnight_utc(day_before, zone))
    fire = next_daily_fire(at, zone, EVERY_DAY, fire_before)
    assert fire == expected_utc
    assert wall(fire, zone) == expected_wall
    # Asked again right after, from either pass through a repeated hour: the next day.
    assert local_date(next_daily_fire(at, zone, EVERY_DAY, fire), zone) == day + timedelta(days=1)
    second_pass = fire + timedelta(hours=1) - timedelta(minutes=20)
    assert local_date(next_daily_fire(at, zone, EVERY_DAY, second_pass), zone) == day + timedelta(days=1)


def test_spring_forward_day_is_not_skipped_when_asked_just_before_the_jump() -> None:
    # 01:59:59.999999 EST: the next 02:30 is "today", at the jump (03:00 EDT).
    just_before = utc(2026, 3, 8, 7) - timedelta(microseconds=1)
    assert next_daily_fire(time(2, 30), NY, EVERY_DAY, just_before) == utc(2026, 3, 8, 7)


def test_fire_is_strictly_after_after() -> None:
    fire = utc(2026, 5, 4, 5, 0)  # 07:00 in Berlin
    assert next_daily_fire(time(7, 0), BERLIN, EVERY_DAY, fire - timedelta(microseconds=1)) == fire
    assert next_daily_fire(time(7, 0), BERLIN, EVERY_DAY, fire) == fire + timedelta(days=1)


def test_fire_honours_weekdays() -> None:
    friday_evening = utc(2026, 5, 8, 18)  # Friday 20:00 in Berlin
    monday = next_daily_fire(time(7, 0), BERLIN, parse_days("mon-fri"), friday_evening)
    assert monday == utc(2026, 5, 11, 5)
    saturday = next_daily_fire(time(7, 0), BERLIN, parse_days("weekends"), friday_evening)
    assert saturday == utc(2026, 5, 9, 5)


def test_fire_accepts_any_aware_after_and_refuses_bad_arguments() -> None:
    after_in_ny = datetime(2026, 5, 4, 1, 0, tzinfo=NY)  # 05:00 UTC
    assert next_daily_fire(time(7, 0), BERLIN, EVERY_DAY, after_in_ny) == utc(2026, 5, 5, 5)
    with pytest.raises(ValueError):
        next_daily_fire(time(7, 0), BERLIN, EVERY_DAY, datetime(2026, 5, 4, 1, 0))
    with pytest.raises(ValueError):
        next_daily_fire(time(7, 0), BERLIN, frozenset(), utc(2026, 5, 4))


def test_a_day_the_zone_skips_gets_no_fire() -> None:
    # Samoa skipped 30 December 2011 entirely when it crossed the date line.
    apia = ZoneInfo("Pacific/Apia")
    got = fires(time(9, 0), apia, EVERY_DAY, utc(2011, 12, 28), 4)
    assert [local_date(f, apia) for f in got] == [
        date(2011, 12, 28),
        date(2011, 12, 29),
        date(2011, 12, 31),
        date(2012, 1, 1),
    ]


PROPERTY_ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Europe/Dublin",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Havana",
    "America/Santiago",
    "America/St_Johns",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Sydney",
]


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(PROPERTY_ZONES),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2036, 12, 31), timezones=st.just(UTC)
    ),
)
def test_successive_fires_are_one_per_chosen_local_day(
    zone_name: str, hour: int, minute: int, days: frozenset[int], start: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    at = time(hour, minute)
    got = fires(at, zone, days, start, 8)
    assert got[0] > start
    assert all(a < b for a, b in itertools.pairwise(got))
    dates = [local_date(f, zone) for f in got]
    assert len(set(dates)) == len(dates)
    assert all(d.weekday() in days for d in dates)
    # No chosen day is skipped between consecutive fires.
    for earlier, later in itertools.pairwise(dates):
        between = [earlier + timedelta(days=i) for i in range(1, (later - earlier).days)]
        assert not [d for d in between if d.weekday() in days]
    # ... nor before the first one: the start's own day, if chosen, had its fire already.
    start_day = local_date(start, zone)
    if dates[0] != start_day and start_day.weekday() in days:
        assert local_to_utc(start_day, at, zone) <= start
    # Each fire is the first instant of its day at which the clock reads `at` or later.
    for fire, day in zip(got, dates, strict=True):
        assert wall(fire, zone) >= datetime.combine(day, at)
        just_before = wall(fire - timedelta(seconds=1), zone)
        assert just_before < datetime.combine(day, at) or just_before.date() != day


# ---------------------------------------------------------------------------------------
# Quiet hours
# ---------------------------------------------------------------------------------------


def test_quiet_hours_contains_wrapping_plain_and_off() -> None:
    night = QuietHours(time(22), time(8))
    assert night.contains(time(22)) and night.contains(time(23, 59)) and night.contains(time(0))
    assert night.contains(time(7, 59))
    assert not night.contains(time(8)) and not night.contains(time(12)) and not night.contains(time(21, 59))
    nap = QuietHours(time(13), time(15))
    assert nap.contains(time(13)) and nap.contains(time(14, 59))
    assert not nap.contains(time(15)) and not nap.contains(time(12, 59))
    off = QuietHours(time(8), time(8))
    assert not off.enabled and not any(off.contains(time(h)) for h in range(24))
    assert str(night) == "22:00–08:00" and str(off) == "off"
    assert night == DEFAULT_QUIET_HOURS


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2026, 6, 1, 21, 0), utc(2026, 6, 2, 6, 0)),  # 23:00 Berlin → 08:00 next day
        (utc(2026, 6, 1, 20, 0), utc(2026, 6, 2, 6, 0)),  # 22:00 exactly is quiet
        (utc(2026, 6, 2, 1, 0), utc(2026, 6, 2, 6, 0)),  # 03:00 → 08:00 same day
        (utc(2026, 6, 2, 6, 0), utc(2026, 6, 2, 6, 0)),  # 08:00 exactly is not quiet
        (utc(2026, 6, 2, 10, 0), utc(2026, 6, 2, 10, 0)),  # noon: unchanged
    ],
)
def test_move_out_of_quiet_hours(instant: datetime, expected: datetime) -> None:
    assert move_out_of_quiet_hours(instant, BERLIN, DEFAULT_QUIET_HOURS) == expected


def test_move_out_of_quiet_hours_is_dst_safe() -> None:
    night = DEFAULT_QUIET_HOURS
    # 23:00 EST on the eve of spring-forward → 08:00 EDT (12:00 UTC, not 13:00).
    assert move_out_of_quiet_hours(utc(2026, 3, 8, 4), NY, night) == utc(2026, 3, 8, 12)
    # 23:00 EDT on the eve of fall-back → 08:00 EST (13:00 UTC).
    assert move_out_of_quiet_hours(utc(2026, 11, 1, 3), NY, night) == utc(2026, 11, 1, 13)
    # Quiet hours ending inside the gap end at the jump.
    assert move_out_of_quiet_hours(utc(2026, 3, 8, 4), NY, QuietHours(time(22), time(2, 30))) == utc(
        2026, 3, 8, 7
    )
    # Inside a repeated hour: never moved backwards.
    short = QuietHours(time(0), time(1, 30))
    first_pass = utc(2026, 11, 1, 5, 10)  # 01:10 EDT
    second_pass = utc(2026, 11, 1, 6, 10)  # 01:10 EST
    assert move_out_of_quiet_hours(first_pass, NY, short) == utc(2026, 11, 1, 5, 30)
    assert move_out_of_quiet_hours(second_pass, NY, short) == utc(2026, 11, 1, 6, 30)
    with pytest.raises(ValueError):
        move_out_of_quiet_hours(datetime(2026, 6, 1, 12), BERLIN, night)


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(PROPERTY_ZONES),
    start=st.tuples(st.integers(0, 23), st.integers(0, 59)),
    end=st.tuples(st.integers(0, 23), st.integers(0, 59)),
    instant=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2036, 12, 31), timezones=st.just(UTC)
    ),
)
def test_moved_instants_are_outside_quiet_hours_and_never_earlier(
    zone_name: str, start: tuple[int, int], end: tuple[int, int], instant: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    quiet = QuietHours(time(*start), time(*end))
    moved = move_out_of_quiet_hours(instant, zone, quiet)
    assert moved.tzinfo is UTC
    if not quiet.contains(wall(instant, zone).time()):
        assert moved == instant
        return
    assert moved > instant
    assert not quiet.contains(wall(moved, zone).time())
    # At most one quiet spell (plus a DST shift) later.
    assert moved - instant <= timedelta(hours=25)
