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
    assert "/settings" in text and "/routine" in text
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


async def test_help_shows_members_only_the_commands_they_can_use(simcord_env):
    env = simcord_env
    w = build_world(env)
    owner = w.guild.add_member(env.create_user("olly"))
    env.bot.owner_ids = {owner.id}
    member = text_of((await w.alice.slash(w.general, "help")).response)
    assert "/admin" not in member and "/setup" not in member, member
    assert "/routine" in member
    admins = text_of((await w.alice.slash(w.general, "help", topic="admins")).response)
    assert "/admin" not in admins and "/setup" not in admins, admins
    assert "Manage Server" in admins

    server_admin = text_of((await w.admin.slash(w.general, "help")).response)
    assert "/setup" in server_admin and "/admin" not in server_admin, server_admin
    topic = text_of((await w.admin.slash(w.general, "help", topic="admins")).response)
    assert "`/setup channels`" in topic and "/admin" not in topic, topic
    # The bot's owner sees /admin, and (without Manage Server here) not /setup.
    shown = text_of((await owner.slash(w.general, "help", topic="admins")).response)
    assert "`/admin sync`" in shown and "/setup" not in shown, shown


async def test_help_topics_read_the_same_in_the_option_the_overview_and_its_menu(simcord_env):
    env = simcord_env
    w = build_world(env)
    synced = next(c for c in await env.bot.tree.fetch_commands() if c.name == "help")
    choices = {choice.name: choice.value for choice in synced.options[0].choices}
    answer = (await w.alice.slash(w.general, "help")).response
    overview = next(m for m in w.general.history(viewer=w.alice) if m.id == answer.id)
    fields = [f.name for f in overview.embeds[0].fields]
    assert fields and set(fields) <= set(choices), (fields, choices)
    assert all("`" not in name for name in fields), "no internal codes the menu doesn't show"
    [menu] = [c for row in overview.components for c in row.children]
    labels = [option.label for option in menu.options]
    assert labels == fields
    assert [option.value for option in menu.options] == [choices[label] for label in labels]
    picked = await w.alice.select(overview, [choices["Getting started"]], custom_id=menu.custom_id)
    assert picked.acknowledged
    shown = next(m for m in w.general.history(viewer=w.alice) if m.id == overview.id)
    assert "Getting started" in text_of(shown) and "`/settings timezone`" in text_of(shown)


async def test_about_uses_the_servers_emergency_number_and_hides_the_server_count(simcord_env):
    env = simcord_env
    w = build_world(env)
    env.bot.owner_ids = {w.admin.id}
    await w.admin.slash(w.general, "setup emergency-number", number="999")
    text = text_of((await w.alice.slash(w.general, "about")).response)
    assert "call 999" in text and "local emergency number" not in text, text
    assert "Servers" not in text
    in_dm = text_of((await w.alice.user.slash("about")).response)
    assert "call 999" in in_dm, in_dm
    carol = w.guild.add_member(env.create_user("carol"))
    unknown = text_of((await carol.user.slash("about")).response)
    assert "call your local emergency number" in unknown
    owner = text_of((await w.admin.slash(w.general, "about")).response)
    assert "Servers" in owner
