"""Settled deliveries older than the window are purged in batches, with their failure notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from bot.db.database import Database
from bot.db.repositories.deliveries import DeliveryRepo
from bot.db.tables import deliveries, delivery_failures

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_purge_takes_only_old_sent_and_missed_rows_in_batches(db: Database) -> None:
    rows = []
    for n, (kind, status, age_days) in enumerate(
        [("checkin", "sent", 40)] * 5
        + [("checkin", "missed", 31), ("checkin", "sent", 29), ("checkin", "failed", 40)]
        + [("checkin", "cancelled", 40), ("checkin", "pending", 40), ("challenge_start", "sent", 90)]
    ):
        at = T0 - timedelta(days=age_days)
        rows.append(
            {
                "id": n + 1,
                "kind": kind,
                "user_id": 7,
                "due_at": at,
                "available_at": at,
                "status": status,
                "dedupe_key": f"k{n}",
                "created_at": at,
                "updated_at": at,
            }
        )
    async with db.begin() as conn:
        await conn.execute(insert(deliveries), rows)
        await conn.execute(
            insert(delivery_failures), [{"delivery_id": 6, "at": T0, "outcome": "missed", "reason": "late"}]
        )
    repo = DeliveryRepo(db)
    removed = await repo.purge_settled(T0 - timedelta(days=30), keep_kinds=["challenge_start"], batch=2)
    assert removed == 6
    async with db.connect() as conn:
        left = (await conn.execute(select(deliveries.c.id).order_by(deliveries.c.id))).scalars().all()
        notes = (await conn.execute(select(func.count()).select_from(delivery_failures))).scalar_one()
    assert left == [7, 8, 9, 10, 11] and notes == 0
    assert await repo.purge_settled(T0 - timedelta(days=30), keep_kinds=["challenge_start"]) == 0
    # A freed dedupe key can be scheduled again, which is why the window outlives any re-scheduling.
    assert await repo.get_by_key("k0") is None
