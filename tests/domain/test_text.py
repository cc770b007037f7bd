"""Wording helpers: counts with nouns in the right number, member text in inline code, names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.text import NameRules, clean_name, code_safe, inline_code, name_key, plural
from bot.errors import UserFacingError


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 routines"), (1, "1 routine"), (2, "2 routines"), (-1, "-1 routines"), (1204, "1,204 routines")],
)
def test_regular_nouns_take_an_s_except_for_exactly_one(count: int, expected: str) -> None:
    assert plural(count, "routine") == expected


def test_irregular_plurals_are_given() -> None:
    assert plural(1, "challenge entry", "challenge entries") == "1 challenge entry"
    assert plural(3, "challenge entry", "challenge entries") == "3 challenge entries"
    assert plural(2, "daily reminder") == "2 daily reminders"


# -- member text in inline code ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.none() | st.integers(2, 120))
def test_inline_code_never_lets_member_text_out(text: str, limit: int | None) -> None:
    shown = inline_code(text, limit)
    assert shown.startswith("`") and shown.endswith("`") and len(shown) >= 3
    inside = shown[1:-1]
    assert "`" not in inside, "a backtick inside would end the code early"
    assert inside.strip() or inside == " ", "empty text still shows as code, not as two backticks"
    assert "\n" not in inside
    if limit is not None:
        assert len(inside) <= limit


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Leg Day", None, "`Leg Day`"),
        ("Bad `name`", None, "`Bad 'name'`"),
        ("", None, "` `"),
        ("  lots \n of   space ", None, "`lots of space`"),
        ("abcdefghij", 5, "`abcd…`"),
        ("abcde", 5, "`abcde`"),
    ],
)
def test_inline_code_examples(text: str, limit: int | None, expected: str) -> None:
    assert inline_code(text, limit) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_code_safe_columns_keeps_every_character_in_place(text: str) -> None:
    shown = code_safe(text, columns=True)
    assert len(shown) == len(text)
    assert "`" not in shown and all(ch.isprintable() for ch in shown)


def test_code_safe_columns_cuts_with_an_ellipsis() -> None:
    assert code_safe("a\tb`c\x00" + "d" * 10, 6, columns=True) == "a b'c…"


# -- names ------------------------------------------------------------------------------------------

RULES = NameRules("widget", 10, example="`Blue`", empty_example="`Blue` or `Red`", backtick_reason=" (no)")


def test_names_fold_whitespace_and_compare_without_case() -> None:
    assert clean_name("  Big   Blue ", RULES) == "Big Blue"
    assert name_key("  Leg   DAY ") == "leg day"


@pytest.mark.parametrize(
    ("raw", "message", "example"),
    [
        ("   ", "The widget needs a name.", "`Blue` or `Red`"),
        ("x" * 11, "The name is 11 characters; the limit is 10.", "`Blue`"),
        ("a\u200bb", "The name contains invisible characters.", "`Blue`"),
        ("a`b", "The name can't contain backticks (no).", "`Blue`"),
    ],
)
def test_refused_names_say_why(raw: str, message: str, example: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        clean_name(raw, RULES)
    assert caught.value.message == message and caught.value.example == example
