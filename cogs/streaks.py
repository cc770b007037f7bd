"""/streak: the member's weekly and training-day streaks, freezes and a 12-week calendar.

Only the member sees it unless they choose ``share:True``.
"""

from __future__ import annotations

import io
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.streaks import MAX_FREEZES, WEEKS_PER_FREEZE
from bot.domain.text import plural
from bot.services.streak_chart import calendar_png
from bot.services.streaks import StreakReport
from bot.ui import COLOUR, reply

Interaction = discord.Interaction[RepmateBot]

CALENDAR_FILE = "streak-calendar.png"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def streak_embed(report: StreakReport, *, shared_by: str | None = None) -> discord.Embed:
    s = report.streaks
    title = f"{shared_by}'s streaks" if shared_by else "Your streaks"
    embed = discord.Embed(title=title, colour=COLOUR)
    week_word = "week" if s.weekly_current == 1 else "weeks"
    weekly = [
        f"**{s.weekly_current}** {week_word} in a row (best {s.weekly_best})",
        f"This week: {s.this_week_sessions} of {plural(s.this_week_target, 'session')}"
        + (" — met ✅" if s.this_week_met else ""),
    ]
    embed.add_field(name="Weekly streak", value="\n".join(weekly), inline=False)
    if s.training_current is not None:
        day_word = "day" if s.training_current == 1 else "days"
        embed.add_field(
            name="Training-day streak",
            value=f"**{s.training_current}** training {day_word} (best {s.training_best})\n"
            "Days with nothing planned in `/plan` are rest days and don't break it.",
            inline=False,
        )
    else:
        embed.add_field(
            name="Training-day streak",
            value="Plan your week with `/plan set` to count planned days too; rest days won't break it.",
            inline=False,
        )
    freezes = [
        f"Holding **{s.freezes_held}** of {MAX_FREEZES}; one is earned every {WEEKS_PER_FREEZE} weeks met."
    ]
    used = [f"week of {_day(w)}" for w in s.frozen_weeks[-3:]] + [_day(d) for d in s.frozen_days[-3:]]
    if used:
        freezes.append(f"Used automatically: {', '.join(used)}")
    embed.add_field(name="Freezes", value="\n".join(freezes), inline=False)
    embed.set_image(url=f"attachment://{CALENDAR_FILE}")
    if not shared_by:
        embed.set_footer(
            text=f"Days follow {report.zone.key} as it was when each workout was logged; weeks start on "
            "Monday. Change the target with /settings weekly-target."
        )
    return embed


class StreaksCog(commands.Cog):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="streak", description="Your weekly and training-day streaks, freezes and calendar"
    )
    @app_commands.describe(share="Post it in the channel for everyone to see (only you see it otherwise)")
    async def streak(self, interaction: Interaction, share: bool = False) -> None:
        await interaction.response.defer(ephemeral=not share, thinking=True)
        report = await self.bot.services.streaks.report(interaction.user.id)
        png = await calendar_png(report.calendar, "The last 12 weeks")
        embed = streak_embed(report, shared_by=interaction.user.display_name if share else None)
        await reply(
            interaction,
            embed=embed,
            ephemeral=not share,
            file=discord.File(io.BytesIO(png), filename=CALENDAR_FILE),
        )


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(StreaksCog(bot))
