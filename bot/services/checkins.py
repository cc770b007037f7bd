"""Soreness check-ins after a logged workout, ratings and escalation (SPEC §5).

Check-ins are deliveries of kind ``checkin``. Their dedupe key names the member and
the local day, so however many workouts a member logs, the engine holds at most one
check-in for any of their local days. A rating is about the workout the check-in
refers to; escalation looks at that workout's ratings over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.repositories.checkins import CheckinRepo, Rating
from bot.db.repositories.deliveries import Delivery
from bot.domain import localtime, soreness
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.settings import Clock, MemberSettings, MemberSettingsService
from bot.services.workouts import LoggedSession, WorkoutService

KIND = "checkin"
SNOOZE = timedelta(hours=2)
#: A free rating (``/soreness rate``) is about the latest workout of this past span.
FREE_RATING_WINDOW = timedelta(days=7)
AREA_MAX = 60


@dataclass(frozen=True)
class CheckinContext:
    """What a check-in DM shows."""

    delivery: Delivery
    session_id: int
    workout_at: datetime
    routine_name: str | None
    hours_since: float
    zone_key: str


@dataclass(frozen=True)
class RatingResult:
    rating: Rating
    escalation: soreness.Escalation | None
    followup_at: datetime | None
    hours_since: float | None


@dataclass(frozen=True)
class TriageHint:
    """What the "Should I stop?" check opened from a check-in starts with."""

    #: Hours since the workout, so the check skips asking; None when unknown.
    hours: float | None
    #: The server whose emergency number and clinician apply; None for the defaults.
    guild_id: int | None


def checkin_key(user_id: int, day: object) -> str:
    return f"checkin:{user_id}:{day}"


class CheckinService:
    def __init__(
        self,
        repo: CheckinRepo,
        deliveries: DeliveryScheduler,
        members: MemberSettingsService,
        workouts: WorkoutService,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.deliveries = deliveries
        self.members = members
        self.workouts = workouts
        self.clock = clock

    # -- scheduling ------------------------------------------------------------------------------

    async def _existing_due(self, user_id: int) -> list[datetime]:
        return [d.due_at for d in await self.deliveries.for_user(user_id, kinds=[KIND])]

    async def _schedule(
        self, settings: MemberSettings, session: LoggedSession, planned: soreness.PlannedCheckin
    ) -> Delivery:
        day = localtime.local_date(planned.due_at, settings.zone)
        return await self.deliveries.schedule(
            KIND,
            planned.due_at,
            user_id=session.user_id,
            guild_id=session.guild_id,
            payload={
                "session_id": session.session_id,
                "offset_h": planned.offset_h,
                "workout_at": session.performed_at.isoformat(),
            },
            dedupe_key=checkin_key(session.user_id, day),
        )

    async def on_workout_logged(self, session: LoggedSession) -> None:
        """Schedule the +24 h and +48 h check-ins (one per local day, outside quiet hours)."""
        settings = await self.members.get(session.user_id)
        if not settings.checkins_enabled:
            return
        plan = soreness.plan_checkins(
            session.performed_at, settings.zone, settings.quiet, await self._existing_due(session.user_id)
        )
        for planned in plan:
            await self._schedule(settings, session, planned)

    async def on_workout_removed(self, user_id: int, session_id: int) -> None:
        pending = await self.deliveries.for_user(user_id, kinds=[KIND], statuses=["pending", "paused"])
        await self.deliveries.cancel(d.id for d in pending if d.payload.get("session_id") == session_id)

    # -- what a check-in shows -------------------------------------------------------------------

    @staticmethod
    def workout_at(delivery: Delivery) -> datetime:
        return datetime.fromisoformat(delivery.payload["workout_at"])

    def is_stale(self, delivery: Delivery, now: datetime) -> bool:
        return soreness.checkin_is_stale(self.workout_at(delivery), now, due_at=delivery.due_at)

    async def context(self, delivery: Delivery) -> CheckinContext | None:
        """Everything the DM needs, or None when there is nothing to ask about any more."""
        settings = await self.members.get(delivery.user_id or 0)
        if not settings.checkins_enabled:
            return None
        session_id = int(delivery.payload["session_id"])
        row = await self.workouts.stored_session(session_id)
        if row is None:
            return None
        hours = (self.clock() - row.performed_at).total_seconds() / 3600
        return CheckinContext(
            delivery, session_id, row.performed_at, row.routine_name, hours, settings.zone.key
        )

    # -- the member's answers --------------------------------------------------------------------

    async def _own_checkin(self, delivery_id: int, user_id: int) -> Delivery:
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.kind != KIND:
            raise NotFound("That check-in no longer exists.")
        if delivery.user_id != user_id:
            raise NotAllowed("Only the member this check-in is for can answer it.")
        return delivery

    async def rate_checkin(self, delivery_id: int, user_id: int, level: int) -> RatingResult:
        delivery = await self._own_checkin(delivery_id, user_id)
        level = self._check_level(level)
        session_id = int(delivery.payload["session_id"])
        row = await self.workouts.stored_session(session_id)
        now = self.clock()
        workout_at = row.performed_at if row is not None else self.workout_at(delivery)
        hours = max(0.0, (now - workout_at).total_seconds() / 3600)
        rating = await self.repo.save_rating(
            user_id=user_id,
            session_id=session_id if row is not None else None,
            delivery_id=delivery.id,
            level=level,
            area=None,
            hours_after=hours,
            now=now,
        )
        followup_at = None
        if int(delivery.payload.get("offset_h", 0)) == 48 and soreness.needs_72h_checkin(level) and row:
            followup_at = await self._schedule_followup(delivery, row.performed_at)
        nudge = await self._nudge(level, None, session_id if row is not None else None)
        return RatingResult(rating, nudge, followup_at, hours)

    async def _schedule_followup(self, delivery: Delivery, workout_at: datetime) -> datetime | None:
        assert delivery.user_id is not None
        settings = await self.members.get(delivery.user_id)
        if not settings.checkins_enabled:
            return None
        planned = soreness.plan_followup_72h(
            workout_at, settings.zone, settings.quiet, await self._existing_due(delivery.user_id)
        )
        if planned is None:
            return None
        session = LoggedSession(
            int(delivery.payload["session_id"]), delivery.user_id, delivery.guild_id, workout_at
        )
        scheduled = await self._schedule(settings, session, planned)
        return scheduled.due_at

    async def _nudge(
        self, level: int, area: str | None, session_id: int | None
    ) -> soreness.Escalation | None:
        """Whether the rating just saved should offer the triage (soreness.rating_nudge)."""
        points = []
        if session_id is not None:
            points = [
                soreness.RatingPoint(r.hours_after, r.level)
                for r in await self.repo.ratings_for_session(session_id)
                if r.hours_after is not None
            ]
        return soreness.rating_nudge(level, area, points)

    async def rate_free(self, user_id: int, level: int, area: str | None) -> RatingResult:
        """``/soreness rate``: about the member's latest workout of the past week, if any."""
        level = self._check_level(level)
        if area is not None:
            area = " ".join(area.split())
            if len(area) > AREA_MAX:
                raise UserFacingError(
                    f"The area can be at most {AREA_MAX} characters.",
                    example="`/soreness rate level:5 area:quads`",
                )
            area = area or None
        now = self.clock()
        latest = await self.repo.latest_session(user_id, now - FREE_RATING_WINDOW)
        session_id, hours = (None, None)
        if latest is not None:
            session_id, performed_at = latest
            hours = max(0.0, (now - performed_at).total_seconds() / 3600)
        rating = await self.repo.save_rating(
            user_id=user_id,
            session_id=session_id,
            delivery_id=None,
            level=level,
            area=area,
            hours_after=hours,
            now=now,
        )
        return RatingResult(rating, await self._nudge(level, area, session_id), None, hours)

    async def triage_hint(self, rating_id: int, user_id: int) -> float | None:
        """Hours since the workout a free rating was about, for the triage it offered.

        None when the rating belonged to no workout or is gone (deleted with the
        member's data): the check still opens, and asks for the time itself.
        """
        rating = await self.repo.get_rating(rating_id)
        if rating is None:
            return None
        if rating.user_id != user_id:
            raise NotAllowed("Only the member who gave this rating can use its button.")
        if rating.hours_after is None:
            return None
        return rating.hours_after + max(0.0, (self.clock() - rating.rated_at).total_seconds() / 3600)

    async def checkin_triage_hint(self, delivery_id: int, user_id: int) -> TriageHint:
        """The check-in's ``Something feels wrong``: hours since its workout and its server.

        Only the member it was sent to may press it. A check-in that is gone (answered
        long ago, or deleted with the member's data) still opens the check, which then
        asks for the time itself.
        """
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None:
            return TriageHint(None, None)
        if delivery.user_id not in (None, user_id):
            raise NotAllowed("Only the member this check-in is for can use its buttons.")
        hours = max(0.0, (self.clock() - self.workout_at(delivery)).total_seconds() / 3600)
        return TriageHint(hours, delivery.guild_id)

    @staticmethod
    def _check_level(level: int) -> int:
        try:
            return soreness.check_level(level)
        except soreness.SorenessInputError as exc:
            raise UserFacingError(str(exc)) from None

    async def snooze(self, delivery_id: int, user_id: int) -> datetime:
        """Ask again in two hours (outside quiet hours); pressing twice asks once."""
        delivery = await self._own_checkin(delivery_id, user_id)
        settings = await self.members.get(user_id)
        due = localtime.move_out_of_quiet_hours(self.clock() + SNOOZE, settings.zone, settings.quiet)
        again = await self.deliveries.schedule(
            KIND,
            due,
            user_id=user_id,
            guild_id=delivery.guild_id,
            payload={**delivery.payload, "snoozed_from": delivery.id},
            dedupe_key=f"checkin-snooze:{delivery.id}",
        )
        return again.due_at

    async def stop(self, delivery_id: int, user_id: int) -> int:
        """Turn check-ins off and cancel the pending ones; returns how many were cancelled."""
        await self._own_checkin(delivery_id, user_id)
        return await self.turn_off(user_id)

    async def turn_off(self, user_id: int) -> int:
        await self.members.set_checkins(user_id, False)
        pending = await self.deliveries.for_user(user_id, kinds=[KIND], statuses=["pending", "paused"])
        return await self.deliveries.cancel(d.id for d in pending)
