"""Wording helpers for text members read: counts, member text shown back, names members type."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.errors import UserFacingError

__all__ = ["NameRules", "clean_name", "code_safe", "inline_code", "name_key", "plural"]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 routine``, ``2 routines``, ``0 routines``.

    English uses the singular only for exactly one; irregular nouns pass their plural
    (``plural(n, "challenge entry", "challenge entries")``). Thousands get separators so
    large counts stay readable (``1,204 likes``).
    """
    noun = singular if count == 1 else (plural_form if plural_form is not None else f"{singular}s")
    return f"{count:,} {noun}"


# -- member text inside inline code -----------------------------------------------------------------


def code_safe(text: str, limit: int | None = None, *, columns: bool = False) -> str:
    """Member text that can sit between backticks without breaking out of them.

    Backticks become ``'``; whitespace runs (newlines too) become one space; text longer
    than ``limit`` is cut and ends with ``…``, so a wall of text stays a short echo.
    ``columns`` keeps every character in its place instead, for an error that points at
    a position: each whitespace character becomes one space and anything unprintable
    ``�``.
    """
    if columns:
        safe = "".join(
            " " if ch.isspace() else ("'" if ch == "`" else (ch if ch.isprintable() else "\ufffd"))
            for ch in text
        )
    else:
        safe = " ".join(text.replace("`", "'").split())
    if limit is not None and len(safe) > limit:
        return safe[: limit - 1] + "…"
    return safe


def inline_code(text: str, limit: int | None = None) -> str:
    """Member text as inline code: no markdown, no mentions, no way to break out of it.

    Empty text shows as one space, since a bare pair of backticks would show literally.
    """
    return "`" + (code_safe(text, limit) or " ") + "`"


# -- names members give things ----------------------------------------------------------------------


def name_key(name: str) -> str:
    """The form names are compared in: case and repeated whitespace don't make a new name."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class NameRules:
    """How one kind of name (a routine's, a challenge's) is checked, and the examples its refusals give."""

    noun: str
    limit: int
    example: str
    #: The example under "needs a name", when it differs from ``example``.
    empty_example: str | None = None
    #: Said after "The name can't contain backticks", e.g. why they're refused.
    backtick_reason: str = ""


def clean_name(raw: str, rules: NameRules) -> str:
    """The name with its whitespace folded, or UserFacingError saying what's wrong with it.

    Names are shown inside inline code and typed back into commands, so they can't be
    empty, overlong, hold invisible characters or hold backticks.
    """
    name = " ".join(raw.split())
    if not name:
        raise UserFacingError(f"The {rules.noun} needs a name.", example=rules.empty_example or rules.example)
    if len(name) > rules.limit:
        raise UserFacingError(
            f"The name is {len(name)} characters; the limit is {rules.limit}.", example=rules.example
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in name):
        raise UserFacingError("The name contains invisible characters.", example=rules.example)
    if "`" in name:
        raise UserFacingError(
            f"The name can't contain backticks{rules.backtick_reason}.", example=rules.example
        )
    return name
