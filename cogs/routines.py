"""/routine: write, share, browse, export and import routines (SPEC §4).

A shared routine is a post in the server's routines channel with three buttons whose
custom ids carry the routine id (``repmate:routine:save|log|like:<id>``). Dispatch
goes through :class:`discord.ui.DynamicItem` classes registered when the extension
loads, so the buttons keep working after a restart: ``Save a copy`` and ``Like``
live here, ``Log it`` in ``cogs.log`` (it logs a workout, and other messages such as
plan reminders reuse the same custom id).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.text import inline_code
from bot.errors import UserFacingError
from bot.services.routines import (
    EXAMPLE_NOTATION,
    NAME_MAX,
    NOTES_MAX,
    Page,
    Routine,
    RoutineService,
    normalise_tag,
)
from bot.ui import (
    CONTENT_MAX,
    NO_MENTIONS,
    RepmateModal,
    RepmateView,
    clip,
    configured_channel,
    jump_view,
    post_message_id,
    post_or_explain,
    reply,
    run_component,
)
from cogs import ids
from cogs.progression_embeds import add_hints
from cogs.routine_embeds import (
    custom_note,
    export_message,
    list_embed,
    post_url,
    post_view,
    removed_embed,
    routine_embed,
)

Interaction = discord.Interaction[RepmateBot]

log = logging.getLogger(__name__)


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
        content = f"{verb} {inline_code(routine.name)} to your library. Share it with `/routine share`."
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
    template=ids.ROUTINE_POST_PATTERN,
):
    """``Save a copy`` and ``Like`` on a shared routine, for whoever presses them."""

    def __init__(self, action: str, routine_id: int) -> None:
        custom_id = ids.routine_save(routine_id) if action == "save" else ids.routine_like(routine_id)
        super().__init__(
            discord.ui.Button(label="Save a copy" if action == "save" else "Like", custom_id=custom_id)
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
        copy = await interaction.client.services.routines.save_copy(
            self.routine_id, interaction.user.id, message_id=post_message_id(interaction)
        )
        await reply(
            interaction,
            f"Saved a copy to your library as {inline_code(copy.name)}. "
            f"Log it with `/log workout routine:{copy.name}` or see it with `/routine view`.",
        )

    async def _like(self, interaction: Interaction) -> None:
        # Acknowledge as an update of the post, so the count on the button can change in place.
        await interaction.response.defer()
        result = await interaction.client.services.routines.like(
            self.routine_id, interaction.user.id, message_id=post_message_id(interaction)
        )
        await interaction.edit_original_response(view=post_view(self.routine_id, result.like_count))
        if result.liked:
            text = (
                f"You like {inline_code(result.routine.name)} ({result.like_count} 👍). Press again to undo."
            )
        else:
            text = f"Like removed from {inline_code(result.routine.name)} ({result.like_count} 👍)."
        await reply(interaction, text)


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
            await reply(
                interaction, f"{inline_code(routine.name)} is already shared.", view=jump_view(existing)
            )
            return
        await self.bot.pacer.acquire()
        notices = self.bot.services.notices
        async with post_or_explain(
            notices, guild.id, channel, what="A shared routine", consequence="your routine wasn't shared"
        ):
            message = await channel.send(
                embed=routine_embed(routine, shared_by=interaction.user.id),
                view=post_view(routine.id, routine.like_count),
                allowed_mentions=NO_MENTIONS,
            )
        await self.service.record_share(
            routine, guild_id=guild.id, channel_id=channel.id, message_id=message.id
        )
        await reply(
            interaction,
            f"Shared {inline_code(routine.name)} in {channel.mention}.",
            view=jump_view(message.jump_url),
        )

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
                return post_url(post)  # can't tell (no access right now): assume it's still there
            else:
                return post_url(post)
        await self.service.forget_share(routine)
        return None

    # -- reading ---------------------------------------------------------------------------------------

    @app_commands.command(name="view", description="Show one of your routines")
    @app_commands.describe(name="One of your routines")
    async def view(self, interaction: Interaction, name: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        routine = await self.service.get_own(interaction.user.id, name)
        hints = await self.bot.services.progression.for_routine(interaction.user.id, routine)
        embed = add_hints(routine_embed(routine), hints)
        if routine.post is not None:
            await reply(interaction, embed=embed, view=jump_view(post_url(routine.post)))
        else:
            await reply(interaction, embed=embed)

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
        label = f" tagged `#{normalise_tag(tag.strip())}`" if tag else ""
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
            note = {
                True: " Its shared post now says it was removed.",
                False: " Its shared post was already gone.",
                None: " Discord didn't let me update its shared post just now; its buttons no longer work.",
            }[edited]
        await reply(interaction, f"Deleted {inline_code(routine.name)}.{note}")

    async def _mark_removed(self, routine: Routine) -> bool | None:
        """True: the post now says removed; False: it is gone; None: Discord refused the edit."""
        post = routine.post
        assert post is not None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        await self.bot.pacer.acquire()
        try:
            await channel.get_partial_message(post.message_id).edit(
                content=None,
                embed=removed_embed(),
                view=post_view(routine.id, routine.like_count, removed=True),
            )
        except (discord.NotFound, discord.Forbidden):
            return False
        except discord.HTTPException as exc:
            # The routine is deleted either way, and the post's buttons reach nothing any more.
            log.warning("Could not mark the shared post %s as removed: %s", post.message_id, exc)
            return None
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
