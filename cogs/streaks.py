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
from bot.domain.units import format_weight
from bot.runtime.kinds import Delivery, Outgoing
from bot.services import digests, milestones, recaps
from bot.services.digests import Digest
from bot.services.recaps import Recap
from bot.services.streak_chart import calendar_png
from bot.services.streaks import StreakReport
from bot.ui import COLOUR, Block, fit_embed, reply

Interaction = discord.Interaction[RepmateBot]

CALENDAR_FILE = "streak-calendar.png"
#: Discord's error code when the member has left the server.
UNKNOWN_MEMBER = 10007
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


def recap_embed(recap: Recap, late: bool) -> discord.Embed:
    """The weekly recap post: members are shown by mention, which names them without a ping
    (deliveries go out with mentions off)."""
    embed = discord.Embed(title=f"Weekly recap · {_day(recap.first)} – {_day(recap.last)}", colour=COLOUR)
    summary = (
        f"**{plural(recap.sessions, 'session')}** by **{plural(recap.members, 'member')}**"
        f" · **{format_weight(recap.volume_kg, 'kg')}** lifted"
        f" · **{plural(recap.records, 'personal record')}**"
    )
    if late:
        summary = "This recap is late: the bot was offline when it was due.\n" + summary
    embed.description = summary
    parts: list[Block] = []
    if recap.streaks:
        parts.append(
            Block(
                "Longest weekly streaks",
                [f"<@{uid}> — {plural(weeks, 'week')}" for uid, weeks in recap.streaks],
            )
        )
    if recap.most_sessions:
        parts.append(
            Block(
                "Most sessions",
                [f"<@{uid}> — {plural(count, 'session')}" for uid, count in recap.most_sessions],
            )
        )
    if recap.record_setters:
        parts.append(
            Block(
                "Personal records",
                [f"<@{uid}> — {plural(count, 'record')}" for uid, count in recap.record_setters],
            )
        )
    for standing in recap.challenges:
        lines = [f"{p.rank}. <@{p.user_id}> — {p.display}" for p in standing.top] or ["No results yet."]
        name = discord.utils.escape_markdown(standing.name)[:200]
        parts.append(Block(f"🏆 {name} ({plural(standing.participants, 'member')})", lines))
    embed.set_footer(
        text="Counted on each member's own local days. Leave the recap with /settings recap-mentions."
    )
    return fit_embed(embed, parts)


def digest_embed(digest: Digest, late: bool) -> discord.Embed:
    week, before, s = digest.this_week, digest.last_week, digest.streaks
    embed = discord.Embed(title=f"Your week · {_day(digest.first)} – {_day(digest.last)}", colour=COLOUR)
    if late:
        embed.description = "This digest is late: the bot was offline when it was due."
    units = digest.units
    lines = [
        f"**{plural(week.sessions, 'session')}**"
        + (f" (the week before: {before.sessions})" if before.sessions or week.sessions else ""),
        f"**{format_weight(week.volume_kg, units)}** volume"
        + (f" (the week before: {format_weight(before.volume_kg, units)})" if before.volume_kg else ""),
    ]
    if week.records:
        lines.append(f"**{plural(week.records, 'personal record')}** 🎉")
    embed.add_field(name="Training", value="\n".join(lines), inline=False)
    streak = [f"Weekly: **{plural(s.weekly_current, 'week')}** in a row (best {s.weekly_best})"]
    if s.training_current is not None:
        streak.append(f"Training days: **{s.training_current}** (best {s.training_best})")
    streak.append(f"Freezes held: {s.freezes_held}")
    embed.add_field(name="Streak", value="\n".join(streak), inline=False)
    trend = digest.soreness_trend
    if trend is not None and digest.soreness_now is not None:
        text = f"Average {digest.soreness_now:.1f}/10 — {trend}"
        if digest.soreness_before is not None:
            text += f" (the week before: {digest.soreness_before:.1f}/10)"
        embed.add_field(name="Soreness", value=text, inline=False)
    embed.set_footer(text="Turn this off with /settings digest enabled:False.")
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

    async def render_recap(self, delivery: Delivery, late: bool) -> Outgoing | None:
        if delivery.guild_id is None:
            return None
        recap = await self.bot.services.recaps.build(delivery.guild_id, delivery.due_at)
        if recap is None:
            return None  # a week without sessions: nothing is posted
        return Outgoing(embed=recap_embed(recap, late))

    async def render_digest(self, delivery: Delivery, late: bool) -> Outgoing | None:
        if delivery.user_id is None:
            return None
        digest = await self.bot.services.digests.build(delivery.user_id, delivery.due_at)
        if digest is None:
            return None  # nothing logged or rated that week
        return Outgoing(embed=digest_embed(digest, late))

    async def render_milestone(self, delivery: Delivery, late: bool) -> Outgoing | None:
        """Grant the role (one paced request), then congratulate in the recap channel if there is one."""
        service = self.bot.services.milestones
        if delivery.guild_id is None or delivery.user_id is None:
            return None
        grant = await service.grant_for(
            int(delivery.payload["milestone_id"]), delivery.user_id, delivery.channel_id
        )
        if grant is None:
            return None
        milestone = grant.milestone
        reached = milestones.describe(milestone.kind, milestone.threshold)
        try:
            await self.bot.pacer.acquire()
            await self.bot.http.add_role(
                delivery.guild_id, grant.user_id, milestone.role_id, reason=f"Repmate milestone: {reached}"
            )
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_MEMBER:
                await service.member_gone(grant)
            else:
                await service.refused(grant, "the role was deleted; pick another with /setup milestone-role")
            return None
        except discord.Forbidden:
            await service.refused(
                grant, "Discord refused: I need Manage Roles, and my highest role must sit above this role"
            )
            return None
        await service.granted(grant)
        if grant.channel_id is None:
            return None
        return Outgoing(
            content=f"🎉 <@{grant.user_id}> reached **{reached}** and earned <@&{milestone.role_id}>. "
            "Keep it going!"
        )


async def setup(bot: RepmateBot) -> None:
    cog = StreaksCog(bot)
    await bot.add_cog(cog)
    bot.runtime.renderers.add(recaps.KIND, cog.render_recap)
    bot.runtime.renderers.add(milestones.KIND, cog.render_milestone)
    bot.runtime.renderers.add(digests.KIND, cog.render_digest)


async def teardown(bot: RepmateBot) -> None:
    bot.runtime.renderers.remove(recaps.KIND)
    bot.runtime.renderers.remove(milestones.KIND)
    bot.runtime.renderers.remove(digests.KIND)
