"""Pacing for the bot's own REST calls, so a burst of deliveries never meets a 429.

Discord's global limit is 50 requests/s per bot token and discord.py only reacts after a
429, so the dispatcher paces itself below that with this bucket (45/s by default).

The bucket is a token bucket written in its "theoretical arrival time" form (GCRA): it
keeps the time at which the bucket will next be full, not a fractional token count,
and keeps it in integer nanoseconds so the guarantee below is exact rather than true
up to float rounding.

Guarantee: with refill `rate` per second and `capacity` C (the most that may go at once
after a quiet spell), any half-open window of W seconds sees at most rate·W + C − 1
tokens granted, rounded up. With the default C = 1 that is at most `rate` in every
1-second window, and consecutive requests are at least 1/rate s apart: strictly even
pacing. (A classic bucket that starts with C tokens banked allows C + rate − 1 in its
first second, which is why the default is 1: 45 + 0 stays under Discord's 50.)
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

__all__ = ["Pacer", "TokenBucket"]


class Pacer(Protocol):
    """Anything that spaces requests: this process's bucket, or the one shared through the database."""

    async def acquire(self, n: int = 1) -> None: ...


_NS_PER_S = 1_000_000_000
# Waits shorter than this are rounded up: the sleep always advances the clock, even a
# float clock whose resolution is coarser than a nanosecond.
_MIN_SLEEP_S = 1e-6


class TokenBucket:
    """An async rate limiter: `await bucket.acquire()` before each request.

    Waiters are served strictly first come, first served (each reserves its slot in
    call order and sleeps until it), so a steady stream of
    new callers cannot starve an earlier one. The clock and sleep are injectable so
    tests and the virtual-time harness can drive it.
    """

    def __init__(
        self,
        rate: float = 45.0,
        capacity: float | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"rate must be a positive number of tokens per second, got {rate}")
        capacity = 1.0 if capacity is None else capacity
        if not (math.isfinite(capacity) and capacity >= 1):
            raise ValueError(f"capacity must be at least 1 (one request at a time), got {capacity}")
        self.rate = float(rate)
        self.capacity = float(capacity)
        self._monotonic = monotonic
        self._sleep = sleep
        # Rounded up: pacing a hair slower than `rate` never breaks the guarantee.
        self._interval_ns = math.ceil(_NS_PER_S / self.rate)
        # How far ahead of the clock the schedule may run: the banked burst, minus the
        # token being taken now.
        self._tolerance_ns = math.floor((self.capacity - 1) * self._interval_ns)
        self._tat_ns: int | None = None  # when the bucket will next be full; None = full now
        self._queued = 0  # callers sleeping until their reserved slot

    def _check_n(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive whole number of tokens, got {n!r}")
        if n > self.capacity:
            raise ValueError(f"cannot take {n} tokens at once from a bucket holding {self.capacity:g}")

    def _wait_ns(self, n: int) -> int:
        """Nanoseconds until n tokens are available (0 = now); takes them when they are."""
        now = self._monotonic() * _NS_PER_S
        if self._tat_ns is None or self._tat_ns <= now:
            # Idle long enough for the bucket to be full: n ≤ capacity tokens are there.
            # Rounding the clock up only makes the next grant later, never earlier.
            self._tat_ns = math.ceil(now) + n * self._interval_ns
            return 0
        allowed_at = self._tat_ns - self._tolerance_ns + (n - 1) * self._interval_ns
        # Rounding the clock down means a grant never happens before its time.
        now_ns = math.floor(now)
        if now_ns < allowed_at:
            return allowed_at - now_ns
        self._tat_ns += n * self._interval_ns
        return 0

    def _reserve_ns(self, n: int) -> int:
        """Take n tokens now or at a reserved future instant; return nanoseconds until then.

        Reserving (rather than queueing on a lock and re-checking) keeps every waiter in a
        plain sleep until its own slot, so callers are served in call order and nothing
        waits on another task — which a virtual-time test harness can settle.
        """
        now = self._monotonic() * _NS_PER_S
        if self._tat_ns is None or self._tat_ns <= now:
            self._tat_ns = math.ceil(now) + n * self._interval_ns
            return 0
        allowed_at = self._tat_ns - self._tolerance_ns + (n - 1) * self._interval_ns
        self._tat_ns += n * self._interval_ns
        return max(0, allowed_at - math.floor(now))

    def try_acquire(self, n: int = 1) -> bool:
        """Take n tokens if they are available right now and nobody is queued ahead."""
        self._check_n(n)
        if self._queued:
            return False
        return self._wait_ns(n) == 0

    async def acquire(self, n: int = 1) -> None:
        """Wait (through the injected sleep) until n tokens are available, then take them."""
        self._check_n(n)
        wait_ns = self._reserve_ns(n)
        if wait_ns <= 0:
            return
        reserved_until = self._tat_ns
        self._queued += 1
        try:
            await self._sleep(max(wait_ns / _NS_PER_S, _MIN_SLEEP_S))
        except asyncio.CancelledError:
            # Give the slot back when nobody reserved after it, so a cancelled caller takes nothing.
            if self._tat_ns == reserved_until and self._tat_ns is not None:
                self._tat_ns -= n * self._interval_ns
            raise
        finally:
            self._queued -= 1
