"""Wiring: every service, every subscription between them, and what the runtime runs for them.

Built once per bot over one database, in dependency order. Services take what they need
as constructor arguments; what one service tells another (a logged workout schedules a
check-in, a changed time zone moves the reminder) is subscribed here, so the services
stay unaware of each other's listeners. The delivery kinds' lifecycles (staleness, what
follows a settled delivery) and the periodic jobs come from the services too, so those
rules hold whichever adapters are loaded; the adapters add only how things look.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from discord.ext import commands

from bot.config import Settings
from bot.db.database import Database
from bot.db.repositories.challenges import ChallengeRepo
from bot.db.repositories.checkins import CheckinRepo
from bot.db.repositories.deliveries import Delivery, DeliveryRepo
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.imports import ImportRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.plans import PlanRepo
from bot.db.repositories.reminders import ReminderRepo
from bot.db.repositories.routines import RoutineRepo
from bot.db.repositories.sessions import SessionRepo
from bot.db.repositories.state import StateRepo
from bot.db.repositories.streaks import StreakRepo
from bot.db.repositories.timers import TimerRepo
from bot.db.repositories.training import TrainingRepo
from bot.db.repositories.workouts import WorkoutRepo
from bot.runtime import Runtime
from bot.runtime.dispatcher import PostRefused
from bot.runtime.periodic import Job
from bot.runtime.tasks import ErrorSink
from bot.scheduling.deliveries import DeliveryScheduler
from bot.scheduling.lifecycle import Lifecycle
from bot.scheduling.ratelimit import Pacer
from bot.services import challenges, checkins, digests, milestones, notices, recaps, reminders, sessions
from bot.services.challenges import ChallengeService
from bot.services.checkins import CheckinService
from bot.services.digests import DigestService
from bot.services.exercises import ExerciseLibrary
from bot.services.housekeeping import DeliveryHousekeeping
from bot.services.imports import ImportService
from bot.services.intervals import TimerService
from bot.services.milestones import MilestoneService
from bot.services.notices import AdminNotices
from bot.services.plans import PlanService
from bot.services.privacy import PrivacyService
from bot.services.programs import ProgramService
from bot.services.progression import ProgressionService
from bot.services.readiness import ReadinessService
from bot.services.recaps import RecapService
from bot.services.reminders import ReminderService
from bot.services.routines import RoutineService
from bot.services.sessions import SessionService
from bot.services.settings import Clock, GuildSettingsService, MemberSettingsService
from bot.services.streaks import Progress, StreakService
from bot.services.workouts import WorkoutService

log = logging.getLogger(__name__)


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
    #: History in and out as CSV; writes the log directly, so on_logged never fires for it.
    imports: ImportService = field(init=False)
    # -- check-ins and reminders (fields) --
    checkins: CheckinService = field(init=False)
    reminders: ReminderService = field(init=False)
    # -- challenges and intervals (fields) --
    challenges: ChallengeService = field(init=False)
    intervals: TimerService = field(init=False)
    # -- plans and privacy (fields) --
    notices: AdminNotices = field(init=False)
    exercises: ExerciseLibrary = field(init=False)
    plans: PlanService = field(init=False)
    privacy: PrivacyService = field(init=False)
    # -- progression hints and programs (fields) --
    progression: ProgressionService = field(init=False)
    programs: ProgramService = field(init=False)
    # -- readiness (fields) --
    readiness: ReadinessService = field(init=False)
    # -- group sessions (fields) --
    sessions: SessionService = field(init=False)
    # -- housekeeping (fields) --
    housekeeping: DeliveryHousekeeping = field(init=False)
    # -- streaks, recaps and milestones (fields) --
    streaks: StreakService = field(init=False)
    recaps: RecapService = field(init=False)
    milestones: MilestoneService = field(init=False)
    digests: DigestService = field(init=False)


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
    services.imports = ImportService(
        ImportRepo(db),
        services.members,
        clock,
        catalogue=services.workouts.catalogue,
        retention_days=settings.retention_days,
    )
    # -- plans (build; reminders show the day's plan) --
    services.exercises = ExerciseLibrary(services.routines.catalogue)
    services.plans = PlanService(PlanRepo(db), services.routines, services.members, clock)
    plans = services.plans

    async def planned_routine(user_id: int, day: date) -> tuple[int, str] | None:
        planned = await plans.planned_for(user_id, day)
        return (planned.routine_id, planned.routine_name) if planned is not None else None

    # -- check-ins and reminders (build) --
    services.checkins = CheckinService(
        CheckinRepo(db), services.deliveries, services.members, services.workouts, clock
    )
    services.reminders = ReminderService(
        ReminderRepo(db), services.deliveries, services.members, clock, plan_lookup=planned_routine
    )
    # -- challenges and intervals (build) --
    services.challenges = ChallengeService(
        ChallengeRepo(db), services.guilds, services.members, services.deliveries, clock
    )
    services.intervals = TimerService(TimerRepo(db), clock)
    # -- what admins must fix (build) --
    services.notices = AdminNotices(services.state, services.guilds, services.deliveries, clock)
    # -- progression hints and programs (build) --
    training = TrainingRepo(db)
    services.progression = ProgressionService(training, services.routines, services.members, clock)
    services.programs = ProgramService(
        training, services.routines, services.plans, services.members, services.workouts, clock
    )
    # -- group sessions (build) --
    services.sessions = SessionService(
        SessionRepo(db),
        services.deliveries,
        services.guilds,
        services.members,
        services.routines,
        services.workouts,
        services.intervals,
        clock,
        challenges=services.challenges,
    )
    # -- streaks, recaps and milestones (build) --
    streak_repo = StreakRepo(db)
    services.streaks = StreakService(streak_repo, services.members, clock)
    services.recaps = RecapService(
        streak_repo, services.streaks, services.challenges, services.deliveries, clock
    )
    services.milestones = MilestoneService(streak_repo, services.deliveries, clock)
    services.challenges.days_of = services.streaks.days
    services.digests = DigestService(
        streak_repo, services.streaks, services.members, services.deliveries, clock
    )
    # -- privacy (build) --
    services.privacy = PrivacyService(db, clock, retention_days=settings.retention_days)
    # -- readiness (build; derived at read time from the log and the ratings, nothing stored) --
    services.readiness = ReadinessService(
        WorkoutRepo(db), CheckinRepo(db), clock, catalogue=services.routines.catalogue
    )
    # -- housekeeping (build) --
    services.housekeeping = DeliveryHousekeeping(
        DeliveryRepo(db),
        clock,
        retention_days=settings.delivery_retention_days,
        keep_kinds=(challenges.START_KIND, challenges.END_KIND),
    )
    subscribe(services)
    return services


def subscribe(services: Services) -> None:
    """What one service tells another."""
    services.workouts.on_logged.append(services.checkins.on_workout_logged)
    services.workouts.on_removed.append(services.checkins.on_workout_removed)
    services.members.on_zone_changed.append(services.reminders.reschedule)
    # -- progression hints and programs (subscriptions) --
    services.workouts.on_logged.append(services.programs.on_workout_logged)
    # -- streaks, recaps and milestones (subscriptions) --
    services.workouts.on_logged.append(services.streaks.on_workout_logged)
    services.workouts.on_removed.append(services.streaks.on_workout_removed)
    services.streaks.on_progress.append(services.milestones.on_progress)
    challenge_service = services.challenges

    async def recount_consistency(progress: Progress) -> None:
        await challenge_service.refresh_weekly(progress.user_id)

    services.streaks.on_progress.append(recount_consistency)
    services.members.on_zone_changed.append(services.digests.reschedule)
    services.plans.on_changed.append(services.streaks.on_plan_changed)
    services.members.on_quiet_hours_changed.append(services.digests.reschedule)


def delivery_lifecycles(services: Services) -> dict[str, Lifecycle]:
    """Every delivery kind's business rules, from the service that schedules it."""
    return {
        reminders.KIND: Lifecycle(is_stale=services.reminders.is_stale, settled=services.reminders.settled),
        reminders.SNOOZE_KIND: Lifecycle(is_stale=services.reminders.is_stale),
        checkins.KIND: Lifecycle(is_stale=services.checkins.is_stale),
        challenges.START_KIND: Lifecycle(settled=services.challenges.announcement_settled),
        challenges.END_KIND: Lifecycle(settled=services.challenges.results_settled),
        notices.KIND: Lifecycle(),
        # -- group sessions (lifecycles) --
        sessions.REMINDER_KIND: Lifecycle(is_stale=services.sessions.reminder_is_stale),
        sessions.START_KIND: Lifecycle(
            is_stale=services.sessions.start_is_stale, settled=services.sessions.started
        ),
        sessions.END_KIND: Lifecycle(settled=services.sessions.ended),
        sessions.CANCELLED_KIND: Lifecycle(is_stale=services.sessions.notice_is_stale),
        sessions.VOICE_NOTE_KIND: Lifecycle(is_stale=services.sessions.notice_is_stale),
        # -- streaks, recaps and milestones (lifecycles) --
        recaps.KIND: Lifecycle(is_stale=services.recaps.is_stale, settled=services.recaps.settled),
        # A role grant is not a DM: closed DMs don't hold it back.
        milestones.KIND: Lifecycle(direct_message=False),
        digests.KIND: Lifecycle(is_stale=services.digests.is_stale, settled=services.digests.settled),
    }


#: What each kind posted in a server channel is, for an admin told it could not be posted.
POST_LABELS = {
    challenges.START_KIND: "A challenge announcement",
    challenges.END_KIND: "A challenge's results",
    recaps.KIND: "The weekly recap",
    sessions.START_KIND: "A group session's start",
    sessions.END_KIND: "A group session's recap",
}


def post_refused(services: Services) -> PostRefused:
    async def told(delivery: Delivery, code: int) -> None:
        if code in notices.ADMIN_FIXES and delivery.guild_id and delivery.channel_id:
            what = POST_LABELS.get(delivery.kind, "A scheduled post")
            await services.notices.post_refused(delivery.guild_id, delivery.channel_id, what, code)

    return told


def _hourly(now: datetime) -> datetime:
    return now + timedelta(hours=1)


def periodic_jobs(services: Services) -> list[Job]:
    """What runs on a timetable, or once at start-up."""
    jobs = [
        # A challenge created just before a crash may lack its announcements: schedule them.
        Job("challenge-deliveries-check", services.challenges.ensure_scheduled),
        # A daily reminder whose next occurrence was never written (a crash right after the
        # last was sent) gets it back: at start-up, then hourly.
        Job("reminder-chain-check", services.reminders.ensure_scheduled),
        Job("reminder-chain-repair", services.reminders.ensure_scheduled, next_run=_hourly),
        # Sent and missed deliveries older than the retention window.
        Job("delivery-purge", services.housekeeping.purge, next_run=services.housekeeping.next_run),
        # -- streaks, recaps and milestones (jobs) --
        Job("recap-deliveries-check", services.recaps.ensure_scheduled),
        Job("digest-deliveries-check", services.digests.ensure_scheduled),
    ]
    privacy = services.privacy
    if privacy.retention_days:

        async def purge() -> None:
            removed = await privacy.purge_expired()
            log.info("Retention purge removed %s", removed)

        jobs.append(Job("privacy-retention", purge, next_run=privacy.next_purge_after))
    return jobs


def build_runtime(client: commands.Bot, services: Services, *, pacer: Pacer, on_error: ErrorSink) -> Runtime:
    return Runtime(
        client,
        deliveries=services.deliveries,
        members=services.members.repo,
        guilds=GuildRepo(services.db),
        timers=services.intervals,
        pacer=pacer,
        clock=services.clock,
        on_error=on_error,
        lifecycles=delivery_lifecycles(services),
        jobs=periodic_jobs(services),
        on_post_refused=post_refused(services),
    )
