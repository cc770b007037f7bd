"""The delivery dispatcher: the one task that sends every scheduled message.

Design (ARCHITECTURE.md §3): the deliveries table is the truth. One task sleeps
until the earliest claimable row (capped, so it re-reads the table), claims a batch
atomically, sends each through the shared pacer with a nonce derived from the
delivery id, and marks the outcome. A claim held by a process that died returns to
pending after its deadline. Sleeping uses ``asyncio.sleep`` and the injected clock so
virtual time drives it in tests; a sooner delivery cancels the current sleep.

The dispatcher knows nothing of the bot: Discord is behind a :class:`Sender` (the
discord.py one is :mod:`bot.runtime.sender`), background work goes through a spawner
and failures to an error sink, so it can be driven with a fake sender in tests.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from bot.db.repositories.deliveries import (
    CANCELLED,
    FAILED,
    MISSED,
    PAUSED,
    SENT,
    Delivery,
    DeliveryRepo,
)
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo, MemberRow
from bot.runtime.kinds import DeliveryKinds, Kind, Outgoing, Settled
from bot.runtime.tasks import ErrorSink, Spawn
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.ratelimit import Pacer

log = logging.getLogger(__name__)

#: The longest sleep: with one process every new delivery wakes the dispatcher, so this only
#: bounds how late rows written by another process (PostgreSQL deployments) are noticed.
MAX_SLEEP_SINGLE_S = 6 * 3600.0
MAX_SLEEP_SHARED_S = 30.0
CLAIM_TTL = timedelta(minutes=2)
BATCH_SIZE = 100
#: Requests sent together after one pacer reservation (the pacer's burst capacity).
SEND_GROUP = 5
#: Retries wait at most this long between attempts, so a recovered Discord is noticed soon.
RETRY_CAP = timedelta(minutes=5)
#: A delivery of a kind that never goes stale (a challenge's start or end) is retried through
#: an outage for this long after it was due, then recorded as failed.
GIVE_UP_AFTER = timedelta(hours=24)
#: The idle path (finding the next due time) backs off this far at most after database errors.
IDLE_ERROR_CAP_S = 60.0
#: A delivery sent this much after its due time carries a "this is late" note.
LATE_AFTER = timedelta(minutes=10)
#: How long a delivery whose kind has no renderer (its adapter is not loaded) waits before
#: the dispatcher looks at it again. Its lifecycle still applies meanwhile: once stale it is
#: marked missed and what follows it (the next daily reminder) is scheduled.
RENDERER_WAIT = timedelta(minutes=5)
DISCORD_CANNOT_DM = 50007
DISCORD_UNKNOWN_CHANNEL = 10003


#: Statuses after which a message may exist although the request failed: Discord (or a
#: proxy) may have created it before answering, or discord.py's own retries may have hidden
#: a first attempt that did. Status 0 is a network error with no answer at all.
OUTCOME_UNKNOWN = frozenset({0, 429, 500, 502, 504, 520, 522, 524})
#: Discord drops a repeat of a message with the same nonce for "the past few minutes"; a send
#: whose outcome is unknown is retried, ahead of any backlog, within this much of its first try.
NONCE_WINDOW = timedelta(minutes=2)
#: Retries of a send whose outcome is unknown: quick, so they all fall inside NONCE_WINDOW.
UNKNOWN_RETRY_FIRST = timedelta(seconds=2)


class SendFailed(Exception):
    """Discord refused a request: its HTTP status, Discord's error code, and its own words.

    ``str()`` is the underlying error's text, so stored failure reasons read as Discord's.
    ``retry_after`` is Discord's Retry-After (seconds) on a 429, and ``is_global`` says
    whether that limit was the bot's global one rather than one route's.
    """

    def __init__(
        self,
        status: int,
        code: int,
        text: str,
        *,
        retry_after: float | None = None,
        is_global: bool = False,
    ) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.is_global = is_global


class Sender(Protocol):
    """The three requests the dispatcher makes; each raises :class:`SendFailed` when refused."""

    async def open_dm(self, user_id: int) -> int:
        """Open (or find) the member's DM channel; its id."""
        ...

    async def send(self, channel_id: int, outgoing: Outgoing, *, nonce: str, private: bool) -> int:
        """Post ``outgoing`` (``private``: the channel is a DM); the new message's id."""
        ...

    async def ping(self, channel_id: int, text: str, *, user_id: int) -> None:
        """Post ``text`` in a server channel, mentioning only ``user_id``."""
        ...


def pacer_shape(limit_per_second: float) -> tuple[float, int]:
    """Refill rate and burst for a pacer that never exceeds ``limit_per_second`` in any second.

    Bursts of up to SEND_GROUP let the dispatcher send a group per reservation; refilling
    at ``limit - (burst - 1)`` makes the bucket's bound rate·W + C − 1 equal the limit for
    W = 1 s.
    """
    burst = min(SEND_GROUP, max(1, int(limit_per_second) // 4))
    return limit_per_second - (burst - 1), burst


#: ``(delivery, Discord's error code)`` for a refused server-channel post.
PostRefused = Callable[[Delivery, int], Awaitable[None]]


class _Ready(NamedTuple):
    kind: Kind
    delivery: Delivery
    member: MemberRow | None
    outgoing: Outgoing
    late: bool


def _reason(exc: SendFailed) -> str:
    return f"HTTP {exc.status}: {exc}" if exc.status else str(exc)


def nonce_for(delivery: Delivery) -> str:
    """The same for every attempt at one delivery, so Discord drops a repeat after a crash."""
    return f"rmd{delivery.id}"


def backoff(attempt: int) -> timedelta:
    """5 s, 10 s, 20 s, 40 s … up to RETRY_CAP: quick for a hiccup, patient through an outage."""
    return min(timedelta(seconds=5 * 2 ** min(max(0, attempt - 1), 20)), RETRY_CAP)


class Dispatcher:
    def __init__(
        self,
        sender: Sender,
        *,
        spawn: Spawn,
        on_error: ErrorSink,
        scheduler: DeliveryScheduler,
        members: MemberRepo,
        guilds: GuildRepo,
        pacer: Pacer,
        clock: Callable[[], datetime],
        kinds: DeliveryKinds,
        on_unreachable: Callable[[int], None] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        on_post_refused: PostRefused | None = None,
    ) -> None:
        self.sender = sender
        self.spawn = spawn
        self.on_error = on_error
        self.scheduler = scheduler
        self.repo: DeliveryRepo = scheduler.repo
        self.members = members
        self.guilds = guilds
        self.pacer = pacer
        self.clock = clock
        self.kinds = kinds
        #: Told when a member is found unreachable (so activity is recorded on their next command).
        self.on_unreachable = on_unreachable
        self._sleep = sleep
        #: Told when Discord refuses a server-channel post for a reason only an admin can fix.
        self.on_post_refused = on_post_refused
        self.worker = f"{secrets.token_hex(6)}"
        self._task: asyncio.Task[Any] | None = None
        self._sleeper: asyncio.Task[Any] | None = None
        self._wake_at: datetime | None = None
        self._stopping = False
        #: DM channels opened during the current batch (the batch's member rows predate them).
        self._opened_dms: dict[int, int] = {}
        #: Deliveries whose last send may have created the message: id -> (first such try, retry at).
        #: They are claimed before the backlog, so the retry carries the nonce inside its window.
        self._unknown: dict[int, tuple[datetime, datetime, int]] = {}
        #: Discord said the bot's global limit is spent: no send before this instant.
        self._hold_until: datetime | None = None
        scheduler.on_schedule(self.wake)

    # -- lifetime --------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = self.spawn(self._run(), name="delivery-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        for task in (self._sleeper, self._task):
            if task is not None:
                task.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    def wake(self, due_at: datetime) -> None:
        """A delivery now exists at ``due_at``: cut the current sleep short if it is sooner."""
        sleeper = self._sleeper
        if sleeper is not None and not sleeper.done() and (self._wake_at is None or due_at < self._wake_at):
            sleeper.cancel()

    async def _run(self) -> None:
        idle_errors = 0
        while not self._stopping:
            try:
                # Each round is a short task of its own: its database work finishes with it.
                worked = await asyncio.create_task(self.tick(), name="delivery-dispatcher-round")
            except asyncio.CancelledError:
                raise
            except Exception:
                await self.on_error("delivery-dispatcher")
                worked = False
            if worked:
                continue
            try:
                await self._sleep_until_next()
                idle_errors = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database is away (a restart, a held lock): say so, back off, carry on.
                idle_errors += 1
                await self.on_error("delivery-dispatcher-idle")
                await asyncio.sleep(min(2.0**idle_errors, IDLE_ERROR_CAP_S))

    async def _sleep_until_next(self) -> None:
        now = self.clock()
        next_at = await asyncio.create_task(self.repo.next_wake_at(), name="delivery-dispatcher-next")
        cap = MAX_SLEEP_SHARED_S if self.repo.db.is_postgres else MAX_SLEEP_SINGLE_S
        delay = cap if next_at is None else (next_at - now).total_seconds()
        # Due rows that could not be claimed belong to another dispatcher: look again shortly.
        delay = min(max(delay, 0.5), cap)
        self._wake_at = now + timedelta(seconds=delay)
        self._sleeper = asyncio.create_task(asyncio.sleep(delay), name="delivery-dispatcher-sleep")
        try:
            await asyncio.wait({self._sleeper})
        finally:
            self._sleeper = None
            self._wake_at = None

    # -- one round -------------------------------------------------------------------------------

    async def tick(self) -> bool:
        """Claim and process one batch; False when nothing was due."""
        now = self.clock()
        await self.repo.release_expired_claims(now)
        batch = await self._claim_unknown_outcomes(now)
        if len(batch) < BATCH_SIZE:
            batch += await self.repo.claim_due(
                now, worker=self.worker, deadline=now + CLAIM_TTL, limit=BATCH_SIZE - len(batch)
            )
        if not batch:
            return False
        dm_users = sorted({d.user_id for d in batch if d.user_id is not None and d.channel_id is None})
        members = await self.members.get_many(dm_users)
        self._opened_dms.clear()
        ready: list[_Ready] = []
        for delivery in batch:
            item = await self.prepare(delivery, members.get(delivery.user_id or 0))
            if item is not None:
                ready.append(item)
        # Sends go out in small groups: one pacer reservation per group, then the group's
        # requests concurrently, so network latency overlaps and the pacer's window bound holds.
        # Each group is a short task of its own: it finishes when its sends are marked,
        # which is also what lets a virtual-time test harness see the dispatcher settle.
        for start in range(0, len(ready), SEND_GROUP):
            await asyncio.create_task(self._send_group(ready[start : start + SEND_GROUP]))
        return True

    async def _claim_unknown_outcomes(self, now: datetime) -> list[Delivery]:
        """Retries of sends that may have gone through come first, whatever the backlog."""
        due = [i for i, (_first, at, _tries) in self._unknown.items() if at <= now][:BATCH_SIZE]
        if not due:
            return []
        claimed = await self.repo.claim_ids(due, now, worker=self.worker, deadline=now + CLAIM_TTL)
        for delivery_id in due:
            if delivery_id not in {d.id for d in claimed}:
                # Settled elsewhere (cancelled, or claimed by another process): not ours to chase.
                self._unknown.pop(delivery_id, None)
        return claimed

    async def _respect_global_limit(self) -> None:
        """After a global 429, wait out Discord's Retry-After before the next request."""
        hold = self._hold_until
        if hold is None:
            return
        wait = (hold - self.clock()).total_seconds()
        if wait > 0:
            await self._sleep(wait)
        if self._hold_until == hold:
            self._hold_until = None

    async def _send_group(self, group: list[_Ready]) -> None:
        """Resolve targets first (DM opens take their own tokens), then send on one reservation.

        Taking the group's tokens only when every request is ready means each request goes
        out at its grant time, which is what keeps the window bound true on the wire.
        """
        ready: list[tuple[_Ready, int]] = []
        for item in group:
            try:
                ready.append((item, await self._target(item)))
            except SendFailed as exc:
                await self._http_failure(item, exc)
        if not ready:
            return
        await self._respect_global_limit()
        await self.pacer.acquire(len(ready))
        results = await asyncio.gather(*(self._send(item, channel_id) for item, channel_id in ready))
        sent = [(item, message_id) for item, message_id in results if item is not None]
        if not sent:
            return
        # The group's marks in one transaction; the nonce covers a crash before it commits.
        now = self.clock()
        await self.repo.mark_sent_many(
            [(item.delivery.id, message_id, item.late) for item, message_id in sent], self.worker, now=now
        )
        for item, message_id in sent:
            await self._settled(item.kind, item.delivery, SENT, message_id)

    async def prepare(self, delivery: Delivery, member: MemberRow | None) -> _Ready | None:
        """Settle what needs no request (stale, paused, nothing to send); else what to send."""
        kind = self.kinds.get(delivery.kind)
        now = self.clock()
        if kind is None:
            await self.repo.mark_final(
                delivery.id,
                self.worker,
                status=FAILED,
                reason=f"no handler for kind {delivery.kind!r}",
                now=now,
            )
            log.error("Delivery %s has unknown kind %r", delivery.id, delivery.kind)
            return None
        if kind.lifecycle.is_stale(delivery, now):
            reason = f"stale: due {delivery.due_at.isoformat()}, reached {now.isoformat()}"
            await self._missed(kind, delivery, reason, now=now, count_attempt=False)
            return None
        if (
            kind.lifecycle.direct_message
            and delivery.channel_id is None
            and member is not None
            and member.unreachable_since is not None
        ):
            await self.repo.mark_final(
                delivery.id,
                self.worker,
                status=PAUSED,
                reason="member's DMs are closed",
                now=now,
                count_attempt=False,
            )
            return None
        if kind.renderer is None:
            # Its adapter is not loaded (or is being reloaded): nothing is lost, it waits.
            await self.repo.release(
                delivery.id,
                self.worker,
                available_at=now + RENDERER_WAIT,
                reason=f"waiting: nothing renders kind {delivery.kind!r}",
                now=now,
            )
            log.warning("Delivery %s waits: nothing renders kind %r", delivery.id, delivery.kind)
            return None
        late = now - delivery.due_at > LATE_AFTER
        try:
            outgoing = await kind.renderer.render(delivery, late)
        except Exception as exc:
            await self.repo.mark_final(
                delivery.id, self.worker, status=FAILED, reason=f"render failed: {exc!r}", now=self.clock()
            )
            await self.on_error(f"delivery-render:{delivery.kind}")
            return None
        if outgoing is None:
            await self.repo.mark_final(
                delivery.id,
                self.worker,
                status=CANCELLED,
                reason="nothing left to send",
                now=self.clock(),
                count_attempt=False,
            )
            await self._settled(kind, delivery, CANCELLED)
            return None
        return _Ready(kind, delivery, member, outgoing, late)

    async def _target(self, item: _Ready) -> int:
        """The channel to post in; opening a DM channel is a request of its own, paced."""
        delivery = item.delivery
        if delivery.channel_id is not None:
            return delivery.channel_id
        assert delivery.user_id is not None
        return await self._dm_channel_id(delivery.user_id, item.member)

    async def _send(self, item: _Ready, channel_id: int) -> tuple[_Ready | None, int | None]:
        """Send one prepared delivery (the caller has taken its pacer token); what was sent."""
        delivery = item.delivery
        try:
            message_id = await self.sender.send(
                channel_id, item.outgoing, nonce=nonce_for(delivery), private=delivery.channel_id is None
            )
        except SendFailed as exc:
            await self._http_failure(item, exc, sending=True)
            return None, None
        self._unknown.pop(delivery.id, None)
        return item, message_id

    async def _http_failure(self, item: _Ready, exc: SendFailed, *, sending: bool = False) -> None:
        kind, delivery = item.kind, item.delivery
        if exc.status == 429 and exc.retry_after and exc.is_global:
            hold = self.clock() + timedelta(seconds=exc.retry_after)
            self._hold_until = max(hold, self._hold_until or hold)
        if sending and exc.status in OUTCOME_UNKNOWN:
            await self._retry_unknown_outcome(kind, delivery, exc)
            return
        self._unknown.pop(delivery.id, None)
        if exc.status == 403 and exc.code == DISCORD_CANNOT_DM and delivery.channel_id is None:
            await self._dms_closed(delivery, str(exc))
        elif exc.status == 404 and exc.code == DISCORD_UNKNOWN_CHANNEL and delivery.user_id:
            if delivery.channel_id is None:
                # The remembered DM channel is gone; open a fresh one on the retry.
                self._opened_dms.pop(delivery.user_id, None)
                await self.members.update(delivery.user_id, self.clock(), dm_channel_id=None)
                await self._retry_or_fail(kind, delivery, f"unknown DM channel: {exc}")
            else:
                await self._failed(kind, delivery, f"not found: {exc}")
                await self._post_refused(delivery, exc)
        elif exc.status >= 500 or exc.status in (0, 429):
            await self._retry_or_fail(kind, delivery, _reason(exc), not_before=exc.retry_after)
        else:
            await self._failed(kind, delivery, f"HTTP {exc.status}: {exc}")
            if exc.status in (403, 404):
                await self._post_refused(delivery, exc)

    async def _post_refused(self, delivery: Delivery, exc: SendFailed) -> None:
        if self.on_post_refused is not None and delivery.channel_id is not None and delivery.guild_id:
            await self.on_post_refused(delivery, exc.code)

    async def _dm_channel_id(self, user_id: int, member: MemberRow | None) -> int:
        """The member's DM channel, opened once and then remembered: a DM costs one request."""
        if member is not None and member.dm_channel_id is not None:
            return member.dm_channel_id
        known = self._opened_dms.get(user_id)
        if known is not None:
            return known
        await self.pacer.acquire()
        channel_id = await self.sender.open_dm(user_id)
        self._opened_dms[user_id] = channel_id
        await self.members.update(user_id, self.clock(), dm_channel_id=channel_id)
        return channel_id

    async def _retry_unknown_outcome(self, kind: Kind, delivery: Delivery, exc: SendFailed) -> None:
        """The message may exist: try again with the same nonce while Discord still matches it.

        Inside NONCE_WINDOW of the first uncertain try, retries come quickly and ahead of the
        backlog, so a message that did go through is returned, not posted again. Past it, the
        delivery is retried like any other failure (a repeat is then possible only if every
        retry in the window failed after the first had in fact gone through).
        """
        now = self.clock()
        first, _, tries = self._unknown.get(delivery.id, (now, now, 0))
        step = UNKNOWN_RETRY_FIRST * 2 ** min(tries, 10)
        retry_at = now + max(step, timedelta(seconds=exc.retry_after or 0))
        if retry_at - first > NONCE_WINDOW:
            self._unknown.pop(delivery.id, None)
            await self._retry_or_fail(kind, delivery, _reason(exc), not_before=exc.retry_after)
            return
        reason = f"outcome unknown, retrying with the same nonce: {_reason(exc)}"
        if kind.lifecycle.is_stale(delivery, retry_at):
            self._unknown.pop(delivery.id, None)
            last = f"too late after {delivery.attempts + 1} attempts; last: {reason}"
            await self._missed(kind, delivery, last, now=now)
            return
        self._unknown[delivery.id] = (first, retry_at, tries + 1)
        await self.repo.mark_retry(delivery.id, self.worker, available_at=retry_at, reason=reason, now=now)
        self.wake(retry_at)

    async def _retry_or_fail(
        self, kind: Kind, delivery: Delivery, reason: str, *, not_before: float | None = None
    ) -> None:
        """Retry through an outage until the delivery's own staleness rule says it is too late.

        ``not_before``: Discord's Retry-After, when it gave one; the retry never comes sooner.
        """
        attempt = delivery.attempts + 1
        now = self.clock()
        available = now + max(backoff(attempt), timedelta(seconds=not_before or 0))
        if kind.lifecycle.is_stale(delivery, available):
            await self._missed(kind, delivery, f"too late after {attempt} attempts; last: {reason}", now=now)
            return
        if available - delivery.due_at > GIVE_UP_AFTER:
            await self._failed(kind, delivery, f"gave up after {attempt} attempts over a day; last: {reason}")
            return
        await self.repo.mark_retry(delivery.id, self.worker, available_at=available, reason=reason, now=now)
        self.wake(available)

    async def _missed(
        self, kind: Kind, delivery: Delivery, reason: str, *, now: datetime, count_attempt: bool = True
    ) -> None:
        """Too late to be worth sending: recorded as missed, and what follows it still happens."""
        await self.repo.mark_final(
            delivery.id, self.worker, status=MISSED, reason=reason, now=now, count_attempt=count_attempt
        )
        await self._settled(kind, delivery, MISSED)

    async def _failed(self, kind: Kind, delivery: Delivery, reason: str) -> None:
        log.warning("Delivery %s (%s) failed: %s", delivery.id, delivery.kind, reason)
        await self.repo.mark_final(delivery.id, self.worker, status=FAILED, reason=reason, now=self.clock())
        await self._settled(kind, delivery, FAILED)

    async def _dms_closed(self, delivery: Delivery, reason: str) -> None:
        """Pause the member's deliveries and, once, ping them in the check-in channel."""
        assert delivery.user_id is not None
        now = self.clock()
        await self.repo.mark_final(
            delivery.id, self.worker, status=PAUSED, reason=f"DMs closed: {reason}", now=now
        )
        first = await self.members.mark_unreachable(delivery.user_id, now)
        await self.repo.pause_user(delivery.user_id, now)
        if self.on_unreachable is not None:
            self.on_unreachable(delivery.user_id)
        if first:
            await self._ping_closed_dms(delivery)

    async def _ping_closed_dms(self, delivery: Delivery) -> None:
        assert delivery.user_id is not None
        guild_id = delivery.guild_id
        if guild_id is None:
            guild_id = (await self.members.get(delivery.user_id)).last_guild_id
        if guild_id is None:
            return
        channel_id = (await self.guilds.get(guild_id)).checkins_channel_id
        if channel_id is None:
            return
        text = (
            f"<@{delivery.user_id}> I couldn't send you a direct message, so your Repmate check-ins and "
            "reminders are paused. Allow direct messages from this server (Privacy Settings), then use any "
            "Repmate command to resume them."
        )
        try:
            await self.pacer.acquire()
            await self.sender.ping(channel_id, text, user_id=delivery.user_id)
        except SendFailed as exc:
            log.warning("Could not post the closed-DMs ping in channel %s: %s", channel_id, exc)

    async def _settled(
        self, kind: Kind, delivery: Delivery, status: str, message_id: int | None = None
    ) -> None:
        """The lifecycle's follow-up first (the business), then the adapter's (the screen)."""
        settled = Settled(delivery, status, message_id)
        if kind.lifecycle.settled is not None:
            await kind.lifecycle.settled(settled)
        if kind.renderer is not None and kind.renderer.after is not None:
            await kind.renderer.after(settled)
