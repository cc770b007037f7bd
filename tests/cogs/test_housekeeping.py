"""Sent and missed deliveries are purged after the retention window; nothing else is."""

from __future__ import annotations

import pytest

from tests.cogs.world import build_world

DAY = 24 * 3600


async def statuses(env, kind: str | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return await env.bot.services.deliveries.repo.count_by_status(kind=kind)


async def sent_check_ins(env, user_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The ids of the member's sent check-ins, as their own data export lists them."""
    rows = (await env.bot.services.privacy.export(user_id))["tables"]["deliveries"]
    return [d["id"] for d in rows if d["kind"] == "checkin" and d["status"] == "sent"]


@pytest.mark.settings(delivery_retention_days=3)
@pytest.mark.start_at("2026-05-04T10:00:00+00:00")
async def test_sent_check_ins_go_after_the_window_and_challenge_posts_stay(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    await w.admin.slash(
        w.general,
        "challenge create",
        name="May AMRAP",
        program="amrap 12",
        start="now",
        end="2026-05-05 10:00",
    )
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")  # Mon 4 May
    for _ in range(3 * 4):
        await env.advance_time(6 * 3600)
    first = await sent_check_ins(env, w.alice.id)
    assert first and (await statuses(env, "challenge_end")).get("sent") == 1

    # Thu 7 May: the next workout's check-ins are sent while the first ones age out.
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 102.5kg")
    for _ in range(3 * 4):
        await env.advance_time(6 * 3600)
    second = await sent_check_ins(env, w.alice.id)  # Sun 10 May: first's are over 3 days old
    assert second and not set(first) & set(second)
    assert await statuses(env, "checkin") == {"sent": len(second)}
    for _ in range(4 * 4):
        await env.advance_time(6 * 3600)
    assert await statuses(env, "checkin") == {}
    assert await sent_check_ins(env, w.alice.id) == []
    # The challenge's announcements stay: the start-up check keys on them.
    assert (await statuses(env, "challenge_start")).get("sent") == 1
    assert (await statuses(env, "challenge_end")).get("sent") == 1
