"""The sandbox page in a real browser: Debian's chromium, driven by Playwright, clicks the tour.

Skipped, saying why, where Debian's ``chromium`` package or Playwright is missing (Playwright's
own browser download is never used). The screenshots go to ``REPMATE_TOUR_SHOTS`` when it is
set (a folder), otherwise to the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.dev.console import Console
from bot.dev.scenes import create_leg_day
from bot.dev.screenshots import CHROMIUM_ARGS, find_chromium
from bot.dev.simcord_private import discord_like_embed_mentions
from bot.dev.world import run_command
from tests.cogs.world import text_of
from tests.dev.test_sandbox import sandbox_page

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (`apt-get install chromium`)"
)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("REPMATE_TOUR_SHOTS") or tmp_path / "tour")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


def pictures(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.png"))


async def test_a_browser_clicks_through_the_tour_and_saves_screenshots(settings, shots):
    playwright_api = pytest.importorskip(
        "playwright.async_api", reason="Playwright is not installed (`pip install -e '.[dev]'`)"
    )
    async with sandbox_page(settings) as (_world, console, _http, url):
        follower = asyncio.ensure_future(console.follow_real_time())
        try:
            async with playwright_api.async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    page = await browser.new_page(viewport={"width": 1300, "height": 850})
                    with discord_like_embed_mentions():  # as `make sandbox` shows them
                        await tour(page, url, console, shots)
                finally:
                    await browser.close()
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
    assert pictures(shots) == [
        "1-tour.png",
        "2-routine-logged.png",
        "3-checkin-rated.png",
        "4-shouldistop.png",
        "5-tabata-done.png",
        "6-challenge-results.png",
    ]
    assert not console.env.errors


async def tour(page, url: str, console: Console, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """Click through the tour's six steps as the bar lists them, a screenshot after each.

    What the tour asks to type into a form is done as Alice from here, in turn with the page's
    own actions (as a person's typing would be).
    """
    world = console.world
    await page.goto(url)
    conversation = page.frame_locator("#discord").locator("#channel-message-list")
    bar = page.locator("#bar")

    async def step(number: int) -> None:
        await bar.locator(f"[data-tour='{number}']").click()
        await page.wait_for_function("!document.body.hasAttribute('aria-busy')")

    async def sees(text: str) -> None:
        await conversation.get_by_text(text).last.wait_for(timeout=30_000)

    async def shot(name: str) -> None:
        status_line = page.frame_locator("#discord").locator("#action-status")
        for _ in range(100):  # the last action settles first
            status = await status_line.inner_text()
            if not status.startswith(("Completing", "Running", "Sending")):
                break
            await page.wait_for_timeout(100)
        await page.screenshot(path=str(shots / name))
        # Nothing the tour does is reported as failed, refused or uncertain by the page.
        assert not any(word in status.lower() for word in ("fail", "not completed", "uncertain")), (
            name,
            status,
        )

    # The page opens on #general and its pinned tour.
    await sees("Welcome to the Repmate sandbox!")
    assert await bar.locator("#tour li").count() == 6
    await shot("1-tour.png")

    # 1. Share a routine (the form and the command, as Alice would fill them in).
    await step(1)
    async with console.page_action():
        await create_leg_day(world)
        await run_command(world, world.alice, world.general, "routine share", name="Leg Day")
    # 2. Log it: the shared post's button, pressed in the page.
    await step(2)
    await sees("Leg Day")
    await page.frame_locator("#discord").get_by_role("button", name="Log it").last.click()
    await sees("Logged")
    await shot("2-routine-logged.png")

    # 3. Skip a day and rate the check-in in the DMs.
    await step(3)
    await sees("How sore are you today?")
    await page.frame_locator("#discord").get_by_role("button", name="3", exact=True).last.click()
    await sees("3/10")
    await shot("3-checkin-rated.png")

    # 4. /shouldistop, typed in the page's composer.
    await step(4)
    composer = page.frame_locator("#discord").locator("#channel-composer-input")
    await composer.click()
    await composer.type("/shouldistop")
    await composer.press("Enter")
    await page.keyboard.press("Enter")
    await sees("These apply to me")
    # A routine that doesn't exist: the bot refuses and says why. That answer is not a failed
    # action (shot() checks the page's status line).
    await composer.click()
    await composer.type("/routine view")
    await composer.press("Enter")
    await page.wait_for_timeout(300)
    await page.keyboard.type("Nope", delay=50)
    await page.keyboard.press("Enter")
    await sees("You have no routine called")
    await shot("4-shouldistop.png")

    # 5. A Tabata, then +10 min: the timer has finished.
    await step(5)
    async with console.page_action():
        await run_command(world, world.alice, world.general, "interval start", program="tabata")
    await page.locator("[data-skip='10m']").click()
    await page.wait_for_function("!document.body.hasAttribute('aria-busy')")
    await sees("of Tabata done")
    await shot("5-tabata-done.png")

    # 6. Join the challenge, then skip to the next delivery until its results.
    await step(6)
    await page.frame_locator("#discord").get_by_role("button", name="Join").last.click()
    await sees("Do the workout, then log your result")
    for _ in range(8):
        if any("Results: Tabata" in text_of(m) for m in world.challenges.history()):
            break
        await page.locator("[data-skip='next']").click()
        await page.wait_for_function("!document.body.hasAttribute('aria-busy')")
    await bar.locator("[data-place='challenges']").click()
    await sees("Results: Tabata")
    await shot("6-challenge-results.png")
