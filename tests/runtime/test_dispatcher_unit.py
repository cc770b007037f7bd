"""The dispatcher on its own: a real database, a scripted sender in place of Discord, virtual time.

No bot and no SimCord: what it sends, what it records, and what it tells the lifecycle
and the renderer, decided by the dispatcher alone.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.db.database import Database
from bot.db.repositories.deliveries import Delivery, DeliveryRepo, NewDelivery
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.runtime.dispatcher import NONCE_WINDOW, RENDERER_WAIT, Dispatcher, SendFailed
from bot.runtime.kinds import DeliveryKinds, Lifecycle, Outgoing, Settled
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.ratelimit import TokenBucket
from tests.runtime.harness import T0, VirtualClock

CHECKINS_CHANNEL = 7_000
GUILD = 900


@dataclass
class ScriptedSender:
    """Answers like Discord would, or refuses as told; records every request."""

    refuse_send: SendFailed | None = None
    #: Refusals for particular nonces, taken one per attempt (then the send goes through).
    refusals: dict[str, list[SendFailed]] = field(default_factory=dict)
    #: Nonces whose message Discord creates although it then answers with an error.
    creates_anyway: set[str] = field(default_factory=set)
    clock: VirtualClock | None = None
    times: list[tuple[float, str]] = field(default_factory=list)
    by_nonce: dict[str, int] = field(default_factory=dict)
    opened: list[int] = field(default_factory=list)
    sent: list[tuple[int, str | None, str, bool]] = field(default_factory=list)
    pings: list[tuple[int, str, int]] = field(default_factory=list)
    next_id: int = 10_000

    async def open_dm(self, user_id: int) -> int:
        self.opened.append(user_id)
        return 500_000 + user_id

    async def send(self, channel_id: int, outgoing: Outgoing, *, nonce: str, private: bool) -> int:
        if self.clock is not None:
            self.times.append((self.clock.elapsed, nonce))
        if self.refuse_send is not None:
            raise self.refuse_send
        if nonce in self.by_nonce:  # Discord returns the message already made with this nonce
            return self.by_nonce[nonce]
        queued = self.refusals.get(nonce)
        refusal = queued.pop(0) if queued else None
        if refusal is not None and nonce not in self.creates_anyway:
            raise refusal
        self.sent.append((channel_id, outgoing.content, nonce, private))
        self.next_id += 1
        self.by_nonce[nonce] = self.next_id
        if refusal is not None:
            raise refusal
        return self.next_id

    async def ping(self, channel_id: int, text: str, *, user_id: int) -> None:
        self.pings.append((channel_id, text, user_id))


@dataclass
class Rig:
    db: Database
    clock: VirtualClock
    sender: ScriptedSender
    kinds: DeliveryKinds
    scheduler: DeliveryScheduler
    dispatcher: Dispatcher
    settled: list[Settled]
    errors: list[str]
    unreachable: list[int]

    @property
    def repo(self) -> DeliveryRepo:
        return self.scheduler.repo

    async def drain(self) -> None:
        """Rounds until nothing is due now (virtual time does not move)."""
        while await self.dispatcher.tick():
            pass

    async def at(self, when: datetime) -> None:
        self.clock.advance_to(when)
        await self.drain()


async def rig(db: Database, *, renderer: bool = True) -> Rig:
    clock = VirtualClock()
    sender = ScriptedSender(clock=clock)
    settled: list[Settled] = []
    errors: list[str] = []
    unreachable: list[int] = []

    async def record(outcome: Settled) -> None:
        settled.append(outcome)

    def stale_after_an_hour(delivery: Delivery, now: datetime) -> bool:
        return now - delivery.due_at > timedelta(hours=1)

    kinds = DeliveryKinds({"note": Lifecycle(is_stale=stale_after_an_hour, settled=record)})
    if renderer:
        kinds.renderers.add("note", render)

    async def on_error(context: str) -> None:
        errors.append(context)

    def spawn(coro: Any, *, name: str) -> asyncio.Task[Any]:
        return asyncio.create_task(coro, name=name)

    scheduler = DeliveryScheduler(DeliveryRepo(db), clock.now)
    dispatcher = Dispatcher(
        sender,
        spawn=spawn,
        on_error=on_error,
        scheduler=scheduler,
        members=MemberRepo(db),
        guilds=GuildRepo(db),
        pacer=TokenBucket(rate=40, capacity=5, monotonic=clock.monotonic, sleep=clock.sleep),
        clock=clock.now,
        kinds=kinds,
        on_unreachable=unreachable.append,
        sleep=clock.sleep,
    )
    return Rig(db, clock, sender, kinds, scheduler, dispatcher, settled, errors, unreachable)


async def render(delivery: Delivery, late: bool) -> Outgoing:
    return Outgoing(content=delivery.payload["text"] + (" (late)" if late else ""))


async def test_a_dm_opens_the_channel_once_sends_with_its_nonce_and_settles_with_the_message_id(
    db: Database,
) -> None:
    r = await rig(db)
    first = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "one"})
    second = await r.scheduler.schedule(
        "note", T0 + timedelta(minutes=1), user_id=42, payload={"text": "two"}
    )
    await r.at(T0)
    await r.at(T0 + timedelta(minutes=20))
    assert r.sender.opened == [42], "the DM channel is opened once, then remembered"
    assert r.sender.sent == [
        (500_042, "one", f"rmd{first.id}", True),
        (500_042, "two (late)", f"rmd{second.id}", True),
    ]
    stored = await r.scheduler.get(first.id)
    assert stored is not None and stored.status == "sent" and stored.message_id == 10_001
    assert [(s.delivery.id, s.status, s.message_id) for s in r.settled] == [
        (first.id, "sent", 10_001),
        (second.id, "sent", 10_002),
    ]


async def test_closed_dms_pause_the_member_ping_once_and_say_who_is_unreachable(db: Database) -> None:
    r = await rig(db)
    await GuildRepo(db).update(GUILD, T0, checkins_channel_id=CHECKINS_CHANNEL)
    await MemberRepo(db).update(42, T0, last_guild_id=GUILD)
    r.sender.refuse_send = SendFailed(403, 50007, "403 Forbidden (error code: 50007): Cannot send messages")
    first = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "one"})
    later = await r.scheduler.schedule("note", T0 + timedelta(minutes=5), user_id=42, payload={"text": "two"})
    await r.at(T0)
    await r.at(T0 + timedelta(minutes=10))
    assert r.sender.sent == []
    [(channel, text, user)] = r.sender.pings
    assert (channel, user) == (CHECKINS_CHANNEL, 42) and text.startswith("<@42> ") and "paused" in text
    assert r.unreachable == [42]
    assert {d.id: d.status for d in await r.scheduler.for_user(42)} == {
        first.id: "paused",
        later.id: "paused",
    }
    failures = await r.repo.failures(first.id)
    assert failures == [("paused", "DMs closed: 403 Forbidden (error code: 50007): Cannot send messages")]
    assert r.settled == [], "a pause is not an ending"


async def test_server_errors_retry_until_the_delivery_is_stale_and_the_lifecycle_hears_only_the_end(
    db: Database,
) -> None:
    """An outage is retried through, backing off to every few minutes, until the kind's own
    staleness rule (here: an hour) says it is too late; then it is missed, and what follows it
    (the next daily reminder, say) still comes."""
    r = await rig(db)
    r.sender.refuse_send = SendFailed(503, 0, "503 Service Unavailable")
    doomed = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "never"})
    await r.at(T0)
    attempts_at = [T0]
    while (nxt := await r.repo.next_wake_at()) is not None:
        attempts_at.append(nxt)
        await r.at(nxt)
    final = await r.scheduler.get(doomed.id)
    assert final is not None and final.status == "missed" and "too late after" in (final.last_error or "")
    gaps = [b - a for a, b in itertools.pairwise(attempts_at)]
    assert gaps[:4] == [
        timedelta(seconds=5),
        timedelta(seconds=10),
        timedelta(seconds=20),
        timedelta(seconds=40),
    ]
    assert max(gaps) == timedelta(minutes=5), "a recovered Discord is noticed within minutes"
    assert attempts_at[-1] - T0 <= timedelta(hours=1), "never tried once it is stale"
    assert len(attempts_at) > 5, "more than the old fixed five attempts"
    assert [(s.status, s.message_id) for s in r.settled] == [("missed", None)]


async def test_an_outage_that_ends_in_time_delivers_once(db: Database) -> None:
    r = await rig(db)
    r.sender.refuse_send = SendFailed(503, 0, "503 Service Unavailable")
    note = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "hello"})
    await r.at(T0)
    for _ in range(8):  # about ten minutes of 503s
        nxt = await r.repo.next_wake_at()
        assert nxt is not None
        await r.at(nxt)
    r.sender.refuse_send = None
    await r.at(await r.repo.next_wake_at() or T0)
    assert [text for _, text, _, _ in r.sender.sent] == ["hello (late)"]
    final = await r.scheduler.get(note.id)
    assert final is not None and final.status == "sent"
    assert [s.status for s in r.settled] == ["sent"]


async def test_a_kind_nobody_renders_waits_and_goes_out_once_a_renderer_is_registered(db: Database) -> None:
    r = await rig(db, renderer=False)
    waiting = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "hello"})
    await r.at(T0)
    held = await r.scheduler.get(waiting.id)
    assert held is not None and held.status == "pending" and held.attempts == 0
    assert held.available_at == T0 + RENDERER_WAIT
    assert "nothing renders kind 'note'" in (held.last_error or "")
    assert await r.repo.failures(waiting.id) == [], "waiting is not a failure"
    assert r.sender.sent == [] and r.settled == []

    r.kinds.renderers.add("note", render)
    await r.at(T0 + RENDERER_WAIT)
    assert [text for _, text, _, _ in r.sender.sent] == ["hello"]
    sent = await r.scheduler.get(waiting.id)
    assert sent is not None and sent.status == "sent" and sent.attempts == 1


async def test_without_a_renderer_the_lifecycle_still_ends_a_stale_delivery(db: Database) -> None:
    """The business chain does not depend on an adapter: staleness and what follows still apply."""
    r = await rig(db, renderer=False)
    waiting = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "hello"})
    when = T0
    while when <= T0 + timedelta(hours=2):
        await r.at(when)
        when += RENDERER_WAIT
    gone = await r.scheduler.get(waiting.id)
    assert gone is not None and gone.status == "missed"
    assert [(s.delivery.id, s.status) for s in r.settled] == [(waiting.id, "missed")]
    assert r.sender.sent == []


async def test_a_kind_nothing_knows_fails_with_its_reason(db: Database) -> None:
    r = await rig(db)
    lost = await r.scheduler.schedule("mystery", T0, user_id=42, payload={})
    await r.at(T0)
    failed = await r.scheduler.get(lost.id)
    assert failed is not None and failed.status == "failed"
    assert failed.last_error == "no handler for kind 'mystery'"


async def test_a_renderer_that_raises_fails_the_delivery_and_reports_it(db: Database) -> None:
    r = await rig(db, renderer=False)

    async def broken(delivery: Delivery, late: bool) -> Outgoing:
        raise ValueError("boom")

    r.kinds.renderers.add("note", broken)
    bad = await r.scheduler.schedule("note", T0, user_id=42, payload={})
    await r.at(T0)
    failed = await r.scheduler.get(bad.id)
    assert failed is not None and failed.status == "failed" and "boom" in (failed.last_error or "")
    assert r.errors == ["delivery-render:note"]


def refused(
    status: int, code: int = 0, *, retry_after: float | None = None, is_global: bool = False
) -> SendFailed:
    return SendFailed(status, code, f"{status} refused", retry_after=retry_after, is_global=is_global)


def attempts_of(r: Rig, nonce: str) -> list[float]:
    return [t for t, n in r.sender.times if n == nonce]


async def test_a_send_whose_outcome_is_unknown_is_retried_ahead_of_the_backlog_and_posted_once(
    db: Database,
) -> None:
    """Discord makes the message, answers 500, and discord.py's own retries meet 429s. The retry
    must carry the same nonce inside Discord's window, however long the queue behind it."""
    r = await rig(db)
    uncertain = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "check-in"})
    nonce = f"rmd{uncertain.id}"
    r.sender.creates_anyway.add(nonce)
    r.sender.refusals[nonce] = [refused(429, retry_after=0.5)]
    # A backlog that takes the pacer (40/s) about 25 s: a retry queued behind it would be late.
    await r.scheduler.schedule_many(
        [
            NewDelivery(kind="note", due_at=T0, channel_id=1000 + i, payload={"text": f"#{i}"})
            for i in range(1000)
        ]
    )
    await r.at(T0)
    tries = attempts_of(r, nonce)
    assert len(tries) == 2 and tries[1] - tries[0] <= 5, tries
    assert tries[1] - tries[0] < NONCE_WINDOW.total_seconds()
    assert [n for _, _, n, _ in r.sender.sent].count(nonce) == 1, "one message, not two"
    final = await r.scheduler.get(uncertain.id)
    assert final is not None and final.status == "sent" and final.message_id == r.sender.by_nonce[nonce]
    assert len(r.sender.sent) == 1001
    assert [s.status for s in r.settled].count("sent") == 1001


async def test_a_network_error_is_an_unknown_outcome_too(db: Database) -> None:
    r = await rig(db)
    note = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "hi"})
    nonce = f"rmd{note.id}"
    r.sender.refusals[nonce] = [refused(0), refused(0)]
    await r.at(T0)
    while (nxt := await r.repo.next_wake_at()) is not None:
        await r.at(nxt)
    tries = attempts_of(r, nonce)
    assert [t - tries[0] for t in tries] == [0, 2, 6], "quick retries: 2 s, then 4 s"
    assert [text for _, text, _, _ in r.sender.sent] == ["hi"]


async def test_a_429_waits_at_least_its_retry_after(db: Database) -> None:
    r = await rig(db)
    note = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "hi"})
    nonce = f"rmd{note.id}"
    r.sender.refusals[nonce] = [refused(429, retry_after=30)]
    await r.at(T0)
    held = await r.scheduler.get(note.id)
    assert held is not None and held.status == "pending"
    assert held.available_at == T0 + timedelta(seconds=30), "not the 2 s an unknown outcome would get"
    await r.at(T0 + timedelta(seconds=29))
    assert len(attempts_of(r, nonce)) == 1
    await r.at(T0 + timedelta(seconds=30))
    assert len(attempts_of(r, nonce)) == 2
    assert [text for _, text, _, _ in r.sender.sent] == ["hi"]


async def test_a_global_429_holds_every_send_until_its_retry_after(db: Database) -> None:
    r = await rig(db)
    first = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "one"})
    r.sender.refusals[f"rmd{first.id}"] = [refused(429, retry_after=10, is_global=True)]
    other = await r.scheduler.schedule(
        "note", T0 + timedelta(seconds=1), channel_id=66, payload={"text": "two"}
    )
    await r.at(T0)
    await r.at(T0 + timedelta(seconds=1))
    other_tries = attempts_of(r, f"rmd{other.id}")
    assert other_tries and other_tries[0] >= 10, f"sent at {other_tries} during a global limit"
    assert sorted(text for _, text, _, _ in r.sender.sent) == ["one", "two"]


async def test_an_ordinary_4xx_fails_at_once_and_the_lifecycle_hears_it(db: Database) -> None:
    r = await rig(db)
    bad = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "hi"})
    r.sender.refusals[f"rmd{bad.id}"] = [refused(400, 50035)]
    await r.at(T0)
    await r.at(T0 + timedelta(hours=1))
    assert len(attempts_of(r, f"rmd{bad.id}")) == 1, "a request Discord rejects is not repeated"
    final = await r.scheduler.get(bad.id)
    assert final is not None and final.status == "failed" and "HTTP 400" in (final.last_error or "")
    assert [(s.delivery.id, s.status) for s in r.settled] == [(bad.id, "failed")]


async def test_a_missing_permission_on_a_channel_post_fails_without_retrying(db: Database) -> None:
    r = await rig(db)
    post = await r.scheduler.schedule("note", T0, channel_id=55, payload={"text": "results"})
    r.sender.refusals[f"rmd{post.id}"] = [refused(403, 50013)]
    await r.at(T0)
    await r.at(T0 + timedelta(hours=1))
    assert len(attempts_of(r, f"rmd{post.id}")) == 1, "an admin must fix it: no retry"
    final = await r.scheduler.get(post.id)
    assert final is not None and final.status == "failed"
    assert r.unreachable == [], "a server channel's refusal says nothing about the member's DMs"


async def test_a_gone_dm_channel_is_forgotten_and_a_fresh_one_opened(db: Database) -> None:
    r = await rig(db)
    await MemberRepo(db).update(42, T0, dm_channel_id=777)
    note = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "hi"})
    r.sender.refusals[f"rmd{note.id}"] = [refused(404, 10003)]
    await r.at(T0)
    assert (await MemberRepo(db).get(42)).dm_channel_id is None
    await r.at(T0 + timedelta(seconds=5))
    assert r.sender.opened == [42]
    assert [(channel, text) for channel, text, _, _ in r.sender.sent] == [(500_042, "hi")]
    assert (await MemberRepo(db).get(42)).dm_channel_id == 500_042


async def test_a_renderer_with_nothing_to_send_cancels_and_settles(db: Database) -> None:
    r = await rig(db, renderer=False)

    async def nothing(delivery: Delivery, late: bool) -> Outgoing | None:
        return None

    r.kinds.renderers.add("note", nothing)
    gone = await r.scheduler.schedule("note", T0, user_id=42, payload={})
    await r.at(T0)
    final = await r.scheduler.get(gone.id)
    assert final is not None and final.status == "cancelled" and final.attempts == 0
    assert [(s.delivery.id, s.status) for s in r.settled] == [(gone.id, "cancelled")]
    assert r.sender.sent == [] and r.sender.opened == []


async def test_a_kind_that_sends_no_dm_goes_ahead_while_the_members_dms_are_closed(db: Database) -> None:
    r = await rig(db, renderer=False)
    acted: list[int] = []

    async def grant(delivery: Delivery, late: bool) -> Outgoing | None:
        acted.append(delivery.id)
        return None  # did its work (a role grant, say); nothing to post

    r.kinds = DeliveryKinds({"grant": Lifecycle(direct_message=False), "note": Lifecycle()})
    r.dispatcher.kinds = r.kinds
    r.kinds.renderers.add("grant", grant)
    r.kinds.renderers.add("note", render)
    await MemberRepo(db).mark_unreachable(42, T0)
    role = await r.scheduler.schedule("grant", T0, user_id=42, payload={})
    dm = await r.scheduler.schedule("note", T0, user_id=42, payload={"text": "hi"})
    await r.at(T0)
    assert acted == [role.id]
    statuses = [(await r.scheduler.get(d.id)) for d in (role, dm)]
    assert [d.status for d in statuses if d is not None] == ["cancelled", "paused"]
