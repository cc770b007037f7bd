"""Live interval timers (SPEC §6): start, pause, resume, stop, and what a timer shows now.

A timer is a row, and what it shows is a pure function of that row and the time: the
elapsed time is ``now - started_at - paused_total_s`` (frozen at ``paused_at`` while
paused), and the running phase comes from :func:`bot.domain.intervals.phase_at`. So
the cog's task only has to sleep until the next phase change and edit the message
once, and after a restart one look at the row says where the workout is — still
running (edit once to catch up), or over (edit once to say so).

``started_at`` lies a short lead-in after the command, so the member can get into
position before the first work phase; the message counts down to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.db.repositories.timers import ACTIVE, FINISHED, GONE, PAUSED, RUNNING, STOPPED, TimerRepo, TimerRow
from bot.domain.intervals import (
    EXAMPLE_REPEAT,
    IntervalNotationError,
    Phase,
    Program,
    expand,
    format_program,
    parse,
    phase_at,
    total_seconds,
)
from bot.errors import NotAllowed, NotFound, UserFacingError

Clock = Callable[[], datetime]
TimerStatus = Literal["ready", "running", "paused", "finished", "stopped", "gone"]

#: Seconds between the command and the first phase: time to put the phone down and get set.
LEAD_IN_S = 10
#: One live timer per member keeps a channel readable; a few per channel lets a class train together.
MAX_ACTIVE_PER_MEMBER = 1
MAX_ACTIVE_PER_CHANNEL = 5
#: A timer whose message was never posted (the command failed half-way) is forgotten after this.
UNPOSTED_GRACE = timedelta(minutes=2)
#: What ``shown`` holds while the timer counts down to its first phase.
SHOWN_READY = -1


@dataclass(frozen=True)
class Timer:
    id: int
    owner_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None
    program: Program
    notation: str
    phases: tuple[Phase, ...]
    total_s: int
    status: str
    started_at: datetime
    paused_at: datetime | None
    paused_total_s: float
    shown: int
    final_elapsed_s: float | None
    ended_at: datetime | None
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def url(self) -> str | None:
        if self.message_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id or '@me'}/{self.channel_id}/{self.message_id}"


@dataclass(frozen=True)
class TimerState:
    """What the timer message shows at one instant.

    ``key`` changes exactly when the display must change: the lead-in is -1, a phase is
    its index, the end is the number of phases. ``next_change_at`` is when the key next
    changes (None unless the timer is counting).
    """

    status: TimerStatus
    key: int
    elapsed_s: float
    phase: Phase | None
    next_phase: Phase | None
    remaining_s: float
    next_change_at: datetime | None


def read_program(text: str) -> Program:
    """The member's program, or an error naming the position and an example that works."""
    try:
        return parse(text)
    except IntervalNotationError as err:
        raise UserFacingError(
            f"That program doesn't read as an interval workout. {err}",
            example=f"`tabata`, `emom 10` or `{EXAMPLE_REPEAT}`",
        ) from None


def _timer(row: TimerRow) -> Timer:
    program = parse(row.program)
    phases = tuple(expand(program))
    return Timer(
        id=row.id,
        owner_id=row.owner_id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        message_id=row.message_id,
        program=program,
        notation=row.program,
        phases=phases,
        total_s=total_seconds(program),
        status=row.status,
        started_at=row.started_at,
        paused_at=row.paused_at,
        paused_total_s=row.paused_total_s,
        shown=row.shown,
        final_elapsed_s=row.elapsed_s,
        ended_at=row.ended_at,
        created_at=row.created_at,
    )


def elapsed_at(timer: Timer, now: datetime) -> float:
    """Seconds of the program done at ``now`` (negative during the lead-in, frozen while paused)."""
    if timer.final_elapsed_s is not None and not timer.is_active:
        return timer.final_elapsed_s
    until = timer.paused_at if timer.status == PAUSED and timer.paused_at is not None else now
    return (until - timer.started_at).total_seconds() - timer.paused_total_s


def state_at(timer: Timer, now: datetime) -> TimerState:
    """The display state of a timer at ``now`` (pure; no clock reads)."""
    phases = timer.phases
    end_key = len(phases)
    if not timer.is_active:
        status: TimerStatus = (
            "finished" if timer.status == FINISHED else "stopped" if timer.status == STOPPED else "gone"
        )
        elapsed = timer.final_elapsed_s if timer.final_elapsed_s is not None else float(timer.total_s)
        phase, _ = phase_at(phases, elapsed)
        return TimerState(status, end_key, elapsed, phase, None, 0.0, None)
    elapsed = elapsed_at(timer, now)
    paused = timer.status == PAUSED
    zero = timer.started_at + timedelta(seconds=timer.paused_total_s)
    if elapsed < 0:
        return TimerState(
            "paused" if paused else "ready",
            SHOWN_READY,
            elapsed,
            None,
            phases[0] if phases else None,
            -elapsed,
            None if paused else zero,
        )
    phase, remaining = phase_at(phases, elapsed)
    if phase is None:
        return TimerState("finished", end_key, float(timer.total_s), None, None, 0.0, None)
    following = phases[phase.index + 1] if phase.index + 1 < len(phases) else None
    change = None if paused else zero + timedelta(seconds=phase.end_offset_s)
    return TimerState(
        "paused" if paused else "running", phase.index, elapsed, phase, following, remaining, change
    )


class TimerService:
    def __init__(self, repo: TimerRepo, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    # -- starting --------------------------------------------------------------------------------

    @staticmethod
    def check_program(text: str) -> None:
        """Raise the notation's own error for a program that doesn't read (pure: no database)."""
        read_program(text)

    async def start(self, owner_id: int, guild_id: int | None, channel_id: int, text: str) -> Timer:
        """Validate and record a new timer (its message is posted by the caller, then attached)."""
        program = read_program(text)
        now = self.clock()
        mine = [
            t for t in await self.repo.active_for_owner(owner_id) if not await self._forget_unposted(t, now)
        ]
        if len(mine) >= MAX_ACTIVE_PER_MEMBER:
            current = _timer(mine[0])
            where = f" ({current.url})" if current.url else ""
            raise UserFacingError(
                f"You already have a timer going{where}; one at a time keeps the channel readable. "
                "Press its **Stop** button, then start the new one.",
                example=f"`/interval start program:{format_program(program)}` once the other is stopped",
            )
        if await self.repo.count_active_in_channel(channel_id) >= MAX_ACTIVE_PER_CHANNEL:
            raise UserFacingError(
                f"This channel already has {MAX_ACTIVE_PER_CHANNEL} live timers. "
                "Start yours in another channel, or when one of them ends.",
                example="`/interval start program:tabata` in another channel",
            )
        row = await self.repo.add(
            owner_id=owner_id,
            guild_id=guild_id,
            channel_id=channel_id,
            program=format_program(program),
            started_at=now + timedelta(seconds=LEAD_IN_S),
            now=now,
        )
        return _timer(row)

    async def start_scheduled(
        self, owner_id: int, guild_id: int | None, channel_id: int, text: str, *, zero: datetime
    ) -> Timer:
        """A timer a scheduled group session starts for everyone at ``zero``: its creator owns it,
        without the one-per-member limit (the creator may be running their own)."""
        program = read_program(text)
        now = self.clock()
        row = await self.repo.add(
            owner_id=owner_id,
            guild_id=guild_id,
            channel_id=channel_id,
            program=format_program(program),
            started_at=zero,
            now=now,
        )
        return _timer(row)

    async def _forget_unposted(self, row: TimerRow, now: datetime) -> bool:
        if row.message_id is None and now - row.created_at > UNPOSTED_GRACE:
            await self.repo.delete(row.id)
            return True
        return False

    async def attach(self, timer_id: int, message_id: int) -> Timer:
        """The timer's message is posted: from now on it is the one that is edited."""
        await self.repo.update(timer_id, self.clock(), message_id=message_id, shown=SHOWN_READY)
        return await self.get(timer_id)

    async def discard(self, timer_id: int) -> None:
        """The message could not be posted: the timer never existed."""
        await self.repo.delete(timer_id)

    # -- reading ---------------------------------------------------------------------------------

    async def find(self, timer_id: int) -> Timer | None:
        row = await self.repo.get(timer_id)
        return _timer(row) if row is not None else None

    async def get(self, timer_id: int) -> Timer:
        timer = await self.find(timer_id)
        if timer is None:
            raise NotFound(
                "This timer no longer exists.", example="`/interval start program:tabata` starts a new one"
            )
        return timer

    def state(self, timer: Timer) -> TimerState:
        return state_at(timer, self.clock())

    async def active(self) -> list[Timer]:
        """Running and paused timers with a message, for picking up again after a restart."""
        now = self.clock()
        found = []
        for row in await self.repo.active():
            if row.message_id is None:
                await self._forget_unposted(row, now)
                continue
            found.append(_timer(row))
        return found

    async def active_for_owner(self, owner_id: int) -> list[Timer]:
        return [_timer(row) for row in await self.repo.active_for_owner(owner_id)]

    # -- the starter's buttons -------------------------------------------------------------------

    def check_owner(self, timer: Timer, user_id: int, action: str) -> None:
        if timer.owner_id != user_id:
            raise NotAllowed(
                f"Only <@{timer.owner_id}>, who started this timer, can {action} it.",
                example="`/interval start program:tabata` starts a timer of your own",
            )

    async def _settle_if_over(self, timer: Timer) -> Timer:
        """A timer whose program ran out while nobody looked is finished, whatever was pressed."""
        if timer.status == RUNNING and self.state(timer).status == "finished":
            await self.finish(timer.id)
            return await self.get(timer.id)
        return timer

    async def pause(self, timer_id: int, user_id: int) -> Timer:
        timer = await self.get(timer_id)
        self.check_owner(timer, user_id, "pause")
        timer = await self._settle_if_over(timer)
        if timer.status == RUNNING:
            await self.repo.update(
                timer_id, self.clock(), only_if=(RUNNING,), status=PAUSED, paused_at=self.clock()
            )
        return await self.get(timer_id)

    async def resume(self, timer_id: int, user_id: int) -> Timer:
        timer = await self.get(timer_id)
        self.check_owner(timer, user_id, "resume")
        if timer.status == PAUSED:
            now = self.clock()
            paused_for = (now - (timer.paused_at or now)).total_seconds()
            await self.repo.update(
                timer_id,
                now,
                only_if=(PAUSED,),
                status=RUNNING,
                paused_at=None,
                paused_total_s=timer.paused_total_s + max(0.0, paused_for),
            )
        return await self.get(timer_id)

    async def stop(self, timer_id: int, user_id: int) -> Timer:
        timer = await self.get(timer_id)
        self.check_owner(timer, user_id, "stop")
        timer = await self._settle_if_over(timer)
        if timer.is_active:
            now = self.clock()
            elapsed = min(max(elapsed_at(timer, now), 0.0), float(timer.total_s))
            await self.repo.update(
                timer_id, now, only_if=ACTIVE, status=STOPPED, paused_at=None, elapsed_s=elapsed, ended_at=now
            )
        return await self.get(timer_id)

    # -- the timer task's bookkeeping ------------------------------------------------------------

    async def record_shown(self, timer_id: int, key: int) -> None:
        await self.repo.update(timer_id, self.clock(), shown=key)

    async def finish(self, timer_id: int) -> bool:
        """The program ran to its end; False when the timer was stopped or paused meanwhile."""
        timer = await self.find(timer_id)
        if timer is None:
            return False
        now = self.clock()
        return await self.repo.update(
            timer_id,
            now,
            only_if=(RUNNING,),
            status=FINISHED,
            elapsed_s=float(timer.total_s),
            ended_at=now,
            shown=len(timer.phases),
        )

    async def mark_gone(self, timer_id: int) -> None:
        """Its message was deleted (or can't be reached): end it without another word."""
        now = self.clock()
        await self.repo.update(timer_id, now, only_if=ACTIVE, status=GONE, paused_at=None, ended_at=now)
