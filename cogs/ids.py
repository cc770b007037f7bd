"""Every custom id the bot puts on a component, built and read back from one template each.

A button in a member's DMs can be pressed months after it was sent, by a bot that has
restarted since, so an id's text is part of the bot's public surface: these strings
must never change. Each id is one :class:`CustomId`; its builder and the regex its
:class:`discord.ui.DynamicItem` matches with both come from that one template, so an
id can't be built one way and read another.

Ids that carry a record (``repmate:routine:log:<id>``) are dispatched by dynamic items;
ids of short-lived views (paging, the triage check's screens) are the views' own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter

#: A database id or a Discord snowflake.
NUMBER = "[0-9]{1,20}"


class CustomId:
    """A custom id template (``repmate:rem:{action}:{id}``) and the values each field takes.

    ``fields`` maps each ``{field}`` of the template to the regex of its values; an
    optional ``tail`` (``:{level}``) is a last part that some ids carry and others don't.
    """

    def __init__(self, template: str, *, tail: str = "", **fields: str) -> None:
        named = {name for part in (template, tail) for _, name, _, _ in Formatter().parse(part) if name}
        if named != set(fields):
            raise ValueError(f"{template}{tail}: fields {sorted(named)} need a pattern each")
        self.template = template
        self.tail = tail
        self.fields = fields

    def build(self, **values: object) -> str:
        """The id for these values; a tail whose values are all None is left out."""
        text = self.template.format(**values)
        tail_values = [values[name] for _, name, _, _ in Formatter().parse(self.tail) if name]
        if self.tail and any(v is not None for v in tail_values):
            text += self.tail.format(**values)
        return text

    def pattern(self, *, fixed: Mapping[str, str] | None = None, **narrowed: str) -> str:
        """The regex a dynamic item is registered with, when one template's ids go to different
        items: ``narrowed`` limits a field to some values (``action="save|like"``), ``fixed``
        writes one value as plain text (``{"action": "log"}``), so the match has no such group."""
        fields = {**self.fields, **narrowed}
        literal = dict(fixed or {})
        text = _regex(self.template, fields, literal)
        if self.tail:
            text += f"(?:{_regex(self.tail, fields, literal)})?"
        return text

    @property
    def prefix(self) -> str:
        """The literal text before the first field: what every id of this kind starts with."""
        return next(iter(Formatter().parse(self.template)))[0]


def _regex(template: str, fields: Mapping[str, str], fixed: Mapping[str, str]) -> str:
    parts = []
    for literal, name, _, _ in Formatter().parse(template):
        parts.append(re.escape(literal))
        if not name:
            continue
        parts.append(re.escape(fixed[name]) if name in fixed else f"(?P<{name}>{fields[name]})")
    return "".join(parts)


# -- routines and the workout log --------------------------------------------------------------------

#: A shared routine's buttons; ``log`` is also on plan reminders and ``/plan show``.
ROUTINE = CustomId("repmate:routine:{action}:{id}", action="save|like|log", id=NUMBER)
ROUTINE_POST_PATTERN = ROUTINE.pattern(action="save|like")
ROUTINE_LOG_PATTERN = ROUTINE.pattern(fixed={"action": "log"})


def routine_save(routine_id: int) -> str:
    return ROUTINE.build(action="save", id=routine_id)


def routine_like(routine_id: int) -> str:
    return ROUTINE.build(action="like", id=routine_id)


def routine_log(routine_id: int) -> str:
    return ROUTINE.build(action="log", id=routine_id)


#: ``Import`` / ``Cancel`` under a ``/log import`` preview: the member and the preview's token.
LOG_IMPORT = CustomId(
    "repmate:import:{action}:{user}:{token}", action="import|cancel", user=NUMBER, token="[0-9a-f]{16}"
)
LOG_IMPORT_PATTERN = LOG_IMPORT.pattern()


def log_import(action: str, user_id: int, token: str) -> str:
    return LOG_IMPORT.build(action=action, user=user_id, token=token)


# -- check-ins, soreness, reminders ----------------------------------------------------------------

#: A check-in DM's buttons: ``rate`` carries the level (``repmate:ci:rate:<delivery>:<level>``).
CHECKIN = CustomId(
    "repmate:ci:{action}:{id}",
    tail=":{level}",
    action="rate|wrong|snooze|stop",
    id=NUMBER,
    level="[0-9]{1,2}",
)
CHECKIN_PATTERN = CHECKIN.pattern()


def checkin(action: str, delivery_id: int, level: int | None = None) -> str:
    return CHECKIN.build(action=action, id=delivery_id, level=level)


#: ``Run "Should I stop?"`` under a ``/soreness rate`` reply; carries the rating's id.
SORENESS_CHECK = CustomId("repmate:soreness:check:{id}", id=NUMBER)
SORENESS_CHECK_PATTERN = SORENESS_CHECK.pattern()


def soreness_check(rating_id: int) -> str:
    return SORENESS_CHECK.build(id=rating_id)


#: A reminder DM's ``Snooze 1h`` and ``Done``.
REMINDER = CustomId("repmate:rem:{action}:{id}", action="snooze|done", id=NUMBER)
REMINDER_PATTERN = REMINDER.pattern()


def reminder(action: str, delivery_id: int) -> str:
    return REMINDER.build(action=action, id=delivery_id)


# -- challenges and interval timers ----------------------------------------------------------------

#: ``Join`` on a challenge announcement.
CHALLENGE_JOIN = CustomId("repmate:challenge:join:{id}", id=NUMBER)
CHALLENGE_JOIN_PATTERN = CHALLENGE_JOIN.pattern()


def challenge_join(challenge_id: int) -> str:
    return CHALLENGE_JOIN.build(id=challenge_id)


#: ``Log result`` on a finished timer (handled by ``cogs.challenges``); carries the timer's id.
LOG_FROM_TIMER = CustomId("repmate:challenge:log-timer:{id}", id=NUMBER)
LOG_FROM_TIMER_PATTERN = LOG_FROM_TIMER.pattern()


def log_from_timer(timer_id: int) -> str:
    return LOG_FROM_TIMER.build(id=timer_id)


#: A timer's ``Pause``, ``Resume`` and ``Stop``.
TIMER = CustomId("repmate:timer:{action}:{id}", action="pause|resume|stop", id=NUMBER)
TIMER_PATTERN = TIMER.pattern()


def timer(action: str, timer_id: int) -> str:
    return TIMER.build(action=action, id=timer_id)


#: GZCLP's "Missed a T1 set" on ``/program today``: the tier and the program position it is for.
PROGRAM_MISSED = CustomId("repmate:program:missed:{tier}:{position}", tier="t1|t2", position="[0-9]{1,6}")
PROGRAM_MISSED_PATTERN = PROGRAM_MISSED.pattern()


def program_missed(tier: str, position: int) -> str:
    return PROGRAM_MISSED.build(tier=tier, position=position)


# -- settings and privacy ----------------------------------------------------------------------------

#: One answer to "which time zone did you mean?": only the member who asked may press it.
ZONE = CustomId("repmate:tz:{user}:{zone}", user=NUMBER, zone=r"[A-Za-z0-9_+\-/]{1,70}")
ZONE_PATTERN = ZONE.pattern()


def zone(user_id: int, zone_key: str) -> str:
    return ZONE.build(user=user_id, zone=zone_key)


#: ``/privacy delete``'s confirmation: the member and when the question expires (Unix seconds).
PRIVACY = CustomId(
    "repmate:privacy:{action}:{user}:{expires}", action="delete|cancel", user=NUMBER, expires="[0-9]{1,12}"
)
PRIVACY_PATTERN = PRIVACY.pattern()


def privacy(action: str, user_id: int, expires: int) -> str:
    return PRIVACY.build(action=action, user=user_id, expires=expires)


# -- the "Should I stop?" check ----------------------------------------------------------------------

#: Every component of a check's screens: an opaque, fresh id that says nothing of the answers.
TRIAGE = CustomId("repmate:triage:{owner}:{flow}:{nonce}", owner=NUMBER, flow="[0-9a-f]+", nonce="[0-9a-f]+")
TRIAGE_PREFIX = TRIAGE.prefix
#: Any id of a check, well-formed or not, so a press on an old screen always gets an answer.
TRIAGE_ANY_PATTERN = re.escape(TRIAGE_PREFIX) + "(?P<rest>.*)"


def triage(owner_id: int, flow: str, nonce: str) -> str:
    return TRIAGE.build(owner=owner_id, flow=flow, nonce=nonce)


# -- group sessions --------------------------------------------------------------------------------

#: An announcement's ``I'm in`` and ``Can't make it``; carries the session's id.
SESSION_RSVP = CustomId("repmate:session:{action}:{id}", action="in|out", id=NUMBER)
SESSION_RSVP_PATTERN = SESSION_RSVP.pattern()


def session_rsvp(action: str, session_id: int) -> str:
    return SESSION_RSVP.build(action=action, id=session_id)


#: ``I was there`` on a recap: the session and which of its occurrences (a weekly one has many).
SESSION_THERE = CustomId("repmate:session:there:{id}:{seq}", id=NUMBER, seq="[0-9]{1,9}")
SESSION_THERE_PATTERN = SESSION_THERE.pattern()


def session_there(session_id: int, seq: int) -> str:
    return SESSION_THERE.build(id=session_id, seq=seq)
