"""/session: scheduled classes and group runs (issue 21).

This adapter makes the Discord scheduled event (before anything is stored: if Discord
refuses, nothing is), posts the announcement with its persistent `I'm in` / `Can't make
it` buttons, hears Discord's Interested and members' voice states, and says how the
session's deliveries look: the reminder DM, the start post (the live interval timer,
when the session has an interval program), the recap with `I was there`, the
cancellation DM and the creator's one note when cues could not play in voice.
The rules live in :mod:`bot.services.sessions`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.sessions import cue_schedule
from bot.domain.text import plural
from bot.errors import UserFacingError
from bot.runtime.kinds import Delivery, Outgoing, Settled
from bot.runtime.voice import Connector, CueRunner, DiscordConnector, VoiceUnavailable
from bot.services.challenges import Actor
from bot.services.intervals import Timer
from bot.services.sessions import (
    CANCELLED_KIND,
    END_KIND,
    REMINDER_KIND,
    START_KIND,
    VOICE_NOTE_KIND,
    ChannelKind,
    Recap,
    Session,
    SessionService,
)
from bot.ui import (
    COLOUR,
    COLOUR_MUTED,
    NO_MENTIONS,
    POST_PERMISSIONS,
    clip,
    discord_time,
    jump_view,
    reply,
    run_component,
)
from cogs import ids
from cogs.intervals import timer_message

log = logging.getLogger(__name__)

Interaction = discord.Interaction[RepmateBot]

#: Attendees named in a recap before "and N more".
RECAP_NAMES = 40


def _actor(interaction: Interaction) -> Actor:
    user = interaction.user
    roles = frozenset(r.id for r in user.roles) if isinstance(user, discord.Member) else frozenset()
    return Actor(user.id, is_admin=interaction.permissions.manage_guild, role_ids=roles)


def _channel_kind(channel: Any) -> ChannelKind | None:
    if channel is None:
        return None
    if channel.type == discord.ChannelType.voice:
        return "voice"
    if channel.type == discord.ChannelType.stage_voice:
        return "stage"
    return "other"


# -- rendering --------------------------------------------------------------------------------------


def _where(session: Session) -> str:
    if session.voice_channel_id is not None:
        return f"<#{session.voice_channel_id}>"
    if session.location:
        return discord.utils.escape_markdown(session.location)
    return f"<#{session.text_channel_id}>"


def announcement_embed(session: Session) -> discord.Embed:
    lines = [
        f"**When:** {discord_time(session.starts_at, 'F')} ({discord_time(session.starts_at, 'R')})"
        + (" · every week" if session.weekly else ""),
        f"**Length:** {session.length_text}",
        f"**Where:** {_where(session)}",
    ]
    if session.program_text:
        lines.append(f"**Program:** `{clip(session.program_text, 200)}`")
    lines.append(f"**Coach:** <@{session.creator_id}>")
    lines.append("")
    lines.append(
        "Press **I'm in** for a reminder 30 minutes before (Discord's **Interested** works too). "
        "Attendance logs itself: half the session in the voice channel, or **I was there** afterwards."
    )
    embed = discord.Embed(title=f"📅 {clip(session.name, 200)}", description="\n".join(lines), colour=COLOUR)
    embed.set_footer(text=f"Session {session.id} · /session list shows who's in so far")
    return embed


def rsvp_view(session_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="I'm in", style=discord.ButtonStyle.success, custom_id=ids.session_rsvp("in", session_id)
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Can't make it",
            style=discord.ButtonStyle.secondary,
            custom_id=ids.session_rsvp("out", session_id),
        )
    )
    view.stop()
    return view


def there_view(session_id: int, seq: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="I was there",
            style=discord.ButtonStyle.primary,
            custom_id=ids.session_there(session_id, seq),
        )
    )
    view.stop()
    return view


def recap_embed(recap: Recap, *, late: bool = False) -> discord.Embed:
    session = recap.session
    names = [f"<@{a.user_id}>" for a in recap.attendees]
    shown = names[:RECAP_NAMES]
    more = len(names) - len(shown)
    who = ", ".join(shown) + (f" and {more} more" if more else "") if names else "Nobody was counted yet."
    lines = [
        f"{discord_time(recap.starts_at, 'f')} · {session.length_text}",
        f"**Attended ({len(names)}):** {who}",
        "",
        "Trained with us but not counted? Press **I was there** within two hours of the end; "
        "it logs the session as a workout for you.",
    ]
    for board in recap.challenges:
        standings = " · ".join(f"{p.rank}. <@{p.user_id}> {p.display}" for p in board.top) or "no results yet"
        lines.append(
            f"**{clip(board.challenge.name, 80)}** (challenge, {plural(board.participants, 'member')}): "
            f"{standings}. Press **Log result** on the timer to add yours."
        )
    if late:
        lines.append("_(Posted late: I was offline when the session ended.)_")
    return discord.Embed(
        title=f"✅ {clip(session.name, 200)} — recap", description="\n".join(lines), colour=COLOUR
    )


def start_text(session: Session) -> str:
    return f"**{discord.utils.escape_markdown(session.name)}** is starting now!"


# -- persistent buttons -----------------------------------------------------------------------------


class RsvpButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.SESSION_RSVP_PATTERN):
    """`I'm in` / `Can't make it` on an announcement: only for the member pressing it."""

    def __init__(self, action: str, session_id: int) -> None:
        super().__init__(discord.ui.Button(label=action, custom_id=ids.session_rsvp(action, session_id)))
        self.action = action
        self.session_id = session_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        cog = interaction.client.get_cog(SessionsCog.__cog_name__)
        assert isinstance(cog, SessionsCog)
        await run_component(interaction, lambda: cog.rsvp(interaction, self.session_id, self.action == "in"))


class ThereButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.SESSION_THERE_PATTERN):
    """`I was there` on a recap."""

    def __init__(self, session_id: int, seq: int) -> None:
        super().__init__(discord.ui.Button(label="I was there", custom_id=ids.session_there(session_id, seq)))
        self.session_id = session_id
        self.seq = seq

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> ThereButton:
        return cls(int(match["id"]), int(match["seq"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        cog = interaction.client.get_cog(SessionsCog.__cog_name__)
        assert isinstance(cog, SessionsCog)
        await run_component(interaction, lambda: cog.there(interaction, self.session_id, self.seq))


# -- the cog ----------------------------------------------------------------------------------------


@app_commands.guild_only()
class SessionsCog(
    commands.GroupCog, group_name="session", group_description="Scheduled classes and group runs"
):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot
        #: How the bot joins voice; tests put a recording stand-in here.
        self.connector: Connector = DiscordConnector(bot)
        self.cues = CueRunner(clock=bot.clock.now, spawn=bot.runtime.spawn)
        self._parsers: dict[str, Callable[[Any], None]] = {}

    @property
    def service(self) -> SessionService:
        return self.bot.services.sessions

    async def cog_load(self) -> None:
        renderers = self.bot.runtime.renderers
        renderers.add(REMINDER_KIND, self.render_reminder)
        renderers.add(START_KIND, self.render_start, after=self.after_start)
        renderers.add(END_KIND, self.render_end, after=self.after_end)
        renderers.add(CANCELLED_KIND, self.render_cancelled)
        renderers.add(VOICE_NOTE_KIND, self.render_voice_note)
        self._hear_interested()

    async def cog_unload(self) -> None:
        for kind in (REMINDER_KIND, START_KIND, END_KIND, CANCELLED_KIND, VOICE_NOTE_KIND):
            self.bot.runtime.renderers.remove(kind)
        state = self.bot._connection
        for name, original in self._parsers.items():
            state.parsers[name] = original
        self._parsers.clear()
        await self.cues.stop()

    def _hear_interested(self) -> None:
        """Interested arrives as GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE. discord.py drops those whose
        user is not in its cache (the members intent is off, so most aren't), so the ids are read
        from the raw event, before the library's own handling, which then runs unchanged."""
        state = self.bot._connection
        for name, on in (
            ("GUILD_SCHEDULED_EVENT_USER_ADD", True),
            ("GUILD_SCHEDULED_EVENT_USER_REMOVE", False),
        ):
            original = state.parsers.get(name)
            if original is None or name in self._parsers:
                continue
            self._parsers[name] = original

            def parser(data: Any, *, _original: Callable[[Any], None] = original, _on: bool = on) -> None:
                self.bot.runtime.spawn(self._interested(data, _on), name="session-interested")
                _original(data)

            state.parsers[name] = parser

    async def _interested(self, data: Any, on: bool) -> None:
        await self.service.interested(
            int(data["guild_id"]), int(data["guild_scheduled_event_id"]), int(data["user_id"]), on=on
        )

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot:
            return
        before_id = before.channel.id if before.channel is not None else None
        after_id = after.channel.id if after.channel is not None else None
        await self.service.voice_moved(member.guild.id, member.id, before_id, after_id)

    # -- commands --------------------------------------------------------------------------------

    @app_commands.command(name="schedule", description="Schedule a class or group run (admins and coaches)")
    @app_commands.describe(
        name="What members see, e.g. Saturday Run Club",
        start="YYYY-MM-DD HH:MM in your time zone",
        duration="e.g. 45m or 1h30m (default 1h, at most 6h)",
        program="Interval notation (tabata, emom 10…) or one of your routines",
        channel="The voice or stage channel the session meets in",
        location="For outdoor runs: where to meet",
        repeat="weekly: same local time every week",
    )
    async def schedule(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        duration: app_commands.Range[str, 1, 20] | None = None,
        program: app_commands.Range[str, 1, 300] | None = None,
        channel: discord.abc.GuildChannel | None = None,
        location: app_commands.Range[str, 1, 200] | None = None,
        repeat: Literal["weekly"] | None = None,
    ) -> None:
        guild = interaction.guild
        text_channel = interaction.channel
        if guild is None or text_channel is None:
            raise app_commands.NoPrivateMessage()
        missing = [
            label
            for attr, label in POST_PERMISSIONS.items()
            if not getattr(interaction.app_permissions, attr)
        ]
        if missing:
            raise UserFacingError(
                f"I can't announce a session here: I'm missing **{', '.join(missing)}** in this channel. "
                "Nothing was created.",
                example="`/session schedule` in a channel where I can post",
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        draft = await self.service.prepare(
            guild.id,
            _actor(interaction),
            name=name,
            start=start,
            duration=duration,
            program=program,
            voice_channel_id=channel.id if channel is not None else None,
            voice_kind=_channel_kind(channel),
            location=location,
            weekly=repeat == "weekly",
        )
        # Discord's event first: if Discord refuses it, nothing has been stored.
        try:
            await self.bot.pacer.acquire()
            event = await self._create_event(guild, draft, text_channel)
        except discord.HTTPException as exc:
            raise UserFacingError(
                f"Discord refused to create the scheduled event ({exc.text or exc.status}), so nothing was "
                "saved. I need the **Manage Events** permission in this server.",
                example="ask an admin to give my role Manage Events, then run `/session schedule` again",
            ) from None
        session: Session | None = None
        try:
            session = await self.service.create(draft, text_channel_id=text_channel.id, event_id=event.id)
            await self.bot.pacer.acquire()
            message = await self.bot.get_partial_messageable(text_channel.id, guild_id=guild.id).send(
                embed=announcement_embed(session), view=rsvp_view(session.id), allowed_mentions=NO_MENTIONS
            )
        except BaseException:
            # Nothing half-created: without its announcement the session and its event go.
            if session is not None:
                await self.service.discard(session.id)
            try:
                await self.bot.pacer.acquire()
                await event.delete()
            except discord.HTTPException as exc:
                log.warning("Could not remove the event of a session that failed to post: %s", exc)
            raise
        await self.service.record_announcement(session.id, message.id)
        await reply(
            interaction,
            f"Scheduled **{discord.utils.escape_markdown(session.name)}** (session {session.id}) for "
            f"{discord_time(session.starts_at, 'F')}. It's in Discord's Events list too.",
            view=jump_view(message.jump_url, "Jump to announcement"),
        )

    async def _create_event(
        self, guild: discord.Guild, draft: Any, text_channel: Any
    ) -> discord.ScheduledEvent:
        common: dict[str, Any] = {
            "name": draft.name,
            "start_time": draft.starts_at,
            "end_time": draft.ends_at,
            "description": draft.description,
            "privacy_level": discord.PrivacyLevel.guild_only,
        }
        if draft.voice_channel_id is not None:
            channel = guild.get_channel(draft.voice_channel_id)
            kind = (
                discord.EntityType.stage_instance
                if isinstance(channel, discord.StageChannel)
                else discord.EntityType.voice
            )
            create: Any = guild.create_scheduled_event  # the overloads can't see a computed entity type
            event: discord.ScheduledEvent = await create(
                entity_type=kind, channel=discord.Object(draft.voice_channel_id), **common
            )
            return event
        location = draft.location or f"#{getattr(text_channel, 'name', 'the server')}"
        return await guild.create_scheduled_event(
            entity_type=discord.EntityType.external, location=location, **common
        )

    @app_commands.command(name="list", description="Upcoming classes and group runs here")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        upcoming = await self.service.upcoming(interaction.guild.id)
        if not upcoming:
            await reply(
                interaction,
                "No sessions coming up. Admins and coaches can schedule one with `/session schedule`.",
            )
            return
        lines = []
        for session, going in upcoming:
            lines.append(
                f"**{session.id}.** {discord.utils.escape_markdown(clip(session.name, 80))} — "
                f"{discord_time(session.starts_at, 'f')} ({session.length_text}"
                + (", weekly" if session.weekly else "")
                + f") · {plural(going, 'member')} in"
            )
        embed = discord.Embed(
            title="Upcoming sessions", description=clip("\n".join(lines), 4000), colour=COLOUR
        )
        await reply(interaction, embed=embed)

    @app_commands.command(name="cancel", description="Cancel a session; members who were in are told")
    @app_commands.describe(session="The session's number (see /session list)")
    async def cancel(self, interaction: Interaction, session: app_commands.Range[int, 1]) -> None:
        guild = interaction.guild
        assert guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await self.service.cancel(guild.id, _actor(interaction), session)
        cancelled = done.session
        if cancelled.event_id is not None:
            try:
                await self.bot.pacer.acquire()
                await self.bot.http.edit_scheduled_event(guild.id, cancelled.event_id, status=4)
            except discord.HTTPException as exc:
                log.warning("Could not cancel the Discord event of session %s: %s", cancelled.id, exc)
        if cancelled.announce_message_id is not None:
            try:
                await self.bot.pacer.acquire()
                await (
                    self.bot.get_partial_messageable(cancelled.text_channel_id, guild_id=guild.id)
                    .get_partial_message(cancelled.announce_message_id)
                    .edit(embed=self._cancelled_embed(cancelled), view=None)
                )
            except discord.HTTPException as exc:
                log.warning("Could not mark the announcement of session %s cancelled: %s", cancelled.id, exc)
        await reply(
            interaction,
            f"Cancelled **{discord.utils.escape_markdown(cancelled.name)}**. "
            + (
                f"I'll tell the {plural(done.told, 'member')} who were in."
                if done.told
                else "Nobody was in yet."
            ),
        )

    async def _session_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """Upcoming sessions here, by name; what was typed matches the number or the name."""
        if interaction.guild is None:
            return []
        typed = current.strip().casefold()
        choices = []
        for session, _ in await self.service.upcoming(interaction.guild.id):
            label = f"{session.id}. {session.name} — {session.starts_at:%Y-%m-%d %H:%M} UTC"
            if typed and typed not in label.casefold():
                continue
            choices.append(app_commands.Choice(name=clip(label, 100), value=session.id))
        return choices[:25]

    @cancel.autocomplete("session")
    async def cancel_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self._session_choices(interaction, current)

    @staticmethod
    def _cancelled_embed(session: Session) -> discord.Embed:
        return discord.Embed(
            title=f"❌ {clip(session.name, 200)} — cancelled",
            description=f"Was planned for {discord_time(session.starts_at, 'F')}.",
            colour=COLOUR_MUTED,
        )

    @app_commands.command(name="edit", description="Move a session or change its program")
    @app_commands.describe(
        session="The session's number (see /session list)",
        start="New start, YYYY-MM-DD HH:MM in your time zone",
        duration="New length, e.g. 45m",
        program="New program: interval notation or one of your routines",
    )
    async def edit(
        self,
        interaction: Interaction,
        session: app_commands.Range[int, 1],
        start: app_commands.Range[str, 1, 40] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
        program: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        draft = await self.service.prepare_edit(
            guild.id, _actor(interaction), session, start=start, duration=duration, program=program
        )
        old = draft.session
        if old.event_id is not None:
            try:
                await self.bot.pacer.acquire()
                await self.bot.http.edit_scheduled_event(
                    guild.id,
                    old.event_id,
                    scheduled_start_time=draft.starts_at.isoformat(),
                    scheduled_end_time=draft.ends_at.isoformat(),
                )
            except discord.HTTPException as exc:
                raise UserFacingError(
                    f"Discord refused to move the scheduled event ({exc.text or exc.status}), "
                    "so nothing changed.",
                    example=f"`/session edit session:{old.id} start:...` again in a moment",
                ) from None
        changed = await self.service.apply_edit(draft)
        if changed.announce_message_id is not None:
            try:
                await self.bot.pacer.acquire()
                await (
                    self.bot.get_partial_messageable(changed.text_channel_id, guild_id=guild.id)
                    .get_partial_message(changed.announce_message_id)
                    .edit(embed=announcement_embed(changed), view=rsvp_view(changed.id))
                )
            except discord.HTTPException as exc:
                log.warning("Could not update the announcement of session %s: %s", changed.id, exc)
        await reply(
            interaction,
            f"Updated **{discord.utils.escape_markdown(changed.name)}**: "
            f"{discord_time(changed.starts_at, 'F')}, {changed.length_text}"
            + (f", program `{clip(changed.program_text, 100)}`" if changed.program_text else "")
            + ". Members who are in get their reminder at the new time.",
        )

    @edit.autocomplete("session")
    async def edit_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self._session_choices(interaction, current)

    # -- buttons ---------------------------------------------------------------------------------

    async def rsvp(self, interaction: Interaction, session_id: int, going: bool) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.rsvp(session_id, interaction.user.id, going=going)
        name = discord.utils.escape_markdown(result.session.name)
        if going:
            when = f" I'll DM you {discord_time(result.reminder_at, 'R')}." if result.reminder_at else ""
            text = (
                f"You're in for **{name}**." if result.changed else f"You're already in for **{name}**."
            ) + when
        else:
            text = (
                f"Noted: you can't make **{name}**."
                if result.changed
                else f"You'd already said you can't make **{name}**."
            )
        await reply(interaction, text)

    async def there(self, interaction: Interaction, session_id: int, seq: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.i_was_there(session_id, seq, interaction.user.id)
        name = discord.utils.escape_markdown(result.session.name)
        if result.already:
            await reply(interaction, f"You're already counted for **{name}**; it's in your log.")
            return
        message = interaction.message
        if message is not None and not message.flags.ephemeral:
            recap = await self._recap_now(result.session, seq)
            if recap is not None:
                try:
                    await self.bot.pacer.acquire()
                    await message.edit(embed=recap_embed(recap))
                except discord.HTTPException as exc:
                    log.warning("Could not update the recap of session %s: %s", session_id, exc)
        await reply(
            interaction,
            f"Counted: **{name}** is logged as a workout. I'll check in on how you feel over the next days.",
        )

    async def _recap_now(self, session: Session, seq: int) -> Recap | None:
        attendees = await self.service.attendees(session.id, seq)
        if seq != session.seq:
            return None
        return Recap(session, seq, session.starts_at, session.ends_at, tuple(attendees), 0)

    # -- deliveries ------------------------------------------------------------------------------

    async def render_reminder(self, delivery: Delivery, late: bool) -> Outgoing | None:
        session = await self.service.reminder(delivery)
        if session is None:
            return None
        name = discord.utils.escape_markdown(session.name)
        text = (
            f"⏰ **{name}** starts {discord_time(session.starts_at, 'R')} "
            f"({discord_time(session.starts_at, 't')}) in {_where(session)}."
        )
        if session.program_text:
            text += f" Program: `{clip(session.program_text, 200)}`."
        if late:
            text += " _(Later than planned: I was offline.)_"
        return Outgoing(content=text)

    async def render_cancelled(self, delivery: Delivery, late: bool) -> Outgoing | None:
        session = await self.service.cancelled_notice(delivery)
        if session is None:
            return None
        name = discord.utils.escape_markdown(session.name)
        return Outgoing(
            content=(
                f"❌ **{name}** on {discord_time(session.starts_at, 'F')} "
                "was cancelled. No reminder will come for it."
            )
        )

    async def render_voice_note(self, delivery: Delivery, late: bool) -> Outgoing | None:
        session = await self.service.find(int(delivery.payload["session_id"]))
        if session is None:
            return None
        name = discord.utils.escape_markdown(session.name)
        return Outgoing(
            content=(
                f"🔇 **{name}**: I couldn't play the audio cues in voice because "
                f"{delivery.payload['reason']}. The timer ran in <#{session.text_channel_id}> as usual. "
                "I'll only tell you this once."
            )
        )

    async def render_start(self, delivery: Delivery, late: bool) -> Outgoing | None:
        begun = await self.service.begin(delivery)
        if begun is None:
            return None
        session, timer = begun
        if timer is not None:
            base = timer_message(timer, self.bot.services.intervals.state(timer))
            return Outgoing(
                content=start_text(session), embed=base.embed, view=base.view, allowed_mentions=NO_MENTIONS
            )
        lines = [f"Length: {session.length_text} · Where: {_where(session)}"]
        if session.routine_name:
            lines.append(f"Routine: **{discord.utils.escape_markdown(session.routine_name)}**")
        embed = discord.Embed(
            title=f"▶️ {clip(session.name, 200)}", description="\n".join(lines), colour=COLOUR
        )
        return Outgoing(content=start_text(session), embed=embed)

    async def after_start(self, settled: Settled) -> None:
        """The start post is out: the timer task takes over its message; voice joins if it can."""
        if not settled.sent:
            return
        session = await self.service.current(settled.delivery)
        if session is None:
            return
        if session.timer_id is not None:
            self.bot.runtime.timers.launch(session.timer_id)
        if session.voice_channel_id is None:
            return
        await self.service.already_in_voice(session, self._in_voice(session))
        if session.timer_id is None:
            return
        timer = await self.bot.services.intervals.find(session.timer_id)
        if timer is not None:
            # Joining voice can take seconds: not on the dispatcher's path, which has other posts to send.
            self.bot.runtime.spawn(self._play_cues(session, timer), name=f"session-voice-{session.id}")

    def _in_voice(self, session: Session) -> list[int]:
        guild = self.bot.get_guild(session.guild_id)
        channel = guild.get_channel(session.voice_channel_id or 0) if guild is not None else None
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return []
        me = self.bot.user.id if self.bot.user is not None else 0
        return [user_id for user_id in channel.voice_states if user_id != me]

    async def _play_cues(self, session: Session, timer: Timer) -> None:
        assert session.voice_channel_id is not None
        try:
            player = await self.connector.connect(session.guild_id, session.voice_channel_id)
        except VoiceUnavailable as exc:
            log.info("Session %s: no audio cues: %s", session.id, exc)
            await self.service.note_voice_problem(session, str(exc))
            return
        self.cues.launch(session.id, player, timer.started_at, cue_schedule(timer.phases))

    async def render_end(self, delivery: Delivery, late: bool) -> Outgoing | None:
        recap = await self.service.close(delivery)
        if recap is None:
            return None
        return Outgoing(embed=recap_embed(recap, late=late), view=there_view(recap.session.id, recap.seq))

    async def after_end(self, settled: Settled) -> None:
        """A weekly session moved on: Discord gets an event for the next one."""
        session = await self.service.find(int(settled.delivery.payload["session_id"]))
        if session is None or not session.weekly or session.seq == settled.delivery.payload.get("seq"):
            return
        guild = self.bot.get_guild(session.guild_id)
        if guild is None:
            return
        try:
            await self.bot.pacer.acquire()
            event = await self._create_event(
                guild, session_draft(session), self.bot.get_channel(session.text_channel_id)
            )
        except discord.HTTPException as exc:
            log.warning("Could not create the next Discord event of session %s: %s", session.id, exc)
            return
        await self.service.set_event(session.id, event.id)


def session_draft(session: Session) -> Any:
    """What :meth:`SessionsCog._create_event` reads, from a stored session."""
    from bot.services.sessions import Draft

    return Draft(
        guild_id=session.guild_id,
        creator_id=session.creator_id,
        name=session.name,
        starts_at=session.starts_at,
        duration_s=session.duration_s,
        zone=session.zone,
        program=session.program,
        routine_id=session.routine_id,
        routine_name=session.routine_name,
        voice_channel_id=session.voice_channel_id,
        location=session.location,
        weekly=session.weekly,
    )


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(RsvpButton, ThereButton)
    await bot.add_cog(SessionsCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(RsvpButton, ThereButton)
