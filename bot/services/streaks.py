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

    async def _inputs(
        self, user_id: int
    ) -> tuple[dict[date, int], date, frozenset[int], list[tuple[date, int]], ZoneInfo]:
        settings = await self.members.get(user_id)
        days, unrecorded, targets, planned = await self.repo.streak_inputs(user_id)
        for instant in unrecorded:
            day = localtime.local_date(instant, settings.zone)
            days[day] = days.get(day, 0) + 1
        today = localtime.local_date(self.clock(), settings.zone)
        return days, today, planned, targets, settings.zone

    async def compute(self, user_id: int) -> Streaks:
        days, today, planned, targets, _zone = await self._inputs(user_id)
        return streaks.compute(days, today, planned_weekdays=planned, targets=targets)

    async def report(self, user_id: int) -> StreakReport:
        days, today, planned, targets, zone = await self._inputs(user_id)
        result = streaks.compute(days, today, planned_weekdays=planned, targets=targets)
        grid = streaks.calendar(days, result, planned_weekdays=planned)
        return StreakReport(result, grid, zone, bool(planned))

    async def days(self, user_id: int) -> dict[date, int]:
        """Sessions per local day (as logged), for consistency challenges."""
        days, _today, _planned, _targets, _zone = await self._inputs(user_id)
        return days

    # -- settings --------------------------------------------------------------------------------

    async def weekly_target(self, user_id: int) -> int:
        _days, today, _planned, targets, _zone = await self._inputs(user_id)
        return streaks.target_for(streaks.week_start(today), targets)

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
