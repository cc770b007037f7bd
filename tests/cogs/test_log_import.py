"""/log import and /log export through SimCord: previews, importing, re-importing, limits, round trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.tables import deliveries
from bot.db.tables_imports import workout_imports
from bot.db.tables_routines import workout_sessions, workout_sets
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def shown(w: World, message: Any) -> str:
    """The message as the member sees it now (after a button edited it)."""
    return text_of(next(m for m in w.general.history(viewer=w.alice) if m.id == message.id))


async def count(env: Any, table: Any, user_id: int | None = None) -> int:
    query = select(func.count()).select_from(table)
    if user_id is not None:
        query = query.where(table.c.user_id == user_id)
    async with env.bot.services.db.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


async def import_file(w: World, name: str, data: bytes) -> Any:
    result = await w.alice.slash(w.general, "log import", file=(name, data))
    assert result.ephemeral
    return result


async def test_a_strong_export_previews_then_imports_without_check_ins(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    callbacks = [r.json for r in env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5, "deferred before reading the file"
    text = text_of(preview.response)
    assert "Import preview: Strong file" in text and "10 rows read" in text
    assert "**2 workouts**, **8 sets** · 3 Nov 2025 to 6 Nov 2025" in text
    assert "Bench Press (Barbell) → Bench Press" in text and "Squat (Barbell) → Back Squat" in text
    assert "Pull Up → Pull-Up" in text
    assert "Will be custom exercises (1)" in text and "Cable Crunch Deluxe" in text
    assert "Rows that failed (1)" in text and "Line 11: the weight `abc` isn't a number" in text
    assert "read as **kg**" in text and "1 row without a set" in text
    assert "the bot's default: you haven't set your time zone" in text
    assert await count(env, workout_sessions) == 0, "nothing is saved by a preview"

    await w.alice.click(preview.response, label="Import 8 sets")
    done = shown(w, preview.response)
    assert "Imported** 2 workouts and 8 sets from your Strong file (3 Nov 2025 to 6 Nov 2025)" in done
    assert await count(env, workout_sessions, w.alice.id) == 2
    assert await count(env, workout_sets, w.alice.id) == 8
    assert await count(env, deliveries) == 0, "imported history schedules no check-in"
    posts = [r for r in env.http_requests if r.method == "POST" and r.path.startswith("/channels/")]
    assert posts == [], "and posts or DMs nothing"

    history = text_of((await w.alice.slash(w.general, "log history", days=90)).response)
    assert "**2** workouts" in history and "Push Day" in history and "Leg Day" in history
    # Records count imported sets: the bench of 65 kg × 6 is what 70 kg × 6 beats.
    logged = await w.alice.slash(w.general, "log workout", exercises="Bench Press 1x6 @ 70kg")
    text = text_of(logged.response)
    assert "Bench Press: estimated 1RM" in text and "(was" in text and "First time logged" not in text
    # Undo removes what was just logged, never an imported workout.
    await w.alice.slash(w.general, "log undo")
    nothing = await w.alice.slash(w.general, "log undo")
    assert "no logged workouts to undo" in user_error(env, nothing)
    assert await count(env, workout_sessions, w.alice.id) == 2
    await env.bot.close()


async def test_reimporting_the_same_file_adds_nothing_and_an_overlapping_one_only_the_new(simcord_env):
    env = simcord_env
    w = build_world(env)
    first = await import_file(w, "strong.csv", fixture("strong.csv"))
    await w.alice.click(first.response, label="Import 8 sets")
    again = await import_file(w, "strong.csv", fixture("strong.csv"))
    text = text_of(again.response)
    assert "Nothing new: every set in the file is already in your log." in text
    assert "Already in your log" in text and "8 sets, skipped" in text
    assert not again.response.components, "nothing to import, so no Import button"

    later = fixture("strong.csv") + (
        b'2025-11-10 18:00:00,"Push Day",1h,"Bench Press (Barbell)",1,67.5,5,0,0,"","",\n'
    )
    overlap = await import_file(w, "strong-later.csv", later)
    text = text_of(overlap.response)
    assert "**1 workout**, **1 set** · 10 Nov 2025" in text and "8 sets, skipped" in text
    await w.alice.click(overlap.response, label="Import 1 set")
    assert await count(env, workout_sets, w.alice.id) == 9
    await env.bot.close()


async def test_a_hevy_export_with_a_superset_warm_ups_and_timed_sets(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "hevy.csv", fixture("hevy.csv"))
    text = text_of(preview.response)
    assert "Import preview: Hevy file" in text
    assert "**2 workouts**, **8 sets** · 12 Nov 2025 to 14 Nov 2025" in text
    assert "Overhead Press (Barbell) → Overhead Press" in text and "Face Pull (Cable) → Face Pull" in text
    assert "Line 10: a distance without a time can't be logged" in text
    assert "Will be custom" not in text and "read as **" not in text, "Hevy names its unit"
    await w.alice.click(preview.response, label="Import 8 sets")
    exported = await w.alice.slash(w.general, "log export")
    rows = list(csv.DictReader(io.StringIO((await exported.response.attachments[0].read()).decode())))
    pulldowns = [r for r in rows if r["exercise"] == "Lat Pulldown"]
    assert [r["set"] for r in pulldowns] == ["1", "2"], "superset rows interleaved, each exercise in order"
    crunch = next(r for r in rows if r["exercise"] == "Face Pull")
    assert crunch["bodyweight"] == "" and crunch["weight"] == "15"
    chin = next(r for r in rows if r["exercise"] == "Chin-Up")
    assert chin["bodyweight"] == "yes" and chin["weight"] == "10"
    plank = next(r for r in rows if r["exercise"] == "Plank")
    assert plank["seconds"] == "90" and plank["reps"] == ""
    assert rows[0]["notes"] == "Good pump"
    await env.bot.close()


async def test_the_generic_csv_with_zones_units_bodyweight_and_percent(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings timezone", zone="America/New_York")
    preview = await import_file(w, "generic.csv", fixture("generic.csv"))
    text = text_of(preview.response)
    assert "Import preview: generic CSV file" in text
    assert "**2 workouts**, **6 sets** · 1 Dec 2025 to 3 Dec 2025" in text
    assert "Line 8: reps `five` isn't a number" in text
    assert "Times without a zone are read in **America/New_York**" in text
    await w.alice.click(preview.response, label="Import 6 sets")
    async with env.bot.services.db.connect() as conn:
        times = sorted(r[0] for r in await conn.execute(select(workout_sessions.c.performed_at)))
    assert [t.isoformat() for t in times] == ["2025-12-01T17:00:00+00:00", "2025-12-03T12:00:00+00:00"]
    exported = await w.alice.slash(w.general, "log export")
    rows = list(csv.DictReader(io.StringIO((await exported.response.attachments[0].read()).decode())))
    bench = [r for r in rows if r["exercise"] == "Bench Press"]
    assert bench[0]["weight"] == "102.0583" and bench[0]["unit"] == "kg"
    assert bench[1]["percent"] == "75" and bench[1]["weight"] == ""
    assert rows[0]["date"] == "2025-12-01T12:00:00-05:00" and rows[0]["rpe"] == "8"
    await env.bot.close()


async def test_export_then_import_round_trips(simcord_env):
    env = simcord_env
    w = build_world(env)
    await w.alice.slash(w.general, "settings units", system="lb")
    await w.alice.slash(
        w.general,
        "log workout",
        exercises="Back Squat 3x5 @ 225lb | Pull-up 3x8 @ bw+10lb | Plank 2x45s",
        rpe=8,
        notes="Good, solid",
    )
    first = await w.alice.slash(w.general, "log export")
    assert "1 workout, 8 sets" in text_of(first.response)
    exported = await first.response.attachments[0].read()

    same = text_of((await import_file(w, "mine.csv", exported)).response)
    assert "Nothing new" in same and "8 sets, skipped" in same, "my own export adds nothing to my log"

    await w.bob.slash(w.general, "settings units", system="lb")
    result = await w.bob.slash(w.general, "log import", file=("alice.csv", exported))
    await w.bob.click(result.response, label="Import 8 sets")
    again = await (await w.bob.slash(w.general, "log export")).response.attachments[0].read()
    assert again == exported
    await env.bot.close()


async def test_limits_and_unreadable_files_are_refused_with_the_reason(simcord_env):
    env = simcord_env
    w = build_world(env)
    big = fixture("generic.csv") + b"x" * 6_000_000
    refused = user_error(env, await import_file(w, "big.csv", big))
    assert "The file is 6.0 MB; the limit is 5.0 MB a file, so nothing was imported." in refused
    assert "Example:" in refused
    header = b"date,exercise,reps\n"
    many = header + b"2025-01-01 10:00,Squat,5\n" * 100_001
    text = user_error(env, await import_file(w, "many.csv", many))
    assert "more than 100,000 rows" in text and "Nothing was imported" in text
    strange = user_error(env, await import_file(w, "other.csv", b"foo,bar\n1,2\n"))
    assert "isn't the header of a Strong or Hevy export" in strange
    assert await count(env, workout_sessions) == 0
    await env.bot.close()


async def test_cancel_imports_nothing(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    await w.alice.click(preview.response, label="Cancel")
    assert "Cancelled: nothing was imported." in shown(w, preview.response)
    assert await count(env, workout_sessions) == 0
    empty = await w.alice.slash(w.general, "log export")
    assert "Your log is empty" in text_of(empty.response) and not empty.response.attachments
    await env.bot.close()


async def test_a_preview_expires_and_its_button_says_so(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    await env.advance_time(16 * 60)
    await w.alice.click(preview.response, label="Import 8 sets")
    assert "This import preview has expired" in shown(w, preview.response)
    assert await count(env, workout_sessions) == 0
    await env.bot.close()


async def test_privacy_export_and_delete_cover_imports_and_fingerprints(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    await w.alice.click(preview.response, label="Import 8 sets")
    data = await env.bot.services.privacy.export(w.alice.id)
    [record] = data["tables"]["workout_imports"]
    assert record["source"] == "strong" and record["sets"] == 8 and record["failed_rows"] == 1
    assert all(row["fingerprint"] for row in data["tables"]["workout_sets"])
    asked = await w.alice.slash(w.general, "privacy delete")
    assert "1 history import" in text_of(asked.response)
    await w.alice.click(asked.response, label="Delete everything")
    assert await count(env, workout_sets) == 0
    assert await count(env, workout_imports) == 0
    # Gone means gone: the same file imports again in full.
    again = await import_file(w, "strong.csv", fixture("strong.csv"))
    assert "**8 sets**" in text_of(again.response)
    await env.bot.close()


async def test_help_names_import_and_export(simcord_env):
    env = simcord_env
    w = build_world(env)
    text = text_of((await w.alice.slash(w.general, "help", topic="routines")).response)
    assert "`/log import` — Bring in your history from Strong, Hevy or a CSV file" in text
    assert "`/log export` — Download your whole workout log as a CSV file" in text
    assert "Strong or Hevy CSV export" in text
    await env.bot.close()


async def test_a_file_whose_rows_all_fail_offers_nothing_to_import(simcord_env):
    env = simcord_env
    w = build_world(env)
    data = b"date,exercise,reps\n2025-01-01 10:00,Squat,lots\nsoon,Squat,5\n"
    preview = await import_file(w, "bad.csv", data)
    text = text_of(preview.response)
    assert "Nothing to import: no row of the file could be read as a set" in text
    assert "Line 2: reps `lots` isn't a number" in text and "Line 3: the date `soon`" in text
    assert not preview.response.components
    await env.bot.close()


async def test_a_long_log_exports_in_parts_that_each_import_on_their_own(simcord_env):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    await w.alice.click(preview.response, label="Import 8 sets")
    export = await env.bot.services.imports.export(w.alice.id, 500)
    assert len(export.files) == 2 and all(len(f.data) <= 500 for f in export.files)
    assert [f.name for f in export.files][:1] == [
        f"repmate-log-{w.alice.id}-part-1-of-{len(export.files)}.csv"
    ]
    total = 0
    for f in export.files:
        result = await w.bob.slash(w.general, "log import", file=(f.name, f.data))
        assert "Rows that failed" not in text_of(result.response)
        new = int(text_of(result.response).split("**")[3].split()[0])
        await w.bob.click(result.response, label=f"Import {new} set{'s' if new != 1 else ''}")
        total += new
    assert total == 8 and await count(env, workout_sets, w.bob.id) == 8
    await env.bot.close()


async def test_after_a_restart_the_preview_buttons_say_to_run_the_command_again(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    preview = await import_file(w, "strong.csv", fixture("strong.csv"))
    await env.restart_bot(make_bot())
    await w.alice.click(preview.response, label="Import 8 sets")
    text = shown(w, preview.response)
    assert "This import preview has expired" in text and "Run `/log import` with the file again" in text
    assert await count(env, workout_sessions) == 0
    await env.bot.close()


async def test_a_preview_of_a_messy_file_stays_within_discords_limits(simcord_env):
    env = simcord_env
    w = build_world(env)
    lines = [b"date,exercise,reps,weight,unit"]
    lines += [f"2025-10-01 10:00,Odd Move Number {n} With A Long Name,5,20,kg".encode() for n in range(300)]
    lines += [f"2025-10-02 10:00,Squat,{n}.5,20,kg".encode() for n in range(400)]
    preview = await import_file(w, "messy.csv", b"\n".join(lines) + b"\n")
    text = text_of(preview.response)
    assert "**1 workout**, **300 sets**" in text and "Will be custom exercises (300)" in text
    assert "Rows that failed (400), not imported" in text and "Line 302: reps `0.5`" in text
    assert "…and 385 more." in text
    await env.bot.close()
