"""Members own their data (SPEC §8): export it, delete it, and keep history only as long as asked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db.database import Database
from bot.db.repositories.privacy import PrivacyRepo
from bot.domain.archive import PackedExport, pack_export
from bot.domain.text import plural
from bot.services.settings import Clock

SCHEMA_VERSION = 1

#: Table names as members read them in a summary: (one, several).
FRIENDLY: dict[str, tuple[str, str]] = {
    "routines": ("routine", "routines"),
    "routine_likes": ("like", "likes"),
    "workout_sessions": ("logged workout", "logged workouts"),
    "workout_sets": ("logged set", "logged sets"),
    "soreness_ratings": ("soreness rating", "soreness ratings"),
    "reminders": ("daily reminder", "daily reminders"),
    "deliveries": (
        "scheduled or past check-in or reminder",
        "scheduled and past check-ins and reminders",
    ),
    "delivery_failures": ("delivery note", "delivery notes"),
    "challenges": ("challenge you created", "challenges you created"),
    "challenge_participants": ("challenge joined", "challenges joined"),
    "challenge_entries": ("challenge result", "challenge results"),
    "interval_timers": ("interval timer", "interval timers"),
    "plan_entries": ("weekly plan day", "weekly plan days"),
    "training_settings": ("progression-hint setting", "progression-hint settings"),
    "program_runs": ("running program", "running programs"),
    "workout_imports": ("history import", "history imports"),
    "group_sessions": ("group session you scheduled", "group sessions you scheduled"),
    "session_rsvps": ("group session answer", "group session answers"),
    "session_voice_spans": ("time in a session's voice channel", "times in sessions' voice channels"),
    "session_attendance": ("group session attended", "group sessions attended"),
    "workout_days": ("workout's local day (for streaks)", "workouts' local days (for streaks)"),
    "streak_targets": ("weekly target", "weekly targets"),
    "milestone_grants": ("milestone reached", "milestones reached"),
    "plan_history": ("earlier weekly plan (for streaks)", "earlier weekly plans (for streaks)"),
}
#: Tables with one row per member, named without a count.
WHOLE = {"members": "your settings", "streak_prefs": "your streak, recap and digest choices"}


@dataclass(frozen=True)
class RemovedPost:
    """A shared routine post to mark as removed once the data is gone.

    It carries no name: the post is rewritten without any of the member's text.
    """

    routine_id: int
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
    """``1 routine``, ``3 logged workouts``, ``your settings`` — one item per table with rows."""
    items = []
    for name, n in sorted(counts.items()):
        if not n or "(anonymised)" in name:
            continue
        if name in WHOLE:
            items.append(WHOLE[name])
            continue
        words = name.replace("_", " ")
        one, several = FRIENDLY.get(name, (words, words))
        items.append(plural(n, one, several))
    return items


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

    async def export_files(self, user_id: int, limit: int) -> tuple[PackedExport, dict[str, int]]:
        """The export as files of at most ``limit`` bytes each, and the row count of each table."""
        data = await self.export(user_id)
        counts = {name: len(rows) for name, rows in data["tables"].items() if rows}
        # Encoding and zipping years of history takes a noticeable moment: off the event loop.
        packed = await asyncio.to_thread(pack_export, data, f"repmate-data-{user_id}", limit)
        return packed, counts

    async def summary(self, user_id: int) -> dict[str, int]:
        return await self.repo.counts(user_id)

    async def delete(self, user_id: int) -> Receipt:
        """Remove everything in one transaction; safe to call again (nothing left: empty receipt)."""
        async with self.db.begin() as conn:
            posts = tuple(
                RemovedPost(routine_id, channel_id, message_id)
                for routine_id, _name, channel_id, message_id in await self.repo.shared_posts(conn, user_id)
            )
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
