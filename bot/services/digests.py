"""The weekly DM digest a member can opt in to with ``/settings digest``.

Every Monday at 09:00 on the member's own clock (moved to the end of their quiet hours
when 09:00 falls inside them) a DM sums up the local week just ended: sessions and
volume against the week before, personal records, the streaks, and whether their
soreness ratings eased or rose. Each digest is a delivery keyed by member and week, so
it arrives once, also across restarts; when it settles the next week's is scheduled. A
change of zone or quiet hours moves the one waiting. A week with neither a session nor
a rating sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.db.repositories.deliveries import Delivery
from bot.db.repositories.streaks import MemberWeek, StreakRepo
from bot.domain import localtime
from bot.domain.streaks import Streaks, week_start
from bot.domain.units import WeightSystem
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Settled
from bot.services.settings import Clock, MemberSettings, MemberSettingsService
from bot.services.streaks import StreakService

KIND = "weekly-digest"
DIGEST_DAY = 0  # Monday
DIGEST_AT = time(9, 0)
STALE_AFTER = timedelta(days=2)
#: Average soreness moving by at least this much between weeks counts as rising or easing.
TREND_STEP = 0.5


@dataclass(frozen=True)
class Digest:
    first: date
    last: date
    this_week: MemberWeek
    last_week: MemberWeek
    streaks: Streaks
    soreness_now: float | None
    soreness_before: float | None
    units: WeightSystem

    @property
    def soreness_trend(self) -> str | None:
        if self.soreness_now is None:
            return None
        if self.soreness_before is None:
            return "first ratings"
        change = self.soreness_now - self.soreness_before
        if change >= TREND_STEP:
            return "rising"
        if change <= -TREND_STEP:
            return "easing"
        return "steady"


def digest_key(user_id: int, week: date) -> str:
    return f"digest:{user_id}:{week.isoformat()}"


class DigestService:
    def __init__(
        self,
        repo: StreakRepo,
        streaks: StreakService,
        members: MemberSettingsService,
        deliveries: DeliveryScheduler,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.streaks = streaks
        self.members = members
        self.deliveries = deliveries
        self.clock = clock

    def next_due(self, settings: MemberSettings, after: datetime) -> datetime:
        fire = localtime.next_daily_fire(DIGEST_AT, settings.zone, frozenset({DIGEST_DAY}), after)
        return localtime.move_out_of_quiet_hours(fire, settings.zone, settings.quiet)

    async def set_enabled(self, user_id: int, enabled: bool, guild_id: int | None = None) -> datetime | None:
        """Turn the digest on (the next one's due time) or off (None; the waiting one is cancelled)."""
        await self.repo.update_prefs(user_id, self.clock(), digest=enabled, digest_guild_id=guild_id)
        await self._cancel(user_id)
        if not enabled:
            return None
        return await self._schedule(user_id, self.clock())

    async def reschedule(self, user_id: int) -> None:
        """The member's zone or quiet hours changed: move the waiting digest."""
        if not (await self.repo.prefs(user_id)).digest:
            return
        await self._cancel(user_id)
        await self._schedule(user_id, self.clock())

    async def _cancel(self, user_id: int) -> None:
        waiting = await self.deliveries.for_user(user_id, kinds=[KIND])
        await self.deliveries.cancel(d.id for d in waiting)

    async def _schedule(self, user_id: int, after: datetime) -> datetime:
        settings = await self.members.get(user_id)
        due = self.next_due(settings, after)
        week = week_start(localtime.local_date(due, settings.zone))
        delivery = await self.deliveries.schedule(
            KIND, due, user_id=user_id, dedupe_key=digest_key(user_id, week)
        )
        return delivery.due_at

    # -- the delivery's lifecycle ----------------------------------------------------------------

    @staticmethod
    def is_stale(delivery: Delivery, now: datetime) -> bool:
        return now - delivery.due_at > STALE_AFTER

    async def settled(self, settled: Settled) -> None:
        user_id = settled.delivery.user_id
        if user_id is None or not (await self.repo.prefs(user_id)).digest:
            return
        if await self.deliveries.for_user(user_id, kinds=[KIND]):
            return  # a change of zone or quiet hours already scheduled the next one
        await self._schedule(user_id, max(settled.delivery.due_at, self.clock()) + timedelta(minutes=1))

    async def ensure_scheduled(self) -> int:
        """At start-up: every member with the digest on has the next one waiting."""
        checked = 0
        for prefs in await self.repo.digest_members():
            checked += 1
            if not await self.deliveries.for_user(prefs.user_id, kinds=[KIND]):
                await self._schedule(prefs.user_id, self.clock())
        return checked

    # -- the digest itself -----------------------------------------------------------------------

    async def build(self, user_id: int, due: datetime) -> Digest | None:
        """The local week before ``due`` against the one before it; None when it was empty."""
        settings = await self.members.get(user_id)
        monday = week_start(localtime.local_date(due, settings.zone))
        first, last = monday - timedelta(days=7), monday - timedelta(days=1)
        this_week = await self.repo.member_days(user_id, first, last)
        before = await self.repo.member_days(user_id, first - timedelta(days=7), first - timedelta(days=1))
        start = localtime.local_midnight_utc(first, settings.zone)
        end = localtime.local_midnight_utc(monday, settings.zone)
        ratings = await self.repo.soreness_levels(user_id, start, end)
        if not this_week.sessions and not ratings:
            return None
        earlier = await self.repo.soreness_levels(user_id, start - (end - start), start)
        return Digest(
            first=first,
            last=last,
            this_week=this_week,
            last_week=before,
            streaks=await self.streaks.compute(user_id),
            soreness_now=sum(ratings) / len(ratings) if ratings else None,
            soreness_before=sum(earlier) / len(earlier) if earlier else None,
            units="lb" if settings.units == "lb" else "kg",
        )


__all__ = ["KIND", "Digest", "DigestService", "digest_key"]
