"""Nothing slow before the first response: Discord drops an interaction not answered in 3 s.

SimCord's clock charges nothing for database time, REST calls or pacer waits, so a handler
that does any of them before acknowledging passes every behaviour test and still fails on
Discord when a write lock is held or the pacer is busy. Here every kind of interaction a
member meets is driven once, and the SQL statements and REST calls the bot makes between
receiving it and its first response are counted:

- commands and buttons: none (acknowledge first, then work);
- a modal, which must be the first response: at most one indexed read;
- autocomplete: reads only (it answers from the database, but never records anything).
"""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest

from tests.cogs.world import World, build_world, create_routine
from tests.response_ledger import Ledger, install, slow_work

pytestmark = pytest.mark.simcord(settle_timeout=20)


@pytest.fixture
def ledger(simcord_env) -> Iterator[Ledger]:  # type: ignore[no-untyped-def]
    book, stop = install(simcord_env)
    yield book
    stop()


def assert_quick(ledger: Ledger) -> None:
    assert any(True for _ in ledger.before_first_response()), "the ledger saw no interaction"
    slow = slow_work(ledger)
    assert slow == [], "work before the first response:\n" + "\n".join(map(str, slow))


async def share_leg_day(w: World) -> discord.Message:
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await create_routine(w.alice, w.general, "Leg Day", "Back Squat 3x5 @ 100kg", tags="legs")
    await w.alice.slash(w.general, "routine share", name="Leg Day")
    return w.routines.last_message


async def test_commands_and_post_buttons_answer_before_any_work(simcord_env, ledger):
    env = simcord_env
    w = build_world(env)
    post = await share_leg_day(w)
    await w.alice.autocomplete(w.general, "routine view", "name", "Le")
    await w.alice.slash(w.general, "settings show")
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "log history")
    await w.alice.slash(w.general, "exercise info", name="Back Squat")
    await w.alice.slash(w.general, "shouldistop")
    await w.bob.click(post, label="Save a copy")
    await w.bob.click(post, label="Like (0)")
    await w.bob.click(post, label="Log it")
    await w.alice.slash(w.general, "remind daily", time="09:30")
    assert_quick(ledger)


async def test_dm_buttons_and_the_timer_answer_before_any_work(simcord_env, ledger):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    for _ in range(34):  # +24 h falls in the default quiet hours: the check-in comes at 08:00
        await env.advance_time(3600)
    [checkin] = [m for m in w.alice.user.dm_channel.history() if m.embeds]
    await w.alice.user.click(checkin, label="3")
    await w.alice.slash(w.general, "interval start", program="tabata")
    await env.advance_time(15)  # past "get ready": the timer can be paused
    [timer] = [m for m in w.general.history() if m.author.bot and m.embeds]
    await w.alice.click(timer, label="Pause")
    await w.alice.click(timer, label="Stop")
    assert_quick(ledger)


async def test_reminder_buttons_and_a_timers_log_result_answer_before_any_work(simcord_env, ledger):
    from tests.cogs.test_challenges import advance, club, create

    env = simcord_env
    c = await club(env)
    w = c.w
    await w.alice.slash(w.general, "remind daily", time="13:00")
    for _ in range(14):
        await env.advance_time(3600)
    [reminder] = [m for m in w.alice.user.dm_channel.history() if m.embeds]
    await w.alice.user.click(reminder, label="Snooze 1h")
    await env.advance_time(3700)
    again = [m for m in w.alice.user.dm_channel.history() if m.embeds and m.id != reminder.id]
    await w.alice.user.click(again[-1], label="Done")
    await create(c, start="now")
    await env.advance_time(5)
    await w.alice.slash(w.general, "challenge join", name="Spring AMRAP")
    await w.alice.slash(w.general, "interval start", program="amrap 12")
    timer = w.general.last_message
    await advance(env, 13 * 60, step=60)
    finished = next(m for m in w.general.history() if m.id == timer.id)
    offered = await w.alice.click(finished, label="Log result")
    shown = await w.alice.click(offered.response, label="Log to Spring AMRAP")
    assert shown.modal is not None, "the form opens from the answer, with nothing read first"
    await w.alice.submit_modal(shown, {"challenge-result": "9+3"})
    assert_quick(ledger)


async def test_log_import_its_buttons_and_log_export_answer_before_any_work(simcord_env, ledger):
    from tests.cogs.test_log_import import fixture

    env = simcord_env
    w = build_world(env)
    preview = await w.alice.slash(w.general, "log import", file=("strong.csv", fixture("strong.csv")))
    await w.alice.click(preview.response, label="Import 8 sets")
    again = await w.alice.slash(w.general, "log import", file=("hevy.csv", fixture("hevy.csv")))
    await w.alice.click(again.response, label="Cancel")
    await w.alice.slash(w.general, "log export")
    assert_quick(ledger)
