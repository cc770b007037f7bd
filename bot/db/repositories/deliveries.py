"""Queries on the deliveries table: schedule, claim, settle, pause, resume."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, select, update

from bot.db.database import Database
from bot.db.tables import deliveries, delivery_failures

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"
MISSED = "missed"
CANCELLED = "cancelled"
PAUSED = "paused"
#: States a delivery can still leave; the rest are final.
OPEN = (PENDING, CLAIMED, PAUSED)


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    due_at: datetime
    available_at: datetime
    status: str
    attempts: int = 0
    user_id: int | None = None
    channel_id: int | None = None
    guild_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None
    sent_at: datetime | None = None
    message_id: int | None = None
    late: bool = False
    last_error: str | None = None


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        kind=row["kind"],
        due_at=row["due_at"],
        available_at=row["available_at"],
        status=row["status"],
        attempts=row["attempts"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        payload=json.loads(row["payload"] or "{}"),
        dedupe_key=row["dedupe_key"],
        sent_at=row["sent_at"],
        message_id=row["message_id"],
        late=bool(row["late"]),
        last_error=row["last_error"],
    )


@dataclass(frozen=True)
class NewDelivery:
    kind: str
    due_at: datetime
    user_id: int | None = None
    channel_id: int | None = None
    guild_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None


class DeliveryRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- scheduling ------------------------------------------------------------------------------

    def _values(self, new: NewDelivery, now: datetime) -> dict[str, Any]:
        return {
            "kind": new.kind,
            "user_id": new.user_id,
            "channel_id": new.channel_id,
            "guild_id": new.guild_id,
            "due_at": new.due_at,
            "available_at": new.due_at,
            "payload": json.dumps(new.payload, separators=(",", ":"), sort_keys=True),
            "status": PENDING,
            "attempts": 0,
            "dedupe_key": new.dedupe_key,
            "late": False,
            "created_at": now,
            "updated_at": now,
        }

    async def add(self, new: NewDelivery, now: datetime) -> Delivery:
        """Insert a delivery; with a dedupe key already present, return the existing one unchanged."""
        async with self.db.begin() as conn:
            if new.dedupe_key is not None:
                await conn.execute(self.db.insert_ignore(deliveries, self._values(new, now), ["dedupe_key"]))
                row = (
                    (await conn.execute(select(deliveries).where(deliveries.c.dedupe_key == new.dedupe_key)))
                    .mappings()
                    .one()
                )
            else:
                result = await conn.execute(insert(deliveries).values(**self._values(new, now)))
                pk = result.inserted_primary_key[0]  # type: ignore[index]
                row = (await conn.execute(select(deliveries).where(deliveries.c.id == pk))).mappings().one()
        return _delivery(row)

    async def add_many(self, items: Sequence[NewDelivery], now: datetime) -> None:
        """Bulk insert (dedupe keys honoured) — for announcements and benchmarks."""
        if not items:
            return
        async with self.db.begin() as conn:
            for chunk_start in range(0, len(items), 1000):
                chunk = [self._values(i, now) for i in items[chunk_start : chunk_start + 1000]]
                await conn.execute(self.db.insert_ignore_many(deliveries, chunk, ["dedupe_key"]))

    async def get(self, delivery_id: int) -> Delivery | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(deliveries).where(deliveries.c.id == delivery_id)))
                .mappings()
                .first()
            )
        return _delivery(row) if row else None

    async def get_by_key(self, dedupe_key: str) -> Delivery | None:
        async with self.db.connect() as conn:
            row = (
                (await conn.execute(select(deliveries).where(deliveries.c.dedupe_key == dedupe_key)))
                .mappings()
                .first()
            )
        return _delivery(row) if row else None

    async def for_user(
        self, user_id: int, *, kinds: Iterable[str] | None = None, statuses: Iterable[str] = OPEN
    ) -> list[Delivery]:
        query = select(deliveries).where(
            deliveries.c.user_id == user_id, deliveries.c.status.in_(list(statuses))
        )
        if kinds is not None:
            query = query.where(deliveries.c.kind.in_(list(kinds)))
        async with self.db.connect() as conn:
            rows = (await conn.execute(query.order_by(deliveries.c.due_at, deliveries.c.id))).mappings()
            return [_delivery(r) for r in rows]

    async def cancel(self, ids: Iterable[int], now: datetime) -> int:
        """Cancel deliveries that have not gone out; their dedupe keys are freed for reuse."""
        ids = list(ids)
        if not ids:
            return 0
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(ids), deliveries.c.status.in_([PENDING, PAUSED]))
                .values(status=CANCELLED, dedupe_key=None, updated_at=now)
            )
        return result.rowcount or 0

    async def reschedule(self, delivery_id: int, due_at: datetime, now: datetime) -> bool:
        """Move a delivery that has not gone out yet (snooze, or a recomputed time)."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id, deliveries.c.status.in_([PENDING, PAUSED]))
                .values(due_at=due_at, available_at=due_at, updated_at=now)
            )
        return bool(result.rowcount)

    # -- dispatching -----------------------------------------------------------------------------

    async def next_wake_at(self) -> datetime | None:
        """The earliest moment there may be work: a pending row coming due or a claim expiring."""
        pending = select(func.min(deliveries.c.available_at)).where(deliveries.c.status == PENDING)
        claim = select(func.min(deliveries.c.claim_deadline)).where(deliveries.c.status == CLAIMED)
        async with self.db.connect() as conn:
            times = [(await conn.execute(q)).scalar() for q in (pending, claim)]
        found = [t for t in times if t is not None]
        return min(found) if found else None

    async def release_expired_claims(self, now: datetime) -> int:
        """Claims whose holder died (deadline passed) go back to pending."""
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(deliveries.c.status == CLAIMED, deliveries.c.claim_deadline < now)
                .values(status=PENDING, claimed_by=None, claim_deadline=None, updated_at=now)
            )
        return result.rowcount or 0

    async def claim_due(
        self, now: datetime, *, worker: str, deadline: datetime, limit: int
    ) -> list[Delivery]:
        """Atomically claim up to ``limit`` due deliveries for this worker.

        On PostgreSQL the inner SELECT skips rows another process has locked, so two
        dispatchers never claim the same delivery; SQLite serialises writers anyway.
        """
        due = (
            select(deliveries.c.id)
            .where(deliveries.c.status == PENDING, deliveries.c.available_at <= now)
            .order_by(deliveries.c.available_at, deliveries.c.id)
            .limit(limit)
        )
        if self.db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        # A CTE is evaluated once; PostgreSQL may re-run an IN (… LIMIT) subquery per row.
        picked = due.cte("picked")
        stmt = (
            update(deliveries)
            .where(deliveries.c.id == picked.c.id, deliveries.c.status == PENDING)
            .values(status=CLAIMED, claimed_by=worker, claim_deadline=deadline, updated_at=now)
            .returning(*deliveries.c)
        )
        async with self.db.begin() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return sorted((_delivery(r) for r in rows), key=lambda d: (d.available_at, d.id))

    async def claim_ids(
        self, ids: list[int], now: datetime, *, worker: str, deadline: datetime
    ) -> list[Delivery]:
        """Claim these deliveries, those of them still pending and available by ``now``."""
        if not ids:
            return []
        stmt = (
            update(deliveries)
            .where(
                deliveries.c.id.in_(ids),
                deliveries.c.status == PENDING,
                deliveries.c.available_at <= now,
            )
            .values(status=CLAIMED, claimed_by=worker, claim_deadline=deadline, updated_at=now)
            .returning(*deliveries.c)
        )
        async with self.db.begin() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return sorted((_delivery(r) for r in rows), key=lambda d: (d.available_at, d.id))

    async def _settle(
        self,
        delivery_id: int,
        worker: str,
        values: dict[str, Any],
        failure: tuple[str, str] | None,
        now: datetime,
    ) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == delivery_id,
                    deliveries.c.status == CLAIMED,
                    deliveries.c.claimed_by == worker,
                )
                .values(claimed_by=None, claim_deadline=None, updated_at=now, **values)
            )
            if failure is not None:
                await conn.execute(
                    insert(delivery_failures).values(
                        delivery_id=delivery_id, at=now, outcome=failure[0], reason=failure[1][:2000]
                    )
                )
        return bool(result.rowcount)

    async def mark_sent(
        self, delivery_id: int, worker: str, *, message_id: int | None, late: bool, now: datetime
    ) -> bool:
        return await self._settle(
            delivery_id,
            worker,
            {
                "status": SENT,
                "sent_at": now,
                "message_id": message_id,
                "late": late,
                "attempts": deliveries.c.attempts + 1,
            },
            None,
            now,
        )

    async def mark_sent_many(
        self, sent: list[tuple[int, int | None, bool]], worker: str, *, now: datetime
    ) -> None:
        """Mark several sent at once, ``(delivery id, message id, late)`` each: one transaction."""
        if not sent:
            return
        stmt = (
            update(deliveries)
            .where(
                deliveries.c.id == bindparam("b_id"),
                deliveries.c.status == CLAIMED,
                deliveries.c.claimed_by == worker,
            )
            .values(
                status=SENT,
                sent_at=now,
                message_id=bindparam("b_message_id"),
                late=bindparam("b_late"),
                attempts=deliveries.c.attempts + 1,
                claimed_by=None,
                claim_deadline=None,
                updated_at=now,
            )
        )
        rows = [{"b_id": i, "b_message_id": m, "b_late": late} for i, m, late in sent]
        async with self.db.begin() as conn:
            await conn.execute(stmt, rows)

    async def mark_retry(
        self, delivery_id: int, worker: str, *, available_at: datetime, reason: str, now: datetime
    ) -> bool:
        return await self._settle(
            delivery_id,
            worker,
            {
                "status": PENDING,
                "available_at": available_at,
                "attempts": deliveries.c.attempts + 1,
                "last_error": reason,
            },
            ("retry", reason),
            now,
        )

    async def release(
        self, delivery_id: int, worker: str, *, available_at: datetime, reason: str, now: datetime
    ) -> bool:
        """Hand a claim back untried (nothing can send it yet): no attempt counted, no failure kept."""
        return await self._settle(
            delivery_id,
            worker,
            {"status": PENDING, "available_at": available_at, "last_error": reason},
            None,
            now,
        )

    async def mark_final(
        self,
        delivery_id: int,
        worker: str,
        *,
        status: str,
        reason: str,
        now: datetime,
        count_attempt: bool = True,
    ) -> bool:
        values: dict[str, Any] = {"status": status, "last_error": reason}
        if count_attempt:
            values["attempts"] = deliveries.c.attempts + 1
        return await self._settle(delivery_id, worker, values, (status, reason), now)

    async def pause_user(self, user_id: int, now: datetime, *, except_id: int | None = None) -> int:
        """Pause a member's DM deliveries (channel posts are unaffected)."""
        cond = and_(
            deliveries.c.user_id == user_id,
            deliveries.c.status == PENDING,
            deliveries.c.channel_id.is_(None),
        )
        if except_id is not None:
            cond = and_(cond, deliveries.c.id != except_id)
        async with self.db.begin() as conn:
            result = await conn.execute(update(deliveries).where(cond).values(status=PAUSED, updated_at=now))
        return result.rowcount or 0

    async def resume_user(self, user_id: int, now: datetime) -> int:
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(deliveries.c.user_id == user_id, deliveries.c.status == PAUSED)
                .values(status=PENDING, updated_at=now)
            )
        return result.rowcount or 0

    async def failures(self, delivery_id: int) -> list[tuple[str, str]]:
        async with self.db.connect() as conn:
            rows = await conn.execute(
                select(delivery_failures.c.outcome, delivery_failures.c.reason)
                .where(delivery_failures.c.delivery_id == delivery_id)
                .order_by(delivery_failures.c.id)
            )
            return [(r[0], r[1]) for r in rows]

    async def count_by_status(self, *, kind: str | None = None) -> dict[str, int]:
        query = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        if kind is not None:
            query = query.where(deliveries.c.kind == kind)
        async with self.db.connect() as conn:
            return {r[0]: r[1] for r in await conn.execute(query)}

    async def purge_settled(
        self,
        before: datetime,
        *,
        statuses: Sequence[str] = (SENT, MISSED),
        keep_kinds: Iterable[str] = (),
        batch: int = 2000,
    ) -> int:
        """Delete deliveries settled (``statuses``) before ``before``, with their failure notes.

        In batches of ``batch`` rows, one short transaction each, so the dispatcher's writes
        are never held up behind one long delete. ``keep_kinds`` are never purged. Returns
        how many were deleted.
        """
        d = deliveries.c
        stale = select(d.id).where(d.status.in_(list(statuses)), d.updated_at < before)
        kept = list(keep_kinds)
        if kept:
            stale = stale.where(d.kind.not_in(kept))
        removed = 0
        while True:
            async with self.db.begin() as conn:
                result = await conn.execute(
                    deliveries.delete().where(d.id.in_(stale.limit(batch).scalar_subquery()))
                )
            removed += result.rowcount or 0
            if (result.rowcount or 0) < batch:
                return removed
