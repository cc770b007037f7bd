"""The reads /readiness is built from, on SQLite and PostgreSQL: a member's recent sets
(with their session's time and RPE) and recent soreness ratings, and nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.repositories.checkins import CheckinRepo
from bot.db.repositories.workouts import NewSession, SetRow, TimedSet, WorkoutRepo

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ALICE = 1_456_074_443_980_800_123
BOB = 1_456_074_443_980_800_456


def session(user_id: int, at: datetime, rpe: int | None, sets: list[SetRow]) -> NewSession:
    return NewSession(user_id, None, None, None, at, rpe, None, 0.0, sets)


async def test_sets_since_are_the_members_own_oldest_first_with_time_and_rpe(db: Database) -> None:
    repo = WorkoutRepo(db)
    squat = SetRow(1, "Back Squat", "back-squat", 1, reps=5, load_kind="weight", weight_kg=100.0)
    plank = SetRow(2, "Plank", "plank", 1, duration_s=45)
    old = await repo.add(session(ALICE, T0 - timedelta(days=20), 9, [squat]), T0)
    recent = await repo.add(session(ALICE, T0 - timedelta(days=1), 8, [squat, plank]), T0)
    await repo.add(session(BOB, T0, 7, [squat]), T0)
    found = await repo.sets_since(ALICE, T0 - timedelta(days=14))
    assert found == [
        TimedSet(recent.id, T0 - timedelta(days=1), 8, "Back Squat", "back-squat", 5, None, None),
        TimedSet(recent.id, T0 - timedelta(days=1), 8, "Plank", "plank", None, 45, None),
    ]
    assert old.id not in {s.session_id for s in found}
    assert found[0].performed_at.tzinfo is not None


async def test_ratings_since_are_the_members_own_oldest_first(db: Database) -> None:
    repo = CheckinRepo(db)
    for hours, user, level in ((30, ALICE, 3), (2, ALICE, 6), (300, ALICE, 9), (1, BOB, 2)):
        await repo.save_rating(
            user_id=user,
            session_id=None,
            delivery_id=None,
            level=level,
            area="quads",
            hours_after=None,
            now=T0 - timedelta(hours=hours),
        )
    found = await repo.ratings_since(ALICE, T0 - timedelta(days=10))
    assert [(r.level, r.area) for r in found] == [(3, "quads"), (6, "quads")]
