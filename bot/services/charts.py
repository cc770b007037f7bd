"""PNG charts for the workout log (weekly volume).

Rendering uses matplotlib's Agg backend through the object-oriented API (a
``Figure`` with its own Agg canvas) and never pyplot: pyplot keeps global state that
is not safe across threads, and charts are drawn in a worker thread
(:func:`weekly_volume_png`) so a slow render never blocks the event loop.

matplotlib (and numpy under it) is imported on the first chart, not with this module:
it is most of a second of start-up that a bot which has not drawn a chart yet doesn't need.
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.units import WeightSystem, kg_to_lb

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Discord shows an embed's image at most 400 px wide: this draws it at 2.5 times that, so
#: it stays sharp on dense screens, with fonts sized for the shrink (11 pt here ≈ 12 px shown).
WIDTH_IN, HEIGHT_IN, DPI = 5.0, 2.5, 200
#: Discord's dark theme (as SimCord draws it): the embed's background, its text colours,
#: and the brand green a shade lighter than the embed's side bar, so the bars stand out.
EMBED_BACKGROUND = "#393A41"
TEXT = "#F3F3F4"
MUTED = "#B5BAC1"
GRID = "#4E5058"
BAR = "#3BB580"
#: At most this many week labels, and value labels over the bars up to this many weeks.
MAX_LABELS = 7
MAX_VALUE_LABELS = 9
#: Leading weeks with nothing logged are left out, down to the last this many weeks.
MIN_WEEKS = 4
#: Fixed English month names: strftime's ``%b`` follows the host's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_label(day: date) -> str:
    """``2 Jan``: day first, then the month, the same on every host."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}".removesuffix(".0") + "k"
    return f"{value:.0f}"


def _shown_weeks(weeks: Sequence[tuple[date, float]]) -> Sequence[tuple[date, float]]:
    """The weeks from the first with volume on, but never fewer than the last ``MIN_WEEKS``."""
    first = next((i for i, (_, volume) in enumerate(weeks) if volume > 0), len(weeks))
    return weeks[min(first, max(0, len(weeks) - MIN_WEEKS)) :]


def weekly_volume_figure(weeks: Sequence[tuple[date, float]], units: WeightSystem, title: str) -> Figure:
    """Bars of weekly volume (kg in, shown in ``units``), drawn for Discord's dark theme."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=EMBED_BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(facecolor=EMBED_BACKGROUND)
    shown = _shown_weeks(weeks)
    values = [kg_to_lb(v) if units == "lb" else v for _, v in shown]
    labels = [week_label(d) for d, _ in shown]

    axes.set_title(title, fontsize=13, color=TEXT, loc="left", pad=10, fontweight="bold")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(labelsize=11, colors=MUTED, length=0, pad=5)
    axes.yaxis.grid(True, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)

    top = max(values, default=0.0)
    if top <= 0:
        # The bot sends no chart without volume; drawn anyway, it says so.
        axes.set_xticks([])
        axes.set_yticks([])
        axes.yaxis.grid(False)
        axes.text(
            0.5,
            0.5,
            "No volume logged",
            ha="center",
            va="center",
            fontsize=13,
            color=MUTED,
            transform=axes.transAxes,
        )
    else:
        positions = list(range(len(values)))
        # An empty week is a short muted stub on the baseline: visibly zero, never a gap.
        heights = [v if v > 0 else top * 0.012 for v in values]
        colours = [BAR if v > 0 else GRID for v in values]
        bars = axes.bar(positions, heights, color=colours, width=0.68)
        # Labels step back from the latest week, which is always labelled.
        step = max(1, -(-len(labels) // MAX_LABELS))
        ticks = positions[::-1][::step][::-1]
        axes.set_xticks(ticks, [labels[i] for i in ticks])
        axes.set_xlim(-0.6, max(len(values), MIN_WEEKS) - 0.4)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _short(v)))
        if len(values) <= MAX_VALUE_LABELS:
            labelled = axes.bar_label(bars, labels=[_short(v) for v in values], fontsize=10, padding=2)
            for text, value in zip(labelled, values, strict=True):
                text.set_color(TEXT if value > 0 else MUTED)
        axes.set_ylim(0, top * 1.18)

    # Fixed margins instead of tight_layout(), which measures every label and doubles the time.
    figure.subplots_adjust(left=0.105, right=0.955, top=0.83, bottom=0.13)
    return figure


def render_weekly_volume(weeks: Sequence[tuple[date, float]], units: WeightSystem, title: str) -> bytes:
    """:func:`weekly_volume_figure` as PNG bytes."""
    return png_bytes(weekly_volume_figure(weeks, units, title))


def png_bytes(figure: Figure) -> bytes:
    """A figure as PNG on the embed's background."""
    buffer = io.BytesIO()
    # Light compression: a flat chart stays small, and this is a third of the default's time.
    figure.savefig(
        buffer, format="png", dpi=figure.dpi, facecolor=EMBED_BACKGROUND, pil_kwargs={"compress_level": 3}
    )
    return buffer.getvalue()


class RenderedPngs:
    """Recent pictures by their content, each drawn in a worker thread the first time.

    Drawing off the event loop keeps it serving members; the same data draws the same
    picture, so a member looking again gets theirs without a redraw.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._pngs: OrderedDict[Hashable, bytes] = OrderedDict()

    async def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        cached = self._pngs.get(key)
        if cached is not None:
            self._pngs.move_to_end(key)
            return cached
        png = await asyncio.to_thread(render)
        self._pngs[key] = png
        while len(self._pngs) > self.size:
            self._pngs.popitem(last=False)
        return png

    def clear(self) -> None:
        self._pngs.clear()


_PNGS = RenderedPngs()


async def weekly_volume_png(weeks: Sequence[tuple[date, float]], units: WeightSystem, title: str) -> bytes:
    """:func:`render_weekly_volume` in a worker thread, so the event loop keeps serving members.

    The same data renders the same picture, so recent charts are kept (by their data) and
    a member looking at their history again gets it without drawing it again.
    """
    shown = list(weeks)
    return await _PNGS.get((tuple(weeks), units, title), lambda: render_weekly_volume(shown, units, title))
