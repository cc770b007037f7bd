"""PNG charts for the workout log (weekly volume).

Rendering uses matplotlib's Agg backend through the object-oriented API (a
``Figure`` with its own Agg canvas) and never pyplot: pyplot keeps global state that
is not safe across threads, and charts are drawn in a worker thread
(:func:`weekly_volume_png`) so a slow render never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.domain.units import WeightSystem, kg_to_lb

#: Discord shows attachments about 400–550 px wide; 800×400 stays sharp there and draws fast.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.0, 100
BAR = "#2F9E72"
TEXT = "#23272A"
GRID = "#D5DADF"
MAX_LABELS = 14


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}".removesuffix(".0") + "k"
    return f"{value:.0f}"


def render_weekly_volume(weeks: Sequence[tuple[date, float]], units: WeightSystem, title: str) -> bytes:
    """Bars of weekly volume (kg in, shown in ``units``) as PNG bytes; an empty period says so."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    values = [kg_to_lb(v) if units == "lb" else v for _, v in weeks]
    labels = [f"{d:%b} {d.day}" for d, _ in weeks]

    axes.set_title(title, fontsize=16, color=TEXT, loc="left", pad=12)
    axes.set_ylabel(f"Volume ({units})", fontsize=13, color=TEXT)
    axes.set_xlabel("Week starting", fontsize=13, color=TEXT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=12, colors=TEXT)
    axes.yaxis.grid(True, color=GRID)
    axes.set_axisbelow(True)

    if not values or not any(values):
        axes.set_xticks([])
        axes.set_yticks([])
        axes.yaxis.grid(False)
        axes.text(
            0.5,
            0.5,
            "No volume logged in this period",
            ha="center",
            va="center",
            fontsize=16,
            color=TEXT,
            transform=axes.transAxes,
        )
    else:
        positions = list(range(len(values)))
        bars = axes.bar(positions, values, color=BAR, width=0.7)
        step = max(1, -(-len(labels) // MAX_LABELS))
        axes.set_xticks(positions[::step], labels[::step], rotation=45 if step > 1 or len(labels) > 8 else 0)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _short(v)))
        if len(values) <= 16:
            axes.bar_label(bars, labels=[_short(v) if v else "" for v in values], fontsize=11, color=TEXT)
        axes.set_ylim(0, max(values) * 1.15)

    # Fixed margins instead of tight_layout(), which measures every label and doubles the time.
    figure.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.2)
    buffer = io.BytesIO()
    # Light compression: a flat chart stays small, and this is a third of the default's time.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


_CACHE: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_CACHE_SIZE = 256


async def weekly_volume_png(weeks: Sequence[tuple[date, float]], units: WeightSystem, title: str) -> bytes:
    """:func:`render_weekly_volume` in a worker thread, so the event loop keeps serving members.

    The same data renders the same picture, so recent charts are kept (by their data) and
    a member looking at their history again gets it without drawing it again.
    """
    key = (tuple(weeks), units, title)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    png = await asyncio.to_thread(render_weekly_volume, list(weeks), units, title)
    _CACHE[key] = png
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return png
