"""What the sandbox bar does: where the page looks, as whom, and what time it is.

The sandbox page (:mod:`bot.dev.web`) shows SimCord's preview of one channel at a time,
beside a bar to switch between the demo server's channels and the acting member's DMs,
to act as any demo member or the admin, and to skip ahead so that scheduled things
(check-ins, reminders, challenge starts and results, a timer's phases) happen. Every
button of that bar calls one method here, and so do the tests.

Built on SimCord's public API: a preview shows one channel to the viewers it was opened
for, so going elsewhere closes it and opens another (``env.preview``, ``preview.show``);
skipping ahead is ``env.advance_time``, then ``preview.refresh`` so the page shows what
happened, with relative times ("in 20 seconds") measured from the new "now".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot.dev.simcord_private import advance_clock_like_its_timers, clock_can_follow_real_time
from bot.dev.world import TOUR, SandboxWorld, SavedSession

if TYPE_CHECKING:
    import simcord
    from simcord import ChannelHandle, MemberActor

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The skips the bar offers, in seconds; "next" goes to the next scheduled delivery instead.
SKIPS: dict[str, int] = {"10m": 10 * 60, "1h": 3600, "1d": 24 * 3600}
#: A long skip is played in steps, each settling within SimCord's settle timeout.
SKIP_STEP_S = 30 * 60
#: A moment past the next delivery's due time, for the dispatcher to send it.
AFTER_DUE_S = 5
#: How often the clock is brought level with real time while the page is open.
CLOCK_STEP_S = 1.0
#: Relative times ("in 3 minutes") are re-measured this often even when nothing else changed;
#: a republication makes a click landing on the old one be refused as stale, so not every second.
QUIET_REFRESH_S = 20.0

#: How a delivery kind reads in the bar's "next" line.
DELIVERY_NAMES = {
    "checkin": "soreness check-in",
    "reminder": "workout reminder",
    "reminder_snooze": "snoozed reminder",
    "challenge_start": "challenge start",
    "challenge_end": "challenge results",
}


@dataclass(frozen=True)
class Place:
    key: str
    label: str


#: Where the bar can go, in its order; "dm" is the acting member's DMs with the bot.
PLACES = (
    Place("general", "#general"),
    Place("routines", "#routines"),
    Place("challenges", "#challenges"),
    Place("check-ins", "#check-ins"),
    Place("dm", "Direct messages"),
)
#: Who the bar can act as, and what they are in the demo.
ACTORS = {"alice": "member", "ada": "admin (Manage Server)", "bob": "coach"}


class NotAvailable(Exception):
    """A bar request that can't be done now; the message says why (shown in the bar)."""


@dataclass(frozen=True)
class Skipped:
    """What a skip did: from when to when, and which places got new messages."""

    start: datetime
    end: datetime
    arrived: tuple[str, ...]


class Console:
    """The sandbox's one preview and clock, driven by the sandbox bar (and by tests)."""

    def __init__(self, world: SandboxWorld, session: SavedSession | None = None) -> None:
        self.world = world
        self.env: simcord.Env = world.env
        self.session = session
        self.place = "general"
        self.acting = "alice"
        self.preview: simcord.Preview | None = None
        #: Bumped whenever the page must load again (another place, another member, new messages
        #: after a skip); the bar reloads the conversation when it sees a new one.
        self.view = 0
        #: Changes each run: a tab left open from the last run sees it and loads again.
        self.boot = secrets.token_hex(4)
        #: Set when the page's own "End preview session" closed the preview.
        self.ended = asyncio.Event()
        self._stack: contextlib.AsyncExitStack | None = None
        self._lock = asyncio.Lock()
        self._seen: dict[tuple[str, str], int] = {}
        self._refreshed_at = 0.0
        #: Whether the last republication changed no message (only the clock moved).
        self.quietly_republished = True
        self._requests_seen = 0
        self._watch: asyncio.Task[None] | None = None
        self._baseline: tuple[float, datetime] = (0.0, self.env.now())

    # -- where, and as whom -------------------------------------------------------------------------

    def member(self, key: str | None = None) -> MemberActor:
        key = key or self.acting
        members = {"alice": self.world.alice, "ada": self.world.admin, "bob": self.world.bob}
        if key not in members:
            raise NotAvailable(f"There is no demo member {key!r}: pick Alice, Ada or Bob.")
        return members[key]

    def channel(self, place: str | None = None, acting: str | None = None) -> ChannelHandle:
        place = place or self.place
        if place == "dm":
            return self.member(acting).user.dm_channel
        for channel in self.world.channels:
            if channel.name == place:
                return channel
        raise NotAvailable(f"There is no {place!r} here: pick a channel or Direct messages.")

    def place_of(self, channel_id: int) -> str | None:
        """The bar's name for a channel id (a jump link's), or None outside the demo server."""
        for channel in self.world.channels:
            if channel.id == channel_id:
                return channel.name
        for key in ACTORS:
            if self.member(key).user.dm_channel.id == channel_id:
                return "dm"
        return None

    def _viewer(self, place: str, acting: str) -> Any:
        member = self.member(acting)
        return member.user if place == "dm" else member

    def _history(self, place: str, acting: str) -> list[Any]:
        return list(self.channel(place, acting).history(viewer=self._viewer(place, acting)))

    async def open(self) -> None:
        """Open the first page: #general as Alice, on the pinned tour."""
        await self.go("general", "alice")
        self._watch = asyncio.ensure_future(self._watch_for_end())

    async def go(self, place: str, acting: str | None = None, *, message_id: int | None = None) -> None:
        """Show ``place`` as ``acting`` (default: whoever is acting now), on ``message_id`` if given."""
        acting = acting or self.acting
        self.channel(place, acting)  # refuses an unknown place or member before anything closes
        async with self._lock:
            await self._close_preview()
            import simcord

            stack = contextlib.AsyncExitStack()
            preview = await stack.enter_async_context(
                self.env.preview(
                    self.channel(place, acting), viewers=[self._viewer(place, acting)], layout="channel"
                )
            )
            self._stack, self.preview = stack, preview
            self.place, self.acting = place, acting
            focus = self._focus(place, acting, message_id)
            if focus is not None:
                with contextlib.suppress(simcord.SetupError):  # hidden from this member: the latest
                    await self._retry_busy(lambda: preview.show(focus))
            self._mark_seen()
            self.view += 1

    def _focus(self, place: str, acting: str, message_id: int | None) -> Any:
        history = self._history(place, acting)
        if message_id is not None:
            for message in history:
                if message.id == message_id:
                    return message
        if place == "general" and message_id is None:
            pinned = [m for m in history if m.pinned]
            if pinned and not self._seen.get((acting, place)):
                return pinned[-1]  # the tour, on the first visit
        return history[-1] if history else None

    async def _close_preview(self) -> None:
        stack, self._stack, self.preview = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def _watch_for_end(self) -> None:
        """Set :attr:`ended` when the page ends the preview session (not when the bar moves on)."""
        while True:
            preview = self.preview
            if preview is None:
                await asyncio.sleep(0.1)
                continue
            await preview.wait_closed()
            if self.preview is preview:
                self.ended.set()
                return

    # -- time ---------------------------------------------------------------------------------------

    async def skip(self, by: str) -> Skipped:
        """Move the clock ahead by ``by`` ("10m", "1h", "1d", or "next": the next delivery)."""
        async with self._lock:
            start = self.env.now()
            if by == "next":
                upcoming = await self.next_delivery()
                if upcoming is None:
                    raise NotAvailable("Nothing is scheduled yet: log a workout or join a challenge first.")
                seconds = max(1.0, (upcoming[0] - start).total_seconds()) + AFTER_DUE_S
            elif by in SKIPS:
                seconds = float(SKIPS[by])
            else:
                raise NotAvailable(f"Skip by one of {', '.join(SKIPS)} or next, not {by!r}.")
            before = {key: self._latest(key, self.acting) for key in (p.key for p in PLACES)}
            while seconds > 0:
                step = min(seconds, SKIP_STEP_S)
                await self._retry_busy(lambda step=step: self.env.advance_time(step))  # type: ignore[misc]
                seconds -= step
            arrived = tuple(key for key in before if self._latest(key, self.acting) not in (before[key], 0))
            if self.place in arrived:
                # A page keeps the window it opened with: open it again on the newest message.
                history = self._history(self.place, self.acting)
                if self.preview is not None and history:
                    preview = self.preview
                    await self._retry_busy(lambda: preview.show(history[-1]))
                    self.view += 1
            await self._publish()
            self._mark_seen()
            self._save()
            # Real time is followed from the new "now".
            self._baseline = (asyncio.get_running_loop().time(), self.env.now())
            return Skipped(start, self.env.now(), arrived)

    async def next_delivery(self) -> tuple[datetime, str] | None:
        """When the next scheduled delivery is due, and what it is (None: nothing is scheduled)."""
        from sqlalchemy import select

        from bot.db.repositories.deliveries import PENDING
        from bot.db.tables import deliveries

        db = self.env.bot.services.db  # type: ignore[attr-defined]
        query = (
            select(deliveries.c.available_at, deliveries.c.kind)
            .where(deliveries.c.status == PENDING, deliveries.c.available_at > self.env.now())
            .order_by(deliveries.c.available_at)
            .limit(1)
        )
        async with db.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row[0], DELIVERY_NAMES.get(row[1], row[1].replace("_", " ")))

    async def follow_real_time(self, step: float = CLOCK_STEP_S) -> None:
        """Keep the virtual clock level with real time while the page is open, and the page current.

        SimCord's clock stands still unless someone advances it (a bot timer's real-time
        fallback moves it to that timer's instant, so scheduled things fire on time, but
        "now" lags in between). This is the one place that reads real time: the event loop's
        monotonic clock, outside SimCord's virtual time; the bot still reads only
        ``bot.clock.now()``. Each catch-up runs the way SimCord runs its own real-time
        fallbacks, not as a public ``advance_time`` operation, which would make a click
        landing during it fail as overlapping
        (:func:`~bot.dev.simcord_private.advance_clock_like_its_timers`); it is skipped while
        the bar or a page action is busy, and tried again a moment later. The page is
        republished when the bot has sent or edited something (a live timer's next phase, a
        DM), and now and then for relative times.
        """
        if not clock_can_follow_real_time(self.env):
            log.warning("This SimCord cannot follow real time; the sandbox clock moves only with timers")
        loop = asyncio.get_running_loop()
        self._baseline = (loop.time(), self.env.now())
        failing = False
        saved = loop.time()
        while True:
            await asyncio.sleep(step)
            if self._lock.locked():
                continue
            real, virtual = self._baseline
            behind = (virtual + timedelta(seconds=loop.time() - real) - self.env.now()).total_seconds()
            try:
                if behind >= step / 2 and clock_can_follow_real_time(self.env):
                    await advance_clock_like_its_timers(self.env, behind)
                async with self._lock:
                    await self._publish(only_if_changed=True)
                failing = False
            except Exception:
                # A bot that is slow to settle, or fails in a timer it set, must not stop the clock
                # (its own failures reach its error handler); say so once, then keep trying.
                if not failing:
                    log.exception("Moving the sandbox clock failed; it will keep trying")
                failing = True
            if loop.time() - saved > 5:
                self._save()
                saved = loop.time()

    async def _publish(self, *, only_if_changed: bool = False) -> None:
        """Republish the page, so it shows what the bot did and measures relative times from now."""
        preview = self.preview
        if preview is None:
            return
        loop = asyncio.get_running_loop()
        requests = len(self.env.http_requests)
        if only_if_changed and (
            requests == self._requests_seen and loop.time() - self._refreshed_at < QUIET_REFRESH_S
        ):
            return
        import simcord

        try:
            await preview.refresh()
        except simcord.SetupError:
            if not only_if_changed:
                raise
            return  # a page action or another operation is under way: next time
        self.quietly_republished = requests == self._requests_seen
        self._requests_seen, self._refreshed_at = requests, loop.time()

    @contextlib.asynccontextmanager
    async def page_action(self) -> AsyncIterator[None]:
        """Hold the bar's moves while the page's own action (a click, a command) runs.

        SimCord runs one operation at a time and answers a page action that lands during
        another (a skip, a republication) as if the page's context were gone, which the page
        reports as an uncertain outcome; waiting here makes it simply run next.
        """
        async with self._lock:
            yield

    async def _retry_busy(self, operation: Callable[[], Awaitable[T]], *, attempts: int = 200) -> T:
        """Run a SimCord operation, waiting while a page action (a click, a command) finishes."""
        import simcord

        for _ in range(attempts - 1):
            try:
                return await operation()
            except simcord.SetupError as exc:
                if "overlaps" not in str(exc):
                    raise
                await asyncio.sleep(0.05)
        return await operation()

    # -- what the bar shows -------------------------------------------------------------------------

    def _latest(self, place: str, acting: str) -> int:
        history = self._history(place, acting)
        return history[-1].id if history else 0

    def _mark_seen(self) -> None:
        self._seen[(self.acting, self.place)] = self._latest(self.place, self.acting)

    def unread(self, place: str) -> bool:
        if place == self.place:
            return False
        latest = self._latest(place, self.acting)
        return latest != 0 and latest > self._seen.get((self.acting, place), 0)

    async def state(self) -> dict[str, Any]:
        """What the bar shows: the clock, where and who, unread places, the next delivery, the tour."""
        now = self.env.now()
        upcoming = await self.next_delivery()
        return {
            "boot": self.boot,
            "view": self.view,
            "clock": now.isoformat(),
            "clockText": f"{now:%a %-d %b %Y, %H:%M} UTC",
            "place": self.place,
            "acting": self.acting,
            "places": [{"key": p.key, "label": p.label, "unread": self.unread(p.key)} for p in PLACES],
            "members": [
                {
                    "key": key,
                    "name": self.member(key).user.global_name or self.member(key).user.name,
                    "role": role,
                }
                for key, role in ACTORS.items()
            ],
            "next": None
            if upcoming is None
            else {"at": upcoming[0].isoformat(), "text": f"{upcoming[1]}, {_in(upcoming[0] - now)}"},
            "tour": list(TOUR),
        }

    def _save(self) -> None:
        if self.session is not None:
            self.session.clock = self.env.now()
            self.session.save()

    async def aclose(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        self._save()
        async with self._lock:
            await self._close_preview()


def _in(delta: timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"in {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"in {hours} h {minutes:02d} min"
    return f"in {hours // 24} days"
