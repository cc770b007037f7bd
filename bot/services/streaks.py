"""Streaks behind ``/streak`` and ``/settings weekly-target``, on the member's own local days.

A workout counts on the local day it was logged in the member's zone at that moment:
:meth:`StreakService.on_workout_logged` stores that date beside the session, and streaks
are read from the stored dates only, so a later zone change never moves a workout to
another day. A session logged before dates were stored is placed in the member's current
zone. Undo and ``/privacy delete`` remove a session's date with the session.

After every log (and undo) the member's weekly streak is kept beside their settings, so
the weekly recap can find a server's longest streaks without reading everybody's log;
listeners on :attr:`StreakService.on_progress` (milestone roles) hear about it too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.db.repositories.streaks import StreakPrefs, StreakRepo
from bot.domain import localtime, streaks
from bot.domain.streaks import Day, Streaks
from bot.errors import UserFacingError
from bot.services.settings import MemberSettingsService
from bot.services.workouts import LoggedSession

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

EXAMPLE_TARGET = "`/settings weekly-target sessions:3`"


@dataclass(frozen=True)
class Progress:
    """A member's standing after a log or an undo, for milestone roles."""

    user_id: int
    guild_id: int | None
    streaks: Streaks


@dataclass(frozen=True)
class StreakReport:
    """What ``/streak`` shows: both streaks, the freezes and the last weeks as a calendar."""

    streaks: Streaks
    calendar: list[list[tuple[date, Day]]]
    zone: ZoneInfo
    has_plan: bool


ProgressListener = Callable[[Progress], Awaitable[None]]


@dataclass(frozen=True)
class _Inputs:
    days: dict[date, int]
    today: date
    planned: frozenset[int]
    targets: list[tuple[date, int]]
    zone: ZoneInfo
    plan_history: list[tuple[date, frozenset[int]]]


class StreakService:
    def __init__(self, repo: StreakRepo, members: MemberSettingsService, clock: Clock) -> None:
        self.repo = repo
        self.members = members
        self.clock = clock
        #: Called after a log or an undo with the member's streaks (milestone roles listen).
        self.on_progress: list[ProgressListener] = []

    # -- the log's listeners ---------------------------------------------------------------------

    async def on_workout_logged(self, session: LoggedSession) -> None:
        """Fix the local day the session counts on: the member's zone now, not later."""
        zone = (await self.members.get(session.user_id)).zone
        day = localtime.local_date(session.performed_at, zone)
        await self.repo.record_day(
            session.session_id, session.user_id, session.guild_id, day, session.records
        )
        await self._progress(session.user_id, session.guild_id)

    async def on_workout_removed(self, user_id: int, _session_id: int) -> None:
        # The session's day went with it (the foreign key cascades); only the summary is refreshed.
        await self._progress(user_id, None)

    async def _progress(self, user_id: int, guild_id: int | None) -> None:
        current = await self.compute(user_id)
        await self.repo.update_prefs(
            user_id, self.clock(), weekly_current=current.weekly_current, weekly_best=current.weekly_best
        )
        for listener in list(self.on_progress):
            try:
                await listener(Progress(user_id, guild_id, current))
            except Exception:
                log.exception("A streak-progress listener failed for member %s", user_id)

    # -- reading ---------------------------------------------------------------------------------

    async def _inputs(self, user_id: int) -> _Inputs:
        settings = await self.members.get(user_id)
        found = await self.repo.streak_inputs(user_id)
        days = found.days
        for instant in found.unrecorded:
            day = localtime.local_date(instant, settings.zone)
            days[day] = days.get(day, 0) + 1
        today = localtime.local_date(self.clock(), settings.zone)
        return _Inputs(days, today, found.planned, found.targets, settings.zone, found.plan_history)

    async def compute(self, user_id: int) -> Streaks:
        i = await self._inputs(user_id)
        return streaks.compute(
            i.days, i.today, planned_weekdays=i.planned, targets=i.targets, plan_history=i.plan_history
        )

    async def report(self, user_id: int) -> StreakReport:
        i = await self._inputs(user_id)
        result = streaks.compute(
            i.days, i.today, planned_weekdays=i.planned, targets=i.targets, plan_history=i.plan_history
        )
        grid = streaks.calendar(i.days, result, planned_weekdays=i.planned, plan_history=i.plan_history)
        return StreakReport(result, grid, i.zone, bool(i.planned))

    async def days(self, user_id: int) -> dict[date, int]:
        """Sessions per local day (as logged), for consistency challenges."""
        return (await self._inputs(user_id)).days

    async def on_plan_changed(self, user_id: int, before: frozenset[int], after: frozenset[int]) -> None:
        """Keep the plan as it was: from today on the new one applies, earlier days keep theirs."""
        if before == after:
            return
        zone = (await self.members.get(user_id)).zone
        await self.repo.record_plan(
            user_id, before, after, localtime.local_date(self.clock(), zone), self.clock()
        )

    # -- settings --------------------------------------------------------------------------------

    async def weekly_target(self, user_id: int) -> int:
        i = await self._inputs(user_id)
        return streaks.target_for(streaks.week_start(i.today), i.targets)

    async def set_weekly_target(self, user_id: int, sessions: int) -> Streaks:
        """From this local week on; earlier weeks keep the target they had."""
        if not (streaks.TARGET_MIN <= sessions <= streaks.TARGET_MAX):
            raise UserFacingError(
                f"The weekly target is {streaks.TARGET_MIN} to {streaks.TARGET_MAX} sessions a week; "
                f"`{sessions}` is outside that, so nothing was changed.",
                example=EXAMPLE_TARGET,
            )
        settings = await self.members.get(user_id)
        week = streaks.week_start(localtime.local_date(self.clock(), settings.zone))
        await self.repo.set_target(user_id, week, sessions, self.clock())
        current = await self.compute(user_id)
        await self.repo.update_prefs(
            user_id, self.clock(), weekly_current=current.weekly_current, weekly_best=current.weekly_best
        )
        return current

    async def prefs(self, user_id: int) -> StreakPrefs:
        return await self.repo.prefs(user_id)

    async def set_recap_mentions(self, user_id: int, enabled: bool) -> StreakPrefs:
        return await self.repo.update_prefs(user_id, self.clock(), recap_mentions=enabled)


__all__ = ["Progress", "StreakReport", "StreakService"]
