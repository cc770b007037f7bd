"""What challenges look like in Discord: announcements, results, leaderboards, within Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord
from discord import app_commands
from discord.utils import TimestampStyle

from bot.app import RepmateBot
from bot.domain.intervals import describe
from bot.domain.scoring import PodiumPlace, ScoringKind, scoring_summary
from bot.services.challenges import (
    Challenge,
    Leaderboard,
    Logged,
    Overview,
    Place,
    Results,
)
from bot.ui import (
    COLOUR,
    FIELD_MAX,
    chunk_lines,
    clip,
)

Interaction = discord.Interaction[RepmateBot]

JOIN_ID = "repmate:challenge:join:{id}"
LOG_FROM_TIMER_ID = "repmate:challenge:log-timer:{id}"

DESCRIPTION_MAX = 4096
EMBED_MAX = 6000
FIELDS_MAX = 25
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}

SCORING_CHOICES = [
    app_commands.Choice(name="Total reps (most wins)", value=ScoringKind.REPS.value),
    app_commands.Choice(name="Rounds completed (most wins)", value=ScoringKind.ROUNDS.value),
    app_commands.Choice(name="Rounds + reps, e.g. 7+12 (most wins)", value=ScoringKind.ROUNDS_REPS.value),
    app_commands.Choice(name="Time, e.g. 18:32 (fastest wins)", value=ScoringKind.TIME.value),
    app_commands.Choice(name="Sessions completed (most wins)", value=ScoringKind.SESSIONS.value),
]


# -- rendering --------------------------------------------------------------------------------------


def timestamp(moment: datetime, style: TimestampStyle) -> str:
    return discord.utils.format_dt(moment, style)


def challenge_name(challenge: Challenge) -> str:
    return discord.utils.escape_markdown(challenge.name)


def code_span(text: str) -> str:
    return "`" + (text.replace("`", "'") or " ") + "`"


def fit_lines(
    embed: discord.Embed, name: str, lines: Sequence[str], overflow: str, *, total: int, reserve: int = 0
) -> int:
    """Add lines as fields while the embed stays within Discord's limits; returns how many fit.

    When fewer than ``total`` are shown, a last field says how many were left out
    (``overflow`` gets ``{n}``); ``reserve`` keeps room for fields added afterwards.
    """
    shown = 0
    for index, chunk in enumerate(chunk_lines(lines)):
        field_name = name if index == 0 else f"{name} (continued)"
        room = EMBED_MAX - 250 - reserve
        if len(embed.fields) >= FIELDS_MAX - 2 or len(embed) + len(field_name) + len(chunk) > room:
            break
        embed.add_field(name=field_name, value=chunk, inline=False)
        shown += chunk.count("\n") + 1
    if shown < total:
        embed.add_field(name="…", value=clip(overflow.format(n=total - shown), FIELD_MAX), inline=False)
    return shown


def how_to_take_part(challenge: Challenge) -> str:
    return (
        "1. Press **Join** (or `/challenge join`)\n"
        f"2. Do the workout: {code_span(f'/interval start program:{challenge.notation}')} runs a timer\n"
        f"3. Log it: {code_span(f'/challenge log name:{challenge.name} result:{challenge.example_result}')}"
    )


def announcement_embed(challenge: Challenge, *, late: bool = False) -> discord.Embed:
    lines = [
        f"**{challenge.program.title}** — {describe(challenge.program)}",
        f"Scoring: {scoring_summary(challenge.scoring)}",
        f"Runs until {timestamp(challenge.ends_at, 'F')} ({timestamp(challenge.ends_at, 'R')})",
    ]
    if late:
        lines.append("*Announced late: Repmate was offline when this challenge started.*")
    embed = discord.Embed(
        title=clip(f"📣 Challenge: {challenge.name}", 256), description="\n".join(lines), colour=COLOUR
    )
    embed.add_field(name="How to take part", value=clip(how_to_take_part(challenge), FIELD_MAX), inline=False)
    embed.add_field(name="Created by", value=f"<@{challenge.creator_id}>", inline=True)
    embed.add_field(name="Program", value=clip(code_span(challenge.notation), FIELD_MAX), inline=True)
    return embed


def join_view(challenge_id: int, *, ended: bool = False) -> discord.ui.View:
    """The announcement's button; clicks go to the registered dynamic item, so the view is stopped."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Ended" if ended else "Join",
            style=discord.ButtonStyle.secondary if ended else discord.ButtonStyle.success,
            custom_id=JOIN_ID.format(id=challenge_id),
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
        f"**{challenge.program.title}** · {scoring_summary(challenge.scoring)}",
        f"{took_part}, {results.ranked} logged a result.",
    ]
    if challenge.ended_early:
        lines.append("Ended early by its organiser.")
    if late:
        lines.append("*Posted late: Repmate was offline when this challenge ended.*")
    if not results.standings:
        lines.append("Nobody logged a result, so there's no podium this time.")
    embed = discord.Embed(
        title=clip(f"🏁 Results: {challenge.name}", 256), description="\n".join(lines), colour=COLOUR
    )
    if results.podium:
        podium = "\n".join(podium_lines(challenge, results.podium))
        embed.add_field(name="Podium", value=clip(podium, FIELD_MAX), inline=False)
    no_result = results.participants - results.ranked
    if results.standings:
        overflow = (
            "…and {n} more. "
            + code_span(f"/challenge leaderboard name:{challenge.name}")
            + " shows your place."
        )
        best = [place_line(p) for p in results.standings]
        room_for_no_result = FIELD_MAX + 60 if no_result else 0
        fit_lines(embed, "Everyone's best", best, overflow, total=results.ranked, reserve=room_for_no_result)
    if no_result > 0:
        names = ", ".join(f"<@{m}>" for m in results.without_result[:30])
        if no_result > len(results.without_result[:30]):
            names += f" and {no_result - len(results.without_result[:30])} more"
        embed.add_field(name=f"Joined, no result ({no_result})", value=clip(names, FIELD_MAX), inline=False)
    embed.timestamp = challenge.ends_at
    return embed


def leaderboard_embed(board: Leaderboard, user_id: int, now: datetime) -> discord.Embed:
    challenge = board.challenge
    status = challenge.status(now)
    when = {
        "upcoming": f"Starts {timestamp(challenge.starts_at, 'R')}",
        "running": f"Running, ends {timestamp(challenge.ends_at, 'R')}",
        "ended": f"Ended {timestamp(challenge.ends_at, 'R')}",
    }[status]
    description = "\n".join(
        [
            when,
            f"**{challenge.program.title}** · {scoring_summary(challenge.scoring)}",
            f"{board.participants} joined · {board.ranked} with a result",
        ]
    )
    embed = discord.Embed(title=clip(f"🏆 {challenge.name}", 256), description=description, colour=COLOUR)
    if board.top:
        top = "\n".join(place_line(p, me=user_id) for p in board.top)
        embed.add_field(name=f"Top {len(board.top)}", value=clip(top, FIELD_MAX), inline=False)
    else:
        embed.add_field(name="No results yet", value="Be the first to log one.", inline=False)
    if board.me is not None:
        me = board.me
        logs = f"{me.entry_count} result{'s' if me.entry_count != 1 else ''} logged"
        you = f"`#{me.rank}` of {board.ranked} — **{discord.utils.escape_markdown(me.display)}** ({logs})"
    elif board.joined:
        you = "You haven't logged a result yet: " + code_span(
            f"/challenge log name:{challenge.name} result:{challenge.example_result}"
        )
    elif status == "ended":
        you = "You didn't take part in this one."
    else:
        you = "You haven't joined: " + code_span(f"/challenge join name:{challenge.name}")
    embed.add_field(name="You", value=clip(you, FIELD_MAX), inline=False)
    return embed


def overview_embed(overview: Overview) -> discord.Embed:
    embed = discord.Embed(title="Challenges", colour=COLOUR)
    if not overview.challenges:
        embed.description = (
            "No challenges here yet. Admins and coaches can create one with `/challenge create`."
        )
        return embed
    for challenge in overview.challenges[:FIELDS_MAX]:
        status = challenge.status(overview.now)
        mark = " ✅ joined" if challenge.id in overview.joined else ""
        when = {
            "upcoming": f"starts {timestamp(challenge.starts_at, 'R')}",
            "running": f"running, ends {timestamp(challenge.ends_at, 'R')}",
            "ended": f"ended {timestamp(challenge.ends_at, 'R')}",
        }[status]
        people = f"{challenge.participant_count} joined"
        value = f"{challenge.program.title} · {scoring_summary(challenge.scoring)}\n{when} · {people}{mark}"
        icon = {"upcoming": "🗓️", "running": "🔥", "ended": "🏁"}[status]
        embed.add_field(
            name=clip(f"{icon} {challenge.name}", 256), value=clip(value, FIELD_MAX), inline=False
        )
    embed.set_footer(text="Join with /challenge join · see standings with /challenge leaderboard")
    return embed


def logged_text(logged: Logged) -> str:
    challenge = logged.challenge
    parts = [
        f"Logged **{discord.utils.escape_markdown(logged.result.display)}** for {code_span(challenge.name)}."
    ]
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
    when = "It starts now" if starting else f"It starts {timestamp(challenge.starts_at, 'F')}"
    return (
        f"Created {code_span(challenge.name)}: {challenge.program.title}, scored by "
        f"{scoring_summary(challenge.scoring)}. {when} and ends {timestamp(challenge.ends_at, 'F')}. "
        f"It will be announced in <#{channel_id}> with a **Join** button"
        + (" (on its way)." if starting else " when it starts; members can already join with ")
        + ("" if starting else code_span(f"/challenge join name:{challenge.name}") + ".")
    )
