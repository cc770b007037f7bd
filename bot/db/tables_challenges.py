"""Tables for: interval timers and challenges."""

from __future__ import annotations

from bot.db.tables import ID, NAMING, metadata  # noqa: F401
