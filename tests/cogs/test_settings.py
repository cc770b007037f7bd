from __future__ import annotations

import pytest

from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=10)


async def test_defaults_shown_to_a_new_member(simcord_env):
    w = build_world(simcord_env)
    result = await w.alice.slash(w.general, "settings show")
    shown = text_of(result.response)
    assert result.ephemeral
    assert "UTC (server default)" in shown
    assert "22:00–08:00" in shown and "kg" in shown and "on" in shown


async def test_timezone_set_and_autocompleted(simcord_env):
    env = simcord_env
    w = build_world(env)
    choices = await w.alice.autocomplete(w.general, "settings timezone", "zone", "new york")
    assert "America/New_York" in [c["value"] if isinstance(c, dict) else c.value for c in choices]
    result = await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    assert "America/New_York" in text_of(result.response)
    assert (await env.bot.services.members.get(w.alice.id)).zone.key == "America/New_York"


async def test_unknown_timezone_refused_with_an_example_and_nothing_changes(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="Europe/Berlin")
    result = await w.alice.slash(w.general, "settings timezone", zone="Mars/Olympus")
    text = user_error(env, result)
    assert "Mars/Olympus" in text and "Europe/Berlin" in text
    assert (await env.bot.services.members.get(w.alice.id)).zone.key == "Europe/Berlin"


async def test_quiet_hours_validated(simcord_env):
    env = simcord_env
    w = build_world(env)
    bad = await w.alice.slash(w.general, "settings quiet-hours", start="25:00", end="07:00")
    text = user_error(env, bad)
    assert "25:00" in text and ":" in text
    ok = await w.alice.slash(w.general, "settings quiet-hours", start="23:30", end="06:45")
    assert "23:30–06:45" in text_of(ok.response)
    off = await w.alice.slash(w.general, "settings quiet-hours", start="07:00", end="07:00")
    assert "turned off" in text_of(off.response)


async def test_units_and_checkins_are_per_member(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings units", system="lb")
    await w.alice.slash(w.general, "settings checkins", enabled=False)
    alice = await env.bot.services.members.get(w.alice.id)
    bob = await env.bot.services.members.get(w.bob.id)
    assert (alice.units, alice.checkins_enabled) == ("lb", False)
    assert (bob.units, bob.checkins_enabled) == ("kg", True)
