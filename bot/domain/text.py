"""Wording helpers for text members read."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 routine``, ``2 routines``, ``0 routines``.

    English uses the singular only for exactly one; irregular nouns pass their plural
    (``plural(n, "challenge entry", "challenge entries")``). Thousands get separators so
    large counts stay readable (``1,204 likes``).
    """
    noun = singular if count == 1 else (plural_form if plural_form is not None else f"{singular}s")
    return f"{count:,} {noun}"
