"""The /readiness picture: a bar per muscle group, coloured by how ready it is, in two columns.

Drawn with matplotlib for Discord's dark theme, like the weekly-volume chart
(:mod:`bot.services.charts`), and matplotlib is imported only when the first picture is
drawn. /readiness should answer as fast as a text command, and a full matplotlib draw
costs several times its budget, so the parts that never change for a set of rows (the
names, the grey tracks, the title, the 40 % line, the key) are drawn once and kept; each
picture is a copy of that background with only its bars and figures painted on.
Renders run in a worker thread, one at a time.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from bot.services.charts import EMBED_BACKGROUND, RenderedPngs

#: Discord's dark theme and the brand colours, as in bot/services/charts.py.
TEXT = "#F3F3F4"
MUTED = "#B5BAC1"
TRACK = "#4E5058"
READY = "#3BB580"
RECOVERING = "#F0B232"
EASE_OFF = "#ED4245"
#: Discord shows an embed's image at most 400 px wide and about 300 px high, scaling a taller
#: one down; so the groups sit in two columns of at most ten rows (800 x 563 px, shown at
#: 400 x 282), drawn at twice the shown size with fonts sized for it.
WIDTH_IN, DPI = 5.0, 160
ROW_IN, TOP_IN, BOTTOM_IN = 0.25, 0.62, 0.4
BAR_HEIGHT = 0.64
#: Each column, in fractions of the width: where its names end and its bars start, and
#: how wide its axes are (bars fill 0-100 of x 0-135; the figure sits to their right).
COLUMN_STARTS = (0.19, 0.675)
AXES_WIDTH = 0.28
X_MAX = 135

Row = tuple[str, int]

_LOCK = threading.Lock()
_LAYOUTS: OrderedDict[tuple[object, ...], _Layout] = OrderedDict()
#: A background per pair of column lengths (at most 10 x 10), so the usual ones stay kept.
_LAYOUT_CACHE = 32
_PNGS = RenderedPngs()


def colour(percent: int, ease_off: int, ready: int) -> str:
    if percent < ease_off:
        return EASE_OFF
    return RECOVERING if percent < ready else READY


class _Layout:
    """The background for columns of given lengths, and where each row's name, bar and figure go.

    matplotlib draws the background once; each picture is a copy of it with the names,
    bars and figures painted on with Pillow, in matplotlib's font at the same size, which
    is several times quicker than drawing the figure again. Names are painted rather than
    drawn in so that one background serves every list of groups of those lengths: which
    groups are shown changes as a member trains, and a new background costs a full draw.
    """

    def __init__(
        self, lengths: Sequence[int], headings: Sequence[str], ease_off: int, ready: int, title: str
    ) -> None:
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image, ImageFont

        tallest = max(1, *lengths)
        height = TOP_IN + BOTTOM_IN + ROW_IN * tallest
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor=EMBED_BACKGROUND)
        canvas = FigureCanvasAgg(figure)
        bottom, top = BOTTOM_IN / height, 1 - TOP_IN / height
        figure.text(0.03, 1 - 0.24 / height, title, fontsize=13, color=TEXT, fontweight="bold", va="center")
        columns = []
        for start, count, heading in zip(COLUMN_STARTS, lengths, headings, strict=True):
            axes = figure.add_axes((start, bottom, AXES_WIDTH, top - bottom), facecolor=EMBED_BACKGROUND)
            ys = list(range(tallest - 1, tallest - 1 - count, -1))
            if ys:
                axes.barh(ys, [100] * count, color=TRACK, height=BAR_HEIGHT)
            axes.set_xlim(0, X_MAX)
            axes.set_ylim(-0.6, tallest - 0.4)
            axes.set_xticks([])
            axes.set_yticks([])
            for side in axes.spines.values():
                side.set_visible(False)
            axes.axvline(ease_off, ymin=0, ymax=1, color=MUTED, linestyle=(0, (2, 2)), linewidth=0.9)
            figure.text(start - 0.16, top + 0.16 / height, heading, fontsize=9.5, color=MUTED, va="center")
            columns.append((axes, ys))
        key = [
            ("ready", READY, f"≥ {ready}%"),
            ("recovering", RECOVERING, ""),
            ("ease off", EASE_OFF, f"< {ease_off}%"),
        ]
        x = 0.03
        for name, shade, note in key:
            figure.text(x, bottom * 0.45, "■", color=shade, fontsize=11, va="center")
            text = f"{name} {note}".strip()
            figure.text(x + 0.035, bottom * 0.45, text, color=MUTED, fontsize=9, va="center")
            x += 0.06 + 0.0155 * len(text)
        canvas.draw()
        width, pixels_high = canvas.get_width_height()
        self.background = Image.frombuffer(
            "RGBA", (width, pixels_high), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        ).convert("RGB")
        # Per row, top to bottom and column by column: where its name ends, its bar's box,
        # and where its figure starts (Pillow counts y from the top, matplotlib from the bottom).
        self.rows: list[tuple[float, float, float, float, float, float]] = []
        for axes, ys in columns:
            for y in ys:
                (left, low), (full, high), (figure_x, _) = axes.transData.transform(
                    [(0, y - BAR_HEIGHT / 2), (100, y + BAR_HEIGHT / 2), (104, y)]
                )
                label_x = left - 6 * DPI / 72
                self.rows.append((label_x, left, pixels_high - high, full, pixels_high - low, figure_x))
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
        self.font = ImageFont.truetype(path, size=round(10 * DPI / 72))

        # The palette every picture of this layout is written with: the background with bars
        # of each colour and every digit painted on, so the text's anti-aliased edges have
        # their shades. Mapping onto a known palette is far quicker than finding one each time.
        sample = self.background.copy()
        shades = (READY, RECOVERING, EASE_OFF)
        count = len(self.rows)
        names = ["Hamstrings", "Lower back", "Hip flexors"] * count
        self._paint(
            sample,
            names[:count],
            [(37 * i) % 101 for i in range(count)],
            [shades[i % 3] for i in range(count)],
        )
        self._paint(sample, names[:count], [0] * count, [READY] * count, text="0123456789%")
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
        for (label_x, left, top, full, bottom, figure_x), label, percent, shade in zip(
            self.rows, labels, percents, shades, strict=True
        ):
            middle = (top + bottom) / 2
            draw.text((label_x, middle), label, fill=TEXT, font=self.font, anchor="rm")
            right = left + (full - left) * max(percent, 0.8) / 100
            draw.rectangle((round(left), round(top), round(right) - 1, round(bottom) - 1), fill=shade)
            figure = text if text is not None else f"{percent}%"
            draw.text((figure_x, middle), figure, fill=TEXT, font=self.font, anchor="lm")

    def render(self, labels: Sequence[str], percents: Sequence[int], ease_off: int, ready: int) -> bytes:
        from PIL import Image

        picture = self.background.copy()
        self._paint(picture, labels, percents, [colour(p, ease_off, ready) for p in percents])
        flat = picture.quantize(palette=self.palette, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG", compress_level=3)
        return buffer.getvalue()


def render_readiness(
    columns: Sequence[Sequence[Row]], *, headings: Sequence[str], ease_off: int, ready: int, title: str
) -> bytes:
    """PNG bytes of two columns of bars, each a list of (group name, whole percent), top to bottom."""
    if len(columns) != len(COLUMN_STARTS) or len(headings) != len(COLUMN_STARTS):
        raise ValueError(f"the picture has {len(COLUMN_STARTS)} columns, each with a heading")
    lengths = tuple(len(column) for column in columns)
    key = (lengths, tuple(headings), ease_off, ready, title)
    rows = [row for column in columns for row in column]
    with _LOCK:
        layout = _LAYOUTS.get(key)
        if layout is None:
            layout = _LAYOUTS[key] = _Layout(lengths, headings, ease_off, ready, title)
            while len(_LAYOUTS) > _LAYOUT_CACHE:
                _LAYOUTS.popitem(last=False)
        else:
            _LAYOUTS.move_to_end(key)
        return layout.render([label for label, _ in rows], [percent for _, percent in rows], ease_off, ready)


async def readiness_png(
    columns: Sequence[Sequence[Row]], *, headings: Sequence[str], ease_off: int, ready: int, title: str
) -> bytes:
    """:func:`render_readiness` in a worker thread; the same figures give the kept picture."""
    key: tuple[Any, ...] = (tuple(tuple(c) for c in columns), tuple(headings), ease_off, ready, title)
    shown = [list(c) for c in columns]
    return await _PNGS.get(
        key, lambda: render_readiness(shown, headings=headings, ease_off=ease_off, ready=ready, title=title)
    )
