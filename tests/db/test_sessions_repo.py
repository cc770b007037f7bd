"""Group session queries on both databases: idempotent RSVPs and attendance, voice spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.db.repositories.sessions import SessionRepo

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def _session(repo: SessionRepo) -> int:
    row = await repo.add(
        {
            "guild_id": 1,
            "creator_id": 2,
            "name": "Lunch Tabata",
            "text_channel_id": 3,
            "voice_channel_id": 4,
            "duration_s": 1800,
            "zone": "UTC",
            "weekly": False,
            "starts_at": T0,
        },
        T0,
    )
    assert (row.seq, row.version, row.status) == (1, 1, "scheduled")
    return row.id


async def test_rsvps_are_one_per_member_and_occurrence(db: Database) -> None:
    repo = SessionRepo(db)
    sid = await _session(repo)
    await repo.set_rsvp(sid, 1, 10, going=True, source="button", now=T0)
    await repo.set_rsvp(sid, 1, 10, going=False, source="interested", now=T0)
    await repo.set_rsvp(sid, 1, 11, going=True, source="button", now=T0)
    assert [(r.user_id, r.going, r.source) for r in await repo.rsvps(sid, 1)] == [
        (10, False, "interested"),
        (11, True, "button"),
    ]
    assert await repo.going_counts([(sid, 1)]) == {sid: 1}
    await repo.carry_rsvps(sid, 1, 2, T0)
    assert len(await repo.rsvps(sid, 2)) == 2


async def test_attendance_is_recorded_once(db: Database) -> None:
    repo = SessionRepo(db)
    sid = await _session(repo)
    assert await repo.add_attendance(sid, 1, 10, how="voice", voice_s=900.0, now=T0)
    assert not await repo.add_attendance(sid, 1, 10, how="button", voice_s=None, now=T0)
    await repo.set_workout(sid, 1, 10, 77)
    (row,) = await repo.attendance(sid, 1)
    assert (row.user_id, row.how, row.workout_session_id) == (10, "voice", 77)


async def test_voice_spans_open_once_and_close(db: Database) -> None:
    repo = SessionRepo(db)
    sid = await _session(repo)
    assert await repo.open_span(sid, 1, 10, T0)
    assert not await repo.open_span(sid, 1, 10, T0 + timedelta(minutes=1))
    await repo.close_spans(sid, 1, 10, T0 + timedelta(minutes=5))
    assert await repo.open_span(sid, 1, 10, T0 + timedelta(minutes=10))
    spans = sorted(await repo.spans(sid, 1), key=lambda s: s.joined_at)
    assert [(s.joined_at, s.left_at) for s in spans] == [
        (T0, T0 + timedelta(minutes=5)),
        (T0 + timedelta(minutes=10), None),
    ]
    assert [r.id for r in await repo.in_voice_channel(4)] == [sid]
