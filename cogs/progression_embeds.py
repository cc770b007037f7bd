"""How progression hints read: one "next time" line per exercise, in an embed's fields."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.text import plural
from bot.services.progression import ExerciseHint
from bot.ui import Block, fit_embed

HINTS_TITLE = "Next time"
HINTS_OFF = "Hints follow your routine's rep range; `/settings progression off` turns them off."


def hint_line(item: ExerciseHint) -> str:
    """``**Bench Press** 61.25 kg × 8 (3 sets) — all sets at the top of the range: add 1.25 kg``."""
    return f"**{discord.utils.escape_markdown(item.name)}** {item.hint.describe()}"


def hints_block(hints: Sequence[ExerciseHint]) -> Block:
    return Block(HINTS_TITLE, [hint_line(h) for h in hints], lambda n: f"…and {plural(n, 'more exercise')}.")


def add_hints(embed: discord.Embed, hints: Sequence[ExerciseHint]) -> discord.Embed:
    """The embed with a "Next time" field added, within Discord's limits (unchanged without hints)."""
    if not hints:
        return embed
    return fit_embed(embed, [hints_block(hints)])
