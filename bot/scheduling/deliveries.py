"""The scheduling API features use: schedule, cancel, snooze and query deliveries.

No discord import: services call this with plain values. When something is
scheduled sooner than the dispatcher's current wake-up, the dispatcher is woken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from bot.db.repositories.deliveries import OPEN, Delivery, DeliveryRepo, NewDelivery

Clock = Callable[[], datetime]


class DeliveryScheduler:
    def __init__(self, repo: DeliveryRepo, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock
        self._wake: Callable[[datetime], None] | None = None

    def on_schedule(self, wake: Callable[[datetime], None]) -> None:
        """The dispatcher registers here to hear about new due times."""
        self._wake = wake

    def _woke(self, due_at: datetime) -> None:
        if self._wake is not None:
            self._wake(due_at)

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        guild_id: int | None = None,
        payload: dict[str, Any] | None = None,
        dedupe_key: str | None = None,
    ) -> Delivery:
        """Schedule one delivery; the same ``dedupe_key`` twice is a no-op returning the first."""
        if due_at.tzinfo is None:
            raise ValueError("due_at must be an aware UTC instant")
        delivery = await self.repo.add(
            NewDelivery(
                kind=kind,
                due_at=due_at,
                user_id=user_id,
                channel_id=channel_id,
                guild_id=guild_id,
                payload=payload or {},
                dedupe_key=dedupe_key,
            ),
            self.clock(),
        )
        if delivery.status == "pending":
            self._woke(delivery.available_at)
        return delivery

    async def schedule_many(self, items: list[NewDelivery]) -> None:
        await self.repo.add_many(items, self.clock())
        if items:
            self._woke(min(i.due_at for i in items))

    async def cancel(self, ids: Iterable[int]) -> int:
        return await self.repo.cancel(ids, self.clock())

    async def cancel_key(self, dedupe_key: str) -> bool:
        delivery = await self.repo.get_by_key(dedupe_key)
        return delivery is not None and await self.repo.cancel([delivery.id], self.clock()) > 0

    async def snooze(self, delivery_id: int, until: datetime) -> bool:
        moved = await self.repo.reschedule(delivery_id, until, self.clock())
        if moved:
            self._woke(until)
        return moved

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self.repo.get(delivery_id)

    async def get_by_key(self, dedupe_key: str) -> Delivery | None:
        return await self.repo.get_by_key(dedupe_key)

    async def for_user(
        self, user_id: int, *, kinds: Iterable[str] | None = None, statuses: Iterable[str] = OPEN
    ) -> list[Delivery]:
        return await self.repo.for_user(user_id, kinds=kinds, statuses=statuses)

    async def resume_user(self, user_id: int) -> int:
        resumed = await self.repo.resume_user(user_id, self.clock())
        if resumed:
            self._woke(self.clock())
        return resumed
