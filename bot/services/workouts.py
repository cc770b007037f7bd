"""The workout log: sessions from routines or ad hoc notation, records, history, undo (SPEC §4).

Planned sets become logged sets as written: a rep range counts at its low end (the
work the plan commits to), AMRAP and timed sets are logged without a rep count, and
only sets with a known absolute load add to volume. Weights are stored in kg and
shown in the member's units by whoever renders them.

Other features react to the log through two listener lists rather than being called
from here: ``on_logged`` runs after a session is stored and ``on_removed`` after an
undo. A failing listener is logged and never undoes or hides the member's log.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.repositories.workouts import ExerciseTally, NewSession, SessionRow, SetRow, WorkoutRepo
from bot.domain.exercises import Catalogue, default_catalogue, normalise_name
from bot.domain.records import PersonalRecord, RecordKind, SetRecord, detect_records_against
from bot.domain.routines import (
    Bodyweight,
    ExerciseLine,
    PercentOfMax,
    Reps,
    Weight,
    volume_kg,
)
from bot.domain.text import inline_code
from bot.domain.units import WeightSystem
from bot.errors import NotFound, UserFacingError
from bot.services.routines import RoutineService, parse_notation
from bot.services.settings import MemberSettingsService

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

RPE_MIN, RPE_MAX = 1, 10
NOTES_MAX = 500
HISTORY_DAYS_MIN, HISTORY_DAYS_MAX = 1, 365
UNDO_WINDOW = timedelta(hours=24)
RECENT_SESSIONS = 10

#: Ad hoc exercises arrive in one slash-command option, which can't hold line breaks.
_AD_HOC_SPLIT_RE = re.compile(r"\s*\|\s*|\r\n|\r|\n")


@dataclass(frozen=True)
class LoggedSession:
    """What listeners (check-ins) need to know about a stored session."""

    session_id: int
    user_id: int
    guild_id: int | None
    performed_at: datetime
    #: Personal records the session set (first-time baselines not counted).
    records: int = 0


@dataclass(frozen=True)
class LoggedExercise:
    name: str
    exercise_key: str
    custom: bool
    line: ExerciseLine
    volume_kg: float | None


@dataclass(frozen=True)
class LoggedWorkout:
    session: LoggedSession
    routine_name: str | None
    exercises: tuple[LoggedExercise, ...]
    volume_kg: float
    rpe: int | None
    notes: str | None
    records: tuple[PersonalRecord, ...]
    units: WeightSystem

    @property
    def new_records(self) -> tuple[PersonalRecord, ...]:
        return tuple(r for r in self.records if r.kind is not RecordKind.FIRST_LOGGED)

    @property
    def baselines(self) -> tuple[PersonalRecord, ...]:
        return tuple(r for r in self.records if r.kind is RecordKind.FIRST_LOGGED)


@dataclass(frozen=True)
class WeekVolume:
    """Volume of one local week (Monday to Sunday in the member's zone)."""

    week_start: date
    volume_kg: float


@dataclass(frozen=True)
class History:
    days: int
    since: datetime
    sessions: tuple[SessionRow, ...]
    session_count: int
    total_volume_kg: float
    weeks: tuple[WeekVolume, ...]
    top_exercises: tuple[ExerciseTally, ...]
    units: WeightSystem
    zone: ZoneInfo


@dataclass(frozen=True)
class RemovedWorkout:
    session: SessionRow


def exercise_key(name: str, catalogue: Catalogue) -> tuple[str, str, bool]:
    """(key, display name, custom?) — catalogue id and name, or ``custom:<normalised>``."""
    known = catalogue.lookup(name)
    if known is not None:
        return known.id, known.name, False
    return f"custom:{normalise_name(name) or name.casefold()}"[:120], name, True


def planned_sets(line: ExerciseLine, position: int, name: str, key: str) -> list[SetRow]:
    """The sets a routine line asks for, as they are logged."""
    reps = line.reps.min_reps
    duration = line.reps.seconds if line.reps.kind == "duration" else None
    load = line.load
    kind: str | None = None
    weight: float | None = None
    percent: float | None = None
    if isinstance(load, Weight):
        kind, weight = "weight", load.kg
    elif isinstance(load, Bodyweight):
        kind, weight = "bw", load.extra.kg if load.extra is not None else 0.0
    elif isinstance(load, PercentOfMax):
        kind, percent = "percent", load.percent
    return [
        SetRow(
            position=position,
            exercise=name,
            exercise_key=key,
            set_no=number,
            reps=reps,
            load_kind=kind,
            weight_kg=weight,
            percent=percent,
            duration_s=duration,
        )
        for number in range(1, line.sets + 1)
    ]


def logged_line(line: ExerciseLine) -> ExerciseLine:
    """The line as it is logged: a rep range counts at its low end."""
    if line.reps.kind == "range" and line.reps.low is not None:
        return dataclasses.replace(line, reps=Reps.count(line.reps.low))
    return line


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_volumes(
    sessions: Sequence[tuple[datetime, float]], zone: ZoneInfo, since: datetime, now: datetime
) -> tuple[WeekVolume, ...]:
    """Zero-filled weekly totals from the week holding ``since`` to the current week, local time."""
    first = week_start(since.astimezone(zone).date())
    last = week_start(now.astimezone(zone).date())
    totals: dict[date, float] = {}
    current = first
    while current <= last:
        totals[current] = 0.0
        current += timedelta(days=7)
    for performed_at, volume in sessions:
        week = week_start(performed_at.astimezone(zone).date())
        if week in totals:
            totals[week] += volume
    return tuple(WeekVolume(week, total) for week, total in totals.items())


Listener = Callable[[LoggedSession], Awaitable[None]]
RemovedListener = Callable[[int, int], Awaitable[None]]


class WorkoutService:
    def __init__(
        self,
        repo: WorkoutRepo,
        routines: RoutineService,
        members: MemberSettingsService,
        clock: Clock,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.repo = repo
        self.routines = routines
        self.members = members
        self.clock = clock
        self.catalogue = catalogue or default_catalogue()
        #: Called with the stored session after every log (check-ins subscribe here).
        self.on_logged: list[Listener] = []
        #: Called with (user_id, session_id) after a session is undone.
        self.on_removed: list[RemovedListener] = []

    # -- logging ---------------------------------------------------------------------------------

    async def log(
        self,
        user_id: int,
        guild_id: int | None,
        *,
        routine: str | None = None,
        exercises: str | None = None,
        rpe: int | None = None,
        notes: str | None = None,
    ) -> LoggedWorkout:
        """``/log workout``: exactly one of a routine name (own library) or ad hoc notation."""
        routine = (routine or "").strip() or None
        exercises = (exercises or "").strip() or None
        if (routine is None) == (exercises is None):
            raise UserFacingError(
                "Give either a routine or exercises (one of the two).",
                example="`/log workout routine:Leg Day` or `/log workout exercises:Back Squat 3x5 @ 100kg`",
            )
        rpe, notes = self._check_extras(rpe, notes)
        if routine is not None:
            chosen = await self.routines.get_own(user_id, routine)
            return await self._store(user_id, guild_id, chosen.id, chosen.name, chosen.lines, rpe, notes)
        assert exercises is not None
        units = _units((await self.members.get(user_id)).units)
        lines = self._parse_ad_hoc(exercises, units)
        return await self._store(user_id, guild_id, None, None, lines, rpe, notes, units=units)

    async def log_routine(
        self,
        user_id: int,
        guild_id: int | None,
        routine_id: int,
        *,
        rpe: int | None = None,
        notes: str | None = None,
        message_id: int | None = None,
    ) -> LoggedWorkout:
        """Log a routine by id (the ``Log it`` button): the member's own or one shared with the
        server (pressed on a shared post, ``message_id``: only while that post shares it)."""
        rpe, notes = self._check_extras(rpe, notes)
        chosen = await self.routines.loggable(routine_id, user_id, message_id=message_id)
        return await self._store(user_id, guild_id, chosen.id, chosen.name, chosen.lines, rpe, notes)

    async def log_group_session(
        self, user_id: int, guild_id: int | None, *, name: str, routine_id: int | None, notes: str
    ) -> LoggedWorkout:
        """A group session the member attended: its routine's exercises, or (an interval class, a
        run) a session with no sets under the session's name. Check-ins follow as for any log."""
        lines: tuple[ExerciseLine, ...] = ()
        routine_name = name
        if routine_id is not None:
            try:
                routine = await self.routines.get(routine_id)
            except UserFacingError:
                routine = None
            if routine is not None:
                lines, routine_name = tuple(routine.lines), routine.name
                routine_id = routine.id
            else:
                routine_id = None
        return await self._store(user_id, guild_id, routine_id, routine_name, lines, None, notes)

    @staticmethod
    def _check_extras(rpe: int | None, notes: str | None) -> tuple[int | None, str | None]:
        if rpe is not None and not (RPE_MIN <= rpe <= RPE_MAX):
            raise UserFacingError(
                f"RPE is a whole number from {RPE_MIN} (very easy) to {RPE_MAX} (maximal effort).",
                example="`rpe:8`",
            )
        clean = (notes or "").strip()
        if len(clean) > NOTES_MAX:
            raise UserFacingError(
                f"The notes are {len(clean)} characters; the limit is {NOTES_MAX}.",
                example="`notes:Felt strong, left knee a bit stiff`",
            )
        return rpe, clean or None

    @staticmethod
    def _parse_ad_hoc(text: str, unit: WeightSystem) -> tuple[ExerciseLine, ...]:
        """Exercises split with ``|``; a load without a unit is in the member's units.

        A problem is numbered by line only when there are several exercises (line 2 is
        the second one, as the note says); a single exercise needs no number.
        """
        parts = _AD_HOC_SPLIT_RE.split(text)
        several = len(parts) > 1
        try:
            return parse_notation("\n".join(parts), unit, label="Line" if several else None)
        except UserFacingError as err:
            note = "\n(Separate exercises with `|`; line 2 is the second exercise.)" if several else ""
            raise UserFacingError(
                err.message.replace("so nothing was saved", "so nothing was logged") + note,
                example="`exercises:Back Squat 3x5 @ 100kg | Plank 3x45s`",
            ) from None

    async def _store(
        self,
        user_id: int,
        guild_id: int | None,
        routine_id: int | None,
        routine_name: str | None,
        lines: Sequence[ExerciseLine],
        rpe: int | None,
        notes: str | None,
        *,
        units: WeightSystem | None = None,
    ) -> LoggedWorkout:
        """Store the session; ``units``, when the caller already read them, saves reading them again."""
        now = self.clock()
        exercises: list[LoggedExercise] = []
        sets: list[SetRow] = []
        for position, line in enumerate(lines, start=1):
            key, name, custom = exercise_key(line.name, self.catalogue)
            volume = volume_kg(line)
            exercises.append(LoggedExercise(name, key, custom, logged_line(line), volume))
            sets += planned_sets(line, position, name, key)
        total = sum(e.volume_kg or 0.0 for e in exercises)

        books = await self.repo.record_books(user_id, {s.exercise_key for s in sets})
        records: list[PersonalRecord] = []
        names = {e.exercise_key: e.name for e in exercises}
        for key in dict.fromkeys(e.exercise_key for e in exercises):
            fresh = [
                SetRecord(s.weight_kg, s.reps)
                for s in sets
                if s.exercise_key == key and s.reps is not None and s.weight_kg is not None
            ]
            records += detect_records_against(names[key], books[key], fresh)

        stored = await self.repo.add(
            NewSession(
                user_id=user_id,
                guild_id=guild_id,
                routine_id=routine_id,
                routine_name=routine_name,
                performed_at=now,
                rpe=rpe,
                notes=notes,
                volume_kg=total,
                sets=sets,
            ),
            now,
        )
        new_records = sum(1 for r in records if r.kind is not RecordKind.FIRST_LOGGED)
        logged = LoggedSession(stored.id, user_id, guild_id, stored.performed_at, new_records)
        for listener in list(self.on_logged):
            try:
                await listener(logged)
            except Exception:
                log.exception("A workout-logged listener failed for session %s", stored.id)
        if units is None:
            units = _units((await self.members.get(user_id)).units)
        return LoggedWorkout(
            session=logged,
            routine_name=routine_name,
            exercises=tuple(exercises),
            volume_kg=total,
            rpe=rpe,
            notes=notes,
            records=tuple(records),
            units=units,
        )

    # -- reading ---------------------------------------------------------------------------------

    async def stored_session(self, session_id: int) -> SessionRow | None:
        """The stored session as logged (None once undone or deleted)."""
        return await self.repo.get(session_id)

    async def get_session(self, session_id: int) -> LoggedSession | None:
        """Who logged a session and when it was performed (None once undone or deleted)."""
        row = await self.repo.get(session_id)
        if row is None:
            return None
        return LoggedSession(row.id, row.user_id, row.guild_id, row.performed_at)

    async def history(self, user_id: int, days: int = 30) -> History:
        if not (HISTORY_DAYS_MIN <= days <= HISTORY_DAYS_MAX):
            raise UserFacingError(
                f"History covers {HISTORY_DAYS_MIN} to {HISTORY_DAYS_MAX} days.",
                example="`/log history days:90`",
            )
        settings = await self.members.get(user_id)
        now = self.clock()
        since = now - timedelta(days=days)
        volumes = await self.repo.volumes_since(user_id, since)
        recent = await self.repo.sessions_since(user_id, since, limit=RECENT_SESSIONS)
        top = await self.repo.top_exercises(user_id, since)
        return History(
            days=days,
            since=since,
            sessions=tuple(recent),
            session_count=len(volumes),
            total_volume_kg=sum(v for _, v in volumes),
            weeks=weekly_volumes(volumes, settings.zone, since, now),
            top_exercises=tuple(top),
            units=_units(settings.units),
            zone=settings.zone,
        )

    # -- undo ------------------------------------------------------------------------------------

    async def undo(self, user_id: int) -> RemovedWorkout:
        """Remove the member's last logged session, if it was logged within the last 24 hours."""
        last = await self.repo.last_logged(user_id)
        if last is None:
            raise NotFound("You have no logged workouts to undo.", example="`/log workout routine:Leg Day`")
        age = self.clock() - last.created_at
        if age > UNDO_WINDOW:
            what = inline_code(last.routine_name) if last.routine_name else "your ad hoc workout"
            raise UserFacingError(
                f"Your last logged workout ({what}) was logged {_ago(age)} ago; `/log undo` only removes "
                "a workout within 24 hours of logging it, so nothing was removed.",
                example="`/log undo` right after a workout logged by mistake",
            )
        if not await self.repo.delete(last.id, user_id):
            raise NotFound("That workout was already removed.", example="`/log history`")
        for listener in list(self.on_removed):
            try:
                await listener(user_id, last.id)
            except Exception:
                log.exception("A workout-removed listener failed for session %s", last.id)
        return RemovedWorkout(last)


def _units(value: str) -> WeightSystem:
    return "lb" if value == "lb" else "kg"


def _ago(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


__all__ = [
    "History",
    "LoggedExercise",
    "LoggedSession",
    "LoggedWorkout",
    "RemovedWorkout",
    "WeekVolume",
    "WorkoutService",
    "exercise_key",
    "logged_line",
    "planned_sets",
    "weekly_volumes",
]
