"""Daily reminders: `/remind daily|show|off` and the reminder DM (SPEC §5)."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.runtime.kinds import Delivery, Outgoing
from bot.services.reminders import KIND, SNOOZE_KIND, DoneResult, Reminder, ReminderChange, ReminderContext
from bot.ui import COLOUR, Field, discord_time, fit_embed, reply, run_component
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

LATE_NOTE = "*This reminder is late: Repmate was offline when it was due.*"


def reminder_message(ctx: ReminderContext, late: bool, *, snoozed: bool = False) -> discord.Embed:
    lines = [ctx.text]
    if ctx.planned is not None:
        lines.append(f"Today's plan: **{discord.utils.escape_markdown(ctx.planned[1])}**.")
    if late:
        lines.append(LATE_NOTE)
    title = "⏰ Reminder (snoozed)" if snoozed else "⏰ Daily reminder"
    return fit_embed(discord.Embed(title=title, description="\n".join(lines), colour=COLOUR))


def _log_it(routine_id: int) -> discord.ui.Button[Any]:
    """The planned day's `Log it` (``repmate:routine:log:<id>``, handled by ``cogs.log``)."""
    return discord.ui.Button(
        label="Log it", custom_id=ids.routine_log(routine_id), style=discord.ButtonStyle.success
    )


def reminder_view(delivery_id: int, planned: tuple[int, str] | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if planned is not None:
        view.add_item(_log_it(planned[0]))
    view.add_item(discord.ui.Button(label="Snooze 1h", custom_id=ids.reminder("snooze", delivery_id)))
    view.add_item(
        discord.ui.Button(
            label="Done", custom_id=ids.reminder("done", delivery_id), style=discord.ButtonStyle.primary
        )
    )
    # Presses go to the registered dynamic items (ReminderButton, cogs.log's Log it); a stopped
    # view is not kept by discord.py, so a DM costs no memory once it is sent.
    view.stop()
    return view


def done_reply(done: DoneResult) -> tuple[str, discord.ui.View | None]:
    """What a reminder says after `Done`: marked, and `Log it` when the day has a plan not yet logged."""
    if done.logged_that_day:
        return "✅ Marked done. You've logged a workout that day.", None
    if done.planned is None:
        return "✅ Marked done.", None
    name = discord.utils.escape_markdown(done.planned[1])
    view = discord.ui.View(timeout=None)
    view.add_item(_log_it(done.planned[0]))
    # The click goes to cogs.log's dynamic item; a stopped view isn't kept by discord.py.
    view.stop()
    return f"✅ Marked done. **{name}** was planned: press **Log it** to record it.", view


def change_note(change: ReminderChange, zone_key: str, zone_is_default: bool) -> str:
    lines = [change.summary]
    quiet = change.inside_quiet_hours
    if quiet is not None:
        lines.append(
            f"{change.reminder.at:%H:%M} is inside your quiet hours ({quiet}); "
            "reminders you set are still sent at the time you chose."
        )
    if zone_is_default:
        lines.append(f"Times are in **{zone_key}**; set yours with `/settings timezone`.")
    return "\n".join(lines)


def render_reminder(reminder: Reminder) -> discord.Embed:
    embed = discord.Embed(title="Your daily reminder", colour=COLOUR)
    embed.set_footer(text="Change it with /remind daily, stop it with /remind off.")
    fields = [
        Field("Time", f"{reminder.at:%H:%M} (your time)", inline=True),
        Field("Days", reminder.days_text, inline=True),
        Field("Message", discord.utils.escape_markdown(reminder.text)),
    ]
    if reminder.next_at is not None:
        when = f"{discord_time(reminder.next_at, 'F')} · {discord_time(reminder.next_at, 'R')}"
        fields.append(Field("Next", when))
    return fit_embed(embed, fields)


class ReminderButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.REMINDER_PATTERN,
):
    def __init__(self, action: str, delivery_id: int) -> None:
        super().__init__(discord.ui.Button(label=action, custom_id=ids.reminder(action, delivery_id)))
        self.action = action
        self.delivery_id = delivery_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> ReminderButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        bot = interaction.client
        await interaction.response.defer()
        message = interaction.message
        embed = (
            discord.Embed.from_dict(message.embeds[0].to_dict())
            if message is not None and message.embeds
            else discord.Embed(title="Reminder", colour=COLOUR)
        )
        view: discord.ui.View | None = None
        if self.action == "snooze":
            due = await bot.services.reminders.snooze(self.delivery_id, interaction.user.id)
            embed.description = f"Snoozed. I'll remind you again {discord.utils.format_dt(due, 'R')}."
        else:
            done = await bot.services.reminders.done(self.delivery_id, interaction.user.id)
            embed.description, view = done_reply(done)
        await interaction.edit_original_response(embed=embed, view=view)


class RemindersCog(commands.GroupCog, group_name="remind", group_description="Daily reminders by DM"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def render(self, delivery: Delivery, late: bool) -> Outgoing | None:
        ctx = await self.bot.services.reminders.context(delivery)
        if ctx is None:
            return None
        return Outgoing(embed=reminder_message(ctx, late), view=reminder_view(delivery.id, ctx.planned))

    async def render_snooze(self, delivery: Delivery, late: bool) -> Outgoing | None:
        ctx = await self.bot.services.reminders.snooze_context(delivery)
        if ctx is None:
            return None
        return Outgoing(
            embed=reminder_message(ctx, late, snoozed=True), view=reminder_view(delivery.id, ctx.planned)
        )

    @app_commands.command(
        name="daily",
        description="A DM at this local time on the days you choose; run again to change one part",
    )
    @app_commands.describe(
        time="Local time as HH:MM, e.g. 07:30 or 19:00",
        days="Which days, e.g. mon-fri, weekends or daily (new reminder: every day; else kept)",
        message="What the reminder says, up to 200 characters (else kept)",
    )
    async def daily(
        self,
        interaction: Interaction,
        time: app_commands.Range[str, 1, 20],
        days: app_commands.Range[str, 1, 60] | None = None,
        message: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True)
        change = await self.bot.services.reminders.set_daily(
            interaction.user.id, interaction.guild_id, time, days, message
        )
        settings = await self.bot.services.members.get(interaction.user.id)
        note = change_note(change, settings.zone.key, settings.zone_is_default)
        await reply(interaction, note, embed=render_reminder(change.reminder))

    @app_commands.command(name="show", description="Show your daily reminder")
    async def show(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        reminder = await self.bot.services.reminders.show(interaction.user.id)
        if reminder is None:
            await reply(interaction, "You have no daily reminder. Set one with `/remind daily time:07:30`.")
            return
        await reply(interaction, embed=render_reminder(reminder))

    @app_commands.command(name="off", description="Stop your daily reminder")
    async def off(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        stopped = await self.bot.services.reminders.off(interaction.user.id)
        await reply(
            interaction,
            "Your daily reminder is off."
            if stopped
            else "You had no daily reminder running; nothing changed.",
        )


async def setup(bot: RepmateBot) -> None:
    cog = RemindersCog(bot)
    bot.add_dynamic_items(ReminderButton)
    await bot.add_cog(cog)
    bot.runtime.renderers.add(KIND, cog.render)
    bot.runtime.renderers.add(SNOOZE_KIND, cog.render_snooze)


async def teardown(bot: RepmateBot) -> None:
    bot.runtime.renderers.remove(KIND)
    bot.runtime.renderers.remove(SNOOZE_KIND)
    bot.remove_dynamic_items(ReminderButton)
