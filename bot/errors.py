"""Errors that carry a message meant for the member.

Services raise these when input is wrong or an action is not allowed; the command
tree turns them into an ephemeral reply. Nothing here imports discord, so the
domain and service layers can use them freely.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """Something the member can fix: the message says what was wrong.

    ``example`` is shown under the message as a working alternative, because an
    error without a way forward just makes people retry the same thing.
    """

    def __init__(self, message: str, *, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def render(self) -> str:
        if self.example:
            return f"{self.message}\nExample: {self.example}"
        return self.message


class NotAllowed(UserFacingError):
    """The member lacks the role or ownership an action needs."""


class NotFound(UserFacingError):
    """The thing the member named does not exist (or is not theirs)."""


class ConfigError(Exception):
    """A setting is missing or malformed; start-up stops with this one sentence."""
