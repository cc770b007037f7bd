"""Repmate: a Discord bot for fitness communities.

``from bot import create_bot, Settings``. Importing has no side effects; the heavy
parts load when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.version import __version__

if TYPE_CHECKING:
    from bot.app import RepmateBot, create_bot
    from bot.config import Settings

__all__ = ["RepmateBot", "Settings", "__version__", "create_bot"]


def __getattr__(name: str) -> Any:
    if name in {"create_bot", "RepmateBot"}:
        from bot import app

        return getattr(app, name)
    if name == "Settings":
        from bot.config import Settings

        return Settings
    raise AttributeError(name)
