"""How ``/log import`` and ``/log export`` look: the preview, its buttons, the replies.

The commands themselves are in :mod:`cogs.log` (they are ``/log`` subcommands); the
``Import`` and ``Cancel`` buttons are a dynamic item, so a press after a restart is
still answered (the preview itself is gone then, and the member is told to run the
command again).
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import discord

from bot.app import RepmateBot
from bot.domain.imports import MAX_BYTES, SOURCE_NAMES
from bot.domain.text import inline_code, plural
from bot.errors import NotAllowed
from bot.services.imports import ImportPreview, ImportResult, expired_text
from bot.ui import COLOUR, COLOUR_MUTED, Block, Field, fit_embed, reply, run_component
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

#: Discord's upload limit without a server boost; the interaction may state less, never trust more.
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
#: Failed rows listed one by one in a preview (the count says how many more there are).
PROBLEMS_SHOWN = 15


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _span(days: tuple[date, date] | None) -> str:
    if days is None:
        return ""
    first, last = days
    return _day(first) if first == last else f"{_day(first)} to {_day(last)}"


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(text)


def preview_embed(preview: ImportPreview) -> discord.Embed:
    parsed = preview.parsed
    source = SOURCE_NAMES[parsed.source]
    embed = discord.Embed(
        title=f"Import preview: {source} file",
        description=f"{inline_code(preview.filename, 80)} · {plural(parsed.rows, 'row')} read",
        colour=COLOUR if preview.sessions else COLOUR_MUTED,
    )
    parts: list[Field | Block] = []
    if preview.sessions:
        summary = (
            f"**{plural(len(preview.sessions), 'workout')}**, **{plural(preview.new_sets, 'set')}**"
            f" · {_span(preview.days)}"
        )
    elif preview.too_old[0]:
        summary = "Nothing recent enough: this server keeps logged workouts for a limited time (below)."
    elif not parsed.sessions:
        summary = "Nothing to import: no row of the file could be read as a set (see why below)."
    else:
        summary = "Nothing new: every set in the file is already in your log."
    parts.append(Field("Will be imported", summary, priority=3))
    if preview.duplicates:
        parts.append(
            Field(
                "Already in your log",
                f"{plural(preview.duplicates, 'set')}, skipped so nothing is logged twice.",
                priority=2,
            )
        )
    old_sessions, old_sets = preview.too_old
    if old_sessions:
        parts.append(
            Field(
                "Older than this server keeps history",
                f"{plural(old_sessions, 'workout')} ({plural(old_sets, 'set')}) from more than "
                f"{plural(preview.retention_days or 0, 'day')} ago: not imported, as the daily "
                "clean-up would remove them.",
                priority=2,
            )
        )
    if preview.matched:
        lines = [
            _escape(m.file_name) if m.file_name == m.name else f"{_escape(m.file_name)} → {_escape(m.name)}"
            for m in preview.matched
        ]
        parts.append(Block(f"Matched to the exercise library ({len(lines)})", lines))
    if preview.custom:
        lines = [_escape(m.name) for m in preview.custom]
        parts.append(Block(f"Will be custom exercises ({len(lines)})", lines))
    if parsed.problems:
        shown = [f"Line {p.line}: {p.reason}" for p in parsed.problems[:PROBLEMS_SHOWN]]
        parts.append(
            Block(
                f"Rows that failed ({len(parsed.problems):,}), not imported",
                shown,
                more=lambda n: f"…and {n:,} more.",
                total=len(parsed.problems),
                priority=1,
            )
        )
    notes = []
    if parsed.assumed_unit is not None:
        notes.append(
            f"Weights without a unit are read as **{parsed.assumed_unit}** (your units; "
            "`/settings units` changes them before you import)."
        )
    if parsed.zoned_locally:
        zone = preview.zone.key
        if preview.zone_is_default:
            notes.append(
                f"Times without a zone are read in **{zone}**, the bot's default: you haven't set "
                "your time zone, so `/settings timezone` first if that's wrong."
            )
        else:
            notes.append(f"Times without a zone are read in **{zone}**, your time zone.")
    if parsed.passed_over:
        notes.append(
            f"{plural(parsed.passed_over, 'row')} without a set (rest timers, blank lines) passed over."
        )
    if notes:
        parts.append(Field("How the file was read", "\n".join(notes)))
    if preview.sessions:
        embed.set_footer(
            text="Nothing is saved until you press Import. Imported workouts count for records and "
            "charts; they send no check-ins and post nothing. This preview lasts 15 minutes."
        )
    return fit_embed(embed, parts)


def preview_view(preview: ImportPreview) -> discord.ui.View | None:
    if not preview.sessions:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=f"Import {plural(preview.new_sets, 'set')}",
            style=discord.ButtonStyle.success,
            custom_id=ids.log_import("import", preview.user_id, preview.token),
        )
    )
    view.add_item(
        discord.ui.Button(label="Cancel", custom_id=ids.log_import("cancel", preview.user_id, preview.token))
    )
    return view


def result_text(result: ImportResult) -> str:
    if not result.sets:
        return (
            "Nothing was imported: every set in the file is already in your log "
            f"({plural(result.duplicates, 'set')})."
        )
    text = (
        f"**Imported** {plural(result.sessions, 'workout')} and {plural(result.sets, 'set')} from your "
        f"{SOURCE_NAMES[result.source]} file ({_span(result.days)})."
    )
    if result.duplicates:
        verb = "was" if result.duplicates == 1 else "were"
        text += f" {plural(result.duplicates, 'set')} already in your log {verb} skipped."
    return text + " They now count for your records and `/log history`."


class ImportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.LOG_IMPORT_PATTERN,
):
    """``Import`` / ``Cancel`` under a preview: only the member who uploaded the file may press."""

    def __init__(self, action: str, user_id: int, token: str) -> None:
        super().__init__(
            discord.ui.Button(label=action.title(), custom_id=ids.log_import(action, user_id, token))
        )
        self.action = action
        self.user_id = user_id
        self.token = token

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> ImportButton:
        return cls(match["action"], int(match["user"]), match["token"])

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotAllowed("Only the member who uploaded the file can import it or cancel.")
        service = interaction.client.services.imports
        if self.action == "cancel":
            service.cancel(self.user_id, self.token)
            await interaction.response.edit_message(
                content="Cancelled: nothing was imported.", embed=None, view=None
            )
            return
        if service.pending(self.token) is None:
            if service.confirmed(self.token):
                # A second press while (or after) the first one imports: the first one answers.
                await interaction.response.defer()
                return
            await interaction.response.edit_message(content=expired_text(), embed=None, view=None)
            return
        await interaction.response.defer()
        result = await service.confirm(self.user_id, self.token)
        await interaction.edit_original_response(content=result_text(result), embed=None, view=None)


async def run_import(interaction: Interaction, file: discord.Attachment) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    preview = await interaction.client.services.imports.preview(
        interaction.user.id, file.filename, file.size, file.read
    )
    view = preview_view(preview)
    kwargs: dict[str, Any] = {"view": view} if view is not None else {}
    await reply(interaction, embed=preview_embed(preview), **kwargs)


async def run_export(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    limit = min(interaction.filesize_limit, DEFAULT_UPLOAD_LIMIT)
    export = await interaction.client.services.imports.export(interaction.user.id, limit)
    if not export.sets:
        await reply(
            interaction,
            "Your log is empty, so there is nothing to export yet. Log a workout with `/log workout`, "
            "or bring your history in with `/log import`.",
        )
        return
    text = (
        f"Your whole log: {plural(export.sessions, 'workout')}, {plural(export.sets, 'set')}, as the "
        "generic CSV (`/help` and the README describe its columns). `/log import` reads it back."
    )
    if len(export.files) > 1:
        text += (
            f"\nIt comes in {len(export.files)} parts, this message and the next "
            f"{plural(len(export.files) - 1, 'one', 'ones')}: each is a complete CSV of at most "
            f"{MAX_BYTES // 1_000_000} MB that can be imported on its own."
        )
    files = [discord.File(io.BytesIO(f.data), filename=f.name) for f in export.files]
    await reply(interaction, text, file=files[0])
    for n, file in enumerate(files[1:], start=2):
        await interaction.followup.send(f"Part {n} of {len(files)}.", file=file, ephemeral=True)
