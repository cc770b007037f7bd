"""Member activity: every interaction says the member is around (SPEC §5).

One listener on every interaction — commands, buttons, menus, forms — remembers the
member's server (where a closed-DMs ping goes) and, if their DMs had been found closed,
resumes their paused deliveries. It never delays an answer: the work runs in the
background, and is skipped for autocomplete (a keystroke is not a visit) and for a
member already seen within the last minute (in the same server, or anywhere when this
interaction is in a DM). The dispatcher calls
:meth:`Activity.forget` when it finds a member unreachable, so the very next interaction
resumes them. (With several processes, one that did not see the DMs close may wait out
the minute.)

A component whose handler erases the member (``/privacy delete``'s confirmation) is
skipped too, so recording the visit can't bring back what was just deleted: adapters
name such components with :meth:`Activity.skip`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.db.repositories.members import MemberRepo
from bot.runtime.tasks import Spawn
from bot.scheduling.deliveries import DeliveryScheduler

#: A member seen in the same server within this long is not recorded again.
QUIET_FOR = timedelta(minutes=1)
#: Past this many remembered members, those not seen within QUIET_FOR are let go.
PRUNE_AT = 10_000


class Activity:
    def __init__(
        self,
        members: MemberRepo,
        deliveries: DeliveryScheduler,
        *,
        clock: Callable[[], datetime],
        spawn: Spawn,
    ) -> None:
        self.members = members
        self.deliveries = deliveries
        self.clock = clock
        self.spawn = spawn
        #: user id → (server, when) of the last recorded visit.
        self._seen: dict[int, tuple[int | None, datetime]] = {}
        self._skipped: set[re.Pattern[str]] = set()

    def skip(self, item: type[discord.ui.DynamicItem[Any]]) -> None:
        """Never record a press of this persistent component."""
        self._skipped.add(item.__discord_ui_compiled_template__)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """The ``on_interaction`` listener: returns at once, the recording runs in the background."""
        if interaction.type is discord.InteractionType.autocomplete:
            return
        if interaction.type is discord.InteractionType.component and self._is_skipped(interaction):
            return
        self.record(interaction.user.id, interaction.guild_id)

    def _is_skipped(self, interaction: discord.Interaction[Any]) -> bool:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        return any(pattern.fullmatch(custom_id) for pattern in self._skipped)

    def record(self, user_id: int, guild_id: int | None) -> None:
        now = self.clock()
        last = self._seen.get(user_id)
        if last is not None and now - last[1] < QUIET_FOR and guild_id in (None, last[0]):
            return
        self._seen[user_id] = (guild_id, now)
        if len(self._seen) > PRUNE_AT:
            self._seen = {uid: seen for uid, seen in self._seen.items() if now - seen[1] < QUIET_FOR}
        self.spawn(self.touch(user_id, guild_id), name="member-activity")

    def forget(self, user_id: int) -> None:
        """The member's state changed behind our back: record their next interaction."""
        self._seen.pop(user_id, None)

    async def touch(self, user_id: int, guild_id: int | None) -> None:
        """Remember the member's server; resume their paused deliveries if they had been unreachable."""
        if await self.members.touch(user_id, guild_id, self.clock()):
            await self.deliveries.resume_user(user_id)
