"""The offline sandbox: its demo server, its scenes, and the sandbox page's bar.

The page's bar is driven here through the same HTTP endpoints its buttons call
(:mod:`bot.dev.web`), and the conversation beside it through the same address; a real
browser clicks through it in ``test_sandbox_browser.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import create_bot
from bot.dev import sandbox
from bot.dev.console import Console
from bot.dev.scenes import SCENES, create_leg_day
from bot.dev.web import SandboxSite
from bot.dev.world import (
    BOT_NAME,
    CLINICIAN_TEXT,
    CLINICIAN_URL,
    TOUR,
    SandboxWorld,
    SavedSession,
    build_world,
    configure_world,
    run_command,
    sandbox_env,
    sandbox_settings,
)
from tests.cogs.world import text_of

KEY = "test-key"


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
    async with sandbox_env(create_bot(settings), settle_timeout=10) as world:
        await configure_world(world)
        assert world.env.now().hour == 9
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


def test_the_sandbox_database_is_kept_unless_fresh(tmp_path):
    database = tmp_path / "data" / "sandbox.db"
    database.parent.mkdir()
    database.write_text("the last run's")
    Path(f"{database}-wal").write_text("its journal")
    kept = sandbox_settings(database, fresh=False)
    assert database.read_text() == "the last run's"
    assert kept.database_url == f"sqlite+aiosqlite:///{database}"
    sandbox_settings(database, fresh=True)
    assert not database.exists() and not Path(f"{database}-wal").exists()


def test_screenshots_and_the_sandbox_use_different_databases():
    from bot.dev import world

    assert world.SCREENSHOTS_DB != world.SANDBOX_DB
    assert world.SCREENSHOTS_DB.parent == world.SANDBOX_DB.parent  # both under the ignored data/


def test_the_saved_session_round_trips_and_survives_a_damaged_file(tmp_path):
    path = tmp_path / "sandbox.json"
    session = SavedSession.load(path)
    assert session.clock is None and session.port is None and len(session.key) >= 24
    session.clock = sandbox_now = _demo_instant()
    session.port = 8123
    session.save(path)
    again = SavedSession.load(path)
    assert (again.clock, again.port, again.key) == (sandbox_now, 8123, session.key)
    path.write_text("{not json")
    assert SavedSession.load(path).key != session.key


def _demo_instant() -> Any:
    from bot.dev.world import DEMO_MORNING_S, SIMCORD_EPOCH

    return SIMCORD_EPOCH + timedelta(seconds=DEMO_MORNING_S, days=3)


@contextlib.asynccontextmanager
async def sandbox_page(
    settings: Any,
) -> AsyncIterator[tuple[SandboxWorld, Console, aiohttp.ClientSession, str]]:
    """The interactive sandbox as ``make sandbox`` starts it, an HTTP client for its page, its address."""
    async with sandbox_env(create_bot(settings), settle_timeout=20) as world:
        await configure_world(world, challenge=True)
        console = Console(world)
        site = SandboxSite(console, KEY)
        await site.start(None)
        try:
            await console.open()
            async with aiohttp.ClientSession(f"http://127.0.0.1:{site.port}") as http:
                yield world, console, http, site.url
        finally:
            await console.aclose()
            await site.close()


async def bar(http: aiohttp.ClientSession, path: str, body: dict[str, Any] | None = None) -> Any:
    """Press a button of the sandbox bar (what ``static/sandbox.js`` sends)."""
    headers = {"X-Sandbox-Key": KEY}
    if body is None:
        async with http.get(f"/sandbox/api/{path}", headers=headers) as response:
            assert response.status == 200, await response.text()
            return await response.json()
    async with http.post(f"/sandbox/api/{path}", headers=headers, json=body) as response:
        return response.status, await response.json()


async def conversation(http: aiohttp.ClientSession) -> dict[str, Any]:
    """What the conversation beside the bar shows: SimCord's page opened through the same address."""
    async with http.post("/api/pages", headers={"X-Simcord-Capability": KEY}, json={}) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


def shown_text(page: dict[str, Any]) -> str:
    return json.dumps(page.get("messages", {}), ensure_ascii=False)


async def test_the_bar_switches_to_a_dm_and_routines_and_a_skipped_day_brings_the_check_in(settings):
    async with sandbox_page(settings) as (world, _console, http, _url):
        state = await bar(http, "state")
        assert (state["place"], state["acting"]) == ("general", "alice")
        assert [p["key"] for p in state["places"]] == ["general", "routines", "challenges", "check-ins", "dm"]
        assert {m["name"] for m in state["members"]} == {"Alice", "Ada", "Bob"}
        assert state["tour"] == list(TOUR)
        assert state["next"]["text"].startswith("challenge results, in ")
        page = await conversation(http)
        assert page["channel"]["name"] == "general"
        assert "Welcome to the Repmate sandbox" in shown_text(page)
        # The page's key is the only way in, to the bar as to the conversation.
        async with http.get("/sandbox/api/state") as response:
            assert response.status == 403
        async with http.post("/api/pages", headers={"X-Simcord-Capability": "guess"}, json={}) as response:
            assert response.status == 401

        await create_leg_day(world)
        await run_command(world, world.alice, world.general, "routine share", name="Leg Day")
        await run_command(world, world.alice, world.general, "log workout", routine="Leg Day", rpe=8)

        status, state = await bar(http, "go", {"place": "dm"})
        assert status == 200 and state["place"] == "dm"
        page = await conversation(http)
        assert page["channel"]["guildId"] is None
        assert "How sore" not in shown_text(page)

        status, state = await bar(http, "go", {"place": "routines"})
        assert status == 200 and state["place"] == "routines"
        assert "Leg Day" in shown_text(await conversation(http))

        before = world.env.now()
        status, state = await bar(http, "skip", {"by": "1d"})
        assert status == 200
        assert world.env.now() - before >= timedelta(days=1)
        assert "dm" in state["arrived"]
        assert next(p for p in state["places"] if p["key"] == "dm")["unread"]

        status, state = await bar(http, "go", {"place": "dm"})
        assert "How sore are you today?" in shown_text(await conversation(http))
        assert not next(p for p in state["places"] if p["key"] == "dm")["unread"]
        assert not world.env.errors


async def test_the_bar_acts_as_another_member_and_skips_to_the_next_delivery(settings):
    async with sandbox_page(settings) as (world, _console, http, _url):
        status, state = await bar(http, "go", {"place": "dm", "acting": "bob"})
        assert status == 200 and (state["place"], state["acting"]) == ("dm", "bob")
        page = await conversation(http)
        assert [v["id"] for v in page["viewers"]] == [str(world.bob.id)]

        # The demo challenge started with the sandbox and ends a day later: "next" lands just after.
        status, _ = await bar(http, "go", {"place": "challenges"})
        assert "Join" in shown_text(await conversation(http))
        due = state["next"]["at"]
        status, state = await bar(http, "skip", {"by": "next"})
        assert status == 200 and "challenges" in state["arrived"]
        assert world.env.now().isoformat() > due
        assert "Results: Tabata" in shown_text(await conversation(http))

        status, answer = await bar(http, "go", {"place": "nowhere"})
        assert status == 409 and "There is no" in answer["error"]
        status, answer = await bar(http, "skip", {"by": "1y"})
        assert status == 409 and "Skip by one of" in answer["error"]


async def test_after_a_skip_the_timer_and_relative_times_read_from_the_new_now(settings):
    async with sandbox_page(settings) as (world, _console, http, _url):
        await run_command(world, world.alice, world.general, "interval start", program="tabata")
        timer_id = next(m.id for m in world.general.history() if "⏱️" in text_of(m))
        page = await conversation(http)  # a tab already open on #general
        context = {"X-Simcord-Capability": KEY, "X-Simcord-Context": page["context"]["id"]}
        status, _ = await bar(http, "skip", {"by": "10m"})
        assert status == 200
        timer = next(m for m in world.general.history() if m.id == timer_id)
        assert "of Tabata done" in text_of(timer)
        # The open tab is republished: it shows the finished timer, and measures relative
        # times ("in 20 seconds") from the new now, not from when it was opened.
        async with http.get("/api/state", headers=context) as response:
            assert response.status == 200, await response.text()
            now = await response.json()
        assert now["publication"]["publishedRevision"] > page["publication"]["publishedRevision"]
        shown_at = datetime.fromisoformat(now["profile"]["presentationTime"])
        assert abs((shown_at - world.env.now()).total_seconds()) < 2
        assert "of Tabata done" in shown_text(now)


async def test_a_jump_link_stays_in_the_sandbox(settings):
    async with sandbox_page(settings) as (world, _console, http, _url):
        await create_leg_day(world)
        shared = await run_command(world, world.alice, world.general, "routine share", name="Leg Day")
        rows = [row if isinstance(row, dict) else row.to_dict() for row in shared.response.components]
        link = next(c["url"] for row in rows for c in row["components"] if "url" in c)
        assert link.startswith("https://discord.com/channels/")
        status, state = await bar(http, "go", {"link": link})
        assert status == 200 and state["place"] == "routines"
        page = await conversation(http)
        assert page["targetId"] == str(world.routines.last_message.id)
        status, answer = await bar(http, "go", {"link": "https://discord.com/channels/1/2/3"})
        assert status == 409 and "outside" in answer["error"]


async def test_an_expected_refusal_is_not_a_failure_but_a_bug_still_is(settings):
    async with sandbox_page(settings) as (world, _console, _http, _url):
        refused = await world.alice.slash(world.general, "routine view", name="Nope")
        assert "Nope" in text_of(refused.response)
        assert world.refusals and not world.env.errors
        assert any("Nope" in str(getattr(e, "original", e)) for e in world.refusals)

        # A real bug still counts as one.
        world.env._record_error(RuntimeError("a real bug"))
        assert [str(e) for e in world.env.errors] == ["a real bug"]


async def test_a_restart_finds_the_same_server_and_data(tmp_path):
    settings = sandbox_settings(tmp_path / "sandbox.db", fresh=False)
    async with sandbox_env(create_bot(settings), settle_timeout=20) as world:
        await configure_world(world)
        await create_leg_day(world)
        await run_command(world, world.alice, world.general, "log workout", routine="Leg Day", rpe=7)
        await world.env.advance_time(3600)
        ids = (world.guild.id, world.general.id, world.alice.id, world.alice.user.dm_channel.id)
        stopped_at = world.env.now()

    async with sandbox_env(create_bot(settings), settle_timeout=20, resume_at=stopped_at) as world:
        await configure_world(world)
        assert (world.guild.id, world.general.id, world.alice.id, world.alice.user.dm_channel.id) == ids
        assert world.env.now() >= stopped_at
        history = await run_command(world, world.alice, world.general, "log history", days=7)
        assert "Leg Day" in text_of(history.response)
        # The check-in the first run scheduled still comes, to the same DM channel.
        await world.env.advance_time(24 * 3600)
        assert any("How sore" in text_of(m) for m in world.alice.user.dm_channel.history())


async def test_the_clock_follows_real_time_without_getting_in_the_way(settings):
    async with sandbox_page(settings) as (world, console, _http, _url):
        before = world.env.now()
        follower = asyncio.ensure_future(console.follow_real_time(step=0.05))
        try:
            await asyncio.sleep(0.5)
            # Commands keep working while the clock is being moved along.
            for _ in range(3):
                await run_command(world, world.member, world.general, "help")
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
        assert (world.env.now() - before).total_seconds() >= 0.3


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
