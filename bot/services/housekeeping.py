"""Housekeeping: settled deliveries are deleted once nothing needs them any more.

A sent or missed delivery is kept for the retention window (``DELIVERY_RETENTION_DAYS``,
30 days by default): long enough that its dedupe key still stops the same message
being scheduled twice, and for an operator to see what was sent and why something was
missed. After that it is only storage — most of a busy bot's database. Challenge
announcements are kept for good: there are two per challenge, and the start-up check
that every unfinished challenge is announced relies on their dedupe keys.

What a member exports (``/privacy export``) is whatever is still stored; the purge
does not change how export works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.db.repositories.deliveries import MISSED, SENT, DeliveryRepo

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

DEFAULT_DELIVERY_RETENTION_DAYS = 30


class DeliveryHousekeeping:
    def __init__(
        self,
        repo: DeliveryRepo,
        clock: Clock,
        *,
        retention_days: int = DEFAULT_DELIVERY_RETENTION_DAYS,
        keep_kinds: Iterable[str] = (),
    ) -> None:
        if retention_days < 1:
            raise ValueError(f"retention_days must be 1 or more, got {retention_days}")
        self.repo = repo
        self.clock = clock
        self.retention = timedelta(days=retention_days)
        self.keep_kinds = tuple(keep_kinds)

    async def purge(self) -> int:
        """Delete sent and missed deliveries settled before the window; how many went."""
        removed = await self.repo.purge_settled(
            self.clock() - self.retention, statuses=(SENT, MISSED), keep_kinds=self.keep_kinds
        )
        log.info("Delivery purge removed %s settled deliveries", removed)
        return removed

    @staticmethod
    def next_run(now: datetime) -> datetime:
        """Daily at 04:00 UTC, after the privacy purge and out of most communities' evenings."""
        target = now.replace(hour=4, minute=0, second=0, microsecond=0)
        return target if target > now else target + timedelta(days=1)
