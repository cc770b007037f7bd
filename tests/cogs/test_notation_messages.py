"""Routine notation as a member meets it in /routine create and /log workout: units and error wording."""

from __future__ import annotations

import pytest

from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)


async def create(w, member, name: str, exercises: str):  # type: ignore[no-untyped-def]
    shown = await member.slash(w.general, "routine create")
    return await member.submit_modal(
        shown, {"routine-name": name, "routine-exercises": exercises, "routine-notes": "", "routine-tags": ""}
    )


async def test_a_bare_load_takes_the_members_unit(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings units", system="lb")
    saved = await create(w, w.alice, "Arms", "Curl 3x10 @ 30\nDip 3x8 @ bw+25")
    assert "Saved `Arms`" in text_of(saved.response), text_of(saved.response)
    assert "**Curl** `3x10 @ 30lb`" in text_of(saved.response)
    routine = await env.bot.services.routines.get_own(w.alice.id, "Arms")
    assert routine.notation == "Curl 3x10 @ 30lb\nDip 3x8 @ bw+25lb"

    shown = await w.alice.slash(w.general, "routine import")
    imported = await w.alice.submit_modal(
        shown, {"routine-name": "Rows", "routine-exercises": "Row 3x8 @ 50"}
    )
    assert "Imported `Rows`" in text_of(imported.response), text_of(imported.response)
    assert (await env.bot.services.routines.get_own(w.alice.id, "Rows")).notation == "Row 3x8 @ 50lb"

    logged = await w.alice.slash(w.general, "log workout", exercises="Curl 3x10 @ 30")
    assert "Curl** 3×10 @ 30 lb" in text_of(logged.response), text_of(logged.response)

    # A member who kept the default (kg) gets kilograms.
    kilos = await w.bob.slash(w.general, "log workout", exercises="Curl 3x10 @ 12.5")
    assert "3×10 @ 12.5 kg" in text_of(kilos.response), text_of(kilos.response)
    await env.bot.close()


async def test_an_ad_hoc_error_for_one_exercise_does_not_talk_about_line_two(simcord_env):
    env = simcord_env
    w = build_world(env)
    one = await w.alice.slash(w.general, "log workout", exercises="squat three by five")
    text = user_error(env, one)
    assert "line 2" not in text.lower() and "Line 1" not in text, text
    assert "squat three by five 3x5" not in text, "the example repeats the number words"
    assert "`squat 3x5`" in text, text
    several = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 | Bench five sets")
    text = user_error(env, several)
    assert "Line 2: `Bench five sets`" in text and "line 2 is the second exercise" in text, text
    await env.bot.close()
