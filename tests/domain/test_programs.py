"""Program templates: the data files load, and each kind runs as its source describes."""

from __future__ import annotations

import pytest

from bot.domain.intervals import parse, total_seconds
from bot.domain.programs import (
    RunState,
    TrainingMaxError,
    advance,
    default_templates,
    parse_training_max,
    session_at,
    start_state,
)
from bot.domain.routines import Weight


def loads(session) -> list[tuple[float, int]]:  # type: ignore[no-untyped-def]
    return [(line.load.amount, line.reps.low) for line in session.lines if isinstance(line.load, Weight)]


def test_every_template_names_its_source_and_reads():
    templates = default_templates()
    assert list(templates) == ["531", "gzclp", "ppl", "c25k"]
    for template in templates.values():
        assert template.source and template.summary
        assert len(template.weekdays) == template.days_per_week


def test_531_runs_its_published_waves_and_deload_then_raises_the_maxes():
    t = default_templates()["531"]
    run = start_state(t, {"press": 60.0, "deadlift": 180.0, "bench": 100.0, "squat": 140.0}, "kg")
    seen = {}
    for _ in range(16):
        session = session_at(t, run, "kg")
        assert session is not None
        seen[(session.week, session.day_name)] = loads(session)
        run = advance(t, run, "kg")
    assert seen[(0, "Squat")] == [(90.0, 5), (105.0, 5), (120.0, 5)]  # 65/75/85 % of 140, to 2.5 kg
    assert seen[(1, "Squat")] == [(97.5, 3), (112.5, 3), (125.0, 3)]  # 70/80/90 %
    assert seen[(2, "Squat")] == [(105.0, 5), (120.0, 3), (132.5, 1)]  # 75/85/95 %
    assert seen[(3, "Squat")] == [(55.0, 5), (70.0, 5), (85.0, 5)]  # deload 40/50/60 %
    assert seen[(0, "Press")] == [(38.75, 5), (45.0, 5), (51.25, 5)]  # upper body: 1.25 kg steps
    assert run.maxes == {"press": 62.5, "deadlift": 185.0, "bench": 102.5, "squat": 145.0}


def test_531_in_pounds_rounds_to_five_pound_steps():
    t = default_templates()["531"]
    run = start_state(t, {k: 315 * 0.45359237 for k in t.maxes}, "lb")
    run = RunState(3, run.maxes)  # squat day
    session = session_at(t, run, "lb")
    assert session is not None and loads(session) == [(205.0, 5), (235.0, 5), (270.0, 5)]


def test_gzclp_stages_change_on_a_missed_set_and_reset_after_the_last():
    t = default_templates()["gzclp"]
    run = start_state(t, {"squat": 100.0, "bench": 80.0, "deadlift": 120.0, "press": 50.0}, "kg")
    first = session_at(t, run, "kg")
    assert first is not None and [(line.sets, line.reps.low) for line in first.lines] == [
        (5, 3),
        (3, 10),
        (3, 15),
    ]
    assert loads(first) == [(85.0, 3), (52.5, 10)]
    stages = []
    for _ in range(3):  # A1 three times, each with a missed T1 set
        run = advance(t, run, "kg", missed={"t1"})
        stages.append((run.lifts["t1:squat"]["stage"], run.lifts["t1:squat"]["kg"]))
        for _ in range(3):
            run = advance(t, run, "kg")
    assert stages == [(1, 85.0), (2, 85.0), (0, 72.5)]  # 6x2+, 10x1+, then 85 % of 85 kg
    assert run.lifts["t2:bench"]["kg"] == 60.0  # three good sessions: +2.5 kg each


def test_c25k_sessions_are_interval_programs_and_the_program_ends():
    t = default_templates()["c25k"]
    run = start_state(t, {}, "kg")
    first = session_at(t, run, "kg")
    assert first is not None and first.intervals is not None
    assert total_seconds(parse(first.intervals)) == 25 * 60
    assert [(line.name, line.reps.seconds) for line in first.lines] == [("Walk", 17 * 60), ("Run", 8 * 60)]
    last = session_at(t, RunState(26, {}), "kg")
    assert last is not None and last.intervals == "5m warm-up walk, 30m jog"
    assert session_at(t, RunState(27, {}), "kg") is None


@pytest.mark.parametrize("text", ["0", "900", "900kg", "abc", "", "-5", "1200lb"])
def test_bad_training_maxes_are_refused(text):
    with pytest.raises(TrainingMaxError):
        parse_training_max(text, "kg")


def test_training_maxes_read_in_either_unit():
    assert parse_training_max("140", "kg") == 140
    assert parse_training_max("140.5 kg", "lb") == 140.5
    assert parse_training_max("315", "lb") == pytest.approx(142.88, abs=0.01)
