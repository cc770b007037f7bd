"""The offline sandbox: its demo server and its scenes.

The screenshots themselves need a browser, so they are exercised by ``make screenshots``;
here the same world is built and every scene is played against the real bot.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import create_bot
from bot.dev import sandbox
from bot.dev.live import follow_real_time
from bot.dev.scenes import SCENES
from bot.dev.world import (
    BOT_NAME,
    CLINICIAN_TEXT,
    CLINICIAN_URL,
    build_world,
    run_command,
    sandbox_env,
    sandbox_settings,
)
from tests.cogs.world import text_of


@pytest.mark.simcord(settle_timeout=10)
async def test_demo_server_is_configured_through_the_real_commands(simcord_env):
    env = simcord_env
    world = await build_world(env)

    assert world.guild.name == "Repmate Gym"
    assert {"general", "routines", "challenges", "check-ins"} <= set(world.guild.channels)
    config = await env.bot.services.guilds.get(world.guild.id)
    assert config.routines_channel_id == world.routines.id
    assert config.challenges_channel_id == world.challenges.id
    assert config.checkins_channel_id == world.checkins.id
    assert config.emergency_number == "999"
    assert config.clinician_text == CLINICIAN_TEXT
    assert config.clinician_url == CLINICIAN_URL
    assert config.coach_role_id is not None
    assert env.bot.user.name == BOT_NAME


async def test_the_sandbox_bot_starts_on_the_demo_morning(settings):
    # The same entry the sandbox uses: outside the default quiet hours, and the bot's
    # uptime counts from its own start, not from SimCord's midnight.
    async with sandbox_env(create_bot(settings), settle_timeout=10) as env:
        world = await build_world(env)
        assert env.now().hour == 9
        about = await run_command(world, world.member, world.general, "about")
        assert "0 min" in text_of(about.response)


@pytest.mark.simcord(settle_timeout=30)
async def test_every_scene_answers_and_is_visible_to_its_viewer(simcord_env):
    env = simcord_env
    world = await build_world(env)
    assert [s.name for s in SCENES][:3] == ["setup-show", "help", "settings"]
    assert len({s.filename for s in SCENES}) == len(SCENES)

    seen: dict[str, str] = {}
    for scene in SCENES:
        assert scene.filename.endswith(".png")
        shot = await scene.play(world)
        assert shot is not None, scene.name
        # A shot frames an interaction's reply, or a message (a post, a DM).
        response = getattr(shot.target, "response", shot.target)
        seen[scene.name] = text_of(response)
        assert seen[scene.name], f"{scene.name} rendered nothing"
        visible = [m.id for m in shot.channel.history(viewer=shot.viewer)]
        assert response.id in visible, f"{scene.name} is not visible to its viewer"
        if getattr(shot.target, "ephemeral", False):
            other = next(m for m in world.members if m.id != shot.viewer.id)
            assert response.id not in [m.id for m in shot.channel.history(viewer=other)]

    assert "999" in seen["setup-show"] and f"<#{world.routines.id}>" in seen["setup-show"]
    assert "Repmate help" in seen["help"]
    assert "Europe/Berlin" in seen["settings"]
    assert "Leg Day" in seen["routine-shared"]
    assert "How sore are you today?" in seen["checkin"]
    assert "went up from 3/10 to 6/10" in seen["checkin-rated"]
    assert "**These apply to me:** Dark urine or extreme muscle pain" in seen["triage-step"]
    assert "**Not sure about these:** Fainted, or racing heart with dizziness" in seen["triage-step"]
    assert seen["triage-emergency"].startswith("Emergency\n**Stop training and get urgent or emergency care")
    assert "Emergency number: 999" in seen["triage-emergency"]
    assert "Weekly volume" in seen["history"]
    assert not env.errors


@pytest.mark.simcord(settle_timeout=10)
async def test_the_clock_follows_real_time_without_getting_in_the_way(simcord_env):
    env = simcord_env
    world = await build_world(env)
    before = env.now()
    follower = asyncio.ensure_future(follow_real_time(env, step=0.05))
    try:
        await asyncio.sleep(0.5)
        # Commands keep working while the clock is being moved along.
        for _ in range(3):
            await run_command(world, world.member, world.general, "help")
    finally:
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
    assert (env.now() - before).total_seconds() >= 0.3


def test_sandbox_database_is_recreated(tmp_path):
    database = tmp_path / "data" / "sandbox.db"
    database.parent.mkdir()
    database.write_text("left over from the last run")
    Path(f"{database}-wal").write_text("stale")
    settings = sandbox_settings(database)
    assert not database.exists() and not Path(f"{database}-wal").exists()
    assert settings.database_url == f"sqlite+aiosqlite:///{database}"


def test_embed_mentions_are_switched_on_only_while_the_sandbox_runs():
    from simcord.preview import _markdown

    policy = _markdown._FIELD_POLICIES["embed_field_value"]
    before = policy["mentions"]
    with sandbox.discord_like_embed_mentions():
        assert policy["mentions"] is True
    assert policy["mentions"] == before


def test_screenshots_without_chromium_explain_the_debian_package(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sandbox, "find_chromium", lambda: None)
    assert sandbox.main(screenshots=str(tmp_path / "shots")) == 2
    err = capsys.readouterr().err
    assert "chromium" in err and "apt-get install" in err
    assert not (tmp_path / "shots").exists()
