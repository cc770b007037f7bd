"""Daily reminders by DM at the member's local time, through SimCord with virtual time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.cogs.world import build_world, create_routine, text_of, user_error

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-03-05T12:00:00+00:00")]

HOUR = 3600
NEW_YORK = ZoneInfo("America/New_York")


def reminders(member):  # type: ignore[no-untyped-def]
    return [
        m for m in member.user.dm_channel.history() if m.embeds and "eminder" in (m.embeds[0].title or "")
    ]


def local_times(member, zone=NEW_YORK) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.created_at.astimezone(zone).strftime("%a %d %H:%M") for m in reminders(member)]


async def advance(env, hours: float) -> None:  # type: ignore[no-untyped-def]
    remaining = hours * HOUR
    while remaining > 0:
        step = min(remaining, 6 * HOUR)
        await env.advance_time(step)
        remaining -= step


async def test_0730_new_york_on_consecutive_days_across_the_dst_change_and_a_restart(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    result = await w.alice.slash(w.general, "remind daily", time="07:30", message="Mobility first")
    shown = text_of(result.response)
    assert "07:30" in shown and "Every day" in shown and "Mobility first" in shown
    await advance(env, 24)  # set Thu 07:00 New York; now Fri 07:00
    assert local_times(w.alice) == ["Thu 05 07:30"]
    await advance(env, 1)
    assert local_times(w.alice) == ["Thu 05 07:30", "Fri 06 07:30"]
    await env.restart_bot(make_bot())
    await advance(env, 72)  # over Sun 8 Mar, when New York springs forward
    assert local_times(w.alice) == [
        "Thu 05 07:30",
        "Fri 06 07:30",
        "Sat 07 07:30",
        "Sun 08 07:30",
        "Mon 09 07:30",
    ]
    assert "Mobility first" in text_of(reminders(w.alice)[0])
    labels = [c.label for row in reminders(w.alice)[0].components for c in row.children]
    assert labels == ["Snooze 1h", "Done"]


@pytest.mark.start_at("2026-10-30T12:00:00+00:00")
async def test_one_reminder_on_the_fall_back_day_at_a_repeated_time(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    await w.alice.slash(w.general, "remind daily", time="01:30")  # 01:30 happens twice on Sun 1 Nov
    await advance(env, 4 * 24)
    assert local_times(w.alice) == ["Sat 31 01:30", "Sun 01 01:30", "Mon 02 01:30", "Tue 03 01:30"]


async def test_chosen_days_only(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    await w.alice.slash(w.general, "remind daily", time="07:30", days="weekends")
    await advance(env, 7 * 24)
    assert [t[:3] for t in local_times(w.alice)] == ["Sat", "Sun"]


async def test_bad_time_and_days_are_refused_and_nothing_is_set(simcord_env):
    env = simcord_env
    w = build_world(env)
    bad_time = await w.alice.slash(w.general, "remind daily", time="25:00")
    assert "25:00" in user_error(env, bad_time)
    bad_days = await w.alice.slash(w.general, "remind daily", time="07:30", days="funday")
    assert "funday" in user_error(env, bad_days)
    shown = await w.alice.slash(w.general, "remind show")
    assert "no daily reminder" in text_of(shown.response)


async def test_show_off_and_changes_do_not_double(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await w.alice.slash(w.general, "remind daily", time="14:00", message="Changed")
    shown = text_of((await w.alice.slash(w.general, "remind show")).response)
    assert "14:00" in shown and "Changed" in shown
    await advance(env, 3)  # 15:00 UTC
    assert [m.created_at.strftime("%H:%M") for m in reminders(w.alice)] == ["14:00"]
    await w.alice.slash(w.general, "remind off")
    await advance(env, 48)
    assert len(reminders(w.alice)) == 1
    again = await w.alice.slash(w.general, "remind off")
    assert "nothing changed" in text_of(again.response)


async def test_snooze_one_hour_and_done(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await advance(env, 1.5)
    first = reminders(w.alice)[0]
    await w.alice.user.click(first, label="Snooze 1h")
    assert "Snoozed" in text_of(next(m for m in w.alice.user.dm_channel.history() if m.id == first.id))
    await env.advance_time(HOUR + 60)
    snoozed = reminders(w.alice)
    assert len(snoozed) == 2 and "snoozed" in (snoozed[-1].embeds[0].title or "")
    await w.alice.user.click(snoozed[-1], label="Done")
    assert "Marked done." in text_of(
        next(m for m in w.alice.user.dm_channel.history() if m.id == snoozed[-1].id)
    )


async def test_a_reminder_missed_by_more_than_two_hours_is_dropped_and_the_next_day_comes(
    simcord_env, make_bot
):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await env.bot.runtime.dispatcher.stop()  # the bot is down from 12:00 …
    await advance(env, 4)  # … to 16:00: today's 13:00 is three hours late
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    assert reminders(w.alice) == []
    await advance(env, 24)
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == ["06 13:00"]
    statuses = await env.bot.services.deliveries.repo.count_by_status(kind="reminder")
    assert statuses.get("missed") == 1 and statuses.get("sent") == 1


async def test_a_late_reminder_within_two_hours_is_sent_once_saying_so(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await env.bot.runtime.dispatcher.stop()
    await advance(env, 2)  # 14:00: an hour late
    await env.restart_bot(make_bot())
    await env.advance_time(60)
    late = reminders(w.alice)
    assert len(late) == 1 and "late" in text_of(late[0])


async def test_changing_time_zone_moves_the_reminder(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="18:00")  # 18:00 UTC
    await w.alice.slash(w.general, "settings timezone", zone="Europe/Berlin")  # now 18:00 Berlin = 17:00 UTC
    await advance(env, 6)
    assert [m.created_at.strftime("%H:%M") for m in reminders(w.alice)] == ["17:00"]


async def test_a_planned_day_names_the_routine_and_log_it_logs_it(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create_routine(w.alice, w.general, "Leg Day", "Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "plan set", day="fri", routine="Leg Day")  # 2026-03-06 is a Friday
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await advance(env, 1.5)  # Thu 13:00: nothing planned
    thursday = reminders(w.alice)[-1]
    assert "Today's plan" not in text_of(thursday)
    await advance(env, 24)  # Fri 13:00
    friday = reminders(w.alice)[-1]
    assert "Today's plan: **Leg Day**" in text_of(friday)
    labels = [c.label for row in friday.components for c in row.children]
    assert labels == ["Log it", "Snooze 1h", "Done"]
    await w.alice.user.click(friday, label="Log it")
    history = await env.bot.services.workouts.history(w.alice.id, days=1)
    assert history.sessions and history.sessions[0].routine_name == "Leg Day"
    pending = await env.bot.services.deliveries.for_user(w.alice.id, kinds=["checkin"])
    assert pending, "logging from the reminder schedules the check-ins"


# -- issue 14: what a new member ran into ------------------------------------------------------


async def test_a_reminder_set_inside_quiet_hours_says_so_and_comes_at_that_time(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "remind daily", time="06:45")  # default quiet 22:00–08:00
    assert (
        "06:45 is inside your quiet hours (22:00–08:00); "
        "reminders you set are still sent at the time you chose."
    ) in text_of(result.response)
    await advance(env, 19)  # Fri 07:00 UTC
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == ["06 06:45"]
    outside = await w.alice.slash(w.general, "remind daily", time="18:00")
    assert "quiet hours" not in text_of(outside.response)


async def test_changing_one_option_keeps_the_others_and_says_what_changed(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = await w.alice.slash(
        w.general, "remind daily", time="07:30", days="mon-fri", message="Time to train!"
    )
    assert "Reminder set." in text_of(first.response)
    again = await w.alice.slash(w.general, "remind daily", time="7pm")
    text = text_of(again.response)
    assert "Reminder updated: time 07:30 → 19:00. Days (Mon–Fri) and message unchanged." in text
    shown = text_of((await w.alice.slash(w.general, "remind show")).response)
    assert "19:00" in shown and "Mon–Fri" in shown and "Time to train!" in shown
    days = await w.alice.slash(w.general, "remind daily", time="19:00", days="weekends")
    assert "Reminder updated: days Mon–Fri → Weekends. Time (19:00) and message unchanged." in text_of(
        days.response
    )
    message = await w.alice.slash(w.general, "remind daily", time="19:00", message="Stretch first")
    assert "Reminder updated: new message. Time (19:00) and days (Weekends) unchanged." in text_of(
        message.response
    )
    same = await w.alice.slash(w.general, "remind daily", time="19:00")
    assert "Nothing to change" in text_of(same.response)
    shown = text_of((await w.alice.slash(w.general, "remind show")).response)
    assert "19:00" in shown and "Weekends" in shown and "Stretch first" in shown


async def test_the_time_is_required_as_the_spec_names_it(simcord_env):
    env = simcord_env
    build_world(env)
    daily = env.bot.tree.get_command("remind").get_command("daily")  # type: ignore[union-attr]
    [time, *_rest] = daily.parameters
    assert time.name == "time" and time.required


async def test_done_without_a_plan_says_marked_done_and_logs_nothing(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await advance(env, 1.5)
    [dm] = reminders(w.alice)
    await w.alice.user.click(dm, label="Done")
    after = next(m for m in w.alice.user.dm_channel.history() if m.id == dm.id)
    text = text_of(after)
    assert "Marked done." in text and "nice work" not in text
    assert [c.label for row in after.components for c in row.children] == []
    history = await env.bot.services.workouts.history(w.alice.id, days=1)
    assert not history.sessions


async def test_done_on_a_planned_day_offers_log_it(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create_routine(w.alice, w.general, "Leg Day", "Back Squat 3x5 @ 100kg")
    await w.alice.slash(w.general, "plan set", day="thu", routine="Leg Day")  # 2026-03-05 is a Thursday
    await w.alice.slash(w.general, "remind daily", time="13:00")
    await advance(env, 1.5)
    [dm] = reminders(w.alice)
    await w.alice.user.click(dm, label="Done")
    after = next(m for m in w.alice.user.dm_channel.history() if m.id == dm.id)
    text = text_of(after)
    assert "Marked done." in text and "Leg Day" in text and "nice work" not in text
    assert [c.label for row in after.components for c in row.children] == ["Log it"]
    assert not (await env.bot.services.workouts.history(w.alice.id, days=1)).sessions
    await w.alice.user.click(after, label="Log it")
    history = await env.bot.services.workouts.history(w.alice.id, days=1)
    assert [s.routine_name for s in history.sessions] == ["Leg Day"]


async def test_a_crash_right_after_a_reminder_is_sent_does_not_end_the_chain(simcord_env, make_bot):
    """The process dies between marking today's reminder sent and scheduling tomorrow's."""
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    dispatcher = env.bot.runtime.dispatcher
    follow_up = dispatcher._settled

    async def dies_after_the_mark(kind, delivery, status, message_id=None):  # type: ignore[no-untyped-def]
        if delivery.kind != "reminder":
            await follow_up(kind, delivery, status, message_id)
        # A reminder's follow-up never runs: the process is gone.

    dispatcher._settled = dies_after_the_mark  # type: ignore[method-assign]
    await env.bot.runtime.periodic.stop()  # nothing else runs in a process that is gone
    await advance(env, 2)  # 14:00
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == ["05 13:00"]
    waiting = await env.bot.services.deliveries.for_user(w.alice.id, kinds=["reminder"], statuses=["pending"])
    assert waiting == [], "the chain is broken: nothing is scheduled for tomorrow"
    await env.restart_bot(make_bot())
    await advance(env, 48)
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == [
        "05 13:00",
        "06 13:00",
        "07 13:00",
    ]


async def test_a_failed_query_after_a_reminder_is_sent_is_repaired_without_a_restart(simcord_env):
    import simcord
    from sqlalchemy import exc

    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "remind daily", time="13:00")
    service = env.bot.services.reminders
    schedule_next = service._schedule_next
    failures = {"left": 1}

    async def flaky(row, after):  # type: ignore[no-untyped-def]
        if failures["left"]:
            failures["left"] -= 1
            raise exc.OperationalError("INSERT INTO deliveries …", {}, Exception("database is locked"))
        return await schedule_next(row, after)

    service._schedule_next = flaky  # type: ignore[method-assign]
    await advance(env, 26)  # today's 13:00, a failed follow-up, an hourly repair, tomorrow's 13:00
    assert failures["left"] == 0
    assert [m.created_at.strftime("%d %H:%M") for m in reminders(w.alice)] == ["05 13:00", "06 13:00"]
    simcord.assert_error(env, exc.OperationalError)
