"""The `/shouldistop` flow state machine (TRIAGE.md §5), without Discord."""

from __future__ import annotations

import pytest

from bot.services.triage import FlowError, Stage, TriageFlow
from bot.triage import UNSURE, RuleSet, load_rules

E_IDS = [f"E{i}" for i in range(1, 11)]
S_IDS = ["S1", "S2", "S3", "S4", "S5", "S7", "S8", "S9", "S10"]
LAST_IDS = ["R1", "R2", "R3", "O1", "O2"]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def flow(rules: RuleSet) -> TriageFlow:
    return TriageFlow(rules)


def ids(flow: TriageFlow) -> list[str]:
    return [rule.id for rule in flow.questions]


def to_context(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.none_of_these()


def to_last(
    flow: TriageFlow,
    *,
    time: str = "1_2_days",
    improving: str = "better",
    where: tuple[str, ...] = ("worked_muscles",),
    kind: tuple[str, ...] = ("dull_ache",),
) -> None:
    to_context(flow)
    if flow.stage is Stage.TIME:
        flow.choose_time(time)
    flow.choose_improving(improving)
    if where:
        flow.choose_where(where)
    else:
        flow.none_of_these()
    if kind:
        flow.choose_kind(kind)
    else:
        flow.none_of_these()
    assert flow.stage is Stage.LAST


# -- the start and the step labels -------------------------------------------------------------


def test_starts_at_the_emergency_checklist_with_the_intro(flow: TriageFlow) -> None:
    assert flow.stage is Stage.EMERGENCY
    assert flow.step == 1 and flow.step_label == "Step 1 of 4"
    assert flow.step_name == "Emergency checklist"
    assert flow.shows_intro
    assert flow.intro(emergency_number="999").startswith("**If you're in danger now, call 999.**")
    assert flow.intro(emergency_number=None).startswith(
        "**If you're in danger now, call your local emergency number.**"
    )
    assert ids(flow) == E_IDS
    assert not flow.can_go_back and not flow.has_started
    assert flow.answers == {}


def test_step_labels_follow_the_flow(flow: TriageFlow) -> None:
    seen = [(flow.stage, flow.step_label)]
    flow.none_of_these()
    seen.append((flow.stage, flow.step_label))
    flow.none_of_these()
    answers = [
        lambda: flow.choose_time("under_24h"),
        lambda: flow.choose_improving("not_sure"),
        lambda: flow.choose_where(["calf_or_shin"]),
        lambda: flow.choose_kind(["sharp"]),
    ]
    for answer in answers:
        seen.append((flow.stage, flow.step_label))
        answer()
    seen.append((flow.stage, flow.step_label))
    assert seen == [
        (Stage.EMERGENCY, "Step 1 of 4"),
        (Stage.CLINICIAN, "Step 2 of 4"),
        (Stage.TIME, "Step 3 of 4"),
        (Stage.IMPROVING, "Step 3 of 4"),
        (Stage.WHERE, "Step 3 of 4"),
        (Stage.KIND, "Step 3 of 4"),
        (Stage.LAST, "Step 4 of 4"),
    ]
    assert not flow.shows_intro


# -- step 1: emergency, stops early ------------------------------------------------------------


@pytest.mark.parametrize("rule_id", E_IDS)
def test_any_emergency_tick_stops_at_emergency(flow: TriageFlow, rule_id: str) -> None:
    flow.tick([rule_id])
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "emergency"
    assert assessment.rule_ids == [rule_id]
    assert flow.answers[rule_id] is True
    assert all(flow.answers[other] is False for other in E_IDS if other != rule_id)
    assert not any(key.startswith("S") for key in flow.answers), "nothing later is asked"


def test_several_emergency_ticks_list_every_one(flow: TriageFlow) -> None:
    flow.tick(["E9", "E2"])
    assert flow.assessment().rule_ids == ["E2", "E9"]


def test_emergency_outcome_leads_with_the_action(flow: TriageFlow) -> None:
    flow.tick(["E7"])
    outcome = flow.outcome(emergency_number="999", clinician_text="Club physio", clinician_url=None)
    assert outcome.title.startswith("Emergency")
    assert outcome.description.splitlines()[0] == ("**Stop now. Call 999 or go to an emergency department.**")
    assert outcome.context_echo is None
    assert any("Club physio" in value for _, value in outcome.fields)


@pytest.mark.parametrize("rule_id", E_IDS)
def test_unsure_emergency_item_stops_at_clinician_with_call_now_wording(
    flow: TriageFlow, rule_id: str
) -> None:
    flow.not_sure_about_some()
    assert flow.stage is Stage.EMERGENCY and flow.marking_unsure
    assert ids(flow) == E_IDS
    flow.mark_unsure([rule_id])
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "clinician"
    assert assessment.rule_ids == [rule_id]
    assert flow.answers[rule_id] == UNSURE
    outcome = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None)
    assert outcome.title.startswith("See a clinician")
    assert "Call an urgent medical advice line now" in outcome.description
    assert "call 999" in outcome.description


def test_an_emergency_stop_keeps_the_time_hint_but_asks_nothing_more(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=200)
    flow.tick(["E1"])
    assessment = flow.assessment()
    assert assessment.level == "emergency"
    assert assessment.rule_ids == ["E1", "S6"], "a week or more still shows as lasting"


def test_checklists_have_no_silent_default(flow: TriageFlow) -> None:
    with pytest.raises(FlowError):
        flow.tick([])
    flow.not_sure_about_some()
    with pytest.raises(FlowError):
        flow.mark_unsure([])
    assert flow.stage is Stage.EMERGENCY and flow.marking_unsure


def test_answers_from_another_step_are_refused(flow: TriageFlow) -> None:
    with pytest.raises(FlowError):
        flow.tick(["S1"])
    with pytest.raises(FlowError):
        flow.tick(["E11"])
    with pytest.raises(FlowError):
        flow.choose_time("1_2_days")
    with pytest.raises(FlowError):
        flow.mark_unsure(["E1"])  # not on the "not sure" screen
    with pytest.raises(FlowError):
        flow.assessment()
    flow.not_sure_about_some()
    with pytest.raises(FlowError):
        flow.tick(["E1"])
    with pytest.raises(FlowError):
        flow.none_of_these()
    assert flow.answers == {}


# -- step 2: see a clinician -------------------------------------------------------------------


def test_clinician_checklist_asks_s_questions_except_the_lasting_one(flow: TriageFlow) -> None:
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN
    assert ids(flow) == S_IDS
    assert all(flow.answers[e] is False for e in E_IDS)


@pytest.mark.parametrize("rule_id", S_IDS)
def test_any_clinician_tick_goes_straight_to_the_outcome(flow: TriageFlow, rule_id: str) -> None:
    flow.none_of_these()
    flow.tick([rule_id])
    assert flow.is_done
    assert flow.assessment().level == "clinician"
    assert flow.assessment().rule_ids == [rule_id]


def test_unsure_clinician_items_go_straight_to_the_outcome(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.not_sure_about_some()
    flow.mark_unsure(["S9", "S3"])
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "clinician"
    assert assessment.rule_ids == ["S3", "S9"]
    assert assessment.unsure == {"S3", "S9"}


# -- step 3: context ---------------------------------------------------------------------------


def test_context_asks_time_improving_where_and_kind(flow: TriageFlow) -> None:
    to_context(flow)
    assert flow.stage is Stage.TIME
    assert flow.context_question == "Time since the workout"
    assert [c.id for c in flow.context_choices] == [
        "during",
        "under_24h",
        "1_2_days",
        "2_3_days",
        "3_7_days",
        "over_a_week",
        "not_sure",
    ]
    assert flow.questions == ()
    flow.choose_time("3_7_days")
    assert flow.hours == 120
    assert flow.stage is Stage.IMPROVING
    assert [c.label for c in flow.context_choices] == ["Better", "Same or worse", "Not sure"]
    flow.choose_improving("same_or_worse")
    assert flow.improving is False
    assert flow.stage is Stage.WHERE
    flow.choose_where(["joint", "worked_muscles"])
    assert flow.stage is Stage.KIND
    flow.choose_kind(["sharp"])
    assert flow.stage is Stage.LAST


@pytest.mark.parametrize(
    ("choice", "hours"),
    [
        ("during", 0),
        ("under_24h", 12),
        ("1_2_days", 36),
        ("2_3_days", 60),
        ("3_7_days", 120),
        ("over_a_week", 168),
        ("not_sure", None),
    ],
)
def test_time_buckets_send_their_hours(flow: TriageFlow, choice: str, hours: float | None) -> None:
    to_context(flow)
    flow.choose_time(choice)
    assert flow.hours == hours


@pytest.mark.parametrize(
    ("choice", "improving"), [("better", True), ("same_or_worse", False), ("not_sure", None)]
)
def test_improving_choices(flow: TriageFlow, choice: str, improving: bool | None) -> None:
    to_context(flow)
    flow.choose_time("1_2_days")
    flow.choose_improving(choice)
    assert flow.improving is improving


def test_a_known_time_skips_the_time_question(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=30)
    to_context(flow)
    assert flow.stage is Stage.IMPROVING
    assert flow.hours == 30
    flow.back()
    assert flow.stage is Stage.CLINICIAN


def test_unknown_context_choices_are_refused(flow: TriageFlow) -> None:
    to_context(flow)
    with pytest.raises(FlowError):
        flow.choose_time("yesterday")
    flow.choose_time("during")
    with pytest.raises(FlowError):
        flow.choose_improving("maybe")
    flow.choose_improving("better")
    with pytest.raises(FlowError):
        flow.choose_where(["elbow"])
    with pytest.raises(FlowError):
        flow.choose_where([])
    flow.none_of_these()
    assert flow.stage is Stage.KIND


@pytest.mark.parametrize("hint", [-1, float("nan"), float("inf"), True])
def test_an_impossible_hint_is_refused(rules: RuleSet, hint: float) -> None:
    with pytest.raises(ValueError):
        TriageFlow(rules, hours_hint=hint)


# -- step 4: skipping only what context rules out ----------------------------------------------


@pytest.mark.parametrize(
    ("where", "kind", "asked"),
    [
        (("worked_muscles",), ("dull_ache",), ["R1", "R2", "R3", "O1"]),
        (("joint",), ("burning_during_set",), ["R1", "R2", "R3", "O2"]),
        (("joint",), ("sharp",), ["R1", "R2", "R3"]),
        (("worked_muscles",), ("burning_during_set",), LAST_IDS),
        ((), (), LAST_IDS),
        (("calf_or_shin", "back_or_leg"), ("tingling_or_numb",), ["R1", "R2", "R3", "O1"]),
    ],
)
def test_where_and_kind_only_skip_keep_going_questions(
    flow: TriageFlow, where: tuple[str, ...], kind: tuple[str, ...], asked: list[str]
) -> None:
    to_last(flow, where=where, kind=kind)
    assert ids(flow) == asked
    assert flow.ruled_out == set(LAST_IDS) - set(asked)


def test_emergency_and_clinician_questions_are_never_skipped(rules: RuleSet) -> None:
    """Whatever the hint or context, every E and every S (but S6) question is shown."""
    for hint in (None, 0, 36, 200):
        flow = TriageFlow(rules, hours_hint=hint)
        assert ids(flow) == E_IDS
        flow.none_of_these()
        assert ids(flow) == S_IDS
        flow.none_of_these()
        if flow.stage is Stage.TIME:
            flow.choose_time("over_a_week")
        flow.choose_improving("same_or_worse")
        flow.choose_where([c.id for c in rules.context.where])
        flow.choose_kind([c.id for c in rules.context.kind])
        assert flow.stage is Stage.LAST
        assert {"R1", "R2", "R3"} <= set(ids(flow))
        while flow.stage is not Stage.CLINICIAN:
            flow.back()
        assert ids(flow) == S_IDS
        flow.back()
        assert ids(flow) == E_IDS


def test_usual_soreness_within_three_days_keeps_going_with_care(flow: TriageFlow) -> None:
    to_last(flow)
    flow.tick(["O1"])
    assessment = flow.assessment()
    assert assessment.level == "continue"
    assert assessment.rule_ids == ["O1"]
    outcome = flow.outcome(emergency_number=None, clinician_text=None, clinician_url=None)
    assert outcome.title.startswith("Keep going, with care")
    assert outcome.context_echo == (
        "Time since the workout: 1–2 days\n"
        "Getting better? Better\n"
        "Where is it? Worked muscles\n"
        "What kind of pain? Dull ache"
    )
    text = " ".join([outcome.description, *(v for _, v in outcome.fields), outcome.footer]).casefold()
    assert "you're fine" not in text and "just doms" not in text


@pytest.mark.parametrize(
    ("time", "improving", "level", "rule_ids"),
    [
        ("1_2_days", "same_or_worse", "continue", ["O1"]),
        ("2_3_days", "not_sure", "continue", ["O1"]),
        ("not_sure", "not_sure", "continue", ["O1"]),
        ("3_7_days", "better", "continue", ["O1"]),
        ("3_7_days", "not_sure", "rest", []),
        ("3_7_days", "same_or_worse", "clinician", ["S6"]),
        ("over_a_week", "better", "clinician", ["S6", "O1"]),
    ],
)
def test_o1_depends_on_the_time_and_getting_better(
    flow: TriageFlow, time: str, improving: str, level: str, rule_ids: list[str]
) -> None:
    to_last(flow, time=time, improving=improving)
    flow.tick(["O1"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == (level, rule_ids)


def test_o1_with_an_hours_hint(rules: RuleSet) -> None:
    for hint, improving, level in [
        (30, "same_or_worse", "continue"),
        (80, "better", "continue"),
        (80, "same_or_worse", "clinician"),
        (80, "not_sure", "rest"),
    ]:
        flow = TriageFlow(rules, hours_hint=hint)
        to_last(flow, improving=improving)
        flow.tick(["O1"])
        assert flow.assessment().level == level, (hint, improving)
    flow = TriageFlow(rules, hours_hint=30)
    to_last(flow)
    flow.tick(["O1"])
    echo = flow.context_echo()
    assert echo is not None and echo.startswith("Time since the workout: 30 h\n")


def test_none_of_the_last_questions_rests_and_monitors(flow: TriageFlow) -> None:
    to_last(flow)
    flow.none_of_these()
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", [])
    assert all(flow.answers[r] is False for r in ["R1", "R2", "R3", "O1"])
    assert "O2" not in flow.answers, "a skipped question is not asked, so not answered"


def test_rest_question_outranks_keep_going(flow: TriageFlow) -> None:
    to_last(flow, kind=("burning_during_set",))
    flow.tick(["O2", "R2"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", ["R2", "O2"])


def test_unsure_last_questions_never_keep_going(flow: TriageFlow) -> None:
    to_last(flow)
    flow.not_sure_about_some()
    flow.mark_unsure(["O1"])
    assert flow.assessment().level == "rest"
    flow.start_over()
    to_last(flow)
    flow.not_sure_about_some()
    flow.mark_unsure(["R3"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", ["R3"])


def test_ruled_out_question_cannot_be_ticked(flow: TriageFlow) -> None:
    to_last(flow, where=("joint",))
    with pytest.raises(FlowError):
        flow.tick(["O1"])


# -- back and start over -----------------------------------------------------------------------


def test_back_restores_the_previous_screen_and_its_answers(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.not_sure_about_some()
    assert flow.can_go_back
    flow.back()
    assert flow.stage is Stage.CLINICIAN and not flow.marking_unsure
    flow.back()
    assert flow.stage is Stage.EMERGENCY
    assert flow.answers == {}
    assert not flow.can_go_back
    with pytest.raises(FlowError):
        flow.back()


def test_back_from_the_last_step_forgets_the_context_answer(flow: TriageFlow) -> None:
    to_last(flow, where=("joint",))
    assert "O1" not in ids(flow)
    flow.back()
    assert flow.stage is Stage.KIND
    flow.back()
    assert flow.stage is Stage.WHERE
    flow.choose_where(["worked_muscles"])
    flow.choose_kind(["dull_ache"])
    assert "O1" in ids(flow)


def test_back_then_a_different_answer_changes_the_outcome(flow: TriageFlow) -> None:
    flow.not_sure_about_some()
    flow.back()
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN


def test_no_going_back_from_an_outcome(flow: TriageFlow) -> None:
    flow.tick(["E4"])
    assert not flow.can_go_back
    with pytest.raises(FlowError):
        flow.back()
    with pytest.raises(FlowError):
        flow.none_of_these()


def test_start_over_forgets_everything_but_the_hint(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=12)
    to_last(flow)
    flow.tick(["R1"])
    assert flow.is_done
    flow.start_over()
    assert flow.stage is Stage.EMERGENCY
    assert flow.answers == {}
    assert not flow.can_go_back and not flow.has_started
    assert flow.hours == 12 and flow.improving is None
    assert flow.context_echo() is None
    to_context(flow)
    assert flow.stage is Stage.IMPROVING


def test_answers_are_read_only(flow: TriageFlow) -> None:
    flow.tick(["E1"])
    answers = flow.answers
    with pytest.raises(TypeError):
        answers["E1"] = False  # type: ignore[index]
    assert flow.assessment().level == "emergency"
