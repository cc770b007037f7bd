"""Posts Discord refuses for a reason only an admin can fix: the member hears why, admins once."""

from __future__ import annotations

import pytest

from tests.cogs.test_challenges import HOUR, advance, club, create, posts
from tests.cogs.test_routines import create as create_routine
from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=30)


async def setup_show(w):  # type: ignore[no-untyped-def]
    return text_of((await w.admin.slash(w.general, "setup show")).response)


async def test_a_share_refused_for_missing_permissions_names_them_and_tells_the_admins_once(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await create_routine(w, w.alice, "Leg Day")
    # The cache says the bot may post; Discord refuses anyway (a channel override it can't see).
    env.inject_error(
        "POST",
        f"/channels/{w.routines.id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=None,
    )
    refused = await w.alice.slash(w.general, "routine share", name="Leg Day")
    text = user_error(env, refused)
    assert f"<#{w.routines.id}>" in text and "Send Messages" in text and "Embed Links" in text
    assert "your routine wasn't shared" in text and "told the server's admins" in text
    assert "Something went wrong" not in text
    routine = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    assert routine.post is None, "nothing half-saved"
    await env.advance_time(5)
    [notice] = w.checkins.history()
    assert "needs an admin" in notice.content and f"<#{w.routines.id}>" in notice.content
    assert "A shared routine" in notice.content and "/setup channels" in notice.content

    retry = await w.alice.slash(w.general, "routine share", name="Leg Day")
    assert "told the server's admins" in user_error(env, retry)
    await env.advance_time(5)
    assert len(w.checkins.history()) == 1, "admins are told once, not per attempt"
    shown = await setup_show(w)
    assert "Posts Discord refused" in shown and f"<#{w.routines.id}>" in shown

    await w.admin.slash(
        w.general, "setup channels", routines=w.general, challenges=w.challenges, checkins=w.checkins
    )
    assert "Posts Discord refused" not in await setup_show(w), "choosing channels again clears it"
    await env.bot.close()


async def test_results_in_a_deleted_challenges_channel_are_reported_to_the_admins_once(simcord_env):
    env = simcord_env
    c = await club(env)
    w = c.w
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await create(c, start="now", end="2026-01-01 02:00")
    await env.advance_time(5)
    assert len(posts(w.challenges)) == 1
    env.inject_error(
        "POST",
        f"/channels/{w.challenges.id}/messages",
        status=404,
        code=10003,
        message="Unknown Channel",
        times=None,
    )
    await advance(env, 3 * HOUR)
    results = await env.bot.services.deliveries.repo.count_by_status(kind="challenge_end")
    assert results == {"failed": 1}, "a post into a channel that is gone is not retried for a day"
    notices = w.checkins.history()
    assert len(notices) == 1
    assert "A challenge's results" in notices[0].content and "no longer exists" in notices[0].content
    shown = await setup_show(w)
    assert "Posts Discord refused" in shown and "no longer exists" in shown
    await env.bot.close()
