"""The request pacer shared by every process that runs on one bot token.

Discord's global limit is per token, so when several processes dispatch (PostgreSQL
deployments) they must share one budget. This is the same GCRA bucket as
:class:`bot.scheduling.ratelimit.TokenBucket`, but its "theoretical arrival time" is a
database row updated atomically, so reservations from all processes take consecutive
slots. Time is the wall clock through ``bot.clock`` (so the processes' clocks must be
NTP-synchronised, as any server's are); one round trip reserves a whole send group.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.db.repositories.pacer import PacerRepo

#: Floating-point slack when telling "the bucket was idle" from "queued behind others".
_EPSILON = 1e-6


class SharedTokenBucket:
    def __init__(
        self,
        repo: PacerRepo,
        *,
        rate: float,
        capacity: float = 1.0,
        name: str = "global",
        now: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        if not (math.isfinite(rate) and rate > 0) or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.repo = repo
        self.rate = rate
        self.capacity = capacity
        self.name = name
        self._now = now
        self._sleep = sleep
        # A microsecond of margin per slot: epoch seconds as floats carry ~0.2 µs of rounding.
        self._interval = 1.0 / rate + 1e-6
        self._tolerance = (capacity - 1) * self._interval
        self._ready = False

    async def acquire(self, n: int = 1) -> None:
        if n < 1 or n > self.capacity:
            raise ValueError(f"cannot take {n} tokens from a bucket holding {self.capacity:g}")
        if not self._ready:
            await self.repo.ensure(self.name)
            self._ready = True
        now = self._now().timestamp()
        step = n * self._interval
        new_tat = await self.repo.reserve(self.name, now, step)
        if new_tat <= now + step + _EPSILON:
            return  # the bucket was idle: granted now
        allowed_at = (new_tat - step) - self._tolerance + (n - 1) * self._interval
        wait = allowed_at - now
        if wait > 0:
            await (self._sleep or asyncio.sleep)(wait)
