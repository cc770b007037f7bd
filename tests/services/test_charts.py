"""The weekly-volume chart as a member sees it inside a dark Discord embed."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from bot.services.charts import EMBED_BACKGROUND, render_weekly_volume, weekly_volume_figure

MONDAY = date(2025, 12, 1)


def weeks_of(*volumes: float) -> list[tuple[date, float]]:
    return [(MONDAY + timedelta(days=7 * i), v) for i, v in enumerate(volumes)]


def labels(weeks: list[tuple[date, float]]) -> list[str]:
    axes = weekly_volume_figure(weeks, "kg", "Weekly volume (kg)").axes[0]
    return [t.get_text() for t in axes.get_xticklabels()]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def test_the_chart_sits_on_the_embeds_dark_background_at_more_than_twice_the_shown_width() -> None:
    png = render_weekly_volume(weeks_of(0, 1200, 0, 2940, 1800), "kg", "Weekly volume (kg)")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1000, 500)
    background = hex_rgb(EMBED_BACKGROUND)
    assert background == (0x39, 0x3A, 0x41)  # Discord's dark embed, as SimCord draws it
    for corner in [(0, 0), (999, 0), (0, 499), (999, 499)]:
        assert image.getpixel(corner) == background
    # Mostly the embed's own colour, with light text and bright bars: no white box.
    colours = image.getcolors(maxcolors=1_000_000) or []
    share = {colour: count / (1000 * 500) for count, colour in colours}
    assert share[background] > 0.6
    assert share.get((255, 255, 255), 0) < 0.01
    assert any(sum(c) > 600 for c in share), "light text"


def test_weeks_read_day_then_english_month_whatever_the_locale() -> None:
    shown = labels(weeks_of(100, 200, 300, 400, 500))
    assert shown == ["1 Dec", "8 Dec", "15 Dec", "22 Dec", "29 Dec"]
    assert labels([(date(2026, 1, 5), 100.0)])[-1] == "5 Jan"


def test_leading_empty_weeks_are_left_out_but_the_last_month_stays() -> None:
    # A year of history with training only in the last two weeks: the chart shows the
    # last four weeks (two empty), not fifty empty weeks and two thin bars.
    year = [(date(2025, 1, 6) + timedelta(days=7 * i), 0.0) for i in range(51)]
    year += [(date(2025, 12, 29), 1500.0), (date(2026, 1, 5), 900.0)]
    assert labels(year) == ["15 Dec", "22 Dec", "29 Dec", "5 Jan"]
    # Training from the start of the range keeps every week, empty ones in between too.
    assert labels(weeks_of(100, 0, 0, 300, 0, 200)) == [
        "1 Dec",
        "8 Dec",
        "15 Dec",
        "22 Dec",
        "29 Dec",
        "5 Jan",
    ]
    # Fewer than four weeks in the range: all of them.
    assert labels(weeks_of(0, 700)) == ["1 Dec", "8 Dec"]


def test_a_year_of_weeks_keeps_its_labels_apart() -> None:
    year = [(date(2025, 1, 6) + timedelta(days=7 * i), 1000.0 + i) for i in range(53)]
    shown = [label for label in labels(year) if label]
    assert 5 <= len(shown) <= 7
    assert shown[-1] == "5 Jan"
