"""/challenge through SimCord with virtual time: permissions, announcements, scoring, results.

SimCord's clock starts at 2026-01-01 00:00 UTC and members default to UTC, so
``2026-01-01 01:00`` is an hour after each test begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import pytest
import simcord

from bot.runtime.dispatcher import CLAIM_TTL
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=10)

HOUR = 3600


@dataclass
class Club:
    w: World
    coach: Any
    carol: Any
    coaches: Any


async def club(env: Any, *, channels: bool = True, coach_role: bool = True) -> Club:
    w = build_world(env)
    coaches = w.guild.create_role("Coaches")
    coach = w.guild.add_member(env.create_user("coach"), roles=[coaches])
    carol = w.guild.add_member(env.create_user("carol"))
    if channels:
        await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    if coach_role:
        await w.admin.slash(w.general, "setup coach-role", role=coaches)
    return Club(w, coach, carol, coaches)


async def create(c: Club, member: Any = None, **options: Any) -> Any:
    values = {
        "name": "Spring AMRAP",
        "program": "amrap 12",
        "start": "2026-01-01 01:00",
        "end": "2026-01-03 01:00",
    }
    values.update(options)
    return await (member or c.coach).slash(c.w.general, "challenge create", **values)


def posts(channel: Any) -> list[discord.Message]:
    return channel.history()


def buttons(message: discord.Message) -> list[Any]:
    return [child for row in message.components for child in getattr(row, "children", [])]


async def advance(env: Any, seconds: float, step: float = 1800) -> None:
    while seconds > 0:
        await env.advance_time(min(step, seconds))
        seconds -= step


async def stored(env: Any) -> list[str]:
    return await env.bot.services.challenges.names(next(iter(env.bot.guilds)).id, "")


# -- who may create and end -----------------------------------------------------------------------


async def test_members_cannot_create_coaches_and_admins_can(simcord_env):
    env = simcord_env
    c = await club(env)
    refused = await create(c, c.w.alice)
    text = user_error(env, refused)
    assert "Manage Server" in text and f"<@&{c.coaches.id}>" in text and "Example" in text
    assert await stored(env) == []
    by_coach = await create(c)
    assert "Created `Spring AMRAP`" in text_of(by_coach.response) and by_coach.ephemeral
    by_admin = await create(c, c.w.admin, name="Admin Tabata", program="tabata")
    assert "Created `Admin Tabata`" in text_of(by_admin.response)
    assert sorted(await stored(env)) == ["Admin Tabata", "Spring AMRAP"]
    await env.bot.close()


async def test_without_a_coach_role_only_admins_create_and_are_told_how_to_add_one(simcord_env):
    env = simcord_env
    c = await club(env, coach_role=False)
    text = user_error(env, await create(c))
    assert "/setup coach-role" in text
    assert await stored(env) == []
    await env.bot.close()


async def test_without_a_challenges_channel_creation_points_to_setup(simcord_env):
    env = simcord_env
    c = await club(env, channels=False)
    text = user_error(env, await create(c))
    assert "/setup channels" in text and "nothing was created" in text
    assert await stored(env) == []
    await env.bot.close()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"program": "8x(20s work 10s rest)"}, "At position"),
        ({"program": "amrap"}, "minutes"),
        ({"start": "tomorrow 7am"}, "YYYY-MM-DD HH:MM"),
        ({"start": "2026-02-30 07:00"}, "real date"),
        ({"start": "2025-12-31 23:00"}, "in the past"),
        ({"end": "2026-01-01 00:30"}, "after the start"),
        ({"end": "2026-06-01 00:00"}, "at most 90 days"),
        ({"name": "   "}, "needs a name"),
        ({"name": "x" * 61}, "limit is 60"),
    ],
)
async def test_bad_input_is_refused_with_an_example_and_nothing_is_stored(simcord_env, options, expected):
    env = simcord_env
    c = await club(env)
    text = user_error(env, await create(c, **options))
    assert expected in text, text
    assert "Example" in text or "e.g." in text
    assert await stored(env) == []
    assert await env.bot.services.deliveries.repo.count_by_status() == {}
    await env.bot.close()


async def test_names_are_unique_per_server(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c)
    text = user_error(env, await create(c, c.w.admin, name="spring  amrap", program="tabata"))
    assert "already has a challenge called" in text and "Example" in text
    assert await stored(env) == ["Spring AMRAP"]
    await env.bot.close()


async def test_only_the_creator_or_an_admin_can_end_a_challenge(simcord_env):
    env = simcord_env
    c = await club(env)
    second_coach = c.w.guild.add_member(env.create_user("coach2"), roles=[c.coaches])
    await create(c, start="now")
    for member in (c.w.alice, second_coach):
        text = user_error(env, await member.slash(c.w.general, "challenge end", name="Spring AMRAP"))
        assert f"Only <@{c.coach.id}>" in text
    ended = await c.w.admin.slash(c.w.general, "challenge end", name="Spring AMRAP")
    assert "Ended `Spring AMRAP`" in text_of(ended.response)
    await env.bot.close()


# -- announcements and results --------------------------------------------------------------------


async def test_start_is_announced_once_at_its_time_with_a_join_button_that_survives_a_restart(
    simcord_env, make_bot
):
    env = simcord_env
    c = await club(env)
    await create(c)
    await env.advance_time(HOUR - 60)
    assert posts(c.w.challenges) == []
    await env.advance_time(120)
    [announcement] = posts(c.w.challenges)
    text = text_of(announcement)
    assert "Spring AMRAP" in text and "AMRAP 12" in text and "rounds + reps" in text
    assert "/challenge log name:Spring AMRAP result:7+12" in text
    challenge = (await env.bot.services.challenges.overview(c.w.guild.id, 0)).challenges[0]
    [join] = buttons(announcement)
    assert join.label == "Join" and join.custom_id == f"repmate:challenge:join:{challenge.id}"

    await env.restart_bot(make_bot())
    pressed = await c.w.alice.click(announcement, label="Join")
    assert pressed.response.ephemeral and "You're in `Spring AMRAP`" in text_of(pressed.response)
    again = await c.w.alice.click(announcement, label="Join")
    assert "already joined" in text_of(again.response)
    await advance(env, 6 * HOUR)
    assert len(posts(c.w.challenges)) == 1, "announced exactly once"
    await env.bot.close()


async def test_the_end_posts_one_results_post_with_a_shared_podium_and_switches_join_off(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now", end="2026-01-01 02:00")
    await env.advance_time(5)
    for member in (c.w.alice, c.w.bob, c.carol, c.coach, c.w.admin):
        await member.slash(c.w.general, "challenge join", name="Spring AMRAP")
    for member, result in ((c.w.alice, "7+12"), (c.w.bob, "7+12"), (c.carol, "6+30"), (c.coach, "5+0")):
        logged = await member.slash(c.w.general, "challenge log", name="Spring AMRAP", result=result)
        assert "Logged" in text_of(logged.response), text_of(logged.response)
    await advance(env, 2 * HOUR)
    announcement, results = posts(c.w.challenges)
    text = text_of(results)
    assert "Results: Spring AMRAP" in text
    assert f"🥇 <@{c.w.alice.id}>, <@{c.w.bob.id}> — **7+12** (tied)" in text
    assert "🥈" not in text, "two share first, so the next place is third"
    assert f"🥉 <@{c.carol.id}> — **6+30**" in text
    assert f"`#4` <@{c.coach.id}> — **5+0**" in text
    assert "Joined, no result (1)" in text and f"<@{c.w.admin.id}>" in text
    refreshed = next(m for m in posts(c.w.challenges) if m.id == announcement.id)
    assert buttons(refreshed)[0].disabled and buttons(refreshed)[0].label == "Ended"
    await advance(env, 24 * HOUR, step=6 * HOUR)
    assert len(posts(c.w.challenges)) == 2, "no separate 'ended' notice, no second results post"
    late = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="9+0")
    assert "has ended" in user_error(env, late)
    await env.bot.close()


async def test_ending_early_posts_the_results_now_and_never_again(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="8+1")
    ended = await c.coach.slash(c.w.general, "challenge end", name="Spring AMRAP")
    assert f"<#{c.w.challenges.id}>" in text_of(ended.response)
    await env.advance_time(30)
    assert len(posts(c.w.challenges)) == 2
    assert "Ended early" in text_of(posts(c.w.challenges)[-1])
    again = await c.coach.slash(c.w.general, "challenge end", name="Spring AMRAP")
    assert "already ended" in user_error(env, again)
    await advance(env, 3 * 24 * HOUR, step=12 * HOUR)
    assert len(posts(c.w.challenges)) == 2
    await env.bot.close()


async def test_ending_before_the_start_removes_it_without_any_post(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c)
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    ended = await c.coach.slash(c.w.general, "challenge end", name="Spring AMRAP")
    assert "removed" in text_of(ended.response)
    await advance(env, 3 * 24 * HOUR, step=12 * HOUR)
    assert posts(c.w.challenges) == []
    assert await stored(env) == []
    await env.bot.close()


async def test_a_bot_down_through_the_end_posts_the_results_once_late(simcord_env, make_bot):
    env = simcord_env
    c = await club(env)
    await create(c, start="now", end="2026-01-01 02:00")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="4+4")
    await env.bot.runtime.dispatcher.stop()
    await advance(env, 5 * HOUR)
    assert len(posts(c.w.challenges)) == 1
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    assert len(posts(c.w.challenges)) == 2
    assert "Posted late" in text_of(posts(c.w.challenges)[-1])
    await env.restart_bot(make_bot())
    await advance(env, 2 * HOUR)
    assert len(posts(c.w.challenges)) == 2
    await env.bot.close()


async def test_a_start_missed_while_the_bot_was_down_is_announced_once_late(simcord_env, make_bot):
    env = simcord_env
    c = await club(env)
    await create(c)
    await env.bot.runtime.dispatcher.stop()
    await advance(env, 2 * HOUR)
    assert posts(c.w.challenges) == []
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    [announcement] = posts(c.w.challenges)
    assert "Announced late" in text_of(announcement) and buttons(announcement)[0].label == "Join"
    await advance(env, 4 * HOUR)
    assert len(posts(c.w.challenges)) == 1
    await env.bot.close()


async def test_a_bot_down_through_start_and_end_posts_only_the_results(simcord_env, make_bot):
    env = simcord_env
    c = await club(env)
    await create(c, end="2026-01-01 03:00")
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    await env.bot.runtime.dispatcher.stop()
    await advance(env, 4 * HOUR)
    await env.restart_bot(make_bot())
    await advance(env, CLAIM_TTL.total_seconds() + 60)
    [results] = posts(c.w.challenges)
    assert "Results: Spring AMRAP" in text_of(results) and "Nobody logged a result" in text_of(results)
    await env.bot.close()


# -- taking part, logging, scoring ----------------------------------------------------------------


async def test_logging_is_for_joined_members_while_running_and_validated_against_the_format(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c)
    early = await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    assert "You're in" in text_of(early.response)
    before = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="7+12")
    assert "hasn't started" in user_error(env, before)
    await env.advance_time(HOUR + 5)
    not_joined = await c.w.bob.slash(c.w.general, "challenge log", name="Spring AMRAP", result="7+12")
    assert "/challenge join name:Spring AMRAP" in user_error(env, not_joined)
    for bad in ("18:32", "124", "7+1000", "seven"):
        refused = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result=bad)
        text = user_error(env, refused)
        assert "7+12" in text, text
    nothing = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP")
    assert "No result given" in user_error(env, nothing)
    first = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="7 + 12")
    assert "Logged **7+12**" in text_of(first.response) and "first result" in text_of(first.response)
    worse = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="6+0")
    assert "best is still **7+12**" in text_of(worse.response)
    better = await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="8+0")
    assert "New best: **8+0**" in text_of(better.response) and "#1** of 1" in text_of(better.response)
    unknown = await c.w.alice.slash(c.w.general, "challenge log", name="Winter AMRAP", result="8+0")
    assert "no challenge called `Winter AMRAP`" in user_error(env, unknown)
    await env.bot.close()


async def test_for_time_ranks_the_fastest_first_and_checks_the_cap(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, name="Fran", program="fortime cap 15", start="now")
    await env.advance_time(5)
    for member in (c.w.alice, c.w.bob, c.carol):
        await member.slash(c.w.general, "challenge join", name="Fran")
    over = await c.w.alice.slash(c.w.general, "challenge log", name="Fran", result="18:32")
    assert "15:00 time cap" in user_error(env, over)
    wrong = await c.w.alice.slash(c.w.general, "challenge log", name="Fran", result="7+12")
    assert "isn't a time" in user_error(env, wrong)
    for member, result in ((c.w.alice, "9:15"), (c.w.bob, "8:02"), (c.carol, "9:15"), (c.w.alice, "8:40")):
        await member.slash(c.w.general, "challenge log", name="Fran", result=result)
    board = await c.carol.slash(c.w.general, "challenge leaderboard", name="Fran")
    text = text_of(board.response)
    assert text.index(f"`#1` <@{c.w.bob.id}> — **8:02**") < text.index(f"`#2` <@{c.w.alice.id}> — **8:40**")
    assert f"`#3` <@{c.carol.id}> — **9:15** ← you" in text
    await env.bot.close()


@pytest.mark.parametrize(
    ("program", "good", "bad", "shown"),
    [
        ("tabata", "124", "7+12", "124 reps"),
        ("emom 10", "8", "11", "8 rounds"),
        ("5x(40s on, 20s off)", "", "0", "1 session"),
    ],
)
async def test_each_format_has_its_scoring(simcord_env, program, good, bad, shown):
    env = simcord_env
    c = await club(env)
    await create(c, name="Format", program=program, start="now")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Format")
    refused = await c.w.alice.slash(c.w.general, "challenge log", name="Format", result=bad)
    assert "e.g." in user_error(env, refused)
    options = {"result": good} if good else {}
    logged = await c.w.alice.slash(c.w.general, "challenge log", name="Format", **options)
    assert f"Logged **{shown}**" in text_of(logged.response)
    await env.bot.close()


async def test_sessions_add_up(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, name="Daily", program="3x(30s squat, 30s push-up, 60s rest)", start="now")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Daily")
    for result in ("1", "2", None):
        options = {"result": result} if result else {}
        logged = await c.w.alice.slash(c.w.general, "challenge log", name="Daily", **options)
    assert "New best: **4 sessions**" in text_of(logged.response)
    await env.bot.close()


async def test_scoring_can_be_chosen_by_the_creator(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, name="Timed Tabata", program="tabata", start="now", scoring="time")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Timed Tabata")
    logged = await c.w.alice.slash(c.w.general, "challenge log", name="Timed Tabata", result="3:59")
    assert "Logged **3:59**" in text_of(logged.response)
    await env.bot.close()


async def test_leaving_removes_results_and_list_shows_each_challenge(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now")
    await create(c, name="Next Tabata", program="tabata", start="2026-01-05 06:00", end="2026-01-06 06:00")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    await c.w.alice.slash(c.w.general, "challenge log", name="Spring AMRAP", result="3+3")
    listed = text_of((await c.w.alice.slash(c.w.general, "challenge list")).response)
    assert "🔥 Spring AMRAP" in listed and "✅ joined" in listed and "🗓️ Next Tabata" in listed
    assert listed.index("Spring AMRAP") < listed.index("Next Tabata")
    choices = await c.w.alice.autocomplete(c.w.general, "challenge log", "name", "")
    assert [ch["value"] for ch in choices] == ["Spring AMRAP"]
    left = await c.w.alice.slash(c.w.general, "challenge leave", name="Spring AMRAP")
    assert "1 logged result was removed" in text_of(left.response)
    board = text_of(
        (await c.w.alice.slash(c.w.general, "challenge leaderboard", name="Spring AMRAP")).response
    )
    assert "No results yet" in board and "You haven't joined" in board
    twice = await c.w.alice.slash(c.w.general, "challenge leave", name="Spring AMRAP")
    assert "haven't joined" in user_error(env, twice)
    await env.bot.close()


async def test_the_leaderboard_shows_the_top_ten_and_the_callers_own_rank(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, name="Big Tabata", program="tabata", start="now")
    await env.advance_time(5)
    challenge = (await env.bot.services.challenges.overview(c.w.guild.id, 0)).challenges[0]
    service = env.bot.services.challenges
    for user_id in range(1, 1001):  # a thousand members, straight through the service
        await service.repo.join(challenge.id, user_id, env.bot.clock.now())
        await service.log_by_id(challenge.id, user_id, str(user_id % 400))
    await c.w.alice.slash(c.w.general, "challenge join", name="Big Tabata")
    await c.w.alice.slash(c.w.general, "challenge log", name="Big Tabata", result="150")
    shown = await c.w.alice.slash(c.w.general, "challenge leaderboard", name="Big Tabata")
    embed = shown.response.embeds[0]
    assert len(embed) <= 6000 and all(len(f.value or "") <= 1024 for f in embed.fields)
    text = text_of(shown.response)
    assert text.count("`#") == 11
    assert "`#1` <@399> — **399 reps**" in text and "`#1` <@799> — **399 reps**" in text
    assert "1001 joined · 1001 with a result" in text
    mine = 1 + sum(1 for u in range(1, 1001) if u % 400 > 150)
    assert f"`#{mine}` of 1001 — **150 reps**" in text

    await c.coach.slash(c.w.general, "challenge end", name="Big Tabata")
    await env.advance_time(60)
    results = posts(c.w.challenges)[-1]
    [embed] = results.embeds
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
    text = text_of(results)
    assert "🥇 <@399>, <@799> — **399 reps** (tied)" in text, "ties share the podium step"
    assert "🥈" not in text and "🥉 <@398>, <@798> — **398 reps** (tied)" in text
    assert "…and" in text and "/challenge leaderboard name:Big Tabata" in text
    await env.bot.close()


# -- logging from a timer -------------------------------------------------------------------------


async def test_a_finished_timer_offers_to_log_to_the_joined_challenge(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now")
    await env.advance_time(5)
    await c.w.alice.slash(c.w.general, "challenge join", name="Spring AMRAP")
    await c.w.alice.slash(c.w.general, "interval start", program="amrap 12")
    timer = c.w.general.last_message
    await advance(env, 13 * 60, step=60)
    finished = next(m for m in c.w.general.history() if m.id == timer.id)
    assert "Finished" in text_of(finished)
    nobody = await c.w.bob.click(finished, label="Log result")
    assert "haven't joined a challenge" in text_of(nobody.response)
    offered = await c.w.alice.click(finished, label="Log result")
    assert offered.ephemeral and "Log this timer's result to `Spring AMRAP`?" in text_of(offered.response)
    shown = await c.w.alice.click(offered.response, label="Log to Spring AMRAP")
    assert shown.modal is not None
    logged = await c.w.alice.submit_modal(shown, {"challenge-result": "9+3"})
    assert "Logged **9+3** for `Spring AMRAP`" in text_of(logged.response)
    offered = await c.w.alice.click(finished, label="Log result")
    bad = await c.w.alice.submit_modal(
        await c.w.alice.click(offered.response, label="Log to Spring AMRAP"), {"challenge-result": "9"}
    )
    assert "7+12" in user_error(env, bad)
    await env.bot.close()


async def test_with_several_challenges_the_member_picks_one_and_a_stopped_time_is_offered(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now")
    await create(c, name="Fran", program="fortime cap 15", start="now")
    await env.advance_time(5)
    for name in ("Spring AMRAP", "Fran"):
        await c.w.alice.slash(c.w.general, "challenge join", name=name)
    await c.w.alice.slash(c.w.general, "interval start", program="fortime cap 15")
    timer = c.w.general.last_message
    await advance(env, 10 + 8 * 60 + 2, step=60)
    await c.w.alice.click(next(m for m in c.w.general.history() if m.id == timer.id), label="Stop")
    stopped = next(m for m in c.w.general.history() if m.id == timer.id)
    offer = await c.w.alice.click(stopped, label="Log result")
    menu = offer.response
    options = [o["label"] for row in menu.components for item in row["components"] for o in item["options"]]
    assert options == ["Fran", "Spring AMRAP"], "the timer's own program first"
    fran = await env.bot.services.challenges.by_name(c.w.guild.id, "Fran")
    shown = await c.w.alice.select(menu, [str(fran.id)], custom_id="challenge-pick")
    field = shown.modal["components"][0]["components"][0]
    assert field.get("value") == "8:02"
    logged = await c.w.alice.submit_modal(shown, {"challenge-result": "8:02"})
    assert "Logged **8:02** for `Fran`" in text_of(logged.response)
    await env.bot.close()


async def test_joining_after_the_end_is_refused_and_the_button_is_off(simcord_env):
    env = simcord_env
    c = await club(env)
    await create(c, start="now", end="2026-01-01 00:30")
    await advance(env, HOUR)
    announcement, _results = posts(c.w.challenges)
    with pytest.raises(simcord.SetupError):
        await c.w.bob.click(announcement, label="Ended")  # disabled: a real member can't press it
    refused = await c.w.bob.slash(c.w.general, "challenge join", name="Spring AMRAP")
    assert "has ended" in user_error(env, refused)
    await env.bot.close()
