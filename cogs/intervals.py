"""/interval: a live timer message for interval workouts, and the presets (SPEC §6).

The timer message changes only when the workout does: one task per running timer
sleeps until the next phase change and edits the message once, through the pacer.
Members' clients count the seconds themselves from the ``<t:…:R>`` timestamp, so a
20-minute EMOM costs about 21 edits, not 1,200. The task reads the timer's row each
time it wakes, so Pause/Resume/Stop (pressed by the starter only) and restarts need
no shared memory: the buttons change the row and restart the task, and after a
restart ``cog_load`` picks up every running timer, edits each at most once to catch
up (or to say it finished while the bot was away), and carries on. A message someone
deleted ends its timer without another word.

The finished message's ``Log result`` button (``repmate:challenge:log-timer:<id>``) is
handled by ``cogs.challenges``: it logs to a challenge the presser has joined.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.db.repositories.timers import RUNNING
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
from bot.services.timers import Timer, TimerService, TimerState
from bot.ui import COLOUR, COLOUR_MUTED, COLOUR_WARN, FIELD_MAX, NO_MENTIONS, clip, reply, run_component
from cogs import ids

log = logging.getLogger(__name__)

Interaction = discord.Interaction[RepmateBot]
Shown = Literal["shown", "failed", "gone"]

#: The shortest sleep: a wake-up a hair before the change (clock rounding) just sleeps again.
MIN_SLEEP_S = 0.001
#: One retry for an edit Discord answered with a server error, then wait for the next phase.
RETRY_AFTER_S = 2.0
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


@app_commands.guild_only()
class IntervalsCog(
    commands.GroupCog, group_name="interval", group_description="Live interval timers: tabata, EMOM, AMRAP…"
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot
        self.tasks: dict[int, asyncio.Task[Any]] = {}

    @property
    def service(self) -> TimerService:
        return self.bot.services.timers

    async def cog_load(self) -> None:
        self.bot.spawn(self._resume_all(), name="interval-timers-resume")

    async def cog_unload(self) -> None:
        for timer_id in list(self.tasks):
            await self._halt(timer_id)

    # -- commands --------------------------------------------------------------------------------

    @app_commands.command(name="start", description="Start a live interval timer in this channel")
    @app_commands.describe(program="e.g. tabata, emom 10, amrap 12, fortime cap 20, 8x(20s work, 10s rest)")
    async def start(self, interaction: Interaction, program: app_commands.Range[str, 1, 300]) -> None:
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
                example="`/interval start program:tabata` in a channel where I can post",
            )
        await self._drop_vanished(interaction.user.id)
        timer = await self.service.start(interaction.user.id, interaction.guild.id, channel.id, program)
        state = self.service.state(timer)
        try:
            callback = await interaction.response.send_message(
                embed=timer_embed(timer, state), view=timer_view(timer, state), allowed_mentions=NO_MENTIONS
            )
            message_id = callback.message_id
            if message_id is None:
                message_id = (await interaction.original_response()).id
        except BaseException:
            await self.service.discard(timer.id)
            raise
        await self.service.attach(timer.id, message_id)
        self._launch(timer.id)

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
        """Pause, Resume or Stop: the row changes first, then the message shows it (as the reply)."""
        await self.bot.on_member_activity(interaction.user.id, interaction.guild_id)
        timer = await self.service.get(timer_id)
        # Checked before anything is touched: someone else's press changes nothing.
        self.service.check_owner(timer, interaction.user.id, action)
        await self._halt(timer_id)
        try:
            if action == "pause":
                timer = await self.service.pause(timer_id, interaction.user.id)
            elif action == "resume":
                timer = await self.service.resume(timer_id, interaction.user.id)
            else:
                timer = await self.service.stop(timer_id, interaction.user.id)
            state = self.service.state(timer)
            await interaction.response.edit_message(
                embed=timer_embed(timer, state), view=timer_view(timer, state)
            )
            if timer.is_active:
                await self.service.record_shown(timer_id, state.key)
        finally:
            # Whatever happened above, a timer that is still running keeps its task.
            current = await self.service.find(timer_id)
            if current is not None and current.status == RUNNING and timer_id not in self.tasks:
                self._launch(timer_id)

    # -- the timer tasks -------------------------------------------------------------------------

    def _launch(self, timer_id: int) -> None:
        old = self.tasks.get(timer_id)
        if old is not None and not old.done():
            old.cancel()
        task = self.bot.spawn(self._run(timer_id), name=f"interval-timer-{timer_id}")
        self.tasks[timer_id] = task
        task.add_done_callback(
            lambda done: self.tasks.pop(timer_id, None) if self.tasks.get(timer_id) is done else None
        )

    async def _halt(self, timer_id: int) -> None:
        task = self.tasks.pop(timer_id, None)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _resume_all(self) -> None:
        """After a restart: every running timer carries on (or ends, if it ran out meanwhile)."""
        for timer in await self.service.active():
            if timer.status == RUNNING:
                self._launch(timer.id)

    async def _drop_vanished(self, owner_id: int) -> None:
        """A member's live timer whose message was deleted must not block their next one."""
        for timer in await self.service.active_for_owner(owner_id):
            if timer.message_id is None:
                continue
            await self.bot.pacer.acquire()
            try:
                await self.bot.get_partial_messageable(timer.channel_id).fetch_message(timer.message_id)
            except (discord.NotFound, discord.Forbidden):
                await self._halt(timer.id)
                await self.service.mark_gone(timer.id)
            except discord.HTTPException:
                pass

    async def _run(self, timer_id: int) -> None:
        """Sleep to each phase change and show it; end when the program does or the message goes."""
        while True:
            timer = await self.service.find(timer_id)
            if timer is None or timer.status != RUNNING or timer.message_id is None:
                return
            state = self.service.state(timer)
            if state.status == "finished":
                if await self.service.finish(timer_id):
                    final = await self.service.get(timer_id)
                    await self._show(final, self.service.state(final))
                return
            if state.key != timer.shown:
                shown = await self._show(timer, state)
                if shown == "gone":
                    await self.service.mark_gone(timer_id)
                    return
                if shown == "shown":
                    await self.service.record_shown(timer_id, state.key)
            assert state.next_change_at is not None
            delay = (state.next_change_at - self.bot.clock.now()).total_seconds()
            await asyncio.sleep(max(delay, MIN_SLEEP_S))

    async def _show(self, timer: Timer, state: TimerState) -> Shown:
        """Edit the timer message (paced); a deleted message or channel means the timer is gone."""
        assert timer.message_id is not None
        message = self.bot.get_partial_messageable(
            timer.channel_id, guild_id=timer.guild_id
        ).get_partial_message(timer.message_id)
        for attempt in range(2):
            await self.bot.pacer.acquire()
            try:
                await message.edit(
                    embed=timer_embed(timer, state),
                    view=timer_view(timer, state),
                    allowed_mentions=NO_MENTIONS,
                )
            except (discord.NotFound, discord.Forbidden) as exc:
                log.info("Timer %s ended: its message can't be edited any more (%s)", timer.id, exc)
                return "gone"
            except discord.HTTPException as exc:
                log.warning(
                    "Timer %s: edit failed (%s)%s", timer.id, exc, "; retrying" if attempt == 0 else ""
                )
                if attempt == 0:
                    await asyncio.sleep(RETRY_AFTER_S)
                continue
            return "shown"
        return "failed"


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(TimerButton)
    await bot.add_cog(IntervalsCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(TimerButton)
