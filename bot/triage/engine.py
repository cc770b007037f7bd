"""The "Should I stop?" decision: which rules fire and the outcome level.

This follows the evaluation semantics of TRIAGE.md §4 exactly. It is a pure function of
the answers so it can be tested exhaustively without Discord, and so the same answers
always give the same advice. The rules themselves (their order, levels and the context
thresholds) come from the validated rule set, never from lists repeated here.

Safety leans one way on purpose: an "unsure" answer fires a rule as if it were a yes (an
emergency question answered "unsure" still lands at "see a clinician"), while the
"keep going" level needs an explicit ordinary-soreness answer and nothing else firing.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.triage.ruleset import LEVELS, Context, Level, Rule, RuleSet, load_rules

__all__ = ["UNSURE", "Answer", "Assessment", "assess"]

UNSURE: Literal["unsure"] = "unsure"

Answer = bool | Literal["unsure"] | None
"""True (yes), False (no), "unsure", or None (not asked, which counts as no)."""

_NOTHING_FIRED: Level = "rest"
"""With no rule firing the answers fit neither a warning sign nor ordinary soreness, so the
member is told to ease off and check again rather than to keep going (TRIAGE.md §4.3)."""


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`: the outcome level and the rules that led to it.

    ``fired`` pairs each fired rule with the level it fired at, most urgent first and then
    in table order; an emergency question answered "unsure" fires at "clinician" and sorts
    there. ``unsure`` holds the fired rules that were answered "unsure", so the outcome can
    say which answers were uncertain.
    """

    level: Level
    fired: tuple[tuple[str, Level], ...] = ()
    unsure: frozenset[str] = frozenset()
    rules_version: str = ""

    @property
    def rule_ids(self) -> list[str]:
        """The fired rule ids, most urgent first (a fresh list each time)."""
        return [rule_id for rule_id, _ in self.fired]

    def fired_level(self, rule_id: str) -> Level | None:
        """The level a rule fired at, or None if it did not fire."""
        for fired_id, level in self.fired:
            if fired_id == rule_id:
                return level
        return None


def assess(
    answers: Mapping[str, Answer],
    hours_since_workout: float | None = None,
    improving: bool | None = None,
    *,
    rules: RuleSet | None = None,
) -> Assessment:
    """Decide the triage outcome for a member's answers (TRIAGE.md §4).

    ``answers`` maps rule ids (E1…E12, S1…S13, R1…R3, O1, O2) to True, False, "unsure" or
    None; ``hours_since_workout`` is a number of hours ≥ 0 or None; ``improving`` is True,
    False or None. Anything else raises ValueError, because a silently misread answer could
    turn a warning sign into "keep going". ``rules`` defaults to the shipped rule set.
    """
    ruleset = rules if rules is not None else load_rules()
    _check_answers(answers, ruleset)
    hours = _check_hours(hours_since_workout)
    _check_improving(improving)

    context = ruleset.context
    fired: list[tuple[int, int, str, Level]] = []
    unsure: set[str] = set()
    for position, rule in enumerate(ruleset.rules):
        value = answers.get(rule.id)
        level = _fires_at(rule, value, hours, improving, context)
        if level is None:
            continue
        fired.append((LEVELS.index(level), position, rule.id, level))
        if value == UNSURE and not _lasting_by_context(rule, hours, improving, context):
            unsure.add(rule.id)
    fired.sort()
    return Assessment(
        level=fired[0][3] if fired else _NOTHING_FIRED,
        fired=tuple((rule_id, level) for _, _, rule_id, level in fired),
        unsure=frozenset(unsure),
        rules_version=ruleset.version,
    )


def _fires_at(
    rule: Rule, value: Answer, hours: float | None, improving: bool | None, context: Context
) -> Level | None:
    """The level this rule fires at for this answer, or None (TRIAGE.md §4.2)."""
    answered = value is True or value == UNSURE
    if rule.level == "emergency":
        # Doubt about an emergency sign still needs a clinician now, never self-care.
        if value is True:
            return "emergency"
        return "clinician" if value == UNSURE else None
    if rule.level == "clinician":
        # An explicit "no" to the lasting question cannot cancel what the timing shows.
        return "clinician" if answered or _lasting_by_context(rule, hours, improving, context) else None
    if rule.level == "rest":
        return "rest" if answered else None
    # Keep-going rules never count on "unsure": reassurance needs a clear yes.
    if value is not True:
        return None
    if rule.id == context.soreness_rule and not _within_soreness_window(hours, improving, context):
        return None
    return "continue"


def _lasting_by_context(rule: Rule, hours: float | None, improving: bool | None, context: Context) -> bool:
    """Soreness not easing from day four (peak soreness at 72 h is ordinary), or still there
    after a week, needs a check.

    With ``improving`` unknown only the one-week limit applies: the member is still
    reporting the symptom, but there is no sign it is stuck.
    """
    if rule.id != context.lasting_rule or hours is None:
        return False
    return (
        hours >= context.not_improving_from_hours and improving is False
    ) or hours >= context.lasting_after_hours


def _within_soreness_window(hours: float | None, improving: bool | None, context: Context) -> bool:
    """Ordinary soreness builds for up to three days, so worsening inside that window still fits it.

    Unknown hours count too, because the soreness question itself asks about timing.
    """
    return hours is None or hours <= context.soreness_window_hours or improving is True


def _check_answers(answers: object, ruleset: RuleSet) -> None:
    if not isinstance(answers, Mapping):
        raise ValueError(
            f"answers must map rule ids to answers, not {type(answers).__name__}; for example {{'O1': True}}."
        )
    known = set(ruleset.rule_ids)
    for rule_id, value in answers.items():
        if not isinstance(rule_id, str) or rule_id not in known:
            raise ValueError(
                f"Unknown rule id {rule_id!r}: use E1…E12, S1…S13, R1…R3, O1 or O2, "
                "for example {'E1': True}."
            )
        # Identity checks on purpose: 1 and 0 compare equal to True and False but are not answers.
        if value is True or value is False or value is None or (isinstance(value, str) and value == UNSURE):
            continue
        raise ValueError(
            f"The answer {value!r} for {rule_id} is not allowed: use True, False, 'unsure' or None, "
            f"for example {{'{rule_id}': 'unsure'}}."
        )


def _check_hours(hours: object) -> float | None:
    if hours is None:
        return None
    if isinstance(hours, bool) or not isinstance(hours, numbers.Real) or not math.isfinite(hours):
        raise ValueError(
            f"hours_since_workout must be a number of hours or None (not known), not {hours!r}; "
            "for example 36."
        )
    if hours < 0:
        raise ValueError(f"hours_since_workout cannot be negative ({hours!r}); use 0 for during the workout.")
    return float(hours)


def _check_improving(improving: object) -> None:
    if improving is True or improving is False or improving is None:
        return
    raise ValueError(
        f"improving must be True (better), False (same or worse) or None (not known), not {improving!r}; "
        "for example improving=False."
    )
