"""A Discord-free harness for the delivery engine: virtual time, a recording fake REST side.

The dispatcher is the real one over a real database; only Discord is replaced, by a
sender that records when each request was made. Time is virtual: the pacer's sleeps
move a counter instead of waiting, so a 10,000-delivery drain runs as fast as the code
allows and its timings are what a real run at zero network latency would show.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db.database import Database
from bot.db.repositories.deliveries import DeliveryRepo
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.pacer import PacerRepo
from bot.runtime.dispatcher import Dispatcher, pacer_shape
from bot.runtime.kinds import DeliveryKinds, Lifecycle, Outgoing, Settled
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.ratelimit import Pacer, TokenBucket
from bot.scheduling.shared_pacer import SharedTokenBucket

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DISCORD_GLOBAL_LIMIT = 50

log = logging.getLogger(__name__)


class VirtualClock:
    """Discrete-event time for code that sleeps through it.

    Sleepers park on futures; time moves to the earliest wake-up only when every other
    task is parked too (asleep here, or waiting on another task) — never while one is
    runnable or waiting on I/O such as a database query. So database work takes no
    virtual time, and a request is recorded at the instant it was granted.
    """

    def __init__(self) -> None:
        self.elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driving = False

    def now(self) -> datetime:
        return T0 + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def advance_to(self, when: datetime) -> None:
        self.elapsed = max(self.elapsed, (when - T0).total_seconds())

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self.elapsed + max(0.0, seconds), next(self._seq), future))
        if not self._driving:
            self._driving = True
            loop.call_soon(self._drive, loop, 0)
        await future

    def _parked(self, task: asyncio.Task[Any], ours: set[asyncio.Future[None]]) -> bool:
        if task.done():
            return True
        waiter = getattr(task, "_fut_waiter", None)
        if waiter is None:
            return False  # runnable
        return (
            waiter in ours or isinstance(waiter, asyncio.Task) or type(waiter).__name__ == "_GatheringFuture"
        )

    def _drive(self, loop: asyncio.AbstractEventLoop, quiet_turns: int) -> None:
        self._sleepers = [s for s in self._sleepers if not s[2].cancelled()]
        heapq.heapify(self._sleepers)
        if not self._sleepers:
            self._driving = False
            return
        ours = {s[2] for s in self._sleepers}
        quiet = all(self._parked(t, ours) for t in asyncio.all_tasks(loop))
        quiet_turns = quiet_turns + 1 if quiet else 0
        if quiet_turns >= 3:  # stayed quiet across a few turns: nothing is about to run
            when, _, future = heapq.heappop(self._sleepers)
            self.elapsed = max(self.elapsed, when)
            future.set_result(None)
            quiet_turns = 0
        loop.call_soon(self._drive, loop, quiet_turns)


@dataclass
class FakeDiscord:
    """Records every request's virtual time; answers like Discord would."""

    clock: VirtualClock
    requests: list[tuple[float, str]] = field(default_factory=list)
    nonces: list[str | None] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(10**17))

    def record(self, what: str) -> int:
        self.requests.append((self.clock.elapsed, what))
        return next(self._ids)

    def over_limit(self, limit: int = DISCORD_GLOBAL_LIMIT) -> int:
        """Requests Discord would have answered with 429 (more than ``limit`` in a 1 s window)."""
        times = sorted(t for t, _ in self.requests)
        rejected, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - 1.0:
                lo += 1
            if hi - lo + 1 > limit:
                rejected += 1
        return rejected

    def max_in_window(self) -> int:
        times = sorted(t for t, _ in self.requests)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - 1.0:
                lo += 1
            best = max(best, hi - lo + 1)
        return best


class FakeSender:
    """The dispatcher's sender, answering from the recording fake Discord."""

    def __init__(self, discord: FakeDiscord) -> None:
        self.discord = discord

    async def open_dm(self, user_id: int) -> int:
        return self.discord.record("open-dm")

    async def send(self, channel_id: int, outgoing: Outgoing, *, nonce: str, private: bool) -> int:
        message_id = self.discord.record("send")
        self.discord.nonces.append(nonce)
        return message_id

    async def ping(self, channel_id: int, text: str, *, user_id: int) -> None:
        self.discord.record("ping")


def spawn(coro: Any, *, name: str) -> asyncio.Task[Any]:
    return asyncio.create_task(coro, name=name)


async def on_error(context: str) -> None:
    log.exception("error in %s", context)


@dataclass
class Engine:
    db: Database
    clock: VirtualClock
    discord: FakeDiscord
    scheduler: DeliveryScheduler
    dispatcher: Dispatcher
    sent_at: dict[int, float]


async def build_engine(
    db: Database,
    *,
    limit_per_second: float = 45.0,
    clock: VirtualClock | None = None,
    discord: FakeDiscord | None = None,
    shared_pacer: bool = False,
) -> Engine:
    clock = clock or VirtualClock()
    discord = discord or FakeDiscord(clock)
    scheduler = DeliveryScheduler(DeliveryRepo(db), clock.now)
    rate, burst = pacer_shape(limit_per_second)
    pacer: Pacer
    if shared_pacer:
        pacer = SharedTokenBucket(PacerRepo(db), rate=rate, capacity=burst, now=clock.now, sleep=clock.sleep)
    else:
        pacer = TokenBucket(rate=rate, capacity=burst, monotonic=clock.monotonic, sleep=clock.sleep)
    sent_at: dict[int, float] = {}

    async def render(delivery: Any, late: bool) -> Outgoing:
        return Outgoing(content="Time to train")

    async def settled(outcome: Settled) -> None:
        if outcome.sent:
            sent_at[outcome.delivery.id] = clock.elapsed

    kinds = DeliveryKinds({"bench": Lifecycle(settled=settled)})
    kinds.renderers.add("bench", render)
    dispatcher = Dispatcher(
        FakeSender(discord),
        spawn=spawn,
        on_error=on_error,
        scheduler=scheduler,
        members=MemberRepo(db),
        guilds=GuildRepo(db),
        pacer=pacer,
        clock=clock.now,
        kinds=kinds,
    )
    return Engine(db, clock, discord, scheduler, dispatcher, sent_at)


async def drain(engine: Engine) -> None:
    """Run the dispatcher until nothing is pending, jumping virtual time to each next due row."""
    repo = engine.scheduler.repo
    while True:
        if await engine.dispatcher.tick():
            continue
        nxt = await repo.next_wake_at()
        if nxt is None:
            return
        engine.clock.advance_to(nxt)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
