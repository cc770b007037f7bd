"""Soreness check-in DMs and `/soreness rate` (SPEC §5).

The check-in itself is a delivery rendered here; its buttons are dynamic items whose
custom ids carry the delivery id, so they keep working after a restart.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.soreness import hours_after_text
from bot.domain.text import plural
from bot.runtime.kinds import Delivery, Outgoing
from bot.services.checkins import KIND, CheckinContext, CheckinService, RatingResult
from bot.ui import COLOUR, COLOUR_WARN, reply, run_component
from cogs import ids

Interaction = discord.Interaction[RepmateBot]

LATE_NOTE = "*This check-in is late: Repmate was offline when it was due.*"
NUDGE_LINE = "Run the short **Should I stop?** check: it helps you tell ordinary soreness from warning signs."
NUDGE_BUTTON = (
    "Run the short **Should I stop?** check (the button below, or `/shouldistop`): it helps you tell "
    "ordinary soreness from warning signs."
)
RUN_CHECK_LABEL = "Run “Should I stop?”"


def _ts(when: Any, style: str = "R") -> str:
    return discord.utils.format_dt(when, style=style)  # type: ignore[arg-type]


def checkin_embed(ctx: CheckinContext, late: bool) -> discord.Embed:
    what = f"**{ctx.routine_name}**" if ctx.routine_name else "your workout"
    hours = plural(round(ctx.hours_since), "hour")
    since = "less than an hour" if ctx.hours_since < 1 else f"about **{hours}**"
    lines = [
        f"It's {since} since {what} ({_ts(ctx.workout_at, 'f')}).",
        "How sore are the muscles you trained? Rate it from **0** (not at all) to **10** "
        "(the worst you can imagine).",
    ]
    if late:
        lines.append(LATE_NOTE)
    embed = discord.Embed(title="How sore are you today?", description="\n".join(lines), colour=COLOUR)
    embed.set_footer(text="Something feels wrong rather than just sore? Press the red button.")
    return embed


#: Ratings per row: 0–3, 4–7, 8–10 (Discord allows five buttons a row, so 0–5 can't share one),
#: then the actions on a row of their own, so no rating sits beside the red button.
RATINGS_PER_ROW = 4
ACTIONS_ROW = 3


def checkin_view(delivery_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for level in range(11):
        view.add_item(
            discord.ui.Button(
                label=str(level),
                custom_id=ids.checkin("rate", delivery_id, level),
                row=level // RATINGS_PER_ROW,
                style=discord.ButtonStyle.secondary,
            )
        )
    view.add_item(
        discord.ui.Button(
            label="Something feels wrong",
            custom_id=ids.checkin("wrong", delivery_id),
            style=discord.ButtonStyle.danger,
            row=ACTIONS_ROW,
        )
    )
    view.add_item(
        discord.ui.Button(label="Snooze 2h", custom_id=ids.checkin("snooze", delivery_id), row=ACTIONS_ROW)
    )
    view.add_item(
        discord.ui.Button(label="Stop check-ins", custom_id=ids.checkin("stop", delivery_id), row=ACTIONS_ROW)
    )
    # Presses go to CheckinButton, the registered dynamic item; a stopped view is not kept by
    # discord.py, so a DM costs no memory once it is sent.
    view.stop()
    return view


def triage_view(delivery_id: int, label: str = "Something feels wrong") -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=label, custom_id=ids.checkin("wrong", delivery_id), style=discord.ButtonStyle.danger
        )
    )
    view.stop()  # dispatched by CheckinButton, like the check-in's own buttons
    return view


def rating_lines(result: RatingResult, readiness: str | None = None) -> list[str]:
    lines = [f"**You rated your soreness {result.rating.level}/10.** Thanks — it's saved with that workout."]
    if readiness is not None:
        lines.append(readiness)
    if result.followup_at is not None:
        lines.append(f"I'll check in once more {_ts(result.followup_at)}.")
    if result.escalation is not None:
        lines += ["", f"⚠️ {result.escalation.reason}", NUDGE_LINE]
    return lines


class CheckinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.CHECKIN_PATTERN,
):
    """Every button of a check-in DM."""

    def __init__(self, action: str, delivery_id: int, level: int | None) -> None:
        super().__init__(discord.ui.Button(label=action, custom_id=ids.checkin(action, delivery_id, level)))
        self.action = action
        self.delivery_id = delivery_id
        self.level = level

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> CheckinButton:
        level = int(match["level"]) if match["level"] is not None else None
        return cls(match["action"], int(match["id"]), level)

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        bot = interaction.client
        service: CheckinService = bot.services.checkins
        if self.action == "wrong":
            await self._open_triage(interaction)
            return
        if self.action == "rate" and self.level is not None:
            await interaction.response.defer()
            result = await service.rate_checkin(self.delivery_id, interaction.user.id, self.level)
            embed = _base_embed(interaction)
            embed.description = "\n".join(rating_lines(result, await _readiness_line(bot, result)))
            if result.escalation is not None:
                embed.colour = COLOUR_WARN
            label = RUN_CHECK_LABEL if result.escalation else "Something feels wrong"
            await interaction.edit_original_response(embed=embed, view=triage_view(self.delivery_id, label))
        elif self.action == "snooze":
            await interaction.response.defer()
            due = await service.snooze(self.delivery_id, interaction.user.id)
            embed = _base_embed(interaction)
            embed.description = f"Snoozed. I'll ask again {_ts(due)}."
            await interaction.edit_original_response(embed=embed, view=None)
        elif self.action == "stop":
            await interaction.response.defer()
            await service.stop(self.delivery_id, interaction.user.id)
            embed = _base_embed(interaction)
            embed.description = (
                "Soreness check-ins are **off**. Turn them back on any time with "
                "`/settings checkins enabled:True`."
            )
            await interaction.edit_original_response(embed=embed, view=None)

    async def _open_triage(self, interaction: Interaction) -> None:
        from cogs.triage import start_triage

        # Answered before the delivery is read; the check then replaces the "thinking" state.
        await interaction.response.defer(ephemeral=interaction.guild_id is not None, thinking=True)
        hint = await interaction.client.services.checkins.checkin_triage_hint(
            self.delivery_id, interaction.user.id
        )
        await start_triage(interaction, hours_hint=hint.hours, guild_id=hint.guild_id)


class SorenessCheckButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.SORENESS_CHECK_PATTERN,
):
    """`Run “Should I stop?”` under a `/soreness rate` reply; carries the rating's id."""

    def __init__(self, rating_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=RUN_CHECK_LABEL,
                custom_id=ids.soreness_check(rating_id),
                style=discord.ButtonStyle.danger,
            )
        )
        self.rating_id = rating_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> SorenessCheckButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        from cogs.triage import start_triage

        bot = interaction.client
        hours = await bot.services.checkins.triage_hint(self.rating_id, interaction.user.id)
        await start_triage(interaction, hours_hint=hours, guild_id=interaction.guild_id)


async def _readiness_line(bot: RepmateBot, result: RatingResult) -> str | None:
    """How ready the rated muscles are now (the check-in's workout, or the area named).

    The rating is already saved, so a failure here leaves the line out rather than the reply.
    """
    from cogs.readiness import log, rating_readiness_line

    try:
        groups = await bot.services.readiness.for_rating(result.rating.user_id, result.rating)
    except Exception:
        log.exception("Readiness for rating %s failed", result.rating.id)
        return None
    return rating_readiness_line(groups)


def _base_embed(interaction: Interaction) -> discord.Embed:
    message = interaction.message
    if message is not None and message.embeds:
        return discord.Embed.from_dict(message.embeds[0].to_dict())
    return discord.Embed(title="Soreness check-in", colour=COLOUR)


class CheckinsCog(commands.Cog):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def render(self, delivery: Delivery, late: bool) -> Outgoing | None:
        ctx = await self.bot.services.checkins.context(delivery)
        if ctx is None:
            return None
        return Outgoing(embed=checkin_embed(ctx, late), view=checkin_view(delivery.id))

    soreness = app_commands.Group(name="soreness", description="Record how sore you are")

    @soreness.command(name="rate", description="Record your soreness now (0 = none, 10 = worst imaginable)")
    @app_commands.describe(level="0 (none) to 10 (worst imaginable)", area="Where, e.g. quads or lower back")
    async def rate(
        self,
        interaction: Interaction,
        level: app_commands.Range[int, 0, 10],
        area: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True)
        result = await self.bot.services.checkins.rate_free(interaction.user.id, level, area)
        where = f" ({discord.utils.escape_markdown(result.rating.area)})" if result.rating.area else ""
        lines = [f"Saved: soreness **{result.rating.level}/10**{where}."]
        if result.hours_since is not None:
            lines.append(f"That's {hours_after_text(result.hours_since)} after your latest workout.")
        readiness = await _readiness_line(self.bot, result)
        if readiness is not None:
            lines.append(readiness)
        if result.escalation is None:
            await reply(interaction, "\n".join(lines))
            return
        lines += ["", f"⚠️ {result.escalation.reason}", NUDGE_BUTTON]
        view = discord.ui.View(timeout=None)
        view.add_item(SorenessCheckButton(result.rating.id))
        await reply(interaction, "\n".join(lines), view=view)


async def setup(bot: RepmateBot) -> None:
    cog = CheckinsCog(bot)
    bot.add_dynamic_items(CheckinButton, SorenessCheckButton)
    await bot.add_cog(cog)
    bot.runtime.renderers.add(KIND, cog.render)


async def teardown(bot: RepmateBot) -> None:
    bot.runtime.renderers.remove(KIND)
    bot.remove_dynamic_items(CheckinButton, SorenessCheckButton)
