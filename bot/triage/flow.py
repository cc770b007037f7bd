"""The `/shouldistop` flow as a state machine (SPEC §7, TRIAGE.md §5).

The flow walks a member through the rule set's steps and holds their answers **in memory
only**: nothing here touches the database or the log, and the answers disappear with the
flow object (TRIAGE.md §6, privacy). It knows nothing of Discord, so every path, including
the stop-early rules and going back, is tested without a client.

Steps, as the rule set numbers them ("Step n of 4"):

1. the emergency checklist (E1–E12): in one step the member marks the items that apply
   and the items they are not sure about (an item in both counts as yes), then Continue;
   or "None of these". Any yes stops at Emergency, whatever else is marked; any "not sure"
   (with no yes) stops at See a clinician. Nothing asked later could change either, so
   nothing is asked.
2. the see-a-clinician checklist (S1–S5, S7–S13), the same way; anything marked stops at
   See a clinician.
3. context: time since the workout (skipped when the caller knows it), getting better,
   where it is and what kind of pain. Where and what kind are echoed in the outcome and
   used for safety, never to lower a level: a choice may answer a see-a-clinician rule yes
   (one spot on a bone: S4, which ends the flow there), rule out a keep-going question, or
   be needed for one to be asked. Emergency and see-a-clinician questions are never skipped.
4. the last checklist (R1–R3, O1, O2 less the skipped ones), the same way, then the outcome.

There is no silent default: each checklist needs marked items and Continue, or "None of
these", before the flow moves on; and "None of these" is refused while items are marked,
so a yes is never dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import TypeVar

from bot.triage.engine import UNSURE, Answer, Assessment, assess
from bot.triage.outcome import Outcome, build_outcome, intro_text
from bot.triage.ruleset import ImprovingChoice, PainChoice, Rule, RuleSet, TimeChoice

__all__ = ["Choice", "FlowError", "Stage", "TriageFlow"]

Choice = TimeChoice | ImprovingChoice | PainChoice
"""A context choice: each has an ``id`` and a ``label`` from the rule set."""


class Stage(Enum):
    """Where the member is in the flow; each stage is one screen (plus "not sure" marking)."""

    EMERGENCY = "emergency"
    CLINICIAN = "clinician"
    TIME = "time"
    IMPROVING = "improving"
    WHERE = "where"
    KIND = "kind"
    LAST = "last"
    OUTCOME = "outcome"


#: The rule set's step (1-based) each stage belongs to.
_STEP_OF: dict[Stage, int] = {
    Stage.EMERGENCY: 1,
    Stage.CLINICIAN: 2,
    Stage.TIME: 3,
    Stage.IMPROVING: 3,
    Stage.WHERE: 3,
    Stage.KIND: 3,
    Stage.LAST: 4,
}

_CHECKLISTS = (Stage.EMERGENCY, Stage.CLINICIAN, Stage.LAST)
_STOPS_EARLY = (Stage.EMERGENCY, Stage.CLINICIAN)


class FlowError(ValueError):
    """An action that does not fit the flow's current screen (a stale or forged press)."""


@dataclass(frozen=True)
class _State:
    """One moment of the flow; going back restores an earlier one exactly."""

    stage: Stage
    applies: tuple[str, ...] = ()
    """Items of the current checklist marked "these apply to me" (not yet answered)."""
    not_sure: tuple[str, ...] = ()
    """Items of the current checklist marked "not sure about these" (not yet answered)."""
    answers: Mapping[str, Answer] = field(default_factory=dict)
    time_choice: str | None = None
    hours: float | None = None
    improving_choice: str | None = None
    improving: bool | None = None
    where: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    context_given: bool = False


class TriageFlow:
    """One member's walk through `/shouldistop`, answers held in memory only.

    ``hours_hint`` is the time since the workout when the caller knows it (the soreness
    check-in does); the time question is then skipped and the hint is sent to the engine.
    """

    def __init__(self, rules: RuleSet, *, hours_hint: float | None = None) -> None:
        if hours_hint is not None and (
            isinstance(hours_hint, bool) or not math.isfinite(hours_hint) or hours_hint < 0
        ):
            raise ValueError(
                f"hours_hint must be a number of hours ≥ 0 or None, not {hours_hint!r}; for example 36."
            )
        self.rules = rules
        self.hours_hint = float(hours_hint) if hours_hint is not None else None
        self._steps = [step.rule_ids for step in rules.flow.steps]
        self._state = self._initial()
        self._history: list[_State] = []

    # -- reading the current screen ------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return self._state.stage

    @property
    def applies(self) -> tuple[str, ...]:
        """The current checklist's items marked as applying, in table order."""
        return self._state.applies

    @property
    def not_sure(self) -> tuple[str, ...]:
        """The current checklist's items marked not sure (and not also as applying)."""
        return tuple(rule_id for rule_id in self._state.not_sure if rule_id not in self._state.applies)

    @property
    def has_marks(self) -> bool:
        """Whether anything is marked on the current checklist (Continue then applies)."""
        return bool(self._state.applies or self._state.not_sure)

    @property
    def is_done(self) -> bool:
        return self._state.stage is Stage.OUTCOME

    @property
    def step(self) -> int:
        """The rule set's step number of the current screen (1 to 4)."""
        if self.is_done:
            raise FlowError("The outcome is not a numbered step.")
        return _STEP_OF[self._state.stage]

    @property
    def step_label(self) -> str:
        """The "Step n of 4" line."""
        return self.rules.flow.step_label(self.step)

    @property
    def step_name(self) -> str:
        return self.rules.flow.steps[self.step - 1].name

    @property
    def shows_intro(self) -> bool:
        """The intro (danger line, scope note, disclaimer) goes with the first step."""
        return self._state.stage is Stage.EMERGENCY

    def intro(self, *, emergency_number: str | None) -> str:
        return intro_text(self.rules, emergency_number=emergency_number)

    @property
    def questions(self) -> tuple[Rule, ...]:
        """The rules asked on the current checklist screen, in table order (empty elsewhere)."""
        stage = self._state.stage
        if stage not in _CHECKLISTS:
            return ()
        return tuple(self.rules.rule(rule_id) for rule_id in self._checklist_ids(stage, self._state))

    @property
    def context_question(self) -> str | None:
        ctx = self.rules.context
        return {
            Stage.TIME: ctx.time_question,
            Stage.IMPROVING: ctx.improving_question,
            Stage.WHERE: ctx.where_question,
            Stage.KIND: ctx.kind_question,
        }.get(self._state.stage)

    @property
    def context_choices(
        self,
    ) -> tuple[TimeChoice, ...] | tuple[ImprovingChoice, ...] | tuple[PainChoice, ...]:
        """The choices of the current context screen (empty elsewhere)."""
        ctx = self.rules.context
        choices: dict[
            Stage, tuple[TimeChoice, ...] | tuple[ImprovingChoice, ...] | tuple[PainChoice, ...]
        ] = {
            Stage.TIME: ctx.time,
            Stage.IMPROVING: ctx.improving,
            Stage.WHERE: ctx.where,
            Stage.KIND: ctx.kind,
        }
        return choices.get(self._state.stage, ())

    @property
    def can_go_back(self) -> bool:
        """Whether there is an earlier screen to return to (never from the outcome)."""
        return bool(self._history) and not self.is_done

    @property
    def has_started(self) -> bool:
        """Whether anything was answered or chosen since the start (or the last start over)."""
        return bool(self._history)

    @property
    def answers(self) -> Mapping[str, Answer]:
        """The rule answers so far (a read-only view; never stored anywhere else)."""
        return MappingProxyType(dict(self._state.answers))

    @property
    def hours(self) -> float | None:
        """The hours since the workout the engine will receive (hint or chosen; None if not known)."""
        return self._state.hours

    @property
    def improving(self) -> bool | None:
        return self._state.improving

    @property
    def ruled_out(self) -> frozenset[str]:
        """Keep-going questions skipped because of where/what kind (never E, S or R)."""
        return self.rules.context.ruled_out((*self._state.where, *self._state.kind))

    # -- checklists ------------------------------------------------------------------------

    def mark_applies(self, rule_ids: Iterable[str]) -> None:
        """The items of the current checklist that apply, as the menu now shows them (may be none).

        Marking is not answering: the member can change the marks until Continue.
        """
        stage = self._require_checklist()
        self._state = replace(self._state, applies=self._marked(rule_ids, stage))

    def mark_not_sure(self, rule_ids: Iterable[str]) -> None:
        """The items of the current checklist the member is not sure about (may be none)."""
        stage = self._require_checklist()
        self._state = replace(self._state, not_sure=self._marked(rule_ids, stage))

    def proceed(self) -> None:
        """Continue: the marked items are answered (yes beats not sure), every other item no.

        On the emergency and see-a-clinician checklists anything marked goes straight to
        the outcome; on the last checklist the outcome follows anyway.
        """
        stage = self._require_checklist()
        if not self.has_marks:
            raise FlowError("Mark at least one item, or press None of these.")
        marked: dict[str, Answer] = {rule_id: UNSURE for rule_id in self._state.not_sure}
        marked.update({rule_id: True for rule_id in self._state.applies})
        self._answer_checklist(stage, marked)

    def answer(self, *, yes: Iterable[str] = (), unsure: Iterable[str] = ()) -> None:
        """Mark these items and continue: one checklist step in a single call."""
        self.mark_applies(yes)
        self.mark_not_sure(unsure)
        self.proceed()

    def none_of_these(self) -> None:
        """None of the items on the current checklist apply, or none of the where/kind choices.

        Refused while items are marked: the member clears them first, so a yes given on this
        screen is never dropped by a press on the wrong button.
        """
        state = self._state
        if state.stage in (Stage.WHERE, Stage.KIND):
            self._choose_pain(state.stage, ())
            return
        stage = self._require_checklist()
        if self.has_marks:
            raise FlowError("Some items are marked: clear them first, or press Continue.")
        self._answer_checklist(stage, {})

    # -- context ---------------------------------------------------------------------------

    def choose_time(self, choice_id: str) -> None:
        self._require(Stage.TIME)
        choice = _find(self.rules.context.time, choice_id, "time since the workout")
        hours = float(choice.hours) if choice.hours is not None else None
        self._advance(replace(self._state, stage=Stage.IMPROVING, time_choice=choice.id, hours=hours))

    def choose_improving(self, choice_id: str) -> None:
        self._require(Stage.IMPROVING)
        choice = _find(self.rules.context.improving, choice_id, "getting better")
        self._advance(
            replace(self._state, stage=Stage.WHERE, improving_choice=choice.id, improving=choice.improving)
        )

    def choose_where(self, choice_ids: Iterable[str]) -> None:
        self._require(Stage.WHERE)
        self._choose_pain(Stage.WHERE, self._pain_ids(choice_ids, self.rules.context.where, "where"))

    def choose_kind(self, choice_ids: Iterable[str]) -> None:
        self._require(Stage.KIND)
        self._choose_pain(Stage.KIND, self._pain_ids(choice_ids, self.rules.context.kind, "what kind"))

    # -- moving around -----------------------------------------------------------------------

    def back(self) -> None:
        """Return to the previous screen, with the answers it had."""
        if not self.can_go_back:
            raise FlowError("There is no earlier step to go back to.")
        self._state = self._history.pop()

    def start_over(self) -> None:
        """Forget every answer and start again at step 1 (the time hint is kept)."""
        self._state = self._initial()
        self._history.clear()

    # -- the outcome -------------------------------------------------------------------------

    def assessment(self) -> Assessment:
        """The engine's decision for the answers given; only once the flow is done."""
        if not self.is_done:
            raise FlowError("The flow has not reached its outcome yet.")
        state = self._state
        return assess(state.answers, state.hours, state.improving, rules=self.rules)

    def outcome(
        self, *, emergency_number: str | None, clinician_text: str | None, clinician_url: str | None
    ) -> Outcome:
        """The outcome embed's content, with the context the member gave echoed back."""
        return build_outcome(
            self.assessment(),
            self.rules,
            emergency_number=emergency_number,
            clinician_text=clinician_text,
            clinician_url=clinician_url,
            context_echo=self.context_echo(),
        )

    def context_echo(self) -> str | None:
        """The member's context answers, repeated back in the rule set's own words."""
        state = self._state
        if not state.context_given:
            return None
        ctx = self.rules.context
        lines: list[str] = []
        if state.time_choice is not None:
            lines.append(_line(ctx.time_question, [_find(ctx.time, state.time_choice, "").label]))
        elif state.hours is not None:
            lines.append(_line(ctx.time_question, [f"{state.hours:.0f} h"]))
        if state.improving_choice is not None:
            lines.append(
                _line(ctx.improving_question, [_find(ctx.improving, state.improving_choice, "").label])
            )
        if state.where:
            lines.append(_line(ctx.where_question, [_find(ctx.where, c, "").label for c in state.where]))
        if state.kind:
            lines.append(_line(ctx.kind_question, [_find(ctx.kind, c, "").label for c in state.kind]))
        return "\n".join(lines) or None

    # -- internals ---------------------------------------------------------------------------

    def _initial(self) -> _State:
        return _State(stage=Stage.EMERGENCY, hours=self.hours_hint)

    def _advance(self, new: _State) -> None:
        self._history.append(self._state)
        self._state = new

    def _require(self, stage: Stage) -> None:
        if self._state.stage is not stage:
            raise FlowError(f"That answer belongs to another step (now at {self._state.stage.value}).")

    def _require_checklist(self) -> Stage:
        stage = self._state.stage
        if stage not in _CHECKLISTS:
            raise FlowError(f"That answer belongs to another step (now at {stage.value}).")
        return stage

    def _checklist_ids(self, stage: Stage, state: _State) -> tuple[str, ...]:
        ids = self._steps[_STEP_OF[stage] - 1]
        if stage is Stage.LAST:
            skipped = self.rules.context.ruled_out((*state.where, *state.kind))
            ids = tuple(rule_id for rule_id in ids if rule_id not in skipped)
        return ids

    def _marked(self, rule_ids: Iterable[str], stage: Stage) -> tuple[str, ...]:
        """The marked ids in table order; an id not asked on this step is refused."""
        asked = self._checklist_ids(stage, self._state)
        picked = set(rule_ids)
        for rule_id in picked:
            if rule_id not in asked:
                raise FlowError(f"{rule_id!r} is not a question on this step.")
        return tuple(rule_id for rule_id in asked if rule_id in picked)

    def _answer_checklist(self, stage: Stage, marked: Mapping[str, Answer]) -> None:
        """Record a whole checklist at once: the marked items as given, every other item no."""
        answers = dict(self._state.answers)
        for rule_id in self._checklist_ids(stage, self._state):
            answers[rule_id] = marked.get(rule_id, False)
        if stage is Stage.LAST or (marked and stage in _STOPS_EARLY):
            after = Stage.OUTCOME
        elif stage is Stage.EMERGENCY:
            after = Stage.CLINICIAN
        else:
            after = Stage.IMPROVING if self.hours_hint is not None else Stage.TIME
        # The context echo belongs to outcomes the member reached through the context step.
        context_given = self._state.context_given or after in (Stage.TIME, Stage.IMPROVING)
        self._advance(
            replace(
                self._state,
                stage=after,
                applies=(),
                not_sure=(),
                answers=answers,
                context_given=context_given,
            )
        )

    def _choose_pain(self, stage: Stage, ids: tuple[str, ...]) -> None:
        # Context is used for safety, never to lower a level: a choice that answers a
        # see-a-clinician rule yes settles the outcome, so nothing more is asked.
        raised = self.rules.context.sets(ids)
        answers = {**self._state.answers, **{rule_id: True for rule_id in raised}}
        if stage is Stage.WHERE:
            after = Stage.OUTCOME if raised else Stage.KIND
            self._advance(replace(self._state, stage=after, where=ids, answers=answers))
        else:
            after = Stage.OUTCOME if raised else Stage.LAST
            self._advance(replace(self._state, stage=after, kind=ids, answers=answers))

    @staticmethod
    def _pain_ids(choice_ids: Iterable[str], choices: tuple[PainChoice, ...], what: str) -> tuple[str, ...]:
        picked = tuple(dict.fromkeys(choice_ids))
        if not picked:
            raise FlowError("Pick at least one, or use None of these.")
        known = {choice.id for choice in choices}
        for choice_id in picked:
            if choice_id not in known:
                raise FlowError(f"{choice_id!r} is not a choice for {what}.")
        # Keep the rule set's order, so the echo reads the same whatever order was clicked.
        return tuple(choice.id for choice in choices if choice.id in picked)


_Choice = TypeVar("_Choice", TimeChoice, ImprovingChoice, PainChoice)


def _find(choices: tuple[_Choice, ...], choice_id: str, what: str) -> _Choice:
    for choice in choices:
        if choice.id == choice_id:
            return choice
    raise FlowError(f"{choice_id!r} is not a choice for {what}.")


def _line(question: str, labels: list[str]) -> str:
    answer = ", ".join(labels)
    return f"{question} {answer}" if question.endswith("?") else f"{question}: {answer}"
