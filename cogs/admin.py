"""/admin: owner-only maintenance."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.ui import reply


@app_commands.default_permissions(administrator=True)
class AdminCog(commands.GroupCog, group_name="admin", group_description="Bot owner maintenance"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[RepmateBot]) -> bool:  # type: ignore[override]
        if not await self.bot.is_owner(interaction.user):
            raise app_commands.CheckFailure(
                "Only the bot's owners can use `/admin` commands (OWNER_IDS in the bot's settings)."
            )
        return True

    @app_commands.command(name="sync", description="Force a sync of the slash commands with Discord")
    async def sync(self, interaction: discord.Interaction[RepmateBot]) -> None:
        await interaction.response.defer(ephemeral=True)
        count = await self.bot.sync_commands()
        await reply(interaction, f"Synced {count} commands.")


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(AdminCog(bot))
