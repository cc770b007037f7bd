"""Background work: one helper keeps a strong reference to each task and reports its failure.

asyncio keeps only weak references to tasks, so a task nobody holds can vanish mid-run;
and an exception in a task nobody awaits is only noticed when it is garbage collected.
Everything the runtime runs by itself goes through :class:`Background` instead: a failure
reaches the error sink (the bot's ``on_error``, which logs it with a reference) and
``stop`` cancels whatever is still running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

#: Given a context string (``background:<name>``, ``delivery-dispatcher`` …) while an exception is
#: being handled; logs it.
ErrorSink = Callable[[str], Awaitable[None]]


class Spawn(Protocol):
    def __call__(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]: ...


class Background:
    def __init__(self, on_error: ErrorSink) -> None:
        self.on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background; its failure reaches the error sink."""

        async def guarded() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except Exception:
                await self.on_error(f"background:{name}")

        task = asyncio.create_task(guarded(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
