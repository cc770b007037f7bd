"""Milestone roles through SimCord: set up by an admin, granted once, respected when removed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-02T12:00:00+00:00")]


async def log(env: Any, w: World, member: Any) -> None:
    result = await member.slash(w.general, "log workout", exercises="Plank 3x45s")
    assert "Workout logged" in text_of(result.response)
    await env.advance_time(5)


def role_ids(env: Any, w: World, member: Any) -> list[int]:
    return list(env.backend.get_member(w.guild.id, member.id).role_ids)


def grants(env: Any) -> list[Any]:
    return [r for r in env.http_requests if r.method == "PUT" and "/roles/" in r.path]


async def test_a_milestone_role_is_granted_once_and_not_again_after_an_admin_removes_it(simcord_env):
    env = simcord_env
    w = build_world(env)
    two = w.guild.create_role("Two Club")
    await w.admin.slash(w.general, "setup timezone", zone="Europe/London")
    await w.admin.slash(w.general, "setup recap", channel=w.general, day="mon", time="09:00")
    shown = await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=2, role=two)
    assert "**2 sessions**" in text_of(shown.response)

    await log(env, w, w.alice)
    assert two.id not in role_ids(env, w, w.alice)
    await log(env, w, w.alice)
    assert two.id in role_ids(env, w, w.alice)
    congrats = [m for m in w.general.history() if "earned" in (m.content or "")]
    assert len(congrats) == 1 and f"<@{w.alice.id}> reached **2 sessions**" in congrats[0].content
    posted = [
        r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{w.general.id}/messages"
    ]
    assert posted[-1].json["allowed_mentions"]["parse"] == [], "congratulated without a ping"

    env.backend.remove_member_role(w.guild.id, w.alice.id, two.id)  # an admin takes it away
    await log(env, w, w.alice)
    await log(env, w, w.alice)
    assert two.id not in role_ids(env, w, w.alice)
    assert len(grants(env)) == 1
    listed = text_of((await w.admin.slash(w.general, "setup milestones")).response)
    assert "**2 sessions**" in listed and "granted 1" in listed
    await env.bot.close()


async def test_a_role_above_the_bot_is_refused_and_nothing_is_saved(simcord_env):
    env = simcord_env
    w = build_world(env)
    high = w.guild.create_role("Legends", position=50)
    refused = await w.admin.slash(w.general, "setup milestone-role", kind="weekly-streak", at=10, role=high)
    text = user_error(env, refused)
    assert "above (or at) my highest role" in text and "/setup milestone-role kind:sessions" in text
    bad = await w.admin.slash(
        w.general, "setup milestone-role", kind="sessions", at=0, role=w.guild.create_role("Zero")
    )
    assert "from 1 to 10000" in user_error(env, bad)
    listed = text_of((await w.admin.slash(w.general, "setup milestones")).response)
    assert "None yet" in listed
    await env.bot.close()


async def test_a_deleted_role_is_recorded_shown_and_not_retried(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = w.guild.create_role("First Session")
    await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=1, role=first)
    env.backend.delete_role(w.guild.id, first.id)
    await log(env, w, w.alice)
    await log(env, w, w.bob)
    assert len(grants(env)) == 1, "one refusal is recorded, not retried for the next member"
    listed = text_of((await w.admin.slash(w.general, "setup milestones")).response)
    assert "the role was deleted" in listed and "granted 0" in listed
    await env.bot.close()


async def test_privacy_export_and_delete_cover_streaks_and_grants_but_leave_granted_roles(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = w.guild.create_role("First Session")
    await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=1, role=first)
    await w.alice.slash(w.general, "settings weekly-target", sessions=2)
    await w.alice.slash(w.general, "settings recap-mentions", enabled=False)
    await log(env, w, w.alice)
    assert first.id in role_ids(env, w, w.alice)

    exported = await w.alice.slash(w.general, "privacy export")
    data = json.loads(await exported.response.attachments[0].read())
    tables = data["tables"]
    assert tables["workout_days"][0]["local_date"] == "2026-03-02"
    assert tables["streak_targets"][0]["target"] == 2
    assert tables["streak_prefs"][0]["recap_mentions"] is False
    assert tables["milestone_grants"][0]["outcome"] == "granted"

    shown = await w.alice.slash(w.general, "privacy delete")
    assert "Milestone roles already granted to you stay" in text_of(shown.response)
    await w.alice.click(shown.response, label="Delete everything")
    receipt = text_of(next(m for m in w.general.history(viewer=w.alice) if m.id == shown.response.id))
    assert "milestone reached" in receipt and "stay on your Discord profile" in receipt
    after = await env.bot.services.privacy.export(w.alice.id)
    assert all(rows == [] for rows in after["tables"].values()), after["tables"]
    assert first.id in role_ids(env, w, w.alice), "the server's role is the server's to remove"
    text = text_of((await w.alice.slash(w.general, "streak")).response)
    assert "This week: 0 of 3 sessions" in text
    await env.bot.close()


async def test_a_refusal_from_discord_is_recorded_and_not_retried(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = w.guild.create_role("First Session")
    await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=1, role=first)
    env.inject_error(
        "PUT",
        f"/guilds/{w.guild.id}/members/{w.alice.id}/roles/{first.id}",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    await log(env, w, w.alice)
    await log(env, w, w.bob)
    assert first.id not in role_ids(env, w, w.alice) and first.id not in role_ids(env, w, w.bob)
    listed = text_of((await w.admin.slash(w.general, "setup milestones")).response)
    assert "Discord refused: I need Manage Roles" in listed and "granted 0" in listed
    # Setting the milestone again clears the problem: Bob, skipped meanwhile, gets it on his next
    # log; Alice's refusal stays final (no loop of retries).
    await w.admin.slash(w.general, "setup milestone-role", kind="sessions", at=1, role=first)
    await log(env, w, w.bob)
    await log(env, w, w.alice)
    assert first.id in role_ids(env, w, w.bob)
    assert first.id not in role_ids(env, w, w.alice)
    await env.bot.close()
