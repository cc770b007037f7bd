"""The custom id registry: ids already sent to members must read back exactly as before."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs import ids

# The regexes the dynamic items were registered with before the registry: every id they
# matched is on a button in someone's DMs or channel, and must still match the same way.
LEGACY = [
    (ids.ROUTINE_POST_PATTERN, r"repmate:routine:(?P<action>save|like):(?P<id>[0-9]{1,20})"),
    (ids.ROUTINE_LOG_PATTERN, r"repmate:routine:log:(?P<id>[0-9]{1,20})"),
    (
        ids.CHECKIN_PATTERN,
        r"repmate:ci:(?P<action>rate|wrong|snooze|stop):(?P<id>[0-9]{1,20})(?::(?P<level>[0-9]{1,2}))?",
    ),
    (ids.SORENESS_CHECK_PATTERN, r"repmate:soreness:check:(?P<id>[0-9]{1,20})"),
    (ids.REMINDER_PATTERN, r"repmate:rem:(?P<action>snooze|done):(?P<id>[0-9]{1,20})"),
    (ids.CHALLENGE_JOIN_PATTERN, r"repmate:challenge:join:(?P<id>[0-9]{1,20})"),
    (ids.LOG_FROM_TIMER_PATTERN, r"repmate:challenge:log-timer:(?P<id>[0-9]{1,20})"),
    (ids.TIMER_PATTERN, r"repmate:timer:(?P<action>pause|resume|stop):(?P<id>[0-9]{1,20})"),
    (ids.ZONE_PATTERN, r"repmate:tz:(?P<user>[0-9]{1,20}):(?P<zone>[A-Za-z0-9_+\-/]{1,70})"),
    (
        ids.PRIVACY_PATTERN,
        r"repmate:privacy:(?P<action>delete|cancel):(?P<user>[0-9]{1,20}):(?P<expires>[0-9]{1,12})",
    ),
    (ids.TRIAGE_ANY_PATTERN, r"repmate:triage:(?P<rest>.*)"),
    (ids.PROGRAM_MISSED_PATTERN, r"repmate:program:missed:(?P<tier>t1|t2):(?P<position>[0-9]{1,6})"),
    (
        ids.LOG_IMPORT_PATTERN,
        r"repmate:import:(?P<action>import|cancel):(?P<user>[0-9]{1,20}):(?P<token>[0-9a-f]{16})",
    ),
]

BUILT = [
    (ids.routine_save(7), "repmate:routine:save:7"),
    (ids.routine_like(7), "repmate:routine:like:7"),
    (ids.routine_log(7), "repmate:routine:log:7"),
    (ids.checkin("rate", 12, 0), "repmate:ci:rate:12:0"),
    (ids.checkin("rate", 12, 10), "repmate:ci:rate:12:10"),
    (ids.checkin("wrong", 12), "repmate:ci:wrong:12"),
    (ids.checkin("snooze", 12), "repmate:ci:snooze:12"),
    (ids.checkin("stop", 12), "repmate:ci:stop:12"),
    (ids.soreness_check(3), "repmate:soreness:check:3"),
    (ids.reminder("snooze", 4), "repmate:rem:snooze:4"),
    (ids.reminder("done", 4), "repmate:rem:done:4"),
    (ids.challenge_join(5), "repmate:challenge:join:5"),
    (ids.log_from_timer(6), "repmate:challenge:log-timer:6"),
    (ids.timer("pause", 6), "repmate:timer:pause:6"),
    (ids.timer("resume", 6), "repmate:timer:resume:6"),
    (ids.timer("stop", 6), "repmate:timer:stop:6"),
    (ids.zone(42, "Etc/GMT-5"), "repmate:tz:42:Etc/GMT-5"),
    (ids.privacy("delete", 42, 1767225600), "repmate:privacy:delete:42:1767225600"),
    (ids.privacy("cancel", 42, 1767225600), "repmate:privacy:cancel:42:1767225600"),
    (ids.triage(42, "a1b2c3d4e5f6", "0a1b2c3d"), "repmate:triage:42:a1b2c3d4e5f6:0a1b2c3d"),
    (ids.program_missed("t1", 12), "repmate:program:missed:t1:12"),
    (ids.log_import("import", 42, "0123456789abcdef"), "repmate:import:import:42:0123456789abcdef"),
    (ids.log_import("cancel", 42, "0123456789abcdef"), "repmate:import:cancel:42:0123456789abcdef"),
]


@pytest.mark.parametrize(("built", "expected"), BUILT)
def test_every_builder_writes_the_id_members_already_have(built: str, expected: str) -> None:
    assert built == expected


@pytest.mark.parametrize(("built", "_"), BUILT)
def test_every_built_id_is_read_back_by_exactly_one_item(built: str, _: str) -> None:
    readers = [new for new, _ in LEGACY if re.fullmatch(new, built)]
    assert len(readers) == 1, built
    assert len(built) <= 100, "Discord's custom id limit"


@pytest.mark.parametrize(("new", "old"), LEGACY)
def test_patterns_match_what_the_old_ones_matched(new: str, old: str) -> None:
    assert re.compile(new).groupindex.keys() == re.compile(old).groupindex.keys()


ID_TEXT = st.one_of(
    st.text(alphabet="repmatincsoulgkhfjdvz:-_/+0123456789ACEGTM", max_size=60),
    st.sampled_from([expected for _, expected in BUILT]).flatmap(
        lambda known: st.builds(
            lambda cut, extra: known[:cut] + extra, st.integers(0, 60), st.text(max_size=4)
        )
    ),
)


@settings(max_examples=300, deadline=None)
@given(ID_TEXT)
def test_patterns_accept_and_read_the_same_ids_as_before(text: str) -> None:
    for new, old in LEGACY:
        new_match, old_match = re.fullmatch(new, text), re.fullmatch(old, text)
        assert (new_match is None) == (old_match is None), (new, text)
        if new_match is not None and old_match is not None:
            assert new_match.groupdict() == old_match.groupdict()


def test_a_template_needs_a_pattern_for_every_field() -> None:
    with pytest.raises(ValueError, match="need a pattern"):
        ids.CustomId("repmate:x:{id}:{other}", id=ids.NUMBER)
