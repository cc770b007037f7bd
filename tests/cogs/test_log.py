"""/log through SimCord: logging (ad hoc, from a routine, from a post), records, history, undo."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.services.workouts import LoggedSession
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def create(w: World, member: Any, name: str, exercises: str) -> None:
    shown = await member.slash(w.general, "routine create")
    result = await member.submit_modal(shown, {"routine-name": name, "routine-exercises": exercises})
    assert "Saved" in text_of(result.response)


async def test_ad_hoc_workout_then_a_heavier_one_reports_records(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = await w.alice.slash(
        w.general, "log workout", exercises="Back Squat 3x5 @ 100kg | Plank 3x45s", rpe=7, notes="felt fine"
    )
    assert first.ephemeral
    callbacks = [r.json for r in env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5, "deferred before touching the database"
    text = text_of(first.response)
    assert "Workout logged" in text and "volume 1500 kg" in text and "RPE 7" in text
    assert "First time logged" in text and "Back Squat" in text and "felt fine" in text

    second = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 110kg")
    text = text_of(second.response)
    assert "Personal records" in text
    assert "estimated 1RM 128.5 kg (was 116.5 kg)" in text
    assert "heaviest yet, 5 reps at 110 kg" in text

    same = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    assert "None this time" in text_of(same.response)
    await env.bot.close()


async def test_weights_show_in_the_members_units(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings units", system="lb")
    result = await w.alice.slash(w.general, "log workout", exercises="Bench Press 5x5 @ 225lb")
    text = text_of(result.response)
    assert "5×5 @ 225 lb" in text and "volume 5625 lb" in text
    await env.bot.close()


async def test_log_needs_exactly_one_of_routine_or_exercises_and_bad_notation_logs_nothing(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.alice, "Leg Day", "Back Squat 3x5 @ 100kg")
    neither = await w.alice.slash(w.general, "log workout", rpe=5)
    assert "either a routine or exercises" in user_error(env, neither)
    both = await w.alice.slash(w.general, "log workout", routine="Leg Day", exercises="Plank 3x45s")
    assert "Example" in user_error(env, both)
    bad = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 | Bench Press heavy")
    text = user_error(env, bad)
    assert "Line 2" in text and "Bench Press heavy" in text and "nothing was logged" in text
    unknown = await w.alice.slash(w.general, "log workout", routine="Arm Day")
    assert "no routine called `Arm Day`" in user_error(env, unknown)
    assert (await env.bot.services.workouts.history(w.alice.id, 30)).session_count == 0
    await env.bot.close()


async def test_log_a_routine_by_name_with_autocomplete(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(
        w, w.alice, "Leg Day", "Back Squat 3x5 @ 100kg\nRomanian Deadlift 3x8-10 @ 60kg\nA1 Pull-up 3xAMRAP"
    )
    choices = await w.alice.autocomplete(w.general, "log workout", "routine", "leg")
    assert [c["value"] for c in choices] == ["Leg Day"]
    assert await w.bob.autocomplete(w.general, "log workout", "routine", "leg") == []
    result = await w.alice.slash(w.general, "log workout", routine="Leg Day")
    text = text_of(result.response)
    assert "Workout logged: Leg Day" in text
    # The low end of the range is logged; AMRAP sets are logged without reps or volume.
    assert "Romanian Deadlift** 3×8 @ 60 kg" in text and "3×AMRAP" in text
    assert "volume 2940 kg" in text
    await env.bot.close()


async def test_log_it_from_a_shared_post_and_listeners_hear_about_it(simcord_env):
    env = simcord_env
    w = build_world(env)
    heard: list[LoggedSession] = []
    removed: list[tuple[int, int]] = []

    async def on_logged(session: LoggedSession) -> None:
        heard.append(session)

    async def on_removed(user_id: int, session_id: int) -> None:
        removed.append((user_id, session_id))

    env.bot.services.workouts.on_logged.append(on_logged)
    env.bot.services.workouts.on_removed.append(on_removed)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    await create(w, w.alice, "Leg Day", "Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "routine share", name="Leg Day")
    post = w.routines.last_message

    result = await w.bob.click(post, label="Log it")
    assert result.ephemeral and "Workout logged: Leg Day" in text_of(result.response)
    assert [(s.user_id, s.guild_id) for s in heard] == [(w.bob.id, w.guild.id)]
    stored = await env.bot.services.workouts.get_session(heard[0].session_id)
    assert stored == heard[0] and stored.performed_at == env.now()

    undo = await w.bob.slash(w.general, "log undo")
    assert "Removed `Leg Day`" in text_of(undo.response)
    assert removed == [(w.bob.id, heard[0].session_id)]
    assert await env.bot.services.workouts.get_session(heard[0].session_id) is None
    await env.bot.close()


async def test_history_attaches_a_weekly_volume_chart(simcord_env):
    env = simcord_env
    w = build_world(env)
    empty = await w.alice.slash(w.general, "log history", days=7)
    assert "No workouts logged" in text_of(empty.response) and not empty.response.attachments

    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg", rpe=8)
    await env.advance_time(3600)
    await w.alice.slash(w.general, "log workout", exercises="Deadlift 1x5 @ 140kg")
    result = await w.alice.slash(w.general, "log history", days=30)
    assert result.ephemeral
    text = text_of(result.response)
    assert "2** workouts" in text and "2200 kg" in text and "RPE 8" in text
    attachment = result.response.attachments[0]
    assert attachment.filename.endswith(".png")
    assert (await attachment.read()).startswith(PNG_SIGNATURE)
    assert result.response.embeds[0].image.url.endswith(attachment.filename)
    # Dates are Discord timestamps, shown in each member's own locale and time zone.
    assert f"<t:{int(env.now().timestamp()) - 3600}:D> · Ad hoc workout · 1500 kg · RPE 8" in text
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)
    await env.bot.close()


async def test_history_without_weighted_volume_lists_the_workouts_and_attaches_no_chart(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "log workout", exercises="Plank 3x45s | Pull-up 3xAMRAP")
    result = await w.alice.slash(w.general, "log history", days=30)
    text = text_of(result.response)
    assert "1** workout" in text and "Ad hoc workout" in text
    assert "No weighted volume in the last 30 days, so there is no chart" in text
    assert "sets with a weight" in text
    assert not result.response.attachments
    assert not result.response.embeds[0].image.url
    await env.bot.close()


async def test_undo_within_24_hours_and_not_after(simcord_env):
    env = simcord_env
    w = build_world(env)
    nothing = await w.alice.slash(w.general, "log undo")
    assert "no logged workouts" in user_error(env, nothing)

    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await env.advance_time(23 * 3600)
    undone = await w.alice.slash(w.general, "log undo")
    assert "Removed your ad hoc workout" in text_of(undone.response)
    history = await env.bot.services.workouts.history(w.alice.id, 30)
    assert history.session_count == 0

    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await env.advance_time(25 * 3600)
    late = await w.alice.slash(w.general, "log undo")
    text = user_error(env, late)
    assert "within 24 hours" in text and "nothing was removed" in text
    assert (await env.bot.services.workouts.history(w.alice.id, 30)).session_count == 1
    await env.bot.close()
