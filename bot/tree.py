"""The command tree: one error policy for every slash command.

The policy itself lives in :mod:`bot.ui` so buttons and modals share it:
``UserFacingError`` becomes an ephemeral message with its example; discord.py's
check failures get a plain explanation; anything else gets a short apology with a
reference code, and the log gets the traceback under the same code so a member's
report can be matched to it. (Member activity is recorded for every interaction by
:mod:`bot.runtime.activity`, not here: this tree also sees autocomplete keystrokes.)
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.ui import report_interaction_error


class RepmateTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)
