"""/program through SimCord: 5/3/1 advancing by logging, GZCLP stages, C25K's timer, bad inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)

MAXES = {"squat": "140", "bench": "100", "deadlift": "180", "press": "60"}


def session_of(message: Any) -> str:
    return next(f.value or "" for f in message.embeds[0].fields if f.name == "Session")


async def test_a_531_cycle_advances_by_logging_through_the_deload(simcord_env):
    w = build_world(simcord_env)
    started = await w.alice.slash(w.general, "program start", template="531", **MAXES)
    assert started.ephemeral
    assert "Started **5/3/1**: 4 routines in your library, planned on Mon, Tue, Thu, Fri." in text_of(
        started.response
    )
    assert "Jim Wendler" in text_of(started.response)
    plan = await w.alice.slash(w.general, "plan show")
    assert "`5/3/1 Squat`" in text_of(plan.response)

    squat_days = []
    for number in range(1, 17):
        today = await w.alice.slash(w.general, "program today")
        text = text_of(today.response)
        assert f"Session {number}:" in text, text
        if "· Squat" in text:
            squat_days.append(session_of(today.response).splitlines())
        logged = await w.alice.click(today.response, label="Log it")
        assert "Workout logged: 5/3/1" in text_of(logged.response)
        assert "Next time" not in text_of(logged.response), "ramped 5/3/1 sets follow the program, not hints"

    assert squat_days == [
        ["`Back Squat 1x5 @ 90kg`", "`Back Squat 1x5 @ 105kg`", "`Back Squat 1x5 @ 120kg`"],
        ["`Back Squat 1x3 @ 97.5kg`", "`Back Squat 1x3 @ 112.5kg`", "`Back Squat 1x3 @ 125kg`"],
        ["`Back Squat 1x5 @ 105kg`", "`Back Squat 1x3 @ 120kg`", "`Back Squat 1x1 @ 132.5kg`"],
        ["`Back Squat 1x5 @ 55kg`", "`Back Squat 1x5 @ 70kg`", "`Back Squat 1x5 @ 85kg`"],
    ]
    shown = await w.alice.slash(w.general, "program show")
    text = text_of(shown.response)
    assert "16 sessions" in text and "Cycle 2, 5s week · Press" in text
    assert "Back Squat 145 kg" in text and "Overhead Press 62.5 kg" in text  # raised after the cycle

    # Logging some other routine doesn't move the program on.
    await w.alice.slash(w.general, "log workout", exercises="Plank 3x45s")
    again = await w.alice.slash(w.general, "program today")
    assert "Session 17:" in text_of(again.response)

    stopped = await w.alice.slash(w.general, "program stop")
    assert "Stopped **5/3/1**" in text_of(stopped.response)
    gone = await w.alice.slash(w.general, "program today")
    assert "You aren't running a program" in user_error(simcord_env, gone)


async def test_gzclp_moves_a_lift_to_its_next_stage_after_a_missed_set(simcord_env, make_bot):
    w = build_world(simcord_env)
    await w.alice.slash(w.general, "program start", template="gzclp", **MAXES)
    today = await w.alice.slash(w.general, "program today")
    assert session_of(today.response).splitlines()[:2] == [
        "`Back Squat 5x3 @ 120kg`",
        "`Bench Press 3x10 @ 65kg`",
    ]
    await simcord_env.restart_bot(make_bot())  # the buttons outlive a restart
    noted = await w.alice.click(today.response, label="Missed a T1 set")
    assert "Noted a missed T1 set" in text_of(noted.response)
    await w.alice.click(today.response, label="Log it")
    for _ in range(3):
        day = await w.alice.slash(w.general, "program today")
        await w.alice.click(day.response, label="Log it")
    back = await w.alice.slash(w.general, "program today")
    assert session_of(back.response).splitlines()[:2] == [
        "`Back Squat 6x2 @ 120kg`",
        "`Bench Press 3x10 @ 67.5kg`",
    ]
    stale = await w.alice.click(today.response, label="Missed a T2 set")
    refusal = "\n".join(text_of(m) for m in [stale.response, *stale.followups] if m is not None)
    assert stale.ephemeral and "That session is already logged" in refusal, refusal


async def test_couch_to_5k_day_one_starts_the_live_timer(simcord_env):
    w = build_world(simcord_env)
    await w.alice.slash(w.general, "program start", template="c25k")
    today = await w.alice.slash(w.general, "program today")
    text = text_of(today.response)
    assert "Week 1 · Day 1" in text and "Your timer is running in the channel" in text, text
    assert "`Walk 1x17m`" in text and "`Run 1x8m`" in text
    timers = await simcord_env.bot.services.intervals.repo.active_for_owner(w.alice.id)
    assert len(timers) == 1 and timers[0].program == "5m warm-up walk, 8x(1m jog, 1m30s walk)"
    posted = w.general.last_message
    assert posted is not None and "warm-up walk" in text_of(posted)
    logged = await w.alice.click(today.response, label="Log it")
    assert "Workout logged: Couch to 5K Day 1" in text_of(logged.response)
    shown = await w.alice.slash(w.general, "program show")
    assert "1 session of 27" in text_of(shown.response)


@pytest.mark.parametrize(
    ("squat", "reason"),
    [("0", "outside 5 kg to 500 kg"), ("900 kg", "outside 5 kg to 500 kg"), ("heavy", "isn't a weight")],
)
async def test_a_bad_training_max_is_refused_with_an_example(simcord_env, squat, reason):
    w = build_world(simcord_env)
    refused = await w.alice.slash(w.general, "program start", template="531", **{**MAXES, "squat": squat})
    text = user_error(simcord_env, refused)
    assert reason in text and "nothing was started" in text
    assert "/program start template:5/3/1 squat:140" in text
    routines = await w.alice.slash(w.general, "routine list")
    assert "You have no routines yet" in text_of(routines.response)
    assert "You aren't running a program" in user_error(
        simcord_env, await w.alice.slash(w.general, "program show")
    )


async def test_a_missing_training_max_and_a_second_program_are_refused(simcord_env):
    w = build_world(simcord_env)
    missing = await w.alice.slash(w.general, "program start", template="531", squat="140")
    assert "give `press`, `deadlift`, `bench` too" in user_error(simcord_env, missing)
    await w.alice.slash(w.general, "program start", template="ppl")
    second = await w.alice.slash(w.general, "program start", template="c25k")
    assert "You're already running `PPL`" in user_error(simcord_env, second)


async def test_privacy_export_and_delete_cover_the_program_and_the_hint_setting(simcord_env):
    w = build_world(simcord_env)
    await w.alice.slash(w.general, "program start", template="531", **MAXES)
    await w.alice.slash(w.general, "settings progression", hints="off")
    await w.bob.slash(w.general, "program start", template="c25k")
    exported = await w.alice.slash(w.general, "privacy export")
    data = json.loads(await exported.response.attachments[0].read())["tables"]
    assert data["program_runs"][0]["template"] == "531"
    assert json.loads(data["program_runs"][0]["maxes"]) == {
        "bench": 100,
        "deadlift": 180,
        "press": 60,
        "squat": 140,
    }
    assert data["training_settings"][0]["progression_hints"] in (False, 0)
    shown = await w.alice.slash(w.general, "privacy delete")
    text = text_of(shown.response)
    assert "1 running program" in text and "1 progression-hint setting" in text
    await w.alice.click(shown.response, label="Delete everything")
    after = (await simcord_env.bot.services.privacy.export(w.alice.id))["tables"]
    assert after["program_runs"] == [] and after["training_settings"] == []
    assert (await simcord_env.bot.services.programs.status(w.bob.id)).template.key == "c25k"
