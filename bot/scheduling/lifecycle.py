"""What a delivery kind means to the business, apart from how it is shown.

A kind's lifecycle belongs to the service that schedules it: when a delivery is too old
to be worth sending (``is_stale``) and what follows once it is settled (``settled``: the
next daily reminder, remembering the post a challenge announcement became). The wiring
registers every kind's lifecycle from the services, so these rules hold whichever
adapters are loaded; an adapter only adds how the delivery looks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.deliveries import SENT, Delivery


@dataclass(frozen=True)
class Settled:
    """How one delivery ended: its final status and, when it was sent, the message it became."""

    delivery: Delivery
    status: str
    message_id: int | None = None

    @property
    def sent(self) -> bool:
        return self.status == SENT


IsStale = Callable[[Delivery, datetime], bool]
OnSettled = Callable[[Settled], Awaitable[None]]


def never_stale(_delivery: Delivery, _now: datetime) -> bool:
    return False


@dataclass(frozen=True)
class Lifecycle:
    """When a kind goes stale and what follows it; both optional.

    ``direct_message``: a delivery of this kind without a channel is a DM to its member, so it
    waits while their DMs are closed. A kind that only acts for the member (a role grant)
    says False and goes ahead.
    """

    is_stale: IsStale = never_stale
    settled: OnSettled | None = None
    direct_message: bool = True
