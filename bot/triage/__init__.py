"""The "Should I stop?" triage: rules data, the decision engine, the outcome text and the flow.

Pure Python with no Discord dependency, so the clinical behaviour can be read, reviewed
and tested on its own (SPEC §7, TRIAGE.md). :class:`TriageFlow` walks a member through the
steps as a state machine (:mod:`bot.triage.flow`). Typical use of the engine::

    from bot.triage import assess, build_outcome, load_rules

    assessment = assess({"O1": True}, hours_since_workout=36, improving=None)
    outcome = build_outcome(
        assessment, load_rules(), emergency_number="999", clinician_text=None, clinician_url=None
    )
"""

from bot.triage.engine import UNSURE, Answer, Assessment, assess
from bot.triage.flow import Choice, FlowError, Stage, TriageFlow
from bot.triage.outcome import Outcome, build_outcome, intro_text
from bot.triage.ruleset import LEVELS, Level, Rule, RuleSet, TriageRulesError, load_rules

__all__ = [
    "LEVELS",
    "UNSURE",
    "Answer",
    "Assessment",
    "Choice",
    "FlowError",
    "Level",
    "Outcome",
    "Rule",
    "RuleSet",
    "Stage",
    "TriageFlow",
    "TriageRulesError",
    "assess",
    "build_outcome",
    "intro_text",
    "load_rules",
]
