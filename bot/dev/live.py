"""The interactive sandbox: the demo server in a browser page, until Ctrl-C.

The page (:mod:`bot.dev.web`) is served on 127.0.0.1: a person uses the bot's commands and
buttons there, switches channels and DMs, acts as any demo member and skips ahead from its
bar (:mod:`bot.dev.console`); meanwhile the virtual clock follows real time. The database
and the clock are kept for the next run (``--fresh`` starts over), and so is the page's
address, so a tab left open reconnects to the next run by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable
from typing import Any

from bot import create_bot
from bot.dev.console import Console
from bot.dev.web import SandboxSite
from bot.dev.world import (
    GUILD_NAME,
    SANDBOX_DB,
    SavedSession,
    configure_world,
    sandbox_env,
    sandbox_settings,
)


async def serve(port: int | None, *, fresh: bool = False) -> int:
    """Start the sandbox and serve its page until Ctrl-C; the exit status."""
    stop = _stop_on_signals()
    if fresh:
        SavedSession.forget()
    session = SavedSession.load()
    resumed = session.clock is not None
    async with sandbox_env(create_bot(sandbox_settings(fresh=fresh)), resume_at=session.clock) as world:
        await configure_world(world, challenge=True)
        console = Console(world, session)
        site = SandboxSite(console, session.key)
        wanted = port if port is not None else session.port
        try:
            await site.start(wanted)
        except OSError as exc:
            if port is not None:
                print(
                    f"\nThe sandbox could not listen on 127.0.0.1 port {port}: {exc.strerror}. "
                    "Pick another with `--port`, or leave it out to use any free port.\n",
                    file=sys.stderr,
                )
                return 2
            await site.start(None)  # last run's port is taken now: any free one
        moved = session.port is not None and site.port != session.port
        session.port = site.port
        session.save()
        try:
            await console.open()
            clock = asyncio.ensure_future(console.follow_real_time())
            try:
                print(_banner(console, site.url, resumed=resumed, moved=moved), flush=True)
                await _first_of(stop.wait(), console.ended.wait())
            finally:
                clock.cancel()
                await asyncio.gather(clock, return_exceptions=True)
                await console.aclose()
        finally:
            await site.close()
    print("Sandbox stopped. Its database and clock are kept for next time (`--fresh` starts over).")
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so stopping is a clean shutdown rather than an interrupt."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not available on every platform; there Ctrl-C still interrupts, less tidily.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def _first_of(*waits: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _banner(console: Console, url: str, *, resumed: bool, moved: bool) -> str:
    now = console.env.now()
    if moved:
        tab = "A tab left open from the last run can't reach this port: open the address above instead."
    else:
        tab = "A tab left open from the last run reconnects to this one by itself."
    kept = "kept from the last run" if resumed else "new"
    return "\n".join(
        [
            "",
            "Repmate sandbox: the real bot on an offline Discord (no token, no network).",
            "",
            f"  Open       {url}",
            f"  Server     {GUILD_NAME}: #general, #routines, #challenges, #check-ins, set up by Ada",
            "  Acting as  Alice, a member. The bar on the left switches channels and DMs, acts as",
            "             Ada (admin) or Bob (coach), and skips ahead; the pinned tour says what to try.",
            f"  Clock      virtual, {now:%a %d %b %Y %H:%M} UTC, following real time",
            f"  Database   {SANDBOX_DB} ({kept}; `make sandbox FRESH=1` starts over)",
            f"  Tabs       {tab}",
            "",
            "Ctrl-C to stop.",
            "",
        ]
    )
