"""/interval through SimCord with virtual time: the live timer's edits, buttons, end and restarts.

The settle timeout is kept short on purpose: SimCord runs any sleep shorter than it as
part of the operation, and a timer's 10-second lead-in or rest phase must stay in the
future until the test advances the clock.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest
import simcord

from bot.db.repositories.timers import FINISHED, GONE, PAUSED, RUNNING, STOPPED
from cogs.intervals import presets_embed, program_choices
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=5)


def edits(env: Any, message_id: int) -> list[Any]:
    return [
        r for r in env.http_requests if r.method == "PATCH" and r.path.endswith(f"/messages/{message_id}")
    ]


def refetch(channel: Any, message: discord.Message) -> discord.Message:
    return next(m for m in channel.history() if m.id == message.id)


def labels(message: discord.Message) -> list[str]:
    return [child.label for row in message.components for child in getattr(row, "children", [])]


async def start(w: World, member: Any, program: str) -> discord.Message:
    result = await member.slash(w.general, "interval start", program=program)
    # The starter is told privately; the timer itself is a message in the channel for everyone.
    assert result.ephemeral and "Your timer is running" in text_of(result.response), text_of(result.response)
    message = w.general.last_message
    assert message is not None and message.author.bot
    return refetch(w.general, message)


async def advance(env: Any, seconds: float, step: float = 60) -> None:
    while seconds > 0:
        await env.advance_time(min(step, seconds))
        seconds -= step


async def timer_of(env: Any, member: Any) -> Any:
    timers = await env.bot.services.intervals.repo.active_for_owner(member.id)
    assert len(timers) == 1
    return timers[0]


async def test_a_20_minute_emom_edits_at_phase_changes_only_and_ends_finished(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "emom 20")
    timer = await timer_of(env, w.alice)
    text = text_of(message)
    assert "EMOM 20" in text and "Get ready" in text and "<t:" in text and ":R>" in text
    assert labels(message) == ["Pause", "Stop"]
    assert edits(env, message.id) == []

    await env.advance_time(10)  # the lead-in ends: round 1
    shown = text_of(refetch(w.general, message))
    assert "WORK" in shown and "Round **1**/20" in shown and "Next: round 2" in shown
    await advance(env, 4 * 60 + 30)  # 4:30 into the workout
    assert "Round **5**/20" in text_of(refetch(w.general, message))
    assert len(edits(env, message.id)) == 5, "one edit per minute, none in between"

    await advance(env, 16 * 60)
    final = refetch(w.general, message)
    assert "Finished" in text_of(final) and "20:00" in text_of(final)
    assert labels(final) == ["Log result"]
    count = len(edits(env, message.id))
    assert count == 21, f"{count} edits: round 1 to 20 and the finish"
    await advance(env, 30 * 60, step=600)
    assert len(edits(env, message.id)) == count, "a finished timer is never edited again"
    row = await env.bot.services.intervals.repo.get(timer.id)
    assert row is not None and row.status == FINISHED and row.elapsed_s == 1200
    await env.bot.close()


async def test_tabata_alternates_work_and_rest_with_labels_and_counts_down_to_each_change(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "3x(30s squat, 15s rest)")
    await env.advance_time(10)
    work = refetch(w.general, message)
    first = text_of(work)
    assert "WORK · squat" in first and "Round **1**/3" in first and "Next: **REST**" in first
    await env.advance_time(30)
    second = refetch(w.general, message)
    assert "## REST" in text_of(second) and "Next: round 2 — **WORK · squat**" in text_of(second)
    assert second.embeds[0].colour != work.embeds[0].colour, "rest looks different from work"
    await env.advance_time(15 * 2 + 30 * 2 + 10)  # into the last rest
    assert "Finishes <t:" in text_of(refetch(w.general, message))
    await env.advance_time(10)
    assert "Finished" in text_of(refetch(w.general, message))
    assert len(edits(env, message.id)) == 1 + 5 + 1
    await env.bot.close()


async def test_only_the_starter_can_pause_resume_and_stop(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "emom 10")
    timer = await timer_of(env, w.alice)
    await env.advance_time(80)  # 10 s into round 2

    refused = await w.bob.click(message, label="Pause")
    assert refused.ephemeral and "Only <@" in text_of(refused.response)
    assert (await timer_of(env, w.alice)).status == RUNNING

    paused = await w.alice.click(refetch(w.general, message), label="Pause")
    assert paused.acknowledged
    now_shown = refetch(w.general, message)
    assert "Paused" in text_of(now_shown) and "round 2/10" in text_of(now_shown)
    assert labels(now_shown) == ["Resume", "Stop"]
    assert (await timer_of(env, w.alice)).status == PAUSED
    before = len(edits(env, message.id))
    await advance(env, 5 * 60)
    assert len(edits(env, message.id)) == before, "a paused timer is not edited"
    assert "Paused" in text_of(refetch(w.general, message))

    await w.alice.click(refetch(w.general, message), label="Resume")
    resumed = text_of(refetch(w.general, message))
    assert "Round **2**/10" in resumed, "the pause doesn't eat the workout"
    await env.advance_time(50)  # the rest of round 2 was 50 s
    assert "Round **3**/10" in text_of(refetch(w.general, message))

    other = await w.bob.click(refetch(w.general, message), label="Stop")
    assert "Only <@" in text_of(other.response)
    await w.alice.click(refetch(w.general, message), label="Stop")
    stopped = refetch(w.general, message)
    assert "Stopped" in text_of(stopped) and "After 2:00" in text_of(stopped)
    assert labels(stopped) == ["Log result"]
    count = len(edits(env, message.id))
    await advance(env, 15 * 60)
    assert len(edits(env, message.id)) == count
    row = await env.bot.services.intervals.repo.get(timer.id)
    assert row is not None and row.status == STOPPED and row.elapsed_s == 120
    await env.bot.close()


async def test_a_deleted_timer_message_ends_the_timer_silently(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "tabata")
    timer = await timer_of(env, w.alice)
    await env.advance_time(40)
    mods = w.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    moderator = w.guild.add_member(env.create_user("mod"), roles=[mods])
    await moderator.delete(message)
    before = len(edits(env, message.id))
    await advance(env, 10 * 60)
    assert len(edits(env, message.id)) <= before + 1, "one failed edit at most, then silence"
    row = await env.bot.services.intervals.repo.get(timer.id)
    assert row is not None and row.status == GONE
    assert w.general.history() == [], "nothing else was posted"
    # The member can start a new one straight away.
    again = await start(w, w.alice, "tabata")
    assert "Tabata" in text_of(again)
    await env.bot.close()


async def test_a_member_whose_timer_message_vanished_can_start_another(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "emom 30")
    second = await w.alice.slash(w.general, "interval start", program="tabata")
    text = user_error(env, second)
    assert "already have a timer" in text and str(message.id) in text and "Example" in text
    assert len(w.general.history()) == 1
    mods = w.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    moderator = w.guild.add_member(env.create_user("mod"), roles=[mods])
    await moderator.delete(message)  # before the timer noticed
    third = await start(w, w.alice, "tabata")
    assert "Tabata" in text_of(third)
    await env.bot.close()


async def test_a_restart_resumes_the_timer_with_one_catch_up_edit(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "emom 10")
    await advance(env, 10 + 3 * 60 + 30)  # round 4
    assert len(edits(env, message.id)) == 4
    # The process dies: its timer tasks stop with it, and the clock moves on for two minutes.
    timers = env.bot.runtime.timers
    for timer_id in list(timers.tasks):
        await timers.halt(timer_id)
    await advance(env, 120)
    assert len(edits(env, message.id)) == 4
    await env.restart_bot(make_bot())
    assert len(edits(env, message.id)) == 5, "one edit to catch up"
    assert "Round **6**/10" in text_of(refetch(w.general, message))
    await advance(env, 5 * 60)
    final = refetch(w.general, message)
    assert "Finished" in text_of(final)
    assert len(edits(env, message.id)) == 5 + 4 + 1
    # The buttons of the new generation still work on the old message.
    assert labels(final) == ["Log result"]
    await env.bot.close()


async def test_a_timer_that_ran_out_while_the_bot_was_down_ends_with_one_edit(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "tabata")
    await advance(env, 60)
    timers = env.bot.runtime.timers
    for timer_id in list(timers.tasks):
        await timers.halt(timer_id)
    before = len(edits(env, message.id))
    await advance(env, 3600, step=600)
    await env.restart_bot(make_bot())
    await advance(env, 600)
    assert len(edits(env, message.id)) == before + 1
    assert "Finished" in text_of(refetch(w.general, message))
    await env.bot.close()


async def test_a_paused_timer_survives_a_restart_and_resumes_on_the_button(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "emom 5")
    await advance(env, 10 + 90)
    await w.alice.click(refetch(w.general, message), label="Pause")
    await env.restart_bot(make_bot())
    await advance(env, 600)
    assert "Paused" in text_of(refetch(w.general, message))
    await w.alice.click(refetch(w.general, message), label="Resume")
    assert "Round **2**/5" in text_of(refetch(w.general, message))
    await advance(env, 4 * 60)
    assert "Finished" in text_of(refetch(w.general, message))
    await env.bot.close()


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("8x(20s work 10s rest)", "position"),
        ("emom", "minutes"),
        ("pushups", "preset"),
        ("100x(3m work, 1m rest)", "3 hours"),
    ],
)
async def test_bad_programs_are_refused_with_the_position_and_an_example(simcord_env, program, expected):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "interval start", program=program)
    text = user_error(env, result)
    assert expected in text and ("e.g." in text or "Example" in text)
    assert w.general.history() == []
    assert await env.bot.services.intervals.repo.active() == []
    await env.bot.close()


async def test_presets_lists_each_with_its_structure_and_total(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "interval presets")
    assert result.ephemeral
    text = text_of(result.response)
    for expected in (
        "`tabata`",
        "8 rounds of 20 s work / 10 s rest",
        "4:00",
        "`emom 10`",
        "`fortime cap 20`",
    ):
        assert expected in text
    assert len(presets_embed()) < 6000
    choices = await w.alice.autocomplete(w.general, "interval start", "program", "emo")
    assert choices and all("emom" in c["value"] for c in choices)
    assert program_choices("6x(1m on, 1m off)")[0].value == "6x(1m on, 1m off)"
    await env.bot.close()


async def test_a_channel_the_bot_cannot_post_in_is_refused(simcord_env):
    env = simcord_env
    w = build_world(env)
    locked = w.guild.create_text_channel(
        "locked", overwrites={w.guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await w.alice.slash(locked, "interval start", program="tabata")
    text = user_error(env, result)
    assert "Send Messages" in text
    assert await env.bot.services.intervals.repo.active() == []
    await env.bot.close()


async def test_stopped_timer_status_is_kept(simcord_env):
    env = simcord_env
    w = build_world(env)
    message = await start(w, w.alice, "tabata")
    timer = await timer_of(env, w.alice)
    await w.alice.click(message, label="Stop")
    row = await env.bot.services.intervals.repo.get(timer.id)
    assert row is not None and row.status == STOPPED and row.elapsed_s == 0.0
    assert "Stopped" in text_of(refetch(w.general, message))
    with pytest.raises(simcord.SetupError):
        await w.alice.click(refetch(w.general, message), label="Pause")
    await env.bot.close()
