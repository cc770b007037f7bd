"""Wiring: every service the cogs use, built once per bot over one database.

Core services are constructor arguments; each feature adds its services as
``field(init=False)`` and builds them in ``build_services`` after what they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.db.database import Database
from bot.db.repositories.deliveries import DeliveryRepo
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.routines import RoutineRepo
from bot.db.repositories.state import StateRepo
from bot.db.repositories.workouts import WorkoutRepo
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.routines import RoutineService
from bot.services.settings import Clock, GuildSettingsService, MemberSettingsService
from bot.services.workouts import WorkoutService


@dataclass
class Services:
    db: Database
    clock: Clock
    state: StateRepo
    guilds: GuildSettingsService
    members: MemberSettingsService
    deliveries: DeliveryScheduler
    # -- routines and workout log (fields) --
    routines: RoutineService = field(init=False)
    workouts: WorkoutService = field(init=False)
    # -- check-ins and reminders (fields) --
    # -- challenges and intervals (fields) --
    # -- plans and privacy (fields) --


def build_services(db: Database, settings: Settings, clock: Clock) -> Services:
    services = Services(
        db=db,
        clock=clock,
        state=StateRepo(db),
        guilds=GuildSettingsService(GuildRepo(db), clock),
        members=MemberSettingsService(MemberRepo(db), settings.default_timezone, clock),
        deliveries=DeliveryScheduler(DeliveryRepo(db), clock),
    )
    # -- routines and workout log (build) --
    services.routines = RoutineService(RoutineRepo(db), clock)
    services.workouts = WorkoutService(WorkoutRepo(db), services.routines, services.members, clock)
    # -- check-ins and reminders (build) --
    # -- challenges and intervals (build) --
    # -- plans and privacy (build) --
    return services
