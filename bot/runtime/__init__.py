"""What runs by itself: deliveries, live timers, periodic jobs, member activity.

:class:`Runtime` assembles them over the services and one discord.py client and owns
their lifetime: ``start`` once the adapters are loaded (they register how deliveries and
timers look), ``stop`` before the client closes. Adapters reach it as ``bot.runtime``:
``bot.runtime.renderers.add(KIND, render)``, ``bot.runtime.timers.launch(id)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from discord.ext import commands

from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.runtime.activity import Activity
from bot.runtime.dispatcher import Dispatcher, PostRefused
from bot.runtime.kinds import DeliveryKinds, Lifecycle, Renderers
from bot.runtime.periodic import Job, Periodic
from bot.runtime.sender import DiscordSender
from bot.runtime.tasks import Background, ErrorSink
from bot.runtime.timers import TimerRunner
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.ratelimit import Pacer
from bot.services.intervals import TimerService


class Runtime:
    def __init__(
        self,
        client: commands.Bot,
        *,
        deliveries: DeliveryScheduler,
        members: MemberRepo,
        guilds: GuildRepo,
        timers: TimerService,
        pacer: Pacer,
        clock: Callable[[], datetime],
        on_error: ErrorSink,
        lifecycles: Mapping[str, Lifecycle],
        jobs: Sequence[Job],
        on_post_refused: PostRefused | None = None,
    ) -> None:
        self.client = client
        self.background = Background(on_error)
        self.spawn = self.background.spawn
        sender = DiscordSender(client)
        self.kinds = DeliveryKinds(lifecycles)
        self.activity = Activity(members, deliveries, clock=clock, spawn=self.spawn)
        self.dispatcher = Dispatcher(
            sender,
            spawn=self.spawn,
            on_error=on_error,
            scheduler=deliveries,
            members=members,
            guilds=guilds,
            pacer=pacer,
            clock=clock,
            kinds=self.kinds,
            on_unreachable=self.activity.forget,
            on_post_refused=on_post_refused,
        )
        self.timers = TimerRunner(timers, sender, pacer=pacer, clock=clock, spawn=self.spawn)
        self.periodic = Periodic(jobs, spawn=self.spawn, on_error=on_error, clock=clock)
        self._started = False

    @property
    def renderers(self) -> Renderers:
        return self.kinds.renderers

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.client.add_listener(self.activity.on_interaction, "on_interaction")
        self.dispatcher.start()
        self.timers.start()
        self.periodic.start()

    async def stop(self) -> None:
        """Undo ``start`` in reverse; whatever else is still running in the background is cancelled."""
        if self._started:
            self.client.remove_listener(self.activity.on_interaction, "on_interaction")
        await self.periodic.stop()
        await self.timers.stop()
        await self.dispatcher.stop()
        await self.background.stop()
