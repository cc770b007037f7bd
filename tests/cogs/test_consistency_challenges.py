"""Consistency challenges (scoring:sessions-per-week) through SimCord, on each member's local weeks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-02T12:00:00+00:00")]

SIX_HOURS = 6 * 3600


async def advance_to(env: Any, moment: datetime) -> None:
    while (remaining := (moment - env.bot.clock.now()).total_seconds()) > 0:
        await env.advance_time(min(SIX_HOURS, remaining))


async def create(w: World, **options: Any) -> Any:
    values = {
        "name": "March Consistency",
        "program": "tabata",
        "start": "now",
        "end": "2026-03-23 12:00",
        "scoring": "sessions_week",
    }
    values.update(options)
    return await w.admin.slash(w.general, "challenge create", **values)


async def log_at(env: Any, w: World, member: Any, moment: datetime) -> None:
    await advance_to(env, moment)
    result = await member.slash(w.general, "log workout", exercises="Plank 3x45s")
    assert "Workout logged" in text_of(result.response)


async def test_weeks_meeting_the_target_are_counted_on_the_members_local_weeks(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    missing = await create(w)
    assert "needs a weekly target from 1 to 14" in user_error(env, missing)
    created = await create(w, **{"weekly-target": 2})
    assert "March Consistency" in text_of(created.response)
    announcement = next(m for m in w.challenges.history() if "March Consistency" in text_of(m))
    assert "weeks with 2 sessions logged with /log workout" in text_of(announcement)

    await w.alice.slash(w.general, "settings timezone", zone="America/Los_Angeles")
    await w.alice.slash(w.general, "challenge join", name="March Consistency")
    await w.bob.slash(w.general, "challenge join", name="March Consistency")
    # Monday 2 and Sunday 8 March at 23:30 in Los Angeles: one local week, though in UTC the
    # second is already Monday 9 March (a UTC-week count would meet neither week).
    await log_at(env, w, w.alice, datetime(2026, 3, 3, 7, 30, tzinfo=UTC))
    await log_at(env, w, w.alice, datetime(2026, 3, 9, 6, 30, tzinfo=UTC))
    # Nothing in the week of 9 March, two sessions in the week of 16 March.
    await log_at(env, w, w.alice, datetime(2026, 3, 16, 18, 0, tzinfo=UTC))
    await log_at(env, w, w.alice, datetime(2026, 3, 17, 18, 0, tzinfo=UTC))

    board = await w.alice.slash(w.general, "challenge leaderboard", name="March Consistency")
    text = text_of(board.response)
    assert f"`#1` <@{w.alice.id}> — **2 weeks** ← you" in text
    assert f"`#2` <@{w.bob.id}> — **0 weeks**" in text
    assert "`#1` of 2 — **2 weeks**\n" in text + "\n" and "results logged" not in text
    refused = await w.alice.slash(w.general, "challenge log", name="March Consistency", result="1")
    assert "counts itself" in user_error(env, refused)
    # An undo takes the week back.
    await w.alice.slash(w.general, "log undo")
    board = await w.alice.slash(w.general, "challenge leaderboard", name="March Consistency")
    assert f"<@{w.alice.id}> — **1 week** ← you" in text_of(board.response)
    await env.bot.close()


async def test_a_weekly_target_with_another_scoring_is_refused(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    refused = await create(w, scoring="reps", **{"weekly-target": 3})
    assert "only goes with `scoring:sessions-per-week`" in user_error(env, refused)
    high = await create(w, **{"weekly-target": 20})
    assert "from 1 to 14" in user_error(env, high)
    await env.bot.close()
