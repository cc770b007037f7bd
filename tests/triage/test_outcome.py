"""The outcome embed's content (TRIAGE.md §6) and the intro text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage import (
    UNSURE,
    Answer,
    Assessment,
    Outcome,
    RuleSet,
    assess,
    build_outcome,
    intro_text,
    load_rules,
)
from bot.triage.outcome import (
    DESCRIPTION_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
)

ALL_IDS = [f"E{i}" for i in range(1, 13)] + [f"S{i}" for i in range(1, 14)] + ["R1", "R2", "R3", "O1", "O2"]
TITLES = {
    "emergency": "Emergency",
    "clinician": "See a clinician",
    "rest": "Rest and monitor",
    "continue": "Keep going, with care",
}
FALSE_REASSURANCE = ("you're fine", "you are fine", "just doms")
PROPERTY = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def outcome_for(
    answers: dict,
    hours: float | None = None,
    improving: bool | None = None,
    *,
    number: str | None = "999",
    clinician_text: str | None = None,
    clinician_url: str | None = None,
    context_echo: str | None = None,
) -> Outcome:
    return build_outcome(
        assess(answers, hours, improving),
        load_rules(),
        emergency_number=number,
        clinician_text=clinician_text,
        clinician_url=clinician_url,
        context_echo=context_echo,
    )


def all_text(outcome: Outcome) -> str:
    return "\n".join(
        [outcome.title, outcome.description, *(f"{n}\n{v}" for n, v in outcome.fields), outcome.footer]
    )


def assert_within_embed_limits(outcome: Outcome) -> None:
    assert 0 < len(outcome.title) <= TITLE_LIMIT
    assert 0 < len(outcome.description) <= DESCRIPTION_LIMIT
    assert len(outcome.fields) <= 25
    for name, value in outcome.fields:
        assert 0 < len(name) <= FIELD_NAME_LIMIT
        assert 0 < len(value) <= FIELD_VALUE_LIMIT
    assert 0 < len(outcome.footer) <= FOOTER_LIMIT
    assert outcome.total_chars <= TOTAL_LIMIT


# -- emergency -----------------------------------------------------------------------------


def test_emergency_first_line_is_the_rules_own_action_with_the_number() -> None:
    outcome = outcome_for({"E1": True}, number="999")
    assert outcome.title == "Emergency"
    assert outcome.first_line == (
        "**Stop now. Sit down and call 999. Don't drive yourself. "
        "Get checked straight away, even if it eases.**"
    )
    assert outcome.description == outcome.first_line, "one action, said once"
    assert outcome.description.count("Stop now") == 1


def test_emergency_gives_one_action_not_a_mixed_instruction() -> None:
    """E7's own advice leads; the level's "call the number" line is not put before it."""
    outcome = outcome_for({"E7": True}, number="999")
    assert outcome.first_line == (
        "**Stop training and get urgent or emergency care today. Say you exercised hard and ask for a "
        "CK blood test. Sip water on the way.**"
    )
    assert outcome.what_to_do == ()
    assert "Stop now" not in outcome.description
    names = [name for name, _ in outcome.fields]
    assert "If it gets worse" not in names and "When to re-check" not in names


def test_emergency_lists_the_number_before_the_clinician() -> None:
    outcome = outcome_for(
        {"E1": True},
        number="999",
        clinician_text="Riverside Physio, weekdays",
        clinician_url="https://x.org/c",
    )
    assert outcome.care == "Emergency number: 999\nRiverside Physio, weekdays\nhttps://x.org/c"


def test_several_emergency_signs_never_repeat_a_sentence_or_mix_in_a_nurse_line() -> None:
    outcome = outcome_for({"E1": True, "E3": True, "E2": UNSURE, "S1": True}, number="999")
    sentences = [s for s in outcome.description.replace("**", "").replace("\n", " ").split(". ") if s]
    assert len(sentences) == len(set(sentences))
    assert "nurse line" not in outcome.description and "You weren't sure" not in outcome.description
    assert outcome.led_here == (
        "Chest pain or pressure",
        "Fainted, or racing heart with dizziness",
        "Struggling to breathe (not sure)",
        "One calf or leg swollen or warm",
    )


def test_nothing_comes_before_the_emergency_action() -> None:
    outcome = outcome_for({"E4": True, "S1": True}, number="112")
    first = outcome.description.splitlines()[0]
    assert first == outcome.first_line
    assert "112" in first
    assert outcome.disclaimer not in outcome.description


def test_default_number_text_when_none_configured() -> None:
    for number in (None, "", "   "):
        outcome = outcome_for({"E2": True}, number=number)
        assert outcome.first_line == "**Stop now and call your local emergency number.**"
        assert outcome.what_to_do == ()
        assert "Emergency number: your local emergency number" in outcome.care


def test_number_is_kept_on_one_line() -> None:
    outcome = outcome_for({"E2": True}, number=" 999\n or 112 ")
    assert outcome.first_line == "**Stop now and call 999 or 112.**"
    assert outcome.care == "Emergency number: 999 or 112"


def test_emergency_has_no_if_worse_line() -> None:
    """ "Act now" after an instruction to act now is a second, weaker instruction."""
    outcome = outcome_for({"E3": True})
    assert outcome.if_worse == ""
    assert "Act now." not in all_text(outcome)


# -- what to do now ------------------------------------------------------------------------


def test_unsure_emergency_uses_the_call_now_wording_with_the_label() -> None:
    outcome = outcome_for({"E2": UNSURE}, number="999")
    assert outcome.title == "See a clinician"
    assert outcome.what_to_do == (
        "You weren't sure about: *Struggling to breathe*. Call an urgent medical advice line now "
        "(a nurse line, or 111 where you have it) or the clinician below. If it gets worse, call 999.",
    )
    assert outcome.led_here == ("Struggling to breathe (not sure)",)


def test_advice_is_most_urgent_first_and_at_most_three_in_full() -> None:
    outcome = outcome_for({"O2": True, "R1": True, "S7": True, "S2": True, "E9": UNSURE, "E5": True})
    rules = load_rules()
    # An emergency: only its own advice, and every answer that led here in the same order.
    assert outcome.first_line == f"**{rules.rule('E5').advice.format(emergency_number='999')}**"
    assert outcome.what_to_do == ()
    assert outcome.led_here == tuple(
        rules.rule(rid).label + (" (not sure)" if rid == "E9" else "")
        for rid in ["E5", "E9", "S2", "S7", "R1", "O2"]
    )
    # Below emergency, at most three blocks of advice, most urgent first.
    outcome = outcome_for({"O2": True, "R1": True, "S7": True, "S2": True, "E9": UNSURE, "S1": True})
    assert len(outcome.what_to_do) == 3
    assert outcome.what_to_do[0].startswith(
        "You weren't sure about: *Confused or collapsed after long or hot exercise*."
    )
    assert outcome.what_to_do[1] == rules.rule("S1").advice.format(emergency_number="999")
    assert outcome.what_to_do[2] == rules.rule("S2").advice


def test_emergency_advice_leads_with_every_emergency_sign_up_to_three() -> None:
    rules = load_rules()
    outcome = outcome_for({"E8": True, "E9": True, "E10": True, "E11": True}, number="000")
    assert outcome.first_line == f"**{rules.rule('E8').advice.format(emergency_number='000')}**"
    assert len(outcome.what_to_do) == 2
    assert outcome.what_to_do[0].startswith("Call 000. While you wait: if you're overheated")
    assert outcome.what_to_do[1] == rules.rule("E10").advice.format(emergency_number="000")


def test_placeholders_are_always_filled() -> None:
    outcome = outcome_for({rid: True for rid in ALL_IDS})
    assert "{" not in all_text(outcome)


def test_nothing_fired_uses_its_own_wording() -> None:
    rules = load_rules()
    outcome = outcome_for({"E1": False, "O1": UNSURE})
    assert outcome.title == "Rest and monitor"
    assert outcome.what_to_do == (rules.text.nothing_fired,)
    assert outcome.led_here == ()
    assert "What led here" not in dict(outcome.fields)


def test_continue_says_consistent_with_ordinary_soreness_once() -> None:
    rules = load_rules()
    outcome = outcome_for({"O1": True}, 36, None)
    assert outcome.title == "Keep going, with care"
    assert outcome.first_line == rules.rule("O1").advice
    assert outcome.description.casefold().count("consistent with ordinary") == 1
    assert rules.level_text("continue").meaning not in outcome.description
    assert outcome.led_here == ("Usual day-after soreness",)


def test_s6_from_context_is_named_in_what_led_here() -> None:
    outcome = outcome_for({"O1": True}, 100, False)
    assert outcome.title == "See a clinician"
    assert outcome.led_here == ("Lasting longer than usual",)


# -- safety-net ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "recheck", "if_worse"),
    [
        ({"S4": True}, None, "Worse, or an emergency sign: call 999."),
        (
            {"R1": True},
            "Re-check in 24 h and at 72 h.",
            "Worse: run `/shouldistop` again or contact the clinician.",
        ),
        ({"R2": True}, "Re-check in 30 min and at 72 h.", None),
        ({"R1": True, "R2": True}, "Re-check in 30 min and at 72 h.", None),
        ({}, "Re-check in 24 h and at 72 h.", None),
        ({"O2": True}, "Not easing by day 3, or still there at a week: run `/shouldistop` again.", None),
    ],
)
def test_recheck_and_if_worse(answers, recheck, if_worse) -> None:
    outcome = outcome_for(answers)
    if recheck is not None:
        assert outcome.recheck == recheck
    if if_worse is not None:
        assert outcome.if_worse == if_worse


def test_a_clinician_outcome_with_a_heat_sign_keeps_the_clinician_recheck() -> None:
    rules = load_rules()
    outcome = outcome_for({"S5": True, "R2": True})
    assert outcome.recheck == rules.level_text("clinician").recheck


# -- care and context ----------------------------------------------------------------------


def test_care_has_clinician_text_link_and_number_in_order() -> None:
    outcome = outcome_for(
        {"S3": True},
        number="911",
        clinician_text="Ask for Sam at the front desk.",
        clinician_url="https://x.org/c",
    )
    assert outcome.care == "Ask for Sam at the front desk.\nhttps://x.org/c\nEmergency number: 911"
    names = [name for name, _ in outcome.fields]
    assert names == ["What led here", "When to re-check", "If it gets worse", "Where to get help"]


def test_context_echo_is_shown_after_what_led_here() -> None:
    outcome = outcome_for({"R1": True}, context_echo="Calf or shin, sharp")
    names = [name for name, _ in outcome.fields]
    assert names.index("What you told us") == names.index("What led here") + 1
    assert dict(outcome.fields)["What you told us"] == "Calf or shin, sharp"


def test_disclaimer_and_rule_set_version_are_the_footer() -> None:
    outcome = outcome_for({"R3": True})
    assert outcome.footer == f"{load_rules().text.disclaimer}\nRule set 1.1"
    assert all_text(outcome).count(load_rules().text.disclaimer) == 1


# -- sizes ---------------------------------------------------------------------------------


def test_worst_case_fits_discord_limits() -> None:
    everything: dict[str, Answer] = {rid: True for rid in ALL_IDS}
    everything.update({f"E{i}": UNSURE for i in range(1, 13) if i % 2})
    outcome = outcome_for(
        everything,
        500,
        False,
        number="9" * 5000,
        clinician_text="Clinic " * 2000,
        clinician_url="https://example.org/" + "p" * 300,
        context_echo="Calf or shin " * 500,
    )
    assert_within_embed_limits(outcome)
    assert outcome.first_line.startswith("**Stop now and call 999")  # E2, the first yes
    assert outcome.care.splitlines()[0].startswith("Emergency number: 999")


def test_long_clinician_text_is_trimmed_but_the_number_survives() -> None:
    outcome = outcome_for(
        {"S1": True}, number="000", clinician_text="x" * 3000, clinician_url="https://c.example"
    )
    assert len(outcome.care) <= FIELD_VALUE_LIMIT
    assert outcome.care.endswith("\nhttps://c.example\nEmergency number: 000")
    assert outcome.care.splitlines()[0].endswith("…")


def test_every_label_fits_in_what_led_here() -> None:
    outcome = outcome_for({rid: UNSURE for rid in ALL_IDS if rid[0] != "O"} | {"O2": True}, 500, False)
    assert len(outcome.led_here) == 29  # 12 E, 13 S, 3 R and O2: none cut off
    assert outcome.led_here[-1] == "Burn during the set only"
    assert_within_embed_limits(outcome)


# Long text is built by repetition: generating thousands of random characters is slow.
big_text = st.one_of(
    st.none(),
    st.text(max_size=50),
    st.builds(lambda chunk, n: chunk * n, st.text(min_size=1, max_size=8), st.integers(150, 3000)),
)


@PROPERTY
@given(
    st.dictionaries(st.sampled_from(ALL_IDS), st.sampled_from([True, False, UNSURE, None])),
    st.one_of(st.none(), st.sampled_from([0, 12, 36, 60, 80, 120, 168, 500])),
    st.sampled_from([True, False, None]),
    st.one_of(st.none(), st.sampled_from(["999", "112", "000", "911"]), st.text(max_size=300)),
    big_text,
    st.one_of(st.none(), st.just("https://example.org/physio")),
    big_text,
)
def test_every_outcome_is_safe_and_fits(answers, hours, improving, number, clinician, url, echo) -> None:
    rules = load_rules()
    assessment = assess(answers, hours, improving)
    outcome = build_outcome(
        assessment,
        rules,
        emergency_number=number,
        clinician_text=clinician,
        clinician_url=url,
        context_echo=echo,
    )
    assert_within_embed_limits(outcome)
    assert outcome.level == assessment.level
    assert outcome.title.startswith(TITLES[assessment.level])
    own_text = "\n".join(
        [outcome.title, outcome.first_line, *outcome.what_to_do, outcome.recheck, outcome.if_worse]
    )
    assert not any(phrase in own_text.casefold() for phrase in FALSE_REASSURANCE)
    number_line = [line for line in outcome.care.splitlines() if line.startswith("Emergency number: ")]
    assert number_line
    if assessment.level == "emergency":
        lead = rules.rule(assessment.rule_ids[0])
        assert outcome.first_line.startswith("**" + lead.advice.split("{")[0][:40])
        assert outcome.if_worse == "" and "nurse line" not in outcome.description
        assert outcome.care.splitlines()[0] == number_line[0]
    else:
        assert outcome.recheck.strip() and outcome.if_worse.strip()
        assert outcome.care.splitlines()[-1] == number_line[0]
        assert outcome.first_line


def test_no_outcome_ever_falsely_reassures(rules: RuleSet) -> None:
    cases: list[Assessment] = [assess({rid: v}) for rid in ALL_IDS for v in (True, UNSURE)]
    cases += [assess({}), assess({"O1": True}, 36, None), assess({"O1": True}, 100, True)]
    for assessment in cases:
        outcome = build_outcome(
            assessment, rules, emergency_number=None, clinician_text=None, clinician_url=None
        )
        text = all_text(outcome).casefold().replace("\u2019", "'")
        for phrase in FALSE_REASSURANCE:
            assert phrase not in text


# -- intro ---------------------------------------------------------------------------------


def test_intro_starts_with_the_danger_line(rules: RuleSet) -> None:
    text = intro_text(rules, emergency_number="999")
    assert text.splitlines()[0] == "**If you're in danger now, call 999.**"
    assert rules.text.scope_note in text
    assert text.endswith(rules.text.disclaimer)


def test_intro_default_number(rules: RuleSet) -> None:
    text = intro_text(rules, emergency_number=None)
    assert text.splitlines()[0] == "**If you're in danger now, call your local emergency number.**"
