"""Routine and workout repositories, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.repositories.routines import NewRoutine, RoutineRepo
from bot.db.repositories.workouts import NewSession, SetRow, WorkoutRepo
from bot.db.tables_routines import routine_likes, workout_sets
from bot.domain.records import RecordBook, SetRecord

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ALICE = 1_456_074_443_980_800_123
BOB = 1_456_074_443_980_800_456


def routine(owner: int, name: str, *, tags: tuple[str, ...] = (), source: int | None = None) -> NewRoutine:
    return NewRoutine(
        owner_id=owner,
        name=name,
        name_key=name.casefold(),
        notation="Back Squat 3x5 @ 100kg",
        exercise_count=1,
        notes=None,
        tags=tags,
        source_routine_id=source,
    )


async def test_names_are_unique_per_owner_ignoring_case(db: Database) -> None:
    repo = RoutineRepo(db)
    first = await repo.add(routine(ALICE, "Leg Day", tags=("legs", "strength")), T0)
    assert first is not None
    assert (first.owner_id, first.name, first.tags, first.like_count, first.created_at) == (
        ALICE,
        "Leg Day",
        ("legs", "strength"),
        0,
        T0,
    )
    assert await repo.add(routine(ALICE, "LEG DAY"), T0) is None
    assert await repo.add(routine(BOB, "Leg Day"), T0) is not None
    assert (await repo.get_by_name(ALICE, "leg day")) == first
    assert await repo.name_keys(ALICE) == {"leg day"}
    assert await repo.get(first.id + 1000) is None


async def test_autocomplete_names_prefix_first_and_wildcards_are_literal(db: Database) -> None:
    repo = RoutineRepo(db)
    for name in ("Upper A", "Leg Day", "Heavy Legs", "Arms 100%", "Zed 1000"):
        await repo.add(routine(ALICE, name), T0)
    await repo.add(routine(BOB, "Legs for Bob"), T0)
    assert await repo.names(ALICE, "leg") == ["Leg Day", "Heavy Legs"]
    assert await repo.names(ALICE, "100%") == ["Arms 100%"]
    assert await repo.names(ALICE, "") == ["Arms 100%", "Heavy Legs", "Leg Day", "Upper A", "Zed 1000"]
    assert await repo.names(ALICE, "", limit=2) == ["Arms 100%", "Heavy Legs"]


async def test_library_paging_and_what_was_shared_in_a_server(db: Database) -> None:
    repo = RoutineRepo(db)
    made = [await repo.add(routine(ALICE, f"R{i}"), T0) for i in range(7)]
    await repo.set_shared(made[2].id, guild_id=10, channel_id=11, message_id=12, now=T0)  # type: ignore[union-attr]
    await repo.set_shared(made[3].id, guild_id=99, channel_id=11, message_id=13, now=T0)  # type: ignore[union-attr]
    rows, total = await repo.list_owned(ALICE, offset=5, limit=5)
    assert total == 7 and [r.name for r in rows] == ["R5", "R6"]
    shared, total = await repo.list_owned(ALICE, offset=0, limit=5, shared_in=10)
    assert total == 1 and shared[0].name == "R2"
    assert (shared[0].guild_id, shared[0].channel_id, shared[0].message_id, shared[0].shared_at) == (
        10,
        11,
        12,
        T0,
    )
    await repo.clear_shared(made[2].id)  # type: ignore[union-attr]
    assert (await repo.list_owned(ALICE, offset=0, limit=5, shared_in=10))[1] == 0


async def test_browse_filters_by_whole_tags_and_sorts_by_new_or_likes(db: Database) -> None:
    repo = RoutineRepo(db)
    tagged = {"A": ("legs",), "B": ("leg",), "C": ("arms", "legs"), "D": ()}
    ids = {}
    for offset, (name, tags) in enumerate(tagged.items()):
        row = await repo.add(routine(ALICE, name, tags=tags), T0)
        assert row is not None
        ids[name] = row.id
        await repo.set_shared(
            row.id, guild_id=10, channel_id=11, message_id=100 + offset, now=T0 + timedelta(hours=offset)
        )
    await repo.add(routine(ALICE, "unshared", tags=("legs",)), T0)

    rows, total = await repo.browse(10, tag=None, sort="new", offset=0, limit=10)
    assert total == 4 and [r.name for r in rows] == ["D", "C", "B", "A"]
    rows, total = await repo.browse(10, tag="legs", sort="new", offset=0, limit=10)
    assert [r.name for r in rows] == ["C", "A"] and total == 2
    assert (await repo.browse(11, tag=None, sort="new", offset=0, limit=10))[1] == 0

    for user in (BOB, ALICE + 1, ALICE + 2):
        assert await repo.like(ids["A"], user, T0)
    assert await repo.like(ids["B"], BOB, T0)
    assert not await repo.like(ids["A"], BOB, T0), "a member likes a routine once"
    rows, _ = await repo.browse(10, tag=None, sort="top", offset=0, limit=2)
    assert [(r.name, r.like_count) for r in rows] == [("A", 3), ("B", 1)]
    rows, total = await repo.browse(10, tag=None, sort="top", offset=2, limit=2)
    assert [r.name for r in rows] == ["D", "C"] and total == 4
    assert await repo.like_count(ids["A"]) == 3
    assert await repo.liked_by(ids["A"], [BOB, 5]) == {BOB}


async def test_a_like_can_be_taken_back_and_tags_in_any_script_filter(db: Database) -> None:
    repo = RoutineRepo(db)
    row = await repo.add(routine(ALICE, "Грудь", tags=("грудь", "kraft-übung")), T0)
    other = await repo.add(routine(ALICE, "Other", tags=("грудь-2",)), T0)
    assert row is not None and other is not None
    await repo.set_shared(row.id, guild_id=10, channel_id=11, message_id=100, now=T0)
    await repo.set_shared(other.id, guild_id=10, channel_id=11, message_id=101, now=T0)
    rows, total = await repo.browse(10, tag="грудь", sort="new", offset=0, limit=10)
    assert [r.name for r in rows] == ["Грудь"] and total == 1
    assert await repo.like(row.id, BOB, T0)
    assert await repo.unlike(row.id, BOB)
    assert not await repo.unlike(row.id, BOB), "nothing left to take back"
    assert await repo.like_count(row.id) == 0
    assert await repo.like(row.id, BOB, T0), "and it can be liked again"


async def test_deleting_a_routine_takes_its_likes_and_detaches_copies_and_sessions(db: Database) -> None:
    repo, workouts = RoutineRepo(db), WorkoutRepo(db)
    original = await repo.add(routine(ALICE, "Leg Day"), T0)
    assert original is not None
    copy = await repo.add(routine(BOB, "Leg Day", source=original.id), T0)
    assert copy is not None and copy.source_routine_id == original.id
    assert await repo.copy_of(BOB, original.id) == copy
    await repo.like(original.id, BOB, T0)
    session = await workouts.add(
        NewSession(BOB, 10, original.id, "Leg Day", T0, None, None, 1500.0, sets=()), T0
    )
    assert not await repo.delete(original.id, BOB), "only the owner deletes"
    assert await repo.delete(original.id, ALICE)
    assert await repo.get(original.id) is None
    async with db.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(routine_likes))).scalar_one() == 0
    remaining = await repo.get(copy.id)
    assert remaining is not None and remaining.source_routine_id is None
    stored = await workouts.get(session.id)
    assert stored is not None and stored.routine_id is None and stored.routine_name == "Leg Day"


def squat(position: int, set_no: int, weight: float | None, reps: int | None, kind: str = "weight") -> SetRow:
    return SetRow(position, "Back Squat", "back-squat", set_no, reps=reps, load_kind=kind, weight_kg=weight)


async def test_sessions_sets_history_and_undo(db: Database) -> None:
    repo = WorkoutRepo(db)
    first = await repo.add(
        NewSession(
            ALICE,
            10,
            None,
            None,
            T0,
            7,
            "felt fine",
            1500.0,
            sets=[
                squat(1, 1, 100.0, 5),
                squat(1, 2, 100.0, 5),
                SetRow(2, "Plank", "plank", 1, duration_s=45),
                SetRow(3, "Push-Up", "push-up", 1, reps=15, load_kind="bw", weight_kg=0.0),
                SetRow(4, "Bench Press", "bench-press", 1, reps=5, load_kind="percent", percent=80.0),
            ],
        ),
        T0,
    )
    assert (first.user_id, first.guild_id, first.rpe, first.notes, first.volume_kg, first.performed_at) == (
        ALICE,
        10,
        7,
        "felt fine",
        1500.0,
        T0,
    )
    later = T0 + timedelta(days=2)
    second = await repo.add(
        NewSession(ALICE, None, None, None, later, None, None, 550.0, sets=[squat(1, 1, 110.0, 5)]), later
    )
    await repo.add(
        NewSession(BOB, None, None, None, later, None, None, 9.0, sets=[squat(1, 1, 300.0, 1)]), later
    )

    sets = await repo.sets(first.id)
    assert [(s.position, s.set_no, s.exercise_key) for s in sets][:2] == [
        (1, 1, "back-squat"),
        (1, 2, "back-squat"),
    ]
    assert sets[2].duration_s == 45 and sets[2].reps is None and sets[4].percent == 80.0

    books = await repo.record_books(ALICE, ["back-squat", "plank", "push-up", "bench-press"])
    assert books["back-squat"] == RecordBook.of([SetRecord(100.0, 5), SetRecord(110.0, 5)])
    assert books["push-up"] == RecordBook.of([SetRecord(0.0, 15)])
    assert books["plank"].empty and books["bench-press"].empty, "no reps or no known load"

    assert await repo.last_logged(ALICE) == second
    assert [s.id for s in await repo.sessions_since(ALICE, T0)] == [second.id, first.id]
    assert [s.id for s in await repo.sessions_since(ALICE, T0, limit=1)] == [second.id]
    assert await repo.sessions_since(ALICE, later + timedelta(seconds=1)) == []
    assert await repo.volumes_since(ALICE, T0 - timedelta(days=1)) == [(T0, 1500.0), (later, 550.0)]
    top = await repo.top_exercises(ALICE, T0)
    assert (top[0].exercise, top[0].sets, top[0].volume_kg) == ("Back Squat", 3, 1550.0)
    assert {t.exercise: t.volume_kg for t in top}["Push-Up"] == 0.0

    assert not await repo.delete(second.id, BOB)
    assert await repo.delete(second.id, ALICE)
    assert await repo.get(second.id) is None
    assert await repo.last_logged(ALICE) == first
    async with db.connect() as conn:
        left = (
            await conn.execute(
                select(func.count()).select_from(workout_sets).where(workout_sets.c.session_id == second.id)
            )
        ).scalar_one()
    assert left == 0, "sets go with their session"
