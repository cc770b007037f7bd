"""Challenge scoring: reading results per format, comparing them, and ranking members."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.intervals import Program, parse
from bot.domain.scoring import (
    MAX_REPS,
    MAX_ROUNDS,
    MAX_SESSIONS_PER_LOG,
    MAX_TIME_S,
    PARTIAL_REPS_LIMIT,
    PodiumPlace,
    RankedEntry,
    Result,
    ResultError,
    ScoringKind,
    better,
    default_scoring,
    display_value,
    is_better,
    is_lower_better,
    member_score,
    parse_result,
    podium,
    rank_entries,
    scoring_summary,
)

SETTINGS = settings(max_examples=300, deadline=None)


def examples(message: str) -> list[str]:
    """Every backticked example offered after `e.g.` or `log` in an error message."""
    return re.findall(r"(?:e\.g\.|log) `([^`]+)`", message)


# --- defaults --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notation", "kind"),
    [
        ("tabata", ScoringKind.REPS),
        ("emom 10", ScoringKind.ROUNDS),
        ("amrap 12", ScoringKind.ROUNDS_REPS),
        ("fortime cap 20", ScoringKind.TIME),
        ("5x(40s on, 20s off)", ScoringKind.SESSIONS),
        ("8x(20s work, 10s rest)", ScoringKind.SESSIONS),
    ],
)
def test_default_scoring_follows_the_format(notation: str, kind: ScoringKind) -> None:
    assert default_scoring(parse(notation)) is kind


def test_only_time_is_lower_better() -> None:
    assert [k for k in ScoringKind if is_lower_better(k)] == [ScoringKind.TIME]


def test_kinds_are_stored_as_plain_strings() -> None:
    assert [k.value for k in ScoringKind] == [
        "reps",
        "rounds",
        "rounds_reps",
        "time",
        "sessions",
        "sessions_week",
    ]
    assert ScoringKind("rounds_reps") is ScoringKind.ROUNDS_REPS
    assert scoring_summary(ScoringKind.TIME) == "time, fastest wins"


# --- parsing each kind ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "value", "display"),
    [
        (ScoringKind.REPS, "124", 124, "124 reps"),
        (ScoringKind.REPS, " 124 reps ", 124, "124 reps"),
        (ScoringKind.REPS, "1 rep", 1, "1 rep"),
        (ScoringKind.REPS, "0", 0, "0 reps"),
        (ScoringKind.REPS, "10000", 10_000, "10000 reps"),
        (ScoringKind.ROUNDS, "8", 8, "8 rounds"),
        (ScoringKind.ROUNDS, "1 round", 1, "1 round"),
        (ScoringKind.ROUNDS, "1000", 1000, "1000 rounds"),
        (ScoringKind.ROUNDS_REPS, "7+12", 7012, "7+12"),
        (ScoringKind.ROUNDS_REPS, " 7 + 12 ", 7012, "7+12"),
        (ScoringKind.ROUNDS_REPS, "7+0", 7000, "7+0"),
        (ScoringKind.ROUNDS_REPS, "0+999", 999, "0+999"),
        (ScoringKind.ROUNDS_REPS, "1000+999", 1_000_999, "1000+999"),
        (ScoringKind.TIME, "18:32", 1112, "18:32"),
        (ScoringKind.TIME, "1:02:03", 3723, "1:02:03"),
        (ScoringKind.TIME, "0:45", 45, "0:45"),
        (ScoringKind.TIME, "75:00", 4500, "1:15:00"),
        (ScoringKind.TIME, "18m32s", 1112, "18:32"),
        (ScoringKind.TIME, "0:01", 1, "0:01"),
        (ScoringKind.TIME, "24:00:00", MAX_TIME_S, "24:00:00"),
        (ScoringKind.SESSIONS, "", 1, "1 session"),
        (ScoringKind.SESSIONS, "   ", 1, "1 session"),
        (ScoringKind.SESSIONS, "3", 3, "3 sessions"),
        (ScoringKind.SESSIONS, "2 sessions", 2, "2 sessions"),
    ],
)
def test_valid_results(kind: ScoringKind, text: str, value: int, display: str) -> None:
    assert parse_result(kind, text) == Result(kind, value, display)


@pytest.mark.parametrize(
    ("kind", "text", "fragment"),
    [
        (ScoringKind.REPS, "", "No result given"),
        (ScoringKind.REPS, "-5", "isn't a rep count"),
        (ScoringKind.REPS, "12.5", "isn't a rep count"),
        (ScoringKind.REPS, "lots", "isn't a rep count"),
        (ScoringKind.REPS, "1e3", "isn't a rep count"),
        (ScoringKind.REPS, "124 rounds", "isn't a rep count"),
        (ScoringKind.REPS, "7+12", "isn't a rep count"),
        (ScoringKind.REPS, "10001", "more reps than a challenge accepts"),
        (ScoringKind.ROUNDS, "", "No result given"),
        (ScoringKind.ROUNDS, "eight", "isn't a number of rounds"),
        (ScoringKind.ROUNDS, "-1", "isn't a number of rounds"),
        (ScoringKind.ROUNDS, "1001", "more rounds than a challenge accepts"),
        (ScoringKind.ROUNDS_REPS, "", "No result given"),
        (ScoringKind.ROUNDS_REPS, "7+", "isn't rounds+reps"),
        (ScoringKind.ROUNDS_REPS, "+12", "isn't rounds+reps"),
        (ScoringKind.ROUNDS_REPS, "7", "isn't rounds+reps"),
        (ScoringKind.ROUNDS_REPS, "7+12+3", "isn't rounds+reps"),
        (ScoringKind.ROUNDS_REPS, "-7+12", "isn't rounds+reps"),
        (ScoringKind.ROUNDS_REPS, "7+1000", "0 to 999"),
        (ScoringKind.ROUNDS_REPS, "1001+0", "more than 1,000 rounds"),
        (ScoringKind.TIME, "", "No result given"),
        (ScoringKind.TIME, "18:75", "isn't a time"),
        (ScoringKind.TIME, "18:3", "isn't a time"),
        (ScoringKind.TIME, "18:32.5", "isn't a time"),
        (ScoringKind.TIME, "-1:00", "isn't a time"),
        (ScoringKind.TIME, "fast", "isn't a time"),
        (ScoringKind.TIME, "1112", "isn't a time"),
        (ScoringKind.TIME, "0:00", "no time at all"),
        (ScoringKind.TIME, "24:00:01", "24-hour limit"),
        (ScoringKind.SESSIONS, "0", "isn't a number of sessions"),
        (ScoringKind.SESSIONS, "101", "isn't a number of sessions"),
        (ScoringKind.SESSIONS, "7+12", "isn't a number of sessions"),
    ],
)
def test_invalid_results_say_why_and_show_a_working_example(
    kind: ScoringKind, text: str, fragment: str
) -> None:
    with pytest.raises(ResultError) as caught:
        parse_result(kind, text)
    error = caught.value
    assert fragment in str(error)
    assert error.kind is kind
    offered = examples(error.message)
    assert offered, error.message
    for example in offered:
        parse_result(kind, example)


def test_amrap_error_wording() -> None:
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.ROUNDS_REPS, "7+", program=parse("amrap 12"))
    assert str(caught.value) == (
        "`7+` isn't rounds+reps. AMRAP results are rounds+reps, e.g. `7+12` for 7 full rounds and "
        "12 reps into the next (`7+0` for exactly 7 rounds)."
    )


def test_member_text_is_quoted_safely_in_errors() -> None:
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.REPS, "`@everyone` " + "x" * 50)
    message = caught.value.message
    assert message.startswith("`'@everyone' xxxxxxxxxxxxxxxxx…` isn't a rep count.")


# --- bounds that come from the workout ------------------------------------------------------


def test_emom_rounds_are_bounded_by_its_minutes() -> None:
    emom = parse("emom 10")
    assert parse_result(ScoringKind.ROUNDS, "10", program=emom).value == 10
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.ROUNDS, "11", program=emom)
    assert "runs 10 minutes" in caught.value.message
    assert "log 0 to 10" in caught.value.message
    for example in examples(caught.value.message):
        parse_result(ScoringKind.ROUNDS, example, program=emom)


def test_short_emom_examples_fit_the_emom() -> None:
    emom = parse("emom 5")
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.ROUNDS, "six", program=emom)
    assert "e.g. `5`" in caught.value.message
    assert "EMOM results are rounds completed, a whole number from 0 to 5" in caught.value.message


def test_rounds_without_an_emom_use_the_general_limit() -> None:
    custom = parse("5x(40s on, 20s off)")
    assert parse_result(ScoringKind.ROUNDS, "12", program=custom).value == 12


def test_for_time_up_to_the_cap_is_accepted() -> None:
    capped = parse("fortime cap 20")
    assert parse_result(ScoringKind.TIME, "18:32", program=capped).value == 1112
    assert parse_result(ScoringKind.TIME, "20:00", program=capped).display == "20:00"


def test_for_time_over_the_cap_is_rejected_with_the_cap_to_log() -> None:
    capped = parse("fortime cap 20")
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.TIME, "20:01", program=capped)
    message = caught.value.message
    assert message == (
        "`20:01` is over this workout's 20:00 time cap. Log your time if you finished, "
        "e.g. `18:32`; if the cap stopped you, log `20:00`."
    )
    for example in examples(message):
        parse_result(ScoringKind.TIME, example, program=capped)


def test_short_cap_examples_fit_under_the_cap() -> None:
    capped = parse("fortime cap 10")
    with pytest.raises(ResultError) as caught:
        parse_result(ScoringKind.TIME, "soon", program=capped)
    offered = examples(caught.value.message)
    assert offered == ["7:30"]
    for example in offered:
        parse_result(ScoringKind.TIME, example, program=capped)


def test_time_without_program_has_no_cap() -> None:
    assert parse_result(ScoringKind.TIME, "3:00:00").value == 10_800
    assert parse_result(ScoringKind.TIME, "25:00", program=parse("amrap 12")).value == 1500


# --- comparing ------------------------------------------------------------------------------


def test_better_follows_the_direction_of_the_kind() -> None:
    fast, slow = parse_result(ScoringKind.TIME, "18:32"), parse_result(ScoringKind.TIME, "19:00")
    assert better(slow, fast) is fast
    assert is_better(fast, slow)
    assert not is_better(slow, fast)
    more, fewer = parse_result(ScoringKind.ROUNDS_REPS, "8+0"), parse_result(ScoringKind.ROUNDS_REPS, "7+999")
    assert better(fewer, more) is more
    assert is_better(more, fewer)


def test_ties_keep_the_first_result() -> None:
    first, second = parse_result(ScoringKind.REPS, "124"), Result(ScoringKind.REPS, 124, "124 reps")
    assert better(first, second) is first
    assert better(second, first) is second
    assert not is_better(first, second)


def test_comparing_different_kinds_is_refused() -> None:
    with pytest.raises(ValueError, match="can't compare"):
        better(parse_result(ScoringKind.REPS, "5"), parse_result(ScoringKind.ROUNDS, "5"))


def test_member_score_is_best_or_total() -> None:
    assert member_score(ScoringKind.REPS, [100, 124, 90]) == 124
    assert member_score(ScoringKind.TIME, [1200, 1112, 1300]) == 1112
    assert member_score(ScoringKind.ROUNDS_REPS, [7012, 8000]) == 8000
    assert member_score(ScoringKind.SESSIONS, [1, 1, 3]) == 5
    assert member_score(ScoringKind.REPS, []) is None


# --- ranking ------------------------------------------------------------------------------


def test_competition_ranking_shares_ties() -> None:
    ranked = rank_entries([(10, 50), (11, 80), (12, 80), (13, 20), (14, 100)], ScoringKind.REPS)
    assert ranked == [
        RankedEntry(1, 14, 100),
        RankedEntry(2, 11, 80),
        RankedEntry(2, 12, 80),
        RankedEntry(4, 10, 50),
        RankedEntry(5, 13, 20),
    ]


def test_time_ranks_fastest_first() -> None:
    ranked = rank_entries([(1, 1300), (2, 1112), (3, 1112), (4, 1500)], ScoringKind.TIME)
    assert [(e.rank, e.member_id) for e in ranked] == [(1, 2), (1, 3), (3, 1), (4, 4)]


def test_tied_members_keep_the_given_order() -> None:
    ranked = rank_entries([(30, 5), (10, 5), (20, 5)], ScoringKind.ROUNDS)
    assert [(e.rank, e.member_id) for e in ranked] == [(1, 30), (1, 10), (1, 20)]


def test_ranking_rejects_a_member_twice_and_accepts_nobody() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        rank_entries([(1, 5), (1, 6)], ScoringKind.REPS)
    assert rank_entries([], ScoringKind.REPS) == []
    assert podium([]) == []


def test_podium_groups_ties_and_stops_after_third() -> None:
    ranked = rank_entries([(1, 100), (2, 80), (3, 80), (4, 50), (5, 40)], ScoringKind.REPS)
    assert podium(ranked) == [PodiumPlace(1, 100, (1,)), PodiumPlace(2, 80, (2, 3))]


def test_podium_with_a_tie_for_first() -> None:
    ranked = rank_entries([(1, 9), (2, 9), (3, 7), (4, 6)], ScoringKind.ROUNDS)
    assert podium(ranked) == [PodiumPlace(1, 9, (1, 2)), PodiumPlace(3, 7, (3,))]


def test_podium_with_everyone_tied_keeps_everyone() -> None:
    ranked = rank_entries([(n, 1) for n in range(1, 6)], ScoringKind.SESSIONS)
    assert podium(ranked) == [PodiumPlace(1, 1, (1, 2, 3, 4, 5))]


def test_podium_with_three_distinct_places() -> None:
    ranked = rank_entries([(1, 3), (2, 2), (3, 1), (4, 0)], ScoringKind.REPS)
    assert [place.rank for place in podium(ranked)] == [1, 2, 3]


# --- properties -------------------------------------------------------------------------


def valid_values(kind: ScoringKind) -> st.SearchStrategy[int]:
    if kind is ScoringKind.REPS:
        return st.integers(0, MAX_REPS)
    if kind is ScoringKind.ROUNDS:
        return st.integers(0, MAX_ROUNDS)
    if kind is ScoringKind.ROUNDS_REPS:
        return st.builds(
            lambda rounds, reps: rounds * PARTIAL_REPS_LIMIT + reps,
            st.integers(0, MAX_ROUNDS),
            st.integers(0, PARTIAL_REPS_LIMIT - 1),
        )
    if kind is ScoringKind.TIME:
        return st.integers(1, MAX_TIME_S)
    return st.integers(1, MAX_SESSIONS_PER_LOG)


#: Kinds whose results members type in (a consistency challenge counts itself).
TYPED = [k for k in ScoringKind if k is not ScoringKind.SESSIONS_PER_WEEK]


@SETTINGS
@given(st.sampled_from(TYPED).flatmap(lambda k: st.tuples(st.just(k), valid_values(k))))
def test_display_then_parse_round_trips(case: tuple[ScoringKind, int]) -> None:
    kind, value = case
    result = parse_result(kind, display_value(kind, value))
    assert result == Result(kind, value, display_value(kind, value))
    assert parse_result(kind, result.display) == result


@SETTINGS
@given(st.sampled_from(list(ScoringKind)), st.text(max_size=20))
def test_arbitrary_text_only_raises_result_errors(kind: ScoringKind, text: str) -> None:
    try:
        result = parse_result(kind, text)
    except ResultError as error:
        assert examples(error.message)
        return
    assert result.kind is kind
    assert parse_result(kind, result.display) == result


@SETTINGS
@given(st.integers(0, 2000), st.integers(0, 999), st.integers(0, 2000), st.integers(0, 999))
def test_rounds_reps_order_matches_rounds_then_reps(r1: int, p1: int, r2: int, p2: int) -> None:
    r1, r2 = min(r1, MAX_ROUNDS), min(r2, MAX_ROUNDS)
    a = parse_result(ScoringKind.ROUNDS_REPS, f"{r1}+{p1}")
    b = parse_result(ScoringKind.ROUNDS_REPS, f"{r2}+{p2}")
    assert is_better(a, b) == ((r1, p1) > (r2, p2))


@SETTINGS
@given(
    st.dictionaries(st.integers(1, 10**18), st.integers(0, 30), max_size=25),
    st.sampled_from(list(ScoringKind)),
)
def test_rank_is_one_plus_the_number_of_strictly_better_members(
    scores: dict[int, int], kind: ScoringKind
) -> None:
    ranked = rank_entries(scores.items(), kind)
    assert sorted(e.member_id for e in ranked) == sorted(scores)
    lower = is_lower_better(kind)
    for entry in ranked:
        strictly_better = sum(1 for v in scores.values() if (v < entry.value if lower else v > entry.value))
        assert entry.rank == 1 + strictly_better
        assert entry.value == scores[entry.member_id]
    places = podium(ranked)
    on_podium = [member for place in places for member in place.member_ids]
    assert on_podium == [e.member_id for e in ranked if e.rank <= 3]
    assert all(1 <= place.rank <= 3 for place in places)


def test_program_type_is_accepted_for_every_kind() -> None:
    program: Program = parse("tabata")
    for kind in TYPED:
        parse_result(kind, display_value(kind, 1), program=program)
