"""Programs behind ``/program`` (issue #19): start a template, today's session, advance by logging.

Starting a program checks every training max before anything is written, then builds one
routine per program day (through :class:`RoutineService`) and plans each on its weekday
(through :class:`PlanService`). Each routine always holds the next session of its day, with
loads worked out from the training maxes and rounded to the member's plate step, so the
ordinary ``Log it`` button logs exactly what the program asks. When the member logs the
routine of the session that is due, :meth:`ProgramService.on_workout_logged` (subscribed to
the workout log) moves the program on and rewrites the routines for what comes next.

GZCLP's stage changes need to know when a set was missed: ``/program today`` offers a
button per tier that notes the miss for the session that is due; logging it then applies
the stage change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.training import ProgramRow, TrainingRepo
from bot.domain.programs import (
    TIERS,
    RunState,
    Session,
    Template,
    TrainingMaxError,
    advance,
    default_templates,
    parse_training_max,
    session_at,
    start_state,
)
from bot.domain.text import inline_code
from bot.domain.units import WeightSystem
from bot.errors import NotFound, UserFacingError
from bot.services.plans import DAY_NAMES, PlanService
from bot.services.routines import RoutineService
from bot.services.settings import MemberSettingsService
from bot.services.workouts import LoggedSession, WorkoutService

Clock = Callable[[], datetime]

EXAMPLE_START = "`/program start template:5/3/1 squat:140 bench:100 deadlift:180 press:60`"
EXAMPLES = {
    "531": EXAMPLE_START,
    "gzclp": "`/program start template:GZCLP squat:100 bench:80 deadlift:120 press:50`",
    "ppl": "`/program start template:PPL`",
    "c25k": "`/program start template:Couch to 5K`",
}


@dataclass(frozen=True)
class ProgramStatus:
    """A member's program as ``/program show`` and ``/program today`` tell it."""

    template: Template
    position: int
    maxes: Mapping[str, float]
    system: WeightSystem
    session: Session | None
    routine_id: int | None
    routine_name: str | None
    missed: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        return self.session is None

    @property
    def weekday_name(self) -> str | None:
        if self.session is None:
            return None
        return DAY_NAMES[self.template.weekdays[self.session.day]]


def _system(value: str) -> WeightSystem:
    return "lb" if value == "lb" else "kg"


def _run_state(row: ProgramRow) -> RunState:
    lifts = row.state.get("lifts", {})
    return RunState(row.position, dict(row.maxes), {k: dict(v) for k, v in lifts.items()})


class ProgramService:
    def __init__(
        self,
        repo: TrainingRepo,
        routines: RoutineService,
        plans: PlanService,
        members: MemberSettingsService,
        workouts: WorkoutService,
        clock: Clock,
        templates: Mapping[str, Template] | None = None,
    ) -> None:
        self.repo = repo
        self.routines = routines
        self.plans = plans
        self.members = members
        self.workouts = workouts
        self.clock = clock
        self.templates = templates if templates is not None else default_templates()

    # -- reading ---------------------------------------------------------------------------------

    def template(self, key: str) -> Template:
        wanted = key.strip().casefold()
        for template in self.templates.values():
            if wanted in (template.key, template.name.casefold()):
                return template
        names = ", ".join(t.name for t in self.templates.values())
        raise UserFacingError(
            f"{inline_code(key, 30)} isn't a program template; pick one of {names}.", example=EXAMPLE_START
        )

    async def status(self, user_id: int) -> ProgramStatus:
        row = await self.repo.program(user_id)
        if row is None:
            raise NotFound("You aren't running a program.", example=EXAMPLE_START)
        return self._status(row)

    def _status(self, row: ProgramRow, replaced: tuple[str, ...] = ()) -> ProgramStatus:
        template = self.templates[row.template]
        system = _system(row.units)
        session = session_at(template, _run_state(row), system)
        routine_id = row.routine_ids[session.day] if session is not None and row.routine_ids else None
        missed = tuple(row.state.get("missed", ())) if row.state.get("missed_at") == row.position else ()
        return ProgramStatus(
            template, row.position, row.maxes, system, session, routine_id, None, missed, replaced
        )

    async def today(self, user_id: int) -> ProgramStatus:
        """The session that is due, with its routine (rebuilt if the member deleted it)."""
        row = await self.repo.program(user_id)
        if row is None:
            raise NotFound(
                "You aren't running a program, so there's no session today.", example=EXAMPLE_START
            )
        status = self._status(row)
        if status.session is None:
            return status
        row = await self._write_day(row, status.session)
        status = self._status(row)
        routine = await self.routines.get(row.routine_ids[status.session.day]) if status.session else None
        return ProgramStatus(
            status.template,
            status.position,
            status.maxes,
            status.system,
            status.session,
            routine.id if routine else None,
            routine.name if routine else None,
            status.missed,
        )

    # -- starting and stopping -------------------------------------------------------------------

    async def start(self, user_id: int, key: str, given: Mapping[str, str | None]) -> ProgramStatus:
        """Check every input, then build the routines and the weekly plan and save the run."""
        template = self.template(key)
        existing = await self.repo.program(user_id)
        if existing is not None:
            running = self.templates[existing.template].name
            raise UserFacingError(
                f"You're already running {inline_code(running)}; one program at a time. "
                "Stop it first with `/program stop` (your routines stay), then start the new one.",
                example="`/program stop`",
            )
        system = _system((await self.members.get(user_id)).units)
        maxes = self._maxes(template, given, system)
        run = start_state(template, maxes, system)
        now = self.clock()
        routine_ids: list[int] = []
        replaced: list[str] = []
        for day_index, day in enumerate(template.days):
            session = session_at(template, RunState(day_index, run.maxes, run.lifts), system)
            assert session is not None
            routine = await self.routines.create_lines(
                user_id, f"{template.name} {day.name}", session.lines, session.notes
            )
            routine_ids.append(routine.id)
            change = await self.plans.set(user_id, template.weekdays[day_index], routine.name)
            if change.previous is not None and change.previous.routine_id != routine.id:
                replaced.append(f"{change.day_name} ({change.previous.routine_name})")
        row = ProgramRow(
            user_id=user_id,
            template=template.key,
            units=system,
            maxes=dict(run.maxes),
            state={"lifts": run.lifts},
            routine_ids=routine_ids,
            position=0,
            started_at=now,
            updated_at=now,
        )
        await self.repo.save_program(row)
        return self._status(row, tuple(replaced))

    def _maxes(
        self, template: Template, given: Mapping[str, str | None], system: WeightSystem
    ) -> dict[str, float]:
        maxes: dict[str, float] = {}
        example = EXAMPLES.get(template.key, EXAMPLE_START)
        missing = [lift for lift in template.maxes if not (given.get(lift) or "").strip()]
        if missing:
            raise UserFacingError(
                f"{template.name} works from a training max for each main lift; "
                f"give {', '.join(f'`{m}`' for m in missing)} too, in {system} (or write the unit).",
                example=example,
            )
        for lift in template.maxes:
            try:
                maxes[lift] = parse_training_max(given[lift] or "", system)
            except TrainingMaxError as err:
                raise UserFacingError(
                    f"The training max for `{lift}`: {err}. Give a weight from 5 kg to 500 kg "
                    f"(about 11 to 1100 lb), as a number in {system} or with its unit, "
                    "like `140` or `310lb`; nothing was started.",
                    example=example,
                ) from None
        return maxes

    async def stop(self, user_id: int) -> Template:
        row = await self.repo.program(user_id)
        if row is None or not await self.repo.delete_program(user_id):
            raise NotFound("You aren't running a program, so there's nothing to stop.", example=EXAMPLE_START)
        return self.templates[row.template]

    # -- progress --------------------------------------------------------------------------------

    async def note_missed(self, user_id: int, tier: str) -> ProgramStatus:
        """GZCLP: a set of ``tier`` was missed in the session that is due (applied when it is logged)."""
        row = await self.repo.program(user_id)
        if row is None:
            raise NotFound("You aren't running a program.", example=EXAMPLE_START)
        template = self.templates[row.template]
        if template.kind != "tiers" or tier not in TIERS:
            raise UserFacingError(
                f"{template.name} has no tiers to mark; log the session with `Log it`.",
                example="`/program today`",
            )
        missed = set(row.state.get("missed", ())) if row.state.get("missed_at") == row.position else set()
        missed.add(tier)
        state = {**row.state, "missed": sorted(missed), "missed_at": row.position}
        await self.repo.advance_program(user_id, row.position, {"state": state, "updated_at": self.clock()})
        return await self.status(user_id)

    async def on_workout_logged(self, logged: LoggedSession) -> None:
        """Move the program on when the routine of the session that is due was logged."""
        row = await self.repo.program(logged.user_id)
        if row is None:
            return
        stored = await self.workouts.stored_session(logged.session_id)
        template = self.templates[row.template]
        system = _system(row.units)
        current = _run_state(row)
        session = session_at(template, current, system)
        if stored is None or session is None or not row.routine_ids:
            return
        if stored.routine_id != row.routine_ids[session.day]:
            return
        missed = row.state.get("missed", ()) if row.state.get("missed_at") == row.position else ()
        after = advance(template, current, system, missed)
        state = {"lifts": after.lifts}
        changed = await self.repo.advance_program(
            logged.user_id,
            row.position,
            {
                "position": after.position,
                "maxes": dict(after.maxes),
                "state": state,
                "updated_at": self.clock(),
            },
        )
        if not changed:
            return
        fresh = await self.repo.program(logged.user_id)
        if fresh is None:
            return
        for offset in range(template.days_per_week):
            upcoming = session_at(
                template, RunState(after.position + offset, after.maxes, after.lifts), system
            )
            if upcoming is not None:
                fresh = await self._write_day(fresh, upcoming)

    async def _write_day(self, row: ProgramRow, session: Session) -> ProgramRow:
        """Write ``session`` into its day's routine; a deleted routine is made again and planned."""
        template = self.templates[row.template]
        routine_id = row.routine_ids[session.day]
        if await self.routines.rewrite(row.user_id, routine_id, session.lines, session.notes):
            return row
        day = template.days[session.day]
        routine = await self.routines.create_lines(
            row.user_id, f"{template.name} {day.name}", session.lines, session.notes
        )
        await self.plans.set(row.user_id, template.weekdays[session.day], routine.name)
        ids = list(row.routine_ids)
        ids[session.day] = routine.id
        await self.repo.advance_program(
            row.user_id, row.position, {"routine_ids": ids, "updated_at": self.clock()}
        )
        return dataclasses.replace(row, routine_ids=ids)
