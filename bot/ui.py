"""Small Discord-side helpers shared by the cogs and the tree's error policy."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.utils import TimestampStyle

from bot.db.errors import is_unavailable
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
        if is_unavailable(original):
            message = (
                "My database is busy right now, so that didn't go through. Please try again in a moment; "
                f"if it keeps happening, tell an admin: ref `{ref}`."
            )
        else:
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


def jump_view(url: str, label: str = "Jump to post") -> discord.ui.View:
    """A link button to a message, rather than a raw URL in the reply."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=label, style=discord.ButtonStyle.link, url=url))
    view.stop()  # a link button has no callback: nothing to keep in memory
    return view


# -- embeds within Discord's limits ----------------------------------------------------------------

FIELD_MAX = 1024


def chunk_lines(lines: Sequence[str], limit: int = FIELD_MAX) -> list[str]:
    """Lines packed into as few blocks as possible, each at most ``limit`` characters."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


# -- dates and times shown to members --------------------------------------------------------------


def discord_time(moment: datetime, style: TimestampStyle = "f") -> str:
    """``<t:UNIX:style>``: each member's client shows it in their own locale and time zone.

    Styles: ``d`` 01/02/2026, ``D`` January 2, 2026, ``t`` 9:00 AM, ``f`` January 2, 2026
    9:00 AM, ``F`` with the weekday, ``R`` "in 3 hours" (as an en-US client shows them).
    A naive datetime is refused: Discord would be given the host's local time as UTC.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("discord_time needs an aware datetime")
    return discord.utils.format_dt(moment, style)


# -- the channels the bot posts in -----------------------------------------------------------------

#: What the bot needs in a channel it posts to, with the names Discord's settings show.
POST_PERMISSIONS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}
SETUP_EXAMPLE = "`/setup channels routines:#routines challenges:#challenges`"


def missing_post_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    return [label for attr, label in POST_PERMISSIONS.items() if not getattr(perms, attr)]


def configured_channel(
    guild: discord.Guild, channel_id: int | None, *, what: str, consequence: str
) -> discord.TextChannel:
    """The server's configured ``what`` channel, checked to be there and postable.

    ``consequence`` finishes the sentence of each refusal (e.g. "nothing was created"),
    so the member knows nothing half-happened.
    """
    if channel_id is None:
        raise UserFacingError(
            f"This server has no {what} channel yet, so {consequence}. "
            "Ask an admin to choose one with `/setup channels`.",
            example=SETUP_EXAMPLE,
        )
    channel = guild.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        raise UserFacingError(
            f"The {what} channel set for this server no longer exists, so {consequence}. "
            "Ask an admin to choose a new one with `/setup channels`.",
            example=SETUP_EXAMPLE,
        )
    missing = missing_post_permissions(channel, guild.me)
    if missing:
        raise UserFacingError(
            f"I can't post in {channel.mention}: I'm missing **{', '.join(missing)}** there, so "
            f"{consequence}. Ask an admin to give my role those permissions in that channel.",
            example=SETUP_EXAMPLE,
        )
    return channel
