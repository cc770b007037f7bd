"""/routine: write, share, browse, export and import routines (SPEC §4).

A shared routine is a post in the server's routines channel with three buttons whose
custom ids carry the routine id (``repmate:routine:save|log|like:<id>``). Dispatch
goes through :class:`discord.ui.DynamicItem` classes registered when the extension
loads, so the buttons keep working after a restart: ``Save a copy`` and ``Like``
live here, ``Log it`` in ``cogs.log`` (it logs a workout, and other messages such as
plan reminders reuse the same custom id).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.routines import ExerciseLine, format_line
from bot.errors import UserFacingError
from bot.services.routines import (
    EXAMPLE_NOTATION,
    NAME_MAX,
    NOTES_MAX,
    Page,
    Routine,
    RoutineService,
    quoted,
)
from bot.ui import (
    COLOUR,
    COLOUR_MUTED,
    FIELD_MAX,
    NO_MENTIONS,
    RepmateModal,
    RepmateView,
    chunk_lines,
    clip,
    configured_channel,
    reply,
    run_component,
)

Interaction = discord.Interaction[RepmateBot]

SAVE_ID = "repmate:routine:save:{id}"
LOG_ID = "repmate:routine:log:{id}"
LIKE_ID = "repmate:routine:like:{id}"

#: Discord's embed limits.
DESCRIPTION_MAX = 4096
EMBED_MAX = 6000
FIELDS_MAX = 25
CONTENT_MAX = 2000


# -- rendering --------------------------------------------------------------------------------------


def exercise_text(line: ExerciseLine, custom: bool) -> str:
    """``A1 **Pull-up** `3xAMRAP` `` — the name readable, the prescription as notation."""
    rest = format_line(dataclasses.replace(line, superset=None))[len(line.name) :].strip()
    label = f"`{line.superset}` " if line.superset else ""
    marker = " · *custom*" if custom else ""
    return f"{label}**{discord.utils.escape_markdown(line.name)}** `{rest}`{marker}"


def fit_fields(embed: discord.Embed, name: str, chunks: Sequence[str], overflow: str) -> discord.Embed:
    """Add chunks as fields while the embed stays within Discord's limits; say what was left out."""
    for index, chunk in enumerate(chunks):
        field_name = name if index == 0 else f"{name} (continued)"
        remaining = len(chunks) - index
        if len(embed.fields) >= FIELDS_MAX - 1 or len(embed) + len(field_name) + len(chunk) > EMBED_MAX - 200:
            embed.add_field(name="…", value=overflow.format(n=remaining), inline=False)
            break
        embed.add_field(name=field_name, value=chunk, inline=False)
    return embed


def tags_text(tags: Sequence[str]) -> str:
    return " ".join(f"`#{t}`" for t in tags)


def routine_embed(
    routine: Routine, *, shared_by: int | None = None, colour: discord.Colour = COLOUR
) -> discord.Embed:
    """The routine as members read it: name, notes, tags and every exercise, within embed limits."""
    custom = {c.name.casefold() for c in routine.custom}
    parts: list[str] = []
    if shared_by is not None:
        parts.append(f"Shared by <@{shared_by}>")
    if routine.notes:
        parts.append(clip(routine.notes, NOTES_MAX))
    if routine.tags:
        parts.append(tags_text(routine.tags))
    embed = discord.Embed(
        title=clip(routine.name, 256),
        description=clip("\n\n".join(parts), DESCRIPTION_MAX) or None,
        colour=colour,
    )
    lines = [exercise_text(line, line.name.casefold() in custom) for line in routine.lines]
    count = len(routine.lines)
    fit_fields(
        embed,
        f"Exercises ({count})",
        chunk_lines(lines),
        "{n} more block(s) of exercises don't fit here; `/routine export` shows the whole routine.",
    )
    footer = f"{count} exercise{'s' if count != 1 else ''}"
    if routine.custom:
        footer += f" · {len(routine.custom)} custom"
    if routine.source_routine_id is not None:
        footer += " · saved copy"
    embed.set_footer(text=footer)
    return embed


def removed_embed(name: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"{name} (removed)", 256),
        description="This routine was removed by its author, so it can't be saved, logged or liked any more.",
        colour=COLOUR_MUTED,
    )
    return embed


def post_view(routine_id: int, like_count: int, *, removed: bool = False) -> discord.ui.View:
    """The post's buttons. Clicks are dispatched by the registered dynamic items, never by this
    view, so it is stopped before sending (discord.py then doesn't keep it in memory)."""
    view = discord.ui.View(timeout=None)
    for label, style, custom_id in (
        ("Save a copy", discord.ButtonStyle.primary, SAVE_ID),
        ("Log it", discord.ButtonStyle.success, LOG_ID),
        (f"Like ({like_count})", discord.ButtonStyle.secondary, LIKE_ID),
    ):
        view.add_item(
            discord.ui.Button(
                label=label, style=style, custom_id=custom_id.format(id=routine_id), disabled=removed
            )
        )
    view.stop()
    return view


def custom_note(routine: Routine) -> str:
    """A line about exercises the catalogue doesn't know, with "did you mean" hints."""
    if not routine.custom:
        return ""
    parts = []
    for custom in routine.custom[:5]:
        hint = f" (did you mean {', '.join(custom.did_you_mean)}?)" if custom.did_you_mean else ""
        parts.append(f"{quoted(custom.name)}{hint}")
    more = f" and {len(routine.custom) - 5} more" if len(routine.custom) > 5 else ""
    return "Custom exercises (not in the built-in catalogue): " + ", ".join(parts) + more + "."


def list_embed(title: str, page: Page[Routine], empty: str, *, show_author: bool) -> discord.Embed:
    embed = discord.Embed(title=clip(title, 256), colour=COLOUR)
    if not page.items:
        embed.description = empty
        return embed
    for routine in page.items:
        bits = [f"{len(routine.lines)} exercises", f"👍 {routine.like_count}"]
        if show_author:
            bits.insert(0, f"by <@{routine.owner_id}>")
        if routine.tags:
            bits.append(tags_text(routine.tags))
        value = " · ".join(bits)
        if routine.post is not None:
            value += f"\n[Open the post]({routine.post.url})"
        elif routine.source_routine_id is not None:
            value += "\nsaved copy"
        embed.add_field(name=clip(routine.name, 256), value=clip(value, FIELD_MAX), inline=False)
    embed.set_footer(
        text=f"Page {page.page} of {page.pages} · {page.total} routine{'s' if page.total != 1 else ''}"
    )
    return embed


def export_message(routine: Routine) -> dict[str, Any]:
    """The notation in a code block; as a file too when it's longer than a message."""
    block = f"```\n{routine.notation}\n```"
    header = f"{quoted(routine.name)} — copy this into `/routine import` to add it to a library:\n"
    if len(header) + len(block) <= CONTENT_MAX:
        return {"content": header + block}
    embed = discord.Embed(
        title=clip(routine.name, 256), description=clip(block, DESCRIPTION_MAX), colour=COLOUR
    )
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", routine.name).strip("-") or "routine"
    file = discord.File(io.BytesIO(routine.notation.encode()), filename=f"{safe[:60]}.txt")
    return {"content": header.rstrip(":\n") + " (also attached as a file):", "embed": embed, "file": file}


# -- modals -----------------------------------------------------------------------------------------


class RoutineModal(RepmateModal):
    """``/routine create`` (name, exercises, notes, tags) and ``/routine import`` (name, notation)."""

    def __init__(self, cog: RoutinesCog, *, importing: bool, values: dict[str, str] | None = None) -> None:
        super().__init__(title="Import a routine" if importing else "New routine", timeout=30 * 60)
        self.cog = cog
        self.importing = importing
        values = values or {}
        self.name: discord.ui.TextInput[RoutineModal] = discord.ui.TextInput(
            label="Name",
            custom_id="routine-name",
            placeholder="Leg Day",
            max_length=NAME_MAX,
            default=values.get("routine-name"),
        )
        self.exercises: discord.ui.TextInput[RoutineModal] = discord.ui.TextInput(
            label="Notation (paste an export)" if importing else "Exercises, one per line",
            custom_id="routine-exercises",
            style=discord.TextStyle.paragraph,
            placeholder=EXAMPLE_NOTATION,
            max_length=4000,
            default=values.get("routine-exercises"),
        )
        self.add_item(self.name)
        self.add_item(self.exercises)
        self.notes: discord.ui.TextInput[RoutineModal] | None = None
        self.tags: discord.ui.TextInput[RoutineModal] | None = None
        if not importing:
            self.notes = discord.ui.TextInput(
                label="Notes (optional)",
                custom_id="routine-notes",
                style=discord.TextStyle.paragraph,
                required=False,
                max_length=NOTES_MAX,
                placeholder="Warm up with two lighter sets. Deload every fourth week.",
                default=values.get("routine-notes"),
            )
            self.tags = discord.ui.TextInput(
                label="Tags (optional, up to 5)",
                custom_id="routine-tags",
                required=False,
                max_length=120,
                placeholder="legs, strength, beginner",
                default=values.get("routine-tags"),
            )
            self.add_item(self.notes)
            self.add_item(self.tags)

    def values(self) -> dict[str, str]:
        items = [self.name, self.exercises, self.notes, self.tags]
        return {item.custom_id: item.value for item in items if item is not None}

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = self.cog.service
        try:
            if self.importing:
                routine = await service.import_(interaction.user.id, self.name.value, self.exercises.value)
            else:
                routine = await service.create(
                    interaction.user.id,
                    self.name.value,
                    self.exercises.value,
                    self.notes.value if self.notes else None,
                    self.tags.value if self.tags else None,
                )
        except UserFacingError as err:
            # The member's text would be lost with a plain error; offer the modal again, filled in.
            await reply(
                interaction,
                clip(err.render(), CONTENT_MAX),
                view=RetryView(self.cog, interaction.user.id, importing=self.importing, values=self.values()),
            )
            return
        verb = "Imported" if self.importing else "Saved"
        content = f"{verb} {quoted(routine.name)} to your library. Share it with `/routine share`."
        note = custom_note(routine)
        if note:
            content += "\n" + note
        await reply(interaction, clip(content, CONTENT_MAX), embed=routine_embed(routine))


class RetryView(RepmateView):
    def __init__(self, cog: RoutinesCog, owner_id: int, *, importing: bool, values: dict[str, str]) -> None:
        super().__init__(timeout=15 * 60)
        self.cog = cog
        self.owner_id = owner_id
        self.importing = importing
        self.values = values

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: Interaction, _button: discord.ui.Button[RetryView]) -> None:
        await interaction.response.send_modal(
            RoutineModal(self.cog, importing=self.importing, values=self.values)
        )


# -- paging -----------------------------------------------------------------------------------------


class PageView(RepmateView):
    """Previous/Next for an ephemeral list; each press reads the page afresh."""

    def __init__(
        self,
        owner_id: int,
        fetch: Callable[[int], Awaitable[Page[Routine]]],
        render: Callable[[Page[Routine]], discord.Embed],
        page: Page[Routine],
    ) -> None:
        super().__init__(timeout=10 * 60)
        self.owner_id = owner_id
        self.fetch = fetch
        self.render = render
        self.page = page
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = not self.page.has_previous
        self.next.disabled = not self.page.has_next

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await reply(
                interaction, "These buttons belong to whoever ran the command; run it yourself to page."
            )
            return False
        return True

    async def _show(self, interaction: Interaction, number: int) -> None:
        await interaction.response.defer()
        self.page = await self.fetch(number)
        self._sync_buttons()
        await interaction.edit_original_response(embed=self.render(self.page), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: Interaction, _button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.page.page - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: Interaction, _button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.page.page + 1)


async def send_page(
    interaction: Interaction,
    fetch: Callable[[int], Awaitable[Page[Routine]]],
    render: Callable[[Page[Routine]], discord.Embed],
) -> None:
    page = await fetch(1)
    if page.pages > 1:
        await reply(interaction, embed=render(page), view=PageView(interaction.user.id, fetch, render, page))
    else:
        await reply(interaction, embed=render(page))


# -- the post's buttons -----------------------------------------------------------------------------


class RoutinePostButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"repmate:routine:(?P<action>save|like):(?P<id>[0-9]{1,20})",
):
    """``Save a copy`` and ``Like`` on a shared routine, for whoever presses them."""

    def __init__(self, action: str, routine_id: int) -> None:
        template = SAVE_ID if action == "save" else LIKE_ID
        super().__init__(
            discord.ui.Button(
                label="Save a copy" if action == "save" else "Like", custom_id=template.format(id=routine_id)
            )
        )
        self.action = action
        self.routine_id = routine_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> RoutinePostButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        handler = self._save if self.action == "save" else self._like
        await run_component(interaction, lambda: handler(interaction))

    async def _save(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.client.on_member_activity(interaction.user.id, interaction.guild_id)
        copy = await interaction.client.services.routines.save_copy(self.routine_id, interaction.user.id)
        await reply(
            interaction,
            f"Saved a copy to your library as {quoted(copy.name)}. "
            f"Log it with `/log workout routine:{copy.name}` or see it with `/routine view`.",
        )

    async def _like(self, interaction: Interaction) -> None:
        # Acknowledge as an update of the post, so the count on the button can change in place.
        await interaction.response.defer()
        await interaction.client.on_member_activity(interaction.user.id, interaction.guild_id)
        result = await interaction.client.services.routines.like(self.routine_id, interaction.user.id)
        await interaction.edit_original_response(view=post_view(self.routine_id, result.like_count))
        await reply(interaction, f"You like {quoted(result.routine.name)} ({result.like_count} 👍).")


# -- the cog ----------------------------------------------------------------------------------------


def _guild(interaction: Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild


class RoutinesCog(
    commands.GroupCog, group_name="routine", group_description="Write, share and browse workout routines"
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> RoutineService:
        return self.bot.services.routines

    async def own_routines(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = await self.service.names(interaction.user.id, current)
        return [app_commands.Choice(name=clip(n, 100), value=n) for n in names]

    # -- create and import ---------------------------------------------------------------------------

    @app_commands.command(name="create", description="Write a new routine (opens a form)")
    async def create(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(RoutineModal(self, importing=False))

    @app_commands.command(name="import", description="Add a routine from its notation (opens a form)")
    async def import_(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(RoutineModal(self, importing=True))

    # -- sharing ---------------------------------------------------------------------------------------

    @app_commands.command(
        name="share", description="Post one of your routines in the server's routines channel"
    )
    @app_commands.describe(name="One of your routines")
    async def share(self, interaction: Interaction, name: str) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        routine = await self.service.get_own(interaction.user.id, name)
        channel = await self._routines_channel(guild)
        existing = await self._live_post(routine)
        if existing is not None:
            await reply(interaction, f"{quoted(routine.name)} is already shared: {existing}")
            return
        await self.bot.pacer.acquire()
        message = await channel.send(
            embed=routine_embed(routine, shared_by=interaction.user.id),
            view=post_view(routine.id, routine.like_count),
            allowed_mentions=NO_MENTIONS,
        )
        await self.service.record_share(
            routine, guild_id=guild.id, channel_id=channel.id, message_id=message.id
        )
        await reply(interaction, f"Shared {quoted(routine.name)} in {channel.mention}: {message.jump_url}")

    async def _routines_channel(self, guild: discord.Guild) -> discord.TextChannel:
        config = await self.bot.services.guilds.get(guild.id)
        return configured_channel(
            guild, config.routines_channel_id, what="routines", consequence="there's nowhere to share"
        )

    async def _live_post(self, routine: Routine) -> str | None:
        """The link to the routine's post, or None (forgetting it) when the post was deleted.

        One post per routine keeps likes in one place; a post a moderator deleted (or whose
        channel is gone) frees the routine to be shared again.
        """
        post = routine.post
        if post is None:
            return None
        channel = self.bot.get_channel(post.channel_id)
        if isinstance(channel, discord.TextChannel):
            await self.bot.pacer.acquire()
            try:
                await channel.fetch_message(post.message_id)
            except discord.NotFound:
                pass
            except discord.HTTPException:
                return post.url  # can't tell (no access right now): assume it's still there
            else:
                return post.url
        await self.service.forget_share(routine)
        return None

    # -- reading ---------------------------------------------------------------------------------------

    @app_commands.command(name="view", description="Show one of your routines")
    @app_commands.describe(name="One of your routines")
    async def view(self, interaction: Interaction, name: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        routine = await self.service.get_own(interaction.user.id, name)
        content = f"Shared here: {routine.post.url}" if routine.post else None
        await reply(interaction, content, embed=routine_embed(routine))

    @app_commands.command(name="list", description="Your routines, or the ones another member shared here")
    @app_commands.describe(member="Whose routines (default: yours)")
    async def list_(self, interaction: Interaction, member: discord.User | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if member is None or member.id == interaction.user.id:
            owner = interaction.user.id

            async def fetch(page: int) -> Page[Routine]:
                return await self.service.library(owner, page)

            def render(page: Page[Routine]) -> discord.Embed:
                return list_embed(
                    "Your routines",
                    page,
                    "You have no routines yet. Write one with `/routine create` or save one from the "
                    "routines channel with `Save a copy`.",
                    show_author=False,
                )

        else:
            guild = _guild(interaction)
            other = member

            async def fetch(page: int) -> Page[Routine]:
                return await self.service.shared_by(other.id, guild.id, page)

            def render(page: Page[Routine]) -> discord.Embed:
                return list_embed(
                    f"Routines {other.display_name} shared here",
                    page,
                    f"<@{other.id}> hasn't shared any routines in this server.",
                    show_author=False,
                )

        await send_page(interaction, fetch, render)

    @app_commands.command(name="browse", description="Routines shared in this server")
    @app_commands.describe(tag="Only routines with this tag", sort="Newest first, or most liked first")
    async def browse(
        self, interaction: Interaction, tag: str | None = None, sort: Literal["new", "top"] = "new"
    ) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        first = await self.service.browse(guild.id, tag=tag, sort=sort)
        label = f" tagged `#{tag.strip().lstrip('#').lower()}`" if tag else ""
        order = "most liked first" if sort == "top" else "newest first"

        async def fetch(page: int) -> Page[Routine]:
            return first if page == 1 else await self.service.browse(guild.id, tag=tag, sort=sort, page=page)

        def render(page: Page[Routine]) -> discord.Embed:
            return list_embed(
                f"Routines shared here{label}, {order}",
                page,
                f"No routines{label} are shared here yet. Share one of yours with `/routine share`.",
                show_author=True,
            )

        await send_page(interaction, fetch, render)

    @app_commands.command(name="export", description="One of your routines as notation, to copy or import")
    @app_commands.describe(name="One of your routines")
    async def export(self, interaction: Interaction, name: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        routine = await self.service.export(interaction.user.id, name)
        await reply(interaction, **export_message(routine))

    # -- deleting --------------------------------------------------------------------------------------

    @app_commands.command(name="delete", description="Delete one of your routines (and unshare it)")
    @app_commands.describe(name="One of your routines")
    async def delete(self, interaction: Interaction, name: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        routine = await self.service.delete(interaction.user.id, name)
        note = ""
        if routine.post is not None:
            edited = await self._mark_removed(routine)
            note = (
                " Its shared post now says it was removed."
                if edited
                else " Its shared post was already gone."
            )
        await reply(interaction, f"Deleted {quoted(routine.name)}.{note}")

    async def _mark_removed(self, routine: Routine) -> bool:
        post = routine.post
        assert post is not None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        await self.bot.pacer.acquire()
        try:
            await channel.get_partial_message(post.message_id).edit(
                embed=removed_embed(routine.name),
                view=post_view(routine.id, routine.like_count, removed=True),
            )
        except (discord.NotFound, discord.Forbidden):
            return False
        return True

    share.autocomplete("name")(own_routines)
    view.autocomplete("name")(own_routines)
    export.autocomplete("name")(own_routines)
    delete.autocomplete("name")(own_routines)


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(RoutinePostButton)
    await bot.add_cog(RoutinesCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(RoutinePostButton)
