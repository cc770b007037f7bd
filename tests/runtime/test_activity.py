"""Member activity, recorded once for every interaction, through SimCord."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.db.repositories.deliveries import Delivery
from tests.cogs.world import build_world, text_of

ECHO = "tests.runtime.echo_ext"
pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.extensions(ECHO)]


async def paused_delivery(env: Any, member: Any) -> Delivery:
    """A DM waiting for ``member``, paused because their DMs were found closed."""
    now = env.bot.clock.now()
    scheduler = env.bot.services.deliveries
    delivery = await scheduler.schedule(
        "echo", now + timedelta(minutes=5), user_id=member.id, payload={"text": "welcome back"}
    )
    await env.bot.services.members.repo.mark_unreachable(member.id, now)
    await scheduler.repo.pause_user(member.id, now)
    return delivery


async def status(env: Any, delivery: Delivery) -> str:
    stored = await env.bot.services.deliveries.get(delivery.id)
    assert stored is not None
    return str(stored.status)


def count_touches(env: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int | None]]:
    repo = env.bot.services.members.repo
    original = repo.touch
    calls: list[tuple[int, int | None]] = []

    async def counting(user_id: int, guild_id: int | None, now: datetime) -> bool:
        calls.append((user_id, guild_id))
        return bool(await original(user_id, guild_id, now))

    monkeypatch.setattr(repo, "touch", counting)
    return calls


async def test_autocomplete_is_not_a_visit_but_the_command_is(simcord_env, monkeypatch):
    env = simcord_env
    w = build_world(env)
    touches = count_touches(env, monkeypatch)
    delivery = await paused_delivery(env, w.alice)
    await w.alice.autocomplete(w.general, "exercise info", "name", "ben")
    await w.alice.autocomplete(w.general, "exercise info", "name", "bench")
    await env.advance_time(10 * 60)
    assert touches == [], "typing in an option is not using a command"
    assert await status(env, delivery) == "paused"

    await w.alice.slash(w.general, "settings show")
    await env.advance_time(60)
    assert touches == [(w.alice.id, w.guild.id)]
    assert await status(env, delivery) == "sent"
    assert [m.content for m in w.alice.user.dm_channel.history()] == ["welcome back"]


async def test_the_answer_does_not_wait_for_the_visit_to_be_recorded(simcord_env, monkeypatch):
    env = simcord_env
    w = build_world(env)
    delivery = await paused_delivery(env, w.alice)
    repo = env.bot.services.members.repo
    original = repo.touch

    async def slow(user_id: int, guild_id: int | None, now: datetime) -> bool:
        await asyncio.sleep(3600)
        return bool(await original(user_id, guild_id, now))

    monkeypatch.setattr(repo, "touch", slow)
    shown = await w.alice.slash(w.general, "settings show")
    assert shown.response is not None and "UTC" in text_of(shown.response)
    assert (await repo.get(w.alice.id)).unreachable_since is not None, "still being recorded"
    assert await status(env, delivery) == "paused"
    await env.advance_time(3600 + 60)
    assert (await repo.get(w.alice.id)).unreachable_since is None
    assert await status(env, delivery) == "sent"


async def test_a_member_is_recorded_at_most_once_a_minute_unless_the_server_changes(simcord_env, monkeypatch):
    env = simcord_env
    w = build_world(env)
    touches = count_touches(env, monkeypatch)
    for _ in range(3):
        await w.alice.slash(w.general, "settings show")
    assert touches == [(w.alice.id, w.guild.id)]

    other = env.create_guild("Night Owls")
    lobby = other.create_text_channel("lobby")
    elsewhere = other.add_member(w.alice.user)
    await elsewhere.slash(lobby, "settings show")
    assert touches[-1] == (w.alice.id, other.id), "a new server is remembered at once"
    assert (await env.bot.services.members.repo.get(w.alice.id)).last_guild_id == other.id

    await env.advance_time(61)
    await elsewhere.slash(lobby, "settings show")
    assert len(touches) == 3, "a minute later the visit counts again"


async def test_dms_closing_within_the_minute_still_resume_on_the_next_command(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await w.alice.slash(w.general, "settings show")
    dm = w.alice.user.dm_channel
    env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    delivery = await env.bot.services.deliveries.schedule(
        "echo", env.bot.clock.now(), user_id=w.alice.id, payload={"text": "again"}
    )
    await env.advance_time(5)
    assert await status(env, delivery) == "paused"
    assert len(w.checkins.history()) == 1

    await w.alice.slash(w.general, "settings show")  # well within a minute of the last one
    await env.advance_time(30)
    assert await status(env, delivery) == "sent"
    assert [m.content for m in dm.history()] == ["again"]
