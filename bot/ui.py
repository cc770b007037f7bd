"""Small Discord-side helpers shared by the cogs and the tree's error policy."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

#: Brand colours, so every embed of a kind looks the same.
COLOUR = discord.Colour(0x2F9E72)
COLOUR_WARN = discord.Colour(0xE8A33D)
COLOUR_DANGER = discord.Colour(0xD83C3E)
COLOUR_MUTED = discord.Colour(0x7A8794)

NO_MENTIONS = discord.AllowedMentions.none()


async def reply(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    ephemeral: bool = True,
    **kwargs: Any,
) -> None:
    """Answer an interaction whether or not it was already acknowledged."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content or discord.utils.MISSING, ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)


def clip(text: str, limit: int) -> str:
    """Cut text to a Discord limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def new_reference() -> str:
    return secrets.token_hex(3).upper()


def explain(error: BaseException) -> str | None:
    """The member-facing text for an expected error, or None for a bug."""
    original = getattr(error, "original", error)
    if isinstance(original, UserFacingError):
        return original.render()
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the **{perms}** permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the **{perms}** permission here to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, app_commands.TransformerError):
        return f"`{error.value}` isn't a valid value for that option."
    return None


async def report_interaction_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the member what happened, whatever raised it (command, button, modal)."""
    message = explain(error)
    if message is None:
        ref = new_reference()
        original = getattr(error, "original", error)
        log.error("Unexpected error (ref %s) in %s", ref, _where(interaction), exc_info=original)
        message = (
            f"Something went wrong on my side, sorry. If it keeps happening, tell an admin: ref `{ref}`."
        )
    try:
        await reply(interaction, message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for %s", _where(interaction))


def _where(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return f"component {data.get('custom_id', '?')}"


class RepmateView(discord.ui.View):
    """A view whose errors follow the bot's one error policy."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)


class RepmateModal(discord.ui.Modal):
    """A modal whose errors follow the bot's one error policy."""

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await report_interaction_error(interaction, error)


async def run_component(interaction: discord.Interaction[Any], handler: Any) -> None:
    """Run a persistent (dynamic) component's handler under the error policy.

    discord.py only logs exceptions from dynamic items; this answers the member and
    sends unexpected errors to the bot's error handler like any other failure.
    """
    try:
        await handler()
    except Exception as exc:
        await report_interaction_error(interaction, exc)
        if explain(exc) is None:
            await interaction.client.on_error("component", interaction)
