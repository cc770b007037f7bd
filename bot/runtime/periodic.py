"""Jobs the bot runs by itself on a timetable, or once at start-up.

The wiring lists them (the daily retention purge, the start-up check that every challenge
has its announcements scheduled); the runtime starts them. A job that raises is reported
to the error sink and the timetable carries on: one bad night must not end the purge for
good.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.runtime.tasks import ErrorSink, Spawn

#: Given the time now, when the job should next run.
NextRun = Callable[[datetime], datetime]


@dataclass(frozen=True)
class Job:
    """``run`` once at start-up when ``next_run`` is None, else at every ``next_run``."""

    name: str
    run: Callable[[], Awaitable[Any]]
    next_run: NextRun | None = None


class Periodic:
    def __init__(
        self, jobs: Sequence[Job], *, spawn: Spawn, on_error: ErrorSink, clock: Callable[[], datetime]
    ) -> None:
        self.jobs = tuple(jobs)
        self.spawn = spawn
        self.on_error = on_error
        self.clock = clock
        self._tasks: list[asyncio.Task[Any]] = []

    def start(self) -> None:
        for job in self.jobs:
            body = self._once(job) if job.next_run is None else self._every(job, job.next_run)
            self._tasks.append(self.spawn(body, name=job.name))

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, job: Job) -> None:
        try:
            await job.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            await self.on_error(f"periodic:{job.name}")

    async def _once(self, job: Job) -> None:
        await self._run(job)

    async def _every(self, job: Job, next_run: NextRun) -> None:
        while True:
            now = self.clock()
            await asyncio.sleep((next_run(now) - now).total_seconds())
            await self._run(job)
