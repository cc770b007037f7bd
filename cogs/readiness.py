"""/readiness: how recovered each muscle group is, as a picture; and the readiness lines other
replies show (a session that loaded a tired group, a soreness rating's groups)."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.readiness import GroupReadiness
from bot.services.readiness import ReadinessReport
from bot.services.readiness_chart import readiness_png
from bot.services.workouts import LoggedWorkout
from bot.ui import (
    COLOUR,
    COLOUR_WARN,
    DESCRIPTION_MAX,
    FIELD_MAX,
    Block,
    Field,
    clip,
    discord_time,
    fit_embed,
    reply,
)

Interaction = discord.Interaction[RepmateBot]

log = logging.getLogger(__name__)

CHART_FILE = "readiness.png"
CHART_TITLE = "Muscle readiness"
CHART_HEADINGS = ("Upper body", "Core and legs")
NOT_MEDICAL = "A training aid from what you logged and reported, not a medical measure."


def describe_groups(groups: Sequence[GroupReadiness]) -> str:
    """``Quads 52% · Glutes 49%``."""
    return " · ".join(f"{g.label} {g.whole}%" for g in groups)


def readiness_embed(report: ReadinessReport) -> discord.Embed:
    embed = discord.Embed(title="Your muscle readiness", colour=COLOUR)
    embed.timestamp = report.at
    lines: list[str] = []
    if report.sessions == 0 and not report.from_soreness:
        lines.append(
            f"Nothing logged in the last {report.lookback_days} days, so every muscle group is fully ready."
        )
        if report.last_workout_at is None:
            lines.append("Log a workout with `/log workout` and this shows how it tires each muscle group.")
    if report.least_ready:
        lines.append(f"**Least ready:** {describe_groups(report.least_ready)}")
    elif report.sessions:
        lines.append("**Every muscle group is fully ready.**")
    if report.suggestions:
        picks = " · ".join(f"{e.name} ({g.label.lower()})" for g, e in report.suggestions)
        lines.append(f"**Today, train:** {picks}")
    else:
        lines.append("**Today:** nothing is fully recovered; a rest day or easy movement fits.")
    tired = [g for g in report.least_ready if g.whole < report.ease_off]
    if tired:
        embed.colour = COLOUR_WARN
    embed.description = "\n".join(lines)
    parts: list[Field | Block] = []
    if report.from_soreness:
        parts.append(
            Field(
                "From your soreness ratings",
                f"{describe_groups(report.from_soreness)}: your rating says more than the log here.",
            )
        )
    if report.custom_exercises:
        names = ", ".join(discord.utils.escape_markdown(n) for n in report.custom_exercises)
        parts.append(
            Field(
                "Not counted",
                clip(
                    f"{names}: custom exercises train no muscle group Repmate knows. Log catalogue names "
                    "(`/exercise search`) to have them counted.",
                    FIELD_MAX,
                ),
            )
        )
    if report.last_workout_at is not None:
        parts.append(Field("Last workout", discord_time(report.last_workout_at, "R")))
    embed.set_image(url=f"attachment://{CHART_FILE}")
    embed.set_footer(text=f"{NOT_MEDICAL} Something hurts? /shouldistop")
    return fit_embed(embed, parts)


def strain_line(groups: Sequence[GroupReadiness], ease_off: int) -> str | None:
    """The one-line warning for a session that loaded groups below the ease-off line."""
    if not groups:
        return None
    were = "it was" if len(groups) == 1 else "they were"
    return (
        f"⚠️ This session loaded {describe_groups(groups)} while {were} "
        f"still recovering (below {ease_off}% ready). Check `/readiness` before training them again."
    )


async def add_strain_warning(bot: RepmateBot, logged: LoggedWorkout, embed: discord.Embed) -> None:
    """Add the warning line to a logged-workout reply when it applies.

    The workout is already saved: a failure here is logged and the reply goes out without
    the line, never as an error that would make the member think nothing was logged.
    """
    try:
        groups = await bot.services.readiness.strained_by_session(
            logged.session.user_id,
            logged.session.session_id,
            logged.session.performed_at,
            [e.exercise_key for e in logged.exercises],
        )
    except Exception:
        log.exception("Readiness warning failed for session %s", logged.session.session_id)
        return
    line = strain_line(groups, bot.services.readiness.params.ease_off)
    if line is not None:
        embed.description = clip(f"{embed.description or ''}\n{line}".strip(), DESCRIPTION_MAX)
        embed.colour = COLOUR_WARN


def rating_readiness_line(groups: Sequence[GroupReadiness]) -> str | None:
    """What a soreness rating's groups are at now, for the rating's reply."""
    if not groups:
        return None
    return f"Readiness there now: {describe_groups(groups)} (`/readiness` for every muscle group)."


class ReadinessCog(commands.Cog):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="readiness", description="How recovered each muscle group is, from your log and soreness ratings"
    )
    async def readiness(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.bot.services.readiness.report(interaction.user.id)
        params = self.bot.services.readiness.params
        png = await readiness_png(
            [[(g.label, g.whole) for g in column] for column in params.columns(report.shown)],
            headings=CHART_HEADINGS,
            ease_off=params.ease_off,
            ready=params.ready,
            title=CHART_TITLE,
        )
        await reply(
            interaction,
            embed=readiness_embed(report),
            file=discord.File(io.BytesIO(png), filename=CHART_FILE),
        )


__all__ = [
    "ReadinessCog",
    "add_strain_warning",
    "describe_groups",
    "rating_readiness_line",
    "readiness_embed",
    "strain_line",
]


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(ReadinessCog(bot))
