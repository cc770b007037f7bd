"""Wiring: every service the cogs use, built once per bot over one database.

Core services are constructor arguments; each feature adds its services as
``field(init=False)`` and builds them in ``build_services`` after what they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.config import Settings
from bot.db.database import Database
from bot.db.repositories.challenges import ChallengeRepo
from bot.db.repositories.checkins import CheckinRepo
from bot.db.repositories.deliveries import DeliveryRepo
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.plans import PlanRepo
from bot.db.repositories.routines import RoutineRepo
from bot.db.repositories.state import StateRepo
from bot.db.repositories.timers import TimerRepo
from bot.db.repositories.workouts import WorkoutRepo
from bot.scheduling.deliveries import DeliveryScheduler
from bot.services.challenges import ChallengeService
from bot.services.checkins import CheckinService
from bot.services.plans import ExerciseLibrary, PlanService
from bot.services.privacy import PrivacyService
from bot.services.reminders import ReminderService
from bot.services.routines import RoutineService
from bot.services.settings import Clock, GuildSettingsService, MemberSettingsService
from bot.services.timers import TimerService
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
    checkins: CheckinService = field(init=False)
    reminders: ReminderService = field(init=False)
    # -- challenges and intervals (fields) --
    challenges: ChallengeService = field(init=False)
    timers: TimerService = field(init=False)
    # -- plans and privacy (fields) --
    exercises: ExerciseLibrary = field(init=False)
    plans: PlanService = field(init=False)
    privacy: PrivacyService = field(init=False)


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
    services.routines = RoutineService(RoutineRepo(db), clock, members=services.members)
    services.workouts = WorkoutService(WorkoutRepo(db), services.routines, services.members, clock)
    # -- check-ins and reminders (build) --
    checkin_repo = CheckinRepo(db)
    services.checkins = CheckinService(
        checkin_repo, services.deliveries, services.members, services.workouts, clock
    )
    services.reminders = ReminderService(checkin_repo, services.deliveries, services.members, clock)
    # -- challenges and intervals (build) --
    services.challenges = ChallengeService(
        ChallengeRepo(db), services.guilds, services.members, services.deliveries, clock
    )
    services.timers = TimerService(TimerRepo(db), clock)
    # -- plans and privacy (build) --
    services.exercises = ExerciseLibrary(services.routines.catalogue)
    services.plans = PlanService(PlanRepo(db), services.routines, services.members, clock)
    plans = services.plans

    async def planned_routine(user_id: int, day: date) -> tuple[int, str] | None:
        planned = await plans.planned_for(user_id, day)
        return (planned.routine_id, planned.routine_name) if planned is not None else None

    services.reminders.plan_lookup = planned_routine
    services.privacy = PrivacyService(db, clock, retention_days=settings.retention_days)
    return services
