"""Wiring: every service the cogs use, built once per bot over one database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.db.database import Database
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.state import StateRepo
from bot.services.settings import Clock, GuildSettingsService, MemberSettingsService


@dataclass
class Services:
    db: Database
    state: StateRepo
    guilds: GuildSettingsService
    members: MemberSettingsService


def build_services(db: Database, settings: Settings, clock: Clock) -> Services:
    return Services(
        db=db,
        state=StateRepo(db),
        guilds=GuildSettingsService(GuildRepo(db), clock),
        members=MemberSettingsService(MemberRepo(db), settings.default_timezone, clock),
    )
