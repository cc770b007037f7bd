"""The offline sandbox: the real bot against SimCord's virtual Discord, in a browser.

``python -m bot sandbox`` builds a demo server (:mod:`bot.dev.world`), configures it
through the real slash commands (as an admin would), and serves a page on 127.0.0.1
(:mod:`bot.dev.live`, :mod:`bot.dev.web`): SimCord's preview of one channel beside a bar to
switch channels and DMs, act as any demo member and skip ahead (:mod:`bot.dev.console`), so
a person can use the bot's commands and buttons without a token or a network. Its database
and clock are kept between runs (``--fresh`` starts over).

``python -m bot sandbox --screenshots DIR`` plays the demo's scenes (:mod:`bot.dev.scenes`)
instead, over a database of its own, and saves each one as a PNG (the README's pictures),
using Debian's ``chromium`` as the browser (:mod:`bot.dev.screenshots`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import discord

from bot.dev import live
from bot.dev.screenshots import find_chromium, render_demo
from bot.dev.simcord_private import discord_like_embed_mentions


def _missing_simcord() -> int | None:
    try:
        import simcord.preview  # noqa: F401
    except ImportError:
        print(
            "\nThe sandbox needs SimCord's preview (a development dependency): run `make sandbox`, "
            'or install it with `pip install -e ".[dev]"`.\n',
            file=sys.stderr,
        )
        return 2
    return None


def _configure_logging() -> None:
    # Quiet by default: the one block the sandbox prints is what a person needs to read.
    discord.utils.setup_logging(level=logging.WARNING, root=True)


def main(screenshots: str | None = None, port: int | None = None, fresh: bool = False) -> int:
    """``python -m bot sandbox [--fresh] [--screenshots DIR] [--port N]``; returns the exit status."""
    missing = _missing_simcord()
    if missing is not None:
        return missing
    if screenshots is not None:
        chromium = find_chromium()
        if chromium is None:
            print(
                "\nScreenshots need a Chromium browser: install Debian's `chromium` package "
                "(`sudo apt-get install chromium`) and run this again.\n",
                file=sys.stderr,
            )
            return 2
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            print(
                "\nScreenshots need Playwright (a development dependency): run `make screenshots`, "
                'or install it with `pip install -e ".[dev]"`.\n',
                file=sys.stderr,
            )
            return 2
        _configure_logging()
        out_dir = Path(screenshots)
        out_dir.mkdir(parents=True, exist_ok=True)
        with discord_like_embed_mentions():
            return asyncio.run(render_demo(out_dir, chromium))
    _configure_logging()
    with discord_like_embed_mentions():
        return asyncio.run(live.serve(port, fresh=fresh))
