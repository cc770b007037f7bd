"""Progression hints through SimCord: after /log workout, in /routine view, and turned off."""

from __future__ import annotations

import pytest

from tests.cogs.world import build_world, create_routine, text_of

pytestmark = pytest.mark.simcord(settle_timeout=15)


def next_time(message) -> str:  # type: ignore[no-untyped-def]
    fields = [f for f in message.embeds[0].fields if (f.name or "").startswith("Next time")]
    return "\n".join(f.value or "" for f in fields)


async def test_hints_at_the_top_of_the_range_and_after_missed_targets(simcord_env):
    w = build_world(simcord_env)
    saved = await create_routine(
        w.alice, w.general, "Push", "Bench Press 3x8-10 @ 60kg\nBack Squat 3x5 @ 100kg"
    )
    assert "Saved `Push`" in text_of(saved.response)

    top = await w.alice.slash(
        w.general, "log workout", exercises="Bench Press 3x10 @ 60kg | Back Squat 3x5 @ 100kg"
    )
    assert top.ephemeral
    hints = next_time(top.response)
    assert "**Bench Press** 61.25 kg × 8 (3 sets) — all sets at the top of the range: add 1.25 kg" in hints
    assert "**Back Squat** 102.5 kg × 5 (3 sets)" in hints, hints

    inside = await w.alice.slash(w.general, "log workout", exercises="Bench Press 3x9 @ 61.25kg")
    assert "**Bench Press** 61.25 kg × 10 (3 sets) — 1 more rep on each set" in next_time(inside.response)

    hard = await w.alice.slash(w.general, "log workout", exercises="Bench Press 3x10 @ 61.25kg RPE 10")
    assert "61.25 kg × 10 (3 sets) — last effort was RPE 10: hold here" in next_time(hard.response)

    once = await w.alice.slash(w.general, "log workout", exercises="Bench Press 3x6 @ 61.25kg")
    assert "61.25 kg × 8 (3 sets) — missed the target: repeat" in next_time(once.response)
    twice = await w.alice.slash(w.general, "log workout", exercises="Bench Press 3x7 @ 61.25kg")
    assert "**Bench Press** 56.25 kg × 8 (3 sets) — missed the target twice in a row" in next_time(
        twice.response
    )

    view = await w.alice.slash(w.general, "routine view", name="Push")
    shown = next_time(view.response)
    assert "**Bench Press** 56.25 kg × 8" in shown and "**Back Squat** 102.5 kg × 5" in shown


async def test_hints_in_pounds_and_turned_off(simcord_env):
    w = build_world(simcord_env)
    await w.alice.slash(w.general, "settings units", system="lb")
    logged = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 225lb")
    assert "**Back Squat** 230 lb × 5 (3 sets) — all sets at the top of the range: add 5 lb" in next_time(
        logged.response
    )

    off = await w.alice.slash(w.general, "settings progression", hints="off")
    assert "Progression hints are **off**" in text_of(off.response)
    shown = await w.alice.slash(w.general, "settings show")
    assert {f.name: f.value for f in shown.response.embeds[0].fields}["Progression hints"] == "off"
    quiet = await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 230lb")
    assert "Workout logged" in text_of(quiet.response)
    assert next_time(quiet.response) == ""
    await create_routine(w.alice, w.general, "Legs", "Back Squat 3x5 @ 230lb")
    view = await w.alice.slash(w.general, "routine view", name="Legs")
    assert next_time(view.response) == ""
    await w.alice.slash(w.general, "settings progression", hints="on")
    back = await w.alice.slash(w.general, "routine view", name="Legs")
    assert "**Back Squat** 235 lb × 5" in next_time(back.response)


async def test_a_routine_logged_as_written_and_by_its_button_gets_hints(simcord_env):
    w = build_world(simcord_env)
    await create_routine(w.alice, w.general, "Upper", "Bench Press 3x8-10 @ 60kg\nPlank 3x45s")
    logged = await w.alice.slash(w.general, "log workout", routine="Upper", rpe=7)
    hints = next_time(logged.response)
    assert "**Bench Press** 60 kg × 9-10 (3 sets) — 1 more rep on each set" in hints
    assert "Plank" not in hints, "timed sets have no load to move"
    today = await simcord_env.bot.services.plans.local_today(w.alice.id)
    await w.alice.slash(w.general, "plan set", day=today.strftime("%a").lower(), routine="Upper")
    shown = await w.alice.slash(w.general, "plan show")
    pressed = await w.alice.click(shown.response, label="Log it")
    assert "**Bench Press** 60 kg × 9-10" in next_time(pressed.response)
