"""The shared helper for dates and times shown to members: Discord timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.ui import discord_time


def test_a_moment_becomes_a_discord_timestamp_whatever_its_zone() -> None:
    noon = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    assert discord_time(noon, "D") == "<t:1767355200:D>"
    assert discord_time(noon.astimezone(timezone(timedelta(hours=-5)))) == "<t:1767355200:f>"


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError):
        discord_time(datetime(2026, 1, 2, 12, 0), "D")
