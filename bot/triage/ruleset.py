"""Load and validate the triage rule set (``rules.toml``).

The rules are clinical content that a clinician reviews and signs off, so they live in a
data file rather than in code branches. That only stays safe if a mistake in the file can
never reach a member: a missing rule, a rule at the wrong level or an advice text with a
typo in a placeholder would silently change what someone in pain is told. So the loader is
deliberately strict: anything it does not recognise stops the bot at start-up with one
sentence naming the file, the rule and the problem.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

__all__ = [
    "DEFAULT_RULES_PATH",
    "LEVELS",
    "RULE_IDS",
    "Context",
    "Flow",
    "ImprovingChoice",
    "Level",
    "LevelText",
    "OutcomeText",
    "PainChoice",
    "Rule",
    "RuleSet",
    "Step",
    "Texts",
    "TimeChoice",
    "TriageRulesError",
    "load_rules",
]

Level = Literal["emergency", "clinician", "rest", "continue"]

#: The four outcome levels, most urgent first. The rule file must list them in this order:
#: the urgency order is part of the safety contract, not a matter of configuration.
LEVELS: tuple[Level, ...] = ("emergency", "clinician", "rest", "continue")

#: Every rule id the rule set must define, in table order.
RULE_IDS: tuple[str, ...] = (
    *(f"E{i}" for i in range(1, 13)),
    *(f"S{i}" for i in range(1, 14)),
    *(f"R{i}" for i in range(1, 4)),
    "O1",
    "O2",
)

_LEVEL_OF_LETTER: dict[str, Level] = {"E": "emergency", "S": "clinician", "R": "rest", "O": "continue"}

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")

_STATUSES = ("draft", "signed-off")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")
_MAX_LABEL = 50
_MAX_BRIEF = 100
"""A select option's description: Discord allows 100 characters."""
_IDS_TEXT = "E1…E12, S1…S13, R1…R3, O1, O2"
_MAX_TEXT = 1000
"""Any one text must fit a Discord embed field (1024) with room for the filled-in number."""
_EMERGENCY_NUMBER = "emergency_number"

# Phrases that would reassure falsely (TRIAGE.md §6); they may never appear in member text.
_ELLIPSIS = "…"

_FORBIDDEN_PHRASES = ("you're fine", "you are fine", "just doms")


def _p(where: str) -> str:
    """Prefix a message with where it happened, if that is not already said by the rule id."""
    return f"{where} " if where else ""


class TriageRulesError(Exception):
    """The rule file cannot be trusted; the bot must not start with it.

    The message is a single sentence meant for whoever edits the file, so it names the
    file, the rule (when the problem is in one) and what is wrong.
    """

    def __init__(self, path: Path, problem: str, rule_id: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.rule_id = rule_id
        where = f"rule {rule_id} " if rule_id else ""
        super().__init__(f"The triage rules file {path} is invalid: {where}{problem}.")


@dataclass(frozen=True)
class Rule:
    """One row of the rule table: a question, when it fires, what to advise and why."""

    id: str
    level: Level
    label: str
    brief: str
    """The question's first clause, for the checklist and a select option's description."""
    question: str
    trigger: str
    advice: str
    sources: tuple[str, ...]
    recheck: str | None = None
    """Replaces the level's re-check text when this rule leads the outcome (R2: 30 min)."""


@dataclass(frozen=True)
class LevelText:
    """How an outcome level presents itself to the member."""

    name: Level
    title: str
    meaning: str
    recheck: str
    if_worse: str


@dataclass(frozen=True)
class OutcomeText:
    """Headings and fixed phrases of the outcome embed."""

    led_here: str
    context: str
    recheck: str
    if_worse: str
    care: str
    emergency_number_line: str
    unsure_mark: str
    rule_set: str
    """The footer line naming the rule set's version ({version})."""


@dataclass(frozen=True)
class Texts:
    """Member-facing text that does not belong to a single rule."""

    default_emergency_number: str
    intro_first_line: str
    scope_note: str
    par_q_url: str
    disclaimer: str
    emergency_unsure: str
    nothing_fired: str
    idle_timeout: str
    outcome: OutcomeText

    @property
    def not_a_diagnosis(self) -> str:
        """The outcome's closing line: the disclaimer itself, so there is one wording to review."""
        return self.disclaimer


@dataclass(frozen=True)
class Step:
    """A numbered step of the flow and the rule questions it asks."""

    name: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class Flow:
    """The order the questions are asked in, and the flow's buttons and labels."""

    step_counter: str
    applies: str
    not_sure: str
    continue_label: str
    none_of_these: str
    full_questions: str
    short_list: str
    entry_button: str
    steps: tuple[Step, ...]

    def step_label(self, n: int) -> str:
        """The "Step n of 4" line for step ``n`` (1-based), so the count follows the file."""
        if not 1 <= n <= len(self.steps):
            raise ValueError(
                f"Step {n} does not exist; steps run from 1 to {len(self.steps)}, for example 1."
            )
        return self.step_counter.format(n=n, total=len(self.steps))


@dataclass(frozen=True)
class TimeChoice:
    """A time-since-workout button; ``hours`` is what the engine receives (None: not known)."""

    id: str
    label: str
    hours: int | float | None


@dataclass(frozen=True)
class ImprovingChoice:
    """A getting-better button; ``improving`` is what the engine receives (None: not known)."""

    id: str
    label: str
    improving: bool | None


@dataclass(frozen=True)
class PainChoice:
    """A where/what-kind option: echoed back, and used for safety (never to lower a level).

    ``sets`` are see-a-clinician rules the choice answers yes (one spot on a bone: S4);
    ``rules_out`` are keep-going questions it rules out; ``offers`` are keep-going
    questions asked only when a choice offering them was picked.
    """

    id: str
    label: str
    rules_out: frozenset[str]
    sets: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Context:
    """The context step: its choices and the time thresholds the engine applies."""

    lasting_rule: str
    soreness_rule: str
    not_improving_from_hours: float
    lasting_after_hours: float
    soreness_window_hours: float
    time_question: str
    improving_question: str
    where_question: str
    kind_question: str
    time: tuple[TimeChoice, ...]
    improving: tuple[ImprovingChoice, ...]
    where: tuple[PainChoice, ...]
    kind: tuple[PainChoice, ...]

    def ruled_out(self, choice_ids: Iterable[str]) -> frozenset[str]:
        """Keep-going rule ids the flow skips given the where/what-kind choices picked.

        A question some choice rules out is skipped when that choice was picked; a question
        some choice offers is skipped unless such a choice was picked. Unknown ids are
        ignored rather than raised: a stale button must never block a member from reaching
        an outcome.
        """
        picked = set(choice_ids)
        choices = (*self.where, *self.kind)
        out: set[str] = set()
        offered: set[str] = set()
        for choice in choices:
            if choice.id in picked:
                out |= choice.rules_out
                offered |= choice.offers
        for choice in choices:
            out |= choice.offers - offered
        return frozenset(out)

    def sets(self, choice_ids: Iterable[str]) -> frozenset[str]:
        """See-a-clinician rule ids the picked choices answer yes (TRIAGE.md §5 step 3)."""
        picked = set(choice_ids)
        out: set[str] = set()
        for choice in (*self.where, *self.kind):
            if choice.id in picked:
                out |= choice.sets
        return frozenset(out)


@dataclass(frozen=True)
class RuleSet:
    """A validated, immutable rule set; build it with :func:`load_rules`."""

    version: str
    status: str
    signed_off_by: str | None
    signed_off_on: str | None
    levels: tuple[LevelText, ...]
    rules: tuple[Rule, ...]
    text: Texts
    flow: Flow
    context: Context

    @cached_property
    def _rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def _position(self) -> dict[str, int]:
        return {rule.id: i for i, rule in enumerate(self.rules)}

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """All rule ids in table order (the order within a level)."""
        return tuple(rule.id for rule in self.rules)

    @property
    def is_signed_off(self) -> bool:
        """Whether a clinician has signed this version off for launch."""
        return self.status == "signed-off"

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError for an id the rule set does not have."""
        return self._rules_by_id[rule_id]

    def position(self, rule_id: str) -> int:
        """The rule's place in table order, used to order rules within a level."""
        return self._position[rule_id]

    def level_text(self, level: str) -> LevelText:
        """The title, meaning and safety-net text of a level."""
        for text in self.levels:
            if text.name == level:
                return text
        raise KeyError(level)

    def rank(self, level: str) -> int:
        """0 for the most urgent level; lower is more urgent."""
        return LEVELS.index(cast(Level, level))


def load_rules(path: Path | None = None) -> RuleSet:
    """Read and validate a rule file; the shipped file is read once and cached.

    Raises TriageRulesError with one sentence naming the file, the rule and the problem.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> RuleSet:
    return _load(DEFAULT_RULES_PATH)


def _load(path: Path) -> RuleSet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TriageRulesError(path, f"it cannot be read ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TriageRulesError(path, "it is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TriageRulesError(path, f"it is not valid TOML ({exc})") from exc
    return _Reader(path).rule_set(data)


class _Reader:
    """Turns the parsed TOML into a RuleSet, failing on the first thing out of place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.member_text: list[tuple[str, str | None, str]] = []

    def fail(self, problem: str, rule_id: str | None = None) -> TriageRulesError:
        return TriageRulesError(self.path, problem, rule_id)

    # -- generic checks ---------------------------------------------------------------

    def table(
        self,
        value: object,
        where: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        rule_id: str | None = None,
    ) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{_p(where)}must be a table", rule_id)
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                raise self.fail(f"{_p(where)}has the unknown key '{key}'", rule_id)
        for key in required:
            if key not in value:
                raise self.fail(f"{_p(where)}is missing '{key}'", rule_id)
        return value

    def array_of_tables(self, value: object, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where} must be a non-empty array of tables")
        return value

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        *,
        rule_id: str | None = None,
        placeholders: Iterable[str] = (),
        required_placeholders: Iterable[str] = (),
        allow_empty: bool = False,
        member_facing: bool = True,
    ) -> str:
        value = table.get(key)
        if not isinstance(value, str):
            raise self.fail(f"{_p(where)}'{key}' must be a string", rule_id)
        if not value.strip() and not allow_empty:
            raise self.fail(f"{_p(where)}has an empty '{key}'", rule_id)
        if len(value) > _MAX_TEXT:
            raise self.fail(
                f"{_p(where)}'{key}' is {len(value)} characters long; keep it to {_MAX_TEXT} "
                "or fewer so it fits a Discord embed",
                rule_id,
            )
        self.template(value, f"{_p(where)}'{key}'", rule_id, set(placeholders), set(required_placeholders))
        if member_facing:
            self.member_text.append((f"{_p(where)}'{key}'", rule_id, value))
        return value

    def template(
        self, value: str, where: str, rule_id: str | None, allowed: set[str], required: set[str]
    ) -> None:
        """Placeholders are filled with str.format, so anything but a known bare name would
        either crash at the worst moment (an outcome) or leak text the author never meant."""
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise self.fail(
                f"{where} has a stray brace ({exc}); write {{{{ or }}}} for a literal one", rule_id
            ) from exc
        found: set[str] = set()
        for _, field, spec, conversion in parsed:
            if field is None:
                continue
            if field not in allowed:
                known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
                raise self.fail(
                    f"{where} uses the unknown placeholder {{{field}}} (allowed here: {known})", rule_id
                )
            if spec or conversion:
                raise self.fail(f"{where} formats the placeholder {{{field}}}; write it plain", rule_id)
            found.add(field)
        for name in sorted(required - found):
            raise self.fail(f"{where} must contain the placeholder {{{name}}}", rule_id)

    def label(self, table: Mapping[str, Any], where: str, rule_id: str | None = None) -> str:
        value = self.text(table, "label", where, rule_id=rule_id)
        if len(value) >= _MAX_LABEL:
            raise self.fail(
                f"{_p(where)}has a label of {len(value)} characters; keep it under {_MAX_LABEL}", rule_id
            )
        return value

    def hours(self, value: object, where: str, *, allow_zero: bool) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(f"{where} must be a number of hours")
        if value < 0 or (value == 0 and not allow_zero):
            raise self.fail(f"{where} must be {'zero or more' if allow_zero else 'more than zero'} hours")
        return value

    def unique_id(self, table: Mapping[str, Any], where: str, seen: set[str]) -> str:
        value = table.get("id")
        if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9_]+", value):
            raise self.fail(f"{where} needs an 'id' of lower-case letters, digits and underscores")
        if value in seen:
            raise self.fail(f"{where} repeats the id '{value}'")
        seen.add(value)
        return value

    # -- sections ---------------------------------------------------------------------

    def rule_set(self, data: Mapping[str, Any]) -> RuleSet:
        top = self.table(
            data,
            "the top level",
            ("version", "status", "levels", "text", "flow", "context", "rules"),
            ("signed_off_by", "signed_off_on"),
        )
        version = top["version"]
        if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
            raise self.fail("'version' must be a string such as \"1.0\"")
        status = top["status"]
        if status not in _STATUSES:
            raise self.fail(f"'status' must be one of {', '.join(repr(s) for s in _STATUSES)}")
        signed_off_by, signed_off_on = self.sign_off(top, status)
        levels = self.levels(top["levels"])
        rules = self.rules(top["rules"])
        text = self.texts(top["text"])
        context = self.context(top["context"], rules)
        flow = self.flow(top["flow"], rules, context)
        self.no_false_reassurance()
        return RuleSet(
            version=version,
            status=status,
            signed_off_by=signed_off_by,
            signed_off_on=signed_off_on,
            levels=levels,
            rules=rules,
            text=text,
            flow=flow,
            context=context,
        )

    def sign_off(self, top: Mapping[str, Any], status: str) -> tuple[str | None, str | None]:
        by = top.get("signed_off_by")
        on = top.get("signed_off_on")
        if status != "signed-off":
            return (by if isinstance(by, str) else None, None)
        if not isinstance(by, str) or not by.strip():
            raise self.fail("status 'signed-off' needs 'signed_off_by' naming the clinician")
        if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
            return by, on.isoformat()
        if isinstance(on, str):
            try:
                return by, dt.date.fromisoformat(on).isoformat()
            except ValueError:
                pass
        raise self.fail("status 'signed-off' needs 'signed_off_on' as a date such as 2025-01-31")

    def levels(self, value: object) -> tuple[LevelText, ...]:
        items = self.array_of_tables(value, "[[levels]]")
        names = [item.get("name") if isinstance(item, dict) else None for item in items]
        if names != list(LEVELS):
            raise self.fail(f"[[levels]] must list {', '.join(LEVELS)} in that order (most urgent first)")
        out = []
        for item in items:
            name = item["name"]
            where = f"level '{name}'"
            self.table(item, where, ("name", "title", "meaning", "recheck", "if_worse"))
            emergency = name == "emergency"
            out.append(
                LevelText(
                    name=name,
                    title=self.text(item, "title", where),
                    meaning=self.text(
                        item,
                        "meaning",
                        where,
                        placeholders=[_EMERGENCY_NUMBER],
                        required_placeholders=[_EMERGENCY_NUMBER] if emergency else [],
                    ),
                    # An emergency has nothing to wait for: only "act now" applies to it.
                    recheck=self.text(
                        item, "recheck", where, placeholders=[_EMERGENCY_NUMBER], allow_empty=emergency
                    ),
                    if_worse=self.text(item, "if_worse", where, placeholders=[_EMERGENCY_NUMBER]),
                )
            )
        return tuple(out)

    def rules(self, value: object) -> tuple[Rule, ...]:
        items = self.array_of_tables(value, "[[rules]]")
        seen: list[str] = []
        out: list[Rule] = []
        for index, item in enumerate(items):
            rule_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(rule_id, str):
                raise self.fail(f"[[rules]] entry {index + 1} has no string 'id'")
            if rule_id not in RULE_IDS:
                raise self.fail(f"is not a rule of the rule set (ids are {_IDS_TEXT})", rule_id)
            if rule_id in seen:
                raise self.fail("appears more than once", rule_id)
            seen.append(rule_id)
            out.append(self.rule(item, rule_id))
        for rule_id in RULE_IDS:
            if rule_id not in seen:
                raise self.fail("is missing", rule_id)
        for expected, actual in zip(RULE_IDS, seen, strict=True):
            if expected != actual:
                raise self.fail(f"is out of table order (expected {expected} in its place)", actual)
        return tuple(out)

    def rule(self, item: Mapping[str, Any], rule_id: str) -> Rule:
        where = ""
        self.table(
            item,
            where,
            ("id", "level", "label", "brief", "question", "trigger", "advice", "sources"),
            ("recheck",),
            rule_id,
        )
        expected = _LEVEL_OF_LETTER[rule_id[0]]
        if item["level"] != expected:
            raise self.fail(
                f"has level {item['level']!r}, but {rule_id[0]} rules must be '{expected}'", rule_id
            )
        sources = item["sources"]
        if not isinstance(sources, list) or not sources:
            raise self.fail("needs at least one source in 'sources'", rule_id)
        if not all(isinstance(s, str) and s.strip() for s in sources):
            raise self.fail("has an empty or non-text entry in 'sources'", rule_id)
        recheck = None
        if "recheck" in item:
            recheck = self.text(item, "recheck", where, rule_id=rule_id, placeholders=[_EMERGENCY_NUMBER])
        question = self.text(item, "question", where, rule_id=rule_id)
        brief = self.text(item, "brief", where, rule_id=rule_id)
        if len(brief) > _MAX_BRIEF:
            raise self.fail(
                f"has a brief of {len(brief)} characters; keep it to {_MAX_BRIEF} or fewer", rule_id
            )
        if not question.startswith(brief.removesuffix(_ELLIPSIS)):
            raise self.fail(
                "has a brief that is not the start of its question (copy the question's first "
                "clause, ending in … where it is cut)",
                rule_id,
            )
        return Rule(
            id=rule_id,
            level=expected,
            label=self.label(item, where, rule_id),
            brief=brief,
            question=question,
            trigger=self.text(item, "trigger", where, rule_id=rule_id, member_facing=False),
            advice=self.text(item, "advice", where, rule_id=rule_id, placeholders=[_EMERGENCY_NUMBER]),
            sources=tuple(sources),
            recheck=recheck,
        )

    def texts(self, value: object) -> Texts:
        keys = (
            "default_emergency_number",
            "intro_first_line",
            "scope_note",
            "par_q_url",
            "disclaimer",
            "emergency_unsure",
            "nothing_fired",
            "idle_timeout",
            "outcome",
        )
        text = self.table(value, "[text]", keys)
        where = "[text]"
        par_q_url = self.text(text, "par_q_url", where)
        if not par_q_url.startswith("https://"):
            raise self.fail("[text] 'par_q_url' must be an https:// link")
        number = [_EMERGENCY_NUMBER]
        outcome = self.table(
            text["outcome"],
            "[text.outcome]",
            (
                "led_here",
                "context",
                "recheck",
                "if_worse",
                "care",
                "emergency_number_line",
                "unsure_mark",
                "rule_set",
            ),
        )
        ow = "[text.outcome]"
        return Texts(
            default_emergency_number=self.text(text, "default_emergency_number", where),
            intro_first_line=self.text(
                text, "intro_first_line", where, placeholders=number, required_placeholders=number
            ),
            scope_note=self.text(text, "scope_note", where),
            par_q_url=par_q_url,
            disclaimer=self.text(text, "disclaimer", where),
            emergency_unsure=self.text(
                text,
                "emergency_unsure",
                where,
                placeholders=["label", _EMERGENCY_NUMBER],
                required_placeholders=["label", _EMERGENCY_NUMBER],
            ),
            nothing_fired=self.text(text, "nothing_fired", where, placeholders=number),
            idle_timeout=self.text(text, "idle_timeout", where),
            outcome=OutcomeText(
                led_here=self.text(outcome, "led_here", ow),
                context=self.text(outcome, "context", ow),
                recheck=self.text(outcome, "recheck", ow),
                if_worse=self.text(outcome, "if_worse", ow),
                care=self.text(outcome, "care", ow),
                emergency_number_line=self.text(
                    outcome, "emergency_number_line", ow, placeholders=number, required_placeholders=number
                ),
                unsure_mark=self.text(outcome, "unsure_mark", ow),
                rule_set=self.text(
                    outcome, "rule_set", ow, placeholders=["version"], required_placeholders=["version"]
                ),
            ),
        )

    def flow(self, value: object, rules: tuple[Rule, ...], context: Context) -> Flow:
        flow = self.table(
            value,
            "[flow]",
            (
                "step_counter",
                "applies",
                "not_sure",
                "continue",
                "none_of_these",
                "full_questions",
                "short_list",
                "entry_button",
                "steps",
            ),
        )
        where = "[flow]"
        steps: list[Step] = []
        asked: dict[str, str] = {}
        for n, item in enumerate(self.array_of_tables(flow["steps"], "[[flow.steps]]"), start=1):
            sw = f"flow step {n}"
            self.table(item, sw, ("name", "rules"))
            ids = item["rules"]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise self.fail(f"{sw} 'rules' must be a list of rule ids")
            for rule_id in ids:
                if rule_id not in RULE_IDS:
                    raise self.fail(f"{sw} asks the unknown rule '{rule_id}'")
                if rule_id in asked:
                    raise self.fail(f"is asked in both {asked[rule_id]} and {sw}", rule_id)
                if rule_id == context.lasting_rule:
                    raise self.fail(f"comes from the context step, so {sw} must not ask it", rule_id)
                asked[rule_id] = sw
            steps.append(Step(name=self.text(item, "name", sw), rule_ids=tuple(ids)))
        for rule in rules:
            if rule.id not in asked and rule.id != context.lasting_rule:
                raise self.fail("is never asked by any flow step", rule.id)
        emergency_ids = tuple(rule.id for rule in rules if rule.level == "emergency")
        if steps[0].rule_ids != emergency_ids:
            raise self.fail("flow step 1 must ask all the emergency questions, E1 to E12 in order, first")
        return Flow(
            step_counter=self.text(
                flow, "step_counter", where, placeholders=["n", "total"], required_placeholders=["n", "total"]
            ),
            applies=self.text(flow, "applies", where),
            not_sure=self.text(flow, "not_sure", where),
            continue_label=self.text(flow, "continue", where),
            none_of_these=self.text(flow, "none_of_these", where),
            full_questions=self.text(flow, "full_questions", where),
            short_list=self.text(flow, "short_list", where),
            entry_button=self.text(flow, "entry_button", where),
            steps=tuple(steps),
        )

    def context(self, value: object, rules: tuple[Rule, ...]) -> Context:
        ctx = self.table(
            value,
            "[context]",
            (
                "lasting_rule",
                "soreness_rule",
                "not_improving_from_hours",
                "lasting_after_hours",
                "soreness_window_hours",
                "time_question",
                "improving_question",
                "where_question",
                "kind_question",
                "time",
                "improving",
                "where",
                "kind",
            ),
        )
        where = "[context]"
        by_id = {rule.id: rule for rule in rules}
        lasting = ctx["lasting_rule"]
        if lasting not in by_id or by_id[lasting].level != "clinician":
            raise self.fail("[context] 'lasting_rule' must be a see-a-clinician rule id such as \"S6\"")
        soreness = ctx["soreness_rule"]
        if soreness not in by_id or by_id[soreness].level != "continue":
            raise self.fail("[context] 'soreness_rule' must be a keep-going rule id such as \"O1\"")
        not_improving = self.hours(
            ctx["not_improving_from_hours"], "[context] 'not_improving_from_hours'", allow_zero=False
        )
        lasting_after = self.hours(
            ctx["lasting_after_hours"], "[context] 'lasting_after_hours'", allow_zero=False
        )
        window = self.hours(
            ctx["soreness_window_hours"], "[context] 'soreness_window_hours'", allow_zero=False
        )
        if not_improving > lasting_after:
            raise self.fail("[context] 'not_improving_from_hours' must not exceed 'lasting_after_hours'")
        continue_ids = {rule.id for rule in rules if rule.level == "continue"}
        clinician_ids = {rule.id for rule in rules if rule.level == "clinician"} - {lasting}
        return Context(
            lasting_rule=lasting,
            soreness_rule=soreness,
            not_improving_from_hours=not_improving,
            lasting_after_hours=lasting_after,
            soreness_window_hours=window,
            time_question=self.text(ctx, "time_question", where),
            improving_question=self.text(ctx, "improving_question", where),
            where_question=self.text(ctx, "where_question", where),
            kind_question=self.text(ctx, "kind_question", where),
            time=self.time_choices(ctx["time"]),
            improving=self.improving_choices(ctx["improving"]),
            where=self.pain_choices(ctx["where"], "context.where", continue_ids, clinician_ids),
            kind=self.pain_choices(ctx["kind"], "context.kind", continue_ids, clinician_ids),
        )

    def time_choices(self, value: object) -> tuple[TimeChoice, ...]:
        seen: set[str] = set()
        out = []
        for n, item in enumerate(self.array_of_tables(value, "[[context.time]]"), start=1):
            where = f"[[context.time]] entry {n}"
            self.table(item, where, ("id", "label"), ("hours",))
            hours = (
                self.hours(item["hours"], f"{where} 'hours'", allow_zero=True) if "hours" in item else None
            )
            out.append(
                TimeChoice(id=self.unique_id(item, where, seen), label=self.label(item, where), hours=hours)
            )
        if all(choice.hours is not None for choice in out):
            raise self.fail("[[context.time]] needs a not-sure choice (one without 'hours')")
        return tuple(out)

    def improving_choices(self, value: object) -> tuple[ImprovingChoice, ...]:
        seen: set[str] = set()
        out = []
        for n, item in enumerate(self.array_of_tables(value, "[[context.improving]]"), start=1):
            where = f"[[context.improving]] entry {n}"
            self.table(item, where, ("id", "label"), ("improving",))
            improving = item.get("improving")
            if "improving" in item and not isinstance(improving, bool):
                raise self.fail(f"{where} 'improving' must be true or false (leave it out for not sure)")
            out.append(
                ImprovingChoice(
                    id=self.unique_id(item, where, seen), label=self.label(item, where), improving=improving
                )
            )
        if {choice.improving for choice in out} != {True, False, None}:
            raise self.fail("[[context.improving]] needs a better, a same-or-worse and a not-sure choice")
        return tuple(out)

    def pain_choices(
        self, value: object, name: str, continue_ids: set[str], clinician_ids: set[str]
    ) -> tuple[PainChoice, ...]:
        seen: set[str] = set()
        out = []
        for n, item in enumerate(self.array_of_tables(value, f"[[{name}]]"), start=1):
            where = f"[[{name}]] entry {n}"
            self.table(item, where, ("id", "label"), ("rules_out", "offers", "sets"))
            keep_going = ", ".join(sorted(continue_ids))
            rules_out = item.get("rules_out", [])
            if not isinstance(rules_out, list) or not all(r in continue_ids for r in rules_out):
                raise self.fail(
                    f"{where} may only rule out keep-going questions ({keep_going}); "
                    "emergency, clinician and rest questions are never skipped"
                )
            offers = item.get("offers", [])
            if not isinstance(offers, list) or not all(r in continue_ids for r in offers):
                raise self.fail(f"{where} may only offer keep-going questions ({keep_going})")
            sets = item.get("sets", [])
            if not isinstance(sets, list) or not all(r in clinician_ids for r in sets):
                raise self.fail(
                    f"{where} may only set see-a-clinician questions asked in the flow, such as S4: "
                    "context raises a level, never lowers one"
                )
            out.append(
                PainChoice(
                    id=self.unique_id(item, where, seen),
                    label=self.label(item, where),
                    rules_out=frozenset(rules_out),
                    sets=frozenset(sets),
                    offers=frozenset(offers),
                )
            )
        return tuple(out)

    def no_false_reassurance(self) -> None:
        for where, rule_id, value in self.member_text:
            folded = value.replace("\u2019", "'").casefold()
            for phrase in _FORBIDDEN_PHRASES:
                if phrase in folded:
                    raise self.fail(f"{where} says {phrase!r}, which reassures falsely", rule_id)
