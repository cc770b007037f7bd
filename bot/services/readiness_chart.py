"""The /readiness picture: one horizontal bar per muscle group, coloured by how ready it is.

Drawn with matplotlib for Discord's dark theme, like the weekly-volume chart
(:mod:`bot.services.charts`), and matplotlib is imported only when the first picture is
drawn. /readiness should answer as fast as a text command, and a full matplotlib draw
costs several times its budget, so the parts that never change for a set of rows (the
names, the grey tracks, the title, the 40 % line, the key) are drawn once and kept; each
picture restores that background and draws only its bars and figures on it (matplotlib's
blitting). Renders run in a worker thread, one at a time (a kept figure is not
thread-safe).
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

#: Discord's dark theme and the brand colours, as in bot/services/charts.py.
EMBED_BACKGROUND = "#393A41"
TEXT = "#F3F3F4"
MUTED = "#B5BAC1"
TRACK = "#4E5058"
READY = "#3BB580"
RECOVERING = "#F0B232"
EASE_OFF = "#ED4245"
#: Shown at most 400 px wide in an embed: drawn at twice that.
WIDTH_IN, DPI = 5.0, 160
ROW_IN, FRAME_IN = 0.27, 1.05

Row = tuple[str, int]

_LOCK = threading.Lock()
_LAYOUTS: OrderedDict[tuple[object, ...], _Layout] = OrderedDict()
_LAYOUT_CACHE = 16
_PNGS: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_PNG_CACHE = 256


def colour(percent: int, ease_off: int, ready: int) -> str:
    if percent < ease_off:
        return EASE_OFF
    return RECOVERING if percent < ready else READY


class _Layout:
    """A drawn background for one list of group names, with the artists each picture updates."""

    def __init__(self, labels: Sequence[str], ease_off: int, ready: int, title: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rows = len(labels)
        height = FRAME_IN + ROW_IN * rows
        self.figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor=EMBED_BACKGROUND)
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.axes = self.figure.add_subplot(facecolor=EMBED_BACKGROUND)
        ys = list(range(rows))[::-1]
        axes.barh(ys, [100] * rows, color=TRACK, height=0.64)
        self.bars = list(axes.barh(ys, [0] * rows, color=READY, height=0.64, animated=True))
        self.values = [
            axes.text(103, y, "", va="center", ha="left", fontsize=10, color=TEXT, animated=True) for y in ys
        ]
        axes.set_yticks(ys, list(labels))
        axes.set_xlim(0, 117)
        axes.set_ylim(-0.6, rows - 0.4)
        axes.set_xticks([])
        for side in axes.spines.values():
            side.set_visible(False)
        axes.tick_params(colors=TEXT, length=0, labelsize=10, pad=6)
        axes.axvline(ease_off, color=MUTED, linestyle=(0, (2, 2)), linewidth=0.9, zorder=3)
        axes.set_title(title, fontsize=13, color=TEXT, loc="left", pad=8, fontweight="bold")
        bottom = 0.42 / height
        key = [
            ("ready", READY, f"≥ {ready}%"),
            ("recovering", RECOVERING, ""),
            ("ease off", EASE_OFF, f"< {ease_off}%"),
        ]
        x = 0.02
        for name, shade, note in key:
            self.figure.text(x, bottom * 0.45, "■", color=shade, fontsize=11, va="center")
            text = f"{name} {note}".strip()
            self.figure.text(x + 0.035, bottom * 0.45, text, color=MUTED, fontsize=9, va="center")
            x += 0.06 + 0.0155 * len(text)
        self.figure.subplots_adjust(left=0.25, right=0.97, top=1 - 0.55 / height, bottom=bottom)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def render(self, percents: Sequence[int], ease_off: int, ready: int) -> bytes:
        from PIL import Image

        self.canvas.restore_region(self.background)
        for bar, text, percent in zip(self.bars, self.values, percents, strict=True):
            bar.set_width(max(percent, 0.8))
            bar.set_color(colour(percent, ease_off, ready))
            text.set_text(f"{percent}%")
            self.axes.draw_artist(bar)
            self.axes.draw_artist(text)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        # A flat chart needs few colours: a 64-colour palette keeps the text's anti-aliasing,
        # and is a third of the file and faster to encode than full colour.
        flat = image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG", compress_level=3)
        return buffer.getvalue()


def render_readiness(rows: Sequence[Row], *, ease_off: int, ready: int, title: str) -> bytes:
    """PNG bytes of the bars for ``rows`` ((group name, whole percent) from top to bottom)."""
    labels = tuple(label for label, _ in rows)
    key = (labels, ease_off, ready, title)
    with _LOCK:
        layout = _LAYOUTS.get(key)
        if layout is None:
            layout = _LAYOUTS[key] = _Layout(labels, ease_off, ready, title)
            while len(_LAYOUTS) > _LAYOUT_CACHE:
                _LAYOUTS.popitem(last=False)
        else:
            _LAYOUTS.move_to_end(key)
        return layout.render([percent for _, percent in rows], ease_off, ready)


async def readiness_png(rows: Sequence[Row], *, ease_off: int, ready: int, title: str) -> bytes:
    """:func:`render_readiness` in a worker thread; the same figures give the kept picture."""
    key: tuple[Any, ...] = (tuple(rows), ease_off, ready, title)
    cached = _PNGS.get(key)
    if cached is not None:
        _PNGS.move_to_end(key)
        return cached
    png = await asyncio.to_thread(render_readiness, list(rows), ease_off=ease_off, ready=ready, title=title)
    _PNGS[key] = png
    while len(_PNGS) > _PNG_CACHE:
        _PNGS.popitem(last=False)
    return png
