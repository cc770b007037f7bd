"""A test-only delivery kind: DMs ``payload['text']``; stale after ``payload['stale_after_s']``."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import RepmateBot
from bot.runtime.kinds import Delivery, Lifecycle, Outgoing, Settled

settled_log: list[tuple[int, str]] = []


async def render(delivery: Delivery, late: bool) -> Outgoing:
    return Outgoing(content=delivery.payload["text"] + (" (late)" if late else ""))


def is_stale(delivery: Delivery, now: datetime) -> bool:
    limit = delivery.payload.get("stale_after_s")
    return limit is not None and now - delivery.due_at > timedelta(seconds=limit)


async def settled(outcome: Settled) -> None:
    settled_log.append((outcome.delivery.id, outcome.status))


async def setup(bot: RepmateBot) -> None:
    bot.runtime.kinds.add_lifecycle("echo", Lifecycle(is_stale=is_stale, settled=settled))
    bot.runtime.renderers.add("echo", render)
