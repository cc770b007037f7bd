"""The one way Repmate reads the time.

Everything asks ``bot.clock.now()`` rather than ``datetime.now()``: discord.py's
``utcnow`` is what SimCord virtualises, so tests can move time through days of
schedules in milliseconds, and the production clock stays the real one.
"""

from __future__ import annotations

import time
from datetime import datetime

import discord


def now() -> datetime:
    """The current instant as an aware UTC datetime."""
    return discord.utils.utcnow()


def monotonic() -> float:
    """Seconds on a monotonic clock (virtualised under SimCord as well)."""
    return time.monotonic()
