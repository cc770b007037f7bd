"""Soreness check-ins by DM, driven through SimCord with virtual time."""

from __future__ import annotations

import pytest

from bot.errors import NotAllowed
from tests.cogs.world import build_world, text_of

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-05-04T10:00:00+00:00")]

HOUR = 3600


def checkins(member):  # type: ignore[no-untyped-def]
    return [m for m in member.user.dm_channel.history() if m.embeds and "sore" in (m.embeds[0].title or "")]


async def advance(env, hours: float) -> None:  # type: ignore[no-untyped-def]
    remaining = hours * HOUR
    while remaining > 0:
        step = min(remaining, 6 * HOUR)
        await env.advance_time(step)
        remaining -= step


async def log(w, member=None) -> None:  # type: ignore[no-untyped-def]
    result = await (member or w.alice).slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    assert "Back Squat" in text_of(result.response)


async def test_checkins_arrive_at_24_and_48_hours_not_before(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 23.9)
    assert checkins(w.alice) == []
    await advance(env, 2)
    first = checkins(w.alice)
    assert len(first) == 1
    assert "How sore are you today?" in text_of(first[0])
    assert "about **24 hours**" in text_of(first[0])
    labels = [c.label for row in first[0].components for c in row.children]
    assert labels[:11] == [str(n) for n in range(11)]
    assert {"Something feels wrong", "Snooze 2h", "Stop check-ins"} <= set(labels)
    await advance(env, 24)
    assert len(checkins(w.alice)) == 2
    await advance(env, 48)
    assert len(checkins(w.alice)) == 2, "no 72 h check-in without a 48 h rating of 4 or more"


@pytest.mark.start_at("2026-05-04T21:30:00+00:00")
async def test_quiet_hours_move_a_checkin_to_their_end(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings quiet-hours", start="21:00", end="07:15")
    await log(w)  # Mon 21:30; +24 h (Tue 21:30) and +48 h (Wed 21:30) fall in quiet hours
    await advance(env, 33.7)  # Wed 07:12
    assert checkins(w.alice) == []
    await env.advance_time(4 * 60)  # Wed 07:16
    arrived = checkins(w.alice)
    assert len(arrived) == 1
    assert (arrived[0].created_at.hour, arrived[0].created_at.minute) == (7, 15)
    await advance(env, 24)
    times = [(m.created_at.day, m.created_at.hour, m.created_at.minute) for m in checkins(w.alice)]
    assert times == [(6, 7, 15), (7, 7, 15)]


async def test_at_most_one_checkin_per_local_day(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 2)
    await log(w)
    await advance(env, 3)
    await log(w)
    await advance(env, 72)
    days = [m.created_at.date() for m in checkins(w.alice)]
    assert len(days) == len(set(days)) == 2


async def test_checkins_off_means_none(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings checkins", enabled=False)
    await log(w)
    await advance(env, 50)
    assert checkins(w.alice) == []


async def test_rating_is_stored_with_the_session_and_rising_soreness_gets_a_nudge(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    first = checkins(w.alice)[0]
    await w.alice.user.click(first, label="3")
    edited = w.alice.user.dm_channel.history()
    shown = text_of(next(m for m in edited if m.id == first.id))
    assert "You rated your soreness 3/10" in shown
    # A restart between check-ins: the next one arrives and its buttons still work.
    await env.restart_bot(make_bot())
    await advance(env, 24)
    second = checkins(w.alice)[-1]
    assert second.id != first.id
    await w.alice.user.click(second, label="6")
    after = next(m for m in w.alice.user.dm_channel.history() if m.id == second.id)
    text = text_of(after)
    assert "went up from 3/10 to 6/10" in text
    assert "Should I stop?" in text
    assert [c.label for row in after.components for c in row.children] == ["Run “Should I stop?”"]
    ratings = await env.bot.services.checkins.repo.ratings_for_session(
        int(
            (
                await env.bot.services.deliveries.get(
                    int(second.components[0].children[0].custom_id.split(":")[3])
                )
            ).payload["session_id"]
        )  # type: ignore[union-attr]
    )
    assert [r.level for r in ratings] == [3, 6]
    # 6 at 48 h schedules the 72 h check-in; 8 there is "high and late".
    await advance(env, 24)
    third = checkins(w.alice)[-1]
    assert third.id != second.id
    await w.alice.user.click(third, label="8")
    text = text_of(next(m for m in w.alice.user.dm_channel.history() if m.id == third.id))
    assert "8/10" in text and "worth checking" in text


async def test_pressing_a_rating_twice_keeps_one_rating(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    message = checkins(w.alice)[0]
    delivery_id = int(message.components[0].children[0].custom_id.split(":")[3])
    service = env.bot.services.checkins
    await service.rate_checkin(delivery_id, w.alice.id, 4)
    await service.rate_checkin(delivery_id, w.alice.id, 5)
    delivery = await env.bot.services.deliveries.get(delivery_id)
    ratings = await service.repo.ratings_for_session(int(delivery.payload["session_id"]))  # type: ignore[union-attr]
    assert [r.level for r in ratings] == [5]
    with pytest.raises(NotAllowed):
        await service.rate_checkin(delivery_id, w.bob.id, 2)


async def test_snooze_asks_again_in_two_hours_and_stop_turns_checkins_off(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    first = checkins(w.alice)[0]
    await w.alice.user.click(first, label="Snooze 2h")
    assert "Snoozed" in text_of(next(m for m in w.alice.user.dm_channel.history() if m.id == first.id))
    await env.advance_time(HOUR)
    assert len(checkins(w.alice)) == 1
    await env.advance_time(HOUR + 60)
    again = checkins(w.alice)
    assert len(again) == 2
    await w.alice.user.click(again[-1], label="Stop check-ins")
    assert not (await env.bot.services.members.get(w.alice.id)).checkins_enabled
    await advance(env, 48)
    assert len(checkins(w.alice)) == 2


async def test_something_feels_wrong_opens_the_triage_in_the_dm(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup emergency-number", number="112")
    await log(w)
    await advance(env, 25)
    result = await w.alice.user.click(checkins(w.alice)[0], label="Something feels wrong")
    shown = "\n".join(text_of(m) for m in [result.response, *result.followups] if m is not None)
    assert "If you're in danger now, call 112" in shown


async def test_the_triage_from_a_checkin_knows_the_workout_and_only_opens_for_its_member(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    [message] = checkins(w.alice)
    delivery_id = int(message.components[-1].children[0].custom_id.split(":")[3])
    service = env.bot.services.checkins
    hint = await service.checkin_triage_hint(delivery_id, w.alice.id)
    assert hint.guild_id == w.guild.id and hint.hours is not None and 24 < hint.hours < 26
    with pytest.raises(NotAllowed, match="Only the member this check-in is for"):
        await service.checkin_triage_hint(delivery_id, w.bob.id)
    gone = await service.checkin_triage_hint(delivery_id + 1000, w.alice.id)
    assert (gone.hours, gone.guild_id) == (None, None), "a check-in that is gone still opens the check"


async def test_undo_cancels_the_pending_checkins(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await w.alice.slash(w.general, "log undo")
    await advance(env, 50)
    assert checkins(w.alice) == []


async def test_closed_dms_pause_checkins_with_one_ping(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await log(w)
    env.inject_error(
        "POST",
        f"/channels/{w.alice.user.dm_channel.id}/messages",
        status=403,
        code=50007,
        times=None,
        message="Cannot send messages to this user",
    )
    await advance(env, 50)
    pings = w.checkins.history()
    assert len(pings) == 1 and "paused" in pings[0].content
    assert "sore" not in pings[0].content.lower(), "the ping carries no health data"
    assert {d.status for d in await env.bot.services.deliveries.for_user(w.alice.id)} == {"paused"}


async def test_soreness_rate_records_and_nudges_when_high_late(simcord_env):
    env = simcord_env
    w = build_world(env)
    plain = await w.alice.slash(w.general, "soreness rate", level=4, area="quads")
    assert "4/10" in text_of(plain.response) and "(quads)" in text_of(plain.response)
    await log(w)
    await advance(env, 73)
    high = await w.alice.slash(w.general, "soreness rate", level=8)
    text = text_of(high.response)
    assert "8/10" in text and "/shouldistop" in text


# -- issue 14: what a new member ran into ------------------------------------------------------

RUN_CHECK = "Run “Should I stop?”"
FALSE_REASSURANCE = ("you're fine", "you are fine", "doms", "just sore", "nothing to worry", "normal")


def buttons(message) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """The message's buttons as the raw payload (followups carry dicts, channel messages objects)."""
    rows = [row if isinstance(row, dict) else row.to_dict() for row in message.components]
    return [c for row in rows for c in row.get("components", [])]


def labels_of(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.get("label") for c in buttons(message)]


def triage_opened(result) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(text_of(m) for m in [result.response, *result.followups] if m is not None)


async def test_a_10_in_the_chest_right_after_a_workout_offers_the_triage_at_once(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await log(w)
    rated = await w.alice.slash(w.general, "soreness rate", level=10, area="chest")
    text = text_of(rated.response)
    assert rated.ephemeral
    assert "Saved: soreness **10/10** (chest)." in text
    assert "That's less than an hour after your latest workout." in text
    assert "0 hours" not in text
    assert "chest" in text.split("Saved")[1].split("\n", 1)[1], "the nudge says why: the area"
    assert not any(phrase in text.lower() for phrase in FALSE_REASSURANCE)
    assert labels_of(rated.response) == [RUN_CHECK]
    # The button keeps working after a restart and opens the check for this member.
    await env.restart_bot(make_bot())
    opened = await w.alice.click(rated.response, label=RUN_CHECK)
    assert "If you're in danger now, call" in triage_opened(opened)


async def test_a_high_rating_at_any_time_offers_the_triage_and_a_mild_one_does_not(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await env.advance_time(HOUR + 60)
    mild = await w.alice.slash(w.general, "soreness rate", level=5, area="quads")
    text = text_of(mild.response)
    assert "That's about 1 hour after your latest workout." in text
    assert labels_of(mild.response) == []
    high = await w.alice.slash(w.general, "soreness rate", level=8, area="quads")
    text = text_of(high.response)
    assert "8/10" in text and "Should I stop?" in text
    assert labels_of(high.response) == [RUN_CHECK]
    no_workout = await w.bob.slash(w.general, "soreness rate", level=9)
    assert labels_of(no_workout.response) == [RUN_CHECK]
    assert "after your latest workout" not in text_of(no_workout.response)


@pytest.mark.parametrize("area", ["lower back", "Neck", "head", "groin", "belly", "ribs"])
async def test_a_rating_in_a_worrying_area_offers_the_triage_even_when_low(simcord_env, area):
    env = simcord_env
    w = build_world(env)
    rated = await w.alice.slash(w.general, "soreness rate", level=2, area=area)
    text = text_of(rated.response)
    assert labels_of(rated.response) == [RUN_CHECK]
    assert "Should I stop?" in text
    assert not any(phrase in text.lower() for phrase in FALSE_REASSURANCE)


async def test_only_the_member_who_rated_can_use_the_triage_button(simcord_env):
    env = simcord_env
    w = build_world(env)
    rated = await w.alice.slash(w.general, "soreness rate", level=9)
    [button] = buttons(rated.response)
    rating_id = int(button["custom_id"].rsplit(":", 1)[1])
    with pytest.raises(NotAllowed):
        await env.bot.services.checkins.triage_hint(rating_id, w.bob.id)


async def test_a_checkin_rating_of_8_the_day_after_offers_the_triage(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    first = checkins(w.alice)[0]
    await w.alice.user.click(first, label="8")
    after = next(m for m in w.alice.user.dm_channel.history() if m.id == first.id)
    text = text_of(after)
    assert "You rated your soreness 8/10" in text and "Should I stop?" in text
    assert labels_of(after) == [RUN_CHECK]
    opened = await w.alice.user.click(after, label=RUN_CHECK)
    assert "If you're in danger now, call" in triage_opened(opened)


async def test_a_checkin_rating_of_5_the_day_after_offers_no_nudge(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    first = checkins(w.alice)[0]
    await w.alice.user.click(first, label="5")
    after = next(m for m in w.alice.user.dm_channel.history() if m.id == first.id)
    assert "Should I stop?" not in text_of(after)
    assert labels_of(after) == ["Something feels wrong"]


async def test_rating_buttons_sit_in_their_own_rows_above_the_actions(simcord_env):
    env = simcord_env
    w = build_world(env)
    await log(w)
    await advance(env, 25)
    [message] = checkins(w.alice)
    rows = [[c.label for c in row.children] for row in message.components]
    assert rows == [
        ["0", "1", "2", "3"],
        ["4", "5", "6", "7"],
        ["8", "9", "10"],
        ["Something feels wrong", "Snooze 2h", "Stop check-ins"],
    ]
    ids = [c.custom_id for row in message.components for c in row.children]
    delivery_id = ids[0].split(":")[3]
    assert ids[:11] == [f"repmate:ci:rate:{delivery_id}:{n}" for n in range(11)], "old DMs keep working"
