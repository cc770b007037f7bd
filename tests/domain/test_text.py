"""Counts with nouns in the right number."""

from __future__ import annotations

import pytest

from bot.domain.text import plural


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
