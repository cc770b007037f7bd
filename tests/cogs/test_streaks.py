"""/streak and /settings weekly-target through SimCord, on virtual time, as members use them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cogs.world import World, build_world, create_routine, text_of, user_error

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-02T12:00:00+00:00")]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HALF_HOUR = 1800


async def advance_to(env: Any, moment: datetime) -> None:
    """Move virtual time to ``moment`` in half-hour steps (deliveries come due on the way)."""
    while (remaining := (moment - env.bot.clock.now()).total_seconds()) > 0:
        await env.advance_time(min(HALF_HOUR, remaining))


async def log_plank(w: World, member: Any) -> None:
    result = await member.slash(w.general, "log workout", exercises="Plank 3x45s")
    assert "Workout logged" in text_of(result.response)


async def test_members_in_los_angeles_and_kolkata_logging_at_2330_keep_their_streaks(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="America/Los_Angeles")
    await w.bob.slash(w.general, "settings timezone", zone="Asia/Kolkata")
    # Monday to Wednesday, 23:30 local: 18:00 UTC the same day in Kolkata, 07:30 UTC the next day
    # in Los Angeles — a UTC-day streak would count both on the wrong days.
    for day in (2, 3, 4):
        await advance_to(env, datetime(2026, 3, day, 18, 0, tzinfo=UTC))
        await log_plank(w, w.bob)
        await advance_to(env, datetime(2026, 3, day + 1, 7, 30, tzinfo=UTC))
        await log_plank(w, w.alice)
    # Thursday 00:10 in Los Angeles (08:10 UTC): Alice's week so far holds three days.
    await advance_to(env, datetime(2026, 3, 5, 8, 10, tzinfo=UTC))
    for member in (w.alice, w.bob):
        shown = await member.slash(w.general, "streak")
        assert shown.ephemeral
        text = text_of(shown.response)
        assert "This week: 3 of 3 sessions — met" in text
        assert "**1** week in a row" in text
        attachment = shown.response.attachments[0]
        assert attachment.filename == "streak-calendar.png"
        assert (await attachment.read()).startswith(PNG_SIGNATURE)
    # Alice moves to Kolkata: her Monday–Wednesday stay Monday–Wednesday.
    await w.alice.slash(w.general, "settings timezone", zone="Asia/Kolkata")
    days = await env.bot.services.streaks.days(w.alice.id)
    assert sorted(d.isoformat() for d in days) == ["2026-03-02", "2026-03-03", "2026-03-04"]
    await env.bot.close()


async def test_a_planned_rest_day_does_not_break_the_training_day_streak(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create_routine(w.alice, w.general, "Leg Day", "Back Squat 3x5 @ 100kg")
    for day in ("mon", "wed"):
        await w.alice.slash(w.general, "plan set", day=day, routine="Leg Day")
    await log_plank(w, w.alice)  # Monday
    await advance_to(env, datetime(2026, 3, 4, 12, 0, tzinfo=UTC))  # Tuesday was a rest day
    await log_plank(w, w.alice)  # Wednesday
    await advance_to(env, datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**2** training days" in text
    # Friday is not planned either; Monday is, and passes without a workout: the streak breaks.
    await advance_to(env, datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**0** training days (best 2)" in text
    await env.bot.close()


async def test_without_a_plan_only_the_weekly_streak_applies(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log_plank(w, w.alice)
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "Plan your week with `/plan set`" in text and "This week: 1 of 3 sessions" in text
    await env.bot.close()


async def test_a_freeze_is_earned_after_four_weeks_and_used_on_a_missed_week(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings weekly-target", sessions=1)
    for week in range(4):  # Mondays 2, 9, 16, 23 March
        await advance_to(env, datetime(2026, 3, 2 + 7 * week, 12, 30, tzinfo=UTC))
        await log_plank(w, w.alice)
    await advance_to(env, datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**4** weeks in a row" in text and "Holding **1** of 2" in text
    # The week of 30 March passes with nothing; the freeze keeps the streak.
    await advance_to(env, datetime(2026, 4, 6, 12, 0, tzinfo=UTC))
    await log_plank(w, w.alice)
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**5** weeks in a row" in text and "Holding **0** of 2" in text
    assert "Used automatically: week of 30 Mar" in text
    await env.bot.close()


async def test_a_weekly_target_of_0_or_20_is_refused_with_an_example(simcord_env):
    env = simcord_env
    w = build_world(env)
    for bad in (0, 20):
        refused = await w.alice.slash(w.general, "settings weekly-target", sessions=bad)
        text = user_error(env, refused)
        assert "1 to 14 sessions a week" in text and "/settings weekly-target sessions:3" in text
    set_ = await w.alice.slash(w.general, "settings weekly-target", sessions=4)
    assert "**4 sessions**" in text_of(set_.response)
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "0 of 4 sessions" in text
    await env.bot.close()


async def test_undo_takes_the_workout_out_of_the_streak(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log_plank(w, w.alice)
    await w.alice.slash(w.general, "log undo")
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "This week: 0 of 3 sessions" in text
    await env.bot.close()


async def test_sharing_a_streak_posts_it_for_everyone(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log_plank(w, w.alice)
    shown = await w.alice.slash(w.general, "streak", share=True)
    assert not shown.ephemeral
    assert "alice's streaks" in text_of(shown.response)
    await env.bot.close()


async def test_streak_recap_digest_and_milestone_commands_answer_before_any_work(simcord_env):
    from tests.response_ledger import install, slow_work

    env = simcord_env
    w = build_world(env)
    role = w.guild.create_role("Regulars")
    book, stop = install(env)
    try:
        await w.alice.slash(w.general, "streak")
        await w.alice.slash(w.general, "settings weekly-target", sessions=4)
        await w.alice.slash(w.general, "settings recap-mentions", enabled=False)
        await w.alice.slash(w.general, "settings digest", enabled=True)
        await w.admin.slash(w.general, "setup timezone", zone="Europe/London")
        await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
        await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=10, role=role)
        await w.admin.slash(w.general, "setup milestones")
        assert any(True for _ in book.before_first_response()), "the ledger saw no interaction"
        slow = slow_work(book)
        assert slow == [], "work before the first response:\n" + "\n".join(map(str, slow))
    finally:
        stop()
    await env.bot.close()


async def test_changing_the_plan_never_rewrites_the_days_before_the_change(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create_routine(w.alice, w.general, "Leg Day", "Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "plan set", day="mon", routine="Leg Day")
    await log_plank(w, w.alice)  # Monday 2 March; Tuesday 3 March is a rest day
    await advance_to(env, datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    await w.alice.slash(w.general, "plan set", day="tue", routine="Leg Day")  # from now on
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**1** training day (best 1)" in text, "last Tuesday was a rest day when it passed"
    await advance_to(env, datetime(2026, 3, 11, 12, 0, tzinfo=UTC))  # Tuesday 10 March missed
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "**0** training days (best 1)" in text
    await env.bot.close()
