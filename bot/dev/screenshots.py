"""The README's pictures: the demo's scenes played and saved as PNGs, with Debian's chromium.

SimCord's preview takes the screenshots through Playwright; Playwright's own browser
download is unreachable offline, so the system's Chromium is launched instead.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import create_bot
from bot.dev.scenes import SCENES, Scene, Shot
from bot.dev.world import (
    SCREENSHOTS_DB,
    SandboxError,
    SandboxWorld,
    configure_world,
    sandbox_env,
    sandbox_settings,
)

if TYPE_CHECKING:
    import simcord

#: The pictures' viewport: about a desktop Discord message column wide, and tall enough
#: for the longest message (a surface capture is cropped to the message, never beyond
#: the viewport).
SHOT_WIDTH = 900
SHOT_HEIGHT = 1000

#: Flags for Debian's chromium run headless by Playwright: root in a container needs
#: --no-sandbox, and the rest keep it from reaching for the network or a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def system_chromium(executable: str) -> Iterator[None]:
    """Make Playwright launch the system's Chromium (its own download is unreachable offline)."""
    from playwright.async_api import BrowserType

    original = BrowserType.launch

    async def launch(self: BrowserType, **kwargs: Any) -> Any:
        kwargs["executable_path"] = executable
        kwargs["args"] = [*CHROMIUM_ARGS, *(kwargs.get("args") or [])]
        return await original(self, **kwargs)

    BrowserType.launch = launch  # type: ignore[method-assign]
    try:
        yield
    finally:
        BrowserType.launch = original  # type: ignore[method-assign]


class ChannelPreviews:
    """One preview per channel, reused while consecutive shots stay in that channel.

    A guild channel's preview lets every member of the demo be the viewer; a DM's only
    its owner (SimCord allows one open preview at a time).
    """

    def __init__(self, world: SandboxWorld) -> None:
        self._world = world
        self._open: tuple[int, simcord.Preview, contextlib.AsyncExitStack] | None = None

    async def for_shot(self, shot: Shot) -> simcord.Preview:
        if self._open is not None and self._open[0] == shot.channel.id:
            return self._open[1]
        await self.aclose()
        viewers = [shot.viewer] if shot.channel.guild is None else list(self._world.members)
        stack = contextlib.AsyncExitStack()
        preview = await stack.enter_async_context(
            self._world.env.preview(
                shot.channel,
                viewers=viewers,
                layout="channel",
                display="fixed",
                width=SHOT_WIDTH,
                height=SHOT_HEIGHT,
            )
        )
        self._open = (shot.channel.id, preview, stack)
        return preview

    async def aclose(self) -> None:
        """Close the open preview, if any (before another opens, and at the end)."""
        if self._open is not None:
            stack, self._open = self._open[2], None
            await stack.aclose()


async def render_scenes(world: SandboxWorld, out_dir: Path, scenes: list[Scene] | None = None) -> list[Path]:
    """Play the scenes in order and save each to ``out_dir`` (an existing folder) as a PNG."""
    written: list[Path] = []
    async with contextlib.aclosing(ChannelPreviews(world)) as previews:
        for item in SCENES if scenes is None else scenes:
            shot = await item.play(world)
            if shot is None:
                continue
            preview = await previews.for_shot(shot)
            path = out_dir / item.filename
            report = await preview.screenshot(
                path, viewer=shot.viewer, target=shot.target, allow_incomplete=True
            )
            written.append(path)
            print(f"  {path}  {item.description}", flush=True)
            if not report.complete:
                codes = ", ".join(str(d.get("code")) for d in report.diagnostics) or "no details"
                print(f"    (rendered with gaps the preview reported: {codes})", flush=True)
    return written


async def render_demo(out_dir: Path, chromium: str) -> int:
    """Build the demo server, render every scene to ``out_dir``; the exit status."""
    # Its own database, recreated each time: the interactive sandbox's is never touched.
    async with sandbox_env(create_bot(sandbox_settings(SCREENSHOTS_DB, fresh=True))) as world:
        try:
            await configure_world(world)
            print(f"Rendering {len(SCENES)} scenes to {out_dir}/ with {chromium}:", flush=True)
            with system_chromium(chromium):
                await render_scenes(world, out_dir)
        except SandboxError as exc:
            print(f"\nThe demo stopped: {exc}\n", file=sys.stderr)
            return 1
    return 0
