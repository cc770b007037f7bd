"""Periodic jobs survive their own failures: reported once each, and the timetable goes on."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from bot.runtime.periodic import Job, Periodic
from bot.runtime.tasks import Background
from tests.runtime.harness import T0

TICK = timedelta(milliseconds=5)


async def test_a_failing_run_is_reported_and_the_next_one_still_comes() -> None:
    errors: list[str] = []
    runs: list[int] = []
    done = asyncio.Event()

    async def on_error(context: str) -> None:
        errors.append(context)

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the database was away")
        if len(runs) == 3:
            done.set()

    async def once() -> None:
        raise ValueError("start-up check failed")

    background = Background(on_error)
    periodic = Periodic(
        [Job("flaky", flaky, next_run=lambda now: now + TICK), Job("start-up", once)],
        spawn=background.spawn,
        on_error=on_error,
        clock=lambda: T0,
    )
    periodic.start()
    await asyncio.wait_for(done.wait(), timeout=5)
    await periodic.stop()
    await background.stop()
    assert runs == [0, 1, 2]
    assert sorted(errors) == ["periodic:flaky", "periodic:start-up"]


async def test_stop_ends_a_job_waiting_for_its_time() -> None:
    async def on_error(context: str) -> None:
        raise AssertionError(context)

    ran: list[datetime] = []

    async def job() -> Any:
        ran.append(T0)

    background = Background(on_error)
    periodic = Periodic(
        [Job("daily", job, next_run=lambda now: now + timedelta(days=1))],
        spawn=background.spawn,
        on_error=on_error,
        clock=lambda: T0,
    )
    periodic.start()
    await asyncio.sleep(0)
    await periodic.stop()
    await background.stop()
    assert ran == []
