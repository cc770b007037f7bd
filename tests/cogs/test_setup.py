from __future__ import annotations

import discord
import pytest
import simcord

from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=10)


async def test_admin_sets_channels_and_show_reflects_them(simcord_env):
    w = build_world(simcord_env)
    result = await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    assert result.ephemeral
    shown = text_of(result.response)
    assert "Channels saved" in shown
    assert f"<#{w.routines.id}>" in shown and f"<#{w.challenges.id}>" in shown
    show = await w.admin.slash(w.general, "setup show")
    assert f"<#{w.checkins.id}>" in text_of(show.response)


async def test_member_cannot_see_setup_by_default(simcord_env):
    w = build_world(simcord_env)
    with pytest.raises(simcord.SetupError):
        await w.alice.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)


async def test_member_granted_the_command_is_still_refused_and_nothing_changes(simcord_env):
    env = simcord_env
    w = build_world(env)
    commands = await env.bot.tree.fetch_commands()
    setup_cmd = next(c for c in commands if c.name == "setup")
    w.guild.set_command_permissions(setup_cmd, {w.alice: True})
    result = await w.alice.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    assert result.ephemeral
    assert "Manage Server" in text_of(result.response)
    simcord.assert_error(env, discord.app_commands.CheckFailure)
    config = await env.bot.services.guilds.get(w.guild.id)
    assert config.routines_channel_id is None


async def test_channel_the_bot_cannot_post_in_is_refused_with_the_permission_named(simcord_env):
    env = simcord_env
    w = build_world(env)
    locked = w.guild.create_text_channel(
        "locked", overwrites={w.guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await w.admin.slash(w.general, "setup channels", routines=locked, challenges=w.challenges)
    text = user_error(env, result)
    assert "Send Messages" in text and f"<#{locked.id}>" in text
    assert (await env.bot.services.guilds.get(w.guild.id)).routines_channel_id is None


async def test_clinician_and_emergency_number_validated(simcord_env):
    env = simcord_env
    w = build_world(env)
    bad = await w.admin.slash(w.general, "setup clinician", text="Club physio", url="http://insecure.example")
    assert "https" in user_error(env, bad)
    bad_number = await w.admin.slash(w.general, "setup emergency-number", number="call someone")
    assert "Example" in user_error(env, bad_number)
    ok = await w.admin.slash(
        w.general, "setup clinician", text="Riverside Sports Clinic", url="https://clinic.example/sports"
    )
    assert "Riverside Sports Clinic" in text_of(ok.response)
    ok = await w.admin.slash(w.general, "setup emergency-number", number="999")
    config = await env.bot.services.guilds.get(w.guild.id)
    assert config.emergency_number == "999"
    assert config.clinician_url == "https://clinic.example/sports"


async def test_coach_role_cannot_be_everyone(simcord_env):
    env = simcord_env
    w = build_world(env)
    coaches = w.guild.create_role("Coaches")
    ok = await w.admin.slash(w.general, "setup coach-role", role=coaches)
    assert f"<@&{coaches.id}>" in text_of(ok.response)
    bad = await w.admin.slash(w.general, "setup coach-role", role=w.guild.default_role)
    assert "@everyone" in user_error(env, bad)
    assert (await env.bot.services.guilds.get(w.guild.id)).coach_role_id == coaches.id
