from __future__ import annotations

import pytest

from bot.errors import NotAllowed
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


# -- issue 14: what a new member ran into ------------------------------------------------------


def rows_of(message) -> list[list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    """The message's rows of buttons as raw payloads (followups carry dicts, others objects)."""
    rows = [row if isinstance(row, dict) else row.to_dict() for row in message.components]
    return [row.get("components", []) for row in rows]


def labels_of(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.get("label") for row in rows_of(message) for c in row]


def command(env, path: str):  # type: ignore[no-untyped-def]
    group, name = path.split()
    return env.bot.tree.get_command(group).get_command(name)  # type: ignore[union-attr]


async def test_texts_about_quiet_hours_say_reminders_keep_their_time(simcord_env):
    env = simcord_env
    w = build_world(env)
    shown = text_of((await w.alice.slash(w.general, "settings show")).response)
    assert "reminders never arrive" not in shown
    assert "Check-ins never arrive in your quiet hours" in shown
    assert "daily reminders come at the time you set" in shown.lower()
    description = command(env, "settings quiet-hours").description
    assert "reminder" not in description.lower() or "keep" in description.lower()
    assert "check-ins" in description.lower()
    help_text = text_of((await w.alice.slash(w.general, "help", topic="checkins")).response)
    assert "even inside your quiet hours" in help_text


async def test_quiet_hours_over_a_reminder_say_it_still_comes(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="21:30")
    result = await w.alice.slash(w.general, "settings quiet-hours", start="21:00", end="07:00")
    assert "Your daily reminder at 21:30 is inside these hours; it still comes at the time you chose." in (
        text_of(result.response)
    )


async def test_units_option_is_named_and_described(simcord_env):
    env = simcord_env
    w = build_world(env)
    units = command(env, "settings units")
    [option] = units.parameters
    assert option.name == "system" and option.description == "Kilograms or pounds for weights you log"
    assert [c.name for c in option.choices] == ["kg (kilograms)", "lb (pounds)"]
    result = await w.alice.slash(w.general, "settings units", system="lb")
    assert "lb" in text_of(result.response)


async def test_est_asks_which_zone_and_pressing_one_sets_it(simcord_env):
    env = simcord_env
    w = build_world(env)
    asked = await w.alice.slash(w.general, "settings timezone", zone="EST")
    text = text_of(asked.response)
    assert asked.ephemeral
    assert "daylight saving" in text
    labels = labels_of(asked.response)
    assert labels[:2] == ["America/New_York", "America/Toronto"]
    assert labels[-1] == "Keep EST (no daylight saving)"
    assert (await env.bot.services.members.get(w.alice.id)).zone_is_default, "nothing set before an answer"
    chosen = await w.alice.click(asked.response, label="America/New_York")
    assert "Time zone set to **America/New_York**" in text_of(chosen.response)
    assert (await env.bot.services.members.get(w.alice.id)).zone.key == "America/New_York"


async def test_keeping_a_fixed_zone_works_after_a_restart(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    asked = await w.alice.slash(w.general, "settings timezone", zone="EST")
    await env.restart_bot(make_bot())
    kept = await w.alice.click(asked.response, label="Keep EST (no daylight saving)")
    assert "Time zone set to **EST**" in text_of(kept.response)
    assert (await env.bot.services.members.get(w.alice.id)).zone.key == "EST"


async def test_only_the_member_who_asked_can_answer_the_zone_question(simcord_env):
    env = simcord_env
    w = build_world(env)
    asked = await w.alice.slash(w.general, "settings timezone", zone="EST")
    custom_id = rows_of(asked.response)[0][0]["custom_id"]
    from cogs.settings import ZoneButton

    with pytest.raises(NotAllowed):
        ZoneButton.check_owner(custom_id, w.bob.id)


@pytest.mark.start_at("2026-07-01T12:00:00+00:00")
@pytest.mark.parametrize(
    ("typed", "first", "keep"),
    [
        ("Etc/GMT-5", "Asia/Karachi", "Keep UTC+5 (no daylight saving)"),
        ("GMT+2", "Europe/Berlin", "Keep UTC+2 (no daylight saving)"),  # Berlin is at UTC+2 in July
        ("UTC+3", "Europe/Istanbul", "Keep UTC+3 (no daylight saving)"),
        ("PST", "America/Los_Angeles", "Keep UTC-8 (no daylight saving)"),
        ("CET", "Europe/Berlin", "Keep CET"),
    ],
)
async def test_abbreviations_and_fixed_offsets_ask_first(simcord_env, typed, first, keep):
    env = simcord_env
    w = build_world(env)
    asked = await w.alice.slash(w.general, "settings timezone", zone=typed)
    labels = labels_of(asked.response)
    assert labels[0] == first and labels[-1] == keep
    assert all(len(label) <= 80 for label in labels)
    assert all(len(row) <= 5 for row in rows_of(asked.response)) and len(rows_of(asked.response)) <= 5
    assert (await env.bot.services.members.get(w.alice.id)).zone_is_default


async def test_utc_is_accepted_with_a_note(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "settings timezone", zone="UTC")
    text = text_of(result.response)
    assert "Time zone set to **UTC**" in text and "daylight saving" in text
    assert labels_of(result.response) == []


async def test_autocomplete_ranks_city_zones_before_abbreviations(simcord_env):
    env = simcord_env
    w = build_world(env)
    choices = await w.alice.autocomplete(w.general, "settings timezone", "zone", "est")
    values = [c["value"] if isinstance(c, dict) else c.value for c in choices]
    assert values[0] == "America/New_York"
    assert values[-1] == "EST"
    empty = await w.alice.autocomplete(w.general, "settings timezone", "zone", "")
    values = [c["value"] if isinstance(c, dict) else c.value for c in empty]
    assert "/" in values[0] and values[-1] == "UTC"
