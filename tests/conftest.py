"""Shared fixtures: a fresh database per test, the real bot under SimCord."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable

import discord
import pytest
import pytest_asyncio

from bot import Settings, create_bot
from bot.app import RepmateBot



@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/repmate.db")


@pytest_asyncio.fixture
async def make_bot(settings: Settings) -> AsyncIterator[Callable[[], RepmateBot]]:
    """Builds bots over the test's database and releases their connections afterwards.

    SimCord never closes a bot (a restart simulates a crash), so the database engines
    of every generation are disposed here.
    """
    made: list[RepmateBot] = []

    def make() -> RepmateBot:
        bot = create_bot(settings)
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if bot._database is not None:
            await bot._database.dispose()


@pytest.fixture
def simcord_bot(make_bot: Callable[[], RepmateBot]) -> RepmateBot:
    return make_bot()


def postgres_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


ADMIN_PERMS = discord.Permissions(manage_guild=True)
