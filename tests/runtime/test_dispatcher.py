"""The delivery engine driven through SimCord with virtual time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from bot.runtime.dispatcher import CLAIM_TTL, RETRY_CAP
from tests.cogs.world import build_world

ECHO = "tests.runtime.echo_ext"
# Outcomes are decided in virtual time; heavy work is advanced in small steps, so each step
# is a little work and the wall-clock settle timeout only catches a hang.
pytestmark = [pytest.mark.simcord(settle_timeout=60), pytest.mark.extensions(ECHO)]


def dm_texts(member) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.content for m in member.user.dm_channel.history()]


def dm_posts(env) -> list:  # type: ignore[no-untyped-def]
    return [
        r
        for r in env.http_requests
        if r.method == "POST" and r.path.startswith("/channels/") and r.path.endswith("/messages")
    ]


async def test_one_shot_dm_arrives_at_its_time_not_before(simcord_env):
    env = simcord_env
    w = build_world(env)
    now = env.bot.clock.now()
    await env.bot.services.deliveries.schedule(
        "echo", now + timedelta(hours=2), user_id=w.alice.id, payload={"text": "Time to train"}
    )
    await env.advance_time(2 * 3600 - 60)
    assert dm_texts(w.alice) == []
    await env.advance_time(120)
    assert dm_texts(w.alice) == ["Time to train"]
    await env.advance_time(3600)
    assert dm_texts(w.alice) == ["Time to train"]


async def test_dedupe_key_makes_scheduling_twice_a_no_op(simcord_env):
    env = simcord_env
    w = build_world(env)
    due = env.bot.clock.now() + timedelta(minutes=5)
    first = await env.bot.services.deliveries.schedule(
        "echo", due, user_id=w.alice.id, payload={"text": "once"}, dedupe_key="k1"
    )
    second = await env.bot.services.deliveries.schedule(
        "echo", due, user_id=w.alice.id, payload={"text": "twice"}, dedupe_key="k1"
    )
    assert first.id == second.id
    await env.advance_time(600)
    assert dm_texts(w.alice) == ["once"]


async def test_cancel_and_snooze(simcord_env):
    env = simcord_env
    w = build_world(env)
    sched = env.bot.services.deliveries
    now = env.bot.clock.now()
    cancelled = await sched.schedule(
        "echo", now + timedelta(minutes=5), user_id=w.alice.id, payload={"text": "no"}
    )
    snoozed = await sched.schedule(
        "echo", now + timedelta(minutes=5), user_id=w.alice.id, payload={"text": "yes"}
    )
    assert await sched.cancel([cancelled.id]) == 1
    assert await sched.snooze(snoozed.id, now + timedelta(hours=2))
    await env.advance_time(3600)
    assert dm_texts(w.alice) == []
    await env.advance_time(3600 + 60)
    assert dm_texts(w.alice) == ["yes"]
    open_ones = await sched.for_user(w.alice.id)
    assert open_ones == []


async def test_second_dm_costs_one_request_and_carries_a_nonce(simcord_env):
    env = simcord_env
    w = build_world(env)
    now = env.bot.clock.now()
    for i in range(3):
        await env.bot.services.deliveries.schedule(
            "echo", now + timedelta(minutes=10 * (i + 1)), user_id=w.alice.id, payload={"text": f"m{i}"}
        )
    await env.advance_time(3600)
    opens = [r for r in env.http_requests if r.method == "POST" and r.path == "/users/@me/channels"]
    posts = dm_posts(env)
    assert len(opens) == 1, "the DM channel is opened once and remembered"
    assert len(posts) == 3
    assert all(p.json.get("nonce", "").startswith("rmd") and len(p.json["nonce"]) <= 25 for p in posts)
    assert len({p.json["nonce"] for p in posts}) == 3


async def test_late_after_downtime_is_sent_once_with_a_note_or_missed_when_stale(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    now = env.bot.clock.now()
    sched = env.bot.services.deliveries
    await sched.schedule(
        "echo",
        now + timedelta(minutes=30),
        user_id=w.alice.id,
        payload={"text": "a bit late", "stale_after_s": 7200},
    )
    stale = await sched.schedule(
        "echo", now + timedelta(minutes=1), user_id=w.bob.id, payload={"text": "stale", "stale_after_s": 7200}
    )
    # The bot is down: the next generation only starts (and dispatches) after the gap.
    await env.bot.runtime.dispatcher.stop()
    await env.advance_time(3 * 3600 - 60 * 60)  # alice's is 90 min late, bob's ~2 h late
    await env.advance_time(10 * 60)
    new_bot = make_bot(ECHO)
    await env.restart_bot(new_bot)
    await env.advance_time(60)
    assert dm_texts(w.alice) == ["a bit late (late)"]
    assert dm_texts(w.bob) == []
    missed = await new_bot.services.deliveries.get(stale.id)
    assert missed is not None and missed.status == "missed"


async def test_restart_between_claim_and_send_sends_exactly_once(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    sched = env.bot.services.deliveries
    now = env.bot.clock.now()
    d = await sched.schedule("echo", now, user_id=w.alice.id, payload={"text": "exactly once"})
    # A process claims the row and dies before sending.
    await env.bot.runtime.dispatcher.stop()
    claimed = await sched.repo.claim_due(now, worker="dead", deadline=now + CLAIM_TTL, limit=10)
    assert [c.id for c in claimed] == [d.id]
    new_bot = make_bot(ECHO)
    await env.restart_bot(new_bot)
    await env.advance_time(60)
    assert dm_texts(w.alice) == [], "a live claim is respected until its deadline"
    await env.advance_time(CLAIM_TTL.total_seconds() + 60)
    assert dm_texts(w.alice) == ["exactly once"]
    await env.advance_time(3600)
    assert dm_texts(w.alice) == ["exactly once"]


async def test_restart_mid_drain_loses_nothing_and_doubles_nothing(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    now = env.bot.clock.now()
    members = [w.alice, w.bob, w.admin]
    for i in range(300):
        await env.bot.services.deliveries.schedule(
            "echo", now + timedelta(seconds=1), user_id=members[i % 3].id, payload={"text": f"n{i}"}
        )
    await env.advance_time(3)  # part of the backlog goes out at 45/s
    sent_before = sum(len(dm_texts(m)) for m in members)
    assert 0 < sent_before < 300
    new_bot = make_bot(ECHO)
    await env.restart_bot(new_bot)
    for _ in range(int(CLAIM_TTL.total_seconds() + 120) // 5):
        await env.advance_time(5)
    texts = [t for m in members for t in dm_texts(m)]
    assert len(texts) == 300
    assert Counter(texts).most_common(1)[0][1] == 1


async def test_closed_dms_pause_ping_once_and_resume_on_next_command(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await w.alice.slash(w.general, "settings show")  # remembers alice's server
    sched = env.bot.services.deliveries
    now = env.bot.clock.now()
    for i in range(3):
        await sched.schedule(
            "echo", now + timedelta(minutes=5 + i), user_id=w.alice.id, payload={"text": f"r{i}"}
        )
    dm = w.alice.user.dm_channel
    env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    await env.advance_time(30 * 60)
    attempts = [r for r in dm_posts(env) if r.path == f"/channels/{dm.id}/messages"]
    assert len(attempts) == 1, "a closed DM is not retried in a loop"
    pings = w.checkins.history()
    assert len(pings) == 1 and f"<@{w.alice.id}>" in pings[0].content
    assert "paused" in pings[0].content
    paused = await sched.for_user(w.alice.id)
    assert len(paused) == 3 and {d.status for d in paused} == {"paused"}
    failures = await sched.repo.failures(paused[0].id)
    assert failures and failures[0][0] == "paused" and "50007" in failures[0][1]
    await env.advance_time(3600)
    assert len([r for r in dm_posts(env) if r.path == f"/channels/{dm.id}/messages"]) == 1

    # The member uses a command again: deliveries resume (DMs were reopened).
    await w.alice.slash(w.general, "settings show")
    await env.advance_time(60)
    assert sorted(dm_texts(w.alice)) == ["r0 (late)", "r1 (late)", "r2 (late)"]
    assert len(w.checkins.history()) == 1, "one ping per episode"


async def test_server_errors_retry_with_backoff_then_succeed_or_give_up(simcord_env):
    env = simcord_env
    w = build_world(env)
    sched = env.bot.services.deliveries
    now = env.bot.clock.now()
    dm = w.alice.user.dm_channel
    env.inject_error("POST", f"/channels/{dm.id}/messages", status=500, times=2)
    ok = await sched.schedule("echo", now, user_id=w.alice.id, payload={"text": "after two 500s"})
    await env.advance_time(120)
    assert dm_texts(w.alice) == ["after two 500s"]
    assert [f[0] for f in await sched.repo.failures(ok.id)] == ["retry", "retry"]

    # An outage of a few minutes (five 503s in a row) is waited out: the message goes once.
    dm_b = w.bob.user.dm_channel
    env.inject_error("POST", f"/channels/{dm_b.id}/messages", status=503, times=5)
    outlasted = await sched.schedule("echo", env.bot.clock.now(), user_id=w.bob.id, payload={"text": "later"})
    await env.advance_time(600)
    assert dm_texts(w.bob) == ["later"]
    final = await sched.get(outlasted.id)
    assert final is not None and final.status == "sent" and final.attempts == 6

    # One that never recovers is retried every few minutes at most, for a day, then recorded as failed.
    dm_c = w.admin.user.dm_channel
    env.inject_error("POST", f"/channels/{dm_c.id}/messages", status=503, times=None)
    doomed = await sched.schedule("echo", env.bot.clock.now(), user_id=w.admin.id, payload={"text": "never"})
    for _ in range(50):
        await env.advance_time(1800)
    tries = [r for r in dm_posts(env) if r.path == f"/channels/{dm_c.id}/messages"]
    assert 24 * 60 / (RETRY_CAP.total_seconds() / 60) <= len(tries) <= 24 * 60 / 5 * 2
    final = await sched.get(doomed.id)
    assert final is not None and final.status == "failed" and "over a day" in (final.last_error or "")


async def test_2000_due_in_one_minute_all_sent_and_never_above_the_bucket(simcord_env):
    env = simcord_env
    guild = env.create_guild("Big Club")
    members = [guild.add_member(env.create_user(f"m{i}")) for i in range(200)]
    bot = env.bot
    request_times: list[float] = []
    original = bot.http.request

    async def recording(route, **kwargs):  # type: ignore[no-untyped-def]
        request_times.append(bot.clock.monotonic())
        return await original(route, **kwargs)

    bot.http.request = recording  # type: ignore[method-assign]
    now = bot.clock.now()
    from bot.db.repositories.deliveries import NewDelivery

    await bot.services.deliveries.schedule_many(
        [
            NewDelivery(
                kind="echo",
                due_at=now + timedelta(seconds=60 + (i % 60)),
                user_id=members[i % 200].id,
                payload={"text": f"#{i}"},
            )
            for i in range(2000)
        ]
    )
    for _ in range(96):  # in small steps: about a hundred sends each
        await env.advance_time(2.5)
    delivered = sum(len(m.user.dm_channel.history()) for m in members)
    assert delivered == 2000
    counts = await bot.services.deliveries.repo.count_by_status()
    assert counts == {"sent": 2000}
    request_times.sort()
    worst, lo = 0, 0
    for hi, t in enumerate(request_times):
        while request_times[lo] <= t - 1.0:
            lo += 1
        worst = max(worst, hi - lo + 1)
    assert worst <= 45, f"{worst} requests in one second"
    assert len(request_times) == 2000 + 200, "one request per DM after each member's DM channel is opened"


async def test_a_database_error_while_idle_does_not_stop_the_dispatcher(simcord_env):
    """One failed query while the dispatcher waits used to end it until a restart."""
    import simcord
    from sqlalchemy import exc

    env = simcord_env
    w = build_world(env)
    dispatcher = env.bot.runtime.dispatcher
    original = dispatcher.repo.next_wake_at
    failures = {"left": 2}

    async def flaky():  # type: ignore[no-untyped-def]
        if failures["left"]:
            failures["left"] -= 1
            raise exc.OperationalError("SELECT min(due_at) …", {}, Exception("database is locked"))
        return await original()

    dispatcher.repo.next_wake_at = flaky
    sched = env.bot.services.deliveries
    await env.advance_time(1)  # the idle path runs, fails twice, backs off and carries on
    await sched.schedule(
        "echo",
        env.bot.clock.now() + timedelta(minutes=10),
        user_id=w.alice.id,
        payload={"text": "still here"},
    )
    await env.advance_time(11 * 60)
    assert dm_texts(w.alice) == ["still here"]
    assert failures["left"] == 0
    simcord.assert_error(env, exc.OperationalError)
