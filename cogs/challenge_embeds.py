"""What challenges look like in Discord: announcements, results, leaderboards, within Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.app import RepmateBot
from bot.domain.intervals import describe
from bot.domain.scoring import PodiumPlace
from bot.domain.text import inline_code
from bot.services.challenges import (
    Challenge,
    Leaderboard,
    Logged,
    Overview,
    Place,
    Results,
)
from bot.ui import COLOUR, FIELD_MAX, FIELDS_MAX, Block, Field, discord_time, fit_embed
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


# -- rendering --------------------------------------------------------------------------------------


def how_to_take_part(challenge: Challenge) -> str:
    if challenge.counts_itself:
        return (
            "1. Press **Join** (or `/challenge join`)\n"
            "2. Train, and log each workout with `/log workout`\n"
            f"3. Every week with {challenge.weekly_target or 'enough'} sessions adds one; "
            "there are no results to type in"
        )
    return (
        "1. Press **Join** (or `/challenge join`)\n"
        f"2. Do the workout: {inline_code(f'/interval start program:{challenge.notation}')} runs a timer\n"
        f"3. Log it: {inline_code(f'/challenge log name:{challenge.name} result:{challenge.example_result}')}"
    )


def announcement_embed(challenge: Challenge, *, late: bool = False) -> discord.Embed:
    lines = [
        f"**{challenge.program.title}** — {describe(challenge.program)}",
        f"Scoring: {challenge.scoring_text}",
        f"Runs until {discord_time(challenge.ends_at, 'F')} ({discord_time(challenge.ends_at, 'R')})",
    ]
    if late:
        lines.append("*Announced late: Repmate was offline when this challenge started.*")
    embed = discord.Embed(
        title=f"📣 Challenge: {challenge.name}", description="\n".join(lines), colour=COLOUR
    )
    return fit_embed(
        embed,
        [
            Field("How to take part", how_to_take_part(challenge)),
            Field("Created by", f"<@{challenge.creator_id}>", inline=True),
            Field("Program", inline_code(challenge.notation, FIELD_MAX - 2), inline=True),
        ],
    )


def join_view(challenge_id: int, *, ended: bool = False) -> discord.ui.View:
    """The announcement's button; clicks go to the registered dynamic item, so the view is stopped."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Ended" if ended else "Join",
            style=discord.ButtonStyle.secondary if ended else discord.ButtonStyle.success,
            custom_id=ids.challenge_join(challenge_id),
            disabled=ended,
        )
    )
    view.stop()
    return view


def place_line(place: Place, *, me: int | None = None) -> str:
    line = f"`#{place.rank}` <@{place.user_id}> — **{discord.utils.escape_markdown(place.display)}**"
    return f"{line} ← you" if place.user_id == me else line


def podium_lines(challenge: Challenge, steps: Sequence[PodiumPlace]) -> list[str]:
    lines = []
    for step in steps:
        members = [f"<@{m}>" for m in step.member_ids[:10]]
        if len(step.member_ids) > 10:
            members.append(f"and {len(step.member_ids) - 10} more")
        tie = " (tied)" if len(step.member_ids) > 1 else ""
        lines.append(f"{MEDALS[step.rank]} {', '.join(members)} — **{challenge.display(step.value)}**{tie}")
    return lines


def results_embed(results: Results, *, late: bool = False) -> discord.Embed:
    """The one post at the end: podium, everyone's best (as many as fit), who logged nothing."""
    challenge = results.challenge
    took_part = f"{results.participants} took part" if results.participants != 1 else "1 took part"
    lines = [
        f"**{challenge.program.title}** · {challenge.scoring_text}",
        f"{took_part}, {results.ranked} logged a result.",
    ]
    if challenge.ended_early:
        lines.append("Ended early by its organiser.")
    if late:
        lines.append("*Posted late: Repmate was offline when this challenge ended.*")
    if not results.standings:
        lines.append("Nobody logged a result, so there's no podium this time.")
    embed = discord.Embed(title=f"🏁 Results: {challenge.name}", description="\n".join(lines), colour=COLOUR)
    embed.timestamp = challenge.ends_at
    # The podium and who logged nothing are short and always shown; everyone's best fills the rest.
    parts: list[Field | Block] = []
    if results.podium:
        parts.append(Field("Podium", "\n".join(podium_lines(challenge, results.podium)), priority=2))
    if results.standings:
        leaderboard = inline_code(f"/challenge leaderboard name:{challenge.name}")
        best = [place_line(p) for p in results.standings]
        parts.append(
            Block(
                "Everyone's best",
                best,
                lambda n: f"…and {n} more. {leaderboard} shows your place.",
                total=results.ranked,
            )
        )
    no_result = results.participants - results.ranked
    if no_result > 0:
        names = ", ".join(f"<@{m}>" for m in results.without_result[:30])
        if no_result > len(results.without_result[:30]):
            names += f" and {no_result - len(results.without_result[:30])} more"
        parts.append(Field(f"Joined, no result ({no_result})", names, priority=1))
    return fit_embed(embed, parts)


def leaderboard_embed(board: Leaderboard, user_id: int, now: datetime) -> discord.Embed:
    challenge = board.challenge
    status = challenge.status(now)
    when = {
        "upcoming": f"Starts {discord_time(challenge.starts_at, 'R')}",
        "running": f"Running, ends {discord_time(challenge.ends_at, 'R')}",
        "ended": f"Ended {discord_time(challenge.ends_at, 'R')}",
    }[status]
    description = "\n".join(
        [
            when,
            f"**{challenge.program.title}** · {challenge.scoring_text}",
            f"{board.participants} joined · {board.ranked} with a result",
        ]
    )
    embed = discord.Embed(title=f"🏆 {challenge.name}", description=description, colour=COLOUR)
    if board.top:
        top = Field(f"Top {len(board.top)}", "\n".join(place_line(p, me=user_id) for p in board.top))
    else:
        top = Field("No results yet", "Be the first to log one.")
    if board.me is not None:
        me = board.me
        logs = f"{me.entry_count} result{'s' if me.entry_count != 1 else ''} logged"
        you = f"`#{me.rank}` of {board.ranked} — **{discord.utils.escape_markdown(me.display)}**"
        if not challenge.counts_itself:
            you += f" ({logs})"
    elif board.joined and challenge.counts_itself:
        you = "No week met yet: log your workouts with `/log workout`."
    elif board.joined:
        you = "You haven't logged a result yet: " + inline_code(
            f"/challenge log name:{challenge.name} result:{challenge.example_result}"
        )
    elif status == "ended":
        you = "You didn't take part in this one."
    else:
        you = "You haven't joined: " + inline_code(f"/challenge join name:{challenge.name}")
    return fit_embed(embed, [top, Field("You", you, priority=1)])


def overview_embed(overview: Overview) -> discord.Embed:
    embed = discord.Embed(title="Challenges", colour=COLOUR)
    if not overview.challenges:
        embed.description = (
            "No challenges here yet. Admins and coaches can create one with `/challenge create`."
        )
        return embed
    embed.set_footer(text="Join with /challenge join · see standings with /challenge leaderboard")
    fields = []
    for challenge in overview.challenges[:FIELDS_MAX]:
        status = challenge.status(overview.now)
        mark = " ✅ joined" if challenge.id in overview.joined else ""
        when = {
            "upcoming": f"starts {discord_time(challenge.starts_at, 'R')}",
            "running": f"running, ends {discord_time(challenge.ends_at, 'R')}",
            "ended": f"ended {discord_time(challenge.ends_at, 'R')}",
        }[status]
        people = f"{challenge.participant_count} joined"
        value = f"{challenge.program.title} · {challenge.scoring_text}\n{when} · {people}{mark}"
        icon = {"upcoming": "🗓️", "running": "🔥", "ended": "🏁"}[status]
        fields.append(Field(f"{icon} {challenge.name}", value))
    return fit_embed(embed, fields)


def logged_text(logged: Logged) -> str:
    challenge = logged.challenge
    result = discord.utils.escape_markdown(logged.result.display)
    parts = [f"Logged **{result}** for {inline_code(challenge.name)}."]
    if logged.first:
        parts.append("That's your first result.")
    elif logged.improved:
        parts.append(f"New best: **{logged.best}**! 🎉")
    else:
        parts.append(f"Your best is still **{logged.best}**.")
    if logged.place is not None:
        parts.append(f"You're **#{logged.place.rank}** of {logged.ranked}.")
    return " ".join(parts)


def created_text(challenge: Challenge, channel_id: int, now: datetime) -> str:
    starting = challenge.status(now) != "upcoming"
    when = "It starts now" if starting else f"It starts {discord_time(challenge.starts_at, 'F')}"
    return (
        f"Created {inline_code(challenge.name)}: {challenge.program.title}, scored by "
        f"{challenge.scoring_text}. {when} and ends {discord_time(challenge.ends_at, 'F')}. "
        f"It will be announced in <#{channel_id}> with a **Join** button"
        + (" (on its way)." if starting else " when it starts; members can already join with ")
        + ("" if starting else inline_code(f"/challenge join name:{challenge.name}") + ".")
    )
