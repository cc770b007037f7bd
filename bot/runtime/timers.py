"""The live interval timers: one task per running timer keeps its message up to date.

The timer message changes only when the workout does: the task sleeps until the next
phase change and edits the message once, through the pacer. Members' clients count the
seconds themselves from the ``<t:…:R>`` timestamp, so a 20-minute EMOM costs about 21
edits, not 1,200. The task reads the timer's row each time it wakes, so Pause/Resume/Stop
and restarts need no shared memory: the buttons change the row and relaunch the task, and
at start-up every running timer is picked up, edited at most once to catch up (or to say
it finished while the bot was away), and carried on. A message someone deleted ends its
timer without another word.

How a timer looks is the adapter's: ``cogs.intervals`` sets :attr:`TimerRunner.render`.
Without it (the adapter is not loaded) no timer task runs; the rows wait, and the first
task after it is back catches the message up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.db.repositories.timers import RUNNING
from bot.runtime.dispatcher import SendFailed
from bot.runtime.kinds import Outgoing
from bot.runtime.tasks import Spawn
from bot.scheduling.ratelimit import Pacer
from bot.services.intervals import Timer, TimerService, TimerState

log = logging.getLogger(__name__)

Shown = Literal["shown", "failed", "gone"]
#: The timer message for a state: its embed and buttons.
TimerRender = Callable[[Timer, TimerState], Outgoing]

#: The shortest sleep: a wake-up a hair before the change (clock rounding) just sleeps again.
MIN_SLEEP_S = 0.001
#: One retry for an edit Discord answered with a server error, then wait for the next phase.
RETRY_AFTER_S = 2.0
#: Discord's answers meaning the message (or its channel) can't be edited any more.
GONE_STATUSES = (403, 404)


class MessageEditor(Protocol):
    async def edit(
        self, channel_id: int, message_id: int, outgoing: Outgoing, *, guild_id: int | None
    ) -> None: ...


class TimerRunner:
    def __init__(
        self,
        service: TimerService,
        editor: MessageEditor,
        *,
        pacer: Pacer,
        clock: Callable[[], datetime],
        spawn: Spawn,
    ) -> None:
        self.service = service
        self.editor = editor
        self.pacer = pacer
        self.clock = clock
        self.spawn = spawn
        self.render: TimerRender | None = None
        self.tasks: dict[int, asyncio.Task[Any]] = {}
        self._started = False

    # -- lifetime --------------------------------------------------------------------------------

    def start(self) -> None:
        """After a (re)start: every running timer carries on, or ends if it ran out meanwhile."""
        self._started = True
        self._resume()

    async def stop(self) -> None:
        self._started = False
        await self._halt_all()

    async def set_render(self, render: TimerRender | None) -> None:
        """The adapter arrives (or leaves, with None: its timers' tasks stop until it is back)."""
        self.render = render
        if render is None:
            await self._halt_all()
        elif self._started:
            self._resume()

    def _resume(self) -> None:
        if self.render is not None:
            self.spawn(self.resume_all(), name="interval-timers-resume")

    async def _halt_all(self) -> None:
        for timer_id in list(self.tasks):
            await self.halt(timer_id)

    # -- one timer -------------------------------------------------------------------------------

    def launch(self, timer_id: int) -> None:
        if self.render is None:
            return
        old = self.tasks.get(timer_id)
        if old is not None and not old.done():
            old.cancel()
        task = self.spawn(self._run(timer_id), name=f"interval-timer-{timer_id}")
        self.tasks[timer_id] = task
        task.add_done_callback(
            lambda done: self.tasks.pop(timer_id, None) if self.tasks.get(timer_id) is done else None
        )

    async def halt(self, timer_id: int) -> None:
        task = self.tasks.pop(timer_id, None)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def keep_running(self, timer_id: int) -> None:
        """After a press: a timer that is still running keeps (or gets back) its task."""
        current = await self.service.find(timer_id)
        if current is not None and current.status == RUNNING and timer_id not in self.tasks:
            self.launch(timer_id)

    async def resume_all(self) -> None:
        for timer in await self.service.active():
            if timer.status == RUNNING:
                self.launch(timer.id)

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
            delay = (state.next_change_at - self.clock()).total_seconds()
            await asyncio.sleep(max(delay, MIN_SLEEP_S))

    async def _show(self, timer: Timer, state: TimerState) -> Shown:
        """Edit the timer message (paced); a deleted message or channel means the timer is gone."""
        assert timer.message_id is not None
        if self.render is None:
            return "failed"
        for attempt in range(2):
            await self.pacer.acquire()
            try:
                await self.editor.edit(
                    timer.channel_id, timer.message_id, self.render(timer, state), guild_id=timer.guild_id
                )
            except SendFailed as exc:
                if exc.status in GONE_STATUSES:
                    log.info("Timer %s ended: its message can't be edited any more (%s)", timer.id, exc)
                    return "gone"
                log.warning(
                    "Timer %s: edit failed (%s)%s", timer.id, exc, "; retrying" if attempt == 0 else ""
                )
                if attempt == 0:
                    await asyncio.sleep(RETRY_AFTER_S)
                continue
            return "shown"
        return "failed"
