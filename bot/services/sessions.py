"""Group sessions (issue 21): scheduled classes and group runs, RSVPs, reminders, attendance.

Creating one is two steps so that nothing is half-created: :meth:`SessionService.prepare`
checks everything the member typed and writes nothing; the adapter then asks Discord for
the scheduled event, and only once Discord has it does :meth:`SessionService.create` store
the session and schedule its posts. Editing works the same way (``prepare_edit`` →
Discord → ``apply_edit``).

Everything that happens by itself is a delivery (exactly once, paced, restart-safe):

* ``session_reminder`` — a DM 30 minutes before the start to each member who is in
  (`I'm in`, or Discord's Interested), outside their quiet hours unless the session is
  inside them; stale once the session has started;
* ``session_start`` — the post at the start (the live interval timer when the session
  has an interval program); stale once the session is over;
* ``session_end`` — the recap after the end: who attended, with an `I was there` button
  for two hours; a weekly session then moves to its next occurrence;
* ``session_cancelled`` — one DM to each member who was in, when a session is cancelled;
* ``session_voice_note`` — one DM to the creator when cues could not be played in voice.

Deliveries carry the session's ``version`` and ``seq``: an edited, cancelled or moved-on
session's old deliveries find nothing to send.

Attendance: at least half the session in its voice channel (spans from voice state
updates, measured with the clock), or `I was there` from the start until two hours after
the end. Either logs the session as a workout through :class:`WorkoutService`, so the
member's soreness check-ins are scheduled as for any workout; recording is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.db.repositories.deliveries import Delivery
from bot.db.repositories.sessions import (
    CANCELLED,
    ENDED,
    SCHEDULED,
    AttendanceRow,
    SessionRepo,
    SessionRow,
)
from bot.domain import localtime
from bot.domain import sessions as domain
from bot.domain.durations import format_duration
from bot.domain.intervals import IntervalNotationError, format_program, parse, total_seconds
from bot.domain.text import NameRules, clean_name, inline_code
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Settled
from bot.services.challenges import Actor, ChallengeService, Leaderboard
from bot.services.intervals import LEAD_IN_S, Timer, TimerService
from bot.services.routines import RoutineService
from bot.services.settings import GuildSettingsService, MemberSettingsService
from bot.services.workouts import WorkoutService

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

REMINDER_KIND = "session_reminder"
START_KIND = "session_start"
END_KIND = "session_end"
CANCELLED_KIND = "session_cancelled"
VOICE_NOTE_KIND = "session_voice_note"
KINDS = (REMINDER_KIND, START_KIND, END_KIND, CANCELLED_KIND, VOICE_NOTE_KIND)

NAME_MAX = 80
LOCATION_MAX = 100
NAME_RULES = NameRules("session", NAME_MAX, example="`Saturday Run Club`")
MAX_LEAD = timedelta(days=366)
#: A start posted late still leaves room for the 3-2-1 before the first phase.
COUNTDOWN_ROOM_S = 5
EXAMPLE = "`/session schedule name:Saturday Run start:2026-12-05 08:00 duration:45m program:tabata`"

ChannelKind = Literal["voice", "stage", "other"]


def _example_start(now: datetime, zone: ZoneInfo) -> str:
    return domain.example_start(now, zone)


def _parse_start(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    try:
        return domain.parse_start(text, zone)
    except domain.SessionInputError as err:
        raise UserFacingError(str(err), example=f"`start:{_example_start(now, zone)}`") from None


@dataclass(frozen=True)
class Session:
    id: int
    guild_id: int
    creator_id: int
    name: str
    text_channel_id: int
    voice_channel_id: int | None
    location: str | None
    program: str | None
    routine_id: int | None
    routine_name: str | None
    duration_s: int
    zone: ZoneInfo
    weekly: bool
    seq: int
    version: int
    starts_at: datetime
    status: str
    event_id: int | None
    announce_message_id: int | None
    timer_id: int | None
    voice_note: str | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=self.duration_s)

    @property
    def program_text(self) -> str | None:
        if self.program:
            return self.program
        if self.routine_name:
            return f"routine {self.routine_name}"
        return None

    @property
    def length_text(self) -> str:
        return format_duration(self.duration_s)


def _session(row: SessionRow) -> Session:
    return Session(
        id=row.id,
        guild_id=row.guild_id,
        creator_id=row.creator_id,
        name=row.name,
        text_channel_id=row.text_channel_id,
        voice_channel_id=row.voice_channel_id,
        location=row.location,
        program=row.program,
        routine_id=row.routine_id,
        routine_name=row.routine_name,
        duration_s=row.duration_s,
        zone=ZoneInfo(row.zone),
        weekly=row.weekly,
        seq=row.seq,
        version=row.version,
        starts_at=row.starts_at,
        status=row.status,
        event_id=row.event_id,
        announce_message_id=row.announce_message_id,
        timer_id=row.timer_id,
        voice_note=row.voice_note,
    )


@dataclass(frozen=True)
class Draft:
    """A checked session, not yet stored: what Discord's scheduled event is made from."""

    guild_id: int
    creator_id: int
    name: str
    starts_at: datetime
    duration_s: int
    zone: ZoneInfo
    program: str | None
    routine_id: int | None
    routine_name: str | None
    voice_channel_id: int | None
    location: str | None
    weekly: bool

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=self.duration_s)

    @property
    def description(self) -> str:
        parts = []
        if self.program:
            parts.append(f"Program: {self.program}")
        elif self.routine_name:
            parts.append(f"Routine: {self.routine_name}")
        parts.append(f"Length: {format_duration(self.duration_s)}")
        if self.weekly:
            parts.append("Every week")
        return " · ".join(parts)


@dataclass(frozen=True)
class EditDraft:
    session: Session
    starts_at: datetime
    duration_s: int
    program: str | None
    routine_id: int | None
    routine_name: str | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=self.duration_s)


@dataclass(frozen=True)
class RsvpResult:
    session: Session
    going: bool
    changed: bool
    reminder_at: datetime | None


@dataclass(frozen=True)
class Recap:
    session: Session
    seq: int
    starts_at: datetime
    ends_at: datetime
    attendees: tuple[AttendanceRow, ...]
    going: int
    #: Running challenges of the server with the session's program: their standings so far.
    challenges: tuple[Leaderboard, ...] = ()


@dataclass(frozen=True)
class ThereResult:
    session: Session
    counted: bool
    already: bool


@dataclass(frozen=True)
class Cancelled:
    session: Session
    told: int


class SessionService:
    def __init__(
        self,
        repo: SessionRepo,
        deliveries: DeliveryScheduler,
        guilds: GuildSettingsService,
        members: MemberSettingsService,
        routines: RoutineService,
        workouts: WorkoutService,
        timers: TimerService,
        clock: Clock,
        *,
        challenges: ChallengeService | None = None,
    ) -> None:
        self.repo = repo
        self.deliveries = deliveries
        self.guilds = guilds
        self.members = members
        self.routines = routines
        self.workouts = workouts
        self.timers = timers
        self.clock = clock
        self.challenges = challenges

    # -- reading ---------------------------------------------------------------------------------

    async def find(self, session_id: int) -> Session | None:
        row = await self.repo.get(session_id)
        return _session(row) if row is not None else None

    async def get(self, session_id: int) -> Session:
        session = await self.find(session_id)
        if session is None:
            raise NotFound("This session no longer exists.", example="`/session list` shows what's coming up")
        return session

    async def upcoming(self, guild_id: int) -> list[tuple[Session, int]]:
        sessions = [_session(r) for r in await self.repo.upcoming(guild_id)]
        counts = await self.repo.going_counts([(s.id, s.seq) for s in sessions])
        return [(s, counts.get(s.id, 0)) for s in sessions]

    async def going(self, session: Session) -> list[int]:
        return [r.user_id for r in await self.repo.rsvps(session.id, session.seq) if r.going]

    # -- who may --------------------------------------------------------------------------------

    async def ensure_can_schedule(self, guild_id: int, actor: Actor) -> None:
        if actor.is_admin:
            return
        config = await self.guilds.get(guild_id)
        if config.coach_role_id is not None and config.coach_role_id in actor.role_ids:
            return
        raise NotAllowed(
            "Only admins (Manage Server) and the server's coach role can schedule sessions."
            + ("" if config.coach_role_id is not None else " This server has no coach role yet."),
            example="`/setup coach-role role:@Coaches` lets coaches schedule them too",
        )

    def _ensure_can_change(self, session: Session, actor: Actor, doing: str) -> None:
        if actor.is_admin or actor.user_id == session.creator_id:
            return
        raise NotAllowed(
            f"Only <@{session.creator_id}>, who scheduled this session, or an admin can {doing} it.",
            example="`/session list` shows who scheduled each session",
        )

    async def named(self, guild_id: int, session_id: int) -> Session:
        session = await self.find(session_id)
        if session is None or session.guild_id != guild_id or session.status != SCHEDULED:
            raise NotFound(
                f"There's no upcoming session number {session_id} here.",
                example="`/session list` shows the upcoming sessions and their numbers",
            )
        return session

    # -- creating --------------------------------------------------------------------------------

    async def _read_program(
        self, creator_id: int, text: str | None
    ) -> tuple[str | None, int | None, str | None]:
        """Interval notation, or the name of one of the creator's routines."""
        text = " ".join((text or "").split())
        if not text:
            return None, None, None
        try:
            return format_program(parse(text)), None, None
        except IntervalNotationError as err:
            notation_error = str(err)
        try:
            routine = await self.routines.get_own(creator_id, text)
        except UserFacingError:
            raise UserFacingError(
                f"The program {inline_code(text, 40)} is neither an interval workout nor one of your "
                f"routines. {notation_error}",
                example="`program:tabata`, `program:emom 10`, `program:8x(20s work, 10s rest)` or the name "
                "of a routine in your `/routine list`",
            ) from None
        return None, routine.id, routine.name

    def _check_start(self, starts_at: datetime, zone: ZoneInfo, now: datetime) -> None:
        example = f"`start:{_example_start(now, zone)}`"
        if starts_at <= now:
            here = localtime.to_local(now, zone).strftime("%Y-%m-%d %H:%M")
            raise UserFacingError(
                f"The start is in the past: it's {here} in your time zone ({zone.key}). "
                "(Wrong zone? Set yours with `/settings timezone`.)",
                example=example,
            )
        if starts_at > now + MAX_LEAD:
            raise UserFacingError("The start is more than a year away.", example=example)

    async def prepare(
        self,
        guild_id: int,
        actor: Actor,
        *,
        name: str,
        start: str,
        duration: str | None = None,
        program: str | None = None,
        voice_channel_id: int | None = None,
        voice_kind: ChannelKind | None = None,
        location: str | None = None,
        weekly: bool = False,
    ) -> Draft:
        """Check everything typed; nothing is written."""
        await self.ensure_can_schedule(guild_id, actor)
        clean = clean_name(name, NAME_RULES)
        now = self.clock()
        zone = (await self.members.get(actor.user_id)).zone
        if voice_channel_id is not None and voice_kind not in ("voice", "stage"):
            raise UserFacingError(
                "The `channel` option is for the voice or stage channel the session meets in; "
                "that one is a text channel. The announcement and timer are posted where you run the "
                "command.",
                example="`channel:#🔊 Studio` (a voice channel) — or `location:Park gate` for outdoor runs",
            )
        try:
            duration_s = domain.parse_session_duration(duration)
        except domain.SessionInputError as err:
            raise UserFacingError(
                str(err), example="`duration:45m` or `duration:1h30m` (at most 6h)"
            ) from None
        starts_at = _parse_start(start, zone, now)
        self._check_start(starts_at, zone, now)
        notation, routine_id, routine_name = await self._read_program(actor.user_id, program)
        if notation is not None and total_seconds(parse(notation)) > duration_s:
            raise UserFacingError(
                f"The program lasts {format_duration(total_seconds(parse(notation)))}, longer than the "
                f"session ({format_duration(duration_s)}).",
                example="a longer `duration:` or a shorter program",
            )
        place = " ".join((location or "").split()) or None
        if place is not None and len(place) > LOCATION_MAX:
            raise UserFacingError(
                f"The location is {len(place)} characters; the limit is {LOCATION_MAX}.",
                example="`location:North gate of the park`",
            )
        return Draft(
            guild_id=guild_id,
            creator_id=actor.user_id,
            name=clean,
            starts_at=starts_at,
            duration_s=duration_s,
            zone=zone,
            program=notation,
            routine_id=routine_id,
            routine_name=routine_name,
            voice_channel_id=voice_channel_id,
            location=place,
            weekly=weekly,
        )

    async def create(self, draft: Draft, *, text_channel_id: int, event_id: int | None) -> Session:
        """Store a checked session (Discord has its event) and schedule its posts."""
        row = await self.repo.add(
            {
                "guild_id": draft.guild_id,
                "creator_id": draft.creator_id,
                "name": draft.name,
                "text_channel_id": text_channel_id,
                "voice_channel_id": draft.voice_channel_id,
                "location": draft.location,
                "program": draft.program,
                "routine_id": draft.routine_id,
                "routine_name": draft.routine_name,
                "duration_s": draft.duration_s,
                "zone": draft.zone.key,
                "weekly": draft.weekly,
                "starts_at": draft.starts_at,
                "event_id": event_id,
            },
            self.clock(),
        )
        session = _session(row)
        try:
            await self._schedule_posts(session)
        except BaseException:
            await self.repo.delete(session.id)
            raise
        return session

    async def discard(self, session_id: int) -> None:
        """The announcement could not be posted: the session never existed (its posts go with it)."""
        session = await self.find(session_id)
        if session is None:
            return
        await self._cancel_all(session)
        await self.repo.delete(session_id)

    async def record_announcement(self, session_id: int, message_id: int) -> None:
        await self.repo.update(session_id, self.clock(), announce_message_id=message_id)

    def _key(self, session: Session, what: str) -> str:
        return f"session:{session.id}:{session.seq}:v{session.version}:{what}"

    def _payload(self, session: Session) -> dict[str, int]:
        return {
            "session_id": session.id,
            "seq": session.seq,
            "version": session.version,
            "duration_s": session.duration_s,
        }

    async def _schedule_posts(self, session: Session) -> None:
        for kind, due, what in (
            (START_KIND, session.starts_at, "start"),
            (END_KIND, session.ends_at, "end"),
        ):
            await self.deliveries.schedule(
                kind,
                due,
                channel_id=session.text_channel_id,
                guild_id=session.guild_id,
                payload=self._payload(session),
                dedupe_key=self._key(session, what),
            )

    async def _schedule_reminder(self, session: Session, user_id: int) -> datetime | None:
        now = self.clock()
        if session.starts_at <= now:
            return None
        settings = await self.members.get(user_id)
        due = max(domain.reminder_due(session.starts_at, settings.zone, settings.quiet), now)
        scheduled = await self.deliveries.schedule(
            REMINDER_KIND,
            due,
            user_id=user_id,
            guild_id=session.guild_id,
            payload=self._payload(session),
            dedupe_key=self._key(session, f"remind:{user_id}"),
        )
        return scheduled.due_at

    async def _cancel_reminder(self, session: Session, user_id: int) -> None:
        await self.deliveries.cancel_key(self._key(session, f"remind:{user_id}"))

    async def _cancel_all(self, session: Session) -> None:
        await self.deliveries.cancel_key(self._key(session, "start"))
        await self.deliveries.cancel_key(self._key(session, "end"))
        for user_id in await self.going(session):
            await self._cancel_reminder(session, user_id)

    # -- RSVPs -----------------------------------------------------------------------------------

    async def rsvp(self, session_id: int, user_id: int, *, going: bool, source: str = "button") -> RsvpResult:
        """`I'm in` / `Can't make it` (or Interested): pressing the same answer twice changes nothing."""
        session = await self.get(session_id)
        if session.status != SCHEDULED:
            raise UserFacingError(
                f"**{session.name}** was cancelled, so there's nothing to answer.",
                example="`/session list` shows the sessions still coming up",
            )
        if self.clock() >= session.ends_at:
            raise UserFacingError(
                f"**{session.name}** is over.", example="`/session list` shows the sessions still coming up"
            )
        before = await self.repo.rsvp(session.id, session.seq, user_id)
        if before is not None and before.going == going:
            reminder = await self.deliveries.get_by_key(self._key(session, f"remind:{user_id}"))
            return RsvpResult(session, going, False, reminder.due_at if reminder and going else None)
        await self.repo.set_rsvp(
            session.id, session.seq, user_id, going=going, source=source, now=self.clock()
        )
        reminder_at = None
        if going:
            reminder_at = await self._schedule_reminder(session, user_id)
        else:
            await self._cancel_reminder(session, user_id)
        return RsvpResult(session, going, True, reminder_at)

    async def interested(self, guild_id: int, event_id: int, user_id: int, *, on: bool) -> RsvpResult | None:
        """Discord's Interested: in when pressed; taking it back undoes only an Interested answer."""
        row = await self.repo.by_event(guild_id, event_id)
        if row is None or row.status != SCHEDULED:
            return None
        session = _session(row)
        if self.clock() >= session.ends_at:
            return None
        if on:
            before = await self.repo.rsvp(session.id, session.seq, user_id)
            if before is not None and not before.going and before.source == "button":
                return None  # they said Can't make it with the button: that stands
            return await self.rsvp(session.id, user_id, going=True, source="interested")
        before = await self.repo.rsvp(session.id, session.seq, user_id)
        if before is None or before.source != "interested":
            return None
        return await self.rsvp(session.id, user_id, going=False, source="interested")

    # -- cancel and edit -------------------------------------------------------------------------

    async def cancel(self, guild_id: int, actor: Actor, session_id: int) -> Cancelled:
        session = await self.named(guild_id, session_id)
        self._ensure_can_change(session, actor, "cancel")
        if not await self.repo.update(
            session.id, self.clock(), only_version=session.version, status=CANCELLED
        ):
            raise UserFacingError(
                "Someone changed this session just now; try again.", example="`/session list`"
            )
        going = await self.going(session)
        await self._cancel_all(session)
        now = self.clock()
        for user_id in going:
            await self.deliveries.schedule(
                CANCELLED_KIND,
                now,
                user_id=user_id,
                guild_id=session.guild_id,
                payload=self._payload(session),
                dedupe_key=self._key(session, f"cancelled:{user_id}"),
            )
        return Cancelled(session, len(going))

    async def prepare_edit(
        self,
        guild_id: int,
        actor: Actor,
        session_id: int,
        *,
        start: str | None,
        duration: str | None,
        program: str | None,
    ) -> EditDraft:
        session = await self.named(guild_id, session_id)
        self._ensure_can_change(session, actor, "edit")
        if start is None and duration is None and program is None:
            raise UserFacingError(
                "Give a new start, duration or program to change.",
                example=f"`/session edit session:{session.id} start:"
                f"{_example_start(self.clock(), session.zone)}`",
            )
        now = self.clock()
        if session.starts_at <= now:
            raise UserFacingError(
                f"**{session.name}** has already started, so it can't be moved.",
                example="`/session schedule` for a new one",
            )
        starts_at = session.starts_at
        if start is not None:
            zone = (await self.members.get(actor.user_id)).zone
            starts_at = _parse_start(start, zone, now)
            self._check_start(starts_at, zone, now)
        duration_s = session.duration_s
        if duration is not None:
            try:
                duration_s = domain.parse_session_duration(duration)
            except domain.SessionInputError as err:
                raise UserFacingError(str(err), example="`duration:45m` or `duration:1h30m`") from None
        notation, routine_id, routine_name = session.program, session.routine_id, session.routine_name
        if program is not None:
            notation, routine_id, routine_name = await self._read_program(session.creator_id, program)
        if notation is not None and total_seconds(parse(notation)) > duration_s:
            raise UserFacingError(
                f"The program lasts {format_duration(total_seconds(parse(notation)))}, longer than the "
                f"session ({format_duration(duration_s)}).",
                example="a longer `duration:` or a shorter program",
            )
        return EditDraft(session, starts_at, duration_s, notation, routine_id, routine_name)

    async def apply_edit(self, draft: EditDraft) -> Session:
        old = draft.session
        going = await self.going(old)
        await self._cancel_all(old)
        await self.repo.update(
            old.id,
            self.clock(),
            version=old.version + 1,
            starts_at=draft.starts_at,
            duration_s=draft.duration_s,
            program=draft.program,
            routine_id=draft.routine_id,
            routine_name=draft.routine_name,
        )
        session = await self.get(old.id)
        await self._schedule_posts(session)
        for user_id in going:
            await self._schedule_reminder(session, user_id)
        return session

    # -- the engine's side -----------------------------------------------------------------------

    async def current(self, delivery: Delivery) -> Session | None:
        """The delivery's session, if the delivery still belongs to it (same occurrence and version)."""
        session = await self.find(int(delivery.payload["session_id"]))
        if session is None:
            return None
        if session.seq != delivery.payload.get("seq") or session.version != delivery.payload.get("version"):
            return None
        return session

    def reminder_is_stale(self, delivery: Delivery, now: datetime) -> bool:
        """A reminder is pointless once the session has started (the start is due_at + 30 min at most)."""
        return now >= delivery.due_at + domain.REMINDER_LEAD

    async def reminder(self, delivery: Delivery) -> Session | None:
        session = await self.current(delivery)
        if session is None or session.status != SCHEDULED or delivery.user_id is None:
            return None
        if self.clock() >= session.starts_at:
            return None
        mine = await self.repo.rsvp(session.id, session.seq, delivery.user_id)
        return session if mine is not None and mine.going else None

    def notice_is_stale(self, delivery: Delivery, now: datetime) -> bool:
        """A cancellation or voice notice more than half a day late is news nobody needs."""
        return now - delivery.due_at > timedelta(hours=12)

    async def cancelled_notice(self, delivery: Delivery) -> Session | None:
        return await self.find(int(delivery.payload["session_id"]))

    async def begin(self, delivery: Delivery) -> tuple[Session, Timer | None] | None:
        """At the start: the session, and its live timer (created once, whatever retries follow)."""
        session = await self.current(delivery)
        if session is None or session.status != SCHEDULED:
            return None
        if self.clock() >= session.ends_at:
            return None
        if session.program is None:
            return session, None
        if session.timer_id is not None:
            existing = await self.timers.find(session.timer_id)
            if existing is not None:
                return session, existing
        # Zero is tied to the scheduled start, not to when the post goes out: every session starting
        # at 18:00 counts down together, whatever the pacer did; a late start gets a fresh lead-in.
        now = self.clock()
        zero = max(
            session.starts_at + timedelta(seconds=LEAD_IN_S), now + timedelta(seconds=COUNTDOWN_ROOM_S)
        )
        timer = await self.timers.start_scheduled(
            session.creator_id, session.guild_id, session.text_channel_id, session.program, zero=zero
        )
        await self.repo.update(session.id, self.clock(), timer_id=timer.id)
        return await self.get(session.id), timer

    def start_is_stale(self, delivery: Delivery, now: datetime) -> bool:
        """No start post for a session that is already over (the recap still comes)."""
        return now >= delivery.due_at + timedelta(seconds=int(delivery.payload.get("duration_s", 3600)))

    async def started(self, settled: Settled) -> None:
        """The start post went out: when it is the timer, attach it so the runtime edits it."""
        if not settled.sent or settled.message_id is None:
            return
        session = await self.current(settled.delivery)
        if session is None or session.timer_id is None:
            return
        await self.timers.attach(session.timer_id, settled.message_id)

    # -- voice -----------------------------------------------------------------------------------

    async def voice_moved(self, guild_id: int, user_id: int, before: int | None, after: int | None) -> None:
        """A member's voice state changed: spans open and close in the sessions those channels host."""
        if before == after:
            return
        now = self.clock()
        if before is not None:
            for row in await self.repo.in_voice_channel(before):
                await self.repo.close_spans(row.id, row.seq, user_id, now)
        if after is not None:
            for row in await self.repo.in_voice_channel(after):
                session = _session(row)
                if (
                    row.guild_id == guild_id
                    and session.starts_at - domain.VOICE_EARLY <= now < session.ends_at
                ):
                    await self.repo.open_span(session.id, session.seq, user_id, now)

    async def already_in_voice(self, session: Session, user_ids: list[int]) -> None:
        """At the start: members who were in the channel before the bot could see them join."""
        now = self.clock()
        for user_id in user_ids:
            await self.repo.open_span(session.id, session.seq, user_id, now)

    async def note_voice_problem(self, session: Session, reason: str) -> bool:
        """Cues could not play: recorded on the session, and the creator told once (False if known)."""
        if session.voice_note == reason:
            return False
        await self.repo.update(session.id, self.clock(), voice_note=reason[:300])
        await self.deliveries.schedule(
            VOICE_NOTE_KIND,
            self.clock(),
            user_id=session.creator_id,
            guild_id=session.guild_id,
            payload={"session_id": session.id, "reason": reason[:300]},
            dedupe_key=f"session:{session.id}:voice-note",
        )
        return True

    # -- the end ---------------------------------------------------------------------------------

    async def _log(self, session: Session, user_id: int) -> None:
        notes = f"Group session: {session.name}" + (f" ({session.program})" if session.program else "")
        logged = await self.workouts.log_group_session(
            user_id, session.guild_id, name=session.name, routine_id=session.routine_id, notes=notes[:500]
        )
        await self.repo.set_workout(session.id, session.seq, user_id, logged.session.session_id)

    async def close(self, delivery: Delivery) -> Recap | None:
        """After the end: voice attendance credited (and logged) once, and what the recap lists."""
        session = await self.current(delivery)
        if session is None or session.status == CANCELLED:
            return None
        start, end = session.starts_at, session.ends_at
        by_member: dict[int, list[domain.Span]] = {}
        for span in await self.repo.spans(session.id, session.seq):
            by_member.setdefault(span.user_id, []).append(domain.Span(span.joined_at, span.left_at))
        now = self.clock()
        for user_id, spans in sorted(by_member.items()):
            if not domain.attended(spans, start, end):
                continue
            inside = domain.seconds_inside(spans, start, end)
            if await self.repo.add_attendance(
                session.id, session.seq, user_id, how="voice", voice_s=inside, now=now
            ):
                await self._log(session, user_id)
        attendees = await self.repo.attendance(session.id, session.seq)
        going = len(await self.going(session))
        boards = await self._challenge_boards(session)
        return Recap(session, session.seq, start, end, tuple(attendees), going, boards)

    async def _challenge_boards(self, session: Session) -> tuple[Leaderboard, ...]:
        """The server's running challenges with this session's program (members log to them from
        the timer's Log result button): their top three so far."""
        if self.challenges is None or session.program is None:
            return ()
        overview = await self.challenges.overview(session.guild_id, 0)
        boards = []
        for challenge in overview.challenges:
            if challenge.notation == session.program and challenge.status(self.clock()) == "running":
                boards.append(await self.challenges.leaderboard_of(challenge, 0, top=3))
        return tuple(boards[:3])

    async def ended(self, settled: Settled) -> None:
        """The recap is out (or was missed): a weekly session moves to next week, the rest end."""
        session = await self.current(settled.delivery)
        if session is None or session.status != SCHEDULED:
            return
        now = self.clock()
        if settled.sent and settled.message_id is not None:
            await self.repo.update(session.id, now, recap_message_id=settled.message_id)
        if not session.weekly:
            await self.repo.update(session.id, now, only_version=session.version, status=ENDED)
            return
        next_start = domain.next_weekly(session.starts_at, session.zone)
        while next_start <= now:
            next_start = domain.next_weekly(next_start, session.zone)
        await self.repo.update(
            session.id,
            now,
            only_version=session.version,
            seq=session.seq + 1,
            starts_at=next_start,
            timer_id=None,
        )
        await self.repo.carry_rsvps(session.id, session.seq, session.seq + 1, now)
        moved = await self.get(session.id)
        await self._schedule_posts(moved)
        for user_id in await self.going(moved):
            await self._schedule_reminder(moved, user_id)

    async def set_event(self, session_id: int, event_id: int | None) -> None:
        await self.repo.update(session_id, self.clock(), event_id=event_id)

    async def i_was_there(self, session_id: int, seq: int, user_id: int) -> ThereResult:
        """`I was there`: from the start until two hours after the end, once per member."""
        session = await self.get(session_id)
        # The occurrence pressed on may be last week's, for a weekly session that moved on.
        starts_at = session.starts_at
        if seq != session.seq:
            starts_at = domain.next_weekly(session.starts_at, session.zone, weeks=seq - session.seq)
        ends_at = starts_at + timedelta(seconds=session.duration_s)
        now = self.clock()
        if now < starts_at:
            raise UserFacingError(
                f"**{session.name}** hasn't started yet; press this once you've trained.",
                example="the recap's **I was there** button after the session",
            )
        if now > ends_at + domain.THERE_WINDOW:
            raise UserFacingError(
                f"`I was there` counts until two hours after the end of **{session.name}**; that has passed. "
                "You can still log it yourself.",
                example="`/log workout exercises:...`",
            )
        if session.status == CANCELLED:
            raise UserFacingError(f"**{session.name}** was cancelled.", example="`/session list`")
        if not await self.repo.add_attendance(session.id, seq, user_id, how="button", voice_s=None, now=now):
            return ThereResult(session, False, True)
        await self._log(session, user_id)
        return ThereResult(session, True, False)

    async def attendees(self, session_id: int, seq: int) -> list[AttendanceRow]:
        return await self.repo.attendance(session_id, seq)
