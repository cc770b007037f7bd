"""Sending DMs and posts with buttons keeps nothing per message: presses go to dynamic items.

discord.py keeps every view it is sent with (in the connection's view store) unless the
view is finished; a bot sending thousands of DMs a day would grow with each one. Every
persistent button is answered by a registered :class:`discord.ui.DynamicItem` matched by
custom id, so the views are stopped before sending and the store stays the size it was.
"""

from __future__ import annotations

import pytest

from tests.cogs.world import build_world, text_of

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-05T12:00:00+00:00")]

HOUR = 3600
MEMBERS = 12


def kept_views(env) -> int:  # type: ignore[no-untyped-def]
    """Views and per-message items discord.py holds for messages (dynamic items are per class)."""
    store = env.bot._connection._view_store
    return len(store._synced_message_views) + sum(len(items) for items in store._views.values())


async def test_reminder_and_check_in_dms_and_posts_keep_no_view_per_message(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    members = [w.guild.add_member(env.create_user(f"lifter{n}")) for n in range(MEMBERS)]
    before = kept_views(env)
    for member in members:
        await member.slash(w.general, "remind daily", time="13:00")
        await member.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await w.admin.slash(
        w.general,
        "challenge create",
        name="March AMRAP",
        program="amrap 12",
        start="now",
        end="2026-03-09 12:00",
    )
    for _ in range(8):
        await env.advance_time(6 * HOUR)
    dms = [m for member in members for m in member.user.dm_channel.history() if m.components]
    assert len(dms) >= 3 * MEMBERS  # two reminders and at least one check-in each, all with buttons
    assert kept_views(env) == before

    # The buttons still work: they are answered by the dynamic items, as after a restart.
    reminder = next(m for m in members[0].user.dm_channel.history() if "eminder" in (m.embeds[0].title or ""))
    await members[0].user.click(reminder, label="Done")
    assert "Marked done." in text_of(
        next(m for m in members[0].user.dm_channel.history() if m.id == reminder.id)
    )
    check_in = next(m for m in members[1].user.dm_channel.history() if "How sore" in text_of(m))
    await members[1].user.click(check_in, label="3")
    assert kept_views(env) == before
