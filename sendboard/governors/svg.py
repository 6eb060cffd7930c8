"""The pack's bar charts on screen as SVG drawings (an image), made on the server from the same
:class:`Bars` the PDF draws.

Why not plotly: the pack holds a chart in every section, and nine interactive plotly charts cost every
browser most of its work on the page (each is laid out and drawn by plotly's script on every visit, and a
governor's first look at the pack also waits for that 4.7 MB script). A bar chart whose every value is
printed on its bar needs no hover or zoom; as an image it is drawn at once, and "Save image" keeps it.
Its numbers stay beside it in the chart's Table tab (the text alternative), as for every chart.

Everything in the drawing that came from data (category and series names, the title) is XML-escaped, and
the drawing is shown as an image, where no script could run in any case.
"""
from __future__ import annotations

import math
import textwrap
from xml.sax.saxutils import escape

from ..charts import PALETTE
from ..disclosure import SECONDARY_MARK
from .pack_parts import Bars

WIDTH = 680  # drawn at this size on a desktop; on a tablet the image shrinks to fit, text and all
INK = "#31333F"
MUTED = "#5A6068"
RULE = "#D0D4D8"
FONT = "'Source Sans Pro', Helvetica, Arial, sans-serif"  # an image cannot use the page's web font
CHAR_WIDTH = 0.56  # an average character's width in ems, for wrapping and the legend's spacing


def _text(x: float, y: float, text: str, size: float = 13, *, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(str(text))}</text>')


def _wrap(text: str, width_px: float, size: float) -> list[str]:
    chars = max(4, int(width_px / (size * CHAR_WIDTH)))
    return textwrap.wrap(str(text), chars, break_long_words=False, break_on_hyphens=False) or [""]


def _pale(colour: str, amount: float = 0.65) -> str:
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{int(c + (255 - c) * amount):02x}" for c in (r, g, b))


def _nice_top(vmax: float) -> tuple[float, float]:
    """An axis top at or above ``vmax`` and the step between its gridlines (1, 2 or 5 times a power of ten)."""
    if vmax <= 0:
        return 1.0, 0.25
    raw = vmax / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(vmax / step - 1e-9), step


def bars_svg(bars: Bars, threshold: int) -> str:
    """A grouped bar chart: title, legend, gridlines, bars labelled with their values, a pale bar with its
    range where a share's count is hidden, "x" where a figure is hidden, and the note on hidden figures."""
    parts: list[str] = []
    y = 22.0
    for line in _wrap(bars.title, WIDTH - 10, 16):
        parts.append(_text(0, y, line, 16, weight="600"))
        y += 20
    names = list(bars.series)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    if len(names) > 1:  # a legend, wrapping onto more rows when the names are long
        x, y = 0.0, y + 4
        for name in names:
            width = 18 + len(str(name)) * 13 * CHAR_WIDTH + 18
            if x > 0 and x + width > WIDTH:
                x, y = 0.0, y + 20
            parts.append(f'<rect class="key" x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colours[name]}"/>')
            parts.append(_text(x + 18, y, name, 13))
            x += width
        y += 8
    top = y + 16
    plot_h = 200.0
    base = top + plot_h
    left = 48.0
    plot_w = WIDTH - left - 4
    values = bars.plotted()
    axis_top, step = _nice_top(max(values) * 1.1 if values else 1.0)
    ticks = int(round(axis_top / step))
    for k in range(ticks + 1):  # gridlines with their values
        value = k * step
        gy = base - plot_h * value / axis_top
        parts.append(f'<line x1="{left:.1f}" y1="{gy:.1f}" x2="{left + plot_w:.1f}" y2="{gy:.1f}" stroke="{RULE}" '
                     f'stroke-width="1"/>')
        label = bars.value_label(value) if bars.unit != "%" else f"{value:g}%"
        parts.append(_text(left - 6, gy + 4, label, 11, anchor="end", fill=MUTED))
    n_cat = max(len(bars.categories), 1)
    slot = plot_w / n_cat
    bar_w = min(46.0, slot * 0.8 / max(len(names), 1))
    group_w = bar_w * len(names)
    label_size = 11 if bar_w >= 34 else 9.5  # a value's label no wider than its bar, or nearly
    lowest = base
    for ci, category in enumerate(bars.categories):
        gx = left + ci * slot + (slot - group_w) / 2
        for si, name in enumerate(names):
            series = bars.series[name]
            v = series[ci] if ci < len(series) else float("nan")
            bx = gx + si * bar_w
            band = bars.range_at(name, ci)
            centre = bx + bar_w / 2
            if (v is None or math.isnan(v)) and band is not None:
                low, high = (plot_h * max(0.0, b) / axis_top for b in band)
                parts.append(f'<rect class="bar" x="{bx + 1:.2f}" y="{base - high:.2f}" width="{bar_w - 2:.2f}" '
                             f'height="{max(high - low, 1.0):.2f}" fill="{_pale(colours[name])}"/>')
                parts.append(_text(centre, base - high - 4, bars.range_label(band), label_size, anchor="middle"))
                continue
            if v is None or math.isnan(v):
                parts.append(_text(centre, base - 4, "x", 12, anchor="middle", fill=MUTED))
                continue
            h = max(0.0, plot_h * v / axis_top)
            if h > 0:
                parts.append(f'<rect class="bar" x="{bx + 1:.2f}" y="{base - h:.2f}" width="{bar_w - 2:.2f}" height="{h:.2f}" '
                             f'fill="{colours[name]}"/>')
            parts.append(_text(centre, base - h - 4, bars.value_label(v), label_size, anchor="middle"))
        ly = base + 16
        for line in _wrap(category, slot - 4, 12):  # every word of the name: none is cut off
            parts.append(_text(left + ci * slot + slot / 2, ly, line, 12, anchor="middle"))
            ly += 15
        lowest = max(lowest, ly)
    parts.append(f'<line x1="{left:.1f}" y1="{base:.1f}" x2="{left + plot_w:.1f}" y2="{base:.1f}" stroke="{MUTED}" '
                 f'stroke-width="1"/>')
    y = lowest + 6
    note = bars.note(threshold)
    if note:
        note = f"x = not plotted. {note}" if bars.hidden else note
        for line in _wrap(note, WIDTH, 12):
            parts.append(_text(0, y, line, 12, fill=MUTED))
            y += 16
    height = y + 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
            f'height="{height:.0f}" font-family="{FONT}">' + "".join(parts) + "</svg>")


def bars_alt(bars: Bars) -> str:
    """The image's alternative text: what the chart answers and every figure it shows, as the chart's
    table gives them (:func:`sendboard.governors.figures.chart_cells`): hidden ones as hidden."""
    from .figures import chart_cells

    cells = chart_cells(bars)
    categories = cells.pop("")
    parts = [f"Bar chart: {bars.title}."]
    for name, values in cells.items():
        parts.append(f"{name}: " + "; ".join(f"{c} {_alt_value(v, bars.unit)}" for c, v in zip(categories, values)) + ".")
    return " ".join(parts)


def _alt_value(cell, unit: str) -> str:
    text = str(cell)
    if text == SECONDARY_MARK:
        return "hidden"
    if "–" in text:
        low, high = text.split("–")
        return f"between {low} and {high}{'%' if unit == '%' else ''} (the count is hidden)"
    return f"{text}%" if unit == "%" else text
