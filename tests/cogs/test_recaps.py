"""The weekly recap through SimCord: set up by an admin, posted once a week, also across a restart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-02T12:00:00+00:00")]

SIX_HOURS = 6 * 3600


async def advance_to(env: Any, moment: datetime, step: float = SIX_HOURS) -> None:
    while (remaining := (moment - env.bot.clock.now()).total_seconds()) > 0:
        await env.advance_time(min(step, remaining))


def recaps(w: World) -> list[Any]:
    return [
        m for m in w.general.history() if m.embeds and (m.embeds[0].title or "").startswith("Weekly recap")
    ]


async def log(w: World, member: Any, exercises: str = "Back Squat 3x5 @ 100kg") -> None:
    result = await member.slash(w.general, "log workout", exercises=exercises)
    assert "Workout logged" in text_of(result.response)


async def test_bad_recap_settings_are_refused_and_nothing_is_saved(simcord_env):
    env = simcord_env
    w = build_world(env)
    no_zone = await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
    assert "/setup timezone" in user_error(env, no_zone)
    await w.admin.slash(w.general, "setup timezone", zone="Europe/London")
    for bad in ("7pm", "25:00", "9"):
        refused = await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time=bad)
        text = user_error(env, refused)
        assert "HH:MM" in text or "hours go from 00 to 23" in text
        assert "/setup recap channel:#general day:mon time:09:00" in text
    assert not (await env.bot.services.recaps.config(w.guild.id)).scheduled
    await env.bot.close()


async def test_the_recap_is_posted_once_a_week_across_a_restart_and_skips_an_empty_week(
    simcord_env, make_bot
):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup timezone", zone="Europe/London")
    shown = await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
    assert "every **Monday** at **09:00**" in text_of(shown.response)
    await w.bob.slash(w.general, "settings recap-mentions", enabled=False)
    await w.alice.slash(w.general, "settings weekly-target", sessions=2)
    await log(w, w.alice)
    await log(w, w.alice, "Back Squat 3x5 @ 110kg")  # a personal record
    await log(w, w.bob)

    await advance_to(env, datetime(2026, 3, 9, 8, 30, tzinfo=UTC))
    assert recaps(w) == []
    await env.restart_bot(make_bot())
    await advance_to(env, datetime(2026, 3, 9, 9, 30, tzinfo=UTC), step=600)
    posted = recaps(w)
    assert len(posted) == 1
    recap = posted[0]
    assert recap.created_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC), "posted at the moment it was due"
    text = text_of(recap)
    assert "Weekly recap · 2 Mar – 8 Mar" in text
    assert "**3 sessions** by **2 members**" in text and "**4650 kg** lifted" in text
    assert "Personal records" in text and "Most sessions" in text
    assert f"Longest weekly streaks\n<@{w.alice.id}> — 1 week" in text
    assert f"<@{w.alice.id}>" in text and f"<@{w.bob.id}>" not in text, "Bob opted out of being named"
    assert "late" not in text.split("\n")[1]
    sent = [
        r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{w.general.id}/messages"
    ]
    assert sent[-1].json.get("allowed_mentions", {}).get("parse") == [], "names shown without pinging"

    # A week with no sessions posts nothing; the next one with a session posts again, once.
    await advance_to(env, datetime(2026, 3, 16, 9, 30, tzinfo=UTC))
    assert len(recaps(w)) == 1
    await log(w, w.alice)
    await advance_to(env, datetime(2026, 3, 23, 9, 30, tzinfo=UTC))
    assert len(recaps(w)) == 2
    latest = max(recaps(w), key=lambda m: m.created_at)
    assert latest.created_at == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    assert "**1 session** by **1 member**" in text_of(latest)
    await env.bot.close()


async def test_a_recap_due_while_the_bot_was_down_is_posted_once_marked_late(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup timezone", zone="UTC")
    await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
    await log(w, w.alice)
    await advance_to(env, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    await env.bot.runtime.stop()  # the bot is down over the recap's time
    await advance_to(env, datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    assert recaps(w) == []
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    posted = recaps(w)
    assert len(posted) == 1
    assert "This recap is late" in text_of(posted[0])
    await advance_to(env, datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    assert len(recaps(w)) == 1
    await env.bot.close()


async def test_a_recap_more_than_two_days_late_is_skipped_and_the_next_week_still_comes(
    simcord_env, make_bot
):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup timezone", zone="UTC")
    await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
    await log(w, w.alice)
    await advance_to(env, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    await env.bot.runtime.stop()
    await advance_to(env, datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    assert recaps(w) == [], "stale: a recap two days late is not worth posting"
    await log(w, w.alice)
    await advance_to(env, datetime(2026, 3, 16, 10, 0, tzinfo=UTC))
    [posted] = recaps(w)
    assert posted.created_at == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    await env.bot.close()
