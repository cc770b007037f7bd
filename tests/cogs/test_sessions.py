"""/session through SimCord with virtual time: schedule, RSVP, reminders, the live start, attendance.

SimCord's clock starts at 2026-01-01 00:00 UTC here and members default to UTC (quiet hours
22:00–08:00), so a session at ``2026-01-01 12:00`` is twelve hours after each test begins.

SimCord models voice *state* (members joining and leaving channels) and Discord's scheduled
events with Interested, but not voice audio: the bot cannot open a voice connection in it.
Audio cues are therefore tested with a recording stand-in for the voice connection (what
would be played, when), and the degraded path with the real connector, which finds no
voice support installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
import simcord

from bot.domain.sessions import Cue, cue_schedule
from bot.domain.tones import FRAME_BYTES
from bot.runtime.voice import VoiceUnavailable
from bot.services.checkins import KIND as CHECKIN_KIND
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=20)

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@dataclass
class Club:
    w: World
    coach: Any
    coaches: Any
    studio: Any
    sessions: Any


async def club(env: Any) -> Club:
    w = build_world(env)
    coaches = w.guild.create_role("Coaches")
    coach = w.guild.add_member(env.create_user("coach"), roles=[coaches])
    studio = w.guild.create_voice_channel("Studio")
    sessions = w.guild.create_text_channel("sessions")
    await w.admin.slash(w.general, "setup coach-role", role=coaches)
    return Club(w, coach, coaches, studio, sessions)


async def schedule(c: Club, member: Any = None, **options: Any) -> Any:
    values: dict[str, Any] = {"name": "Lunch Tabata", "start": "2026-01-01 12:00", "duration": "30m"}
    values.update(options)
    return await (member or c.coach).slash(c.sessions, "session schedule", **values)


def posts(channel: Any) -> list[discord.Message]:
    return channel.history()


def dms(member: Any) -> list[discord.Message]:
    channel = member.user.dm_channel
    return [] if channel is None else channel.history()


async def advance(env: Any, seconds: float, step: float = 1800) -> None:
    while seconds > 0:
        await env.advance_time(min(step, seconds))
        seconds -= step


async def advance_to(env: Any, moment: datetime, step: float = 1800) -> None:
    await advance(env, (moment - env.bot.clock.now()).total_seconds(), step)


def announcement(c: Club) -> discord.Message:
    return next(m for m in posts(c.sessions) if m.embeds and (m.embeds[0].title or "").startswith("📅"))


def events(env: Any, c: Club) -> list[Any]:
    return list(env.backend.get_guild(c.w.guild.id).scheduled_events.values())


class RecordingVoice:
    """Stands in for Discord voice: records what would be played, and when (virtual time)."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self.played: list[tuple[datetime, str, int]] = []
        self.joined: list[int] = []
        self.left = 0

    async def connect(self, guild_id: int, channel_id: int) -> RecordingVoice:
        self.joined.append(channel_id)
        return self

    async def play(self, sound: str, pcm: bytes) -> None:
        self.played.append((self.env.bot.clock.now(), sound, len(pcm)))

    async def disconnect(self) -> None:
        self.left += 1


class NoVoice:
    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.tries = 0

    async def connect(self, guild_id: int, channel_id: int) -> Any:
        self.tries += 1
        raise VoiceUnavailable(self.reason)


def sessions_cog(env: Any) -> Any:
    return env.bot.get_cog("SessionsCog")


# -- the whole journey ------------------------------------------------------------------------------


async def test_schedule_rsvp_remind_start_attend_recap(simcord_env):
    env = simcord_env
    c = await club(env)
    result = await schedule(c, program="tabata", channel=c.studio)
    assert result.ephemeral
    assert "Scheduled **Lunch Tabata**" in text_of(result.response)

    # Discord's own scheduled event exists, in the voice channel, at the start.
    (event,) = events(env, c)
    assert event.name == "Lunch Tabata"
    assert event.channel_id == c.studio.id
    assert datetime.fromisoformat(event.scheduled_start_time) == START

    # The announcement, with its buttons.
    post = announcement(c)
    labels = [child.label for row in post.components for child in row.children]
    assert labels == ["I'm in", "Can't make it"]

    # Alice presses I'm in twice (idempotent); Bob presses Discord's Interested.
    first = await c.w.alice.click(post, label="I'm in")
    assert first.ephemeral and "You're in for **Lunch Tabata**" in text_of(first.response)
    again = await c.w.alice.click(post, label="I'm in")
    assert "already in" in text_of(again.response)
    await c.w.bob.subscribe_event(event.id)

    # A restart before the reminders: they are in the database, not in memory.
    await advance_to(env, START - timedelta(hours=1))
    await env.restart_bot(env.bot.__class__(env.bot.settings, extensions=env.bot.extension_names))
    assert dms(c.w.alice) == []
    # The announcement's buttons still work after the restart.
    dave = c.w.guild.add_member(env.create_user("dave"))
    pressed = await dave.click(post, label="I'm in")
    assert "You're in for **Lunch Tabata**" in text_of(pressed.response)

    # Three first DMs (open the channel, then send) go out paced, over a moment.
    await advance_to(env, START - timedelta(minutes=30, seconds=-5), step=600)
    for member in (c.w.alice, c.w.bob, dave):
        found = [m for m in dms(member) if "starts" in m.content]
        (reminder,) = found
        assert "Lunch Tabata" in reminder.content
    assert dms(c.coach) == []

    # At the start: the live timer in the session's channel, for everyone.
    voice = RecordingVoice(env)
    sessions_cog(env).connector = voice
    await c.w.alice.join_voice(c.studio)
    await advance_to(env, START, step=600)
    await env.advance_time(1)
    starting = [m for m in posts(c.sessions) if "is starting now" in (m.content or "")]
    assert len(starting) == 1
    assert "Tabata" in text_of(starting[0])
    assert voice.joined == [c.studio.id]

    # Alice stays 20 of 30 minutes; Bob drops in for 5; Carol presses I was there afterwards.
    await advance(env, 5 * 60, step=60)
    await c.w.bob.join_voice(c.studio)
    await advance(env, 5 * 60, step=60)
    await c.w.bob.leave_voice()
    await advance(env, 10 * 60, step=300)
    await c.w.alice.leave_voice()
    await advance_to(env, START + timedelta(minutes=30, seconds=5), step=300)

    (recap,) = [m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]
    recap_text = text_of(recap)
    assert f"<@{c.w.alice.id}>" in recap_text
    assert f"<@{c.w.bob.id}>" not in recap_text
    carol = c.w.guild.add_member(env.create_user("carol"))
    there = await carol.click(recap, label="I was there")
    assert "logged as a workout" in text_of(there.response)
    twice = await carol.click(recap, label="I was there")
    assert "already counted" in text_of(twice.response)
    refreshed = next(m for m in posts(c.sessions) if m.id == recap.id)
    assert f"<@{carol.id}>" in text_of(refreshed)

    # Attendance is logged as workouts, which schedule soreness check-ins; Bob's 5 minutes don't count.
    deliveries = env.bot.services.deliveries
    assert await deliveries.for_user(c.w.alice.id, kinds=[CHECKIN_KIND])
    assert await deliveries.for_user(carol.id, kinds=[CHECKIN_KIND])
    assert not await deliveries.for_user(c.w.bob.id, kinds=[CHECKIN_KIND])

    # The recap came once; the reminders once each.
    await advance(env, 3 * 3600)
    assert len([m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]) == 1
    assert len([m for m in dms(c.w.alice) if "starts" in m.content]) == 1
    late = await c.w.bob.click(recap, label="I was there")
    assert late.ephemeral and "has passed" in text_of(late.response)
    await env.bot.close()


# -- cues --------------------------------------------------------------------------------------------


async def test_cues_play_on_the_phase_changes_in_virtual_time(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c, program="8x(20s work, 10s rest)", channel=c.studio, start="2026-01-01 01:00")
    voice = RecordingVoice(env)
    sessions_cog(env).connector = voice
    await advance_to(env, datetime(2026, 1, 1, 1, 0, tzinfo=UTC), step=600)
    await advance(env, 5 * 60, step=2)
    timer = await env.bot.services.intervals.find(
        (await env.bot.services.sessions.get(1)).timer_id  # type: ignore[arg-type]
    )
    assert timer is not None
    expected = cue_schedule(timer.phases)
    assert [sound for _, sound, _ in voice.played] == [cue.sound for cue in expected]
    errors = [
        abs((at - (timer.started_at + timedelta(seconds=cue.at_s))).total_seconds())
        for (at, _, _), cue in zip(voice.played, expected, strict=True)
    ]
    assert max(errors) <= 0.05
    assert all(size % FRAME_BYTES == 0 and size > 0 for _, _, size in voice.played)
    assert voice.left == 1
    assert expected[:4] == [Cue(-3, "count"), Cue(-2, "count"), Cue(-1, "count"), Cue(0, "work")]
    await env.bot.close()


async def test_without_voice_the_timer_runs_alone_and_the_creator_is_told_once(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c, program="tabata", channel=c.studio, start="2026-01-01 01:00", repeat="weekly")
    # The real connector: SimCord has no voice connection, and the voice extra isn't installed here.
    await advance_to(env, datetime(2026, 1, 1, 1, 0, tzinfo=UTC), step=600)
    await advance(env, 60, step=10)
    assert [m for m in posts(c.sessions) if "is starting now" in (m.content or "")]
    (note,) = [m for m in dms(c.coach) if "audio cues" in m.content]
    assert "voice support isn't installed" in note.content or "Opus" in note.content
    # Next week, the same problem is not told again.
    await advance(env, 7 * 24 * 3600, step=6 * 3600)
    assert len([m for m in posts(c.sessions) if "is starting now" in (m.content or "")]) == 2
    assert len([m for m in dms(c.coach) if "audio cues" in m.content]) == 1
    await env.bot.close()


# -- cancel, edit, bad input --------------------------------------------------------------------------


async def test_cancel_tells_those_who_were_in_once_and_cancels_the_event(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c)
    post = announcement(c)
    await c.w.alice.click(post, label="I'm in")
    await c.w.bob.click(post, label="Can't make it")
    choices = await c.coach.autocomplete(c.sessions, "session cancel", "session", "lunch")
    assert [c["value"] for c in choices] == [1]
    assert "Lunch Tabata" in choices[0]["name"]
    result = await c.coach.slash(c.sessions, "session cancel", session=1)
    assert "tell the 1 member" in text_of(result.response)
    await env.advance_time(5)
    assert len([m for m in dms(c.w.alice) if "was cancelled" in m.content]) == 1
    assert dms(c.w.bob) == []
    assert [e.status for e in events(env, c)] == [4]
    assert "cancelled" in text_of(next(m for m in posts(c.sessions) if m.id == post.id))
    await advance_to(env, START + timedelta(hours=1))
    assert [m for m in dms(c.w.alice) if "starts" in m.content] == []
    assert not [m for m in posts(c.sessions) if "starting now" in (m.content or "")]
    assert len([m for m in dms(c.w.alice) if "was cancelled" in m.content]) == 1
    again = await c.coach.slash(c.sessions, "session cancel", session=1)
    assert "no upcoming session" in user_error(env, again)
    await env.bot.close()


async def test_edit_moves_the_event_and_the_reminder(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c)
    await c.w.alice.click(announcement(c), label="I'm in")
    result = await c.coach.slash(c.sessions, "session edit", session=1, start="2026-01-01 15:00")
    assert "Updated" in text_of(result.response)
    (event,) = events(env, c)
    assert datetime.fromisoformat(event.scheduled_start_time) == START + timedelta(hours=3)
    await advance_to(env, START + timedelta(hours=2))
    assert [m for m in dms(c.w.alice) if "starts" in m.content] == []
    await advance_to(env, START + timedelta(hours=2, minutes=30), step=600)
    assert len([m for m in dms(c.w.alice) if "starts" in m.content]) == 1
    refused = await c.w.alice.slash(c.sessions, "session edit", session=1, duration="45m")
    assert "Only" in user_error(env, refused)
    await env.bot.close()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"start": "2025-12-31 09:00"}, "in the past"),
        ({"duration": "7h"}, "at most 6h"),
        ({"program": "8x(20s wrk"}, "neither an interval workout nor one of your routines"),
        ({"start": "tomorrow"}, "isn't a date and time"),
    ],
)
async def test_bad_input_is_refused_with_a_reason_and_nothing_is_created(simcord_env, options, reason):
    env = simcord_env
    c = await club(env)
    result = await schedule(c, **options)
    text = user_error(env, result)
    assert reason in text
    assert "Example:" in text
    assert events(env, c) == []
    assert await env.bot.services.sessions.upcoming(c.w.guild.id) == []
    await env.bot.close()


async def test_a_text_channel_as_the_voice_channel_is_refused(simcord_env):
    env = simcord_env
    c = await club(env)
    result = await schedule(c, channel=c.w.general)
    assert "text channel" in user_error(env, result)
    assert events(env, c) == []
    await env.bot.close()


async def test_members_cannot_schedule(simcord_env):
    env = simcord_env
    c = await club(env)
    result = await schedule(c, c.w.alice)
    assert "coach role" in user_error(env, result)
    assert events(env, c) == []
    await env.bot.close()


async def test_if_discord_refuses_the_event_nothing_is_stored(simcord_env):
    env = simcord_env
    c = await club(env)
    env.inject_error(
        "POST",
        f"/guilds/{c.w.guild.id}/scheduled-events",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    result = await schedule(c)
    assert "nothing was saved" in user_error(env, result)
    assert await env.bot.services.sessions.upcoming(c.w.guild.id) == []
    assert not [m for m in posts(c.sessions) if m.embeds]
    await env.bot.close()


# -- weekly across DST --------------------------------------------------------------------------------


@pytest.mark.start_at("2026-03-20T12:00:00+00:00")
async def test_a_weekly_session_keeps_its_local_time_across_dst(simcord_env):
    env = simcord_env
    c = await club(env)
    await c.coach.slash(c.sessions, "settings timezone", zone="Europe/Berlin")
    # Saturday 2026-03-21 09:00 in Berlin is 08:00 UTC; the clocks go forward on the 29th.
    await schedule(c, name="Park Run", start="2026-03-21 09:00", location="Park gate", repeat="weekly")
    await advance_to(env, datetime(2026, 3, 21, 9, 0, tzinfo=UTC), step=3 * 3600)
    session = await env.bot.services.sessions.get(1)
    assert session.seq == 2
    assert session.starts_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    await advance_to(env, datetime(2026, 3, 28, 9, 0, tzinfo=UTC), step=3 * 3600)
    session = await env.bot.services.sessions.get(1)
    assert session.starts_at == datetime(2026, 4, 4, 7, 0, tzinfo=UTC)  # still 09:00 in Berlin (CEST)
    recaps = [m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]
    assert len(recaps) == 2
    # Discord gets an event for each occurrence: the next one at 09:00 Berlin time, after the change.
    starts = sorted(datetime.fromisoformat(e.scheduled_start_time) for e in events(env, c))
    assert starts[-1] == datetime(2026, 4, 4, 7, 0, tzinfo=UTC)
    assert session.event_id == max(events(env, c), key=lambda e: e.scheduled_start_time).id
    # `I was there` on last week's recap (the session has moved on) still counts, within two hours.
    pressed = await c.w.alice.click(recaps[-1], label="I was there")
    assert "logged as a workout" in text_of(pressed.response)
    await env.bot.close()


# -- privacy ------------------------------------------------------------------------------------------


async def test_privacy_export_and_delete_cover_rsvps_and_attendance(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c, start="2026-01-01 01:00")
    await c.w.alice.click(announcement(c), label="I'm in")
    await advance_to(env, datetime(2026, 1, 1, 1, 35, tzinfo=UTC), step=600)
    (recap,) = [m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]
    await c.w.alice.click(recap, label="I was there")
    exported = await env.bot.services.privacy.repo.export(c.w.alice.id)
    assert len(exported["session_rsvps"]) == 1
    assert len(exported["session_attendance"]) == 1
    assert len((await env.bot.services.privacy.repo.export(c.coach.id))["group_sessions"]) == 1
    async with env.bot.services.db.begin() as conn:
        removed = await env.bot.services.privacy.repo.delete(conn, c.w.alice.id)
    assert removed["session_rsvps"] == 1 and removed["session_attendance"] == 1
    await env.bot.close()


# -- Interested, quiet hours, downtime ---------------------------------------------------------------


async def test_interested_counts_as_in_and_taking_it_back_undoes_only_that(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c)
    (event,) = events(env, c)
    sessions = env.bot.services.sessions
    await c.w.bob.subscribe_event(event.id)
    assert await sessions.going(await sessions.get(1)) == [c.w.bob.id]
    await c.w.bob.unsubscribe_event(event.id)
    assert await sessions.going(await sessions.get(1)) == []
    # A Can't make it pressed on the announcement stands, whatever Discord's button says.
    await c.w.alice.click(announcement(c), label="Can't make it")
    await c.w.alice.subscribe_event(event.id)
    assert await sessions.going(await sessions.get(1)) == []
    # And I'm in stands when Interested is taken back.
    await c.w.bob.click(announcement(c), label="I'm in")
    await c.w.bob.subscribe_event(event.id)
    await c.w.bob.unsubscribe_event(event.id)
    assert await sessions.going(await sessions.get(1)) == [c.w.bob.id]
    await advance_to(env, START - timedelta(minutes=29), step=3600)
    assert len([m for m in dms(c.w.bob) if "starts" in m.content]) == 1
    assert dms(c.w.alice) == []
    await env.bot.close()


async def test_the_reminder_waits_for_the_end_of_quiet_hours(simcord_env):
    env = simcord_env
    c = await club(env)
    # 08:15 UTC; members' quiet hours are 22:00–08:00 by default, so the 07:45 reminder waits to 08:00.
    await schedule(c, start="2026-01-01 08:15")
    await c.w.alice.click(announcement(c), label="I'm in")
    await advance_to(env, datetime(2026, 1, 1, 7, 59, tzinfo=UTC), step=3600)
    assert dms(c.w.alice) == []
    await advance(env, 120, step=60)
    (reminder,) = dms(c.w.alice)
    assert "Lunch Tabata" in reminder.content
    await env.bot.close()


async def test_after_downtime_the_reminder_is_dropped_and_the_session_still_starts(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c, program="tabata")
    await c.w.alice.click(announcement(c), label="I'm in")
    await advance_to(env, START - timedelta(hours=1), step=3600)
    # The bot is down from 11:00 until 12:05: the 11:30 reminder would come after the start.
    await env.bot.runtime.stop()
    await advance_to(env, START + timedelta(minutes=5), step=600)
    await env.restart_bot(env.bot.__class__(env.bot.settings, extensions=env.bot.extension_names))
    await env.advance_time(5)
    assert dms(c.w.alice) == []
    starting = [m for m in posts(c.sessions) if "is starting now" in (m.content or "")]
    assert len(starting) == 1
    await advance_to(env, START + timedelta(minutes=31), step=600)
    assert len([m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]) == 1
    assert dms(c.w.alice) == []
    await env.bot.close()


async def test_session_commands_and_buttons_answer_before_any_work(simcord_env):
    from tests.response_ledger import install, slow_work

    env = simcord_env
    c = await club(env)
    book, stop = install(env)
    try:
        await schedule(c, start="2026-01-01 01:00")
        await c.w.alice.click(announcement(c), label="I'm in")
        await c.w.alice.slash(c.sessions, "session list")
        await advance_to(env, datetime(2026, 1, 1, 2, 1, tzinfo=UTC), step=1800)
        (recap,) = [m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]
        await c.w.alice.click(recap, label="I was there")
        await schedule(c, name="Evening Run", start="2026-01-01 19:00")
        await c.coach.slash(c.sessions, "session edit", session=2, start="2026-01-01 19:30")
        await c.coach.slash(c.sessions, "session cancel", session=2)
    finally:
        stop()
    assert any(True for _ in book.before_first_response())
    assert slow_work(book) == []
    await env.bot.close()


async def test_the_recap_shows_a_running_challenge_with_the_same_program(simcord_env):
    env = simcord_env
    c = await club(env)
    await c.w.admin.slash(c.w.general, "setup channels", routines=c.w.routines, challenges=c.w.challenges)
    await c.coach.slash(
        c.w.general,
        "challenge create",
        name="January Tabata",
        program="tabata",
        start="now",
        end="2026-01-31 00:00",
    )
    await c.w.alice.slash(c.w.general, "challenge join", name="January Tabata")
    await c.w.alice.slash(c.w.general, "challenge log", name="January Tabata", result="150")
    await schedule(c, program="tabata", start="2026-01-01 01:00")
    await schedule(c, name="Easy Run", start="2026-01-01 03:00")
    await advance_to(env, datetime(2026, 1, 1, 4, 1, tzinfo=UTC), step=1800)
    recaps = {
        (m.embeds[0].title or ""): text_of(m)
        for m in posts(c.sessions)
        if m.embeds and "recap" in (m.embeds[0].title or "")
    }
    tabata = next(text for title, text in recaps.items() if "Lunch Tabata" in title)
    assert "January Tabata" in tabata and f"1. <@{c.w.alice.id}> 150" in tabata
    run = next(text for title, text in recaps.items() if "Easy Run" in title)
    assert "January Tabata" not in run
    await env.bot.close()


async def test_members_already_in_voice_long_before_are_counted_from_the_start(simcord_env):
    env = simcord_env
    c = await club(env)
    await schedule(c, channel=c.studio, start="2026-01-01 03:00")
    # Carol settles into the studio at midnight, long before the bot watches the channel for it.
    carol = c.w.guild.add_member(env.create_user("carol"))
    await carol.join_voice(c.studio)
    await c.w.alice.join_voice(c.w.guild.create_voice_channel("Lounge"))
    await advance_to(env, datetime(2026, 1, 1, 3, 31, tzinfo=UTC), step=1800)
    (recap,) = [m for m in posts(c.sessions) if m.embeds and "recap" in (m.embeds[0].title or "")]
    assert f"<@{carol.id}>" in text_of(recap)
    assert f"<@{c.w.alice.id}>" not in text_of(recap)
    assert await env.bot.services.deliveries.for_user(carol.id, kinds=[CHECKIN_KIND])
    await env.bot.close()


async def test_if_the_announcement_cannot_be_posted_the_session_and_its_event_go(simcord_env):
    env = simcord_env
    c = await club(env)
    env.inject_error("POST", f"/channels/{c.sessions.id}/messages", status=500, message="Server error")
    result = await schedule(c)
    assert "Something went wrong" in text_of(result.response)
    simcord.assert_error(env, discord.HTTPException)
    assert await env.bot.services.sessions.upcoming(c.w.guild.id) == []
    assert events(env, c) == []
    await env.bot.close()


async def test_a_failed_voice_connection_leaves_the_text_timer_running(simcord_env, monkeypatch):
    from bot.runtime import voice

    env = simcord_env
    c = await club(env)
    # As if the voice extra were installed: SimCord then refuses the connection itself (no voice server).
    monkeypatch.setattr(voice, "voice_support_missing", lambda: None)
    await schedule(c, program="tabata", channel=c.studio, start="2026-01-01 01:00")
    await advance_to(env, datetime(2026, 1, 1, 1, 0, tzinfo=UTC), step=600)
    await advance(env, 60, step=10)
    (note,) = [m for m in dms(c.coach) if "audio cues" in m.content]
    assert "connecting to" in note.content and "failed" in note.content
    timer_post = next(m for m in posts(c.sessions) if "is starting now" in (m.content or ""))
    await advance(env, 5 * 60, step=60)
    finished = next(m for m in posts(c.sessions) if m.id == timer_post.id)
    assert "Finished" in text_of(finished)
    await env.bot.close()
