from __future__ import annotations

import pytest
import simcord

from tests.cogs.world import build_world, text_of

pytestmark = pytest.mark.simcord(settle_timeout=10)


async def test_help_lists_live_commands_by_topic(simcord_env):
    w = build_world(simcord_env)
    overview = await w.alice.slash(w.general, "help")
    text = text_of(overview.response)
    assert overview.ephemeral
    assert "/settings" in text and "/setup" in text
    detail = await w.alice.slash(w.general, "help", topic="start")
    text = text_of(detail.response)
    assert "`/settings timezone`" in text and "time zone" in text


async def test_about_says_version_uptime_and_not_medical_advice(simcord_env):
    env = simcord_env
    w = build_world(env)
    await env.advance_time(3 * 3600 + 5 * 60)
    result = await w.alice.slash(w.general, "about")
    text = text_of(result.response)
    assert env.bot.version in text
    assert "3 h 5 min" in text
    assert "not a diagnosis" in text


async def test_admin_sync_is_owner_only(simcord_env):
    env = simcord_env
    w = build_world(env)
    commands = await env.bot.tree.fetch_commands()
    admin_cmd = next(c for c in commands if c.name == "admin")
    w.guild.set_command_permissions(admin_cmd, {w.admin: True})
    refused = await w.admin.slash(w.general, "admin sync")
    assert "owners" in text_of(refused.response)
    simcord.assert_error(env, __import__("discord").app_commands.CheckFailure)


async def test_owner_can_force_a_sync(simcord_env):
    env = simcord_env
    w = build_world(env)
    commands = await env.bot.tree.fetch_commands()
    w.guild.set_command_permissions(next(c for c in commands if c.name == "admin"), {w.admin: True})
    env.bot.owner_ids = {w.admin.id}
    before = sum(1 for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))
    result = await w.admin.slash(w.general, "admin sync")
    assert "Synced" in text_of(result.response)
    after = sum(1 for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))
    assert after == before + 1
