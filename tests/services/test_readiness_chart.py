"""The /readiness picture: sized for Discord, bars coloured by band, each picture its own."""

from __future__ import annotations

import io

from PIL import Image

from bot.services.readiness_chart import EASE_OFF, READY, RECOVERING, render_readiness

HEADINGS = ("Upper body", "Core and legs")


def _rgb(shade: str) -> tuple[int, int, int]:
    return tuple(int(shade[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _colours(png: bytes) -> dict[tuple[int, int, int], int]:
    """Pixels per colour (the key under the bars shows each band's colour in a small square)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour: count for count, colour in image.getcolors(maxcolors=1 << 16) or []}


def test_bars_take_their_bands_colour_and_the_picture_follows_the_figures():
    rows = [("Chest", 100), ("Quads", 55), ("Glutes", 20)]
    png = render_readiness(
        [rows[:1], rows[1:]], headings=HEADINGS, ease_off=40, ready=70, title="Muscle readiness"
    )
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    assert image.width == 800, "twice the 400 px Discord shows an embed image at"
    tired = _colours(png)
    fresh = render_readiness(
        [[("Chest", 100)], [("Quads", 100), ("Glutes", 100)]],
        headings=HEADINGS,
        ease_off=40,
        ready=70,
        title="Muscle readiness",
    )
    assert fresh != png
    rested = _colours(fresh)
    for band in (EASE_OFF, RECOVERING):
        assert tired[_rgb(band)] > 3 * rested[_rgb(band)], "a bar of that colour, beyond the key's square"
    assert rested[_rgb(READY)] > tired[_rgb(READY)]
    taller = render_readiness(
        [rows[:1], [*rows[1:], ("Calves", 90)]],
        headings=HEADINGS,
        ease_off=40,
        ready=70,
        title="Muscle readiness",
    )
    assert Image.open(io.BytesIO(taller)).height > image.height, "the longer column sets the height"
