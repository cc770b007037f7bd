"""/plan through SimCord: set, show, clear, "today" in the member's zone, deleted routines."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)

NAME, EXERCISES = "routine-name", "routine-exercises"


async def create(w: World, member: Any, name: str, exercises: str = "Back Squat 3x5 @ 100kg") -> None:
    shown = await member.slash(w.general, "routine create")
    result = await member.submit_modal(shown, {NAME: name, EXERCISES: exercises})
    assert f"Saved `{name}`" in text_of(result.response), text_of(result.response)


def week_lines(message: discord.Message) -> dict[str, str]:
    """``{"Mon": "`Leg Day`", "Tue": "rest", …}`` from the Week field of /plan show."""
    value = next(f.value or "" for f in message.embeds[0].fields if f.name == "Week")
    days = {}
    for line in value.splitlines():
        day, what = line.split(" · ", 1)
        days[day.strip("*")] = what.removesuffix(" ← today")
    return days


def buttons(message: Any) -> dict[str, str]:
    """Label → custom id of every button on the message, as the member's client shows them."""
    found = {}
    for row in message.components:
        children = row["components"] if isinstance(row, dict) else getattr(row, "children", [])
        for child in children:
            if isinstance(child, dict):
                found[child["label"]] = child["custom_id"]
            else:
                found[child.label] = child.custom_id
    return found


async def advance(env: Any, seconds: int) -> None:
    """Move virtual time in half-hour steps, as SimCord's settle loop prefers."""
    while seconds > 0:
        step = min(seconds, 1800)
        await env.advance_time(step)
        seconds -= step


async def test_set_show_and_clear_a_weekly_plan(simcord_env):
    env = simcord_env
    w = build_world(env)
    empty = await w.alice.slash(w.general, "plan show")
    assert empty.ephemeral
    assert "Nothing is planned yet" in text_of(empty.response)
    assert "`/plan set day:mon routine:Leg Day`" in text_of(empty.response)

    await create(w, w.alice, "Leg Day")
    await create(w, w.alice, "Upper A", "Bench Press 5x5 @ 80kg")
    choices = await w.alice.autocomplete(w.general, "plan set", "routine", "le", day="mon")
    assert [c["value"] for c in choices] == ["Leg Day"]

    first = await w.alice.slash(w.general, "plan set", day="mon", routine="leg day")
    assert first.ephemeral
    assert "Planned `Leg Day` on **Monday**." in text_of(first.response)
    await w.alice.slash(w.general, "plan set", day="fri", routine="Upper A")
    replaced = await w.alice.slash(w.general, "plan set", day="mon", routine="Upper A")
    assert "Planned `Upper A` on **Monday**. It replaces `Leg Day`." in text_of(replaced.response)

    shown = await w.alice.slash(w.general, "plan show")
    assert week_lines(shown.response) == {
        "Mon": "`Upper A`",
        "Tue": "rest",
        "Wed": "rest",
        "Thu": "rest",
        "Fri": "`Upper A`",
        "Sat": "rest",
        "Sun": "rest",
    }

    cleared = await w.alice.slash(w.general, "plan clear", day="mon")
    text = text_of(cleared.response)
    assert "Cleared **Monday**: `Upper A` is no longer planned" in text
    assert week_lines(cleared.response)["Mon"] == "rest"

    again = await w.alice.slash(w.general, "plan clear", day="mon")
    text = user_error(env, again)
    assert "Nothing is planned on Monday" in text and "Example: `/plan show`" in text
    planned = await env.bot.services.plans.for_member(w.alice.id)
    assert [(p.day_name, p.routine_name) for p in planned] == [("Friday", "Upper A")]

    # Plans are per member: Bob's week is empty and Alice's routines aren't his to plan.
    assert "Nothing is planned yet" in text_of((await w.bob.slash(w.general, "plan show")).response)
    assert await w.bob.autocomplete(w.general, "plan set", "routine", "", day="mon") == []
    await env.bot.close()


async def test_an_unknown_routine_is_refused_with_an_example_and_changes_nothing(simcord_env):
    env = simcord_env
    w = build_world(env)
    none_yet = await w.alice.slash(w.general, "plan set", day="tue", routine="Leg Day")
    text = user_error(env, none_yet)
    assert "You have no routines yet" in text and "/routine create" in text and "Example:" in text

    await create(w, w.alice, "Leg Day")
    await w.alice.slash(w.general, "plan set", day="tue", routine="Leg Day")
    typo = await w.alice.slash(w.general, "plan set", day="tue", routine="Leg Dya")
    text = user_error(env, typo)
    assert "You have no routine called `Leg Dya`, so nothing was planned." in text
    assert "Example: `/plan set day:tue routine:Leg Day`" in text
    planned = await env.bot.services.plans.for_member(w.alice.id)
    assert [(p.weekday, p.routine_name) for p in planned] == [(1, "Leg Day")]
    await env.bot.close()


async def test_a_saved_copy_can_be_planned(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    await create(w, w.bob, "Bob's Pull Day", "Pull-up 3xAMRAP")
    await w.bob.slash(w.general, "routine share", name="Bob's Pull Day")
    await w.alice.click(w.routines.last_message, label="Save a copy")
    choices = await w.alice.autocomplete(w.general, "plan set", "routine", "pull", day="sat")
    assert [c["value"] for c in choices] == ["Bob's Pull Day"]
    result = await w.alice.slash(w.general, "plan set", day="sat", routine="Bob's Pull Day")
    assert "Planned `Bob's Pull Day` on **Saturday**." in text_of(result.response)
    await env.bot.close()


async def test_today_is_the_members_local_day_around_midnight(simcord_env):
    env = simcord_env
    w = build_world(env)
    # SimCord's clock starts at 2026-01-01 00:00 UTC: Thursday in UTC, 19:00 on Wednesday in New York.
    await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    await create(w, w.alice, "Leg Day")
    await create(w, w.alice, "Upper A", "Bench Press 5x5 @ 80kg")
    await w.alice.slash(w.general, "plan set", day="wed", routine="Leg Day")
    await w.alice.slash(w.general, "plan set", day="thu", routine="Upper A")

    evening = await w.alice.slash(w.general, "plan show")
    text = text_of(evening.response)
    assert "Today is **Wednesday** 31 December: `Leg Day` is planned." in text
    assert "Days follow your time zone, America/New_York." in text
    assert "`Leg Day` ← today" in text
    leg_day = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    assert buttons(evening.response) == {"Log it": f"repmate:routine:log:{leg_day.id}"}

    await advance(env, 4 * 3600 + 59 * 60)  # 23:59 on Wednesday in New York
    late = await w.alice.slash(w.general, "plan show")
    assert "Today is **Wednesday** 31 December: `Leg Day` is planned." in text_of(late.response)

    await advance(env, 2 * 60)  # 00:01 on Thursday in New York
    after = await w.alice.slash(w.general, "plan show")
    assert "Today is **Thursday** 1 January: `Upper A` is planned." in text_of(after.response)
    assert "`Upper A` ← today" in text_of(after.response)
    today = await env.bot.services.plans.planned_today(w.alice.id)
    assert today is not None and today.routine_name == "Upper A"

    # The Log it button logs today's routine.
    logged = await w.alice.click(after.response, label="Log it")
    assert logged.ephemeral and "Workout logged: Upper A" in text_of(logged.response)
    await env.bot.close()


async def test_members_without_a_zone_get_the_server_default_and_are_told(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.bob, "Leg Day")
    await w.bob.slash(w.general, "plan set", day="wed", routine="Leg Day")
    shown = await w.bob.slash(w.general, "plan show")
    text = text_of(shown.response)
    assert "Today is **Thursday** 1 January: nothing is planned, so it's a rest day." in text
    assert "the server's default time zone" in text and "/settings timezone" in text
    assert buttons(shown.response) == {}
    await env.bot.close()


async def test_a_deleted_routine_drops_out_of_the_plan(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.alice, "Leg Day")
    await create(w, w.alice, "Upper A", "Bench Press 5x5 @ 80kg")
    await w.alice.slash(w.general, "plan set", day="mon", routine="Leg Day")
    await w.alice.slash(w.general, "plan set", day="thu", routine="Leg Day")
    await w.alice.slash(w.general, "plan set", day="fri", routine="Upper A")

    deleted = await w.alice.slash(w.general, "routine delete", name="Leg Day")
    assert "Deleted `Leg Day`" in text_of(deleted.response)

    shown = await w.alice.slash(w.general, "plan show")
    text = text_of(shown.response)
    assert "Leg Day" not in text
    assert week_lines(shown.response)["Mon"] == "rest" and week_lines(shown.response)["Fri"] == "`Upper A`"
    assert "nothing is planned, so it's a rest day" in text  # Thursday in UTC
    assert buttons(shown.response) == {}
    planned = await env.bot.services.plans.for_member(w.alice.id)
    assert [(p.weekday, p.routine_name) for p in planned] == [(4, "Upper A")]
    await env.bot.close()
