"""Settings, read and validated once.

Every key the bot understands lives here and in ``.env.example``; nothing else reads
the environment. A bad value raises :class:`ConfigError` with one sentence that says
which setting, what is wrong and what would work, so start-up can stop cleanly
instead of failing later with a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/repmate.db"
_SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}


def _normalise_database_url(url: str) -> str:
    """Accept the URLs people copy from hosting dashboards and pick the async driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def validate_timezone(name: str) -> ZoneInfo:
    if not name or name != name.strip() or name.startswith("/") or ".." in name or name.lower() == "local":
        raise ValueError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError) as exc:
        raise ValueError(name) from exc


@dataclass(frozen=True)
class Settings:
    """The bot's configuration; field names are the environment variables in lower case."""

    discord_token: str | None = field(default=None, repr=False)
    database_url: str = DEFAULT_DATABASE_URL
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    owner_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    dispatch_rate: float = 45.0
    retention_days: int | None = None
    delivery_retention_days: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", _normalise_database_url(self.database_url))
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise ConfigError(
                f"DATABASE_URL `{self.database_url}` is not a database URL; use "
                f"`{DEFAULT_DATABASE_URL}` (the default) or `postgresql+asyncpg://user@host/dbname`."
            ) from None
        if url.drivername not in _SUPPORTED_DRIVERS:
            raise ConfigError(
                f"DATABASE_URL uses `{url.drivername}`, which Repmate does not support; use "
                f"`{DEFAULT_DATABASE_URL}` or `postgresql+asyncpg://user@host/dbname`."
            )
        if url.drivername.startswith("sqlite") and not url.database:
            raise ConfigError(
                f"DATABASE_URL `{self.database_url}` names no database file; use `{DEFAULT_DATABASE_URL}`."
            )
        try:
            validate_timezone(self.default_timezone)
        except ValueError:
            raise ConfigError(
                f"DEFAULT_TIMEZONE `{self.default_timezone}` is not a known IANA time zone; "
                "use a name such as `UTC`, `Europe/Berlin` or `America/New_York`."
            ) from None
        level = self.log_level.upper()
        if level not in _LOG_LEVELS:
            raise ConfigError(
                f"LOG_LEVEL `{self.log_level}` is not a log level; "
                f"use one of {', '.join(sorted(_LOG_LEVELS))}."
            )
        object.__setattr__(self, "log_level", level)
        if self.shard_ids is not None and self.shard_count is None:
            raise ConfigError(
                "SHARD_IDS needs SHARD_COUNT as well, e.g. `SHARD_COUNT=4` with `SHARD_IDS=0,1`."
            )
        if self.shard_count is not None:
            if self.shard_count < 1:
                raise ConfigError(
                    f"SHARD_COUNT must be 1 or more, got {self.shard_count}; e.g. `SHARD_COUNT=2`."
                )
            bad = [i for i in self.shard_ids or () if not 0 <= i < self.shard_count]
            if bad:
                raise ConfigError(
                    f"SHARD_IDS {bad} are outside 0–{self.shard_count - 1} "
                    f"for SHARD_COUNT={self.shard_count}."
                )
        if not 0 < self.dispatch_rate <= 50:
            raise ConfigError(
                f"DISPATCH_RATE must be above 0 and at most 50 requests/s, got {self.dispatch_rate}."
            )
        if self.retention_days is not None and self.retention_days < 1:
            raise ConfigError(
                f"RETENTION_DAYS must be a number of days (1 or more), or empty to keep history; "
                f"got {self.retention_days}."
            )

        if self.delivery_retention_days < 1:
            raise ConfigError(
                "DELIVERY_RETENTION_DAYS must be a number of days (1 or more) to keep sent and missed "
                f"deliveries, e.g. `30`; got {self.delivery_retention_days}."
            )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings from the environment (after loading ``.env`` when asked)."""
        if environ is None:
            if dotenv:
                from dotenv import load_dotenv

                load_dotenv(Path.cwd() / ".env", override=False)
            environ = os.environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _parse_field(f.name, raw.strip())
        return cls(**values)  # type: ignore[arg-type]


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name.upper()} must be a whole number, got `{raw}`.") from None


def _parse_field(name: str, raw: str) -> object:
    if name == "owner_ids":
        parts = [p for p in raw.replace(" ", ",").split(",") if p]
        try:
            return frozenset(int(p) for p in parts)
        except ValueError:
            raise ConfigError(
                "OWNER_IDS must be Discord user ids separated by commas, "
                f"e.g. `123456789012345678`; got `{raw}`."
            ) from None
    if name == "shard_ids":
        return tuple(_parse_int(name, p) for p in raw.split(",") if p.strip())
    if name in {"dev_guild_id", "shard_count", "retention_days", "delivery_retention_days"}:
        return _parse_int(name, raw)
    if name == "dispatch_rate":
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(
                f"DISPATCH_RATE must be a number of requests per second, got `{raw}`."
            ) from None
    return raw


def configure_logging(settings: Settings) -> None:
    import discord

    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
