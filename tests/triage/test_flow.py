"""The `/shouldistop` flow state machine (TRIAGE.md §5, rule set 1.1), without Discord."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage import UNSURE, Answer, FlowError, RuleSet, Stage, TriageFlow, load_rules

E_IDS = [f"E{i}" for i in range(1, 13)]
S_IDS = ["S1", "S2", "S3", "S4", "S5", "S7", "S8", "S9", "S10", "S11", "S12", "S13"]
LAST_IDS = ["R1", "R2", "R3", "O1", "O2"]
RANK = {"emergency": 0, "clinician": 1, "rest": 2, "continue": 3}
CALL_NOW = "You weren't sure about"


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


def no_marks(flow: TriageFlow) -> bool:
    return flow.applies == () and flow.not_sure == () and not flow.has_marks


def outcome_text(flow: TriageFlow, emergency_number: str = "999") -> str:
    outcome = flow.outcome(emergency_number=emergency_number, clinician_text=None, clinician_url=None)
    return "\n".join([outcome.title, outcome.description, *(v for _, v in outcome.fields), outcome.footer])


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
    assert no_marks(flow)


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
def test_any_emergency_yes_stops_at_emergency(flow: TriageFlow, rule_id: str) -> None:
    flow.mark_applies([rule_id])
    assert flow.stage is Stage.EMERGENCY, "marking is not answering"
    assert flow.applies == (rule_id,) and flow.not_sure == () and flow.has_marks
    assert flow.answers == {}
    flow.proceed()
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "emergency"
    assert assessment.rule_ids == [rule_id]
    assert assessment.unsure == frozenset()
    assert flow.answers[rule_id] is True
    assert all(flow.answers[other] is False for other in E_IDS if other != rule_id)
    assert not any(key.startswith("S") for key in flow.answers), "nothing later is asked"


@pytest.mark.parametrize("rule_id", E_IDS)
def test_answer_marks_and_continues_in_one_call(flow: TriageFlow, rule_id: str) -> None:
    flow.answer(yes=[rule_id])
    assert flow.is_done
    assert (flow.assessment().level, flow.assessment().rule_ids) == ("emergency", [rule_id])


def test_several_emergency_yeses_list_every_one(flow: TriageFlow) -> None:
    flow.mark_applies(["E9", "E2", "E12"])
    assert flow.applies == ("E2", "E9", "E12"), "marks are kept in table order"
    flow.proceed()
    assert flow.assessment().rule_ids == ["E2", "E9", "E12"]


@pytest.mark.parametrize("rule_id", E_IDS)
def test_emergency_outcome_leads_with_the_action(flow: TriageFlow, rules: RuleSet, rule_id: str) -> None:
    flow.answer(yes=[rule_id])
    outcome = flow.outcome(emergency_number="999", clinician_text="Club physio", clinician_url=None)
    assert outcome.title.startswith("Emergency")
    first = outcome.description.splitlines()[0]
    assert first == outcome.first_line
    assert first.startswith("**") and first.endswith("**"), "the action, in bold, before anything else"
    assert rules.text.disclaimer not in outcome.description
    assert outcome.context_echo is None
    assert any("Club physio" in value for _, value in outcome.fields)
    assert any("999" in value for _, value in outcome.fields)


def test_a_chest_pain_emergency_says_to_call_the_number_first(flow: TriageFlow) -> None:
    flow.answer(yes=["E1"])
    outcome = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None)
    assert outcome.first_line.startswith("**Stop now.")
    assert "call 999" in outcome.first_line.casefold()


@pytest.mark.parametrize("rule_id", E_IDS)
def test_unsure_emergency_item_stops_at_clinician_with_call_now_wording(
    flow: TriageFlow, rules: RuleSet, rule_id: str
) -> None:
    flow.mark_not_sure([rule_id])
    assert flow.stage is Stage.EMERGENCY
    assert flow.not_sure == (rule_id,) and flow.applies == () and flow.has_marks
    assert ids(flow) == E_IDS
    flow.proceed()
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "clinician"
    assert assessment.rule_ids == [rule_id]
    assert assessment.fired_level(rule_id) == "clinician"
    assert flow.answers[rule_id] == UNSURE
    assert all(flow.answers[other] is False for other in E_IDS if other != rule_id)
    assert not any(key.startswith("S") for key in flow.answers), "nothing later is asked"
    outcome = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None)
    assert outcome.title.startswith("See a clinician")
    assert f"{CALL_NOW}: *{rules.rule(rule_id).label}*" in outcome.description
    assert "Call an urgent medical advice line now" in outcome.description
    assert "call 999" in outcome.description


def test_several_unsure_emergency_items_each_get_the_call_now_wording(
    flow: TriageFlow, rules: RuleSet
) -> None:
    flow.answer(unsure=["E11", "E4"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("clinician", ["E4", "E11"])
    assert assessment.unsure == {"E4", "E11"}
    description = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None).description
    for rule_id in ("E4", "E11"):
        assert f"{CALL_NOW}: *{rules.rule(rule_id).label}*" in description


@pytest.mark.parametrize(("yes", "unsure"), [("E8", "E2"), ("E2", "E8"), ("E12", "E1")])
def test_a_yes_and_a_not_sure_in_one_emergency_step(
    flow: TriageFlow, rules: RuleSet, yes: str, unsure: str
) -> None:
    """The yes wins the level and comes first; the not-sure item is still listed, at clinician."""
    flow.mark_applies([yes])
    flow.mark_not_sure([unsure])
    assert flow.applies == (yes,) and flow.not_sure == (unsure,)
    flow.proceed()
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "emergency"
    assert assessment.rule_ids == [yes, unsure]
    assert assessment.fired_level(yes) == "emergency"
    assert assessment.fired_level(unsure) == "clinician"
    assert assessment.unsure == {unsure}
    assert flow.answers[yes] is True and flow.answers[unsure] == UNSURE
    assert all(flow.answers[other] is False for other in E_IDS if other not in (yes, unsure))
    outcome = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None)
    assert outcome.title.startswith("Emergency")
    assert outcome.first_line.startswith("**") and "999" in outcome.first_line
    assert outcome.led_here == (rules.rule(yes).label, f"{rules.rule(unsure).label} (not sure)")
    assert CALL_NOW not in outcome.description, "an emergency gives one action"


def test_the_order_of_marking_does_not_matter(flow: TriageFlow, rules: RuleSet) -> None:
    flow.mark_not_sure(["E2"])
    flow.mark_applies(["E8"])
    flow.proceed()
    assert flow.assessment().rule_ids == ["E8", "E2"]
    assert flow.assessment().unsure == {"E2"}


def test_an_item_marked_in_both_counts_as_yes(flow: TriageFlow) -> None:
    flow.mark_applies(["E5"])
    flow.mark_not_sure(["E5", "E6"])
    assert flow.applies == ("E5",)
    assert flow.not_sure == ("E6",), "not sure never drops a yes given in the same step"
    flow.proceed()
    assert flow.answers["E5"] is True and flow.answers["E6"] == UNSURE
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("emergency", ["E5", "E6"])
    assert assessment.unsure == {"E6"}


def test_an_item_marked_only_in_both_is_a_plain_yes(flow: TriageFlow) -> None:
    flow.mark_not_sure(["E3"])
    flow.mark_applies(["E3"])
    assert flow.applies == ("E3",) and flow.not_sure == () and flow.has_marks
    flow.proceed()
    assert flow.answers["E3"] is True
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids, assessment.unsure) == ("emergency", ["E3"], frozenset())


def test_marks_can_be_changed_before_continue(flow: TriageFlow) -> None:
    flow.mark_applies(["E1", "E2"])
    flow.mark_not_sure(["E3"])
    flow.mark_applies(["E2"])
    flow.mark_not_sure([])
    assert flow.applies == ("E2",) and flow.not_sure == ()
    flow.proceed()
    assert flow.assessment().rule_ids == ["E2"]
    assert flow.answers["E1"] is False and flow.answers["E3"] is False


def test_an_emergency_stop_keeps_the_time_hint_but_asks_nothing_more(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=200)
    flow.answer(yes=["E1"])
    assessment = flow.assessment()
    assert assessment.level == "emergency"
    assert assessment.rule_ids == ["E1", "S6"], "a week or more still shows as lasting"
    flow = TriageFlow(rules, hours_hint=100)
    flow.answer(yes=["E1"])
    assert flow.assessment().rule_ids == ["E1"], "getting better was not asked, so 100 h alone is not lasting"


# -- no silent default, nothing dropped ----------------------------------------------------------


def checklist_flows(rules: RuleSet) -> list[TriageFlow]:
    """A fresh flow on each of the three checklists."""
    first = TriageFlow(rules)
    second = TriageFlow(rules)
    second.none_of_these()
    last = TriageFlow(rules)
    to_last(last, kind=("burning_during_set",))
    return [first, second, last]


def test_continue_with_nothing_marked_is_refused(rules: RuleSet) -> None:
    for flow in checklist_flows(rules):
        stage, answers = flow.stage, dict(flow.answers)
        with pytest.raises(FlowError):
            flow.proceed()
        flow.mark_applies([])
        flow.mark_not_sure([])
        with pytest.raises(FlowError):
            flow.proceed()
        with pytest.raises(FlowError):
            flow.answer()
        first = ids(flow)[0]
        flow.mark_applies([first])
        flow.mark_applies([])
        with pytest.raises(FlowError):
            flow.proceed()
        assert flow.stage is stage and dict(flow.answers) == answers


@pytest.mark.parametrize("which", ["applies", "not_sure", "both"])
def test_none_of_these_is_refused_while_items_are_marked(rules: RuleSet, which: str) -> None:
    for flow in checklist_flows(rules):
        stage, answers = flow.stage, dict(flow.answers)
        first, second = ids(flow)[:2]
        if which in ("applies", "both"):
            flow.mark_applies([first])
        if which in ("not_sure", "both"):
            flow.mark_not_sure([second])
        applies, not_sure = flow.applies, flow.not_sure
        with pytest.raises(FlowError):
            flow.none_of_these()
        assert flow.stage is stage and dict(flow.answers) == answers
        assert (flow.applies, flow.not_sure) == (applies, not_sure), "the marks survive"
        assert flow.has_marks
        flow.proceed()
        assert flow.is_done
        expected: dict[str, Answer] = {first: True} if which != "not_sure" else {}
        if which != "applies":
            expected[second] = UNSURE
        assert {k: flow.answers[k] for k in expected} == expected


def test_none_of_these_works_once_the_marks_are_cleared(flow: TriageFlow) -> None:
    flow.mark_applies(["E1"])
    flow.mark_not_sure(["E2"])
    flow.mark_applies([])
    flow.mark_not_sure([])
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN
    assert all(flow.answers[e] is False for e in E_IDS)


def test_answers_from_another_step_are_refused(flow: TriageFlow) -> None:
    with pytest.raises(FlowError):
        flow.mark_applies(["S1"])
    with pytest.raises(FlowError):
        flow.mark_not_sure(["S1"])
    with pytest.raises(FlowError):
        flow.mark_applies(["E13"])
    with pytest.raises(FlowError):
        flow.answer(yes=["R1"])
    with pytest.raises(FlowError):
        flow.choose_time("1_2_days")
    with pytest.raises(FlowError):
        flow.choose_where(["joint"])
    with pytest.raises(FlowError):
        flow.assessment()
    assert no_marks(flow)
    assert flow.answers == {}
    to_context(flow)
    for act in (
        lambda: flow.mark_applies(["E1"]),
        lambda: flow.mark_not_sure(["S1"]),
        lambda: flow.mark_applies([]),
        flow.proceed,
    ):
        with pytest.raises(FlowError):
            act()
    assert flow.stage is Stage.TIME


def test_a_refused_mark_keeps_the_earlier_marks(flow: TriageFlow) -> None:
    flow.mark_applies(["E1"])
    flow.mark_not_sure(["E2"])
    with pytest.raises(FlowError):
        flow.mark_applies(["E3", "S1"])
    with pytest.raises(FlowError):
        flow.mark_not_sure(["O1"])
    assert flow.applies == ("E1",) and flow.not_sure == ("E2",)


# -- step 2: see a clinician -------------------------------------------------------------------


def test_clinician_checklist_asks_s_questions_except_the_lasting_one(flow: TriageFlow) -> None:
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN
    assert ids(flow) == S_IDS
    assert all(flow.answers[e] is False for e in E_IDS)
    assert no_marks(flow)


@pytest.mark.parametrize("rule_id", S_IDS)
def test_any_clinician_yes_goes_straight_to_the_outcome(flow: TriageFlow, rule_id: str) -> None:
    flow.none_of_these()
    flow.mark_applies([rule_id])
    flow.proceed()
    assert flow.is_done
    assert flow.assessment().level == "clinician"
    assert flow.assessment().rule_ids == [rule_id]
    assert flow.answers[rule_id] is True
    assert all(flow.answers[other] is False for other in S_IDS if other != rule_id)


@pytest.mark.parametrize("rule_id", S_IDS)
def test_any_unsure_clinician_item_goes_straight_to_the_outcome(flow: TriageFlow, rule_id: str) -> None:
    flow.none_of_these()
    flow.mark_not_sure([rule_id])
    flow.proceed()
    assert flow.is_done
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("clinician", [rule_id])
    assert assessment.unsure == {rule_id}
    assert flow.answers[rule_id] == UNSURE


def test_unsure_clinician_items_go_straight_to_the_outcome(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.answer(unsure=["S9", "S3"])
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "clinician"
    assert assessment.rule_ids == ["S3", "S9"]
    assert assessment.unsure == {"S3", "S9"}
    assert CALL_NOW not in outcome_text(flow), "the call-now wording is for emergency signs only"


def test_a_yes_and_a_not_sure_in_the_clinician_step(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.mark_applies(["S11", "S1"])
    flow.mark_not_sure(["S13", "S1", "S2"])
    assert flow.applies == ("S1", "S11") and flow.not_sure == ("S2", "S13")
    flow.proceed()
    assert flow.is_done
    assessment = flow.assessment()
    assert assessment.level == "clinician"
    assert assessment.rule_ids == ["S1", "S2", "S11", "S13"]
    assert assessment.unsure == {"S2", "S13"}
    assert [flow.answers[r] for r in ("S1", "S2", "S11", "S13")] == [True, UNSURE, True, UNSURE]
    assert all(flow.answers[other] is False for other in S_IDS if other not in ("S1", "S2", "S11", "S13"))
    assert not any(key[0] in "RO" for key in flow.answers), "nothing later is asked"


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
        "3_4_days",
        "4_7_days",
        "over_a_week",
        "not_sure",
    ]
    assert flow.questions == ()
    flow.choose_time("4_7_days")
    assert flow.hours == 120
    assert flow.stage is Stage.IMPROVING
    assert [c.label for c in flow.context_choices] == ["Better", "Same or worse", "Not sure"]
    flow.choose_improving("same_or_worse")
    assert flow.improving is False
    assert flow.stage is Stage.WHERE
    assert [c.id for c in flow.context_choices] == [
        "worked_muscles",
        "joint",
        "bone_spot",
        "back_or_leg",
        "calf_or_shin",
    ]
    flow.choose_where(["joint", "worked_muscles"])
    assert flow.stage is Stage.KIND
    assert [c.id for c in flow.context_choices] == [
        "dull_ache",
        "sharp",
        "burning_during_set",
        "tingling_or_numb",
    ]
    flow.choose_kind(["sharp"])
    assert flow.stage is Stage.LAST


@pytest.mark.parametrize(
    ("choice", "hours"),
    [
        ("during", 0),
        ("under_24h", 12),
        ("1_2_days", 36),
        ("2_3_days", 60),
        ("3_4_days", 84),
        ("4_7_days", 120),
        ("over_a_week", 168),
        ("not_sure", None),
    ],
)
def test_time_choices_send_their_hours(flow: TriageFlow, choice: str, hours: float | None) -> None:
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
    with pytest.raises(FlowError):
        flow.choose_time("3_7_days")  # the 1.0 choice, split in two in 1.1
    flow.choose_time("during")
    with pytest.raises(FlowError):
        flow.choose_improving("maybe")
    flow.choose_improving("better")
    with pytest.raises(FlowError):
        flow.choose_where(["elbow"])
    with pytest.raises(FlowError):
        flow.choose_where([])
    with pytest.raises(FlowError):
        flow.choose_where(["sharp"])  # a kind, not a where
    flow.none_of_these()
    assert flow.stage is Stage.KIND
    with pytest.raises(FlowError):
        flow.choose_kind(["bone_spot"])  # a where, not a kind
    assert flow.stage is Stage.KIND


@pytest.mark.parametrize("hint", [-1, float("nan"), float("inf"), True])
def test_an_impossible_hint_is_refused(rules: RuleSet, hint: float) -> None:
    with pytest.raises(ValueError):
        TriageFlow(rules, hours_hint=hint)


# -- one spot on a bone: S4 at once ------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "improving", "where", "rule_ids"),
    [
        ("1_2_days", "better", ("bone_spot",), ["S4"]),
        ("during", "not_sure", ("worked_muscles", "bone_spot"), ["S4"]),
        ("not_sure", "same_or_worse", ("bone_spot", "calf_or_shin"), ["S4"]),
        ("4_7_days", "same_or_worse", ("bone_spot",), ["S4", "S6"]),
        ("over_a_week", "better", ("bone_spot",), ["S4", "S6"]),
    ],
)
def test_one_spot_on_a_bone_goes_straight_to_see_a_clinician(
    flow: TriageFlow, rules: RuleSet, time: str, improving: str, where: tuple[str, ...], rule_ids: list[str]
) -> None:
    to_context(flow)
    assert flow.answers["S4"] is False, "answered no in step 2"
    flow.choose_time(time)
    flow.choose_improving(improving)
    flow.choose_where(where)
    assert flow.is_done, "no kind and no last step are asked"
    assert flow.answers["S4"] is True
    assert not any(key[0] in "RO" for key in flow.answers)
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("clinician", rule_ids)
    assert assessment.unsure == frozenset()
    outcome = flow.outcome(emergency_number="999", clinician_text=None, clinician_url=None)
    assert outcome.title.startswith("See a clinician")
    assert rules.rule("S4").advice in outcome.description
    assert outcome.context_echo is not None
    assert "Where is it? " in outcome.context_echo and "One spot on a bone" in outcome.context_echo
    assert "What kind of pain?" not in outcome.context_echo
    assert not flow.can_go_back


def test_one_spot_on_a_bone_with_a_known_time(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=12)
    to_context(flow)
    flow.choose_improving("better")
    flow.choose_where(["bone_spot"])
    assert flow.is_done
    assert (flow.assessment().level, flow.assessment().rule_ids) == ("clinician", ["S4"])


def test_back_before_one_spot_on_a_bone_forgets_it(flow: TriageFlow) -> None:
    to_context(flow)
    flow.choose_time("1_2_days")
    flow.choose_improving("better")
    flow.choose_where(["worked_muscles"])
    flow.back()
    assert flow.stage is Stage.WHERE and flow.answers["S4"] is False
    flow.choose_where(["bone_spot"])
    assert flow.is_done and flow.answers["S4"] is True


# -- step 4: skipping only what context rules out ----------------------------------------------


@pytest.mark.parametrize(
    ("where", "kind", "asked"),
    [
        (("worked_muscles",), ("dull_ache",), ["R1", "R2", "R3", "O1"]),
        (("worked_muscles",), ("sharp",), ["R1", "R2", "R3", "O1"]),
        (("calf_or_shin",), ("dull_ache",), ["R1", "R2", "R3", "O1"]),
        ((), (), ["R1", "R2", "R3", "O1"]),
        (("joint",), ("dull_ache",), ["R1", "R2", "R3"]),
        (("joint",), ("sharp",), ["R1", "R2", "R3"]),
        (("back_or_leg",), ("dull_ache",), ["R1", "R2", "R3"]),
        (("worked_muscles", "back_or_leg"), (), ["R1", "R2", "R3"]),
        (("worked_muscles",), ("tingling_or_numb",), ["R1", "R2", "R3"]),
        (("calf_or_shin", "back_or_leg"), ("tingling_or_numb",), ["R1", "R2", "R3"]),
        (("worked_muscles",), ("burning_during_set",), LAST_IDS),
        ((), ("burning_during_set",), LAST_IDS),
        (("worked_muscles",), ("dull_ache", "burning_during_set"), LAST_IDS),
        (("joint",), ("burning_during_set",), ["R1", "R2", "R3", "O2"]),
        (("back_or_leg",), ("burning_during_set",), ["R1", "R2", "R3", "O2"]),
        (("worked_muscles",), ("burning_during_set", "tingling_or_numb"), ["R1", "R2", "R3", "O2"]),
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
    every_where_but_bone = [c.id for c in rules.context.where if c.id != "bone_spot"]
    for hint in (None, 0, 36, 200):
        flow = TriageFlow(rules, hours_hint=hint)
        assert ids(flow) == E_IDS
        flow.none_of_these()
        assert ids(flow) == S_IDS
        flow.none_of_these()
        if flow.stage is Stage.TIME:
            flow.choose_time("over_a_week")
        flow.choose_improving("same_or_worse")
        flow.choose_where(every_where_but_bone)
        flow.choose_kind([c.id for c in rules.context.kind])
        assert flow.stage is Stage.LAST
        assert ids(flow) == ["R1", "R2", "R3", "O2"]
        while flow.stage is not Stage.CLINICIAN:
            flow.back()
        assert ids(flow) == S_IDS
        flow.back()
        assert ids(flow) == E_IDS


def test_usual_soreness_within_three_days_keeps_going_with_care(flow: TriageFlow) -> None:
    to_last(flow)
    flow.answer(yes=["O1"])
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
        ("2_3_days", "same_or_worse", "continue", ["O1"]),
        ("2_3_days", "not_sure", "continue", ["O1"]),
        ("not_sure", "not_sure", "continue", ["O1"]),
        ("not_sure", "same_or_worse", "continue", ["O1"]),
        ("3_4_days", "better", "continue", ["O1"]),
        ("3_4_days", "same_or_worse", "rest", []),
        ("3_4_days", "not_sure", "rest", []),
        ("4_7_days", "better", "continue", ["O1"]),
        ("4_7_days", "not_sure", "rest", []),
        ("4_7_days", "same_or_worse", "clinician", ["S6"]),
        ("over_a_week", "better", "clinician", ["S6", "O1"]),
        ("over_a_week", "not_sure", "clinician", ["S6"]),
        ("over_a_week", "same_or_worse", "clinician", ["S6"]),
    ],
)
def test_o1_depends_on_the_time_and_getting_better(
    flow: TriageFlow, time: str, improving: str, level: str, rule_ids: list[str]
) -> None:
    to_last(flow, time=time, improving=improving)
    flow.answer(yes=["O1"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == (level, rule_ids)


@pytest.mark.parametrize(
    ("time", "improving", "level", "rule_ids"),
    [
        ("3_4_days", "same_or_worse", "rest", []),
        ("4_7_days", "same_or_worse", "clinician", ["S6"]),
        ("4_7_days", "better", "rest", []),
        ("over_a_week", "better", "clinician", ["S6"]),
    ],
)
def test_lasting_comes_from_the_context_whatever_the_last_step(
    flow: TriageFlow, time: str, improving: str, level: str, rule_ids: list[str]
) -> None:
    to_last(flow, time=time, improving=improving)
    flow.none_of_these()
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == (level, rule_ids)


@pytest.mark.parametrize(
    ("hint", "improving", "level"),
    [
        (30, "same_or_worse", "continue"),
        (72, "same_or_worse", "continue"),
        (80, "better", "continue"),
        (80, "same_or_worse", "rest"),
        (80, "not_sure", "rest"),
        (95, "same_or_worse", "rest"),
        (96, "same_or_worse", "clinician"),
        (100, "better", "continue"),
        (167, "not_sure", "rest"),
        (168, "not_sure", "clinician"),
        (168, "better", "clinician"),
    ],
)
def test_o1_with_an_hours_hint(rules: RuleSet, hint: float, improving: str, level: str) -> None:
    flow = TriageFlow(rules, hours_hint=hint)
    to_last(flow, improving=improving)
    flow.answer(yes=["O1"])
    assert flow.assessment().level == level


def test_an_hours_hint_is_echoed_in_hours(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=30)
    to_last(flow)
    flow.answer(yes=["O1"])
    echo = flow.context_echo()
    assert echo is not None and echo.startswith("Time since the workout: 30 h\n")


def test_none_of_the_last_questions_rests_and_monitors(flow: TriageFlow) -> None:
    to_last(flow)
    flow.none_of_these()
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", [])
    assert all(flow.answers[r] is False for r in ["R1", "R2", "R3", "O1"])
    assert "O2" not in flow.answers, "a question not offered is not asked, so not answered"


def test_a_burn_during_the_set_keeps_going_with_care(flow: TriageFlow) -> None:
    to_last(flow, kind=("burning_during_set",))
    assert "O2" in ids(flow)
    flow.answer(yes=["O2"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("continue", ["O2"])


def test_rest_question_outranks_keep_going(flow: TriageFlow) -> None:
    to_last(flow, kind=("burning_during_set",))
    flow.answer(yes=["O2", "R2"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", ["R2", "O2"])


def test_unsure_last_questions_never_keep_going(flow: TriageFlow) -> None:
    to_last(flow)
    flow.answer(unsure=["O1"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", [])
    assert flow.answers["O1"] == UNSURE
    flow.start_over()
    to_last(flow)
    flow.answer(unsure=["R3"])
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == ("rest", ["R3"])
    assert assessment.unsure == {"R3"}


@pytest.mark.parametrize(
    ("yes", "unsure", "level", "rule_ids"),
    [
        (["O1"], ["R1"], "rest", ["R1", "O1"]),
        (["O2"], ["R2", "R3"], "rest", ["R2", "R3", "O2"]),
        (["O1"], ["O2"], "continue", ["O1"]),
        (["O2"], ["O1"], "continue", ["O2"]),
        (["R1"], ["O1", "O2"], "rest", ["R1"]),
        ([], ["O1", "O2"], "rest", []),
        (["O1"], ["O1", "R2"], "rest", ["R2", "O1"]),
    ],
)
def test_a_yes_and_a_not_sure_in_the_last_step(
    flow: TriageFlow, yes: list[str], unsure: list[str], level: str, rule_ids: list[str]
) -> None:
    """An unsure rest question counts as rest; an unsure keep-going question never counts."""
    to_last(flow, kind=("dull_ache", "burning_during_set"))
    flow.mark_applies(yes)
    flow.mark_not_sure(unsure)
    flow.proceed()
    assessment = flow.assessment()
    assert (assessment.level, assessment.rule_ids) == (level, rule_ids)
    for rule_id in LAST_IDS:
        expected = True if rule_id in yes else UNSURE if rule_id in unsure else False
        assert flow.answers[rule_id] == expected, rule_id


def test_a_question_not_asked_cannot_be_marked(flow: TriageFlow) -> None:
    to_last(flow, where=("joint",))
    for mark in (flow.mark_applies, flow.mark_not_sure):
        for rule_id in ("O1", "O2", "E1", "S4"):
            with pytest.raises(FlowError):
                mark([rule_id])
    assert no_marks(flow)


# -- marks, back and start over ----------------------------------------------------------------


def test_marks_make_no_history(flow: TriageFlow) -> None:
    flow.mark_applies(["E1"])
    flow.mark_not_sure(["E2"])
    assert not flow.can_go_back and not flow.has_started
    with pytest.raises(FlowError):
        flow.back()
    assert flow.applies == ("E1",) and flow.not_sure == ("E2",)


def test_back_goes_to_the_previous_screen_not_the_previous_marks(flow: TriageFlow) -> None:
    flow.none_of_these()
    flow.mark_applies(["S2"])
    flow.mark_not_sure(["S1"])
    flow.mark_applies(["S3"])
    assert flow.can_go_back
    flow.back()
    assert flow.stage is Stage.EMERGENCY, "back leaves the screen, it doesn't undo a mark"
    assert flow.answers == {}
    assert no_marks(flow)
    assert not flow.can_go_back
    with pytest.raises(FlowError):
        flow.back()
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN
    assert no_marks(flow), "marks left behind are not restored"


def test_marks_are_cleared_on_the_next_screen(flow: TriageFlow) -> None:
    flow.mark_not_sure(["E2"])
    flow.mark_not_sure([])
    flow.none_of_these()
    assert no_marks(flow)
    flow.mark_applies(["S5"])
    flow.proceed()
    assert flow.is_done and no_marks(flow)
    flow.start_over()
    to_last(flow)
    flow.mark_applies(["R1"])
    flow.back()
    assert flow.stage is Stage.KIND and no_marks(flow)
    flow.choose_kind(["dull_ache"])
    assert flow.stage is Stage.LAST and no_marks(flow)


def test_back_restores_the_earlier_screen_and_its_answers(flow: TriageFlow) -> None:
    to_last(flow, time="2_3_days", improving="not_sure", where=("calf_or_shin",))
    flow.mark_applies(["R2"])
    flow.back()
    assert flow.stage is Stage.KIND
    assert flow.hours == 60 and flow.improving is None
    assert all(flow.answers[r] is False for r in E_IDS + S_IDS)
    assert not any(key[0] in "RO" for key in flow.answers)
    flow.back()
    flow.back()
    flow.back()
    assert flow.stage is Stage.TIME and flow.hours is None
    flow.back()
    assert flow.stage is Stage.CLINICIAN
    assert set(flow.answers) == set(E_IDS)
    flow.back()
    assert flow.stage is Stage.EMERGENCY and flow.answers == {}


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
    to_context(flow)
    flow.back()
    flow.back()
    assert flow.stage is Stage.EMERGENCY
    flow.answer(unsure=["E2"])
    assert flow.is_done
    assert (flow.assessment().level, flow.assessment().rule_ids) == ("clinician", ["E2"])
    assert not any(key.startswith("S") for key in flow.answers), "the step-2 answers went with Back"


def test_no_going_back_from_an_outcome(flow: TriageFlow) -> None:
    flow.answer(yes=["E4"])
    assert not flow.can_go_back
    for act in (
        flow.back,
        flow.none_of_these,
        flow.proceed,
        lambda: flow.mark_applies(["E1"]),
        lambda: flow.mark_not_sure([]),
    ):
        with pytest.raises(FlowError):
            act()
    assert flow.assessment().rule_ids == ["E4"]


def test_start_over_forgets_everything_but_the_hint(rules: RuleSet) -> None:
    flow = TriageFlow(rules, hours_hint=12)
    to_last(flow)
    flow.answer(yes=["R1"])
    assert flow.is_done
    flow.start_over()
    assert flow.stage is Stage.EMERGENCY
    assert flow.answers == {}
    assert not flow.can_go_back and not flow.has_started
    assert flow.hours == 12 and flow.improving is None
    assert flow.context_echo() is None
    to_context(flow)
    assert flow.stage is Stage.IMPROVING


def test_start_over_forgets_marks(flow: TriageFlow) -> None:
    flow.mark_applies(["E1"])
    flow.mark_not_sure(["E2"])
    flow.start_over()
    assert flow.stage is Stage.EMERGENCY and no_marks(flow)
    flow.none_of_these()
    flow.mark_applies(["S1"])
    flow.mark_not_sure(["S2"])
    flow.start_over()
    assert flow.stage is Stage.EMERGENCY and no_marks(flow) and flow.answers == {}
    flow.none_of_these()
    assert flow.stage is Stage.CLINICIAN and no_marks(flow)


def test_answers_are_read_only(flow: TriageFlow) -> None:
    flow.answer(yes=["E1"])
    answers = flow.answers
    with pytest.raises(TypeError):
        answers["E1"] = False  # type: ignore[index]
    assert flow.assessment().level == "emergency"


# -- property: doubt and warning signs only ever move the outcome up -----------------------------

_RULES = load_rules()
_HINTS = st.one_of(st.none(), st.sampled_from([0, 36, 80, 96, 120, 168, 400]))


def _mark_checklist(data: st.DataObject, flow: TriageFlow) -> tuple[set[str], set[str]]:
    """Mark random items a random number of times, then Continue (or None of these if unmarked).

    Returns the final yes and not-sure marks, as the member left them.
    """
    asked = ids(flow)
    subsets = st.sets(st.sampled_from(asked))
    yes: set[str] = set()
    unsure: set[str] = set()
    for kind, picked in data.draw(st.lists(st.tuples(st.booleans(), subsets), max_size=4)):
        if kind:
            flow.mark_applies(picked)
            yes = picked
        else:
            flow.mark_not_sure(picked)
            unsure = picked
    assert set(flow.applies) == yes and set(flow.not_sure) == unsure - yes
    if yes or unsure:
        with pytest.raises(FlowError):
            flow.none_of_these()
        flow.proceed()
    else:
        with pytest.raises(FlowError):
            flow.proceed()
        flow.none_of_these()
    for rule_id in asked:
        expected = True if rule_id in yes else UNSURE if rule_id in unsure else False
        assert flow.answers[rule_id] == expected
    return yes, unsure - yes


@settings(max_examples=300, deadline=None)
@given(st.data(), _HINTS)
def test_marks_only_ever_move_the_outcome_up(data: st.DataObject, hint: int | None) -> None:
    flow = TriageFlow(_RULES, hours_hint=hint)
    e_yes, e_unsure = _mark_checklist(data, flow)
    if e_yes or e_unsure:
        assessment = flow.assessment()
        if e_yes:
            assert assessment.level == "emergency"
            assert e_yes <= set(assessment.rule_ids)
            assert assessment.rule_ids[: len(e_yes)] == [r for r in E_IDS if r in e_yes], (
                "the yeses come first"
            )
        else:
            assert assessment.level == "clinician"
        assert e_unsure <= set(assessment.rule_ids)
        assert {r for r in e_unsure if assessment.fired_level(r) != "clinician"} == set()
        assert assessment.unsure & set(E_IDS) == e_unsure
        return
    s_yes, s_unsure = _mark_checklist(data, flow)
    if s_yes or s_unsure:
        assessment = flow.assessment()
        assert assessment.level == "clinician"
        assert s_yes | s_unsure <= set(assessment.rule_ids)
        assert assessment.unsure == s_unsure
        return
    if flow.stage is Stage.TIME:
        flow.choose_time(data.draw(st.sampled_from([c.id for c in _RULES.context.time])))
    flow.choose_improving(data.draw(st.sampled_from([c.id for c in _RULES.context.improving])))
    where = data.draw(st.lists(st.sampled_from([c.id for c in _RULES.context.where]), unique=True))
    flow.choose_where(where) if where else flow.none_of_these()
    if "bone_spot" in where:
        assessment = flow.assessment()
        assert assessment.level == "clinician" and "S4" in assessment.rule_ids
        return
    kind = data.draw(st.lists(st.sampled_from([c.id for c in _RULES.context.kind]), unique=True))
    flow.choose_kind(kind) if kind else flow.none_of_these()
    last_yes, last_unsure = _mark_checklist(data, flow)
    assessment = flow.assessment()
    marked_r = (last_yes | last_unsure) & {"R1", "R2", "R3"}
    assert marked_r <= set(assessment.rule_ids), "an unsure rest question counts"
    if marked_r:
        assert RANK[assessment.level] <= RANK["rest"]
    assert not last_unsure & set(assessment.rule_ids) - {"R1", "R2", "R3"}, "an unsure O never counts"
    assert assessment.level != "emergency"
