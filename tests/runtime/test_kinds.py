"""A delivery kind's lifecycle is the service's, its look the adapter's: through SimCord."""

from __future__ import annotations

import pytest

from bot.runtime.dispatcher import RENDERER_WAIT
from tests.cogs.world import build_world

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-05T12:00:00+00:00")]

HOUR = 3600


def reminders(member):  # type: ignore[no-untyped-def]
    return [
        m for m in member.user.dm_channel.history() if m.embeds and "eminder" in (m.embeds[0].title or "")
    ]


async def advance(env, hours: float) -> None:  # type: ignore[no-untyped-def]
    remaining = hours * HOUR
    while remaining > 0:
        step = min(remaining, 1 * HOUR)
        await env.advance_time(step)
        remaining -= step


async def test_the_reminder_chain_carries_on_while_its_adapter_is_away(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await env.bot.unload_extension("cogs.reminders")
    await advance(env, 4)  # 16:00: today's 13:00 had nothing to show it, and is now stale
    assert reminders(w.alice) == []
    counts = await env.bot.services.deliveries.repo.count_by_status(kind="reminder")
    assert counts == {"missed": 1, "pending": 1}, "missed, and tomorrow's is already scheduled"

    await env.bot.load_extension("cogs.reminders")
    await advance(env, 24)
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == ["06 13:00"]
    await env.bot.close()


async def test_a_delivery_due_while_its_adapter_reloads_goes_out_when_it_is_back(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await env.bot.unload_extension("cogs.reminders")
    await advance(env, 1.25)  # 13:15: due, but nothing can show it yet
    assert reminders(w.alice) == []
    back = env.bot.clock.now()
    await env.bot.load_extension("cogs.reminders")
    await advance(env, 0.5)
    [sent] = reminders(w.alice)
    assert back <= sent.created_at <= back + RENDERER_WAIT
    await advance(env, 24)
    assert len(reminders(w.alice)) == 2, "and the chain carries on"
    await env.bot.close()
