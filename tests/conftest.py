"""Shared fixtures: a fresh database per test, the real bot under SimCord."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import discord
import pytest
import pytest_asyncio
import simcord

from bot import Settings
from bot.app import EXTENSIONS, RepmateBot


@pytest.fixture
def settings(tmp_path, request: pytest.FixtureRequest) -> Settings:  # type: ignore[no-untyped-def]
    """A fresh SQLite database per test; ``@pytest.mark.settings(retention_days=30)`` adds fields."""
    marker = request.node.get_closest_marker("settings")
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/repmate.db", **(marker.kwargs if marker else {})
    )


@pytest_asyncio.fixture
async def make_bot(settings: Settings) -> AsyncIterator[Callable[..., RepmateBot]]:
    """Builds bots over the test's database and releases their connections afterwards.

    SimCord never closes a bot (a restart simulates a crash), so the database engines
    of every generation are disposed here.
    """
    made: list[RepmateBot] = []

    def make(*extra_extensions: str) -> RepmateBot:
        bot = RepmateBot(settings, extensions=tuple(dict.fromkeys((*EXTENSIONS, *extra_extensions))))
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if bot._database is not None:
            await bot._database.dispose()


@pytest_asyncio.fixture
async def simcord_env(simcord_bot: RepmateBot, request: pytest.FixtureRequest) -> AsyncIterator[simcord.Env]:
    """SimCord's own fixture, plus ``@pytest.mark.start_at("2026-03-07T12:00:00+00:00")``.

    Starting the virtual clock on a chosen day lets a test reach a DST change without
    advancing through months; the clock is moved before the bot starts, when no timer
    exists yet.
    """
    marker = request.node.get_closest_marker("simcord")
    env = simcord.Env(simcord_bot, **(marker.kwargs if marker else {}))
    start = request.node.get_closest_marker("start_at")
    if start is not None:
        target = datetime.fromisoformat(start.args[0])
        env.backend.advance_clock((target - SIMCORD_EPOCH).total_seconds())
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
        if env.check_errors:
            env._raise_errors_since(env._errors_acknowledged)


@pytest.fixture
def simcord_bot(make_bot: Callable[..., RepmateBot], request: pytest.FixtureRequest) -> RepmateBot:
    marker = request.node.get_closest_marker("extensions")
    return make_bot(*(marker.args if marker else ()))


def postgres_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


ADMIN_PERMS = discord.Permissions(manage_guild=True)
#: Where SimCord's virtual clock starts.
SIMCORD_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


# CI runs Hypothesis deterministically so a run is repeatable; locally it explores new examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
