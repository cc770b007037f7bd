"""/program: run a training program from a template (5/3/1, GZCLP, PPL, Couch to 5K).

``/program start`` builds the member's routines and weekly plan, ``/program today`` shows
the session that is due with a ``Log it`` button (the routine's own, handled by
``cogs.log``), ``/program show`` tells where the member is, ``/program stop`` ends it.
Couch to 5K sessions are interval programs: ``/program today`` in a server channel starts
the live interval timer there, as ``/interval start`` does. GZCLP's ``Missed a T1 set`` /
``Missed a T2 set`` buttons note a missed set for the session that is due.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.progression import format_load, from_kg
from bot.domain.routines import format_line
from bot.domain.text import inline_code, plural
from bot.errors import UserFacingError
from bot.services.programs import ProgramService, ProgramStatus
from bot.ui import COLOUR, Block, Field, clip, fit_embed, reply, run_component
from cogs import ids
from cogs.intervals import check_timer_permissions, launch_timer

Interaction = discord.Interaction[RepmateBot]

TEMPLATE_CHOICES = [
    app_commands.Choice(name="5/3/1", value="531"),
    app_commands.Choice(name="GZCLP", value="gzclp"),
    app_commands.Choice(name="PPL", value="ppl"),
    app_commands.Choice(name="Couch to 5K", value="c25k"),
]
MAX_HELP = "Training max: a number in your units, or with kg/lb (5/3/1 and GZCLP)"


def session_lines(status: ProgramStatus) -> list[str]:
    assert status.session is not None
    return [f"`{format_line(line)}`" for line in status.session.lines]


def maxes_text(status: ProgramStatus) -> str | None:
    if not status.maxes:
        return None
    parts = [
        f"{status.template.lifts[key].exercise} {format_load(from_kg(kg, status.system), status.system)}"
        for key, kg in status.maxes.items()
        if key in status.template.lifts
    ]
    return " · ".join(parts) or None


def today_embed(status: ProgramStatus, *, timer_note: str | None = None) -> discord.Embed:
    template = status.template
    if status.session is None:
        return discord.Embed(
            title=f"{template.name}: finished",
            description=f"You've logged every session of {template.name}. Well done! "
            "`/program stop` clears it, then start another with `/program start`.",
            colour=COLOUR,
        )
    session = status.session
    routine = inline_code(status.routine_name) if status.routine_name else "its routine"
    description = (
        f"Session {status.position + 1}: {session.title}. Planned on {status.weekday_name}s; "
        f"press **Log it** when it's done (it logs {routine} as written) and the program moves on."
    )
    embed = discord.Embed(title=f"{template.name} — today", description=description, colour=COLOUR)
    parts: list[Field | Block] = [Block("Session", session_lines(status))]
    if session.notes:
        parts.append(Field("Notes", clip(session.notes, 1024)))
    if status.missed:
        parts.append(Field("Missed sets noted", ", ".join(t.upper() for t in status.missed)))
    if timer_note:
        parts.append(Field("Timer", timer_note))
    rounded = "Loads are rounded to your plate step. " if template.lifts else ""
    embed.set_footer(text=f"{rounded}Source: {template.source}")
    return fit_embed(embed, parts)


def show_embed(status: ProgramStatus) -> discord.Embed:
    template = status.template
    embed = discord.Embed(title=f"Your program: {template.name}", description=template.summary, colour=COLOUR)
    parts: list[Field | Block] = []
    done = plural(status.position, "session")
    if template.length is not None:
        done += f" of {template.length}"
    parts.append(Field("Logged", done, inline=True))
    days = ", ".join(f"{_weekday(template, i)} {d.name}" for i, d in enumerate(template.days))
    parts.append(Field("Weekly plan", clip(days, 1024)))
    if status.session is not None:
        parts.append(Field("Next", f"{status.session.title} · `/program today`"))
    else:
        parts.append(Field("Next", "Finished: every session is logged."))
    maxes = maxes_text(status)
    if maxes:
        parts.append(Field("Training maxes", maxes))
    embed.set_footer(text=f"Source: {template.source}")
    return fit_embed(embed, parts)


def _weekday(template: Any, day: int) -> str:
    return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[template.weekdays[day]]


def today_view(status: ProgramStatus, jump_url: str | None = None) -> discord.ui.View | None:
    """``Log it`` (dispatched by ``cogs.log``), GZCLP's missed-set buttons and a link to the timer."""
    if status.session is None or status.routine_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Log it", style=discord.ButtonStyle.success, custom_id=ids.routine_log(status.routine_id)
        )
    )
    if status.template.kind == "tiers":
        for tier in ("t1", "t2"):
            view.add_item(
                discord.ui.Button(
                    label=f"Missed a {tier.upper()} set",
                    style=discord.ButtonStyle.secondary,
                    custom_id=ids.program_missed(tier, status.position),
                )
            )
    if jump_url is not None:
        view.add_item(discord.ui.Button(label="Jump to timer", url=jump_url))
    view.stop()
    return view


class MissedSetButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.PROGRAM_MISSED_PATTERN):
    """GZCLP: note a missed set of a tier for the session that is due (applied when it is logged)."""

    def __init__(self, tier: str, position: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Missed a {tier.upper()} set", custom_id=ids.program_missed(tier, position)
            )
        )
        self.tier = tier
        self.position = position

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> MissedSetButton:
        return cls(match["tier"], int(match["position"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._note(interaction))

    async def _note(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = interaction.client.services.programs
        status = await service.status(interaction.user.id)
        if status.position != self.position:
            raise UserFacingError(
                "That session is already logged, so the miss can't be noted for it.",
                example="`/program today` for the session that is due",
            )
        status = await service.note_missed(interaction.user.id, self.tier)
        await reply(
            interaction,
            f"Noted a missed {self.tier.upper()} set. When you log this session, that lift moves to "
            "its next stage at the same load (after the last stage it starts over lighter).",
        )


class ProgramCog(commands.GroupCog, group_name="program", group_description="Run a training program"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ProgramService:
        return self.bot.services.programs

    @app_commands.command(name="start", description="Start a program: builds your routines and weekly plan")
    @app_commands.describe(
        template="The program to run",
        squat=MAX_HELP,
        bench=MAX_HELP,
        deadlift=MAX_HELP,
        press=MAX_HELP,
    )
    @app_commands.choices(template=TEMPLATE_CHOICES)
    async def start(
        self,
        interaction: Interaction,
        template: app_commands.Choice[str],
        squat: app_commands.Range[str, 1, 20] | None = None,
        bench: app_commands.Range[str, 1, 20] | None = None,
        deadlift: app_commands.Range[str, 1, 20] | None = None,
        press: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        given = {"squat": squat, "bench": bench, "deadlift": deadlift, "press": press}
        status = await self.service.start(interaction.user.id, template.value, given)
        days = ", ".join(f"{_weekday(status.template, i)}" for i in range(status.template.days_per_week))
        text = (
            f"Started **{status.template.name}**: {plural(status.template.days_per_week, 'routine')} "
            f"in your library, planned on {days}. `/program today` shows the first session."
        )
        if status.replaced:
            text += f"\nThese plan days were replaced: {', '.join(status.replaced)}."
        await reply(interaction, text, embed=show_embed(status))

    @app_commands.command(name="today", description="Today's session of your program, with Log it")
    async def today(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        status = await self.service.today(interaction.user.id)
        session = status.session
        note = jump = None
        if session is not None and session.intervals is not None:
            if interaction.guild is None or interaction.channel is None:
                note = (
                    f"Run `/program today` in a server channel to start the live timer: `{session.intervals}`"
                )
            else:
                try:
                    check_timer_permissions(
                        interaction, example="`/program today` in a channel where I can post"
                    )
                    message = await launch_timer(self.bot, interaction, session.intervals)
                except UserFacingError as err:
                    note = f"The timer didn't start: {err.render()}"
                else:
                    jump = message.jump_url
                    note = f"Your timer is running in the channel: `{session.intervals}`."
        await reply(interaction, embed=today_embed(status, timer_note=note), view=today_view(status, jump))

    @app_commands.command(
        name="show", description="Your program: where you are, your plan and training maxes"
    )
    async def show(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await reply(interaction, embed=show_embed(await self.service.status(interaction.user.id)))

    @app_commands.command(name="stop", description="Stop your program (its routines and plan stay yours)")
    async def stop(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        template = await self.service.stop(interaction.user.id)
        await reply(
            interaction,
            f"Stopped **{template.name}**. Its routines stay in your library and on your plan; "
            "`/plan clear` frees a day, `/routine delete` removes a routine.",
        )


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(MissedSetButton)
    await bot.add_cog(ProgramCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(MissedSetButton)
