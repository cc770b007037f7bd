"""ImportService without Discord: previews kept by token, confirming once, expiry, size limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.db.database import Database
from bot.db.repositories.imports import ImportRepo
from bot.db.repositories.members import MemberRepo
from bot.errors import NotAllowed, NotFound, UserFacingError
from bot.services.imports import PREVIEW_FOR, ImportService
from bot.services.settings import MemberSettingsService

ALICE, BOB = 101, 202
FILE = b"date,exercise,reps,weight\n2025-12-01 18:00,Back Squat,5,100\n2025-12-01 18:00,Back Squat,5,100\n"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture
async def service(tmp_path) -> AsyncIterator[tuple[ImportService, Clock]]:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/imports.db")
    await db.migrate()
    clock = Clock()
    yield ImportService(ImportRepo(db), MemberSettingsService(MemberRepo(db), "UTC", clock), clock), clock
    await db.dispose()


async def preview(service: ImportService, user: int = ALICE, data: bytes = FILE):  # type: ignore[no-untyped-def]
    async def read() -> bytes:
        return data

    return await service.preview(user, "f.csv", len(data), read)


async def test_a_preview_is_confirmed_once_and_only_by_its_member(service) -> None:  # type: ignore[no-untyped-def]
    imports, _ = service
    shown = await preview(imports)
    assert shown.new_sets == 2 and len(shown.sessions) == 1
    with pytest.raises(NotAllowed):
        await imports.confirm(BOB, shown.token)
    result = await imports.confirm(ALICE, shown.token)
    assert (result.sessions, result.sets) == (1, 2) and imports.confirmed(shown.token)
    with pytest.raises(NotFound, match="expired"):
        await imports.confirm(ALICE, shown.token)
    again = await preview(imports)
    assert again.new_sets == 0 and again.duplicates == 2 and imports.pending(again.token) is None


async def test_a_new_preview_replaces_the_members_older_one_and_previews_expire(service) -> None:  # type: ignore[no-untyped-def]
    imports, clock = service
    first = await preview(imports)
    second = await preview(imports)
    other = await preview(imports, BOB)
    assert imports.pending(first.token) is None and imports.pending(second.token) is not None
    clock.now += PREVIEW_FOR + timedelta(seconds=1)
    assert imports.pending(second.token) is None and imports.pending(other.token) is None
    imports.cancel(ALICE, second.token)


async def test_too_big_a_file_is_refused_before_it_is_read(service) -> None:  # type: ignore[no-untyped-def]
    imports, _ = service

    async def read() -> bytes:
        raise AssertionError("a file over the limit is never downloaded")

    with pytest.raises(UserFacingError, match=r"The file is 6\.0 MB; the limit is 5\.0 MB"):
        await imports.preview(ALICE, "big.csv", 6_000_000, read)


async def test_waiting_previews_hold_a_bounded_number_of_sets(service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.services import imports as module

    monkeypatch.setattr(module, "MAX_PENDING_SETS", 3)
    imports, _ = service
    alice = await preview(imports)
    bob = await preview(imports, BOB)
    assert imports.pending(alice.token) is None, "the oldest preview makes room"
    assert imports.pending(bob.token) is not None


async def test_workouts_older_than_the_server_keeps_are_not_imported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/kept.db")
    await db.migrate()
    clock = Clock()  # 5 Jan 2026
    members = MemberSettingsService(MemberRepo(db), "UTC", clock)
    imports = ImportService(ImportRepo(db), members, clock, retention_days=60)
    data = FILE + b"2025-06-01 18:00,Deadlift,5,140\n2025-06-01 18:00,Deadlift,5,140\n"
    shown = await preview(imports, data=data)
    assert shown.too_old == (1, 2) and shown.new_sets == 2
    result = await imports.confirm(ALICE, shown.token)
    assert result.sets == 2 and result.days is not None and result.days[0].year == 2025
    assert result.days[0].month == 12
    await db.dispose()
