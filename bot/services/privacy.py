"""Members own their data (SPEC §8): export it, delete it, and keep history only as long as asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db.database import Database
from bot.db.repositories.privacy import PrivacyRepo
from bot.services.settings import Clock

SCHEMA_VERSION = 1

#: Table names as members read them in a summary.
FRIENDLY = {
    "members": "settings",
    "routines": "routines",
    "routine_likes": "likes",
    "workout_sessions": "logged workouts",
    "workout_sets": "logged sets",
    "soreness_ratings": "soreness ratings",
    "reminders": "daily reminder",
    "deliveries": "scheduled and past check-ins and reminders",
    "delivery_failures": "delivery notes",
    "challenge_participants": "challenge entries",
    "challenge_entries": "challenge results",
    "interval_timers": "interval timers",
    "plan_entries": "weekly plan days",
}


@dataclass(frozen=True)
class RemovedPost:
    """A shared routine post to mark as removed once the data is gone."""

    routine_id: int
    name: str
    channel_id: int
    message_id: int


@dataclass(frozen=True)
class Receipt:
    removed: dict[str, int]
    posts: tuple[RemovedPost, ...]

    @property
    def anything(self) -> bool:
        return any(self.removed.values())


def describe_counts(counts: dict[str, int]) -> list[str]:
    return [
        f"{n} {FRIENDLY.get(name, name.replace('_', ' '))}"
        for name, n in sorted(counts.items())
        if n and "(anonymised)" not in name
    ]


class PrivacyService:
    def __init__(self, db: Database, clock: Clock, *, retention_days: int | None = None) -> None:
        self.db = db
        self.repo = PrivacyRepo(db)
        self.clock = clock
        self.retention_days = retention_days

    async def export(self, user_id: int) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "generated_at": self.clock().isoformat(),
            "user_id": str(user_id),
            "about": (
                "Everything Repmate stores about you, table by table. Discord ids are numbers; "
                "times are UTC. Answers to /shouldistop are never stored, so they are not here."
            ),
            "tables": await self.repo.export(user_id),
        }

    async def summary(self, user_id: int) -> dict[str, int]:
        return await self.repo.counts(user_id)

    async def delete(self, user_id: int) -> Receipt:
        """Remove everything in one transaction; safe to call again (nothing left: empty receipt)."""
        async with self.db.begin() as conn:
            posts = tuple(RemovedPost(*post) for post in await self.repo.shared_posts(conn, user_id))
            removed = await self.repo.delete(conn, user_id)
        return Receipt(removed, posts)

    async def purge_expired(self) -> dict[str, int]:
        """Retention: drop logged workouts and ratings older than the configured period."""
        if not self.retention_days:
            return {}
        return await self.repo.purge_history_before(self.clock() - timedelta(days=self.retention_days))

    def next_purge_after(self, now: datetime) -> datetime:
        """Daily at 03:30 UTC, a quiet hour for most communities."""
        target = now.replace(hour=3, minute=30, second=0, microsecond=0)
        return target if target > now else target + timedelta(days=1)
