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
from tests.contract_guard import Reach, check_request, check_upload
from tests.response_ledger import install, slow_work

#: The largest value each Discord limit reached over the whole run (printed at the end).
REACH = Reach()


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
    uploads = _record_uploads()
    # REPMATE_AUDIT_FIRST_RESPONSE=1: every behaviour test also fails on work before a first response.
    audit = install(env) if os.environ.get("REPMATE_AUDIT_FIRST_RESPONSE") else None
    try:
        yield env
    finally:
        uploads.undo()
        if audit is not None:
            audit[1]()
        await env.shutdown()
        if env.check_errors:
            env._raise_errors_since(env._errors_acknowledged)
    problems = [
        problem
        for entry in env.http_requests
        for problem in check_request(entry.method, entry.path, entry.json, REACH)
    ]
    problems += [problem for name, size in uploads.sizes for problem in check_upload(name, size, REACH)]
    if problems:
        pytest.fail("Requests outside Discord's documented limits:\n" + "\n".join(problems[:20]))
    if audit is not None and (slow := slow_work(audit[0])):
        pytest.fail("Work before the first response:\n" + "\n".join(map(str, slow[:10])))


class _UploadRecorder:
    """Every file the bot builds for upload, with its size (SimCord accepts any size)."""

    def __init__(self) -> None:
        self.sizes: list[tuple[str, int]] = []
        self._original = discord.File.__init__
        recorder = self
        original = self._original

        def init(file: discord.File, *args: object, **kwargs: object) -> None:
            original(file, *args, **kwargs)  # type: ignore[arg-type]
            position = file.fp.tell()
            size = file.fp.seek(0, 2)
            file.fp.seek(position)
            recorder.sizes.append((file.filename or "?", size))

        discord.File.__init__ = init  # type: ignore[method-assign]

    def undo(self) -> None:
        discord.File.__init__ = self._original  # type: ignore[method-assign]


def _record_uploads() -> _UploadRecorder:
    return _UploadRecorder()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if REACH.largest:
        terminalreporter.section("Discord limits: the largest value the suite reached")
        for line in REACH.lines():
            terminalreporter.write_line(line)


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
