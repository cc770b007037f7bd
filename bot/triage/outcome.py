"""What the member is told: the outcome embed's content and the intro text.

Kept apart from the engine so that the decision can be tested on its own, and kept free
of discord so that the exact words can be tested without a client. Every word comes from
the rule set; this module only orders, fills in and sizes it.

The order follows TRIAGE.md §6: for an emergency the action is the very first line, then
what to do now (most urgent first), which answers led here, when to re-check and what to
do if it gets worse, where to get help, and last the not-a-diagnosis line.

An emergency outcome gives one action: the leading rule's own advice comes first, other
emergency advice follows without repeating a sentence already said, and nothing of a lower
level (a nurse line, a re-check, an "if it gets worse") mixes in; the emergency number
comes before any clinician text. A keep-going outcome leads with its rule's advice rather
than restating the level's summary. Text a server
admin or member supplies can be long, so everything is trimmed to fit Discord's embed
limits, and the part that can never be trimmed away is the emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.triage.engine import Assessment
from bot.triage.ruleset import Level, OutcomeText, RuleSet

__all__ = [
    "DESCRIPTION_LIMIT",
    "FIELD_NAME_LIMIT",
    "FIELD_VALUE_LIMIT",
    "FOOTER_LIMIT",
    "MAX_ADVICE_IN_FULL",
    "TITLE_LIMIT",
    "TOTAL_LIMIT",
    "Outcome",
    "build_outcome",
    "intro_text",
]

# Discord's embed limits.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000

MAX_ADVICE_IN_FULL = 3
"""More than three blocks of advice stop being read; the rest still show in "what led here"."""

_MAX_NUMBER = 100
"""The emergency number is a server setting; a runaway value must not crowd out the advice."""

_ELLIPSIS = "…"
_CONTINUED = "(continued)"
LED_HERE_FIELDS = 2
"""Every answer that led here fits in up to two fields, so none is cut off (30 rules with "not sure")."""


@dataclass(frozen=True)
class Outcome:
    """The content of the outcome embed, already filled in and within Discord's limits.

    Render it as: ``title``; ``description`` (the first line, then what to do now);
    ``fields`` in order; ``footer`` (the not-a-diagnosis line).
    """

    level: Level
    title: str
    first_line: str
    what_to_do: tuple[str, ...]
    led_here: tuple[str, ...]
    context_echo: str | None
    recheck: str
    if_worse: str
    care: str
    disclaimer: str
    headings: OutcomeText
    rules_version: str = ""

    @property
    def description(self) -> str:
        """The first line (for an emergency, the action) and then the advice, most urgent first."""
        return "\n\n".join((self.first_line, *self.what_to_do))

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(name, value) pairs in embed order; empty ones are left out, as Discord rejects them."""
        led = _chunks(self.led_here, FIELD_VALUE_LIMIT)
        pairs = (
            *(
                (self.headings.led_here if i == 0 else f"{self.headings.led_here} {_CONTINUED}", c)
                for i, c in enumerate(led)
            ),
            (self.headings.context, self.context_echo or ""),
            (self.headings.recheck, self.recheck),
            (self.headings.if_worse, self.if_worse),
            (self.headings.care, self.care),
        )
        return tuple((name[:FIELD_NAME_LIMIT], value) for name, value in pairs if value)

    @property
    def footer(self) -> str:
        """The not-a-diagnosis line, said once, after everything else, and the rule set's version."""
        if not self.rules_version:
            return self.disclaimer
        return f"{self.disclaimer}\n{self.headings.rule_set.format(version=self.rules_version)}"

    @property
    def total_chars(self) -> int:
        """Characters Discord counts towards the 6000 limit of an embed."""
        return (
            len(self.title)
            + len(self.description)
            + sum(len(name) + len(value) for name, value in self.fields)
            + len(self.footer)
        )


def build_outcome(
    assessment: Assessment,
    rules: RuleSet,
    *,
    emergency_number: str | None,
    clinician_text: str | None,
    clinician_url: str | None,
    context_echo: str | None = None,
) -> Outcome:
    """Build the outcome for an assessment, in TRIAGE.md §6 order and within embed limits.

    ``emergency_number`` is the server setting (None or blank: the rule set's default
    wording); ``clinician_text`` and ``clinician_url`` are the server's care details;
    ``context_echo`` is the member's where/what-kind answers to repeat back.
    """
    number = _number(emergency_number, rules)
    fill = {"emergency_number": number}
    level_text = rules.level_text(assessment.level)

    emergency = assessment.level == "emergency"
    advice = _advice(assessment, rules, fill)
    if emergency or (assessment.level == "continue" and advice):
        # The rule's own advice is the action (emergency) or already says what the level means.
        first_line, advice = (f"**{advice[0]}**" if emergency else advice[0]), advice[1:]
    else:
        first_line = level_text.meaning.format(**fill)
    led_here = _led_here(assessment, rules)
    recheck = _recheck(assessment, rules, level_text.recheck).format(**fill)
    # An emergency has one instruction, to act now: no "if it gets worse" after it.
    if_worse = "" if emergency else level_text.if_worse.format(**fill)
    emergency_line = rules.text.outcome.emergency_number_line.format(**fill)
    clinician = _clean(clinician_text)
    url = _clean(clinician_url)
    echo = _clean(context_echo)

    def assemble(description_budget: int, led_budget: int, care_budget: int, echo_budget: int) -> Outcome:
        return Outcome(
            level=assessment.level,
            title=_clip(level_text.title, TITLE_LIMIT),
            first_line=first_line,
            what_to_do=_fit_paragraphs(advice, description_budget - len(first_line)),
            led_here=_fit_lines(led_here, led_budget),
            context_echo=_clip(echo, echo_budget) or None,
            recheck=_clip(recheck, FIELD_VALUE_LIMIT),
            if_worse=_clip(if_worse, FIELD_VALUE_LIMIT),
            care=_care(clinician, url, emergency_line, care_budget, number_first=emergency),
            disclaimer=_clip(rules.text.disclaimer, FOOTER_LIMIT - 50),
            headings=rules.text.outcome,
            rules_version=assessment.rules_version,
        )

    # Start from each part's own limit, then give up space where it matters least:
    # the member's own echo, then the server's clinician text, then the list of answers,
    # and only last the advice itself.
    # Less than two full fields, so whole lines always split into at most two (a line is under 100).
    budgets = [
        DESCRIPTION_LIMIT,
        LED_HERE_FIELDS * (FIELD_VALUE_LIMIT - 100),
        FIELD_VALUE_LIMIT,
        FIELD_VALUE_LIMIT,
    ]
    outcome = assemble(*budgets)
    for index in (3, 2, 1, 0):
        excess = outcome.total_chars - TOTAL_LIMIT
        if excess <= 0:
            break
        current = (
            len(outcome.description),
            len(_bullets(outcome.led_here)),
            len(outcome.care),
            len(outcome.context_echo or ""),
        )[index]
        budgets[index] = max(0, current - excess)
        outcome = assemble(*budgets)
    return outcome


def intro_text(rules: RuleSet, *, emergency_number: str | None) -> str:
    """The intro step: the danger line first, then the scope note and the disclaimer."""
    number = _number(emergency_number, rules)
    first = rules.text.intro_first_line.format(emergency_number=number)
    return _clip(f"**{first}**\n\n{rules.text.scope_note}\n\n{rules.text.disclaimer}", DESCRIPTION_LIMIT)


def _advice(assessment: Assessment, rules: RuleSet, fill: dict[str, str]) -> tuple[str, ...]:
    if not assessment.fired:
        return (rules.text.nothing_fired.format(**fill),)
    if assessment.level == "emergency":
        return _emergency_advice(assessment, rules, fill)
    out = []
    for rule_id, fired_level in assessment.fired[:MAX_ADVICE_IN_FULL]:
        rule = rules.rule(rule_id)
        if rule.level == "emergency" and fired_level != "emergency":
            # An emergency sign the member was unsure about: call-now wording, not the yes advice.
            out.append(rules.text.emergency_unsure.format(label=rule.label, **fill))
        else:
            out.append(rule.advice.format(**fill))
    return tuple(out)


def _emergency_advice(assessment: Assessment, rules: RuleSet, fill: dict[str, str]) -> tuple[str, ...]:
    """Only the emergency rules' advice, most urgent first, each sentence said once.

    Advice of a lower level (a nurse line for a sign the member was unsure about) would
    mix a second instruction into an emergency, so it shows only in "what led here".
    """
    said: set[str] = set()
    out: list[str] = []
    emergency_ids = [rule_id for rule_id, level in assessment.fired if level == "emergency"]
    for rule_id in emergency_ids[:MAX_ADVICE_IN_FULL]:
        sentences = [s for s in _sentences(rules.rule(rule_id).advice.format(**fill)) if s not in said]
        said.update(sentences)
        if sentences:
            out.append(" ".join(sentences))
    return tuple(out)


def _sentences(text: str) -> list[str]:
    """Split advice into sentences at ". " so a sentence two rules share is said once."""
    parts = text.replace(". ", ".\n").split("\n")
    return [part.strip() for part in parts if part.strip()]


def _led_here(assessment: Assessment, rules: RuleSet) -> tuple[str, ...]:
    mark = rules.text.outcome.unsure_mark
    return tuple(
        f"{rules.rule(rule_id).label} {mark}" if rule_id in assessment.unsure else rules.rule(rule_id).label
        for rule_id in assessment.rule_ids
    )


def _recheck(assessment: Assessment, rules: RuleSet, default: str) -> str:
    """A rule may shorten the re-check of its level (heat exhaustion: 30 minutes)."""
    for rule_id, fired_level in assessment.fired:
        rule = rules.rule(rule_id)
        if fired_level == assessment.level and rule.recheck:
            return rule.recheck
    return default


def _care(clinician: str, url: str, emergency_line: str, budget: int, *, number_first: bool) -> str:
    """Clinician text, link and emergency number; the number line always survives trimming.

    For an emergency the number comes first, before any clinician text.
    """
    budget = min(max(budget, len(emergency_line)), FIELD_VALUE_LIMIT)
    emergency_line = _clip(emergency_line, budget)
    room = budget - len(emergency_line)
    lines: list[str] = []
    if url and len(url) + 1 <= room:
        room -= len(url) + 1
        lines.append(url)
    if clinician and room > 1:
        text = _clip(clinician, room - 1)
        if text:
            lines.insert(0, text)
    if number_first:
        lines.insert(0, emergency_line)
    else:
        lines.append(emergency_line)
    return "\n".join(lines)


def _fit_paragraphs(paragraphs: tuple[str, ...], budget: int) -> tuple[str, ...]:
    """Keep whole paragraphs in order while they fit, then as much of the next as fits.

    ``budget`` is what is left of the description after the first line; each paragraph
    also costs the blank line that separates it.
    """
    out: list[str] = []
    for paragraph in paragraphs:
        room = budget - 2
        if room <= 1:
            break
        if len(paragraph) <= room:
            out.append(paragraph)
            budget = room - len(paragraph)
            continue
        out.append(_clip(paragraph, room))
        break
    return tuple(p for p in out if p)


def _fit_lines(lines: tuple[str, ...], budget: int) -> tuple[str, ...]:
    """Keep whole lines while the bulleted list fits, marking any cut with an ellipsis line."""
    if len(_bullets(lines)) <= budget:
        return lines
    out: list[str] = []
    for line in lines:
        if len(_bullets((*out, line, _ELLIPSIS))) > budget:
            break
        out.append(line)
    if len(_bullets((*out, _ELLIPSIS))) <= budget:
        out.append(_ELLIPSIS)
    return tuple(out)


def _chunks(lines: tuple[str, ...], limit: int) -> list[str]:
    """The bulleted lines as field values of at most ``limit`` characters, split between lines."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and len(_bullets((*current, line))) > limit:
            out.append(_bullets(tuple(current)))
            current = []
        current.append(line)
    if current:
        out.append(_bullets(tuple(current))[:limit])
    return out


def _bullets(lines: tuple[str, ...]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _number(emergency_number: str | None, rules: RuleSet) -> str:
    """The number as one short line: it is dropped into sentences, so line breaks would split them."""
    number = " ".join((emergency_number or "").split())
    return _clip(number or rules.text.default_emergency_number, _MAX_NUMBER)


def _clean(text: str | None) -> str:
    return text.strip() if text else ""


def _clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters, showing that something was cut."""
    if len(text) <= limit:
        return text
    if limit <= len(_ELLIPSIS):
        return ""
    return text[: limit - len(_ELLIPSIS)].rstrip() + _ELLIPSIS
