"""The rule file: its content (TRIAGE.md wording) and the strictness of its validator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.triage import Rule, RuleSet, TriageRulesError, load_rules
from bot.triage.ruleset import DEFAULT_RULES_PATH, LEVELS, RULE_IDS

DEFAULT_TEXT = DEFAULT_RULES_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


# -- the shipped content -------------------------------------------------------------------


def test_version_and_status(rules: RuleSet) -> None:
    assert rules.version == "1.1"
    assert rules.status == "draft"
    assert not rules.is_signed_off


def test_every_rule_once_in_table_order(rules: RuleSet) -> None:
    assert rules.rule_ids == RULE_IDS
    assert len(RULE_IDS) == 30
    assert RULE_IDS[11:14] == ("E12", "S1", "S2")
    assert RULE_IDS[24] == "S13"
    assert RULE_IDS[:3] == ("E1", "E2", "E3")
    assert RULE_IDS[-5:] == ("R1", "R2", "R3", "O1", "O2")


def test_levels_match_the_id_letter(rules: RuleSet) -> None:
    letters = {"E": "emergency", "S": "clinician", "R": "rest", "O": "continue"}
    for rule in rules.rules:
        assert isinstance(rule, Rule)
        assert rule.level == letters[rule.id[0]]


def test_every_rule_is_complete(rules: RuleSet) -> None:
    for rule in rules.rules:
        assert 0 < len(rule.label) < 50, rule.id
        assert not rule.label.endswith("."), rule.id
        assert rule.question.strip() and rule.trigger.strip() and rule.advice.strip(), rule.id
        assert 0 < len(rule.brief) <= 100, rule.id
        assert rule.question.startswith(rule.brief.removesuffix("…")), rule.id
        assert rule.sources and all(s.strip() for s in rule.sources), rule.id


def test_wording_is_copied_from_triage_md(rules: RuleSet) -> None:
    e1 = rules.rule("E1")
    assert e1.label == "Chest pain or pressure"
    assert e1.advice == (
        "Stop now. Sit down and call {emergency_number}. Don't drive yourself. "
        "Get checked straight away, even if it eases."
    )
    assert e1.sources == (
        "NHS heart attack symptoms",
        "American Heart Association (AHA) warning signs",
        "PAR-Q+ Q2",
        "ACSM signs/symptoms (Riebe et al., Med Sci Sports Exerc 2015)",
    )
    assert rules.rule("S3").sources[0] == (
        "Ottawa ankle/knee rules, weight-bearing item (Stiell et al.; Bachmann et al., BMJ 2003;326:417)"
    )
    assert rules.rule("O2").advice == (
        "That burn in hard sets is a normal effort feeling. Rest between sets. "
        "Stop if it turns into sharp or lasting pain."
    )
    assert rules.rule("R2").recheck == "Re-check in 30 min and at 72 h."
    assert rules.rule("E2").advice == "Stop now and call {emergency_number}."


def test_fixed_texts(rules: RuleSet) -> None:
    text = rules.text
    assert text.intro_first_line == "If you're in danger now, call {emergency_number}."
    assert text.default_emergency_number == "your local emergency number"
    assert text.disclaimer == (
        "This is general information to help you decide whether to stop and where to get help. "
        "It isn't a diagnosis or treatment, and it only knows what you told it."
    )
    assert text.not_a_diagnosis == text.disclaimer
    assert text.emergency_unsure == (
        "You weren't sure about: *{label}*. Call an urgent medical advice line now (a nurse line, "
        "or 111 where you have it) or the clinician below. If it gets worse, call {emergency_number}."
    )
    assert text.nothing_fired == (
        "Your answers don't match the warning signs, but don't clearly match ordinary soreness "
        "either. Ease off that area and check again in 24–48 h. Not improving, or unsure? "
        "Contact the clinician below."
    )
    assert text.idle_timeout == "Run `/shouldistop` again any time."
    assert text.par_q_url == "https://eparmedx.com"
    for phrase in ("under-18s", "pregnancy", "heart condition", "care-team", "PAR-Q+", "eparmedx.com"):
        assert phrase in text.scope_note


def test_levels_in_urgency_order(rules: RuleSet) -> None:
    assert tuple(level.name for level in rules.levels) == LEVELS
    titles = [rules.level_text(name).title for name in LEVELS]
    assert titles == ["Emergency", "See a clinician", "Rest and monitor", "Keep going, with care"]
    assert [rules.rank(name) for name in LEVELS] == [0, 1, 2, 3]
    for name in ("clinician", "rest", "continue"):
        assert rules.level_text(name).recheck and rules.level_text(name).if_worse
    assert rules.level_text("emergency").if_worse == "Act now."
    assert rules.level_text("rest").recheck == "Re-check in 24 h and at 72 h."


def test_flow_steps(rules: RuleSet) -> None:
    steps = rules.flow.steps
    assert len(steps) == 4
    assert steps[0].rule_ids == tuple(f"E{i}" for i in range(1, 13))
    assert steps[1].rule_ids == ("S1", "S2", "S3", "S4", "S5", "S7", "S8", "S9", "S10", "S11", "S12", "S13")
    assert steps[2].rule_ids == ()
    assert steps[3].rule_ids == ("R1", "R2", "R3", "O1", "O2")
    assert rules.flow.step_label(1) == "Step 1 of 4"
    assert rules.flow.step_label(4) == "Step 4 of 4"
    assert rules.flow.none_of_these == "None of these"
    assert rules.flow.applies == "These apply to me"
    assert rules.flow.not_sure == "Not sure about these"
    assert rules.flow.continue_label == "Continue"
    with pytest.raises(ValueError, match="for example 1"):
        rules.flow.step_label(5)


def test_context_choices(rules: RuleSet) -> None:
    ctx = rules.context
    assert [(c.label, c.hours) for c in ctx.time] == [
        ("During it", 0),
        ("Under 24 h", 12),
        ("1–2 days", 36),
        ("2–3 days", 60),
        ("3–4 days", 84),
        ("4–7 days", 120),
        ("Over a week", 168),
        ("Not sure", None),
    ]
    assert [(c.label, c.improving) for c in ctx.improving] == [
        ("Better", True),
        ("Same or worse", False),
        ("Not sure", None),
    ]
    assert (ctx.lasting_rule, ctx.soreness_rule) == ("S6", "O1")
    assert (ctx.not_improving_from_hours, ctx.lasting_after_hours, ctx.soreness_window_hours) == (
        96,
        168,
        72,
    )


@pytest.mark.parametrize(
    ("choices", "ruled_out"),
    [
        # O2 is offered only for "burning only during the set" (TRIAGE.md §5 step 3).
        ([], {"O2"}),
        (["worked_muscles"], {"O2"}),
        (["joint"], {"O1", "O2"}),
        (["bone_spot"], {"O1", "O2"}),
        (["back_or_leg"], {"O1", "O2"}),
        (["calf_or_shin"], {"O2"}),
        (["burning_during_set"], set()),
        (["dull_ache"], {"O2"}),
        (["sharp"], {"O2"}),
        (["tingling_or_numb"], {"O1", "O2"}),
        (["worked_muscles", "burning_during_set"], set()),
        (["joint", "sharp"], {"O1", "O2"}),
        (["calf_or_shin", "burning_during_set", "dull_ache"], set()),
        (["joint", "burning_during_set"], {"O1"}),
        (["no_such_choice"], {"O2"}),
    ],
)
def test_where_and_what_kind_skip_only_keep_going_questions(rules: RuleSet, choices, ruled_out) -> None:
    assert rules.context.ruled_out(choices) == frozenset(ruled_out)


@pytest.mark.parametrize(
    ("choices", "sets"),
    [
        ([], set()),
        (["bone_spot"], {"S4"}),
        (["worked_muscles", "bone_spot", "sharp"], {"S4"}),
        (["joint", "back_or_leg", "calf_or_shin", "worked_muscles"], set()),
        (["dull_ache", "sharp", "burning_during_set", "tingling_or_numb"], set()),
    ],
)
def test_one_spot_on_a_bone_answers_s4_yes(rules: RuleSet, choices, sets) -> None:
    assert rules.context.sets(choices) == frozenset(sets)


def test_default_rules_are_read_once(rules: RuleSet) -> None:
    assert load_rules() is load_rules()
    assert load_rules() is rules


def test_an_explicit_path_loads_a_fresh_copy(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULT_TEXT)
    loaded = load_rules(path)
    assert loaded == load_rules()
    assert loaded is not load_rules()


def test_signed_off_version_loads(tmp_path: Path) -> None:
    text = DEFAULT_TEXT.replace(
        'status = "draft"',
        'status = "signed-off"\nsigned_off_by = "A. Clinician, physiotherapist"\nsigned_off_on = 2025-03-01',
    )
    loaded = load_rules(write(tmp_path, text))
    assert loaded.is_signed_off
    assert loaded.signed_off_by == "A. Clinician, physiotherapist"
    assert loaded.signed_off_on == "2025-03-01"


# -- malformed files -----------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def rule_block(rule_id: str, text: str = DEFAULT_TEXT) -> str:
    match = re.search(rf'\[\[rules\]\]\nid = "{rule_id}"\n.*?(?=\n\[\[rules\]\]|\n# ---|\Z)', text, re.S)
    assert match, rule_id
    return match.group(0)


def edit_rule(rule_id: str, old: str, new: str, text: str = DEFAULT_TEXT) -> str:
    block = rule_block(rule_id, text)
    assert old in block, (rule_id, old)
    return text.replace(block, block.replace(old, new, 1))


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(TriageRulesError) as info:
        load_rules(path)
    message = str(info.value)
    assert message.startswith(f"The triage rules file {path} is invalid: ")
    assert message.endswith(".")
    assert "\n" not in message
    return message


E1_ADVICE = 'advice = "Stop now. Sit down and call {emergency_number}.'

MALFORMED = {
    "missing rule": (lambda: DEFAULT_TEXT.replace(rule_block("E4"), ""), "rule E4 is missing"),
    "duplicate rule": (
        lambda: DEFAULT_TEXT + "\n" + rule_block("S3") + "\n",
        "rule S3 appears more than once",
    ),
    "unknown rule": (
        lambda: DEFAULT_TEXT + "\n" + rule_block("O2").replace('id = "O2"', 'id = "O3"') + "\n",
        "rule O3 is not a rule of the rule set",
    ),
    "out of order": (
        lambda: (
            DEFAULT_TEXT.replace(rule_block("E1"), "@@")
            .replace(rule_block("E2"), rule_block("E1"))
            .replace("@@", rule_block("E2"))
        ),
        "rule E2 is out of table order (expected E1 in its place)",
    ),
    "wrong level": (
        lambda: edit_rule("E4", 'level = "emergency"', 'level = "clinician"'),
        "rule E4 has level 'clinician', but E rules must be 'emergency'",
    ),
    "empty advice": (
        lambda: re.sub(r'advice = ".*"', 'advice = "  "', rule_block("S3")).join(
            DEFAULT_TEXT.split(rule_block("S3"))
        ),
        "rule S3 has an empty 'advice'",
    ),
    "missing advice": (
        lambda: re.sub(r'advice = ".*"\n', "", rule_block("R1")).join(DEFAULT_TEXT.split(rule_block("R1"))),
        "rule R1 is missing 'advice'",
    ),
    "unknown placeholder": (
        lambda: edit_rule("E1", "{emergency_number}", "{phone}"),
        "rule E1 'advice' uses the unknown placeholder {phone}",
    ),
    "placeholder in a label": (
        lambda: edit_rule("E2", 'label = "Struggling to breathe"', 'label = "Call {emergency_number}"'),
        "rule E2 'label' uses the unknown placeholder {emergency_number}",
    ),
    "stray brace": (
        lambda: edit_rule("E1", "{emergency_number}", "{emergency_number"),
        "rule E1 'advice' has a stray brace",
    ),
    "formatted placeholder": (
        lambda: edit_rule("E1", "{emergency_number}", "{emergency_number!r}"),
        "rule E1 'advice' formats the placeholder {emergency_number}",
    ),
    "attribute placeholder": (
        lambda: edit_rule("E1", "{emergency_number}", "{emergency_number.__class__}"),
        "unknown placeholder {emergency_number.__class__}",
    ),
    "long label": (
        lambda: edit_rule("S1", 'label = "One calf or leg swollen or warm"', f'label = "{"x" * 50}"'),
        "rule S1 has a label of 50 characters; keep it under 50",
    ),
    "overlong advice": (
        lambda: edit_rule(
            "E2", 'advice = "Stop now and call {emergency_number}."', f'advice = "{"Stop. " * 200}"'
        ),
        "rule E2 'advice' is 1200 characters long; keep it to 1000 or fewer",
    ),
    "no sources": (
        lambda: re.sub(r"sources = \[.*?\]", "sources = []", rule_block("O1"), flags=re.S).join(
            DEFAULT_TEXT.split(rule_block("O1"))
        ),
        "rule O1 needs at least one source",
    ),
    "blank source": (
        lambda: re.sub(r"sources = \[.*?\]", 'sources = ["NHS", " "]', rule_block("O1"), flags=re.S).join(
            DEFAULT_TEXT.split(rule_block("O1"))
        ),
        "rule O1 has an empty or non-text entry in 'sources'",
    ),
    "unknown rule key": (
        lambda: edit_rule("R3", "advice = ", "advise = "),
        "rule R3 has the unknown key 'advise'",
    ),
    "false reassurance": (
        lambda: edit_rule("O2", "That burn", "You're fine: that burn"),
        "rule O2 'advice' says \"you're fine\", which reassures falsely",
    ),
    "just DOMS": (
        lambda: DEFAULT_TEXT.replace(
            'meaning = "Sounds consistent', "meaning = \"It's just DOMS. Sounds consistent"
        ),
        "level 'continue' 'meaning' says 'just doms', which reassures falsely",
    ),
    "bad TOML": (lambda: DEFAULT_TEXT.replace('version = "1.1"', 'version = "1.1'), "it is not valid TOML"),
    "no version": (
        lambda: DEFAULT_TEXT.replace('version = "1.1"\n', ""),
        "the top level is missing 'version'",
    ),
    "unknown id in a step": (
        lambda: DEFAULT_TEXT.replace('"E11", "E12"]', '"E11", "E12", "E13"]'),
        "flow step 1 asks the unknown rule 'E13'",
    ),
    "brief not from the question": (
        lambda: edit_rule("E1", 'brief = "Any chest pain', 'brief = "Some chest pain'),
        "rule E1 has a brief that is not the start of its question",
    ),
    "long brief": (
        lambda: edit_rule("S2", 'brief = "Pain from', f'brief = "{"x" * 100}Pain from'),
        "rule S2 has a brief of 196 characters; keep it to 100 or fewer",
    ),
    "context sets a rest rule": (
        lambda: DEFAULT_TEXT.replace('sets = ["S4"]', 'sets = ["R1"]'),
        "may only set see-a-clinician questions",
    ),
    "context offers an S question": (
        lambda: DEFAULT_TEXT.replace('offers = ["O2"]', 'offers = ["S4"]'),
        "may only offer keep-going questions",
    ),
    "footer without the version": (
        lambda: DEFAULT_TEXT.replace('rule_set = "Rule set {version}"', 'rule_set = "Rule set"'),
        "[text.outcome] 'rule_set' must contain the placeholder {version}",
    ),
    "missing disclaimer": (
        lambda: re.sub(r'\ndisclaimer = ".*"\n', "\n", DEFAULT_TEXT),
        "[text] is missing 'disclaimer'",
    ),
    "empty disclaimer": (
        lambda: re.sub(r'\ndisclaimer = ".*"\n', '\ndisclaimer = ""\n', DEFAULT_TEXT),
        "[text] has an empty 'disclaimer'",
    ),
    "intro without number": (
        lambda: DEFAULT_TEXT.replace(
            'intro_first_line = "If you\'re in danger now, call {emergency_number}."',
            'intro_first_line = "If you\'re in danger now, get help."',
        ),
        "[text] 'intro_first_line' must contain the placeholder {emergency_number}",
    ),
    "unsure wording without label": (
        lambda: DEFAULT_TEXT.replace("*{label}*", "this"),
        "[text] 'emergency_unsure' must contain the placeholder {label}",
    ),
    "emergency meaning without number": (
        lambda: DEFAULT_TEXT.replace(
            'meaning = "Stop now. Call {emergency_number} or', 'meaning = "Stop now. Call for help or'
        ),
        "level 'emergency' 'meaning' must contain the placeholder {emergency_number}",
    ),
    "levels out of order": (
        lambda: (
            DEFAULT_TEXT.replace('name = "rest"', 'name = "@@"')
            .replace('name = "continue"', 'name = "rest"')
            .replace('name = "@@"', 'name = "continue"')
        ),
        "[[levels]] must list emergency, clinician, rest, continue in that order",
    ),
    "empty non-emergency recheck": (
        lambda: DEFAULT_TEXT.replace('recheck = "Re-check in 24 h and at 72 h."', 'recheck = ""'),
        "level 'rest' has an empty 'recheck'",
    ),
    "bad version": (lambda: DEFAULT_TEXT.replace('version = "1.1"', "version = 1.1"), "'version' must be"),
    "bad status": (
        lambda: DEFAULT_TEXT.replace('status = "draft"', 'status = "approved"'),
        "'status' must be",
    ),
    "signed off by nobody": (
        lambda: DEFAULT_TEXT.replace('status = "draft"', 'status = "signed-off"'),
        "needs 'signed_off_by'",
    ),
    "signed off on no date": (
        lambda: DEFAULT_TEXT.replace(
            'status = "draft"',
            'status = "signed-off"\nsigned_off_by = "A. Clinician"\nsigned_off_on = "soon"',
        ),
        "needs 'signed_off_on' as a date",
    ),
    "unknown top-level key": (
        lambda: DEFAULT_TEXT.replace('status = "draft"', 'status = "draft"\nauthor = "x"'),
        "the top level has the unknown key 'author'",
    ),
    "negative hours": (
        lambda: DEFAULT_TEXT.replace("hours = 12\n", "hours = -12\n"),
        "[[context.time]] entry 2 'hours' must be zero or more hours",
    ),
    "boolean hours": (
        lambda: DEFAULT_TEXT.replace("hours = 12\n", "hours = true\n"),
        "[[context.time]] entry 2 'hours' must be a number of hours",
    ),
    "no not-sure time": (
        lambda: DEFAULT_TEXT.replace(
            'id = "not_sure"\nlabel = "Not sure"\n\n# `improving`',
            'id = "not_sure"\nlabel = "Not sure"\nhours = 1\n\n# `improving`',
        ),
        "[[context.time]] needs a not-sure choice",
    ),
    "rules out an S question": (
        lambda: DEFAULT_TEXT.replace('rules_out = ["O1"]', 'rules_out = ["S4"]'),
        "emergency, clinician and rest questions are never skipped",
    ),
    "question never asked": (
        lambda: DEFAULT_TEXT.replace(
            'rules = ["R1", "R2", "R3", "O1", "O2"]', 'rules = ["R1", "R2", "O1", "O2"]'
        ),
        "rule R3 is never asked by any flow step",
    ),
    "S6 asked as a checkbox": (
        lambda: DEFAULT_TEXT.replace('"S5", "S7"', '"S5", "S6", "S7"'),
        "rule S6 comes from the context step, so flow step 2 must not ask it",
    ),
    "asked twice": (
        lambda: DEFAULT_TEXT.replace("rules = []", 'rules = ["R1"]'),
        "rule R1 is asked in both flow step 3 and flow step 4",
    ),
    "emergency not first": (
        lambda: DEFAULT_TEXT.replace('"E11", "E12"]', '"E11"]').replace("rules = []", 'rules = ["E12"]'),
        "flow step 1 must ask all the emergency questions",
    ),
    "step counter without total": (
        lambda: DEFAULT_TEXT.replace('"Step {n} of {total}"', '"Step {n}"'),
        "[flow] 'step_counter' must contain the placeholder {total}",
    ),
    "lasting rule not a clinician rule": (
        lambda: DEFAULT_TEXT.replace('lasting_rule = "S6"', 'lasting_rule = "R1"'),
        "'lasting_rule' must be a see-a-clinician rule id",
    ),
    "thresholds the wrong way round": (
        lambda: DEFAULT_TEXT.replace("not_improving_from_hours = 96", "not_improving_from_hours = 200"),
        "'not_improving_from_hours' must not exceed 'lasting_after_hours'",
    ),
    "PAR-Q+ link not https": (
        lambda: DEFAULT_TEXT.replace('par_q_url = "https://eparmedx.com"', 'par_q_url = "eparmedx.com"'),
        "[text] 'par_q_url' must be an https:// link",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_raises_one_clear_sentence(tmp_path: Path, case: str) -> None:
    make_text, expected = MALFORMED[case]
    text = make_text()
    assert text != DEFAULT_TEXT, "the edit did not change the file"
    assert expected in load_error(tmp_path, text)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(TriageRulesError, match="cannot be read") as info:
        load_rules(path)
    assert str(path) in str(info.value)
    assert info.value.path == path


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(b'version = "\xff"\n')
    with pytest.raises(TriageRulesError, match="not UTF-8"):
        load_rules(path)


def test_error_carries_the_rule_id(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULT_TEXT.replace(rule_block("S9"), ""))
    with pytest.raises(TriageRulesError) as info:
        load_rules(path)
    assert info.value.rule_id == "S9"
    assert info.value.problem == "is missing"


def test_admin_docs_list_every_rule_with_its_sources(rules: RuleSet) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "triage.md").read_text(encoding="utf-8")
    titles = {level.name: level.title for level in rules.levels}
    for rule in rules.rules:
        row = f"| {rule.id} | {titles[rule.level]} | {rule.label} | {'; '.join(rule.sources)} |"
        assert row in docs, rule.id


# -- word for word from TRIAGE.md ------------------------------------------------------------

TRIAGE_MD = Path(__file__).resolve().parents[3] / "shared" / "TRIAGE.md"


def split_sources(text: str) -> list[str]:
    """Sources are separated by "; " outside parentheses (a citation may hold "; " inside)."""
    out, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", i):
            out.append(text[start:i])
            start = i + 2
    return [*out, text[start:]]


def triage_md_rules() -> dict[str, dict[str, object]]:
    """The rule table of TRIAGE.md §3, read from the document itself."""
    rows: dict[str, dict[str, object]] = {}
    for line in TRIAGE_MD.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| ([ESRO]\d+) \| (.*) \|", line)
        if not match or "`" in match[2].split(" | ")[0]:
            continue
        question, trigger, advice, sources = match[2].split(" | ")
        label = re.match(r"\*\*(.+?)\.\*\* (.*)", question)
        assert label, match[1]
        rows[match[1]] = {
            "label": label[1],
            "question": label[2],
            "trigger": trigger,
            "advice": advice,
            "sources": tuple(split_sources(sources)),
        }
    return rows


@pytest.mark.skipif(not TRIAGE_MD.exists(), reason="TRIAGE.md is not beside the project (../shared)")
def test_every_rule_is_word_for_word_from_triage_md(rules: RuleSet) -> None:
    documented = triage_md_rules()
    assert list(documented) == list(rules.rule_ids)
    for rule in rules.rules:
        row = documented[rule.id]
        assert (rule.label, rule.question, rule.trigger, rule.advice, rule.sources) == (
            row["label"],
            row["question"],
            row["trigger"],
            row["advice"],
            row["sources"],
        ), rule.id
