"""/settings: a member's own time zone, units, check-ins and quiet hours (SPEC §3)."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain import localtime
from bot.services.settings import MemberSettings
from bot.ui import COLOUR, reply


def render_settings(settings: MemberSettings, now_local: str) -> discord.Embed:
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
    embed.set_footer(text="Check-ins and reminders never arrive in your quiet hours.")
    return embed


class SettingsCog(commands.GroupCog, group_name="settings", group_description="Your own Repmate settings"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def _show(
        self, interaction: discord.Interaction[RepmateBot], settings: MemberSettings, note: str
    ) -> None:
        now_local = self.bot.clock.now().astimezone(settings.zone).strftime("%a %H:%M")
        await reply(interaction, note, embed=render_settings(settings, now_local))

    @app_commands.command(name="timezone", description="Your time zone, for reminders and check-ins")
    @app_commands.describe(zone="An IANA time zone name, e.g. Europe/Berlin or America/New_York")
    async def timezone(self, interaction: discord.Interaction[RepmateBot], zone: str) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_timezone(interaction.user.id, zone)
        await self._show(interaction, settings, f"Time zone set to **{settings.zone.key}**.")

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[RepmateBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in localtime.zone_suggestions(current, limit=25)]

    @app_commands.command(name="units", description="Show weights in kilograms or pounds")
    async def units(self, interaction: discord.Interaction[RepmateBot], system: Literal["kg", "lb"]) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_units(interaction.user.id, system)
        await self._show(interaction, settings, f"Weights will show in **{settings.units}**.")

    @app_commands.command(name="checkins", description="Turn soreness check-ins by DM on or off")
    async def checkins(self, interaction: discord.Interaction[RepmateBot], enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_checkins(interaction.user.id, enabled)
        note = "Soreness check-ins are **on**." if enabled else "Soreness check-ins are **off**."
        await self._show(interaction, settings, note)

    @app_commands.command(
        name="quiet-hours", description="No check-ins or reminders between these local times"
    )
    @app_commands.describe(start="Start, as HH:MM (e.g. 22:00)", end="End, as HH:MM (e.g. 08:00)")
    async def quiet_hours(self, interaction: discord.Interaction[RepmateBot], start: str, end: str) -> None:
        await interaction.response.defer(ephemeral=True)
        settings = await self.bot.services.members.set_quiet_hours(interaction.user.id, start, end)
        quiet = settings.quiet
        note = (
            f"Quiet hours set to **{quiet.start:%H:%M}–{quiet.end:%H:%M}**."
            if quiet.start != quiet.end
            else "Quiet hours turned off (start and end are the same)."
        )
        await self._show(interaction, settings, note)

    @app_commands.command(name="show", description="Show your settings")
    async def show(self, interaction: discord.Interaction[RepmateBot]) -> None:
        await interaction.response.defer(ephemeral=True)
        await self._show(interaction, await self.bot.services.members.get(interaction.user.id), "")


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(SettingsCog(bot))
