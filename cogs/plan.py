"""/plan: a member's weekly training schedule (SPEC §4.1).

One routine (their own or a saved copy) per weekday. ``/plan show`` also says what is
planned today in the member's own zone and, when something is, offers the ``Log it``
button (``repmate:routine:log:<id>``, handled by ``cogs.log``) for that routine.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.text import inline_code
from bot.services.plans import DAY_KEYS, DAY_NAMES, PlanChange, PlanService, WeekPlan
from bot.ui import COLOUR, Field, clip, fit_embed, reply
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

DAY_CHOICES = [
    app_commands.Choice(name=name, value=key) for key, name in zip(DAY_KEYS, DAY_NAMES, strict=True)
]


# -- rendering --------------------------------------------------------------------------------------


def today_line(plan: WeekPlan) -> str:
    day = f"**{DAY_NAMES[plan.today_weekday]}** {plan.today.day} {plan.today:%B}"
    planned = plan.planned_today
    if planned is None:
        return f"Today is {day}: nothing is planned, so it's a rest day."
    return f"Today is {day}: {inline_code(planned.routine_name)} is planned."


def week_embed(plan: WeekPlan, title: str = "Your weekly plan") -> discord.Embed:
    embed = discord.Embed(title=title, colour=COLOUR)
    fields = []
    if not plan.entries:
        embed.description = (
            f"{today_line(plan)}\n\nNothing is planned yet. "
            "Put one of your routines on a day with `/plan set day:mon routine:Leg Day`."
        )
    else:
        embed.description = today_line(plan)
        lines = []
        for weekday, name in enumerate(DAY_NAMES):
            entry = plan.on(weekday)
            what = inline_code(entry.routine_name) if entry is not None else "rest"
            marker = " ← today" if weekday == plan.today_weekday else ""
            lines.append(f"**{name[:3]}** · {what}{marker}")
        fields.append(Field("Week", "\n".join(lines)))
    if plan.zone_is_default:
        embed.set_footer(
            text=f"Days follow {plan.zone.key}, the server's default time zone; "
            "set yours with /settings timezone."
        )
    else:
        embed.set_footer(text=f"Days follow your time zone, {plan.zone.key}.")
    return fit_embed(embed, fields)


def log_today_view(plan: WeekPlan) -> discord.ui.View | None:
    """``Log it`` for today's routine. The click is dispatched by ``cogs.log``'s dynamic item,
    never by this view, so it is stopped before sending (discord.py then doesn't keep it)."""
    planned = plan.planned_today
    if planned is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Log it", style=discord.ButtonStyle.success, custom_id=ids.routine_log(planned.routine_id)
        )
    )
    view.stop()
    return view


def change_text(change: PlanChange) -> str:
    if change.planned is None:
        assert change.previous is not None
        return (
            f"Cleared **{change.day_name}**: {inline_code(change.previous.routine_name)} is no longer "
            "planned; it's a rest day now."
        )
    text = f"Planned {inline_code(change.planned.routine_name)} on **{change.day_name}**."
    previous = change.previous
    if previous is not None and previous.routine_id != change.planned.routine_id:
        text += f" It replaces {inline_code(previous.routine_name)}."
    return text


async def send_week(interaction: Interaction, plan: WeekPlan, content: str | None = None) -> None:
    view = log_today_view(plan)
    if view is None:
        await reply(interaction, content, embed=week_embed(plan))
    else:
        await reply(interaction, content, embed=week_embed(plan), view=view)


# -- the cog ----------------------------------------------------------------------------------------


class PlanCog(commands.GroupCog, group_name="plan", group_description="Your weekly training schedule"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> PlanService:
        return self.bot.services.plans

    @app_commands.command(name="set", description="Put one of your routines on a day of your week")
    @app_commands.describe(
        day="The day of the week", routine="One of your routines (your own or a saved copy)"
    )
    @app_commands.choices(day=DAY_CHOICES)
    async def set_(
        self, interaction: Interaction, day: str, routine: app_commands.Range[str, 1, 100]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.service.set(interaction.user.id, day, routine)
        await send_week(interaction, await self.service.show(interaction.user.id), change_text(change))

    @set_.autocomplete("routine")
    async def routine_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.bot.services.routines.names(interaction.user.id, current)
        return [app_commands.Choice(name=clip(n, 100), value=n) for n in names]

    @app_commands.command(name="clear", description="Make a day of your week a rest day again")
    @app_commands.describe(day="The day of the week")
    @app_commands.choices(day=DAY_CHOICES)
    async def clear(self, interaction: Interaction, day: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.service.clear(interaction.user.id, day)
        await send_week(interaction, await self.service.show(interaction.user.id), change_text(change))

    @app_commands.command(name="show", description="Your weekly plan, and what's planned today")
    async def show(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_week(interaction, await self.service.show(interaction.user.id))


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(PlanCog(bot))
