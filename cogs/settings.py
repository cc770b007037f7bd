"""/settings: a member's own time zone, units, check-ins and quiet hours (SPEC §3).

An abbreviation or a fixed offset typed as a time zone (EST, GMT+2, Etc/GMT-5) gets a
question first: buttons for the places it likely means, and one to keep the fixed zone.
The buttons are dynamic items whose custom ids carry the member and the zone, so they
work after a restart and only for the member who asked.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain import localtime
from bot.domain.text import plural
from bot.errors import NotAllowed
from bot.services.settings import MemberSettings, TimezoneSet
from bot.ui import COLOUR, discord_time, reply, run_component
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

QUIET_HOURS_FOOTER = (
    "Check-ins never arrive in your quiet hours. Daily reminders come at the time you set, even inside them."
)
CHOICES_PER_ROW = 5


def render_settings(settings: MemberSettings, now_local: str, hints: bool | None = None) -> discord.Embed:
    embed = discord.Embed(title="Your Repmate settings", colour=COLOUR)
    zone = settings.zone.key + (" (server default)" if settings.zone_is_default else "")
    embed.add_field(name="Time zone", value=f"{zone}\nLocal time now: {now_local}", inline=False)
    embed.add_field(name="Units", value=settings.units)
    embed.add_field(name="Soreness check-ins", value="on" if settings.checkins_enabled else "off")
    quiet = settings.quiet
    embed.add_field(
        name="Quiet hours",
        value=f"{quiet.start:%H:%M}–{quiet.end:%H:%M}" if quiet.start != quiet.end else "none",
    )
    if hints is not None:
        embed.add_field(name="Progression hints", value="on" if hints else "off")
    embed.set_footer(text=QUIET_HOURS_FOOTER)
    return embed


def zone_question_view(user_id: int, question: localtime.ZoneQuestion) -> discord.ui.View:
    """The likely places, two rows of five at most, then keeping the fixed zone on its own row."""
    view = discord.ui.View(timeout=None)
    for index, zone in enumerate(question.choices):
        view.add_item(ZoneButton(user_id, zone, zone, row=index // CHOICES_PER_ROW))
    if question.keep is not None and question.keep_label is not None:
        rows = -(-len(question.choices) // CHOICES_PER_ROW)
        view.add_item(
            ZoneButton(
                user_id, question.keep, question.keep_label, row=rows, style=discord.ButtonStyle.secondary
            )
        )
    return view


class ZoneButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.ZONE_PATTERN,
):
    """One answer to "which time zone did you mean?"."""

    def __init__(
        self,
        user_id: int,
        zone: str,
        label: str | None = None,
        *,
        row: int | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label or zone, custom_id=ids.zone(user_id, zone), row=row, style=style)
        )
        self.user_id = user_id
        self.zone = zone

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> ZoneButton:
        return cls(int(match["user"]), match["zone"])

    @staticmethod
    def check_owner(custom_id: str, user_id: int) -> None:
        """Only the member who asked may answer (raises NotAllowed for anyone else)."""
        match = re.fullmatch(ZoneButton.__discord_ui_compiled_template__, custom_id)
        if match is None or int(match["user"]) != user_id:
            raise NotAllowed(
                "This question is for the member who asked it; run `/settings timezone` yourself."
            )

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        self.check_owner(self.custom_id, interaction.user.id)
        bot = interaction.client
        await interaction.response.defer()
        chosen = await bot.services.members.pick_timezone(interaction.user.id, self.zone)
        await interaction.edit_original_response(
            content=timezone_note(chosen),
            embed=render_settings(chosen.settings, _now_local(bot, chosen.settings)),
            view=None,
        )


def timezone_note(chosen: TimezoneSet) -> str:
    note = f"Time zone set to **{chosen.settings.zone.key}**."
    return f"{note}\n{chosen.note}" if chosen.note else note


def _now_local(bot: RepmateBot, settings: MemberSettings) -> str:
    return bot.clock.now().astimezone(settings.zone).strftime("%a %H:%M")


class SettingsCog(commands.GroupCog, group_name="settings", group_description="Your own Repmate settings"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def _show(self, interaction: Interaction, settings: MemberSettings, note: str) -> None:
        hints = await self.bot.services.progression.enabled(interaction.user.id)
        embed = render_settings(settings, _now_local(self.bot, settings), hints)
        await reply(interaction, note, embed=embed)

    @app_commands.command(name="timezone", description="Your time zone, for reminders and check-ins")
    @app_commands.describe(zone="Your city's zone, e.g. Europe/Berlin or America/New_York")
    async def timezone(self, interaction: Interaction, zone: str) -> None:
        await interaction.response.defer(ephemeral=True)
        outcome = await self.bot.services.members.choose_timezone(interaction.user.id, zone)
        if isinstance(outcome, localtime.ZoneQuestion):
            await reply(
                interaction,
                outcome.explanation,
                view=zone_question_view(interaction.user.id, outcome),
            )
            return
        await self._show(interaction, outcome.settings, timezone_note(outcome))

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = localtime.zone_suggestions(current, limit=25, now=self.bot.clock.now())
        return [app_commands.Choice(name=z, value=z) for z in names]

    @app_commands.command(name="units", description="Show weights in kilograms or pounds")
    @app_commands.describe(system="Kilograms or pounds for weights you log")
    @app_commands.choices(
        system=[
            app_commands.Choice(name="kg (kilograms)", value="kg"),
            app_commands.Choice(name="lb (pounds)", value="lb"),
        ]
    )
    async def units(self, interaction: Interaction, system: app_commands.Choice[str]) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_units(interaction.user.id, system.value)
        await self._show(interaction, settings, f"Weights will show in **{settings.units}**.")

    @app_commands.command(name="checkins", description="Turn soreness check-ins by DM on or off")
    async def checkins(self, interaction: Interaction, enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_checkins(interaction.user.id, enabled)
        note = "Soreness check-ins are **on**." if enabled else "Soreness check-ins are **off**."
        await self._show(interaction, settings, note)

    @app_commands.command(
        name="quiet-hours",
        description="No soreness check-ins between these local times (reminders keep their time)",
    )
    @app_commands.describe(start="Start, as HH:MM (e.g. 22:00)", end="End, as HH:MM (e.g. 08:00)")
    async def quiet_hours(self, interaction: Interaction, start: str, end: str) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_quiet_hours(interaction.user.id, start, end)
        quiet = settings.quiet
        note = (
            f"Quiet hours set to **{quiet.start:%H:%M}–{quiet.end:%H:%M}**."
            if quiet.start != quiet.end
            else "Quiet hours turned off (start and end are the same)."
        )
        reminder = await self.bot.services.reminders.show(interaction.user.id)
        if reminder is not None and quiet.contains(reminder.at):
            note += (
                f"\nYour daily reminder at {reminder.at:%H:%M} is inside these hours; "
                "it still comes at the time you chose."
            )
        await self._show(interaction, settings, note)

    @app_commands.command(name="progression", description='Turn the "next time" progression hints on or off')
    @app_commands.describe(hints="on: a suggestion per exercise after /log workout and in /routine view")
    @app_commands.choices(
        hints=[app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
    )
    async def progression(self, interaction: Interaction, hints: app_commands.Choice[str]) -> None:
        await interaction.response.defer(ephemeral=True)
        enabled = hints.value == "on"
        await self.bot.services.progression.set_enabled(interaction.user.id, enabled)
        note = (
            'Progression hints are **on**: a "next time" line per exercise after `/log workout` '
            "and in `/routine view`."
            if enabled
            else "Progression hints are **off**; `/settings progression hints:on` brings them back."
        )
        await reply(interaction, note)

    @app_commands.command(
        name="weekly-target", description="How many sessions a week keep your weekly streak going"
    )
    @app_commands.describe(sessions="Sessions per week, 1 to 14 (3 unless you change it)")
    async def weekly_target(self, interaction: Interaction, sessions: int) -> None:
        await interaction.response.defer(ephemeral=True)
        streaks = await self.bot.services.streaks.set_weekly_target(interaction.user.id, sessions)
        await reply(
            interaction,
            f"Your weekly target is **{plural(sessions, 'session')}** from this week on; earlier weeks keep "
            f"the target they had. This week so far: {streaks.this_week_sessions} of {sessions}. "
            "See your streak with `/streak`.",
        )

    @app_commands.command(name="recap-mentions", description="Whether the server's weekly recap may name you")
    @app_commands.describe(enabled="on: the recap may show your name (never a ping); off: it leaves you out")
    async def recap_mentions(self, interaction: Interaction, enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True)
        await self.bot.services.streaks.set_recap_mentions(interaction.user.id, enabled)
        note = (
            "The weekly recap may show your name (without pinging you)."
            if enabled
            else "The weekly recap will leave your name out; your sessions still count in the totals."
        )
        await reply(interaction, note)

    @app_commands.command(name="digest", description="A weekly DM summing up your training week")
    @app_commands.describe(enabled="on: a DM every Monday morning (after your quiet hours); off: none")
    async def digest(self, interaction: Interaction, enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True)
        due = await self.bot.services.digests.set_enabled(interaction.user.id, enabled, interaction.guild_id)
        if due is None:
            await reply(interaction, "The weekly digest is **off**.")
            return
        await reply(
            interaction,
            "The weekly digest is **on**: your sessions, volume, records, streak and soreness trend by DM "
            "every Monday at 09:00 your time (after your quiet hours). "
            f"The first is {discord_time(due, 'F')}. A week with nothing logged sends nothing.",
        )

    @app_commands.command(name="show", description="Show your settings")
    async def show(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        await self._show(interaction, await self.bot.services.members.get(interaction.user.id), "")


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(ZoneButton)
    await bot.add_cog(SettingsCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(ZoneButton)
