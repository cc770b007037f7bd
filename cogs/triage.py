"""/shouldistop: the "Should I stop?" check (SPEC §7, TRIAGE.md §5–6).

A thin adapter over :class:`bot.triage.TriageFlow`: it renders each step as an
embed with a select menu and buttons, passes the member's presses to the flow, and renders
the outcome the rule set builds. Every clinical word comes from the rule set
(``bot/triage/rules.toml``); this module only adds the Discord plumbing and a few words of
navigation.

The member's answers live only in the flow object of the open message. Nothing is written
to the database or the log, and the flow forgets them when it ends.

Components carry ``repmate:triage:<owner>:<flow>:<nonce>`` custom ids, with a fresh random
nonce for every item of every screen: they say nothing about the answers (an error report
logs the custom id), and a press on an earlier screen can never count on the current one.
The open message's view handles the current ids; :class:`EndedTriageItem` answers presses
on a message from before a restart, and the cog's ``on_interaction`` acknowledges a press
on a component the message no longer shows, so an old button never fails.
"""

from __future__ import annotations

import contextlib
import logging
import math
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.triage import Choice, FlowError, Outcome, Stage, TriageFlow
from bot.ui import (
    COLOUR,
    COLOUR_DANGER,
    COLOUR_MUTED,
    COLOUR_WARN,
    NO_MENTIONS,
    RepmateView,
    clip,
    run_component,
)
from cogs import ids

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 600.0
"""Seconds without a press before the check closes (TRIAGE.md §5: about 10 minutes)."""

COG_NAME = "Triage"

ENDED_TEXT = "This check has ended — run `/shouldistop` again."
NOT_YOURS_TEXT = "Only the member who started this check can answer it. Run `/shouldistop` to start your own."
BACK_LABEL = "Back"
START_OVER_LABEL = "Start over"

LEVEL_COLOURS: dict[str, discord.Colour] = {
    "emergency": COLOUR_DANGER,
    "clinician": COLOUR_WARN,
    "rest": COLOUR_MUTED,
    "continue": COLOUR,
}

_SELECT_LABEL_LIMIT = 100
_BUTTONS_PER_ROW = 5


@dataclass(frozen=True)
class CareDetails:
    """Where the outcome points the member: a server's settings (None: the rule set's default)."""

    emergency_number: str | None = None
    clinician_text: str | None = None
    clinician_url: str | None = None


# -- rendering ---------------------------------------------------------------------------------


def intro_embed(flow: TriageFlow, care: CareDetails) -> discord.Embed:
    return discord.Embed(description=flow.intro(emergency_number=care.emergency_number), colour=COLOUR_WARN)


def step_embed(flow: TriageFlow, *, full: bool = False) -> discord.Embed:
    """The current step: its "Step n of 4" title, what to do, and the questions.

    A checklist shows each bold label with the question's first clause beside it, so a
    member in distress can scan it; ``full`` shows every question in full instead.
    """
    labels = flow.rules.flow
    none = labels.none_of_these
    if flow.questions:
        how = (
            f"Mark what applies to you in **{labels.applies}** and anything you're unsure of in "
            f"**{labels.not_sure}**, then press **{labels.continue_label}**. "
            f"If none of them apply, press **{none}**."
        )
        if full:
            questions = "\n\n".join(f"**{rule.label}.** {rule.question}" for rule in flow.questions)
        else:
            questions = "\n".join(f"- **{rule.label}** — {rule.brief}" for rule in flow.questions)
        description = f"{how}\n\n{questions}{_marked_line(flow)}"
    elif flow.stage in (Stage.WHERE, Stage.KIND):
        description = f"**{flow.context_question}**\nPick all that fit in the menu, or press **{none}**."
    else:
        description = f"**{flow.context_question}**"
    return discord.Embed(
        title=f"{flow.step_label} · {flow.step_name}", description=description, colour=COLOUR
    )


def _marked_line(flow: TriageFlow) -> str:
    """What the member has marked on this checklist so far, in the rule set's labels."""
    parts = []
    if flow.applies:
        parts.append(f"**{flow.rules.flow.applies}:** " + ", ".join(_labels(flow, flow.applies)))
    if flow.not_sure:
        parts.append(f"**{flow.rules.flow.not_sure}:** " + ", ".join(_labels(flow, flow.not_sure)))
    return "\n\n" + "\n".join(parts) if parts else ""


def _labels(flow: TriageFlow, rule_ids: tuple[str, ...]) -> list[str]:
    return [flow.rules.rule(rule_id).label for rule_id in rule_ids]


def outcome_embed(outcome: Outcome) -> discord.Embed:
    """The outcome in TRIAGE.md §6 order; for an emergency the description opens with the action."""
    embed = discord.Embed(
        title=outcome.title, description=outcome.description, colour=LEVEL_COLOURS[outcome.level]
    )
    for name, value in outcome.fields:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=outcome.footer)
    return embed


def ended_embed(flow: TriageFlow, care: CareDetails) -> discord.Embed:
    """What an idle check closes with: the danger line, then the rule set's idle text."""
    text = flow.rules.text
    number = care.emergency_number or text.default_emergency_number
    danger = text.intro_first_line.format(emergency_number=number)
    return discord.Embed(description=f"**{danger}**\n\n{text.idle_timeout}", colour=COLOUR_MUTED)


# -- the open check ----------------------------------------------------------------------------


class TriageView(RepmateView):
    """The components of one open check; its items are rebuilt for every screen.

    Every rebuild gives the items new custom ids, so a press on an earlier screen (a double
    click) never reaches the wrong step.
    """

    def __init__(self, cog: TriageCog, flow: TriageFlow, *, owner_id: int, care: CareDetails) -> None:
        super().__init__(timeout=IDLE_TIMEOUT)
        self.cog = cog
        self.flow = flow
        self.owner_id = owner_id
        self.care = care
        self.token = secrets.token_hex(6)
        self.message: discord.WebhookMessage | None = None
        self._last: discord.Interaction[Any] | None = None
        #: Whether the checklists show every question in full (the member's choice, kept across steps).
        self.full = False
        self.build()

    # -- components -------------------------------------------------------------------------

    def custom_id(self) -> str:
        """A new id for one item of one screen; opaque, so it never reveals an answer."""
        return ids.triage(self.owner_id, self.token, secrets.token_hex(4))

    def has_component(self, custom_id: str) -> bool:
        return any(getattr(item, "custom_id", None) == custom_id for item in self.children)

    def build(self) -> None:
        """Lay out the components for the flow's current screen."""
        self.clear_items()
        flow = self.flow
        labels = flow.rules.flow
        if flow.is_done:
            return
        nav_row = 1
        if flow.questions:
            self._checklist_select(labels.applies, 0, flow.applies, flow.mark_applies)
            self._checklist_select(labels.not_sure, 1, flow.not_sure, flow.mark_not_sure)
            self._button(
                labels.continue_label,
                2,
                flow.proceed,
                style=discord.ButtonStyle.primary,
                disabled=not flow.has_marks,
            )
            self._button(labels.none_of_these, 2, flow.none_of_these, disabled=flow.has_marks)
            self._button(labels.short_list if self.full else labels.full_questions, 2, self.toggle_full)
            nav_row = 3
        elif flow.stage in (Stage.WHERE, Stage.KIND):
            options = [
                discord.SelectOption(label=clip(choice.label, _SELECT_LABEL_LIMIT), value=choice.id)
                for choice in flow.context_choices
            ]
            pick = flow.choose_where if flow.stage is Stage.WHERE else flow.choose_kind
            self._select("Pick all that fit", options, pick)
            self._button(labels.none_of_these, 1, flow.none_of_these)
        else:
            choose = flow.choose_time if flow.stage is Stage.TIME else flow.choose_improving
            choices: tuple[Choice, ...] = flow.context_choices
            # Rows of even length, so no choice stands alone beside the navigation.
            rows = math.ceil(len(choices) / _BUTTONS_PER_ROW)
            per_row = math.ceil(len(choices) / rows)
            for n, choice in enumerate(choices):
                self._button(choice.label, n // per_row, partial(choose, choice.id))
            nav_row = rows
        if flow.can_go_back:
            self._button(BACK_LABEL, nav_row, flow.back)
        if flow.has_started:
            self._button(START_OVER_LABEL, nav_row, flow.start_over)

    def toggle_full(self) -> None:
        self.full = not self.full

    def _checklist_select(
        self, placeholder: str, row: int, marked: tuple[str, ...], mark: Callable[[list[str]], None]
    ) -> None:
        """One of a checklist's two menus: label and first clause per item, marks kept as defaults."""
        options = [
            discord.SelectOption(
                label=clip(rule.label, _SELECT_LABEL_LIMIT),
                value=rule.id,
                description=clip(rule.brief, _SELECT_LABEL_LIMIT),
                default=rule.id in marked,
            )
            for rule in self.flow.questions
        ]
        self._select(placeholder, options, mark, row=row, min_values=0)

    def _button(
        self,
        label: str,
        row: int,
        apply: Callable[[], None],
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        button: discord.ui.Button[TriageView] = discord.ui.Button(
            label=clip(label, 80),
            custom_id=self.custom_id(),
            style=style,
            row=row,
            disabled=disabled,
        )

        async def pressed(interaction: discord.Interaction[Any]) -> None:
            await self.apply(interaction, apply)

        button.callback = pressed  # type: ignore[method-assign]
        self.add_item(button)

    def _select(
        self,
        placeholder: str,
        options: list[discord.SelectOption],
        apply: Callable[[list[str]], None],
        *,
        row: int = 0,
        min_values: int = 1,
    ) -> None:
        select: discord.ui.Select[TriageView] = discord.ui.Select(
            custom_id=self.custom_id(),
            placeholder=clip(placeholder, 150),
            min_values=min_values,
            max_values=len(options),
            options=options,
            row=row,
        )

        async def picked(interaction: discord.Interaction[Any]) -> None:
            await self.apply(interaction, lambda: apply(list(select.values)))

        select.callback = picked  # type: ignore[method-assign]
        self.add_item(select)

    # -- screens ----------------------------------------------------------------------------

    def embeds(self) -> list[discord.Embed]:
        step = step_embed(self.flow, full=self.full)
        if self.flow.shows_intro:
            return [intro_embed(self.flow, self.care), step]
        return [step]

    async def apply(self, interaction: discord.Interaction[Any], action: Callable[[], None]) -> None:
        """Run one press through the flow and show where it leads."""
        self._last = interaction
        # A press that no longer fits the screen (it raced another one) just shows the current screen.
        with contextlib.suppress(FlowError):
            action()
        if self.flow.is_done:
            await self.finish(interaction)
            return
        self.build()
        await interaction.response.edit_message(
            content=None, embeds=self.embeds(), view=self, allowed_mentions=NO_MENTIONS
        )

    async def finish(self, interaction: discord.Interaction[Any]) -> None:
        """Show the outcome, then close the check and let go of the answers."""
        care = self.care
        outcome = self.flow.outcome(
            emergency_number=care.emergency_number,
            clinician_text=care.clinician_text,
            clinician_url=care.clinician_url,
        )
        self.close()
        await interaction.response.edit_message(
            content=None, embeds=[outcome_embed(outcome)], view=None, allowed_mentions=NO_MENTIONS
        )

    def close(self) -> None:
        self.stop()
        self.cog.forget(self)
        self.flow.start_over()

    # -- discord.py hooks -------------------------------------------------------------------

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        self.cog.claim(interaction.id)
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS_TEXT, ephemeral=True)
            return False
        return True

    async def on_timeout(self) -> None:
        embed = ended_embed(self.flow, self.care)
        self.close()
        try:
            if self._last is not None:
                await self._last.edit_original_response(content=None, embeds=[embed], view=None)
            elif self.message is not None:
                await self.message.edit(content=None, embeds=[embed], view=None)
        except discord.HTTPException:
            log.info("Could not close an idle /shouldistop message")


# -- presses that no open check handles ---------------------------------------------------------


class EndedTriageItem(discord.ui.DynamicItem[discord.ui.Item[Any]], template=ids.TRIAGE_ANY_PATTERN):
    """Answers any triage component no open check claims, so an old button never fails.

    discord.py offers every press to both the open views and the dynamic items, so this
    steps aside for a press the open check's view is handling.
    """

    def __init__(self, item: discord.ui.Item[Any], *, owner_id: int | None = None, token: str = "") -> None:
        super().__init__(item)
        self.owner_id = owner_id
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> EndedTriageItem:
        owner, _, rest = str(match["rest"]).partition(":")
        token = rest.partition(":")[0]
        return cls(item, owner_id=int(owner) if owner.isdigit() else None, token=token)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        cog = triage_cog(interaction.client)
        return cog is None or not cog.handled_live(interaction.id, self.token, self.custom_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async def answer() -> None:
            cog = triage_cog(interaction.client)
            if self.owner_id is not None and interaction.user.id != self.owner_id:
                await interaction.response.send_message(NOT_YOURS_TEXT, ephemeral=True)
            elif cog is not None and self.token in cog.flows:
                # A second press on a screen the check has already moved past.
                await interaction.response.defer()
            else:
                await interaction.response.edit_message(
                    content=ENDED_TEXT, embeds=[], view=None, allowed_mentions=NO_MENTIONS
                )

        await run_component(interaction, answer)


# -- the cog -----------------------------------------------------------------------------------


class TriageCog(commands.Cog, name=COG_NAME):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot
        #: Open checks by flow token; only in memory, gone with a restart.
        self.flows: dict[str, TriageView] = {}
        self._claimed: deque[int] = deque(maxlen=256)

    async def cog_unload(self) -> None:
        for view in list(self.flows.values()):
            view.close()

    def forget(self, view: TriageView) -> None:
        self.flows.pop(view.token, None)

    def claim(self, interaction_id: int) -> None:
        """Note a press an open check's view has taken, so the dynamic item stays out of it."""
        self._claimed.append(interaction_id)

    def handled_live(self, interaction_id: int, token: str, custom_id: str) -> bool:
        if interaction_id in self._claimed:
            return True
        view = self.flows.get(token)
        return view is not None and view.has_component(custom_id)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Acknowledge a press on a component the message no longer has (a fast double press).

        discord.py hands such a press to neither the view nor a dynamic item, and an
        unanswered press shows the member an error.
        """
        if interaction.type is not discord.InteractionType.component or interaction.message is None:
            return
        data = cast("dict[str, Any]", interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith(ids.TRIAGE_PREFIX):
            return
        shown = {
            getattr(child, "custom_id", None)
            for row in interaction.message.components
            for child in getattr(row, "children", [row])
        }
        if custom_id not in shown and not interaction.response.is_done():
            await interaction.response.defer()

    async def care_details(self, interaction: discord.Interaction[Any], guild_id: int | None) -> CareDetails:
        """The server whose settings apply: the given one, this server, else the member's last."""
        gid = guild_id if guild_id is not None else interaction.guild_id
        if gid is None:
            gid = (await self.bot.services.members.get(interaction.user.id)).last_guild_id
        if gid is None:
            return CareDetails()
        config = await self.bot.services.guilds.get(gid)
        return CareDetails(config.emergency_number, config.clinician_text, config.clinician_url)

    async def start(
        self, interaction: discord.Interaction[Any], *, hours_hint: float | None, guild_id: int | None
    ) -> None:
        ephemeral = interaction.guild_id is not None
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        care = await self.care_details(interaction, guild_id)
        flow = TriageFlow(self.bot.triage_rules, hours_hint=_usable_hint(hours_hint))
        view = TriageView(self, flow, owner_id=interaction.user.id, care=care)
        self.flows[view.token] = view
        try:
            view.message = await interaction.followup.send(
                embeds=view.embeds(), view=view, ephemeral=ephemeral, wait=True, allowed_mentions=NO_MENTIONS
            )
        except BaseException:
            view.close()
            raise

    @app_commands.command(
        name="shouldistop", description="Pain or a symptom during or after exercise? Check whether to stop"
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def shouldistop(self, interaction: discord.Interaction[RepmateBot]) -> None:
        await self.start(interaction, hours_hint=None, guild_id=None)


def triage_cog(client: discord.Client) -> TriageCog | None:
    """The loaded triage cog, found by name.

    Not by class: loading an extension executes its module afresh, so a module that
    imported this one earlier (to call :func:`start_triage`) holds a different class object.
    """
    cog = client.get_cog(COG_NAME) if isinstance(client, commands.Bot) else None
    return cast("TriageCog", cog) if cog is not None and hasattr(cog, "flows") else None


def _usable_hint(hours: float | None) -> float | None:
    """A hint the engine can use, else None so the member is asked instead (never a guess)."""
    if hours is None or isinstance(hours, bool):
        return None
    try:
        value = float(hours)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        log.warning("Ignoring an unusable hours hint for /shouldistop; the member will be asked")
        return None
    return value


async def start_triage(
    interaction: discord.Interaction[Any], *, hours_hint: float | None, guild_id: int | None
) -> None:
    """Open the `/shouldistop` check in answer to ``interaction`` (a button elsewhere, say).

    ``hours_hint`` is the hours since the workout if known (the time question is then
    skipped); ``guild_id`` is the server whose emergency number and clinician apply (None:
    this server, else the member's last one). The check is ephemeral in a server and a
    normal message in DMs. If the interaction is not yet acknowledged this defers it.
    """
    cog = triage_cog(interaction.client)
    if cog is None:
        raise RuntimeError("The cogs.triage extension is not loaded")
    await cog.start(interaction, hours_hint=hours_hint, guild_id=guild_id)


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(TriageCog(bot))
    bot.add_dynamic_items(EndedTriageItem)


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(EndedTriageItem)
