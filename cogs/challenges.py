"""/challenge: create, join, leave, list, log, leaderboard and end challenges (SPEC §6).

A challenge is announced in the server's challenges channel when it starts, with a
persistent ``Join`` button (``repmate:challenge:join:<id>``), and when it ends one
results post goes there: the podium (ties share a step) and every participant's best.
Both posts are deliveries of kinds ``challenge_start`` and ``challenge_end``, so the
delivery engine sends each exactly once, late if the bot was down. After the results
are posted the announcement's button is switched off.

Also home of the timer's ``Log result`` button (``repmate:challenge:log-timer:<id>``),
which logs to a running challenge the presser joined (asking which one if several).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.durations import format_clock
from bot.domain.intervals import PRESETS
from bot.domain.scoring import ScoringKind, scoring_summary
from bot.domain.text import inline_code
from bot.errors import UserFacingError
from bot.runtime.kinds import Delivery, Outgoing, Settled
from bot.services.challenges import (
    END_KIND,
    NAME_MAX,
    START_KIND,
    Actor,
    Challenge,
    ChallengeService,
    Ended,
)
from bot.ui import (
    RepmateModal,
    RepmateView,
    clip,
    configured_channel,
    discord_time,
    reply,
    run_component,
)
from cogs import ids
from cogs.challenge_embeds import (
    announcement_embed,
    created_text,
    join_view,
    leaderboard_embed,
    logged_text,
    overview_embed,
    results_embed,
)

Interaction = discord.Interaction[RepmateBot]

SCORING_CHOICES = [
    app_commands.Choice(name="Total reps (most wins)", value=ScoringKind.REPS.value),
    app_commands.Choice(name="Rounds completed (most wins)", value=ScoringKind.ROUNDS.value),
    app_commands.Choice(name="Rounds + reps, e.g. 7+12 (most wins)", value=ScoringKind.ROUNDS_REPS.value),
    app_commands.Choice(name="Time, e.g. 18:32 (fastest wins)", value=ScoringKind.TIME.value),
    app_commands.Choice(name="Sessions completed (most wins)", value=ScoringKind.SESSIONS.value),
    app_commands.Choice(
        name="sessions-per-week: weeks meeting a target (most wins)",
        value=ScoringKind.SESSIONS_PER_WEEK.value,
    ),
]


# -- logging a result from a form -------------------------------------------------------------------


class ResultModal(RepmateModal):
    """One text box: the result, checked against the challenge's scoring when submitted."""

    def __init__(self, challenge: Challenge, *, default: str | None = None) -> None:
        super().__init__(title=clip(f"Log: {challenge.name}", 45), timeout=15 * 60)
        self.challenge_id = challenge.id
        optional = challenge.scoring is ScoringKind.SESSIONS
        self.result: discord.ui.TextInput[ResultModal] = discord.ui.TextInput(
            label="Result" + (" (empty = 1 session)" if optional else ""),
            custom_id="challenge-result",
            placeholder=f"e.g. {challenge.example_result}",
            required=not optional,
            max_length=30,
            default=default,
        )
        self.add_item(self.result)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = interaction.client
        logged = await bot.services.challenges.log_by_id(
            self.challenge_id, interaction.user.id, self.result.value
        )
        await reply(interaction, logged_text(logged))


def prefill(challenge: Challenge, timer: Any) -> str | None:
    """A stopped timer's time is a for-time result waiting to be logged."""
    if challenge.scoring is not ScoringKind.TIME or timer is None or timer.status != "stopped":
        return None
    elapsed = timer.final_elapsed_s or 0
    return format_clock(round(elapsed)) if elapsed >= 1 else None


class PickChallengeView(RepmateView):
    """Which challenge to log to, when the member is in several that are running."""

    def __init__(self, owner_id: int, challenges: Sequence[Challenge], timer: Any) -> None:
        super().__init__(timeout=10 * 60)
        self.owner_id = owner_id
        self.challenges = {c.id: c for c in challenges}
        self.timer = timer
        select: discord.ui.Select[PickChallengeView] = discord.ui.Select(
            custom_id="challenge-pick",
            placeholder="Choose the challenge",
            options=[
                discord.SelectOption(
                    label=clip(c.name, 100),
                    value=str(c.id),
                    description=clip(f"{c.program.title} · {scoring_summary(c.scoring)}", 100),
                )
                for c in list(challenges)[:25]
            ],
        )
        select.callback = self.picked  # type: ignore[method-assign, assignment]
        self.select = select
        self.add_item(select)

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await reply(interaction, "This menu belongs to whoever pressed the button.")
            return False
        return True

    async def picked(self, interaction: Interaction) -> None:
        challenge = self.challenges[int(self.select.values[0])]
        await interaction.response.send_modal(ResultModal(challenge, default=prefill(challenge, self.timer)))


class LogToChallengeView(RepmateView):
    """The one challenge a finished timer's result can go to: its button opens the result form."""

    def __init__(self, owner_id: int, challenge: Challenge, timer: Any) -> None:
        super().__init__(timeout=10 * 60)
        self.owner_id = owner_id
        self.challenge = challenge
        self.timer = timer
        button: discord.ui.Button[LogToChallengeView] = discord.ui.Button(
            label=clip(f"Log to {challenge.name}", 80),
            custom_id="challenge-log-to",
            style=discord.ButtonStyle.primary,
        )
        button.callback = self.open  # type: ignore[method-assign, assignment]
        self.add_item(button)

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await reply(interaction, "This button belongs to whoever pressed Log result.")
            return False
        return True

    async def open(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(
            ResultModal(self.challenge, default=prefill(self.challenge, self.timer))
        )


# -- persistent buttons -----------------------------------------------------------------------------


class JoinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.CHALLENGE_JOIN_PATTERN,
):
    """``Join`` on a challenge announcement, for whoever presses it."""

    def __init__(self, challenge_id: int) -> None:
        super().__init__(discord.ui.Button(label="Join", custom_id=ids.challenge_join(challenge_id)))
        self.challenge_id = challenge_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> JoinButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._join(interaction))

    async def _join(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = interaction.client
        joined = await bot.services.challenges.join_by_id(self.challenge_id, interaction.user.id)
        await reply(interaction, joined_text(joined.challenge, joined.already))


def joined_text(challenge: Challenge, already: bool) -> str:
    if already:
        return f"You've already joined {inline_code(challenge.name)}. Log a result with " + inline_code(
            f"/challenge log name:{challenge.name} result:{challenge.example_result}"
        )
    return (
        f"You're in {inline_code(challenge.name)}! Do the workout, then log your result with "
        + inline_code(f"/challenge log name:{challenge.name} result:{challenge.example_result}")
        + f" (results count until {discord_time(challenge.ends_at, 'f')})."
    )


class LogFromTimerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.LOG_FROM_TIMER_PATTERN,
):
    """``Log result`` on a finished timer: log to a running challenge the presser joined."""

    def __init__(self, timer_id: int) -> None:
        super().__init__(discord.ui.Button(label="Log result", custom_id=ids.log_from_timer(timer_id)))
        self.timer_id = timer_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> LogFromTimerButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._offer(interaction))

    async def _offer(self, interaction: Interaction) -> None:
        bot = interaction.client
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        # Finding the challenges takes the database; a modal can't follow a deferral, so the
        # member is answered first and the modal opens from the button or menu in that answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        timer = await bot.services.intervals.find(self.timer_id)
        found = await bot.services.challenges.loggable(
            interaction.guild_id, interaction.user.id, program=timer.notation if timer else None
        )
        if not found:
            raise UserFacingError(
                "You haven't joined a challenge that's running in this server, so there's nothing to log "
                "this to. Join one first, then press the button again.",
                example="`/challenge list` shows the challenges you can join",
            )
        if len(found) == 1:
            await reply(
                interaction,
                f"Log this timer's result to {inline_code(found[0].name)}?",
                view=LogToChallengeView(interaction.user.id, found[0], timer),
            )
            return
        await reply(
            interaction,
            "You're in several challenges; which one is this result for?",
            view=PickChallengeView(interaction.user.id, found, timer),
        )


# -- the cog ----------------------------------------------------------------------------------------


def _guild(interaction: Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild


def _actor(interaction: Interaction) -> Actor:
    user = interaction.user
    roles = frozenset(r.id for r in user.roles) if isinstance(user, discord.Member) else frozenset()
    return Actor(user.id, is_admin=interaction.permissions.manage_guild, role_ids=roles)


@app_commands.guild_only()
class ChallengesCog(
    commands.GroupCog,
    group_name="challenge",
    group_description="Interval-workout challenges and leaderboards",
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ChallengeService:
        return self.bot.services.challenges

    # -- announcements (delivery kinds) ----------------------------------------------------------

    async def render_start(self, delivery: Delivery, late: bool) -> Outgoing | None:
        challenge = await self.service.to_announce(int(delivery.payload["challenge_id"]))
        if challenge is None:
            return None
        return Outgoing(embed=announcement_embed(challenge, late=late), view=join_view(challenge.id))

    async def render_end(self, delivery: Delivery, late: bool) -> Outgoing | None:
        results = await self.service.results(int(delivery.payload["challenge_id"]))
        if results is None:
            return None
        return Outgoing(embed=results_embed(results, late=late))

    async def ended(self, settled: Settled) -> None:
        """Results are out (the service has remembered the post): switch the announcement's Join
        button off."""
        if not settled.sent:
            return
        challenge = await self.service.get(int(settled.delivery.payload["challenge_id"]))
        if challenge is None or challenge.announce_message_id is None:
            return
        message = self.bot.get_partial_messageable(challenge.channel_id, guild_id=challenge.guild_id)
        await self.bot.pacer.acquire()
        # A deleted or unreachable announcement is fine: the results post stands on its own.
        with contextlib.suppress(discord.HTTPException):
            await message.get_partial_message(challenge.announce_message_id).edit(
                view=join_view(challenge.id, ended=True)
            )

    # -- creating and ending ---------------------------------------------------------------------

    @app_commands.command(name="create", description="Create a challenge (admins and coaches)")
    @app_commands.describe(
        name="A name members will type, unique in this server (≤60 characters)",
        program="Interval notation, e.g. tabata, emom 10, amrap 12, fortime cap 20, 5x(40s on, 20s off)",
        start="YYYY-MM-DD HH:MM in your time zone, or now",
        end="YYYY-MM-DD HH:MM in your time zone (at most 90 days after the start)",
        scoring="How results are compared (default: follows the program)",
        weekly_target="For sessions-per-week: sessions a week that count a week as met (1 to 14)",
    )
    @app_commands.choices(scoring=SCORING_CHOICES)
    @app_commands.rename(weekly_target="weekly-target")
    async def create(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        program: app_commands.Range[str, 1, 300],
        start: app_commands.Range[str, 1, 40],
        end: app_commands.Range[str, 1, 40],
        scoring: app_commands.Choice[str] | None = None,
        weekly_target: int | None = None,
    ) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = _actor(interaction)
        await self.service.ensure_can_create(guild.id, actor)
        channel = await self._challenges_channel(guild)
        challenge = await self.service.create(
            guild.id,
            actor,
            channel_id=channel.id,
            name=name,
            program=program,
            start=start,
            end=end,
            scoring=scoring.value if scoring is not None else None,
            weekly_target=weekly_target,
        )
        await reply(interaction, created_text(challenge, channel.id, self.bot.clock.now()))

    @create.autocomplete("program")
    async def program_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.casefold().strip()
        return [
            app_commands.Choice(name=clip(f"{p.notation} — {p.structure}", 100), value=p.notation)
            for p in PRESETS
            if not typed or typed in p.notation
        ]

    async def _challenges_channel(self, guild: discord.Guild) -> discord.TextChannel:
        config = await self.bot.services.guilds.get(guild.id)
        return configured_channel(
            guild, config.challenges_channel_id, what="challenges", consequence="nothing was created"
        )

    @app_commands.command(
        name="end", description="End a challenge now and post its results (creator or admin)"
    )
    @app_commands.describe(name="The challenge to end")
    async def end(self, interaction: Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome: Ended = await self.service.end(guild.id, _actor(interaction), name)
        challenge = outcome.challenge
        if outcome.cancelled:
            text = f"{inline_code(challenge.name)} hadn't started, so it was removed and won't be announced."
        else:
            where = f"<#{challenge.channel_id}>"
            text = f"Ended {inline_code(challenge.name)}. Its results are on their way to {where}."
        await reply(interaction, text)

    # -- taking part -----------------------------------------------------------------------------

    @app_commands.command(name="join", description="Join a challenge")
    @app_commands.describe(name="The challenge to join")
    async def join(self, interaction: Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        joined = await self.service.join(guild.id, interaction.user.id, name)
        await reply(interaction, joined_text(joined.challenge, joined.already))

    @app_commands.command(name="leave", description="Leave a challenge (your results in it are removed)")
    @app_commands.describe(name="A challenge you joined")
    async def leave(self, interaction: Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        left = await self.service.leave(guild.id, interaction.user.id, name)
        removed = left.entries_removed
        note = (
            f" Your {removed} logged result{'s were' if removed != 1 else ' was'} removed." if removed else ""
        )
        await reply(interaction, f"You left {inline_code(left.challenge.name)}.{note}")

    @app_commands.command(name="list", description="Challenges in this server: running, upcoming, just ended")
    async def list_(self, interaction: Interaction) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        overview = await self.service.overview(guild.id, interaction.user.id)
        await reply(interaction, embed=overview_embed(overview))

    @app_commands.command(name="log", description="Log a result for a challenge you joined")
    @app_commands.describe(
        name="A running challenge you joined",
        result="e.g. 124 (reps) · 8 (rounds) · 7+12 (AMRAP) · 18:32 (for time); empty logs 1 session",
    )
    async def log(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        result: app_commands.Range[str, 1, 30] | None = None,
    ) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        logged = await self.service.log(guild.id, interaction.user.id, name, result)
        await reply(interaction, logged_text(logged))

    @app_commands.command(name="leaderboard", description="The standings of a challenge, and your place")
    @app_commands.describe(name="The challenge")
    async def leaderboard(self, interaction: Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        board = await self.service.leaderboard(guild.id, name, interaction.user.id)
        await reply(interaction, embed=leaderboard_embed(board, interaction.user.id, self.bot.clock.now()))

    # -- name autocomplete -----------------------------------------------------------------------

    async def _names(
        self, interaction: Interaction, current: str, **scope: Any
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        names = await self.service.names(interaction.guild_id, current, **scope)
        return [app_commands.Choice(name=clip(n, 100), value=n[:NAME_MAX]) for n in names]

    @join.autocomplete("name")
    async def join_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, scope="open")

    @end.autocomplete("name")
    async def end_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, scope="open")

    @leave.autocomplete("name")
    async def leave_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, scope="open", joined_by=interaction.user.id)

    @log.autocomplete("name")
    async def log_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, scope="running", joined_by=interaction.user.id)

    @leaderboard.autocomplete("name")
    async def board_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current)


async def setup(bot: RepmateBot) -> None:
    cog = ChallengesCog(bot)
    bot.runtime.renderers.add(START_KIND, cog.render_start)
    bot.runtime.renderers.add(END_KIND, cog.render_end, after=cog.ended)
    bot.add_dynamic_items(JoinButton, LogFromTimerButton)
    await bot.add_cog(cog)


async def teardown(bot: RepmateBot) -> None:
    bot.runtime.renderers.remove(START_KIND)
    bot.runtime.renderers.remove(END_KIND)
    bot.remove_dynamic_items(JoinButton, LogFromTimerButton)
