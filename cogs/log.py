"""/log: record workouts, see history with a weekly-volume chart, undo a mistake (SPEC §4).

Also home of the ``Log it`` button (``repmate:routine:log:<id>``): shared routine
posts carry it, and any other message may too (a plan reminder, say); it logs that
routine for whoever presses it.
"""

from __future__ import annotations

import io
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.durations import format_duration
from bot.domain.records import PersonalRecord, RecordKind
from bot.domain.routines import Bodyweight, ExerciseLine, PercentOfMax, Weight, format_reps
from bot.domain.text import inline_code, plural
from bot.domain.units import WeightSystem, format_weight
from bot.services.charts import weekly_volume_png
from bot.services.workouts import History, LoggedWorkout, WorkoutService
from bot.ui import COLOUR, Block, Field, clip, discord_time, fit_embed, post_message_id, reply, run_component
from cogs import ids
from cogs.log_imports import ImportButton, run_export, run_import
from cogs.progression_embeds import add_hints
from cogs.readiness import add_strain_warning

Interaction = discord.Interaction[RepmateBot]

CHART_FILE = "weekly-volume.png"


def describe_line(line: ExerciseLine, units: WeightSystem) -> str:
    """``3×5 @ 100 kg`` — a logged line in the member's units."""
    text = f"{line.sets}×{format_reps(line.reps)}"
    load = line.load
    if isinstance(load, Weight):
        text += f" @ {format_weight(load.kg, units)}"
    elif isinstance(load, PercentOfMax):
        text += f" @ {load.percent:g}%"
    elif isinstance(load, Bodyweight):
        text += " @ bodyweight" + (f" + {format_weight(load.extra.kg, units)}" if load.extra else "")
    if line.rest_s is not None:
        text += f", rest {format_duration(line.rest_s, hours=False)}"
    return text


def describe_record(record: PersonalRecord, units: WeightSystem) -> str:
    """One line of news for the reply, e.g. ``Back Squat: estimated 1RM 120 kg (was 116.5 kg)``."""
    best = record.best_set
    at = format_weight(best.weight_kg, units) if best.weight_kg > 0 else "bodyweight"
    set_text = f"{at} × {best.reps}"
    if record.kind is RecordKind.ESTIMATED_1RM:
        assert record.value is not None
        was = f" (was {format_weight(record.previous, units)})" if record.previous is not None else ""
        return f"{record.exercise}: estimated 1RM {format_weight(record.value, units)}{was}, from {set_text}"
    if record.kind is RecordKind.REPS_AT_LOAD:
        load = format_weight(record.load_kg or 0.0, units) if record.load_kg else "bodyweight"
        reps = plural(int(record.value or 0), "rep")
        if record.previous is None:
            return f"{record.exercise}: heaviest yet, {reps} at {load}"
        return f"{record.exercise}: {reps} at {load} (best before: {int(record.previous)})"
    return f"{record.exercise}: first time logged, {set_text}"


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
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    embed.timestamp = logged.session.performed_at
    embed.set_footer(text="Logged by mistake? /log undo removes it within 24 hours.")
    parts: list[Field | Block] = []
    if logged.new_records:
        records = [discord.utils.escape_markdown(describe_record(r, units)) for r in logged.new_records]
        parts.append(Block("🏆 Personal records", records, lambda n: f"…and {plural(n, 'more record')}."))
    elif not logged.baselines:
        parts.append(Field("Personal records", "None this time — keep at it."))
    if logged.baselines:
        names = ", ".join(discord.utils.escape_markdown(r.exercise) for r in logged.baselines)
        parts.append(Field("First time logged (your baseline)", names))
    exercises = [
        f"**{discord.utils.escape_markdown(e.name)}** {describe_line(e.line, units)}"
        + (" · *custom*" if e.custom else "")
        for e in logged.exercises
    ]
    parts.append(Block("Exercises", exercises, lambda n: f"…and {plural(n, 'more exercise')}."))
    return fit_embed(embed, parts)


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
    parts = [Block("Recent workouts", lines)]
    if history.top_exercises:
        top = [
            f"**{discord.utils.escape_markdown(t.exercise)}** — {plural(t.sets, 'set')}"
            + (f", {format_weight(t.volume_kg, units)}" if t.volume_kg else "")
            for t in history.top_exercises
        ]
        parts.append(Block("Most trained", top))
    if has_chart(history):
        embed.set_image(url=f"attachment://{CHART_FILE}")
        embed.set_footer(text=f"Weekly volume is sets × reps × load, in {units}; weeks start on Monday.")
    return fit_embed(embed, parts)


def has_chart(history: History) -> bool:
    """A chart only when there is volume to draw (bodyweight and timed work has none)."""
    return history.total_volume_kg > 0


async def with_hints(bot: RepmateBot, user_id: int, logged: LoggedWorkout) -> discord.Embed:
    """The logged workout with a "next time" line per exercise (none when the member turned them off)."""
    return add_hints(logged_embed(logged), await bot.services.progression.after_log(user_id, logged))


# -- the Log it button ------------------------------------------------------------------------------


class LogRoutineButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.ROUTINE_LOG_PATTERN,
):
    """Logs the routine for whoever presses it (their own, or one shared in the server)."""

    def __init__(self, routine_id: int) -> None:
        super().__init__(discord.ui.Button(label="Log it", custom_id=ids.routine_log(routine_id)))
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
        logged = await bot.services.workouts.log_routine(
            interaction.user.id,
            interaction.guild_id,
            self.routine_id,
            message_id=post_message_id(interaction),
        )
        embed = await with_hints(bot, interaction.user.id, logged)
        await add_strain_warning(bot, logged, embed)
        await reply(interaction, embed=embed)


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
        embed = await with_hints(self.bot, interaction.user.id, logged)
        await add_strain_warning(self.bot, logged, embed)
        await reply(interaction, embed=embed)

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
        what = inline_code(session.routine_name) if session.routine_name else "your ad hoc workout"
        await reply(
            interaction,
            f"Removed {what} logged {discord_time(session.created_at, 'R')}. "
            "Its sets no longer count towards your records or history.",
        )

    @app_commands.command(name="import", description="Bring in your history from Strong, Hevy or a CSV file")
    @app_commands.describe(file="A CSV exported from Strong or Hevy, or by /log export (up to 5 MB)")
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        await run_import(interaction, file)

    @app_commands.command(name="export", description="Download your whole workout log as a CSV file")
    async def export(self, interaction: Interaction) -> None:
        await run_export(interaction)


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(LogRoutineButton, ImportButton)
    await bot.add_cog(LogCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(LogRoutineButton, ImportButton)
