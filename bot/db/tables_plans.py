"""Tables for: weekly training plans."""

from __future__ import annotations

from bot.db.tables import ID, NAMING, metadata  # noqa: F401
