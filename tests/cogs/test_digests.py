"""The weekly DM digest through SimCord: opt in, arrives after quiet hours, once a week, skips empty weeks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cogs.world import build_world, text_of

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-02T12:00:00+00:00")]

SIX_HOURS = 6 * 3600


async def advance_to(env: Any, moment: datetime) -> None:
    while (remaining := (moment - env.bot.clock.now()).total_seconds()) > 0:
        await env.advance_time(min(SIX_HOURS, remaining))


def digests(member: Any) -> list[Any]:
    channel = member.user.dm_channel
    if channel is None:
        return []
    return [m for m in channel.history() if m.embeds and (m.embeds[0].title or "").startswith("Your week")]


async def test_the_digest_waits_out_quiet_hours_comes_once_a_week_and_skips_an_empty_week(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="Europe/Berlin")
    await w.alice.slash(w.general, "settings quiet-hours", start="07:00", end="11:00")
    on = await w.alice.slash(w.general, "settings digest", enabled=True)
    assert "The weekly digest is **on**" in text_of(on.response)
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "soreness rate", level=4, area="quads")

    # Monday 9 March, 09:00 in Berlin is inside quiet hours: it comes at 11:00 (10:00 UTC).
    await advance_to(env, datetime(2026, 3, 9, 9, 55, tzinfo=UTC))
    assert digests(w.alice) == []
    await advance_to(env, datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    [digest] = digests(w.alice)
    assert digest.created_at == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    text = text_of(digest)
    assert "Your week · 2 Mar – 8 Mar" in text
    assert "**1 session**" in text and "**1500 kg** volume" in text
    assert "Average 4.0/10 — first ratings" in text
    assert "Weekly: **0 weeks** in a row" in text

    # Nothing logged from 9 to 15 March: no digest on the 16th.
    await advance_to(env, datetime(2026, 3, 16, 12, 0, tzinfo=UTC))
    assert len(digests(w.alice)) == 1
    # Turned off, nothing more comes even after a busy week.
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    off = await w.alice.slash(w.general, "settings digest", enabled=False)
    assert "**off**" in text_of(off.response)
    await advance_to(env, datetime(2026, 3, 23, 12, 0, tzinfo=UTC))
    assert len(digests(w.alice)) == 1
    await env.bot.close()
