"""Posts Discord refused: the member is told why, and the server's admins are told once.

When Discord refuses a post in a server channel (50013 Missing Permissions, 50001 Missing
Access, or 10003 Unknown Channel because it was deleted), nothing the member or the bot
can do will make a retry succeed: an admin has to fix a permission or pick a channel.
The problem is recorded per server and channel, shown in ``/setup show`` until
``/setup channels`` is run again, and announced once in the server's fallback channel
(the check-ins channel), when it has one that is not the broken channel itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.state import StateRepo
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.settings import Clock, GuildSettingsService

KIND = "admin_notice"
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003
#: Discord's codes that only an admin can fix.
ADMIN_FIXES = frozenset({MISSING_PERMISSIONS, MISSING_ACCESS, UNKNOWN_CHANNEL})
#: Shown in /setup show at most.
SHOWN_MAX = 5


def _prefix(guild_id: int) -> str:
    return f"post-problem:{guild_id}:"


@dataclass(frozen=True)
class PostProblem:
    channel_id: int
    what: str
    code: int
    at: datetime

    @property
    def reason(self) -> str:
        """Why, in the words an admin acts on."""
        return why_refused(self.code, f"<#{self.channel_id}>")

    @property
    def line(self) -> str:
        return f"<t:{int(self.at.timestamp())}:R>: {self.what} could not be posted: {self.reason}."


def why_refused(code: int, channel_mention: str) -> str:
    """Why Discord refused a post in the channel, as the member and the admins both read it."""
    if code == UNKNOWN_CHANNEL:
        return f"the channel {channel_mention} no longer exists"
    if code == MISSING_ACCESS:
        return f"I can't see {channel_mention} (I'm missing **View Channel** there)"
    return (
        f"Discord refused my post in {channel_mention}: I'm missing permissions there "
        "(I need **View Channel**, **Send Messages** and **Embed Links**)"
    )


def member_reason(code: int, channel_mention: str, consequence: str) -> str:
    """The sentence a member sees when their own command's post was refused."""
    why = why_refused(code, channel_mention)
    return f"I couldn't post: {why}, so {consequence}. I've told the server's admins."


class AdminNotices:
    def __init__(
        self, state: StateRepo, guilds: GuildSettingsService, deliveries: DeliveryScheduler, clock: Clock
    ) -> None:
        self.state = state
        self.guilds = guilds
        self.deliveries = deliveries
        self.clock = clock

    async def post_refused(self, guild_id: int, channel_id: int, what: str, code: int) -> bool:
        """Record a refused post; tell the admins once per channel and cause. True if new."""
        now = self.clock()
        key = f"{_prefix(guild_id)}{channel_id}:{code}"
        problem = PostProblem(channel_id, what, code, now)
        value = json.dumps({"what": what, "at": now.isoformat()})
        if not await self.state.add(key, value):
            return False
        config = await self.guilds.get(guild_id)
        fallback = config.checkins_channel_id
        if fallback is not None and fallback != channel_id:
            await self.deliveries.schedule(
                KIND,
                now,
                channel_id=fallback,
                guild_id=guild_id,
                payload={"text": _notice_text(problem)},
                dedupe_key=f"notice:{key}",
            )
        return True

    async def problems(self, guild_id: int) -> list[PostProblem]:
        found = []
        for key, value in (await self.state.with_prefix(_prefix(guild_id))).items():
            channel_id, code = key.removeprefix(_prefix(guild_id)).split(":")
            data = json.loads(value)
            found.append(
                PostProblem(int(channel_id), data["what"], int(code), datetime.fromisoformat(data["at"]))
            )
        return sorted(found, key=lambda p: p.at, reverse=True)[:SHOWN_MAX]

    async def clear(self, guild_id: int) -> int:
        """The channels were set again: what was recorded is history."""
        return await self.state.delete_prefix(_prefix(guild_id))


def _notice_text(problem: PostProblem) -> str:
    return (
        f"**Repmate needs an admin:** {problem.what} could not be posted: {problem.reason}. "
        "Fix my role's permissions in that channel, or choose channels again with `/setup channels`. "
        "`/setup show` lists what is still unresolved."
    )
