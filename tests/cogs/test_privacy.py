"""/privacy export and delete, through SimCord."""

from __future__ import annotations

import json

import pytest

from tests.cogs.world import build_world, text_of

pytestmark = [pytest.mark.simcord(settle_timeout=30), pytest.mark.start_at("2026-05-04T10:00:00+00:00")]


async def create_and_share(w, member, name: str) -> None:  # type: ignore[no-untyped-def]
    shown = await member.slash(w.general, "routine create")
    await member.submit_modal(
        shown,
        {
            "routine-name": name,
            "routine-exercises": "Back Squat 3x5 @ 100kg",
            "routine-notes": "",
            "routine-tags": "",
        },
    )
    await member.slash(w.general, "routine share", name=name)


async def make_history(env, w, member) -> None:  # type: ignore[no-untyped-def]
    await member.slash(w.general, "settings timezone", zone="Europe/Berlin")
    await create_and_share(w, member, f"{member.user.name} legs")
    await member.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg")
    await member.slash(w.general, "soreness rate", level=3, area="quads")
    await member.slash(w.general, "remind daily", time="07:30")
    await member.slash(w.general, "plan set", day="mon", routine=f"{member.user.name} legs")


async def setup_world(env):  # type: ignore[no-untyped-def]
    w = build_world(env)
    await w.admin.slash(
        w.general, "setup channels", routines=w.routines, challenges=w.challenges, checkins=w.checkins
    )
    await make_history(env, w, w.alice)
    await make_history(env, w, w.bob)
    return w


async def test_export_is_a_json_file_of_everything_about_the_member(simcord_env):
    env = simcord_env
    w = await setup_world(env)
    result = await w.alice.slash(w.general, "privacy export")
    assert result.ephemeral
    attachment = result.response.attachments[0]
    assert attachment.filename == f"repmate-data-{w.alice.id}.json"
    data = json.loads(await attachment.read())
    assert data["schema_version"] == 1 and data["user_id"] == str(w.alice.id)
    tables = data["tables"]
    assert tables["members"][0]["timezone"] == "Europe/Berlin"
    assert [r["name"] for r in tables["routines"]] == ["alice legs"]
    assert len(tables["workout_sessions"]) == 1 and tables["workout_sets"]
    assert tables["soreness_ratings"][0]["level"] == 3
    assert tables["reminders"][0]["minute_of_day"] == 7 * 60 + 30
    assert {r["kind"] for r in tables["deliveries"]} >= {"checkin", "reminder"}
    assert tables["plan_entries"][0]["weekday"] == 0
    everything = json.dumps(tables)
    assert str(w.bob.id) not in everything, "nothing about another member"


async def test_delete_removes_everything_unshares_and_leaves_others_alone(simcord_env, make_bot):
    env = simcord_env
    w = await setup_world(env)
    bob_before = await env.bot.services.privacy.export(w.bob.id)
    shown = await w.alice.slash(w.general, "privacy delete")
    text = text_of(shown.response)
    assert "Delete all your Repmate data?" in text and "• 1 routine\n" in text
    second = await w.alice.slash(w.general, "privacy delete")
    await w.alice.click(shown.response, label="Delete everything")
    receipt = text_of(next(m for m in w.general.history(viewer=w.alice) if m.id == shown.response.id))
    assert "Deleted." in receipt and "shared routine post" in receipt
    after = await env.bot.services.privacy.export(w.alice.id)
    assert all(rows == [] for rows in after["tables"].values()), after["tables"]
    post = next(m for m in w.routines.history() if "removed" in text_of(m))
    assert "alice legs" not in text_of(post)
    assert all(c.disabled for row in post.components for c in row.children)
    bob_after = await env.bot.services.privacy.export(w.bob.id)
    assert bob_after["tables"] == bob_before["tables"]
    # A second confirmation that was still open, pressed after a restart, is safe.
    await env.restart_bot(make_bot())
    await w.alice.click(second.response, label="Delete everything")
    again = text_of(next(m for m in w.general.history(viewer=w.alice) if m.id == second.response.id))
    assert "nothing left to delete" in again
    assert (await env.bot.services.privacy.delete(w.alice.id)).anything is False
    # Nothing scheduled for alice any more: two days pass without a DM.
    before = len(w.alice.user.dm_channel.history())
    for _ in range(8):
        await env.advance_time(6 * 3600)
    assert len(w.alice.user.dm_channel.history()) == before


async def test_cancel_and_someone_else_cannot_confirm(simcord_env):
    env = simcord_env
    w = await setup_world(env)
    shown = await w.alice.slash(w.general, "privacy delete")
    await w.alice.click(shown.response, label="Cancel")
    assert "nothing was deleted" in text_of(
        next(m for m in w.general.history(viewer=w.alice) if m.id == shown.response.id)
    )
    assert (await env.bot.services.privacy.summary(w.alice.id))["routines"] == 1


@pytest.mark.settings(retention_days=30)
async def test_retention_purges_old_sessions_and_ratings_daily(simcord_env):
    env = simcord_env
    w = build_world(env)  # Mon 4 May 10:00
    await w.alice.slash(w.general, "log workout", exercises="Back Squat 3x5 @ 100kg", notes="old")
    await w.alice.slash(w.general, "soreness rate", level=2)
    for _ in range(20 * 4):
        await env.advance_time(6 * 3600)
    await w.alice.slash(w.general, "log workout", exercises="Plank 3x45s", notes="recent")  # 24 May
    for _ in range(10 * 4):  # 3 Jun 10:00: the old session is not yet 30 days old at 03:30
        await env.advance_time(6 * 3600)
    privacy = env.bot.services.privacy
    kept = (await privacy.export(w.alice.id))["tables"]
    assert len(kept["workout_sessions"]) == 2 and len(kept["soreness_ratings"]) == 1
    for _ in range(4):  # past the 03:30 purge on 4 Jun
        await env.advance_time(6 * 3600)
    left = (await privacy.export(w.alice.id))["tables"]
    assert [s["notes"] for s in left["workout_sessions"]] == ["recent"]
    assert left["soreness_ratings"] == []


@pytest.mark.start_at("2026-05-04T10:00:00+00:00")
async def test_delete_takes_challenge_entries_off_the_leaderboard_and_keeps_the_creators_challenge(
    simcord_env,
):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    created = await w.admin.slash(
        w.general,
        "challenge create",
        name="May AMRAP",
        program="amrap 12",
        start="now",
        end="2026-05-10 10:00",
    )
    assert "May AMRAP" in text_of(created.response)
    await env.advance_time(5)
    for member, result in ((w.alice, "7+12"), (w.bob, "6+3")):
        await member.slash(w.general, "challenge join", name="May AMRAP")
        await member.slash(w.general, "challenge log", name="May AMRAP", result=result)
    board = text_of((await w.bob.slash(w.general, "challenge leaderboard", name="May AMRAP")).response)
    assert "alice" in board.lower() or f"<@{w.alice.id}>" in board
    shown = await w.admin.slash(w.general, "privacy delete")
    summary = text_of(shown.response)
    assert "• 1 challenge you created" in summary, summary
    assert "Challenges you created stay for the others, without your name." in summary
    await w.admin.click(shown.response, label="Delete everything")
    shown = await w.alice.slash(w.general, "privacy delete")
    await w.alice.click(shown.response, label="Delete everything")
    board = text_of((await w.bob.slash(w.general, "challenge leaderboard", name="May AMRAP")).response)
    assert f"<@{w.alice.id}>" not in board and "alice" not in board.lower()
    assert "6+3" in board, "the other member's result stays"
    listed = text_of((await w.bob.slash(w.general, "challenge list")).response)
    assert "May AMRAP" in listed, "the creator's challenge stays for everyone, anonymised"
    assert str(w.admin.id) not in json.dumps((await env.bot.services.privacy.export(w.admin.id))["tables"])


async def test_after_deletion_the_shared_post_shows_no_member_text_and_counts_read_right(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    shown = await w.alice.slash(w.general, "routine create")
    await w.alice.submit_modal(
        shown,
        {
            "routine-name": "Push @everyone",
            "routine-exercises": "Zercher Hold 3x20s",
            "routine-notes": "after my shoulder surgery",
            "routine-tags": "rehab",
        },
    )
    await w.alice.slash(w.general, "routine share", name="Push @everyone")
    post = w.routines.last_message
    await w.admin.slash(
        w.general,
        "challenge create",
        name="May AMRAP",
        program="amrap 12",
        start="now",
        end="2026-05-10 10:00",
    )
    await env.advance_time(5)
    await w.alice.slash(w.general, "challenge join", name="May AMRAP")

    asked = await w.alice.slash(w.general, "privacy delete")
    summary = text_of(asked.response)
    assert "1 routine\n" in summary and "1 routines" not in summary, summary
    assert "1 challenge joined" in summary and "entries" not in summary, summary
    await w.alice.click(asked.response, label="Delete everything")
    receipt = text_of(next(m for m in w.general.history(viewer=w.alice) if m.id == asked.response.id))
    assert "Your shared routine post now says" in receipt and "post(s)" not in receipt, receipt

    removed = next(m for m in w.routines.history() if m.id == post.id)
    shown_text = text_of(removed)
    assert removed.embeds[0].title == "A routine that was removed"
    for private in ("Push", "everyone", "shoulder", "rehab", "Zercher", str(w.alice.id)):
        assert private not in shown_text, private
    assert all(c.disabled for row in removed.components for c in row.children)


async def seed_years_of_sets(env, member, sets: int) -> None:  # type: ignore[no-untyped-def]
    """Years of logged training, written straight to the tables (logging 30,000 sets one by one is slow)."""
    from datetime import UTC, datetime, timedelta

    from bot.db.tables_routines import workout_sessions, workout_sets

    start = datetime(2023, 5, 4, 7, 0, tzinfo=UTC)
    per_session = 20
    sessions = [
        {
            "id": 10_000 + n,
            "user_id": member.id,
            "guild_id": None,
            "routine_name": "Full body strength and conditioning",
            "performed_at": start + timedelta(days=n * 7 / 5),
            "notes": "Felt strong; long warm-up with mobility work for hips and ankles.",
            "volume_kg": 5000.0,
            "created_at": start + timedelta(days=n * 7 / 5),
        }
        for n in range(sets // per_session)
    ]
    rows = [
        {
            "session_id": 10_000 + n,
            "user_id": member.id,
            "position": i // 5,
            "exercise": "Barbell Back Squat with Pause",
            "exercise_key": "barbell back squat with pause",
            "set_no": i % 5 + 1,
            "reps": 5,
            "load_kind": "kg",
            "weight_kg": 102.5,
        }
        for n in range(sets // per_session)
        for i in range(per_session)
    ]
    async with env.bot.services.db.begin() as conn:
        await conn.execute(workout_sessions.insert(), sessions)
        await conn.execute(workout_sets.insert(), rows)


@pytest.mark.simcord(settle_timeout=120)
async def test_a_long_history_is_exported_within_the_upload_limit(simcord_env):
    """30,000 logged sets are well over Discord's 10 MiB as JSON: the member gets them zipped."""
    import io
    import zipfile

    env = simcord_env
    w = build_world(env)
    await seed_years_of_sets(env, w.alice, 30_000)

    result = await w.alice.slash(w.general, "privacy export")

    text = text_of(result.response)
    [attachment] = result.response.attachments
    assert attachment.filename == f"repmate-data-{w.alice.id}.zip"
    assert "zipped" in text and "MB" in text
    archive = zipfile.ZipFile(io.BytesIO(await attachment.read()))
    [inner] = archive.namelist()
    assert inner == f"repmate-data-{w.alice.id}.json"
    data = json.loads(archive.read(inner))
    assert len(data["tables"]["workout_sets"]) == 30_000


@pytest.mark.simcord(settle_timeout=120)
async def test_when_even_the_zip_is_too_large_the_export_comes_in_numbered_parts(simcord_env, monkeypatch):
    """Where a server's limit is lower than the zip, every row still reaches the member, in parts."""
    import io
    import sys
    import zipfile

    env = simcord_env
    w = build_world(env)
    await seed_years_of_sets(env, w.alice, 30_000)
    monkeypatch.setattr(sys.modules["cogs.privacy"], "DEFAULT_UPLOAD_LIMIT", 150_000)

    result = await w.alice.slash(w.general, "privacy export")

    messages = [result.response, *result.followups]
    parts = len(messages)
    assert parts > 1
    assert f"so it comes in {parts} zipped parts" in text_of(result.response)
    sets = 0
    for k, message in enumerate(messages, start=1):
        assert message.ephemeral
        [attachment] = message.attachments
        assert attachment.filename == f"repmate-data-{w.alice.id}-part-{k}-of-{parts}.zip"
        data = await attachment.read()
        assert len(data) <= 150_000
        archive = zipfile.ZipFile(io.BytesIO(data))
        sets += len(json.loads(archive.read(archive.namelist()[0]))["tables"].get("workout_sets", []))
        if k > 1:
            assert text_of(message) == f"Part {k} of {parts}."
    assert sets == 30_000
