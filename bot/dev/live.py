"""The interactive sandbox: the demo server on SimCord's preview page, until Ctrl-C.

The page is served on 127.0.0.1; a person uses the bot's commands and buttons there as
any of the demo's members, and the virtual clock follows real time meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot import create_bot
from bot.dev.simcord_private import advance_clock_like_its_timers, clock_can_follow_real_time
from bot.dev.world import GUILD_NAME, SANDBOX_DB, SandboxWorld, build_world, sandbox_env, sandbox_settings

if TYPE_CHECKING:
    import simcord

log = logging.getLogger(__name__)

#: How often the virtual clock is brought level with real time in the interactive sandbox.
CLOCK_STEP_S = 1.0


async def follow_real_time(env: simcord.Env, *, step: float = CLOCK_STEP_S) -> None:
    """Keep the virtual clock in step with real time while a person uses the sandbox.

    SimCord's clock stands still unless someone advances it (each bot timer also has a
    real-time fallback that moves the clock to its own instant, so scheduled things
    fire on time, but "now" lags in between). For a live page, "now" in replies, uptimes
    and anything scheduled should move as a real server's would, so this is the one
    place that reads real time: the event loop's monotonic clock, from sandbox code
    outside SimCord's virtual time. It never touches the bot's clock: the bot still
    reads only ``bot.clock.now()``.

    Each catch-up runs the way SimCord runs its own real-time fallbacks, not as a public
    ``advance_time`` operation, which would make a click in the page that lands during the
    catch-up fail as overlapping (:func:`~bot.dev.simcord_private.advance_clock_like_its_timers`).
    It is skipped while a page action or another advance is under way, and simply tried
    again a moment later.
    """
    if not clock_can_follow_real_time(env):  # a SimCord without that path: scheduled timers still fire
        log.warning("This SimCord cannot follow real time; the sandbox clock moves only with timers")
        return
    loop = asyncio.get_running_loop()
    real_start = loop.time()
    virtual_start = env.now()
    failing = False
    while True:
        await asyncio.sleep(step)
        behind = (virtual_start + timedelta(seconds=loop.time() - real_start) - env.now()).total_seconds()
        if behind < step / 2:
            continue
        try:
            if await advance_clock_like_its_timers(env, behind):
                failing = False
        except Exception:
            # A bot that is slow to settle, or fails in a timer it set, must not stop the clock
            # (its own failures reach its error handler); say so once, then keep trying.
            if not failing:
                log.exception("Moving the sandbox clock failed; it will keep trying")
            failing = True


async def serve(port: int | None) -> int:
    """Build the demo server and serve its page until Ctrl-C or the page's Close; the exit status."""
    import simcord

    stop = _stop_on_signals()
    async with sandbox_env(create_bot(sandbox_settings())) as env:
        world = await build_world(env)
        async with contextlib.AsyncExitStack() as page:
            try:
                preview = await page.enter_async_context(
                    env.preview(world.general, viewers=list(world.members), layout="channel", port=port)
                )
            except simcord.SetupError as exc:
                if not isinstance(exc.__cause__, OSError):
                    raise
                print(
                    f"\nThe sandbox could not listen on 127.0.0.1 port {port}: {exc.__cause__.strerror}. "
                    "Pick another with `--port`, or leave it out to use any free port.\n",
                    file=sys.stderr,
                )
                return 2
            clock = asyncio.ensure_future(follow_real_time(env))
            try:
                print(_banner(world, preview.url), flush=True)
                await _first_of(stop.wait(), preview.wait_closed())
            finally:
                clock.cancel()
                await asyncio.gather(clock, return_exceptions=True)
    print("Sandbox stopped.")
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


def _banner(world: SandboxWorld, url: str) -> str:
    start = world.env.now()
    return "\n".join(
        [
            "",
            "Repmate sandbox: the real bot on an offline Discord (no token, no network).",
            "",
            f"  Open       {url}",
            f"  Server     {GUILD_NAME}: #general, #routines, #challenges, #check-ins, set up by Ada",
            "  Acting as  Alice, a member. Pick Ada (admin, Manage Server) in the page's",
            "             viewer menu to try /setup, or Bob (a coach) for a second member.",
            f"  Clock      virtual, following real time from {start:%a %d %b %Y %H:%M} UTC",
            f"  Database   {SANDBOX_DB} (fresh every run)",
            "",
            "Ctrl-C to stop.",
            "",
        ]
    )
