"""The weekly recap: one post per server per week, through the delivery engine.

``/setup recap`` picks a channel, a weekday and a time in the server's zone (``/setup
timezone``). Each recap is a delivery (kind :data:`KIND`) whose dedupe key names the
server and the moment it is due, so it is sent exactly once, also across restarts; once
it is settled the next week's is scheduled. After downtime a recap still goes out (marked
late) until :data:`STALE_AFTER`, then it is recorded as missed and the next one follows.

A recap covers the seven local days before the recap's day (a Monday recap covers Monday
to Sunday), counting each workout on the member's own local day as logged. Members who
turned recap mentions off count in the totals but are never named; nothing is posted for
a week without a single session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.repositories.deliveries import Delivery
from bot.db.repositories.streaks import RecapConfig, StreakPrefs, StreakRepo
from bot.domain import localtime
from bot.errors import UserFacingError
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Settled
from bot.services.challenges import ChallengeService, Place
from bot.services.settings import Clock
from bot.services.streaks import StreakService

KIND = "weekly-recap"
#: A recap more than this late (the bot was down) is not worth posting; the next one follows.
STALE_AFTER = timedelta(days=2)
#: How many members each part of a recap names at most.
NAMED = 5
CHALLENGES_SHOWN = 3

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EXAMPLE_RECAP = "`/setup recap channel:#general day:mon time:09:00`"
_HHMM = re.compile(r"([01]?\d|2\d):(\d\d)")


@dataclass(frozen=True)
class ChallengeStanding:
    name: str
    top: tuple[Place, ...]
    participants: int


@dataclass(frozen=True)
class Recap:
    guild_id: int
    first: date
    last: date
    sessions: int
    members: int
    volume_kg: float
    records: int
    #: (user id, count) of the members who set the most records, named ones only.
    record_setters: tuple[tuple[int, int], ...]
    #: (user id, weeks) of the longest weekly streaks, named ones only.
    streaks: tuple[tuple[int, int], ...]
    #: (user id, sessions) of the most sessions this week, named ones only.
    most_sessions: tuple[tuple[int, int], ...]
    challenges: tuple[ChallengeStanding, ...]


def parse_recap_time(text: str) -> time:
    """``HH:MM`` on the 24-hour clock only: a weekly post at the wrong hour is worse than asking."""
    raw = (text or "").strip()
    match = _HHMM.fullmatch(raw)
    if match is None:
        raise UserFacingError(
            f"`{raw[:20]}` isn't a time as HH:MM on the 24-hour clock, so nothing was changed.",
            example=EXAMPLE_RECAP,
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UserFacingError(
            f"`{raw}` isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59, "
            "so nothing was changed.",
            example=EXAMPLE_RECAP,
        )
    return time(hour, minute)


def parse_day(text: str) -> int:
    word = (text or "").strip().casefold()[:3]
    if word in DAY_KEYS:
        return DAY_KEYS.index(word)
    raise UserFacingError(
        f"`{(text or '')[:20]}` isn't a day of the week; use mon, tue, wed, thu, fri, sat or sun.",
        example=EXAMPLE_RECAP,
    )


def recap_key(guild_id: int, due: datetime) -> str:
    return f"recap:{guild_id}:{due:%Y%m%dT%H%M}"


class RecapService:
    def __init__(
        self,
        repo: StreakRepo,
        streaks: StreakService,
        challenges: ChallengeService,
        deliveries: DeliveryScheduler,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.streaks = streaks
        self.challenges = challenges
        self.deliveries = deliveries
        self.clock = clock

    # -- configuration ---------------------------------------------------------------------------

    async def config(self, guild_id: int) -> RecapConfig:
        return await self.repo.recap(guild_id)

    async def zone(self, guild_id: int) -> ZoneInfo | None:
        config = await self.repo.recap(guild_id)
        return ZoneInfo(config.timezone) if config.timezone else None

    async def set_timezone(self, guild_id: int, name: str) -> RecapConfig:
        try:
            zone = localtime.parse_zone(name)
        except localtime.TimeInputError as exc:
            raise UserFacingError(str(exc), example="`/setup timezone zone:Europe/London`") from None
        config = await self.repo.update_recap(guild_id, self.clock(), timezone=zone.key)
        if config.scheduled:
            config = await self._reschedule(config)
        return config

    async def set_recap(
        self, guild_id: int, channel_id: int, day: str, at: str
    ) -> tuple[RecapConfig, datetime]:
        """Validate everything first, so a bad value changes nothing; then schedule the next recap."""
        weekday = parse_day(day)
        when = parse_recap_time(at)
        config = await self.repo.recap(guild_id)
        if config.timezone is None:
            raise UserFacingError(
                "This server has no time zone yet, so a recap time would be ambiguous; nothing was changed. "
                "Set it first with `/setup timezone`.",
                example="`/setup timezone zone:Europe/London`",
            )
        config = await self.repo.update_recap(
            guild_id,
            self.clock(),
            channel_id=channel_id,
            weekday=weekday,
            minute=when.hour * 60 + when.minute,
        )
        config = await self._reschedule(config)
        due = await self.next_due(config)
        assert due is not None
        return config, due

    async def next_due(self, config: RecapConfig) -> datetime | None:
        if config.next_key is None:
            return None
        delivery = await self.deliveries.get_by_key(config.next_key)
        return delivery.due_at if delivery is not None else None

    def _next_after(self, config: RecapConfig, after: datetime) -> datetime:
        assert config.timezone is not None and config.weekday is not None and config.minute is not None
        at = time(config.minute // 60, config.minute % 60)
        return localtime.next_daily_fire(at, ZoneInfo(config.timezone), frozenset({config.weekday}), after)

    async def _reschedule(self, config: RecapConfig) -> RecapConfig:
        """Replace the scheduled recap with one at the (new) time."""
        if config.next_key is not None:
            await self.deliveries.cancel_key(config.next_key)
        return await self._schedule(config, self._next_after(config, self.clock()))

    async def _schedule(self, config: RecapConfig, due: datetime) -> RecapConfig:
        assert config.channel_id is not None
        key = recap_key(config.guild_id, due)
        await self.deliveries.schedule(
            KIND, due, channel_id=config.channel_id, guild_id=config.guild_id, payload={}, dedupe_key=key
        )
        return await self.repo.update_recap(config.guild_id, self.clock(), next_key=key)

    # -- the delivery's lifecycle ----------------------------------------------------------------

    @staticmethod
    def is_stale(delivery: Delivery, now: datetime) -> bool:
        return now - delivery.due_at > STALE_AFTER

    async def settled(self, settled: Settled) -> None:
        """The week's recap is done (sent, missed or empty): schedule next week's."""
        delivery = settled.delivery
        if delivery.guild_id is None:
            return
        config = await self.repo.recap(delivery.guild_id)
        if not config.scheduled or config.next_key != delivery.dedupe_key:
            return  # replaced by a change of day or time, which scheduled its own
        await self._schedule(config, self._next_after(config, max(delivery.due_at, self.clock())))

    async def ensure_scheduled(self) -> int:
        """At start-up: every server with a recap has its next one (a crash can't lose the chain)."""
        checked = 0
        for config in await self.repo.scheduled_recaps():
            if config.timezone is None:
                continue
            checked += 1
            current = await self.deliveries.get_by_key(config.next_key) if config.next_key else None
            if current is None:
                await self._schedule(config, self._next_after(config, self.clock()))
            elif current.status in ("sent", "missed", "cancelled", "failed"):
                await self._schedule(config, self._next_after(config, max(current.due_at, self.clock())))
        return checked

    # -- the recap itself ------------------------------------------------------------------------

    async def build(self, guild_id: int, due: datetime) -> Recap | None:
        """The recap due at ``due``; None when the week had no sessions (nothing is posted)."""
        config = await self.repo.recap(guild_id)
        zone = ZoneInfo(config.timezone) if config.timezone else ZoneInfo("UTC")
        day = localtime.local_date(due, zone)
        first, last = day - timedelta(days=7), day - timedelta(days=1)
        week = await self.repo.server_week(guild_id, first, last)
        if not week:
            return None
        prefs = await self.repo.prefs_many(m.user_id for m in week)
        named = {m.user_id for m in week if prefs.get(m.user_id) is None or prefs[m.user_id].recap_mentions}

        setters = sorted(
            ((m.user_id, m.records) for m in week if m.records and m.user_id in named),
            key=lambda p: (-p[1], p[0]),
        )
        busiest = sorted(
            ((m.user_id, m.sessions) for m in week if m.user_id in named), key=lambda p: (-p[1], p[0])
        )
        streaks = await self._longest_streaks(sorted(named), prefs)
        standings = await self._standings(guild_id)
        return Recap(
            guild_id=guild_id,
            first=first,
            last=last,
            sessions=sum(m.sessions for m in week),
            members=len(week),
            volume_kg=sum(m.volume_kg for m in week),
            records=sum(m.records for m in week),
            record_setters=tuple(setters[:NAMED]),
            streaks=streaks,
            most_sessions=tuple(busiest[:NAMED]),
            challenges=standings,
        )

    async def _longest_streaks(
        self, user_ids: list[int], prefs: dict[int, StreakPrefs]
    ) -> tuple[tuple[int, int], ...]:
        """The longest current weekly streaks, recomputed only for the few that can make the list.

        Each member's streak as it stood at their last log can only have fallen since, so
        members are checked from the highest stored value down until no stored value can
        beat the shortest one already listed.
        """
        stored = sorted(
            ((prefs[uid].weekly_current if uid in prefs else 0, uid) for uid in user_ids),
            key=lambda p: (-p[0], p[1]),
        )
        found: list[tuple[int, int]] = []
        for cached, uid in stored:
            if cached <= 0:
                break
            if len(found) >= NAMED and cached <= found[-1][1]:
                break
            live = (await self.streaks.compute(uid)).weekly_current
            if live > 0:
                found.append((uid, live))
                found.sort(key=lambda p: (-p[1], p[0]))
                del found[NAMED:]
        return tuple(found)

    async def _standings(self, guild_id: int) -> tuple[ChallengeStanding, ...]:
        """The running challenges' leaders, leaving out members who asked not to be named."""
        now = self.clock()
        overview = await self.challenges.overview(guild_id, 0)
        running = [c for c in overview.challenges if c.status(now) == "running"][:CHALLENGES_SHOWN]
        standings = []
        for challenge in running:
            board = await self.challenges.leaderboard_of(challenge, 0, top=NAMED * 2)
            prefs = await self.repo.prefs_many(p.user_id for p in board.top)
            shown = tuple(p for p in board.top if p.user_id not in prefs or prefs[p.user_id].recap_mentions)
            standings.append(ChallengeStanding(challenge.name, shown[:3], board.participants))
        return tuple(standings)


__all__ = ["KIND", "ChallengeStanding", "Recap", "RecapService", "parse_day", "parse_recap_time", "recap_key"]
