"""Small Discord-side helpers shared by the cogs and the tree's error policy."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.utils import TimestampStyle

from bot.db.errors import is_unavailable
from bot.errors import UserFacingError
from bot.services.notices import ADMIN_FIXES, AdminNotices, member_reason

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


def post_message_id(interaction: discord.Interaction[Any]) -> int | None:
    """The message a button was pressed on, when it is a server post (not an ephemeral reply)."""
    message = interaction.message
    if message is None or message.flags.ephemeral or interaction.guild_id is None:
        return None
    return message.id


def jump_view(url: str, label: str = "Jump to post") -> discord.ui.View:
    """A link button to a message, rather than a raw URL in the reply."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=label, style=discord.ButtonStyle.link, url=url))
    view.stop()  # a link button has no callback: nothing to keep in memory
    return view


# -- embeds within Discord's limits ----------------------------------------------------------------

#: Discord's limits for a message and its embeds, in characters (and fields).
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
#: Title, description, field names and values, footer and author together, across every
#: embed of one message.
EMBED_MAX = 6000

#: The name of the field that says what was left out.
LEFT_OUT = "…"


def and_more(count: int) -> str:
    return f"…and {count:,} more."


@dataclass(frozen=True)
class Field:
    """One field. When room runs short its value is cut (ending in ``…``), never dropped."""

    name: str
    value: str
    inline: bool = False
    #: Room goes to higher priorities first; the field still shows in its place.
    priority: int = 0


@dataclass(frozen=True)
class Block:
    """Lines shown as fields of up to 1,024 characters, named ``name``, then ``name (continued)``.

    Lines that don't fit are left out from the end, and a last field named ``…`` says so
    with ``more(n)``, ``n`` being how many were left out. ``total`` is how many the lines
    stand for when the caller already cut the list (the first hundred of a thousand places).
    """

    name: str
    lines: Sequence[str]
    more: Callable[[int], str] = and_more
    total: int | None = None
    inline: bool = False
    priority: int = 0


def fit_embed(
    embed: discord.Embed, parts: Sequence[Field | Block] = (), *, beside: Sequence[discord.Embed] = ()
) -> discord.Embed:
    """Add ``parts`` to ``embed`` as fields, keeping it within every one of Discord's embed limits.

    Set the title, description, footer and author first: each is cut to its own limit,
    and when everything could not fit together the description is shortened, then the
    footer. ``parts`` show in the order given, but room is handed out by priority
    (highest first, then in order), and every part keeps enough room to say what it left
    out. ``beside`` are the message's other embeds, which share the 6,000 characters.
    """
    _cut_to_limits(embed)
    budget = EMBED_MAX - sum(len(other) for other in beside)
    plans = [_Plan(part) for part in parts]
    fields_free = FIELDS_MAX - len(embed.fields)
    fields_reserved = sum(plan.least_fields for plan in plans)
    if fields_reserved > fields_free:
        raise ValueError(f"{len(parts)} parts can't fit in {fields_free} free fields")
    reserved = sum(plan.least for plan in plans)
    _shorten(embed, budget - reserved)
    used = len(embed)
    for index in sorted(range(len(plans)), key=lambda i: -plans[i].part.priority):
        plan = plans[index]
        reserved -= plan.least
        fields_reserved -= plan.least_fields
        plan.fill(budget - used - reserved, fields_free - fields_reserved)
        used += plan.size
        fields_free -= len(plan.fields)
    for plan in plans:
        for name, value in plan.fields:
            embed.add_field(name=name, value=value, inline=plan.part.inline)
    assert len(embed) <= budget and len(embed.fields) <= FIELDS_MAX
    return embed


class _Plan:
    """What one part shows, once it knows how much room it has."""

    def __init__(self, part: Field | Block) -> None:
        self.part = part
        self.fields: list[tuple[str, str]] = []
        if isinstance(part, Field):
            self.name = clip(part.name, FIELD_NAME_MAX)
            self.least = len(self.name) + 1  # the name and a lone "…"
            self.least_fields = 1
        else:
            self.lines = [clip(line, FIELD_MAX) for line in part.lines]
            self.total = len(self.lines) if part.total is None else max(part.total, len(self.lines))
            self.least = self._left_out_size(self.total) if self.total else 0
            self.least_fields = 1 if self.total else 0

    @property
    def size(self) -> int:
        return sum(len(name) + len(value) for name, value in self.fields)

    def fill(self, room: int, fields_room: int) -> None:
        if isinstance(self.part, Field):
            self.fields = [(self.name, clip(self.part.value, min(FIELD_MAX, room - len(self.name))))]
        else:
            self._fill_block(self.part, room, fields_room)

    def _fill_block(self, block: Block, room: int, fields_room: int) -> None:
        names: list[str] = []
        chunks: list[str] = []
        size = shown = 0
        for line in self.lines:
            if chunks and len(chunks[-1]) + 1 + len(line) <= FIELD_MAX:
                grown, new_field = size + 1 + len(line), False
            else:
                name = clip(block.name if not chunks else f"{block.name} (continued)", FIELD_NAME_MAX)
                grown, new_field = size + len(name) + len(line), True
            left = self.total - shown - 1
            needed = grown + (self._left_out_size(left) if left else 0)
            if needed > room or len(chunks) + new_field + (1 if left else 0) > fields_room:
                break
            if new_field:
                names.append(name)
                chunks.append(line)
            else:
                chunks[-1] += "\n" + line
            size, shown = grown, shown + 1
        self.fields = list(zip(names, chunks, strict=True))
        if shown < self.total:
            self.fields.append((LEFT_OUT, self._left_out(self.total - shown)))

    def _left_out(self, count: int) -> str:
        assert isinstance(self.part, Block)
        return clip(self.part.more(count), FIELD_MAX)

    def _left_out_size(self, count: int) -> int:
        return len(LEFT_OUT) + len(self._left_out(count))


def _cut_to_limits(embed: discord.Embed) -> None:
    if embed.title:
        embed.title = clip(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_MAX)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_MAX), icon_url=embed.footer.icon_url)
    if embed.author.name:
        author = embed.author
        embed.set_author(name=clip(author.name or "", AUTHOR_MAX), url=author.url, icon_url=author.icon_url)
    for index, field in enumerate(embed.fields):
        embed.set_field_at(
            index,
            name=clip(field.name or "", FIELD_NAME_MAX),
            value=clip(field.value or "", FIELD_MAX),
            inline=bool(field.inline),
        )


def _shorten(embed: discord.Embed, room: int) -> None:
    """Shorten the description, then the footer, until the embed's own text fits in ``room``."""
    excess = len(embed) - room
    if excess > 0 and embed.description:
        keep = len(embed.description) - excess
        excess -= len(embed.description) - max(keep, 0)
        embed.description = clip(embed.description, keep) if keep > 0 else None
    if excess > 0 and embed.footer.text:
        keep = len(embed.footer.text) - excess
        excess -= len(embed.footer.text) - max(keep, 0)
        icon = embed.footer.icon_url
        embed.set_footer(text=clip(embed.footer.text, keep) if keep > 0 else None, icon_url=icon)
    if excess > 0:
        raise ValueError("the embed's title, author and fixed fields leave no room for its parts")


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


@asynccontextmanager
async def post_or_explain(
    notices: AdminNotices, guild_id: int, channel: discord.abc.GuildChannel, *, what: str, consequence: str
) -> AsyncIterator[None]:
    """Around a post a member's command makes in a server channel.

    When Discord refuses it for a reason only an admin can fix (a permission the cache did
    not show, or a channel deleted a moment ago), the member is told which, with
    ``consequence`` ("your routine wasn't shared"), and the admins are told once.
    """
    try:
        yield
    except (discord.Forbidden, discord.NotFound) as exc:
        if exc.code not in ADMIN_FIXES:
            raise
        await notices.post_refused(guild_id, channel.id, what, exc.code)
        raise UserFacingError(member_reason(exc.code, channel.mention, consequence)) from None
