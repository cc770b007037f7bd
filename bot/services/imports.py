"""``/log import`` and ``/log export``: history in and out as CSV.

An import is two steps. :meth:`ImportService.preview` reads the file (Strong, Hevy or the
generic CSV, see :mod:`bot.domain.imports`), sets aside every set the log already holds
(by fingerprint), and keeps the result under a random token for a while; nothing is
saved. :meth:`ImportService.confirm` stores what the preview showed in one transaction —
all of it or, on any failure, none.

Imported workouts are history: they are written straight to the log, never through
:class:`~bot.services.workouts.WorkoutService`, so its ``on_logged`` listeners (check-in
DMs and anything else that reacts to a workout just done) never hear of them, and
nothing is posted or sent. Records and charts read the log, so they count them.

Previews live in memory: a restart, or :data:`PREVIEW_FOR` passing, forgets them and the
member runs the command again (the file is still in their chat).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.db.repositories.imports import ImportRecord, ImportRepo, StoredSet
from bot.domain.archive import describe_size
from bot.domain.exercises import Catalogue, default_catalogue
from bot.domain.imports import (
    MAX_BYTES,
    MAX_ROWS,
    ExerciseMatch,
    ImportedSession,
    ImportFileError,
    ParsedImport,
    Source,
    day_range,
    fingerprint,
    generic_csv_parts,
    parse_import,
)
from bot.domain.units import WeightSystem
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.services.settings import Clock, MemberSettingsService

PREVIEW_FOR = timedelta(minutes=15)
#: Sets held in memory across all waiting previews; beyond it the oldest previews are
#: forgotten (their Import button then says to run the command again).
MAX_PENDING_SETS = 300_000
EXAMPLE = "`/log import file:strong_workouts.csv` with the CSV exported from Strong, Hevy or `/log export`"


@dataclass(frozen=True)
class ImportPreview:
    """What an import would add, before anything is saved."""

    token: str
    user_id: int
    filename: str
    parsed: ParsedImport
    #: The sessions with only the sets the log doesn't hold yet (sessions left empty dropped).
    sessions: tuple[ImportedSession, ...]
    #: Sets the log already holds, and sets that appear twice in the file.
    duplicates: int
    zone: ZoneInfo
    zone_is_default: bool
    units: WeightSystem
    expires_at: datetime
    #: Workouts (and their sets) older than the server keeps history: not imported.
    too_old: tuple[int, int] = (0, 0)
    retention_days: int | None = None

    @property
    def new_sets(self) -> int:
        return sum(len(s.sets) for s in self.sessions)

    @property
    def days(self) -> tuple[date, date] | None:
        return day_range(self.sessions, self.zone)

    @property
    def matched(self) -> tuple[ExerciseMatch, ...]:
        return tuple(m for m in self.parsed.exercises if not m.custom)

    @property
    def custom(self) -> tuple[ExerciseMatch, ...]:
        return tuple(m for m in self.parsed.exercises if m.custom)


@dataclass(frozen=True)
class ImportResult:
    sessions: int
    sets: int
    duplicates: int
    days: tuple[date, date] | None
    source: Source


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class LogExport:
    files: tuple[ExportFile, ...]
    sessions: int
    sets: int


def stored_fingerprints(stored: list[StoredSet]) -> set[str]:
    """Fingerprints of everything the log holds: kept ones as they are, the rest (sets logged
    in Repmate) made the same way an import makes them, numbering sets within each
    exercise of a session in the log's order."""
    found: set[str] = set()
    numbers: dict[tuple[int, str], int] = {}
    for s in stored:
        key = (s.session_id, s.exercise_key)
        number = numbers[key] = numbers.get(key, 0) + 1
        if s.fingerprint is not None:
            found.add(s.fingerprint)
            continue
        found.add(
            fingerprint(
                s.performed_at,
                s.exercise_key,
                number,
                s.reps,
                s.load_kind,
                s.weight_kg,
                s.percent,
                s.duration_s,
            )
        )
    return found


def without_known(
    sessions: tuple[ImportedSession, ...], known: set[str]
) -> tuple[tuple[ImportedSession, ...], int]:
    """The sessions minus sets already known (dropping sessions left empty), and how many went."""
    kept: list[ImportedSession] = []
    dropped = 0
    for session in sessions:
        sets = tuple(s for s in session.sets if s.fingerprint not in known)
        dropped += len(session.sets) - len(sets)
        if len(sets) == len(session.sets):
            kept.append(session)
        elif sets:
            kept.append(replace(session, sets=sets))
    return tuple(kept), dropped


class ImportService:
    def __init__(
        self,
        repo: ImportRepo,
        members: MemberSettingsService,
        clock: Clock,
        catalogue: Catalogue | None = None,
        *,
        retention_days: int | None = None,
    ) -> None:
        self.repo = repo
        #: The server keeps logged workouts this long (``RETENTION_DAYS``); older ones would
        #: be removed by the next daily purge, so they are not imported.
        self.retention_days = retention_days
        self.members = members
        self.clock = clock
        self.catalogue = catalogue or default_catalogue()
        self._pending: dict[str, ImportPreview] = {}
        #: Tokens already confirmed, until their preview would have expired: a second press
        #: of Import is then acknowledged without a word instead of called expired.
        self._confirmed: dict[str, datetime] = {}

    # -- import ----------------------------------------------------------------------------------

    async def preview(
        self, user_id: int, filename: str, size: int, read: Callable[[], Awaitable[bytes]]
    ) -> ImportPreview:
        """Read the file and show what it would add; ``read`` is called only when ``size`` fits."""
        check_size(size)
        data = await read()
        check_size(len(data))
        settings = await self.members.get(user_id)
        units: WeightSystem = "lb" if settings.units == "lb" else "kg"
        try:
            # 100,000 rows take a moment to read: off the event loop.
            parsed = await asyncio.to_thread(
                parse_import, data, zone=settings.zone, units=units, catalogue=self.catalogue
            )
        except ImportFileError as err:
            raise UserFacingError(str(err) + " Nothing was imported.", example=EXAMPLE) from None
        if not parsed.sessions and not parsed.problems:
            raise UserFacingError(
                "The file has a header but no sets under it, so there is nothing to import.", example=EXAMPLE
            )
        known = stored_fingerprints(await self.repo.stored_sets(user_id))
        sessions, already = without_known(parsed.sessions, known)
        too_old = (0, 0)
        if self.retention_days:
            cutoff = self.clock() - timedelta(days=self.retention_days)
            old_ones = [x for x in sessions if x.performed_at < cutoff]
            too_old = (len(old_ones), sum(len(x.sets) for x in old_ones))
            sessions = tuple(x for x in sessions if x.performed_at >= cutoff)
        self._forget_expired()
        for token, old in list(self._pending.items()):
            if old.user_id == user_id:
                del self._pending[token]
        preview = ImportPreview(
            token=secrets.token_hex(8),
            user_id=user_id,
            filename=filename,
            parsed=parsed,
            sessions=sessions,
            duplicates=already + parsed.repeated,
            zone=settings.zone,
            zone_is_default=settings.zone_is_default,
            units=units,
            expires_at=self.clock() + PREVIEW_FOR,
            too_old=too_old,
            retention_days=self.retention_days,
        )
        if sessions:
            self._pending[preview.token] = preview
            held = sum(p.new_sets for p in self._pending.values())
            for token, old in list(self._pending.items()):  # oldest first
                if held <= MAX_PENDING_SETS or token == preview.token:
                    break
                held -= old.new_sets
                del self._pending[token]
        return preview

    def pending(self, token: str) -> ImportPreview | None:
        self._forget_expired()
        return self._pending.get(token)

    def confirmed(self, token: str) -> bool:
        self._forget_expired()
        return token in self._confirmed

    def cancel(self, user_id: int, token: str) -> None:
        preview = self._pending.get(token)
        if preview is not None and preview.user_id == user_id:
            del self._pending[token]

    async def confirm(self, user_id: int, token: str) -> ImportResult:
        """Store what the preview showed, in one transaction (sets logged since are skipped)."""
        preview = self.pending(token)
        if preview is None:
            raise NotFound(expired_text(), example=EXAMPLE)
        if preview.user_id != user_id:
            raise NotAllowed("Only the member who uploaded the file can import it.")
        del self._pending[token]
        self._confirmed[token] = preview.expires_at
        known = stored_fingerprints(await self.repo.stored_sets(user_id))
        sessions, already = without_known(preview.sessions, known)
        sets = sum(len(s.sets) for s in sessions)
        duplicates = preview.duplicates + already
        parsed = preview.parsed
        if sessions:
            record = ImportRecord(
                source=parsed.source,
                filename=preview.filename[:200],
                sessions=len(sessions),
                sets=sets,
                duplicates=duplicates,
                failed_rows=len(parsed.problems),
            )
            try:
                await self.repo.add(user_id, sessions, record, self.clock())
            except IntegrityError:
                raise UserFacingError(
                    "Some of these sets were imported at the same moment by another click, so "
                    "nothing more was imported. `/log history` shows what your log holds.",
                    example="`/log history days:365`",
                ) from None
        return ImportResult(len(sessions), sets, duplicates, day_range(sessions, preview.zone), parsed.source)

    def _forget_expired(self) -> None:
        now = self.clock()
        for token, preview in list(self._pending.items()):
            if preview.expires_at <= now:
                del self._pending[token]
        for token, expires_at in list(self._confirmed.items()):
            if expires_at <= now:
                del self._confirmed[token]

    # -- export ----------------------------------------------------------------------------------

    async def export(self, user_id: int, limit: int) -> LogExport:
        """The whole log as the generic CSV, in files of at most ``limit`` bytes that can each be
        imported again (so never more than the import limits either)."""
        settings = await self.members.get(user_id)
        units: WeightSystem = "lb" if settings.units == "lb" else "kg"
        items, sessions = await self.repo.export_sets(user_id)
        parts = await asyncio.to_thread(
            generic_csv_parts, items, settings.zone, units, min(limit, MAX_BYTES), MAX_ROWS
        )
        base = f"repmate-log-{user_id}"
        if len(parts) == 1:
            files: tuple[ExportFile, ...] = (ExportFile(f"{base}.csv", parts[0]),)
        else:
            files = tuple(
                ExportFile(f"{base}-part-{k}-of-{len(parts)}.csv", part) for k, part in enumerate(parts, 1)
            )
        return LogExport(files, sessions, len(items))


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise UserFacingError(
            f"The file is {describe_size(size)}; the limit is {describe_size(MAX_BYTES)} a file, so "
            "nothing was imported. Split a long history in a spreadsheet between workouts (each "
            "part with the header line) and import the parts one after another.",
            example=EXAMPLE,
        )


def expired_text() -> str:
    minutes = int(PREVIEW_FOR.total_seconds() // 60)
    return (
        f"This import preview has expired (a preview lasts {minutes} minutes, and a restart of the "
        "bot forgets it), so nothing was imported. Run `/log import` with the file again."
    )
