"""The command tree: one error policy for every slash command.

The policy itself lives in :mod:`bot.ui` so buttons and modals share it:
``UserFacingError`` becomes an ephemeral message with its example; discord.py's
check failures get a plain explanation; anything else gets a short apology with a
reference code, and the log gets the traceback under the same code so a member's
report can be matched to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.ui import report_interaction_error

if TYPE_CHECKING:
    from bot.app import RepmateBot


class RepmateTree(app_commands.CommandTree["RepmateBot"]):
    async def interaction_check(self, interaction: discord.Interaction[RepmateBot]) -> bool:
        await interaction.client.on_member_activity(interaction.user.id, interaction.guild_id)
        return True

    async def on_error(
        self, interaction: discord.Interaction[RepmateBot], error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)
