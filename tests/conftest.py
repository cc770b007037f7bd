"""Shared fixtures: a fresh database per test, the real bot under SimCord."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable

import discord
import pytest
import pytest_asyncio

from bot import Settings
from bot.app import EXTENSIONS, RepmateBot


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/repmate.db")


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


@pytest.fixture
def simcord_bot(make_bot: Callable[..., RepmateBot], request: pytest.FixtureRequest) -> RepmateBot:
    marker = request.node.get_closest_marker("extensions")
    return make_bot(*(marker.args if marker else ()))


def postgres_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


ADMIN_PERMS = discord.Permissions(manage_guild=True)


# CI runs Hypothesis deterministically so a run is repeatable; locally it explores new examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
