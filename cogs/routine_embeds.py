"""What routines look like in Discord: embeds and the shared post's buttons, within Discord's limits."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.app import RepmateBot
from bot.domain.routines import ExerciseLine, format_line
from bot.domain.text import inline_code, plural
from bot.services.routines import NOTES_MAX, Page, Routine, SharedPost
from bot.ui import COLOUR, COLOUR_MUTED, CONTENT_MAX, Block, Field, clip, fit_embed
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

# -- rendering --------------------------------------------------------------------------------------


def exercise_text(line: ExerciseLine, custom: bool) -> str:
    """``A1 **Pull-up** `3xAMRAP` `` — the name readable, the prescription as notation."""
    rest = format_line(dataclasses.replace(line, superset=None))[len(line.name) :].strip()
    label = f"`{line.superset}` " if line.superset else ""
    marker = " · *custom*" if custom else ""
    return f"{label}**{discord.utils.escape_markdown(line.name)}** `{rest}`{marker}"


def post_url(post: SharedPost) -> str:
    """The shared post's link, for a ``Jump to post`` button or a list."""
    return f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.message_id}"


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
    embed = discord.Embed(title=routine.name, description="\n\n".join(parts) or None, colour=colour)
    count = len(routine.lines)
    footer = plural(count, "exercise")
    if routine.custom:
        footer += f" · {len(routine.custom)} custom"
    if routine.source_routine_id is not None:
        footer += " · saved copy"
    embed.set_footer(text=footer)
    lines = [exercise_text(line, line.name.casefold() in custom) for line in routine.lines]
    return fit_embed(embed, [Block(f"Exercises ({count})", lines, exercises_left_out)])


def exercises_left_out(count: int) -> str:
    more = plural(count, "more exercise", "more exercises")
    return f"{more} left out here; `/routine export` shows the whole routine."


REMOVED_TITLE = "A routine that was removed"


def removed_embed() -> discord.Embed:
    """What a shared post becomes once its routine is deleted (``/routine delete`` or ``/privacy
    delete``): nothing the member wrote stays — no name, notes, tags, exercises or mention."""
    return discord.Embed(
        title=REMOVED_TITLE,
        description="Its author removed this routine, so it can't be saved, logged or liked any more.",
        colour=COLOUR_MUTED,
    )


def post_view(routine_id: int, like_count: int, *, removed: bool = False) -> discord.ui.View:
    """The post's buttons. Clicks are dispatched by the registered dynamic items, never by this
    view, so it is stopped before sending (discord.py then doesn't keep it in memory)."""
    view = discord.ui.View(timeout=None)
    for label, style, custom_id in (
        ("Save a copy", discord.ButtonStyle.primary, ids.routine_save(routine_id)),
        ("Log it", discord.ButtonStyle.success, ids.routine_log(routine_id)),
        (f"Like ({like_count})", discord.ButtonStyle.secondary, ids.routine_like(routine_id)),
    ):
        view.add_item(discord.ui.Button(label=label, style=style, custom_id=custom_id, disabled=removed))
    view.stop()
    return view


def custom_note(routine: Routine) -> str:
    """A line about exercises the catalogue doesn't know, with "did you mean" hints."""
    if not routine.custom:
        return ""
    parts = []
    for custom in routine.custom[:5]:
        hint = f" (did you mean {', '.join(custom.did_you_mean)}?)" if custom.did_you_mean else ""
        parts.append(f"{inline_code(custom.name)}{hint}")
    more = f" and {len(routine.custom) - 5} more" if len(routine.custom) > 5 else ""
    return "Custom exercises (not in the built-in catalogue): " + ", ".join(parts) + more + "."


def list_embed(title: str, page: Page[Routine], empty: str, *, show_author: bool) -> discord.Embed:
    embed = discord.Embed(title=title, colour=COLOUR)
    if not page.items:
        embed.description = empty
        return fit_embed(embed)
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {plural(page.total, 'routine')}")
    fields = []
    for routine in page.items:
        bits = [plural(len(routine.lines), "exercise"), f"👍 {routine.like_count}"]
        if show_author:
            bits.insert(0, f"by <@{routine.owner_id}>")
        if routine.tags:
            bits.append(tags_text(routine.tags))
        value = " · ".join(bits)
        if routine.post is not None:
            value += f"\n[Open the post]({post_url(routine.post)})"
        elif routine.source_routine_id is not None:
            value += "\nsaved copy"
        fields.append(Field(routine.name, value))
    return fit_embed(embed, fields)


def export_message(routine: Routine) -> dict[str, Any]:
    """The notation in a code block; as a file too when it's longer than a message."""
    block = f"```\n{routine.notation}\n```"
    header = f"{inline_code(routine.name)} — copy this into `/routine import` to add it to a library:\n"
    if len(header) + len(block) <= CONTENT_MAX:
        return {"content": header + block}
    embed = fit_embed(discord.Embed(title=routine.name, description=block, colour=COLOUR))
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", routine.name).strip("-") or "routine"
    file = discord.File(io.BytesIO(routine.notation.encode()), filename=f"{safe[:60]}.txt")
    return {"content": header.rstrip(":\n") + " (also attached as a file):", "embed": embed, "file": file}
