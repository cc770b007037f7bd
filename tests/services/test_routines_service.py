"""RoutineService without Discord: validation, library, sharing records, likes and copies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.repositories.routines import RoutineRepo
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.services.routines import (
    RoutineService,
    SharedPost,
    clean_tags,
    free_name,
    valid_tag,
)

ALICE, BOB, CARA = 101, 202, 303
LEG_DAY = "Back Squat 3x5 @ 100kg rest 3m\nromanian deadlift 3 x 8-10 @ 60 kg rpe 8\nZercher Hold 3x20s"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture
async def routines(tmp_path) -> AsyncIterator[RoutineService]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/svc.db")
    await db.migrate()
    try:
        yield RoutineService(RoutineRepo(db), Clock())
    finally:
        await db.dispose()


async def test_create_stores_canonical_notation_and_reports_custom_exercises(
    routines: RoutineService,
) -> None:
    routine = await routines.create(ALICE, "  Leg   Day ", LEG_DAY, "  Go heavy.  ", "Legs, #Strength legs")
    assert routine.name == "Leg Day"
    assert routine.notation == (
        "Back Squat 3x5 @ 100kg rest 3m\nromanian deadlift 3x8-10 @ 60kg RPE 8\nZercher Hold 3x20s"
    )
    assert routine.notes == "Go heavy." and routine.tags == ("legs", "strength")
    assert [c.name for c in routine.custom] == ["Zercher Hold"]
    assert routine.post is None and routine.like_count == 0
    assert (await routines.get_own(ALICE, "LEG DAY")).id == routine.id


@pytest.mark.parametrize(
    ("name", "notation", "notes", "tags", "expected"),
    [
        ("", "Plank 3x45s", None, None, "needs a name"),
        ("x" * 81, "Plank 3x45s", None, None, "limit is 80"),
        ("Bad `name`", "Plank 3x45s", None, None, "backticks"),
        ("Day", "Plank 3x45s\nBench five sets", None, None, "Line 2"),
        ("Day", "", None, None, "no exercises"),
        ("Day", "\n".join(f"Curl {i} 3x10" for i in range(31)), None, None, "at most 30"),
        ("Day", "Plank 3x45s", "n" * 1001, None, "limit is 1000"),
        ("Day", "Plank 3x45s", None, "a b c d e f", "up to 5"),
        ("Day", "Plank 3x45s", None, "big_guns", "tag"),
        ("Day", "Plank 3x45s", None, "x" * 21, "up to 20 characters"),
    ],
)
async def test_bad_input_is_refused_with_an_example_and_nothing_is_saved(
    routines: RoutineService, name: str, notation: str, notes: str | None, tags: str | None, expected: str
) -> None:
    with pytest.raises(UserFacingError) as caught:
        await routines.create(ALICE, name, notation, notes, tags)
    assert expected in caught.value.message
    assert caught.value.example
    assert await routines.names(ALICE, "") == []


async def test_notation_errors_name_every_bad_line(routines: RoutineService) -> None:
    with pytest.raises(UserFacingError) as caught:
        await routines.create(ALICE, "Day", "Squat 3x5\nBench heavy\nRow 3x\nPlank 3x45s")
    assert "Line 2" in caught.value.message and "Line 3" in caught.value.message
    assert "nothing was saved" in caught.value.message


async def test_duplicate_name_suggests_a_free_one(routines: RoutineService) -> None:
    await routines.create(ALICE, "Leg Day", "Plank 3x45s")
    await routines.create(ALICE, "Leg Day (2)", "Plank 3x45s")
    with pytest.raises(UserFacingError) as caught:
        await routines.create(ALICE, "leg day", "Plank 3x45s")
    assert "`Leg Day`" in caught.value.message and caught.value.example == "`leg day (3)`"
    assert (await routines.create(BOB, "Leg Day", "Plank 3x45s")).owner_id == BOB


def test_helpers() -> None:
    assert free_name("Leg Day", set()) == "Leg Day"
    assert free_name("Leg Day", {"leg day", "leg day (2)"}) == "Leg Day (3)"
    long = "x" * 80
    assert free_name(long, {long}) == "x" * 76 + " (2)"
    assert clean_tags(" #Legs,, strength;legs ") == ("legs", "strength")
    assert clean_tags(None) == ()


async def test_not_found_suggests_a_close_name(routines: RoutineService) -> None:
    await routines.create(ALICE, "Leg Day", "Plank 3x45s")
    with pytest.raises(NotFound) as caught:
        await routines.get_own(ALICE, "Leg")
    assert "`Leg`" in caught.value.message and "Leg Day" in (caught.value.example or "")
    with pytest.raises(NotFound):
        await routines.get_own(BOB, "Leg Day")


async def test_share_records_and_delete_returns_the_post(routines: RoutineService) -> None:
    routine = await routines.create(ALICE, "Leg Day", "Plank 3x45s")
    shared = await routines.record_share(routine, guild_id=1, channel_id=2, message_id=3)
    assert shared.post == SharedPost(guild_id=1, channel_id=2, message_id=3)
    assert shared.shared_at == routines.clock()
    deleted = await routines.delete(ALICE, "Leg Day")
    assert deleted.post == shared.post
    with pytest.raises(NotFound) as caught:
        await routines.get(routine.id)
    assert "removed by its author" in caught.value.message


async def test_likes_once_per_member_toggle_and_never_your_own(routines: RoutineService) -> None:
    routine = await routines.create(ALICE, "Leg Day", "Plank 3x45s")
    with pytest.raises(NotFound, match="isn't shared"):
        await routines.like(routine.id, BOB)  # likes are for shared routines only
    routine = await routines.record_share(routine, guild_id=1, channel_id=2, message_id=3)
    with pytest.raises(NotFound, match="isn't shared"):
        await routines.like(routine.id, BOB, message_id=4)  # a button on another message
    first = await routines.like(routine.id, BOB, message_id=3)
    assert (first.like_count, first.liked) == (1, True)
    again = await routines.like(routine.id, BOB)
    assert (again.like_count, again.liked) == (0, False), "a second press takes the like back"
    assert (await routines.like(routine.id, BOB)).like_count == 1
    with pytest.raises(NotAllowed):
        await routines.like(routine.id, ALICE)
    assert (await routines.like(routine.id, CARA)).like_count == 2
    with pytest.raises(NotFound):
        await routines.like(routine.id + 99, BOB)


async def test_save_a_copy(routines: RoutineService) -> None:
    original = await routines.create(ALICE, "Leg Day", LEG_DAY, "notes", "legs")
    with pytest.raises(NotFound, match="isn't shared"):
        await routines.save_copy(original.id, BOB)  # a private routine can't be copied
    original = await routines.record_share(original, guild_id=1, channel_id=2, message_id=3)
    with pytest.raises(NotFound, match="isn't shared"):
        await routines.save_copy(original.id, BOB, message_id=4)  # a button on another message
    with pytest.raises(NotAllowed, match="your own routine"):
        await routines.save_copy(original.id, ALICE)
    await routines.create(BOB, "Leg Day", "Plank 3x45s")
    copy = await routines.save_copy(original.id, BOB)
    assert (copy.owner_id, copy.name, copy.source_routine_id) == (BOB, "Leg Day (2)", original.id)
    assert (copy.notation, copy.notes, copy.tags) == (original.notation, "notes", ("legs",))
    with pytest.raises(UserFacingError, match="already saved"):
        await routines.save_copy(original.id, BOB)
    assert (await routines.save_copy(original.id, CARA)).name == "Leg Day"


async def test_loggable_is_own_or_shared(routines: RoutineService) -> None:
    private = await routines.create(ALICE, "Private", "Plank 3x45s")
    assert (await routines.loggable(private.id, ALICE)).id == private.id
    with pytest.raises(NotFound):
        await routines.loggable(private.id, BOB)
    await routines.record_share(private, guild_id=1, channel_id=2, message_id=3)
    assert (await routines.loggable(private.id, BOB)).id == private.id


async def test_browse_and_library_pages(routines: RoutineService) -> None:
    clock = routines.clock
    assert isinstance(clock, Clock)
    for i in range(12):
        routine = await routines.create(
            ALICE, f"R{i:02d}", "Plank 3x45s", tags="legs" if i % 3 == 0 else "arms"
        )
        clock.now += timedelta(minutes=1)
        await routines.record_share(routine, guild_id=1, channel_id=2, message_id=100 + i)
    page = await routines.browse(1)
    assert (page.page, page.pages, page.total) == (1, 3, 12)
    assert [r.name for r in page.items] == ["R11", "R10", "R09", "R08", "R07"]
    assert not page.has_previous and page.has_next
    last = await routines.browse(1, page=9)
    assert last.page == 3 and [r.name for r in last.items] == ["R01", "R00"] and not last.has_next
    legs = await routines.browse(1, tag="#LEGS")
    assert [r.name for r in legs.items] == ["R09", "R06", "R03", "R00"]
    with pytest.raises(UserFacingError):
        await routines.browse(1, tag="legs arms")
    library = await routines.library(ALICE, page=2)
    assert [r.name for r in library.items] == ["R10", "R11"] and library.pages == 2
    assert (await routines.shared_by(ALICE, 2)).total == 0
    assert (await routines.library(BOB)).items == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Грудь, #НОГИ", ("грудь", "ноги")),
        ("Kraft-Übung 脚 ΟΔΟΣ", ("kraft-übung", "脚", "οδος")),
        ("योग", ("योग",)),  # Devanagari: a vowel sign is a combining mark after the letter
        ("straße 5x5", ("straße", "5x5")),
        ("cafe\u0301 café", ("café",)),  # an accent typed as a combining mark is the same tag
    ],
)
def test_tags_accept_letters_of_any_script_lower_cased(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_tags(raw) == expected


@pytest.mark.parametrize("raw", ["big_guns", "pr!", "💪", "a\u200bb", "\u0301x", "x" * 21, "²"])
def test_a_bad_tag_is_refused_saying_what_a_tag_may_hold(raw: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        clean_tags(raw)
    assert "letters (any alphabet), digits and hyphens" in caught.value.message
    assert "`грудь`" in caught.value.message and caught.value.example


TAG_CHARS = st.characters(categories=["L", "M", "Nd", "P", "S", "Z", "C"], exclude_characters=",; \t\n")


@given(st.text(TAG_CHARS, min_size=1, max_size=25))
def test_a_tag_is_accepted_exactly_when_it_is_letters_digits_and_hyphens(word: str) -> None:
    """Whatever is typed, a tag is refused with the rule or stored in a form that is stable,
    lower-case and holds nothing but letters (with marks), digits and hyphens."""
    try:
        tags = clean_tags(word)
    except UserFacingError as error:
        assert "letters (any alphabet), digits and hyphens" in error.message
        return
    for tag in tags:
        assert valid_tag(tag) and tag == tag.lower()
        assert clean_tags(tag) == (tag,), "cleaning is idempotent, so a browse filter finds the tag"
        assert "%" not in tag and "_" not in tag and "," not in tag
