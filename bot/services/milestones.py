"""Milestone roles: a role granted once when a member reaches a number of sessions or weeks.

``/setup milestone-role`` sets one per kind and number (setting it again replaces the role
and clears a recorded problem). After every log, the member's standing in that server is
checked; a milestone reached for the first time is recorded in ``milestone_grants`` and
becomes a delivery (kind :data:`KIND`), so the grant is paced, restart-safe and happens
once. A member whose role an admin removes has still reached the milestone, so the role is
never added back. When Discord refuses (the role was deleted, the bot lost Manage Roles
or sits below the role) the reason is recorded on the milestone, shown in ``/setup
milestones``, and no further grants are tried until an admin sets the milestone again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.streaks import Milestone, StreakRepo
from bot.errors import UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.settings import Clock
from bot.services.streaks import Progress

log = logging.getLogger(__name__)

KIND = "milestone-role"
KINDS = ("sessions", "weekly-streak")
LIMITS = {"sessions": 10_000, "weekly-streak": 520}
EXAMPLE = "`/setup milestone-role kind:sessions at:50 role:@50 Club`"
#: Grant outcomes recorded per member.
GRANTED, FAILED, SKIPPED, GONE = "granted", "failed", "skipped", "left"


@dataclass(frozen=True)
class Grant:
    """What the delivery of one grant needs: the milestone, and where to congratulate."""

    milestone: Milestone
    user_id: int
    channel_id: int | None


def describe(kind: str, threshold: int) -> str:
    if kind == "sessions":
        return f"{threshold} session" + ("" if threshold == 1 else "s")
    return f"a {threshold}-week streak"


class MilestoneService:
    def __init__(self, repo: StreakRepo, deliveries: DeliveryScheduler, clock: Clock) -> None:
        self.repo = repo
        self.deliveries = deliveries
        self.clock = clock

    async def list(self, guild_id: int) -> list[Milestone]:
        return await self.repo.milestones(guild_id)

    @staticmethod
    def check(kind: str, threshold: int) -> None:
        """Refuse a kind or number that can't be a milestone (before any Discord checks)."""
        if kind not in KINDS:
            raise UserFacingError(
                f"`{kind[:20]}` isn't a milestone kind; use `sessions` or `weekly-streak`.", example=EXAMPLE
            )
        top = LIMITS[kind]
        if not 1 <= threshold <= top:
            raise UserFacingError(
                f"A {kind} milestone is a number from 1 to {top}; `{threshold}` is outside that, "
                "so nothing was saved.",
                example=EXAMPLE,
            )

    async def set(self, guild_id: int, kind: str, threshold: int, role_id: int) -> Milestone:
        self.check(kind, threshold)
        return await self.repo.set_milestone(guild_id, kind, threshold, role_id, self.clock())

    async def on_progress(self, progress: Progress) -> None:
        """After a log: record and schedule every milestone the member reached for the first time."""
        if progress.guild_id is None:
            return
        milestones = await self.repo.milestones(progress.guild_id)
        if not milestones:
            return
        sessions: int | None = None
        now = self.clock()
        for milestone in milestones:
            if milestone.kind == "sessions":
                if sessions is None:
                    sessions = await self.repo.session_count(progress.user_id, progress.guild_id)
                value = sessions
            else:
                value = progress.streaks.weekly_current
            if value < milestone.threshold:
                continue
            if not await self.repo.claim_grant(milestone.id, progress.user_id, progress.guild_id, now):
                continue  # reached before: granted once, never again (even if an admin removed it)
            # (A grant skipped while the milestone had a problem is claimed again once it is fixed.)
            if milestone.problem is not None:
                await self.repo.set_grant_outcome(milestone.id, progress.user_id, SKIPPED)
                continue
            recap = await self.repo.recap(progress.guild_id)
            await self.deliveries.schedule(
                KIND,
                now,
                user_id=progress.user_id,
                channel_id=recap.channel_id,
                guild_id=progress.guild_id,
                payload={"milestone_id": milestone.id},
                dedupe_key=f"milestone:{milestone.id}:{progress.user_id}",
            )

    async def grant_for(self, milestone_id: int, user_id: int, channel_id: int | None) -> Grant | None:
        """The grant to carry out; None when the milestone was removed or has a problem since."""
        milestone = await self.repo.get_milestone(milestone_id)
        if milestone is None or milestone.problem is not None:
            if milestone is not None:
                await self.repo.set_grant_outcome(milestone.id, user_id, SKIPPED)
            return None
        return Grant(milestone, user_id, channel_id)

    async def granted(self, grant: Grant) -> None:
        await self.repo.set_grant_outcome(grant.milestone.id, grant.user_id, GRANTED)

    async def member_gone(self, grant: Grant) -> None:
        await self.repo.set_grant_outcome(grant.milestone.id, grant.user_id, GONE)

    async def refused(self, grant: Grant, problem: str, at: datetime | None = None) -> None:
        """Discord refused the grant: recorded on the milestone and shown, never retried."""
        await self.repo.set_grant_outcome(grant.milestone.id, grant.user_id, FAILED)
        await self.repo.record_problem(grant.milestone.id, problem, at or self.clock())
        log.warning("Milestone %s could not be granted: %s", grant.milestone.id, problem)


__all__ = ["KIND", "KINDS", "Grant", "Milestone", "MilestoneService", "describe"]
