"""The contract guard itself: it must fail on each limit, or a green suite proves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract_guard import Reach, check_request, check_upload

MESSAGE = "/channels/1/messages"
CALLBACK = "/interactions/5/tok/callback"
COMMANDS = "/applications/9/commands"


def problems(path: str, payload: Any, method: str = "POST") -> list[str]:
    return check_request(method, path, payload, Reach())


def embed(**parts: Any) -> dict[str, Any]:
    return {"title": "t", "description": "d", **parts}


def test_a_message_within_every_limit_passes() -> None:
    payload = {
        "content": "x" * 2000,
        "embeds": [embed(fields=[{"name": "n", "value": "v" * 1024}] * 5, footer={"text": "f"})],
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "style": 1, "label": "b" * 80, "custom_id": "c" * 100}] * 5,
            }
        ],
    }
    assert problems(MESSAGE, payload) == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"content": "x" * 2001}, "message content is 2,001"),
        ({"embeds": [embed()] * 11}, "embeds in a message is 11"),
        ({"embeds": [embed(title="t" * 257)]}, "embed title is 257"),
        ({"embeds": [embed(description="d" * 4097)]}, "embed description is 4,097"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]}, "embed fields is 26"),
        ({"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]}, "embed field name is 257"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]}, "embed field value is 1,025"),
        ({"embeds": [embed(fields=[{"name": "n", "value": ""}])]}, "embed field value is 0"),
        ({"embeds": [embed(footer={"text": "f" * 2049})]}, "embed footer is 2,049"),
        ({"embeds": [embed(author={"name": "a" * 257})]}, "embed author is 257"),
        (
            {"embeds": [embed(description="d" * 4000, fields=[{"name": "n", "value": "v" * 1024}] * 2)]},
            "embed characters is 6,051",
        ),
        (
            {"embeds": [embed(description="d" * 3500), embed(description="d" * 3500)]},
            "embed characters in a message is 7,002",
        ),
        ({"components": [{"type": 1, "components": []}] * 6}, "action rows is 6"),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "b", "custom_id": "c"}] * 6}]},
            "buttons in a row is 6",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "b" * 81, "custom_id": "c"}]}]},
            "button label is 81",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "b", "custom_id": "c" * 101}]}]},
            "custom_id is 101",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]},
                            {"type": 2, "label": "b", "custom_id": "c"},
                        ],
                    }
                ]
            },
            "a select menu must be alone",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": "a", "value": str(i)} for i in range(26)],
                            }
                        ],
                    }
                ]
            },
            "select options is 26",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": "a", "value": "v", "description": "d" * 101}],
                            }
                        ],
                    }
                ]
            },
            "select option description is 101",
        ),
    ],
)
def test_each_message_limit_is_caught(payload: dict[str, Any], expected: str) -> None:
    found = problems(MESSAGE, payload)
    assert any(expected in problem for problem in found), found


def test_interaction_responses_modals_and_autocomplete_are_checked() -> None:
    assert problems(CALLBACK, {"type": 4, "data": {"content": "x" * 2001}})
    assert problems(CALLBACK, {"type": 7, "data": {"embeds": [embed(title="t" * 300)]}})
    modal = {"title": "m" * 46, "custom_id": "m", "components": [{"type": 1, "components": []}] * 6}
    found = problems(CALLBACK, {"type": 9, "data": modal})
    assert any("modal title is 46" in p for p in found) and any("modal rows is 6" in p for p in found)
    text_input = {"type": 4, "custom_id": "i", "label": "l" * 46, "value": "v" * 4001}
    found = problems(
        CALLBACK,
        {
            "type": 9,
            "data": {"title": "m", "custom_id": "m", "components": [{"type": 1, "components": [text_input]}]},
        },
    )
    assert any("text input label is 46" in p for p in found) and any("value is 4,001" in p for p in found)
    choices = [{"name": "n", "value": "v"}] * 26
    assert any("choices is 26" in p for p in problems(CALLBACK, {"type": 8, "data": {"choices": choices}}))
    assert problems(CALLBACK, {"type": 8, "data": {"choices": [{"name": "", "value": "v"}]}})
    assert problems(CALLBACK, {"type": 8, "data": {"choices": [{"name": "n" * 101, "value": "v"}]}})


def test_followups_and_edits_are_checked() -> None:
    assert problems("/webhooks/9/tok", {"content": "x" * 2001})
    assert problems("/webhooks/9/tok/messages/@original", {"content": "x" * 2001}, "PATCH")
    assert problems("/channels/1/messages/2", {"content": "x" * 2001}, "PATCH")


def test_command_registration_is_checked() -> None:
    good = {"name": "log", "description": "d", "options": [{"type": 3, "name": "o", "description": "d"}]}
    assert problems(COMMANDS, [good], "PUT") == []
    assert problems(COMMANDS, [{**good, "description": "d" * 101}], "PUT")
    assert problems(COMMANDS, [{**good, "description": ""}], "PUT")
    many = {**good, "options": [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)]}
    assert problems(COMMANDS, [many], "PUT")
    sub = {
        "type": 1,
        "name": "s",
        "description": "d",
        "options": [{"type": 3, "name": "o", "description": ""}],
    }
    assert problems(COMMANDS, [{**good, "options": [sub]}], "PUT"), "subcommands' options are checked too"
    choices = {"type": 3, "name": "o", "description": "d", "choices": [{"name": "c", "value": "c"}] * 26}
    assert problems(COMMANDS, [{**good, "options": [choices]}], "PUT")


def test_uploads_over_the_default_limit_are_caught() -> None:
    assert check_upload("export.json", 10 * 1024 * 1024, Reach()) == []
    assert check_upload("export.json", 10 * 1024 * 1024 + 1, Reach())


def test_the_reach_keeps_the_largest_value_per_limit() -> None:
    reach = Reach()
    check_request("POST", MESSAGE, {"content": "x" * 10}, reach)
    check_request("POST", MESSAGE, {"content": "x" * 30}, reach)
    check_request("POST", MESSAGE, {"content": "x" * 20}, reach)
    assert reach.largest["message content"] == (30, 2000)
