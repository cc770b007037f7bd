"""Routines: a member's library, sharing, likes and saved copies (SPEC §4).

Everything a member types is validated here before anything is written, so a
refused create or import changes nothing. Saving someone's routine makes an
ordinary copy in the presser's library (``source_routine_id`` remembers where it
came from), so copies can be logged, shared and planned like any other routine.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

from bot.db.repositories.routines import NewRoutine, RoutineRepo, RoutineRow
from bot.domain.exercises import Catalogue, default_catalogue
from bot.domain.routines import (
    ExerciseLine,
    RoutineNotationError,
    WeightUnit,
    format_routine,
    parse_routine,
)
from bot.domain.text import NameRules, clean_name, code_safe, inline_code, name_key
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.services.settings import MemberSettingsService

Clock = Callable[[], datetime]
Sort = Literal["new", "top"]

NAME_MAX = 80
NAME_RULES = NameRules(
    "routine",
    NAME_MAX,
    example="`Leg Day`",
    empty_example="`Leg Day` or `Upper A`",
    backtick_reason=" (they break Discord's code formatting)",
)
NOTES_MAX = 1000
TAGS_MAX = 5
TAG_MAX = 20
PAGE_SIZE = 5
LIBRARY_PAGE_SIZE = 10

_TAG_SPLIT_RE = re.compile(r"[\s,;]+")
TAG_RULE = (
    f"tags are up to {TAG_MAX} characters of letters (any alphabet), digits and hyphens, "
    "e.g. `legs`, `грудь` or `full-body`"
)
EXAMPLE_NOTATION = "Back Squat 3x5 @ 100kg rest 3m\nRomanian Deadlift 3x8-10 @ 60kg RPE 8\nPlank 3x45s"
EXAMPLE_LINE = "`Back Squat 3x5 @ 100kg rest 3m`"

T = TypeVar("T")


@dataclass(frozen=True)
class CustomExercise:
    """An exercise name the catalogue doesn't know, with what it may have meant."""

    name: str
    did_you_mean: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharedPost:
    """Where a routine's post is: the cogs make its link."""

    guild_id: int
    channel_id: int
    message_id: int


@dataclass(frozen=True)
class Routine:
    id: int
    owner_id: int
    name: str
    notation: str
    lines: tuple[ExerciseLine, ...]
    notes: str | None
    tags: tuple[str, ...]
    custom: tuple[CustomExercise, ...]
    source_routine_id: int | None
    post: SharedPost | None
    shared_at: datetime | None
    like_count: int
    created_at: datetime

    @property
    def is_shared(self) -> bool:
        return self.post is not None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class LikeResult:
    routine: Routine
    like_count: int
    #: True when the press added a like, False when it took the member's like back.
    liked: bool = True


@dataclass(frozen=True)
class Draft:
    """Validated input for a new routine."""

    name: str
    name_key: str
    lines: tuple[ExerciseLine, ...]
    notes: str | None
    tags: tuple[str, ...]


def clean_notes(raw: str | None) -> str | None:
    notes = (raw or "").strip()
    if len(notes) > NOTES_MAX:
        raise UserFacingError(
            f"The notes are {len(notes)} characters; the limit is {NOTES_MAX}.",
            example="`Deload every 4th week. Warm up with 2 lighter sets.`",
        )
    return notes or None


def normalise_tag(word: str) -> str:
    """A tag as stored and compared: NFC, lower-cased by Unicode's rules (``str.lower``).

    ``lower`` rather than ``casefold``: a tag is shown back as written, and casefold
    would turn ``straße`` into ``strasse``; both sides of a browse go through here, so
    ``#ГРУДЬ`` finds ``грудь``. NFC makes an accent typed as a combining mark match the
    precomposed letter.
    """
    nfc = unicodedata.normalize("NFC", word.lstrip("#"))
    return unicodedata.normalize("NFC", nfc.lower())


def valid_tag(tag: str) -> bool:
    """Letters of any script (with their combining marks, but not first), decimal digits, hyphens."""
    if not tag or len(tag) > TAG_MAX:
        return False
    for index, ch in enumerate(tag):
        category = unicodedata.category(ch)
        if ch == "-" or category == "Nd" or category.startswith("L"):
            continue
        if category.startswith("M") and index > 0:
            continue
        return False
    return True


def clean_tags(raw: str | None) -> tuple[str, ...]:
    """Tags from free text: ``Legs, #strength Грудь`` → ``("legs", "strength", "грудь")``."""
    tags: list[str] = []
    for word in _TAG_SPLIT_RE.split((raw or "").strip()):
        tag = normalise_tag(word)
        if not tag:
            continue
        if not valid_tag(tag):
            shown = code_safe(tag[: TAG_MAX + 5], columns=True)
            raise UserFacingError(
                f"The tag `{shown}` isn't allowed: {TAG_RULE}.",
                example="`legs, strength, full-body`",
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise UserFacingError(
            f"That's {len(tags)} tags; a routine can have up to {TAGS_MAX}.",
            example="`legs, strength, beginner`",
        )
    return tuple(tags)


def clean_tag_filter(raw: str | None) -> str | None:
    tags = clean_tags(raw)
    if len(tags) > 1:
        raise UserFacingError("Browse by one tag at a time.", example="`/routine browse tag:legs`")
    return tags[0] if tags else None


def parse_notation(
    text: str, default_unit: WeightUnit | None = None, *, label: str | None = "Line"
) -> tuple[ExerciseLine, ...]:
    """The parsed routine, or an error naming each bad line (nothing is saved).

    ``default_unit`` is the member's unit for a load written without one; ``label``
    is how a problem's position is named (``Line 2``, ``Exercise 2``, or not at all).
    """
    try:
        return tuple(parse_routine(text, default_unit=default_unit))
    except RoutineNotationError as err:
        raise UserFacingError(
            f"The exercises didn't read as a routine, so nothing was saved:\n{err.summary(label=label)}",
            example=f"one exercise per line, like {EXAMPLE_LINE}",
        ) from None


def custom_exercises(lines: Sequence[ExerciseLine], catalogue: Catalogue) -> tuple[CustomExercise, ...]:
    seen: dict[str, CustomExercise] = {}
    for line in lines:
        if catalogue.lookup(line.name) is None and line.name.casefold() not in seen:
            seen[line.name.casefold()] = CustomExercise(
                line.name, tuple(catalogue.close_matches(line.name, 2))
            )
    return tuple(seen.values())


def free_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base (2)``, ``base (3)``… — the first its owner doesn't have yet."""
    if name_key(base) not in taken:
        return base
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = base[: NAME_MAX - len(suffix)].rstrip() + suffix
        if name_key(candidate) not in taken:
            return candidate
        number += 1


class RoutineService:
    def __init__(
        self,
        repo: RoutineRepo,
        clock: Clock,
        catalogue: Catalogue | None = None,
        *,
        members: MemberSettingsService | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.catalogue = catalogue or default_catalogue()
        #: Where a member's kg/lb setting comes from (a load written without a unit is in it);
        #: without it every load must name its unit.
        self.members = members

    async def default_unit(self, user_id: int) -> WeightUnit | None:
        """The unit of a load the member writes without one: their ``/settings units``."""
        if self.members is None:
            return None
        return "lb" if (await self.members.get(user_id)).units == "lb" else "kg"

    # -- building --------------------------------------------------------------------------------

    def _routine(self, row: RoutineRow) -> Routine:
        lines = tuple(parse_routine(row.notation))
        post = (
            SharedPost(row.guild_id, row.channel_id, row.message_id)
            if row.guild_id is not None and row.channel_id is not None and row.message_id is not None
            else None
        )
        return Routine(
            id=row.id,
            owner_id=row.owner_id,
            name=row.name,
            notation=row.notation,
            lines=lines,
            notes=row.notes,
            tags=row.tags,
            custom=custom_exercises(lines, self.catalogue),
            source_routine_id=row.source_routine_id,
            post=post,
            shared_at=row.shared_at,
            like_count=row.like_count,
            created_at=row.created_at,
        )

    def validate(
        self,
        name: str,
        notation: str,
        notes: str | None = None,
        tags: str | None = None,
        *,
        default_unit: WeightUnit | None = None,
    ) -> Draft:
        """Check everything before writing anything; raises UserFacingError on the first problem."""
        clean = clean_name(name, NAME_RULES)
        lines = parse_notation(notation, default_unit)
        return Draft(clean, name_key(clean), lines, clean_notes(notes), clean_tags(tags))

    async def create(
        self, owner_id: int, name: str, notation: str, notes: str | None = None, tags: str | None = None
    ) -> Routine:
        draft = self.validate(name, notation, notes, tags, default_unit=await self.default_unit(owner_id))
        row = await self.repo.add(
            NewRoutine(
                owner_id=owner_id,
                name=draft.name,
                name_key=draft.name_key,
                notation=format_routine(draft.lines),
                exercise_count=len(draft.lines),
                notes=draft.notes,
                tags=draft.tags,
            ),
            self.clock(),
        )
        if row is None:
            existing = await self.repo.get_by_name(owner_id, draft.name_key)
            suggestion = free_name(draft.name, await self.repo.name_keys(owner_id))
            taken = existing.name if existing else draft.name
            raise UserFacingError(
                f"You already have a routine called {inline_code(taken)}, so nothing was saved. "
                "Pick another name, or delete the old one first with `/routine delete`.",
                example=f"`{suggestion}`",
            )
        return self._routine(row)

    async def create_lines(
        self, owner_id: int, name: str, lines: Sequence[ExerciseLine], notes: str | None = None
    ) -> Routine:
        """A routine from lines built by the bot (a program's session), under the first free name."""
        for _attempt in range(5):
            free = free_name(clean_name(name, NAME_RULES), await self.repo.name_keys(owner_id))
            row = await self.repo.add(
                NewRoutine(
                    owner_id=owner_id,
                    name=free,
                    name_key=name_key(free),
                    notation=format_routine(lines),
                    exercise_count=len(lines),
                    notes=clean_notes(notes),
                ),
                self.clock(),
            )
            if row is not None:
                return self._routine(row)
        raise UserFacingError(
            "Saving took too many tries because your library kept changing; please try again.",
            example=f"`{name}`",
        )

    async def rewrite(
        self, owner_id: int, routine_id: int, lines: Sequence[ExerciseLine], notes: str | None = None
    ) -> bool:
        """Replace the exercises of one of the member's routines; False when it was deleted."""
        return await self.repo.rewrite(
            routine_id,
            owner_id,
            notation=format_routine(lines),
            exercise_count=len(lines),
            notes=clean_notes(notes),
            now=self.clock(),
        )

    async def import_(self, owner_id: int, name: str, notation: str) -> Routine:
        """The same as create: the export format is the notation, code fences and all."""
        return await self.create(owner_id, name, notation)

    # -- reading ---------------------------------------------------------------------------------

    async def get(self, routine_id: int) -> Routine:
        row = await self.repo.get(routine_id)
        if row is None:
            raise NotFound(
                "This routine was removed by its author.",
                example="`/routine browse` to find other routines shared here",
            )
        return self._routine(row)

    async def get_own(self, owner_id: int, name: str) -> Routine:
        row = await self.repo.get_by_name(owner_id, name_key(name))
        if row is None:
            close = await self.repo.names(owner_id, " ".join(name.split())[:NAME_MAX], limit=1)
            hint = f"`/routine view name:{close[0]}`" if close else "`/routine list` shows your routines"
            shown = " ".join(name.split())[:NAME_MAX]
            raise NotFound(f"You have no routine called {inline_code(shown)}.", example=hint)
        return self._routine(row)

    async def names(self, owner_id: int, current: str) -> list[str]:
        return await self.repo.names(owner_id, current)

    async def export(self, owner_id: int, name: str) -> Routine:
        return await self.get_own(owner_id, name)

    async def library(self, owner_id: int, page: int = 1) -> Page[Routine]:
        return await self._paged(
            lambda offset, limit: self.repo.list_owned(owner_id, offset=offset, limit=limit),
            page,
            LIBRARY_PAGE_SIZE,
        )

    async def shared_by(self, owner_id: int, guild_id: int, page: int = 1) -> Page[Routine]:
        """What another member shared in this server: their library itself is private."""
        return await self._paged(
            lambda offset, limit: self.repo.list_owned(
                owner_id, offset=offset, limit=limit, shared_in=guild_id
            ),
            page,
            LIBRARY_PAGE_SIZE,
        )

    async def browse(
        self, guild_id: int, *, tag: str | None = None, sort: Sort = "new", page: int = 1
    ) -> Page[Routine]:
        wanted = clean_tag_filter(tag)
        if sort not in ("new", "top"):
            raise UserFacingError(f"`{sort}` isn't a sort order.", example="`/routine browse sort:top`")
        return await self._paged(
            lambda offset, limit: self.repo.browse(
                guild_id, tag=wanted, sort=sort, offset=offset, limit=limit
            ),
            page,
            PAGE_SIZE,
        )

    async def _paged(
        self, fetch: Callable[[int, int], Awaitable[tuple[list[RoutineRow], int]]], page: int, size: int
    ) -> Page[Routine]:
        page = max(page, 1)
        rows, total = await fetch((page - 1) * size, size)
        pages = max(1, math.ceil(total / size))
        if page > pages and total:
            page = pages
            rows, total = await fetch((page - 1) * size, size)
        return Page(tuple(self._routine(r) for r in rows), page, pages, total)

    # -- sharing ---------------------------------------------------------------------------------

    async def record_share(
        self, routine: Routine, *, guild_id: int, channel_id: int, message_id: int
    ) -> Routine:
        """Remember where the cog posted the routine, so likes and deletes can find the post."""
        await self.repo.set_shared(
            routine.id, guild_id=guild_id, channel_id=channel_id, message_id=message_id, now=self.clock()
        )
        return await self.get(routine.id)

    async def forget_share(self, routine: Routine) -> None:
        """The post is gone (deleted by a moderator): the routine can be shared again."""
        await self.repo.clear_shared(routine.id)

    async def delete(self, owner_id: int, name: str) -> Routine:
        """Delete one of the member's routines; the result still says where it was shared."""
        routine = await self.get_own(owner_id, name)
        await self.repo.delete(routine.id, owner_id)
        return routine

    # -- other members' routines -----------------------------------------------------------------

    async def shared_at(self, routine_id: int, message_id: int | None) -> Routine:
        """The routine a shared post's button names, only while that post shares it.

        A button carries the routine's id; checking the share (and, when known, that it is
        this very post) means an id that now belongs to another routine reaches nothing.
        """
        routine = await self.get(routine_id)
        post = routine.post
        if post is None or (message_id is not None and post.message_id != message_id):
            raise NotFound(
                "That routine isn't shared any more.",
                example="`/routine browse` to find routines shared here",
            )
        return routine

    async def like(self, routine_id: int, user_id: int, *, message_id: int | None = None) -> LikeResult:
        """The ``Like`` button: likes the routine, or takes the member's like back when they
        already liked it (each member counts once)."""
        routine = await self.shared_at(routine_id, message_id)
        if routine.owner_id == user_id:
            raise NotAllowed(
                "That's your own routine; likes are for other members' routines.",
                example="`/routine browse sort:top` to find routines to like",
            )
        liked = await self.repo.like(routine_id, user_id, self.clock())
        if not liked:
            await self.repo.unlike(routine_id, user_id)
        return LikeResult(routine, await self.repo.like_count(routine_id), liked)

    async def save_copy(self, routine_id: int, user_id: int, *, message_id: int | None = None) -> Routine:
        """``Save a copy`` on a shared post (``message_id``: that post, when pressed on one)."""
        original = await self.shared_at(routine_id, message_id)
        if original.owner_id == user_id:
            raise NotAllowed(
                f"{inline_code(original.name)} is your own routine, so it's already in your library.",
                example=f"`/routine view name:{original.name}`",
            )
        existing = await self.repo.copy_of(user_id, routine_id)
        if existing is not None:
            raise UserFacingError(
                f"You already saved this routine as {inline_code(existing.name)}.",
                example=f"`/log workout routine:{existing.name}`",
            )
        for _attempt in range(5):
            name = free_name(original.name, await self.repo.name_keys(user_id))
            row = await self.repo.add(
                NewRoutine(
                    owner_id=user_id,
                    name=name,
                    name_key=name_key(name),
                    notation=original.notation,
                    exercise_count=len(original.lines),
                    notes=original.notes,
                    tags=original.tags,
                    source_routine_id=original.id,
                ),
                self.clock(),
            )
            if row is not None:
                return self._routine(row)
        raise UserFacingError(
            "Saving took too many tries because your library kept changing; please press it again.",
            example="`Save a copy`",
        )

    async def loggable(self, routine_id: int, user_id: int, *, message_id: int | None = None) -> Routine:
        """A routine the member may log: their own, or one shared with the server (from a
        shared post, ``message_id``: only while that post shares it)."""
        routine = await self.get(routine_id)
        if routine.owner_id == user_id:
            return routine
        if message_id is not None:
            return await self.shared_at(routine_id, message_id)
        if not routine.is_shared:
            raise NotFound(
                "That routine isn't shared any more.",
                example="`/routine browse` to find routines shared here",
            )
        return routine
