"""/readiness and the readiness lines in other replies, driven through SimCord as a member would."""

from __future__ import annotations

import pytest

from tests.cogs.world import World, build_world, create_routine, text_of

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-05-04T10:00:00+00:00")]

HOUR = 3600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEG_DAY = "Back Squat 5x5 @ 100kg | Leg Press 3x10 @ 150kg | Romanian Deadlift 3x8 @ 80kg"


async def advance(env, hours: float) -> None:  # type: ignore[no-untyped-def]
    remaining = hours * HOUR
    while remaining > 0:
        step = min(remaining, 6 * HOUR)
        await env.advance_time(step)
        remaining -= step


async def readiness(env, w: World) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    result = await w.alice.slash(w.general, "readiness")
    assert result.ephemeral, "a member's own training data is shown only to them"
    callbacks = [r.json for r in env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5, "deferred before reading the log and drawing"
    attachment = result.response.attachments[0]
    assert attachment.filename == "readiness.png"
    assert result.response.embeds[0].image.url == "attachment://readiness.png"
    return text_of(result.response), await attachment.read()


async def test_readiness_after_a_leg_day_names_the_legs_and_suggests_upper_body(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "log workout", exercises=LEG_DAY, rpe=8)
    await advance(env, 20)
    text, png = await readiness(env, w)
    assert png.startswith(PNG_SIGNATURE)
    least = next(line for line in text.splitlines() if line.startswith("**Least ready:**"))
    assert "Glutes" in least and "Quads" in least and "Hamstrings" in least
    train = next(line for line in text.splitlines() if line.startswith("**Today, train:**"))
    assert "Bench Press (chest)" in train
    assert "Squat" not in train and "Deadlift" not in train
    assert "not a medical measure" in text
    await env.bot.close()


async def test_readiness_after_a_week_off_is_full_and_suggests_the_big_lifts(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "log workout", exercises=LEG_DAY)
    await advance(env, 24 * 7 + 1)
    text, _ = await readiness(env, w)
    assert "Every muscle group is fully ready" in text
    assert "Least ready" not in text
    assert "**Today, train:** Back Squat (quads) · Bench Press (chest) · Barbell Row (back)" in text
    assert "Last workout" in text
    await env.bot.close()


async def test_no_logs_custom_only_and_timed_only_members_get_an_answer(simcord_env):
    env = simcord_env
    w = build_world(env)
    text, _ = await readiness(env, w)
    assert "Nothing logged in the last 14 days" in text and "/log workout" in text
    assert "Today, train:" in text

    await w.alice.slash(w.general, "log workout", exercises="Zottman Wiggle 3x10 @ 10kg")
    text, _ = await readiness(env, w)
    assert "Not counted" in text and "Zottman Wiggle" in text and "/exercise search" in text
    assert "Every muscle group is fully ready" in text

    await w.alice.slash(w.general, "log workout", exercises="Plank 4x60s")
    text, _ = await readiness(env, w)
    assert "**Least ready:** Core" in text
    await env.bot.close()


async def test_log_it_warns_in_one_line_when_a_tired_group_is_loaded_again(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    await create_routine(w.alice, w.general, "Leg Day", LEG_DAY.replace(" | ", "\n"))
    await w.alice.slash(w.general, "routine share", name="Leg Day")
    post = w.routines.last_message

    first = await w.bob.click(post, label="Log it")
    assert "Workout logged: Leg Day" in text_of(first.response)
    assert "⚠️" not in text_of(first.response), "fresh legs: no warning"

    await env.advance_time(HOUR)
    second = await w.bob.click(post, label="Log it")
    text = text_of(second.response)
    assert "Workout logged: Leg Day" in text, "the warning never blocks the log"
    warnings = [line for line in text.splitlines() if line.startswith("⚠️")]
    assert len(warnings) == 1
    assert "Glutes" in warnings[0] and "Quads" in warnings[0] and "below 40% ready" in warnings[0]
    history = await env.bot.services.workouts.history(w.bob.id, 7)
    assert history.session_count == 2

    # Upper body the same hour is no strain on the legs: no warning.
    upper = await w.bob.slash(w.general, "log workout", exercises="Bench Press 3x8 @ 60kg")
    assert "⚠️" not in text_of(upper.response)
    # /log workout warns the same way.
    again = await w.bob.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    assert "still recovering" in text_of(again.response)
    await env.bot.close()


def checkins(member):  # type: ignore[no-untyped-def]
    return [m for m in member.user.dm_channel.history() if m.embeds and "sore" in (m.embeds[0].title or "")]


async def test_a_checkin_rating_shows_the_trained_muscles_readiness_and_a_rise_gets_the_nudge(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "log workout", exercises=LEG_DAY)
    await advance(env, 25)
    first = checkins(w.alice)[0]
    await w.alice.user.click(first, label="3")
    shown = text_of(next(m for m in w.alice.user.dm_channel.history() if m.id == first.id))
    assert "Readiness there now:" in shown
    line = next(x for x in shown.splitlines() if x.startswith("Readiness there now:"))
    assert "Quads" in line and "Glutes" in line and "Chest" not in line

    await advance(env, 24)
    second = checkins(w.alice)[-1]
    await w.alice.user.click(second, label="8")
    shown = text_of(next(m for m in w.alice.user.dm_channel.history() if m.id == second.id))
    assert "went up from 3/10 to 8/10" in shown and "Should I stop?" in shown
    line = next(x for x in shown.splitlines() if x.startswith("Readiness there now:"))
    # An 8 caps those muscles well below what the log alone says two days on.
    assert "Quads 2" in line or "Quads 1" in line
    text, _ = await readiness(env, w)
    assert "From your soreness ratings" in text
    await env.bot.close()


async def test_soreness_rate_with_an_area_shows_that_areas_readiness(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "soreness rate", level=6, area="hamstrings")
    text = text_of(result.response)
    assert "Readiness there now: Hamstrings" in text
    unknown = await w.alice.slash(w.general, "soreness rate", level=2, area="left knee")
    assert "Readiness there now" not in text_of(unknown.response)
    await env.bot.close()


async def test_a_failing_readiness_check_never_hides_a_saved_workout(simcord_env, caplog):
    env = simcord_env
    w = build_world(env)

    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("readiness is down")

    env.bot.services.readiness.strained_by_session = broken  # type: ignore[method-assign]
    result = await w.alice.slash(w.general, "log workout", exercises=LEG_DAY)
    assert "Workout logged" in text_of(result.response) and "⚠️" not in text_of(result.response)
    assert "Readiness warning failed" in caplog.text
    await env.bot.close()
