"""What /log shows, without Discord: lines and records in the member's units, within embed limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.records import PersonalRecord, RecordKind, SetRecord
from bot.domain.routines import MAX_EXERCISES, parse_line
from bot.services.workouts import LoggedExercise, LoggedSession, LoggedWorkout
from cogs.log import describe_line, describe_record, logged_embed


def test_descriptions_in_the_members_units() -> None:
    assert describe_line(parse_line("Squat 3x5 @ 100kg rest 3m"), "lb") == "3×5 @ 220 lb, rest 3m"
    assert describe_line(parse_line("Dip 3x8 @ bw+10kg"), "kg") == "3×8 @ bodyweight + 10 kg"
    best = SetRecord(110.0, 5)
    e1rm = PersonalRecord("Back Squat", RecordKind.ESTIMATED_1RM, 128.33, 116.67, best)
    assert describe_record(e1rm, "kg") == "Back Squat: estimated 1RM 128.5 kg (was 116.5 kg), from 110 kg × 5"
    reps = PersonalRecord("Back Squat", RecordKind.REPS_AT_LOAD, 6, 5, SetRecord(100.0, 6), load_kg=100.0)
    assert describe_record(reps, "lb") == "Back Squat: 6 reps at 220 lb (best before: 5)"
    single = PersonalRecord("Deadlift", RecordKind.REPS_AT_LOAD, 1, None, SetRecord(200.0, 1), load_kg=200.0)
    assert describe_record(single, "kg") == "Deadlift: heaviest yet, 1 rep at 200 kg"
    first = PersonalRecord("Dip", RecordKind.FIRST_LOGGED, None, None, SetRecord(0.0, 12))
    assert describe_record(first, "kg") == "Dip: first time logged, bodyweight × 12"


def assert_within_discord_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.footer.text or "") <= 2048 and len(embed.author.name or "") <= 256
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.name or "") <= 256 and 0 < len(field.value or "") <= 1024


#: Markdown that escaping doubles, and line breaks that quoting lengthens: the worst text to show.
WORST = "*_~`|>\\\n#-aé🏋"
NAME = st.text(alphabet=WORST.replace("\n", ""), min_size=60, max_size=60)


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(NAME, min_size=30, max_size=30),
    routine=st.text(alphabet=WORST.replace("\n", ""), min_size=80, max_size=80),
    notes=st.text(alphabet=WORST, min_size=1000, max_size=1000),
    units=st.sampled_from(["kg", "lb"]),
)
def test_the_biggest_logged_workout_fits_in_one_embed(
    names: list[str], routine: str, notes: str, units: str
) -> None:
    """25 personal records and 5 baselines with the longest names, and 1,000 characters of notes."""
    line = parse_line("X 20x8-10 @ 102.25kg RPE 9.5 rest 59m59s")
    exercises = tuple(
        LoggedExercise(name, f"custom:{i}", True, line, 99_999.0)
        for i, name in enumerate(names[:MAX_EXERCISES])
    )
    heavy = SetRecord(999.99, 100)
    records = tuple(
        PersonalRecord(name, RecordKind.ESTIMATED_1RM, 99_999.99, 99_999.98, heavy) for name in names[:25]
    ) + tuple(PersonalRecord(name, RecordKind.FIRST_LOGGED, None, None, heavy) for name in names[25:])
    logged = LoggedWorkout(
        session=LoggedSession(1, 2, 3, datetime(2026, 3, 2, 18, 0, tzinfo=UTC)),
        routine_name=routine,
        exercises=exercises,
        volume_kg=9_999_999.0,
        rpe=10,
        notes=notes,
        records=records,
        units=units,  # type: ignore[arg-type]
    )
    embed = logged_embed(logged)
    assert_within_discord_limits(embed)
    shown = [field.name for field in embed.fields]
    assert shown[0] == "🏆 Personal records"
    assert "First time logged (your baseline)" in shown
    for name, value in zip(shown, [f.value or "" for f in embed.fields], strict=True):
        if name == "…":
            assert re.fullmatch(r"…and [0-9,]+ more (records?|exercises?)\.", value), "left out, and counted"
    assert embed.footer.text == "Logged by mistake? /log undo removes it within 24 hours."
