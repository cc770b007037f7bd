"""/exercise: the built-in exercise library (SPEC §4.1).

``/exercise info`` shows one exercise (muscles, equipment, level, form cues, common
mistakes and alternatives for the same muscles); ``/exercise search`` pages through the
exercises for a muscle group and/or a piece of equipment. The library is read-only data,
so paging re-reads the page from the service on each press and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.exercises import EQUIPMENT, MUSCLES, Exercise, equipment_label, muscle_label
from bot.services.exercises import ExerciseHit, ExerciseInfo, ExerciseLibrary, ExerciseSearch
from bot.ui import COLOUR, DESCRIPTION_MAX, FIELD_MAX, RepmateView, clip, reply

Interaction = discord.Interaction[RepmateBot]

DISCLAIMER = "General coaching points, not medical advice. If something hurts, /shouldistop can help."

MUSCLE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in MUSCLES.items()]
EQUIPMENT_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in EQUIPMENT.items()]


# -- rendering --------------------------------------------------------------------------------------


def _muscles(keys: Sequence[str]) -> str:
    return ", ".join(muscle_label(k) for k in keys) or "—"


def _equipment(keys: Sequence[str]) -> str:
    return ", ".join(equipment_label(k) for k in keys) or "—"


def _bullets(lines: Sequence[str]) -> str:
    return clip("\n".join(f"• {line}" for line in lines), FIELD_MAX)


def _summary(exercise: Exercise) -> str:
    """One line about an exercise for lists: name, what it trains, what it needs, level."""
    return (
        f"**{exercise.name}** — {_muscles(exercise.primary)} · "
        f"{_equipment(exercise.equipment)} · {exercise.level}"
    )


def info_embed(info: ExerciseInfo) -> discord.Embed:
    exercise = info.exercise
    parts = []
    if info.asked_as:
        parts.append(f"**{info.asked_as}** is another name for the {exercise.name}.")
    if exercise.aliases:
        parts.append("Also called: " + ", ".join(exercise.aliases))
    embed = discord.Embed(
        title=exercise.name, description=clip("\n".join(parts), DESCRIPTION_MAX) or None, colour=COLOUR
    )
    embed.add_field(name="Primary muscles", value=_muscles(exercise.primary), inline=True)
    embed.add_field(name="Secondary muscles", value=_muscles(exercise.secondary), inline=True)
    embed.add_field(name="Equipment", value=_equipment(exercise.equipment), inline=True)
    embed.add_field(name="Level", value=exercise.level.capitalize(), inline=True)
    embed.add_field(name="Form cues", value=_bullets(exercise.cues), inline=False)
    embed.add_field(name="Common mistakes", value=_bullets(exercise.mistakes), inline=False)
    if info.alternatives:
        embed.add_field(
            name="Alternatives for the same muscles",
            value=clip("\n".join(_summary(alt) for alt in info.alternatives), FIELD_MAX),
            inline=False,
        )
    embed.set_footer(text=DISCLAIMER)
    return embed


def search_title(search: ExerciseSearch) -> str:
    bits = []
    if search.muscle:
        bits.append(muscle_label(search.muscle))
    if search.equipment:
        bits.append(equipment_label(search.equipment))
    return "Exercises: " + " · ".join(bits)


def _hit_line(hit: ExerciseHit) -> str:
    exercise = hit.exercise
    return f"**{exercise.name}** — {_equipment(exercise.equipment)} · {exercise.level}"


def search_embed(search: ExerciseSearch) -> discord.Embed:
    page = search.results
    embed = discord.Embed(title=search_title(search), colour=COLOUR)
    main = [_hit_line(h) for h in page.items if h.primary]
    helpers = [_hit_line(h) for h in page.items if not h.primary]
    if search.muscle:
        label = muscle_label(search.muscle)
        if main:
            embed.add_field(
                name=f"Mainly train {label}", value=clip("\n".join(main), FIELD_MAX), inline=False
            )
        if helpers:
            embed.add_field(
                name=f"Also work {label}", value=clip("\n".join(helpers), FIELD_MAX), inline=False
            )
    else:
        embed.description = "\n".join(_summary(h.exercise) for h in page.items)
    noun = "exercise" if page.total == 1 else "exercises"
    embed.set_footer(
        text=f"Page {page.page} of {page.pages} · {page.total} {noun} · "
        "/exercise info shows form cues for any of them"
    )
    return embed


def no_results_text(search: ExerciseSearch) -> str:
    what = []
    if search.muscle:
        what.append(f"train **{muscle_label(search.muscle)}**")
    if search.equipment:
        what.append(f"use **{equipment_label(search.equipment)}**")
    text = f"No exercises in the library {' and '.join(what)}."
    options = []
    for broader in search.broader:
        if broader.muscle:
            command = f"`/exercise search muscle:{muscle_label(broader.muscle)}`"
        else:
            command = f"`/exercise search equipment:{equipment_label(broader.equipment or '')}`"
        options.append(f"{command} ({broader.count})")
    if options:
        text += " Try a broader search: " + " or ".join(options) + "."
    else:
        text += " Try a broader search, e.g. `/exercise search muscle:Full body`."
    return text


# -- paging -----------------------------------------------------------------------------------------


class SearchPageView(RepmateView):
    """Previous/Next for a search; only the member who searched can page it."""

    def __init__(self, owner_id: int, library: ExerciseLibrary, search: ExerciseSearch) -> None:
        super().__init__(timeout=10 * 60)
        self.owner_id = owner_id
        self.library = library
        self.search = search
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = not self.search.results.has_previous
        self.next.disabled = not self.search.results.has_next

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await reply(
                interaction,
                "These buttons belong to whoever ran the search; run your own, "
                "e.g. `/exercise search muscle:Glutes`.",
            )
            return False
        return True

    async def _show(self, interaction: Interaction, number: int) -> None:
        self.search = self.library.search(self.search.muscle, self.search.equipment, number)
        self._sync_buttons()
        await interaction.response.edit_message(embed=search_embed(self.search), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: Interaction, _button: discord.ui.Button[SearchPageView]) -> None:
        await self._show(interaction, self.search.results.page - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: Interaction, _button: discord.ui.Button[SearchPageView]) -> None:
        await self._show(interaction, self.search.results.page + 1)


# -- the cog ----------------------------------------------------------------------------------------


class ExercisesCog(
    commands.GroupCog, group_name="exercise", group_description="Look up exercises: form, muscles, swaps"
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def library(self) -> ExerciseLibrary:
        return self.bot.services.exercises

    @app_commands.command(name="info", description="How to do an exercise, what it trains, and swaps for it")
    @app_commands.describe(name="An exercise from the library (names and nicknames like RDL both work)")
    async def info(self, interaction: Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        info = self.library.info(name)
        await reply(interaction, embed=info_embed(info))

    @info.autocomplete("name")
    async def name_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=c.label, value=c.value) for c in self.library.suggest(current)]

    @app_commands.command(name="search", description="Exercises for a muscle group and/or equipment")
    @app_commands.describe(muscle="The muscle group to train", equipment="The equipment you have")
    @app_commands.choices(muscle=MUSCLE_CHOICES, equipment=EQUIPMENT_CHOICES)
    async def search(
        self, interaction: Interaction, muscle: str | None = None, equipment: str | None = None
    ) -> None:
        search = self.library.search(muscle, equipment)
        if not search.results.total:
            await reply(interaction, no_results_text(search))
        elif search.results.pages > 1:
            view = SearchPageView(interaction.user.id, self.library, search)
            await reply(interaction, embed=search_embed(search), view=view)
        else:
            await reply(interaction, embed=search_embed(search))


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(ExercisesCog(bot))
