from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.repositories.deliveries import DeliveryRepo, NewDelivery
from bot.db.repositories.guilds import GuildRepo
from bot.db.repositories.members import MemberRepo
from bot.db.repositories.state import StateRepo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_guild_config_upsert_keeps_other_fields(db: Database) -> None:
    repo = GuildRepo(db)
    assert (await repo.get(1)).routines_channel_id is None
    await repo.update(1, T0, routines_channel_id=10, challenges_channel_id=11)
    await repo.update(1, T0, emergency_number="999")
    config = await repo.get(1)
    assert (config.routines_channel_id, config.challenges_channel_id, config.emergency_number) == (
        10,
        11,
        "999",
    )
    assert (await repo.get(2)).emergency_number is None


async def test_member_settings_round_trip_with_big_ids(db: Database) -> None:
    repo = MemberRepo(db)
    big = 1_456_074_443_980_800_123
    await repo.update(big, T0, timezone="Europe/Berlin", units="lb", quiet_start_min=60)
    row = await repo.get(big)
    assert (row.user_id, row.timezone, row.units, row.quiet_start_min, row.quiet_end_min) == (
        big,
        "Europe/Berlin",
        "lb",
        60,
        480,
    )
    assert await repo.mark_unreachable(big, T0) is True
    assert await repo.mark_unreachable(big, T0) is False
    assert (await repo.get(big)).unreachable_since == T0
    assert await repo.touch(big, 5, T0) is True
    assert (await repo.get(big)).unreachable_since is None
    assert await repo.touch(big, 5, T0) is False


async def test_state_key_value(db: Database) -> None:
    repo = StateRepo(db)
    assert await repo.get("k") is None
    await repo.set("k", "a")
    await repo.set("k", "b")
    assert await repo.get("k") == "b"


async def test_delivery_claim_is_exclusive_and_expired_claims_return(db: Database) -> None:
    repo = DeliveryRepo(db)
    await repo.add_many(
        [NewDelivery(kind="k", due_at=T0 + timedelta(seconds=i), user_id=i) for i in range(10)], T0
    )
    now = T0 + timedelta(minutes=1)
    first = await repo.claim_due(now, worker="a", deadline=now + timedelta(minutes=2), limit=6)
    second = await repo.claim_due(now, worker="b", deadline=now + timedelta(minutes=2), limit=6)
    assert len(first) == 6 and len(second) == 4
    assert not {d.id for d in first} & {d.id for d in second}
    assert [d.user_id for d in first] == [0, 1, 2, 3, 4, 5], "oldest first"
    assert await repo.mark_sent(first[0].id, "b", message_id=1, late=False, now=now) is False, "not b's claim"
    assert await repo.mark_sent(first[0].id, "a", message_id=1, late=False, now=now) is True
    assert await repo.release_expired_claims(now + timedelta(minutes=1)) == 0
    assert await repo.release_expired_claims(now + timedelta(minutes=3)) == 9
    assert await repo.next_wake_at() == T0 + timedelta(seconds=1)
    assert await repo.count_by_status() == {"pending": 9, "sent": 1}


async def test_dedupe_key_and_timestamps_are_aware_utc(db: Database) -> None:
    repo = DeliveryRepo(db)
    a = await repo.add(NewDelivery(kind="k", due_at=T0, dedupe_key="x", payload={"n": 1}), T0)
    b = await repo.add(
        NewDelivery(kind="k", due_at=T0 + timedelta(hours=1), dedupe_key="x", payload={"n": 2}), T0
    )
    assert a.id == b.id and b.payload == {"n": 1} and b.due_at == T0
    assert b.due_at.tzinfo is not None and b.due_at.utcoffset() == timedelta(0)
    await repo.add_many(
        [NewDelivery(kind="k", due_at=T0, dedupe_key="x"), NewDelivery(kind="k", due_at=T0)], T0
    )
    assert sum((await repo.count_by_status()).values()) == 2


async def test_pause_and_resume_touch_only_dms_of_that_member(db: Database) -> None:
    repo = DeliveryRepo(db)
    dm = await repo.add(NewDelivery(kind="k", due_at=T0, user_id=7), T0)
    post = await repo.add(NewDelivery(kind="k", due_at=T0, user_id=7, channel_id=99), T0)
    other = await repo.add(NewDelivery(kind="k", due_at=T0, user_id=8), T0)
    assert await repo.pause_user(7, T0) == 1
    assert [(d.id, d.status) for d in await repo.for_user(7)] == [(dm.id, "paused"), (post.id, "pending")]
    assert (await repo.get(other.id)).status == "pending"  # type: ignore[union-attr]
    assert await repo.resume_user(7, T0) == 1
    assert (await repo.get(dm.id)).status == "pending"  # type: ignore[union-attr]
