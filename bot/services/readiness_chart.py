"""The /readiness picture: one horizontal bar per muscle group, coloured by how ready it is.

Drawn with matplotlib for Discord's dark theme, like the weekly-volume chart
(:mod:`bot.services.charts`), and matplotlib is imported only when the first picture is
drawn. /readiness should answer as fast as a text command, and a full matplotlib draw
costs several times its budget, so the parts that never change for a set of rows (the
names, the grey tracks, the title, the 40 % line, the key) are drawn once and kept; each
picture is a copy of that background with only its bars and figures painted on.
Renders run in a worker thread, one at a time.
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
BAR_HEIGHT = 0.64

Row = tuple[str, int]

_LOCK = threading.Lock()
_LAYOUTS: OrderedDict[tuple[object, ...], _Layout] = OrderedDict()
#: /readiness shows 12 to 19 rows, so every background it needs stays kept.
_LAYOUT_CACHE = 24
_PNGS: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_PNG_CACHE = 256


def colour(percent: int, ease_off: int, ready: int) -> str:
    if percent < ease_off:
        return EASE_OFF
    return RECOVERING if percent < ready else READY


class _Layout:
    """The background for a number of rows, and where each row's name, bar and figure go.

    matplotlib draws the background once; each picture is a copy of it with the names,
    bars and figures painted on with Pillow, in matplotlib's font at the same size, which
    is several times quicker than drawing the figure again. Names are painted rather than
    drawn in so that one background serves every list of groups of that length: which
    groups are shown changes as a member trains, and a new background costs a full draw.
    """

    def __init__(self, rows: int, ease_off: int, ready: int, title: str) -> None:
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image, ImageFont

        height = FRAME_IN + ROW_IN * rows
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor=EMBED_BACKGROUND)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot(facecolor=EMBED_BACKGROUND)
        ys = list(range(rows))[::-1]
        axes.barh(ys, [100] * rows, color=TRACK, height=BAR_HEIGHT)
        axes.set_yticks([])
        axes.set_xlim(0, 117)
        axes.set_ylim(-0.6, rows - 0.4)
        axes.set_xticks([])
        for side in axes.spines.values():
            side.set_visible(False)
        axes.axvline(ease_off, color=MUTED, linestyle=(0, (2, 2)), linewidth=0.9)
        axes.set_title(title, fontsize=13, color=TEXT, loc="left", pad=8, fontweight="bold")
        bottom = 0.42 / height
        key = [
            ("ready", READY, f"≥ {ready}%"),
            ("recovering", RECOVERING, ""),
            ("ease off", EASE_OFF, f"< {ease_off}%"),
        ]
        x = 0.02
        for name, shade, note in key:
            figure.text(x, bottom * 0.45, "■", color=shade, fontsize=11, va="center")
            text = f"{name} {note}".strip()
            figure.text(x + 0.035, bottom * 0.45, text, color=MUTED, fontsize=9, va="center")
            x += 0.06 + 0.0155 * len(text)
        figure.subplots_adjust(left=0.25, right=0.97, top=1 - 0.55 / height, bottom=bottom)
        canvas.draw()
        width, pixels_high = canvas.get_width_height()
        self.background = Image.frombuffer(
            "RGBA", (width, pixels_high), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        ).convert("RGB")
        # Pixel boxes of each row's bar (Pillow counts y from the top, matplotlib from the bottom).
        self.rows: list[tuple[float, float, float, float]] = []
        for y in ys:
            (left, low), (full, high) = axes.transData.transform(
                [(0, y - BAR_HEIGHT / 2), (100, y + BAR_HEIGHT / 2)]
            )
            self.rows.append((left, pixels_high - high, full, pixels_high - low))
        self.figure_x = axes.transData.transform([(103, 0)])[0][0]
        # Names end where matplotlib puts tick labels: 6 points left of the axes.
        self.label_x = axes.transData.transform([(0, 0)])[0][0] - 6 * DPI / 72
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
        self.font = ImageFont.truetype(path, size=round(10 * DPI / 72))

        # The palette every picture of this layout is written with: the background with bars
        # of each colour and every digit painted on, so the text's anti-aliased edges have
        # their shades. Mapping onto a known palette is far quicker than finding one each time.
        sample = self.background.copy()
        shades = (READY, RECOVERING, EASE_OFF)
        names = ["Hamstrings", "Lower back", "Hip flexors"] * rows
        self._paint(
            sample, names[:rows], [(37 * i) % 101 for i in range(rows)], [shades[i % 3] for i in range(rows)]
        )
        self._paint(sample, names[:rows], [0] * rows, [READY] * rows, text="0123456789%")
        self.palette = sample.quantize(colors=64, method=Image.Quantize.FASTOCTREE)

    def _paint(
        self,
        picture: Any,
        labels: Sequence[str],
        percents: Sequence[int],
        shades: Sequence[str],
        text: str | None = None,
    ) -> None:
        from PIL import ImageDraw

        draw = ImageDraw.Draw(picture)
        for (left, top, full, bottom), label, percent, shade in zip(
            self.rows, labels, percents, shades, strict=True
        ):
            draw.text((self.label_x, (top + bottom) / 2), label, fill=TEXT, font=self.font, anchor="rm")
            right = left + (full - left) * max(percent, 0.8) / 100
            draw.rectangle((round(left), round(top), round(right) - 1, round(bottom) - 1), fill=shade)
            figure = text if text is not None else f"{percent}%"
            draw.text((self.figure_x, (top + bottom) / 2), figure, fill=TEXT, font=self.font, anchor="lm")

    def render(self, labels: Sequence[str], percents: Sequence[int], ease_off: int, ready: int) -> bytes:
        from PIL import Image

        picture = self.background.copy()
        self._paint(picture, labels, percents, [colour(p, ease_off, ready) for p in percents])
        flat = picture.quantize(palette=self.palette, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG", compress_level=3)
        return buffer.getvalue()


def render_readiness(rows: Sequence[Row], *, ease_off: int, ready: int, title: str) -> bytes:
    """PNG bytes of the bars for ``rows`` ((group name, whole percent) from top to bottom)."""
    key = (len(rows), ease_off, ready, title)
    with _LOCK:
        layout = _LAYOUTS.get(key)
        if layout is None:
            layout = _LAYOUTS[key] = _Layout(len(rows), ease_off, ready, title)
            while len(_LAYOUTS) > _LAYOUT_CACHE:
                _LAYOUTS.popitem(last=False)
        else:
            _LAYOUTS.move_to_end(key)
        return layout.render([label for label, _ in rows], [percent for _, percent in rows], ease_off, ready)


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
