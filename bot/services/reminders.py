"""Daily reminders by DM at the member's local time (SPEC §5).

Each occurrence is a delivery of kind ``reminder`` keyed by the reminder and the local
day, so exactly one exists per chosen day; when one is settled (sent or missed) the
next is scheduled from the APScheduler-computed next fire (DST-correct). Occurrences
carry the reminder's version, so a changed or stopped reminder's old chain ends.

Quiet hours hold back check-ins, not reminders: a reminder comes at the time the member
chose, even inside their quiet hours (they set it on purpose), and ``/remind daily`` says
so when that happens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.db.repositories.deliveries import CANCELLED, Delivery
from bot.db.repositories.reminders import ReminderRepo, ReminderRow
from bot.domain import localtime, soreness
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Settled
from bot.services.settings import Clock, MemberSettingsService

KIND = "reminder"
SNOOZE_KIND = "reminder_snooze"
SNOOZE = timedelta(hours=1)
MESSAGE_MAX = 200
DEFAULT_MESSAGE = "Time to train!"

#: Looks up the routine planned for a member's local day (the weekly plan), if any.
PlanLookup = Callable[[int, date], Awaitable[tuple[int, str] | None]]


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def days_to_mask(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    at: time
    days: frozenset[int]
    message: str | None
    active: bool
    version: int
    next_at: datetime | None

    @property
    def text(self) -> str:
        return self.message or DEFAULT_MESSAGE

    @property
    def days_text(self) -> str:
        return localtime.format_days(self.days)


@dataclass(frozen=True)
class ReminderChange:
    """What ``/remind daily`` did: the reminder now, and a sentence saying what changed."""

    reminder: Reminder
    summary: str
    #: The member's quiet hours when the reminder's time falls inside them, else None.
    inside_quiet_hours: localtime.QuietHours | None


def describe_change(before: Reminder | None, after: Reminder) -> str:
    """ "Reminder set.", or what changed and what didn't:

    "Reminder updated: time 07:30 → 19:00. Days (Mon–Fri) and message unchanged."
    """
    if before is None:
        return "Reminder set."
    changed: list[str] = []
    kept: list[str] = []
    if before.at != after.at:
        changed.append(f"time {before.at:%H:%M} → {after.at:%H:%M}")
    else:
        kept.append(f"time ({after.at:%H:%M})")
    if before.days != after.days:
        changed.append(f"days {before.days_text} → {after.days_text}")
    else:
        kept.append(f"days ({after.days_text})")
    if before.text != after.text:
        changed.append("new message")
    else:
        kept.append("message")
    if not changed:
        return f"Nothing to change: your reminder is already at {after.at:%H:%M}, {after.days_text}."
    summary = f"Reminder updated: {', '.join(changed)}."
    if kept:
        unchanged = _join(kept)
        summary += f" {unchanged[0].upper()}{unchanged[1:]} unchanged."
    return summary


@dataclass(frozen=True)
class DoneResult:
    """After `Done` on a reminder: the routine planned that day, unless a workout is already logged."""

    planned: tuple[int, str] | None
    logged_that_day: bool


@dataclass(frozen=True)
class ReminderContext:
    """What a reminder DM shows."""

    text: str
    local_day: date
    planned: tuple[int, str] | None


class ReminderService:
    def __init__(
        self,
        repo: ReminderRepo,
        deliveries: DeliveryScheduler,
        members: MemberSettingsService,
        clock: Clock,
        *,
        plan_lookup: PlanLookup | None = None,
    ) -> None:
        self.repo = repo
        self.deliveries = deliveries
        self.members = members
        self.clock = clock
        self.plan_lookup = plan_lookup

    def _reminder(self, row: ReminderRow, next_at: datetime | None) -> Reminder:
        return Reminder(
            id=row.id,
            user_id=row.user_id,
            at=time(row.minute_of_day // 60, row.minute_of_day % 60),
            days=mask_to_days(row.days),
            message=row.message,
            active=row.active,
            version=row.version,
            next_at=next_at,
        )

    async def _pending(self, user_id: int) -> list[Delivery]:
        return await self.deliveries.for_user(
            user_id, kinds=[KIND], statuses=["pending", "paused", "claimed"]
        )

    async def _schedule_next(self, row: ReminderRow, after: datetime) -> Delivery:
        """The next chosen local day's occurrence that has not happened yet.

        A day that already had its reminder (say, the member changed the time after
        today's went out) keeps that one, and the next day is scheduled instead.
        """
        settings = await self.members.get(row.user_id)
        at = time(row.minute_of_day // 60, row.minute_of_day % 60)
        for _ in range(8):
            due = localtime.next_daily_fire(at, settings.zone, mask_to_days(row.days), after)
            day = localtime.local_date(due, settings.zone)
            scheduled = await self.deliveries.schedule(
                KIND,
                due,
                user_id=row.user_id,
                guild_id=row.guild_id,
                payload={"reminder_id": row.id, "version": row.version, "day": day.isoformat()},
                dedupe_key=f"reminder:{row.id}:{day.isoformat()}",
            )
            if scheduled.status in ("pending", "paused", "claimed"):
                return scheduled
            after = due
        raise RuntimeError(f"no free day found for reminder {row.id}")

    async def set_daily(
        self,
        user_id: int,
        guild_id: int | None,
        at_text: str | None,
        days_text: str | None,
        message: str | None,
    ) -> ReminderChange:
        """Set the member's reminder, or change it: options not given keep their values."""
        try:
            at = localtime.parse_hhmm(at_text) if at_text is not None else None
            days = localtime.parse_days(days_text) if days_text is not None else None
        except localtime.TimeInputError as exc:
            raise UserFacingError(str(exc)) from None
        if message is not None:
            message = " ".join(message.split()) or None
        if message is not None and len(message) > MESSAGE_MAX:
            raise UserFacingError(
                f"The reminder message is {len(message)} characters; the limit is {MESSAGE_MAX}.",
                example="`/remind daily time:07:30 days:mon-fri message:Stretch and hydrate`",
            )
        before = await self.show(user_id)
        if before is None and at is None:
            raise UserFacingError(
                "You have no daily reminder yet, so give it a time.",
                example="`/remind daily time:07:30 days:mon-fri`",
            )
        settings = await self.members.get(user_id)
        if before is not None:
            at = at or before.at
            days = days if days is not None else before.days
            message = message if message is not None else before.message
        assert at is not None
        days = days if days is not None else localtime.ALL_DAYS
        inside = settings.quiet if settings.quiet.contains(at) else None
        if before is not None and (before.at, before.days, before.message) == (at, days, message):
            return ReminderChange(before, describe_change(before, before), inside)
        await self.deliveries.cancel(d.id for d in await self._pending(user_id))
        row = await self.repo.set_reminder(
            user_id,
            guild_id=guild_id,
            minute_of_day=at.hour * 60 + at.minute,
            days=days_to_mask(days),
            message=message,
            now=self.clock(),
        )
        scheduled = await self._schedule_next(row, self.clock())
        after = self._reminder(row, scheduled.due_at)
        return ReminderChange(after, describe_change(before, after), inside)

    async def show(self, user_id: int) -> Reminder | None:
        row = await self.repo.get_reminder(user_id)
        if row is None or not row.active:
            return None
        pending = [d for d in await self._pending(user_id) if d.payload.get("version") == row.version]
        return self._reminder(row, min((d.due_at for d in pending), default=None))

    async def off(self, user_id: int) -> bool:
        stopped = await self.repo.deactivate_reminder(user_id, self.clock())
        await self.deliveries.cancel(d.id for d in await self._pending(user_id))
        snoozed = await self.deliveries.for_user(user_id, kinds=[SNOOZE_KIND], statuses=["pending", "paused"])
        await self.deliveries.cancel(d.id for d in snoozed)
        return stopped

    async def reschedule(self, user_id: int) -> None:
        """The member's zone changed: the next occurrence moves to the new local time."""
        row = await self.repo.get_reminder(user_id)
        if row is None or not row.active:
            return
        await self.deliveries.cancel(d.id for d in await self._pending(user_id))
        await self._schedule_next(row, self.clock())

    # -- the engine's side -----------------------------------------------------------------------

    async def _current(self, delivery: Delivery) -> ReminderRow | None:
        row = await self.repo.get_reminder_by_id(int(delivery.payload["reminder_id"]))
        if row is None or not row.active or row.version != delivery.payload.get("version"):
            return None
        return row

    def is_stale(self, delivery: Delivery, now: datetime) -> bool:
        return soreness.reminder_is_stale(delivery.due_at, now)

    async def context(self, delivery: Delivery) -> ReminderContext | None:
        row = await self._current(delivery)
        if row is None:
            return None
        day = date.fromisoformat(delivery.payload["day"])
        planned = await self.plan_lookup(row.user_id, day) if self.plan_lookup is not None else None
        return ReminderContext(row.message or DEFAULT_MESSAGE, day, planned)

    async def settled(self, settled: Settled) -> None:
        """After an occurrence is sent, missed or failed, schedule the next chosen day's."""
        if settled.status == CANCELLED:
            return
        row = await self._current(settled.delivery)
        if row is not None:
            await self._schedule_next(row, settled.delivery.due_at)

    async def ensure_scheduled(self) -> int:
        """Every active reminder has its next occurrence waiting; schedules any that lost it.

        The next occurrence is scheduled after the last one settles. A crash between the
        two, or a failed query in between, would otherwise end the member's reminder for
        good. Runs at start-up and hourly. Returns how many chains were repaired.
        """
        broken = await self.repo.active_without_occurrence(KIND, ("pending", "paused", "claimed"))
        for row in broken:
            await self._schedule_next(row, self.clock())
        return len(broken)

    async def snooze(self, delivery_id: int, user_id: int) -> datetime:
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.kind not in (KIND, SNOOZE_KIND):
            raise NotFound("That reminder no longer exists.")
        if delivery.user_id != user_id:
            raise NotAllowed("Only the member this reminder is for can snooze it.")
        again = await self.deliveries.schedule(
            SNOOZE_KIND,
            self.clock() + SNOOZE,
            user_id=user_id,
            guild_id=delivery.guild_id,
            payload={**delivery.payload, "snoozed_from": delivery.id},
            dedupe_key=f"reminder-snooze:{delivery.id}",
        )
        return again.due_at

    async def done(self, delivery_id: int, user_id: int) -> DoneResult:
        """`Done` pressed: which routine to offer to log, if that day has one planned.

        Pressing it logs nothing by itself; a workout is logged only with `Log it`. A
        reminder that no longer exists is simply marked done.
        """
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.kind not in (KIND, SNOOZE_KIND):
            return DoneResult(None, False)
        if delivery.user_id != user_id:
            raise NotAllowed("Only the member this reminder is for can use its buttons.")
        day = date.fromisoformat(delivery.payload["day"])
        planned = await self.plan_lookup(user_id, day) if self.plan_lookup is not None else None
        if planned is None:
            return DoneResult(None, False)
        zone = (await self.members.get(user_id)).zone
        start = localtime.local_midnight_utc(day, zone)
        end = localtime.local_midnight_utc(day + timedelta(days=1), zone)
        if await self.repo.has_session_between(user_id, start, end):
            return DoneResult(None, True)
        return DoneResult(planned, False)

    async def snooze_context(self, delivery: Delivery) -> ReminderContext | None:
        row = await self.repo.get_reminder_by_id(int(delivery.payload["reminder_id"]))
        if row is None or not row.active:
            return None
        day = date.fromisoformat(delivery.payload["day"])
        planned = await self.plan_lookup(row.user_id, day) if self.plan_lookup is not None else None
        return ReminderContext(row.message or DEFAULT_MESSAGE, day, planned)
