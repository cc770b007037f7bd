"""Discord's documented request limits, checked over every request the bot sends in a test.

SimCord is kinder than Discord: it accepts an 18 MB upload, a 6,001-character embed on
some paths, an autocomplete answer of 30 choices or a command description of 101
characters. Discord answers those with 400 (50035) or 413 (40005), and the member sees
a failure for something that may already be saved. So the suite itself checks every
recorded request against the published limits and fails the test that produced one
outside them; it also keeps the largest value each limit saw, for the terminal summary.

Sources: Discord's API reference — Message Resource (content 2,000; 10 embeds),
Embed Limits (title 256, description 4,096, 25 fields, field name 256 and value 1,024,
footer 2,048, author 256, 6,000 in all the embeds of a message), Message Components
(5 action rows, 5 buttons a row, a select alone in its row, custom_id 1–100, button label
80, 25 options with label, value and description 100, placeholder 150), Modal (title 45,
5 rows, text-input label 45, value 4,000), Autocomplete (25 choices, name 1–100), Application
Commands (name 1–32, description 1–100, 25 options, 25 choices), Uploading Files (10 MiB by
default).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
OPTION_TEXT = 100
PLACEHOLDER = 150
MODAL_TITLE = 45
MODAL_ROWS = 5
INPUT_LABEL = 45
INPUT_VALUE = 4000
CHOICES = 25
CHOICE_NAME = 100
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
UPLOAD = 10 * 1024 * 1024

_MESSAGE_PATHS = (
    re.compile(r"^/channels/\d+/messages(/\d+)?$"),
    re.compile(r"^/webhooks/\d+/[^/]+(/messages/(\d+|@original))?$"),
)
_CALLBACK = re.compile(r"^/interactions/\d+/[^/]+/callback$")
_COMMANDS = re.compile(r"^/applications/\d+(/guilds/\d+)?/commands(/\d+)?$")

#: Interaction callback types (Discord API: Interaction Response Type).
_MESSAGE_RESPONSES = {4, 7}
_AUTOCOMPLETE = 8
_MODAL = 9


@dataclass
class Reach:
    """The largest value the suite reached for each limit, to report beside the limit."""

    largest: dict[str, tuple[int, int]] = field(default_factory=dict)

    def saw(self, name: str, value: int, limit: int) -> None:
        if value > self.largest.get(name, (-1, limit))[0]:
            self.largest[name] = (value, limit)

    def lines(self) -> list[str]:
        return [
            f"{name:<34} {value:>10,} of {limit:>10,}"
            for name, (value, limit) in sorted(self.largest.items())
        ]


class Checker:
    """Collects the problems of one request; ``where`` names the request in each message."""

    def __init__(self, where: str, reach: Reach) -> None:
        self.where = where
        self.reach = reach
        self.problems: list[str] = []

    def at_most(self, name: str, value: int, limit: int) -> None:
        self.reach.saw(name, value, limit)
        if value > limit:
            self.problems.append(f"{self.where}: {name} is {value:,} (Discord allows {limit:,})")

    def between(self, name: str, value: int, low: int, high: int) -> None:
        self.at_most(name, value, high)
        if value < low:
            self.problems.append(f"{self.where}: {name} is {value} (Discord needs at least {low})")

    def text(self, name: str, value: Any, limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.problems.append(f"{self.where}: {name} is missing")
            return
        length = len(str(value))
        if required:
            self.between(name, length, 1, limit)
        else:
            self.at_most(name, length, limit)


def check_request(method: str, path: str, payload: Any, reach: Reach) -> list[str]:
    """The problems of one recorded REST request (an empty list when it is within the limits)."""
    check = Checker(f"{method} {path}", reach)
    if not isinstance(payload, dict | list):
        return []
    if _CALLBACK.match(path) and isinstance(payload, dict):
        kind = payload.get("type")
        data = payload.get("data") or {}
        if kind in _MESSAGE_RESPONSES:
            _message(check, data)
        elif kind == _AUTOCOMPLETE:
            _autocomplete(check, data)
        elif kind == _MODAL:
            _modal(check, data)
    elif isinstance(payload, dict) and any(p.match(path) for p in _MESSAGE_PATHS):
        _message(check, payload)
    elif _COMMANDS.match(path) and method in {"PUT", "POST", "PATCH"}:
        for command in payload if isinstance(payload, list) else [payload]:
            _command(check, command)
    return check.problems


def check_upload(name: str, size: int, reach: Reach, limit: int = UPLOAD) -> list[str]:
    check = Checker(f"upload {name}", reach)
    check.at_most("upload bytes", size, limit)
    return check.problems


def _message(check: Checker, data: dict[str, Any]) -> None:
    check.text("message content", data.get("content"), CONTENT)
    embeds = data.get("embeds") or []
    check.at_most("embeds in a message", len(embeds), EMBEDS)
    total = 0
    for embed in embeds:
        total += _embed(check, embed)
    check.at_most("embed characters in a message", total, EMBED_TOTAL)
    _components(check, data.get("components") or [])


def _embed(check: Checker, embed: dict[str, Any]) -> int:
    """Check one embed's parts; returns the characters Discord counts towards the 6,000."""
    title = embed.get("title") or ""
    description = embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    fields = embed.get("fields") or []
    check.at_most("embed title", len(title), EMBED_TITLE)
    check.at_most("embed description", len(description), EMBED_DESCRIPTION)
    check.at_most("embed footer", len(footer), FOOTER)
    check.at_most("embed author", len(author), AUTHOR)
    check.at_most("embed fields", len(fields), EMBED_FIELDS)
    total = len(title) + len(description) + len(footer) + len(author)
    for item in fields:
        name, value = str(item.get("name") or ""), str(item.get("value") or "")
        check.between("embed field name", len(name), 1, FIELD_NAME)
        check.between("embed field value", len(value), 1, FIELD_VALUE)
        total += len(name) + len(value)
    check.at_most("embed characters", total, EMBED_TOTAL)
    return total


def _components(check: Checker, rows: list[dict[str, Any]]) -> None:
    check.at_most("action rows", len(rows), ACTION_ROWS)
    for row in rows:
        children = row.get("components") or []
        selects = [c for c in children if c.get("type") in {3, 5, 6, 7, 8}]
        buttons = [c for c in children if c.get("type") == 2]
        if selects and len(children) > 1:
            check.problems.append(f"{check.where}: a select menu must be alone in its action row")
        check.at_most("buttons in a row", len(buttons), BUTTONS_PER_ROW)
        for child in children:
            _component(check, child)


def _custom_id(check: Checker, component: dict[str, Any]) -> None:
    check.text("custom_id", component.get("custom_id"), CUSTOM_ID, required=True)


def _component(check: Checker, component: dict[str, Any]) -> None:
    kind = component.get("type")
    if kind == 2:
        if component.get("style") != 5:  # link buttons carry a url instead
            _custom_id(check, component)
        check.text("button label", component.get("label"), BUTTON_LABEL)
    elif kind in {3, 5, 6, 7, 8}:
        _custom_id(check, component)
        check.text("select placeholder", component.get("placeholder"), PLACEHOLDER)
        options = component.get("options") or []
        if kind == 3:
            check.between("select options", len(options), 1, SELECT_OPTIONS)
        for option in options:
            check.text("select option label", option.get("label"), OPTION_TEXT, required=True)
            check.text("select option value", option.get("value"), OPTION_TEXT, required=True)
            check.text("select option description", option.get("description"), OPTION_TEXT)
        high = component.get("max_values", 1)
        low = component.get("min_values", 1)
        if kind == 3 and options and not (0 <= low <= high <= len(options)):
            check.problems.append(
                f"{check.where}: select min_values {low} / max_values {high} don't fit {len(options)} options"
            )


def _modal(check: Checker, data: dict[str, Any]) -> None:
    check.text("modal title", data.get("title"), MODAL_TITLE, required=True)
    check.text("custom_id", data.get("custom_id"), CUSTOM_ID, required=True)
    rows = data.get("components") or []
    check.between("modal rows", len(rows), 1, MODAL_ROWS)
    for item in _walk(rows):
        if item.get("type") == 18:  # a label wrapping its input (newer modals)
            check.text("modal label", item.get("label"), INPUT_LABEL, required=True)
            check.text("modal label description", item.get("description"), OPTION_TEXT)
        if item.get("type") == 4:
            _custom_id(check, item)
            check.text("text input label", item.get("label"), INPUT_LABEL)
            check.text("text input value", item.get("value"), INPUT_VALUE)
            check.text("text input placeholder", item.get("placeholder"), OPTION_TEXT)


def _autocomplete(check: Checker, data: dict[str, Any]) -> None:
    choices = data.get("choices") or []
    check.at_most("autocomplete choices", len(choices), CHOICES)
    for choice in choices:
        check.text("autocomplete choice name", choice.get("name"), CHOICE_NAME, required=True)
        value = choice.get("value")
        if isinstance(value, str):
            check.text("autocomplete choice value", value, CHOICE_NAME)


def _command(check: Checker, command: dict[str, Any]) -> None:
    check.text("command name", command.get("name"), COMMAND_NAME, required=True)
    if command.get("type", 1) == 1:
        check.text("command description", command.get("description"), COMMAND_DESCRIPTION, required=True)
    options = command.get("options") or []
    check.at_most("command options", len(options), COMMAND_OPTIONS)
    for option in options:
        check.text("option name", option.get("name"), COMMAND_NAME, required=True)
        check.text("option description", option.get("description"), COMMAND_DESCRIPTION, required=True)
        choices = option.get("choices") or []
        check.at_most("option choices", len(choices), CHOICES)
        for choice in choices:
            check.text("option choice name", choice.get("name"), CHOICE_NAME, required=True)
        if option.get("type") in {1, 2}:  # subcommands and groups nest their own options
            _command(check, {**option, "type": 1})


def _walk(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield row
        yield from _walk(row.get("components") or [])
        if isinstance(row.get("component"), dict):
            yield from _walk([row["component"]])
