"""Tables for: soreness check-ins, ratings and daily reminders."""

from __future__ import annotations

from bot.db.tables import ID, NAMING, metadata  # noqa: F401
