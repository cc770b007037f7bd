"""/interval: a live timer message for interval workouts, and the presets (SPEC §6).

This cog starts timers, handles their Pause/Resume/Stop buttons (pressed by the starter
only) and says how a timer looks; keeping the message up to date as the workout moves
on is :mod:`bot.runtime.timers`' loop, which calls :func:`timer_message` for each state.

The finished message's ``Log result`` button (``repmate:challenge:log-timer:<id>``) is
handled by ``cogs.challenges``: it logs to a challenge the presser has joined.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.durations import describe_duration, format_clock
from bot.domain.intervals import (
    PRESETS,
    IntervalNotationError,
    Phase,
    describe,
    parse,
)
from bot.domain.text import inline_code
from bot.errors import UserFacingError
from bot.runtime.kinds import Outgoing
from bot.runtime.timers import TimerRunner
from bot.services.intervals import Timer, TimerService, TimerState
from bot.ui import (
    COLOUR,
    COLOUR_MUTED,
    COLOUR_WARN,
    FIELD_MAX,
    NO_MENTIONS,
    clip,
    jump_view,
    reply,
    run_component,
)
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

COLOUR_REST = discord.Colour(0x3B82C4)

#: What the bot needs where a timer runs: its own messages are edited through the channel.
TIMER_PERMISSIONS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}

_MORE_EXAMPLES = ("emom 20", "8x(20s work, 10s rest)", "3x(30s squat, 30s push-up, 60s rest)")


# -- rendering --------------------------------------------------------------------------------------


def phase_name(phase: Phase) -> str:
    """``WORK``, ``REST``, or ``WORK · squat`` when the member labelled it."""
    kind = phase.kind.upper()
    label = " ".join(phase.label.split())
    if label.casefold() in ("work", "rest", ""):
        return kind
    return f"{kind} · {discord.utils.escape_markdown(clip(label, 40))}"


def _round(phase: Phase) -> str:
    return f"Round **{phase.round}**/{phase.rounds}" if phase.rounds > 1 else ""


def _at(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def timer_embed(timer: Timer, state: TimerState) -> discord.Embed:
    """The timer as members read it across the room: what to do now, and when it changes."""
    lines: list[str] = []
    colour = COLOUR
    phase = state.phase
    if state.status == "ready":
        colour = COLOUR_WARN
        assert state.next_change_at is not None
        lines.append(f"## Get ready — starting {_at(state.next_change_at)}")
        if state.next_phase is not None:
            first = state.next_phase
            lines.append(f"First up: **{phase_name(first)}** for {describe_duration(first.duration_s)}")
    elif state.status == "running" and phase is not None:
        colour = COLOUR if phase.kind == "work" else COLOUR_REST
        lines.append(f"## {phase_name(phase)}")
        if _round(phase):
            lines.append(_round(phase))
        assert state.next_change_at is not None
        following = state.next_phase
        if following is None:
            lines.append(f"Finishes {_at(state.next_change_at)}")
        elif following.rounds > 1 and following.round != phase.round:
            lines.append(
                f"Next: round {following.round} — **{phase_name(following)}** {_at(state.next_change_at)}"
            )
        else:
            lines.append(f"Next: **{phase_name(following)}** {_at(state.next_change_at)}")
    elif state.status == "paused":
        colour = COLOUR_WARN
        lines.append("## ⏸️ Paused")
        if phase is None:
            lines.append(f"Before the start ({format_clock(int(state.remaining_s))} of lead-in left).")
        else:
            where = f"**{phase_name(phase)}**" + (
                f", round {phase.round}/{phase.rounds}" if phase.rounds > 1 else ""
            )
            lines.append(f"In {where}, with {format_clock(round(state.remaining_s))} left in this phase.")
        lines.append("Press **Resume** to carry on.")
    elif state.status == "finished":
        lines.append("## ✅ Finished")
        lines.append(f"{format_clock(timer.total_s)} of {timer.program.title} done. Nice work!")
        lines.append("In a challenge? Press **Log result** to record how it went.")
    else:
        colour = COLOUR_MUTED
        lines.append("## ⏹️ Stopped")
        where = ""
        if phase is not None and phase.rounds > 1:
            where = f", in round {phase.round}/{phase.rounds}"
        lines.append(f"After {format_clock(round(state.elapsed_s))} of {format_clock(timer.total_s)}{where}.")
        lines.append("In a challenge? Press **Log result** to record how it went.")
    embed = discord.Embed(title=f"⏱️ {timer.program.title}", description="\n".join(lines), colour=colour)
    embed.add_field(name="Program", value=inline_code(timer.notation, FIELD_MAX - 2), inline=True)
    embed.add_field(name="Length", value=format_clock(timer.total_s), inline=True)
    embed.add_field(name="Started by", value=f"<@{timer.owner_id}>", inline=True)
    if timer.is_active:
        embed.set_footer(text="Only the member who started this timer can pause or stop it.")
    return embed


def timer_view(timer: Timer, state: TimerState) -> discord.ui.View:
    """The buttons for the state; dispatched by the registered dynamic items, so the view is stopped."""
    view = discord.ui.View(timeout=None)
    if state.status in ("ready", "running"):
        buttons = [("Pause", discord.ButtonStyle.secondary, ids.timer("pause", timer.id))]
    elif state.status == "paused":
        buttons = [("Resume", discord.ButtonStyle.success, ids.timer("resume", timer.id))]
    else:
        buttons = [("Log result", discord.ButtonStyle.primary, ids.log_from_timer(timer.id))]
    if timer.is_active:
        buttons.append(("Stop", discord.ButtonStyle.danger, ids.timer("stop", timer.id)))
    for label, style, custom_id in buttons:
        view.add_item(discord.ui.Button(label=label, style=style, custom_id=custom_id))
    view.stop()
    return view


def timer_message(timer: Timer, state: TimerState) -> Outgoing:
    """The whole timer message for a state, as the runtime's timer loop edits it in."""
    return Outgoing(
        embed=timer_embed(timer, state), view=timer_view(timer, state), allowed_mentions=NO_MENTIONS
    )


def presets_embed() -> discord.Embed:
    embed = discord.Embed(
        title="Interval presets",
        description=(
            "Type any of these as the program of `/interval start` or `/challenge create`, or write your "
            "own: `8x(20s work, 10s rest)`, `5x(40s on, 20s off)`, `3x(30s squat, 30s push-up, 60s rest)`. "
            "Phases whose label says rest, off or recover count as rest. Up to 3 hours in total."
        ),
        colour=COLOUR,
    )
    for preset in PRESETS:
        embed.add_field(
            name=f"{preset.name} — `{preset.notation}`",
            value=f"{preset.structure}\nTotal: **{preset.total_text}**",
            inline=False,
        )
    embed.set_footer(text="emom, amrap and fortime take any number of minutes, e.g. emom 20 or amrap 7.")
    return embed


def program_choices(current: str) -> list[app_commands.Choice[str]]:
    """Presets and examples matching what was typed; what was typed comes first when it parses."""
    typed = " ".join(current.split())
    seen: list[str] = []
    choices: list[app_commands.Choice[str]] = []

    def add(notation: str) -> None:
        if notation in seen or len(choices) >= 25:
            return
        try:
            program = parse(notation)
        except IntervalNotationError:
            return
        seen.append(notation)
        choices.append(
            app_commands.Choice(name=clip(f"{notation} — {describe(program)}", 100), value=notation)
        )

    if typed and len(typed) <= 100:
        add(typed)
    for notation in [p.notation for p in PRESETS] + list(_MORE_EXAMPLES):
        if not typed or typed.casefold() in notation.casefold():
            add(notation)
    return choices


# -- the starter's buttons --------------------------------------------------------------------------


class TimerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.TIMER_PATTERN,
):
    """Pause, Resume and Stop on a timer message; only its starter may press them."""

    def __init__(self, action: str, timer_id: int) -> None:
        super().__init__(discord.ui.Button(label=action.title(), custom_id=ids.timer(action, timer_id)))
        self.action = action
        self.timer_id = timer_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> TimerButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        cog = interaction.client.get_cog(IntervalsCog.__cog_name__)
        assert isinstance(cog, IntervalsCog)
        await run_component(interaction, lambda: cog.press(interaction, self.action, self.timer_id))


# -- the cog ----------------------------------------------------------------------------------------


# -- starting a timer (also /program today's interval sessions) -----------------------------------


def check_timer_permissions(interaction: Interaction, *, example: str) -> None:
    """Refuse, before anything is acknowledged, a channel where the timer message can't be kept up to date."""
    channel = interaction.channel
    if interaction.guild is None or channel is None:
        raise app_commands.NoPrivateMessage()
    perms = interaction.app_permissions
    needed = dict(TIMER_PERMISSIONS)
    if isinstance(channel, discord.Thread):
        del needed["send_messages"]
        needed["send_messages_in_threads"] = "Send Messages in Threads"
    missing = [label for attr, label in needed.items() if not getattr(perms, attr)]
    if missing:
        raise UserFacingError(
            f"I can't run a timer here: I'm missing **{', '.join(missing)}** in this channel, and I need "
            "them to keep the timer message up to date. Ask an admin, or start it in another channel.",
            example=example,
        )


async def launch_timer(bot: RepmateBot, interaction: Interaction, program: str) -> discord.Message:
    """Record a timer for the member, post its message in the channel and set it running.

    Call after acknowledging, and after :func:`check_timer_permissions`.
    """
    assert interaction.guild is not None and interaction.channel is not None
    service = bot.services.intervals
    await drop_vanished(bot, interaction.user.id)
    timer = await service.start(interaction.user.id, interaction.guild.id, interaction.channel.id, program)
    state = service.state(timer)
    try:
        await bot.pacer.acquire()
        message = await bot.get_partial_messageable(
            interaction.channel.id, guild_id=interaction.guild.id
        ).send(embed=timer_embed(timer, state), view=timer_view(timer, state), allowed_mentions=NO_MENTIONS)
    except BaseException:
        await service.discard(timer.id)
        raise
    await service.attach(timer.id, message.id)
    bot.runtime.timers.launch(timer.id)
    return message


async def drop_vanished(bot: RepmateBot, owner_id: int) -> None:
    """A member's live timer whose message was deleted must not block their next one."""
    for timer in await bot.services.intervals.active_for_owner(owner_id):
        if timer.message_id is None:
            continue
        await bot.pacer.acquire()
        try:
            await bot.get_partial_messageable(timer.channel_id).fetch_message(timer.message_id)
        except (discord.NotFound, discord.Forbidden):
            await bot.runtime.timers.halt(timer.id)
            await bot.services.intervals.mark_gone(timer.id)
        except discord.HTTPException:
            pass


@app_commands.guild_only()
class IntervalsCog(
    commands.GroupCog, group_name="interval", group_description="Live interval timers: tabata, EMOM, AMRAP…"
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> TimerService:
        return self.bot.services.intervals

    @property
    def timers(self) -> TimerRunner:
        return self.bot.runtime.timers

    async def cog_load(self) -> None:
        await self.timers.set_render(timer_message)

    async def cog_unload(self) -> None:
        await self.timers.set_render(None)

    # -- commands --------------------------------------------------------------------------------

    @app_commands.command(name="start", description="Start a live interval timer in this channel")
    @app_commands.describe(program="e.g. tabata, emom 10, amrap 12, fortime cap 20, 8x(20s work, 10s rest)")
    async def start(self, interaction: Interaction, program: app_commands.Range[str, 1, 300]) -> None:
        check_timer_permissions(
            interaction, example="`/interval start program:tabata` in a channel where I can post"
        )
        # Acknowledged privately before any database or Discord work: a refusal then stays
        # private, and the timer itself is posted to the channel for everyone to follow.
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = await launch_timer(self.bot, interaction, program)
        await reply(
            interaction,
            "Your timer is running in the channel.",
            view=jump_view(message.jump_url, "Jump to timer"),
        )

    @start.autocomplete("program")
    async def program_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return program_choices(current)

    @app_commands.command(name="presets", description="The built-in interval presets and how long they take")
    async def presets(self, interaction: Interaction) -> None:
        await reply(interaction, embed=presets_embed())

    # -- buttons ---------------------------------------------------------------------------------

    async def press(self, interaction: Interaction, action: str, timer_id: int) -> None:
        """Pause, Resume or Stop: acknowledged at once (privately), then the row changes, then the
        timer message shows it; a refusal is the private answer, a success leaves no answer behind."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        timer = await self.service.get(timer_id)
        # Checked before anything is touched: someone else's press changes nothing.
        self.service.check_owner(timer, interaction.user.id, action)
        await self.timers.halt(timer_id)
        try:
            if action == "pause":
                timer = await self.service.pause(timer_id, interaction.user.id)
            elif action == "resume":
                timer = await self.service.resume(timer_id, interaction.user.id)
            else:
                timer = await self.service.stop(timer_id, interaction.user.id)
            state = self.service.state(timer)
            assert interaction.message is not None
            await self.bot.pacer.acquire()
            await interaction.message.edit(embed=timer_embed(timer, state), view=timer_view(timer, state))
            await interaction.delete_original_response()
            if timer.is_active:
                await self.service.record_shown(timer_id, state.key)
        finally:
            # Whatever happened above, a timer that is still running keeps its task.
            await self.timers.keep_running(timer_id)


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(TimerButton)
    await bot.add_cog(IntervalsCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(TimerButton)
