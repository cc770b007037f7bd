"""/log: record workouts, see history with a weekly-volume chart, undo a mistake (SPEC §4).

Also home of the ``Log it`` button (``repmate:routine:log:<id>``): shared routine
posts carry it, and any other message may too (a plan reminder, say); it logs that
routine for whoever presses it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.text import plural
from bot.domain.units import format_weight
from bot.services.charts import weekly_volume_png
from bot.services.workouts import (
    History,
    LoggedWorkout,
    WorkoutService,
    describe_line,
    describe_record,
)
from bot.ui import COLOUR, FIELD_MAX, chunk_lines, clip, discord_time, reply, run_component

Interaction = discord.Interaction[RepmateBot]

EMBED_MAX = 6000
CHART_FILE = "weekly-volume.png"


def _add_block(embed: discord.Embed, name: str, lines: Sequence[str]) -> None:
    """Lines as one or more fields, stopping (and saying so) before Discord's embed limits."""
    chunks = chunk_lines(lines)
    for index, chunk in enumerate(chunks):
        title = name if index == 0 else f"{name} (continued)"
        if len(embed.fields) >= 23 or len(embed) + len(title) + len(chunk) > EMBED_MAX - 200:
            embed.add_field(name="…", value=f"{len(chunks) - index} more block(s) not shown.", inline=False)
            return
        embed.add_field(name=title, value=chunk, inline=False)


def logged_embed(logged: LoggedWorkout) -> discord.Embed:
    units = logged.units
    title = f"Workout logged: {logged.routine_name}" if logged.routine_name else "Workout logged"
    summary = [f"{len(logged.exercises)} exercise{'s' if len(logged.exercises) != 1 else ''}"]
    if logged.volume_kg:
        summary.append(f"volume {format_weight(logged.volume_kg, units)}")
    if logged.rpe is not None:
        summary.append(f"RPE {logged.rpe}")
    description = " · ".join(summary)
    if logged.notes:
        description += "\n> " + discord.utils.escape_markdown(logged.notes).replace("\n", "\n> ")
    embed = discord.Embed(title=clip(title, 256), description=clip(description, 4096), colour=COLOUR)
    embed.timestamp = logged.session.performed_at
    if logged.new_records:
        _add_block(
            embed,
            "🏆 Personal records",
            [discord.utils.escape_markdown(describe_record(r, units)) for r in logged.new_records],
        )
    elif not logged.baselines:
        embed.add_field(name="Personal records", value="None this time — keep at it.", inline=False)
    if logged.baselines:
        names = ", ".join(discord.utils.escape_markdown(r.exercise) for r in logged.baselines)
        embed.add_field(name="First time logged (your baseline)", value=clip(names, FIELD_MAX), inline=False)
    _add_block(
        embed,
        "Exercises",
        [
            f"**{discord.utils.escape_markdown(e.name)}** {describe_line(e.line, units)}"
            + (" · *custom*" if e.custom else "")
            for e in logged.exercises
        ],
    )
    embed.set_footer(text="Logged by mistake? /log undo removes it within 24 hours.")
    return embed


def history_embed(history: History) -> discord.Embed:
    units = history.units
    span = "day" if history.days == 1 else f"{history.days} days"
    embed = discord.Embed(title=f"Your training, last {span}", colour=COLOUR)
    if not history.session_count:
        embed.description = (
            f"No workouts logged in the last {span}. Log one with `/log workout`, "
            "or try a longer period with `/log history days:90`."
        )
        return embed
    workouts = f"**{history.session_count}** workout{'s' if history.session_count != 1 else ''}"
    if has_chart(history):
        embed.description = f"{workouts} · total volume **{format_weight(history.total_volume_kg, units)}**"
    else:
        embed.description = (
            f"{workouts}\nNo weighted volume in the last {span}, so there is no chart: volume counts "
            "sets with a weight, e.g. `3x5 @ 100kg`."
        )
    lines = []
    for session in history.sessions:
        name = (
            discord.utils.escape_markdown(session.routine_name) if session.routine_name else "Ad hoc workout"
        )
        bits = [discord_time(session.performed_at, "D"), name]
        if session.volume_kg:
            bits.append(format_weight(session.volume_kg, units))
        if session.rpe is not None:
            bits.append(f"RPE {session.rpe}")
        lines.append(" · ".join(bits))
    more = history.session_count - len(history.sessions)
    if more > 0:
        lines.append(f"…and {more} earlier")
    _add_block(embed, "Recent workouts", lines)
    if history.top_exercises:
        top = [
            f"**{discord.utils.escape_markdown(t.exercise)}** — {plural(t.sets, 'set')}"
            + (f", {format_weight(t.volume_kg, units)}" if t.volume_kg else "")
            for t in history.top_exercises
        ]
        _add_block(embed, "Most trained", top)
    if has_chart(history):
        embed.set_image(url=f"attachment://{CHART_FILE}")
        embed.set_footer(text=f"Weekly volume is sets × reps × load, in {units}; weeks start on Monday.")
    return embed


def has_chart(history: History) -> bool:
    """A chart only when there is volume to draw (bodyweight and timed work has none)."""
    return history.total_volume_kg > 0


# -- the Log it button ------------------------------------------------------------------------------


class LogRoutineButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"repmate:routine:log:(?P<id>[0-9]{1,20})",
):
    """Logs the routine for whoever presses it (their own, or one shared in the server)."""

    def __init__(self, routine_id: int) -> None:
        super().__init__(discord.ui.Button(label="Log it", custom_id=f"repmate:routine:log:{routine_id}"))
        self.routine_id = routine_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> LogRoutineButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._log(interaction))

    async def _log(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = interaction.client
        post = interaction.message
        on_post = post is not None and interaction.guild_id is not None and not post.flags.ephemeral
        logged = await bot.services.workouts.log_routine(
            interaction.user.id,
            interaction.guild_id,
            self.routine_id,
            message_id=post.id if post is not None and on_post else None,
        )
        await reply(interaction, embed=logged_embed(logged))


# -- the cog ----------------------------------------------------------------------------------------


class LogCog(commands.GroupCog, group_name="log", group_description="Log workouts and see your progress"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> WorkoutService:
        return self.bot.services.workouts

    @app_commands.command(name="workout", description="Record a workout: one of your routines, or exercises")
    @app_commands.describe(
        routine="One of your routines (your own or a saved copy)",
        exercises="Ad hoc exercises split with |, e.g. Back Squat 3x5 @ 100kg | Plank 3x45s",
        rpe="How hard it felt overall, 1 (very easy) to 10 (maximal)",
        notes="Anything to remember about this session (up to 500 characters)",
    )
    async def workout(
        self,
        interaction: Interaction,
        routine: str | None = None,
        exercises: app_commands.Range[str, 1, 2000] | None = None,
        rpe: app_commands.Range[int, 1, 10] | None = None,
        notes: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        logged = await self.service.log(
            interaction.user.id,
            interaction.guild_id,
            routine=routine,
            exercises=exercises,
            rpe=rpe,
            notes=notes,
        )
        await reply(interaction, embed=logged_embed(logged))

    @workout.autocomplete("routine")
    async def routine_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.bot.services.routines.names(interaction.user.id, current)
        return [app_commands.Choice(name=clip(n, 100), value=n) for n in names]

    @app_commands.command(name="history", description="Your recent workouts and a chart of weekly volume")
    @app_commands.describe(days="How far back to look, 1 to 365 days (default 30)")
    async def history(self, interaction: Interaction, days: app_commands.Range[int, 1, 365] = 30) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        history = await self.service.history(interaction.user.id, days)
        embed = history_embed(history)
        if not has_chart(history):
            await reply(interaction, embed=embed)
            return
        png = await weekly_volume_png(
            [(w.week_start, w.volume_kg) for w in history.weeks],
            history.units,
            f"Weekly volume ({history.units})",
        )
        await reply(interaction, embed=embed, file=discord.File(io.BytesIO(png), filename=CHART_FILE))

    @app_commands.command(name="undo", description="Remove your last logged workout (within 24 hours)")
    async def undo(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await self.service.undo(interaction.user.id)
        session = removed.session
        what = f"`{session.routine_name}`" if session.routine_name else "your ad hoc workout"
        await reply(
            interaction,
            f"Removed {what} logged {discord_time(session.created_at, 'R')}. "
            "Its sets no longer count towards your records or history.",
        )


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(LogRoutineButton)
    await bot.add_cog(LogCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(LogRoutineButton)
