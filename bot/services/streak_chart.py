"""The streak calendar: the last 12 local weeks as a PNG, readable on Discord's dark theme.

Weeks run left to right, Monday to Sunday top to bottom (as a training log reads), each
day a square coloured by what it was. matplotlib is imported only when a calendar is
drawn, in a worker thread, so loading the bot and answering other commands never pays
for it; the figure uses the object-oriented API (no pyplot global state).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.streaks import Day
from bot.services.charts import EMBED_BACKGROUND, RenderedPngs, png_bytes

#: Discord shows an embed image at most 400 px wide: drawn at 2.5× that, like the volume chart.
WIDTH_IN, HEIGHT_IN, DPI = 5.0, 2.6, 200
TEXT = "#F3F3F4"
MUTED = "#B5BAC1"
#: Trained in the brand green; a freeze in ice blue; a missed planned day in a muted red;
#: rest and open days as quiet squares; days still to come are outlines only.
COLOURS = {
    Day.TRAINED: "#3BB580",
    Day.FROZEN: "#5DADE2",
    Day.MISSED: "#C0504D",
    Day.REST: "#4E5058",
    Day.OPEN: "#2B2D31",
    Day.FUTURE: EMBED_BACKGROUND,
}
LEGEND = (
    (Day.TRAINED, "trained"),
    (Day.FROZEN, "freeze used"),
    (Day.MISSED, "planned, missed"),
    (Day.REST, "rest"),
)
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Grid = Sequence[Sequence[tuple[date, Day]]]


def render_calendar(grid: Grid, title: str) -> bytes:
    """The calendar as PNG bytes (drawn on the calling thread)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=EMBED_BACKGROUND)
    FigureCanvasAgg(figure)
    axes: Any = figure.add_axes((0.08, 0.17, 0.9, 0.62), facecolor=EMBED_BACKGROUND)
    weeks = len(grid)
    # One collection for all the squares: drawn in one go, without per-patch bookkeeping.
    squares, faces, edges = [], [], []
    for column, week in enumerate(grid):
        for row, (_day, state) in enumerate(week):
            squares.append(Rectangle((column + 0.08, 6 - row + 0.08), 0.84, 0.84))
            faces.append(COLOURS[state])
            edges.append("#4E5058" if state is Day.FUTURE else COLOURS[state])
    axes.add_collection(
        PatchCollection(squares, facecolors=faces, edgecolors=edges, linewidths=0.8), autolim=False
    )
    axes.set_xlim(0, weeks)
    axes.set_ylim(0, 7)
    axes.set_aspect("equal")
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_yticks([6.5 - i for i in range(7)], WEEKDAYS)
    # A month label over the first week that starts in it.
    ticks, labels = [], []
    seen: set[int] = set()
    for column, week in enumerate(grid):
        month = week[0][0].month
        if month not in seen:
            seen.add(month)
            ticks.append(column + 0.5)
            labels.append(MONTHS[month - 1])
    axes.set_xticks(ticks, labels)
    axes.xaxis.tick_top()
    axes.tick_params(labelsize=9, colors=MUTED, length=0, pad=3)
    figure.text(0.03, 0.97, title, fontsize=12, color=TEXT, fontweight="bold", va="top")
    x = 0.08
    for state, label in LEGEND:
        figure.patches.append(
            Rectangle(
                (x, 0.07), 0.025, 0.05, transform=figure.transFigure, facecolor=COLOURS[state], figure=figure
            )
        )
        figure.text(x + 0.035, 0.095, label, fontsize=8.5, color=MUTED, va="center")
        x += 0.06 + 0.014 * len(label)
    return png_bytes(figure)


_PNGS = RenderedPngs()


async def calendar_png(grid: Grid, title: str) -> bytes:
    """:func:`render_calendar` in a worker thread, so the event loop keeps serving members.

    A calendar only changes when a day passes or a workout is logged, so recent pictures
    are kept by their content and a member looking again gets theirs without a redraw.
    """
    weeks = [list(week) for week in grid]
    key = (tuple(tuple(week) for week in grid), title)
    return await _PNGS.get(key, lambda: render_calendar(weeks, title))
