"""The token bucket that paces the bot's own REST calls under Discord's global limit."""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.ratelimit import TokenBucket


class FakeClock:
    """A monotonic clock that only moves when sleepers wake (or the test says so).

    Sleepers wake in order of their wake-up times, as on a real clock: the earliest
    sleeper moves time to its own wake-up and returns; the others wait their turn.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._wakeups: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        target = self.now + seconds
        self._wakeups.append(target)
        for _ in range(3):  # let every runnable task reach its own sleep first
            await asyncio.sleep(0)
        while min(self._wakeups) < target:  # noqa: ASYNC110 - a turn-by-turn scheduler, not an event
            await asyncio.sleep(0)
        self._wakeups.remove(target)
        self.now = max(self.now, target)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most grants in any half-open window [t, t + window) (grants sorted by time)."""
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def bucket(clock: FakeClock, rate: float = 45.0, capacity: float | None = None) -> TokenBucket:
    return TokenBucket(rate, capacity, monotonic=clock.monotonic, sleep=clock.sleep)


async def test_2000_acquisitions_never_exceed_45_in_any_second_and_keep_pace() -> None:
    clock = FakeClock()
    limiter = bucket(clock)
    granted: list[float] = []
    for _ in range(2000):
        await limiter.acquire()
        granted.append(clock.now)
    assert max_in_window(granted) == 45
    throughput = (len(granted) - 1) / (granted[-1] - granted[0])
    assert 40 <= throughput <= 45
    # Evenly paced: no two requests closer than 1/45 s.
    assert min(b - a for a, b in itertools.pairwise(granted)) >= 1 / 45 - 1e-9


async def test_max_in_window_helper_counts_half_open_windows() -> None:
    assert max_in_window([0.0, 0.5, 0.999]) == 3
    assert max_in_window([0.0, 0.5, 1.0]) == 2
    assert max_in_window([0.0, 0.0, 2.0]) == 2


async def test_concurrent_waiters_are_all_served_in_arrival_order() -> None:
    clock = FakeClock()
    limiter = bucket(clock)
    served: list[tuple[int, float]] = []

    async def request(index: int) -> None:
        await limiter.acquire()
        served.append((index, clock.now))

    await asyncio.gather(*(request(i) for i in range(300)))
    assert [index for index, _ in served] == list(range(300))
    times = [t for _, t in served]
    assert max_in_window(times) <= 45
    assert (len(times) - 1) / (times[-1] - times[0]) >= 40


async def test_a_newcomer_cannot_jump_the_queue() -> None:
    clock = FakeClock()
    limiter = bucket(clock, rate=10)
    order: list[tuple[str, float]] = []

    async def request(name: str) -> None:
        await limiter.acquire()
        order.append((name, clock.now))

    await request("first")
    second = asyncio.create_task(request("second"))
    await asyncio.sleep(0)
    assert not limiter.try_acquire(), "a token is promised to the queued caller"
    late = asyncio.create_task(request("late"))
    await asyncio.gather(second, late)
    assert [name for name, _ in order] == ["first", "second", "late"]
    assert [t for _, t in order] == pytest.approx([1000.0, 1000.1, 1000.2], abs=1e-6)


async def test_burst_capacity_then_pacing_with_the_documented_bound() -> None:
    clock = FakeClock()
    limiter = bucket(clock, rate=40, capacity=5)
    granted: list[float] = []
    for _ in range(400):
        await limiter.acquire()
        granted.append(clock.now)
    # The first five go at once, then one every 1/40 s.
    assert granted[:5] == [1000.0] * 5
    assert granted[5] > 1000.0
    assert max_in_window(granted) <= 40 + 5 - 1
    assert (len(granted) - 1) / (granted[-1] - granted[0]) <= 41


async def test_idle_time_refills_but_never_beyond_capacity() -> None:
    clock = FakeClock()
    limiter = bucket(clock, rate=10, capacity=3)
    for _ in range(3):
        assert limiter.try_acquire()
    assert not limiter.try_acquire()
    clock.now += 60  # a long quiet spell: still only 3 banked
    assert [limiter.try_acquire() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.1 + 1e-6  # one refill (plus float slack: the bucket rounds in its own favour)
    assert limiter.try_acquire()
    assert not limiter.try_acquire()


async def test_try_acquire_with_default_capacity_paces_one_at_a_time() -> None:
    clock = FakeClock()
    limiter = bucket(clock)
    assert limiter.try_acquire()
    assert not limiter.try_acquire()
    clock.now += 1 / 45 / 2
    assert not limiter.try_acquire()
    clock.now += 1 / 45
    assert limiter.try_acquire()


async def test_acquiring_several_tokens_at_once() -> None:
    clock = FakeClock()
    limiter = bucket(clock, rate=10, capacity=4)
    await limiter.acquire(4)
    assert clock.now == 1000.0
    await limiter.acquire(2)
    assert clock.now == pytest.approx(1000.2, abs=1e-5)


async def test_a_cancelled_waiter_takes_nothing_and_frees_the_queue() -> None:
    clock = FakeClock()
    blocked = asyncio.Event()

    async def stuck_sleep(seconds: float) -> None:
        blocked.set()
        await asyncio.Event().wait()  # never returns: only cancellation ends it

    limiter = TokenBucket(10, monotonic=clock.monotonic, sleep=stuck_sleep)
    await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    # Bounded so that a bucket which wrongly lets the second call through fails, not hangs.
    await asyncio.wait_for(blocked.wait(), timeout=5)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    # Its slot is handed back exactly: not before the first grant's interval is over ...
    assert not limiter.try_acquire()
    clock.now += 0.1
    # ... then one token is there, the one the cancelled waiter did not use, and only one.
    assert limiter.try_acquire()
    assert not limiter.try_acquire()


async def test_a_cancelled_waiter_behind_another_gives_back_nothing_early() -> None:
    """With a later reservation queued behind it, the cancelled slot is not reused out of order."""
    clock = FakeClock()
    parked: list[float] = []

    async def stuck_sleep(seconds: float) -> None:
        parked.append(seconds)
        await asyncio.Event().wait()

    limiter = TokenBucket(10, monotonic=clock.monotonic, sleep=stuck_sleep)
    await limiter.acquire()
    first = asyncio.create_task(limiter.acquire())
    second = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)  # both run up to their sleep
    assert len(parked) == 2
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    # The second waiter still holds the slot at +0.2 s: nothing is free before then.
    clock.now += 0.1
    assert not limiter.try_acquire()
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    # The last reservation is handed back; the earlier one stays spent (late, never early).
    assert not limiter.try_acquire()
    clock.now += 0.1
    assert limiter.try_acquire()
    assert not limiter.try_acquire()


def test_invalid_arguments_are_refused() -> None:
    clock = FakeClock()
    for rate in (0, -1, math.inf, math.nan):
        with pytest.raises(ValueError):
            TokenBucket(rate, monotonic=clock.monotonic, sleep=clock.sleep)
    with pytest.raises(ValueError):
        TokenBucket(10, 0.5, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter = bucket(clock, rate=10, capacity=2)
    for n in (0, -1, 3, True, 1.5):
        with pytest.raises(ValueError):
            limiter.try_acquire(n)  # type: ignore[arg-type]


def test_defaults_are_45_per_second_one_at_a_time() -> None:
    limiter = TokenBucket()
    assert limiter.rate == 45.0
    assert limiter.capacity == 1.0


@settings(max_examples=300, deadline=None)
@given(
    rate=st.floats(1, 100),
    capacity=st.floats(1, 8),
    gaps=st.lists(st.floats(0, 0.3), min_size=1, max_size=300),
)
def test_window_bound_holds_for_any_arrival_pattern(rate: float, capacity: float, gaps: list[float]) -> None:
    clock = FakeClock(start=12345.678)
    limiter = bucket(clock, rate=rate, capacity=capacity)
    granted: list[float] = []
    for gap in gaps:
        clock.now += gap
        while limiter.try_acquire():
            granted.append(clock.now)
    assert granted, "the first request after creation always goes through"
    assert max_in_window(granted) <= math.ceil(rate + capacity - 1 - 1e-9)
