"""Server configuration (SPEC §2) and members' own settings (SPEC §3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

# Re-exported: the adapters show a server's settings without reaching into the database layer.
from bot.db.repositories.guilds import GuildConfig as GuildConfig
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo, MemberRow
from bot.domain import localtime
from bot.errors import UserFacingError

Clock = Callable[[], datetime]

CLINICIAN_TEXT_MAX = 300
EMERGENCY_NUMBER_MAX = 40
DEFAULT_EMERGENCY_TEXT = "your local emergency number"
UNITS = ("kg", "lb")


class GuildSettingsService:
    def __init__(self, repo: GuildRepo, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def get(self, guild_id: int) -> GuildConfig:
        return await self.repo.get(guild_id)

    async def set_channels(
        self, guild_id: int, *, routines_id: int, challenges_id: int, checkins_id: int | None
    ) -> GuildConfig:
        return await self.repo.update(
            guild_id,
            self.clock(),
            routines_channel_id=routines_id,
            challenges_channel_id=challenges_id,
            checkins_channel_id=checkins_id,
        )

    async def set_coach_role(self, guild_id: int, role_id: int) -> GuildConfig:
        return await self.repo.update(guild_id, self.clock(), coach_role_id=role_id)

    async def set_clinician(self, guild_id: int, text: str, url: str | None) -> GuildConfig:
        text = " ".join(text.split())
        if not text:
            raise UserFacingError(
                "The clinician text can't be empty.",
                example="`/setup clinician text:Club physio Sam, Tue/Thu evenings at the front desk`",
            )
        if len(text) > CLINICIAN_TEXT_MAX:
            raise UserFacingError(
                f"The clinician text is {len(text)} characters; the limit is {CLINICIAN_TEXT_MAX}.",
                example="`/setup clinician text:Riverside Sports Clinic, 0123 456 789`",
            )
        if url is not None:
            url = url.strip()
            parsed = urlparse(url)
            if parsed.scheme != "https" or not parsed.netloc or " " in url or len(url) > 500:
                raise UserFacingError(
                    f"`{url[:100]}` isn't an https link.",
                    example="`url:https://example-clinic.org/sports-injuries`",
                )
        return await self.repo.update(guild_id, self.clock(), clinician_text=text, clinician_url=url)

    async def set_emergency_number(self, guild_id: int, number: str) -> GuildConfig:
        number = " ".join(number.split())
        if not number or len(number) > EMERGENCY_NUMBER_MAX or not any(c.isdigit() for c in number):
            raise UserFacingError(
                f"The emergency number must contain digits and be at most {EMERGENCY_NUMBER_MAX} characters.",
                example="`/setup emergency-number number:911` (or `999`, `112`, `000`)",
            )
        if any(c in number for c in "@<>`*_~|"):
            raise UserFacingError(
                "The emergency number may only hold digits, spaces, + and a few words.",
                example="`/setup emergency-number number:112`",
            )
        return await self.repo.update(guild_id, self.clock(), emergency_number=number)


@dataclass(frozen=True)
class TimezoneSet:
    """A zone just set, with a line for the member when it never changes for daylight saving."""

    settings: MemberSettings
    note: str | None


@dataclass(frozen=True)
class MemberSettings:
    """A member's settings with defaults resolved."""

    user_id: int
    zone: ZoneInfo
    zone_is_default: bool
    units: str
    checkins_enabled: bool
    quiet: localtime.QuietHours
    dm_channel_id: int | None
    unreachable: bool
    last_guild_id: int | None


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


class MemberSettingsService:
    def __init__(self, repo: MemberRepo, default_timezone: str, clock: Clock) -> None:
        self.repo = repo
        self.default_zone = ZoneInfo(default_timezone)
        self.clock = clock
        #: Called with the member's id after their time zone changed (reminders move with it).
        self.on_zone_changed: list[Callable[[int], Awaitable[None]]] = []
        #: Called with the member's id after their quiet hours changed (the weekly digest moves).
        self.on_quiet_hours_changed: list[Callable[[int], Awaitable[None]]] = []

    def resolve(self, row: MemberRow) -> MemberSettings:
        return MemberSettings(
            user_id=row.user_id,
            zone=ZoneInfo(row.timezone) if row.timezone else self.default_zone,
            zone_is_default=row.timezone is None,
            units=row.units,
            checkins_enabled=row.checkins_enabled,
            quiet=localtime.QuietHours(_time(row.quiet_start_min), _time(row.quiet_end_min)),
            dm_channel_id=row.dm_channel_id,
            unreachable=row.unreachable_since is not None,
            last_guild_id=row.last_guild_id,
        )

    async def get(self, user_id: int) -> MemberSettings:
        return self.resolve(await self.repo.get(user_id))

    async def set_timezone(self, user_id: int, name: str) -> MemberSettings:
        """Set the zone by its tz-database name, no questions asked (a chosen button, a test)."""
        try:
            zone = localtime.parse_zone(name)
        except localtime.TimeInputError as exc:
            raise UserFacingError(str(exc)) from None
        settings = self.resolve(await self.repo.update(user_id, self.clock(), timezone=zone.key))
        for listener in self.on_zone_changed:
            await listener(user_id)
        return settings

    async def choose_timezone(self, user_id: int, name: str) -> TimezoneSet | localtime.ZoneQuestion:
        """`/settings timezone`: set a place at once; ask first about an abbreviation or offset.

        Nothing is stored when a question comes back; the member's answer goes to pick_timezone.
        """
        try:
            resolved = localtime.resolve_zone(name, self.clock())
        except localtime.TimeInputError as exc:
            raise UserFacingError(str(exc)) from None
        if isinstance(resolved, localtime.ZoneQuestion):
            return resolved
        settings = await self.set_timezone(user_id, resolved.zone.key)
        return TimezoneSet(settings, resolved.note)

    async def pick_timezone(self, user_id: int, name: str) -> TimezoneSet:
        """The member's answer to a zone question: a place, or keeping the fixed zone."""
        settings = await self.set_timezone(user_id, name)
        return TimezoneSet(settings, localtime.fixed_zone_note(settings.zone, self.clock()))

    async def set_units(self, user_id: int, units: str) -> MemberSettings:
        units = units.strip().lower()
        if units not in UNITS:
            raise UserFacingError(
                f"`{units}` isn't a unit for weights.", example="`/settings units units:kg`"
            )
        return self.resolve(await self.repo.update(user_id, self.clock(), units=units))

    async def set_checkins(self, user_id: int, enabled: bool) -> MemberSettings:
        return self.resolve(await self.repo.update(user_id, self.clock(), checkins_enabled=enabled))

    async def set_quiet_hours(self, user_id: int, start: str, end: str) -> MemberSettings:
        try:
            start_t = localtime.parse_hhmm(start)
            end_t = localtime.parse_hhmm(end)
        except localtime.TimeInputError as exc:
            raise UserFacingError(str(exc)) from None
        settings = self.resolve(
            await self.repo.update(
                user_id, self.clock(), quiet_start_min=_minutes(start_t), quiet_end_min=_minutes(end_t)
            )
        )
        for listener in self.on_quiet_hours_changed:
            await listener(user_id)
        return settings
