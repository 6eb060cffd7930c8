"""Charts drawn on the server: a page's plotly Figure as an SVG image the browser draws at once.

Why: the browser must fetch, compile and run plotly's 4.7 MB script before it can draw a session's first
plotly chart (most of a second of its main thread on a modest machine), and it lays out every plotly chart
with that script on every visit. Our charts need none of that to be read: their values are printed on
them, and each chart's numbers are in the Table tab beside it (its text alternative). So each chart
function still builds a plotly Figure, the one description of the chart (the Interactive tab hands it to
plotly, for hovering and zooming), and this module draws that Figure as SVG on the server.

It draws the parts of plotly that our charts use, as plotly places them: bar traces (vertical or
horizontal, grouped or stacked, hatched, labelled outside the bar), scatter traces (lines, markers of
several symbols and sizes, labels, asymmetric error bars), heatmaps with text; category, linear, log and
date axes (an explicit range, ``autorange="reversed"``, ``rangemode="tozero"``, a tick prefix, suffix,
format, values and texts, a category order); horizontal and vertical reference lines with their notes;
and a horizontal legend above or below the plot. Anything else in a Figure is left out of the drawing, so
a new chart is looked at in a browser before it ships (`tests/test_svgchart.py` draws every chart).

Everything that came from data is XML-escaped, and the drawing is shown as an image, where no script
could run in any case. (An image, because Streamlit's st.html keeps HTML only and drops SVG.)
"""
from __future__ import annotations

import base64
import math
import re
import textwrap
from datetime import UTC, date, datetime, timedelta
from xml.sax.saxutils import escape

import numpy as np

from .charts import PALETTE

WIDTH = 700  # pixels, at most the main column's width on a laptop; on a narrower screen the image shrinks to fit
SIZE = 13  # the labels' font size in pixels (the title's is 17), as plotly's charts had them
INK = "#31333F"
MUTED = "#5A6068"
GRID = "#E6E9EF"
AXIS = "#A3A8B4"
CHAR_WIDTH = 0.55  # an average character's width in ems, to lay out and wrap text without a font
FONT = "'Source Sans Pro', 'Source Sans 3', sans-serif"
BAR_GAP = 0.2  # plotly's default gap between the bands of neighbouring categories
DASHES = {"dot": "2,3", "dash": "6,4", "dashdot": "6,3,2,3", "longdash": "10,4", "solid": None, None: None}
EPOCH = datetime(1970, 1, 1)
SLANTED_CHARACTERS = 26  # a slanted category label longer than this is cut (the Table tab has it whole)


# --------------------------------------------------------------------------- values


def _array(value) -> list:
    """A trace property as a Python list: plotly keeps lists, tuples, numpy arrays, or (in its JSON) typed
    arrays as base64 ``bdata``. Missing values become None."""
    if value is None:
        return []
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            out = out.reshape([int(n) for n in str(value["shape"]).split(",")])
        value = out
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.datetime64):
            return [None if np.isnat(v) else v.astype("datetime64[us]").astype(datetime) for v in value]
        value = value.tolist()
    return [_clean(v) for v in value] if isinstance(value, (list, tuple)) else [_clean(value)]


def _clean(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_clean(x) for x in v]
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "to_pydatetime"):  # a pandas Timestamp
        return None if v != v else v.to_pydatetime()
    if isinstance(v, np.generic):
        return _clean(v.item())
    return v


def _each(value, n: int, default=None) -> list:
    """A property that is either one value for the whole trace or one per point."""
    if isinstance(value, (list, tuple, np.ndarray)) or (isinstance(value, dict) and "bdata" in value):
        out = _array(value)
        return (out + [default] * n)[:n]
    return [default if value is None else _clean(value)] * n


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _as_time(v) -> float | None:
    """A date as milliseconds since 1970, as plotly reads a date axis."""
    if v is None:
        return None
    if _is_number(v):
        return float(v)
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    if isinstance(v, date) and not isinstance(v, datetime):
        v = datetime(v.year, v.month, v.day)
    if v.tzinfo is not None:
        v = v.astimezone(UTC).replace(tzinfo=None)
    return (v - EPOCH) / timedelta(milliseconds=1)


def _from_time(ms: float) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


# --------------------------------------------------------------------------- text


def _plain(text) -> str:
    """plotly's text markup (<br>, <b>, <i>) as plain text, lines joined by newlines."""
    text = re.sub(r"<br\s*/?>", "\n", str(text), flags=re.I)
    return re.sub(r"</?(b|i|em|strong|sup|sub|span)[^>]*>", "", text, flags=re.I)


def _lines(text) -> list[str]:
    if _is_number(text):  # as plotly's script prints a number: 48.0 is "48"
        text = str(int(text)) if float(text).is_integer() and abs(text) < 1e15 else repr(text)
    return _plain(text).split("\n") if text not in (None, "") else []


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _wrap(text: str, width_px: float, size: float, max_lines: int = 3) -> list[str]:
    out: list[str] = []
    for line in _lines(text) or [""]:
        out += textwrap.wrap(line, max(4, int(width_px / (size * CHAR_WIDTH))), break_long_words=False) or [""]
    if len(out) > max_lines:
        out = out[:max_lines]
        out[-1] = out[-1].rstrip(" ,;") + "…"
    return out


def _text(x: float, y: float, lines, size: float = SIZE, *, anchor: str = "start", fill: str = INK,
          weight: str = "normal", baseline: str = "middle", rotate: float | None = None) -> str:
    """Text of one or more lines whose block is centred (``baseline='middle'``), hangs below
    (``'hanging'``) or sits on (``'alphabetic'``) ``y``."""
    lines = [lines] if isinstance(lines, str) else list(lines)
    step = size * 1.2
    first = {"middle": y - step * (len(lines) - 1) / 2 + size * 0.35, "hanging": y + size * 0.8,
             "alphabetic": y - step * (len(lines) - 1)}[baseline]
    turn = f' transform="rotate({rotate:.0f} {x:.1f} {y:.1f})"' if rotate else ""
    spans = "".join(f'<tspan x="{x:.1f}" y="{first + i * step:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    bold = ' font-weight="bold"' if weight != "normal" else ""
    return f'<text font-size="{size:g}" text-anchor="{anchor}" fill="{fill}"{bold}{turn}>{spans}</text>'


def _number(v: float, fmt: str | None = None, step: float | None = None) -> str:
    """A tick or hover value: a d3 format such as ',.0f' or '.2f' read as Python's (the two agree on these),
    otherwise as many decimals as the step between ticks needs."""
    if fmt:
        try:
            return format(v, fmt)
        except (ValueError, TypeError):
            pass
    if step is not None:
        decimals = 0  # as many as the step has: 2.5 apart needs one
        while decimals < 6 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-9:
            decimals += 1
        return f"{v:,.{decimals}f}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- axes


class Axis:
    """One axis: its kind (category, linear, log, date), its span on the page and the mapping to it."""

    def __init__(self, spec: dict, values: list, *, extent: list[float], include_zero: bool,
                 pad: float):
        self.spec = spec
        self.title = ((spec.get("title") or {}).get("text") if isinstance(spec.get("title"), dict)
                      else spec.get("title"))
        kind = spec.get("type")
        present = [v for v in values if v is not None]
        if kind in (None, "-"):
            if present and all(_is_number(v) for v in present):
                kind = "linear"
            elif present and all(isinstance(v, (datetime, date)) for v in present):
                kind = "date"
            else:
                kind = "category"
        self.kind = kind
        self.reversed = spec.get("autorange") == "reversed"
        self.categories: list = []
        if kind == "category":
            order = spec.get("categoryarray") if spec.get("categoryorder") == "array" else None
            seen = [str(v) for v in (order or [])] + [str(v) for v in present]
            self.categories = list(dict.fromkeys(seen))
            self.low, self.high = -0.5, len(self.categories) - 0.5
            return
        given = spec.get("range")
        if kind == "date":
            extent = [t for t in (_as_time(v) for v in present) if t is not None] + extent
            if given:
                self.low, self.high = _as_time(given[0]), _as_time(given[1])
            else:
                self.low, self.high = (min(extent), max(extent)) if extent else (0.0, 86_400_000.0)
                spread = (self.high - self.low) or 86_400_000.0
                self.low, self.high = self.low - spread * 0.05, self.high + spread * 0.05
            return
        if kind == "log":
            if given:
                self.low, self.high = float(given[0]), float(given[1])
            else:
                logs = [math.log10(v) for v in extent if v and v > 0]
                low, high = (min(logs), max(logs)) if logs else (0.0, 1.0)
                spread = (high - low) or 1.0
                self.low, self.high = low - spread * 0.08, high + spread * 0.08
            return
        if given:
            self.low, self.high = float(given[0]), float(given[1])
            return
        from_zero = include_zero or spec.get("rangemode") == "tozero"
        if from_zero:
            extent = extent + [0.0]
        low, high = (min(extent), max(extent)) if extent else (0.0, 1.0)
        if low == high:
            low, high = low - 1, high + 1
        spread = high - low
        # plotly pads the data's ends so a marker or a bar's label is not cut, but not a zero baseline
        self.low = low if from_zero and low == 0 else low - spread * pad
        self.high = high if from_zero and high == 0 else high + spread * pad

    def place(self, start: float, end: float) -> None:
        """The axis runs from page coordinate ``start`` (its low end) to ``end``; a y axis runs upwards."""
        self.start, self.end = (end, start) if self.reversed else (start, end)

    def position(self, value) -> float | None:
        if value is None:
            return None
        if self.kind == "category":
            key = str(value)
            if key not in self.categories:
                return None
            value = self.categories.index(key)
        elif self.kind == "date":
            value = _as_time(value)
        elif self.kind == "log":
            if not _is_number(value) or value <= 0:
                return None
            value = math.log10(value)
        elif not _is_number(value):
            return None
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)

    def band(self) -> float:
        """The page length of one category's band (for bars)."""
        if self.kind == "category":
            return abs(self.end - self.start) / max(1, len(self.categories))
        return abs(self.end - self.start) / max(1.0, self.high - self.low)

    def ticks(self, length: float) -> list[tuple[float, str]]:
        """(position, label) of each tick, with plotly's prefix and suffix."""
        prefix, suffix = self.spec.get("tickprefix") or "", self.spec.get("ticksuffix") or ""
        if self.kind == "category":
            return [(self.position(c), c) for c in self.categories]
        if self.spec.get("tickvals") is not None:
            texts = self.spec.get("ticktext") or [None] * len(self.spec["tickvals"])
            out = [(self.position(v), prefix + (_plain(t) if t is not None else _number(v)) + suffix)
                   for v, t in zip(_array(self.spec["tickvals"]), list(texts))]
            return [(p, t) for p, t in out if p is not None and self._inside(p)]
        if self.kind == "date":
            return self._date_ticks(length)
        if self.kind == "log":
            values = [m * 10 ** k for k in range(math.floor(self.low) - 1, math.ceil(self.high) + 1) for m in (1, 2, 5)]
            values = [v for v in values if self.low <= math.log10(v) <= self.high]
            if len(values) > max(2, length / 45):
                values = [v for v in values if math.log10(v).is_integer()] or values[:1]
            return [(self.position(v), prefix + _number(v, self.spec.get("tickformat")) + suffix) for v in values]
        step = nice_step((self.high - self.low) / max(2, min(8, length / 70)))
        first = math.ceil(self.low / step - 1e-9) * step
        count = int(math.floor((self.high - first) / step + 1e-9)) + 1
        return [(self.position(first + i * step),
                 prefix + _number(round(first + i * step, 10), self.spec.get("tickformat"), step) + suffix)
                for i in range(count)]

    def _inside(self, p: float) -> bool:
        low, high = sorted((self.start, self.end))
        return low - 0.5 <= p <= high + 0.5

    def _date_ticks(self, length: float) -> list[tuple[float, str]]:
        low, high = _from_time(self.low), _from_time(self.high)
        days = (high - low).days
        fmt = (self.spec.get("tickformat") or "").replace("%-d", "%d")
        if days > 70:  # month starts, every month or every few
            every = max(1, math.ceil((days / 30) / max(2, length / 80)))
            moment, out = datetime(low.year, low.month, 1), []
            while moment <= high:
                if moment >= low and (moment.month - 1) % every == 0:
                    out.append((self.position(moment), moment.strftime(fmt or "%b %Y")))
                moment = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1)
            return out
        every = max(1, math.ceil(days / max(2, length / 70)))
        every = 7 * math.ceil(every / 7) if every > 3 else every
        moment = datetime(low.year, low.month, low.day) + timedelta(days=1)
        if every % 7 == 0:
            moment += timedelta(days=(7 - moment.weekday()) % 7)  # Mondays
        out = []
        while moment <= high:
            out.append((self.position(moment), moment.strftime(fmt or "%d %b")))
            moment += timedelta(days=every)
        return out


def nice_step(raw: float) -> float:
    """A step between gridlines at or above ``raw``: 1, 2 or 5 times a power of ten (as plotly steps)."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-12)


# --------------------------------------------------------------------------- marks


def _symbol(name: str, x: float, y: float, size: float, fill: str, stroke: str | None, width: float,
            opacity: float) -> str:
    """A plotly marker symbol of diameter ``size`` centred on (x, y)."""
    name = name or "circle"
    hollow = name.endswith("-open")
    base = name.removesuffix("-open")
    r = size / 2
    paint = (f'fill="none" stroke="{fill}" stroke-width="{max(width, 1.5):g}"' if hollow else
             f'fill="{fill}"' + (f' stroke="{stroke}" stroke-width="{width:g}"' if stroke and width else ""))
    if opacity < 1:
        paint += f' fill-opacity="{opacity:g}"'
    if base == "square":
        return f'<rect x="{x - r * 0.9:.1f}" y="{y - r * 0.9:.1f}" width="{r * 1.8:.1f}" height="{r * 1.8:.1f}" {paint}/>'
    if base == "line-ew":
        return f'<line x1="{x - r:.1f}" y1="{y:.1f}" x2="{x + r:.1f}" y2="{y:.1f}" stroke="{fill}" stroke-width="{max(width, 2):g}"/>'
    if base in ("x", "cross"):
        d = r * 0.75
        lines = ([(x - d, y - d, x + d, y + d), (x - d, y + d, x + d, y - d)] if base == "x"
                 else [(x - r, y, x + r, y), (x, y - r, x, y + r)])
        return "".join(f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d2:.1f}" stroke="{fill}" stroke-width="2.5"/>'
                       for a, b, c, d2 in lines)
    if base == "diamond":
        points = [(x, y - r * 1.15), (x + r * 1.15, y), (x, y + r * 1.15), (x - r * 1.15, y)]
    elif base == "triangle-up":
        points = [(x, y - r * 1.1), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    elif base == "triangle-down":
        points = [(x, y + r * 1.1), (x + r, y - r * 0.8), (x - r, y - r * 0.8)]
    elif base == "star":
        points = [(x + (r * 1.2 if i % 2 == 0 else r * 0.5) * math.sin(i * math.pi / 5),
                   y - (r * 1.2 if i % 2 == 0 else r * 0.5) * math.cos(i * math.pi / 5)) for i in range(10)]
    else:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'
    return '<polygon points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in points) + f'" {paint}/>'


def _colour_at(scale: list, t: float) -> str:
    """A colour from a plotly colour scale ([[0, '#..'], ..., [1, '#..']]) at ``t`` in [0, 1]."""
    t = min(1.0, max(0.0, t))
    stops = [(float(p), c) for p, c in scale]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if p0 <= t <= p1:
            f = 0 if p1 == p0 else (t - p0) / (p1 - p0)
            a = [int(c0.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            b = [int(c1.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            return "#" + "".join(f"{round(u + (v - u) * f):02x}" for u, v in zip(a, b))
    return stops[-1][1]


# --------------------------------------------------------------------------- the chart


def cached_svg(fig, *, chart_id: str, width: int = WIDTH) -> str:
    """The figure's drawing, made once per figure and width: ``ui.figure`` hands every run the same Figure
    object for the same data, and the drawing is kept on it."""
    drawn = fig.__dict__.setdefault("_sendboard_svg", {})
    if (chart_id, width) not in drawn:
        drawn[chart_id, width] = svg(fig.to_plotly_json(), chart_id=chart_id, width=width)
    return drawn[chart_id, width]


def alt_text(fig, *, figures_in: str) -> str:
    """The image's alternative text: what the chart answers, and where its figures are (``figures_in``)."""
    title = _plain((fig.layout.title.text if fig.layout.title else None) or "A chart").replace("\n", " ")
    return f"Chart: {title} Its figures are in {figures_in}."


def svg(figure: dict, *, chart_id: str = "chart", width: int = WIDTH) -> str:
    """A plotly figure (``fig.to_plotly_json()``) drawn as an SVG document ``width`` pixels wide: a chart in a
    column is drawn for the column (shrunk to fit instead, its text would be too small to read)."""
    return _Drawing(figure, chart_id, width).draw()


class _Drawing:
    def __init__(self, figure: dict, chart_id: str, width: int):
        self.width = width
        self.layout = figure.get("layout") or {}
        self.traces = [t for t in figure.get("data") or [] if t.get("visible", True) is not False]
        self.chart_id = chart_id
        self.defs: dict[str, str] = {}
        self.colourway = self.layout.get("colorway") or PALETTE

    # ..................................................................... layout
    def draw(self) -> str:
        layout = self.layout
        title = (layout.get("title") or {}).get("text") or ""
        height = float(layout.get("height") or 380)
        margin = {"l": 10, "r": 10, "t": 70, "b": 10, **(layout.get("margin") or {})}
        head = _wrap(title, self.width - 20, 17, max_lines=3) if title else []
        top = 12 + 17 * 1.25 * len(head) + (6 if head else 0)
        legend_entries = self._legend_entries()
        legend = layout.get("legend") or {}
        legend_below = float(legend.get("y", 1)) < 0
        legend_rows = self._legend_rows(legend_entries, self.width - 20)
        legend_height = 22 * len(legend_rows)
        if not legend_below:
            top += legend_height + (6 if legend_rows else 0)

        x_axis, y_axis = self._axes()
        # room on the left for the y axis's labels and title; below for the x axis's (their labels are
        # worked out on a provisional placing: the plot's size depends on them)
        y_axis.place(height - 40, top + 8)
        y_ticks_guess = y_axis.ticks(200)
        y_label_lines = [_wrap(t, self.width * 0.34, SIZE) for _, t in y_ticks_guess]
        y_label_width = max([max(_width(line, SIZE) for line in lines) for lines in y_label_lines] + [0])
        left = 10 + (22 if y_axis.title else 0) + y_label_width + 8
        right = self.width - max(14.0, float(margin.get("r") or 10))
        x_axis.place(left, right)
        x_labels = x_axis.ticks(right - left)
        band = (right - left) / max(1, len(x_labels))
        widest = max([_width(_plain(t).replace("\n", " "), SIZE) for _, t in x_labels] + [0])
        self.slant = x_axis.kind == "category" and widest > band * 2.6
        if self.slant:  # labels slanted at 35 degrees, cut to SLANTED_CHARACTERS: room below, and to the left for the first
            longest = min(widest, _width("x" * SLANTED_CHARACTERS, SIZE))
            x_label_height = longest * 0.57 + 14
            left = max(left, longest * 0.82 - band / 2 + 4)
        else:
            lines = max([len(_wrap(t, band - 4, SIZE)) for _, t in x_labels] + [1]) if x_axis.kind == "category" else 1
            x_label_height = SIZE * 1.2 * lines + 6
        self.x_label_height = x_label_height
        bottom_room = x_label_height + (22 if x_axis.title else 0) + (legend_height + 8 if legend_below else 0) + 8
        plot_height = max(120.0, height - top - bottom_room - 8)
        height = top + 8 + plot_height + bottom_room
        plot_top, plot_bottom = top + 8, top + 8 + plot_height

        x_axis.place(left, right)
        y_axis.place(plot_bottom, plot_top)
        self.x, self.y = x_axis, y_axis
        self.box = (left, plot_top, right, plot_bottom)

        out: list[str] = []
        if head:
            out.append(_text(10, 12, head, 17, baseline="hanging"))
        out += self._grid_and_ticks()
        for trace in self.traces:
            if trace.get("type") == "heatmap":
                out += self._heatmap(trace)
        out += self._bars()
        for trace_index, trace in enumerate(self.traces):
            if trace.get("type", "scatter") == "scatter":
                out += self._scatter(trace, trace_index)
        out += self._shapes_and_notes()
        if legend_rows:
            legend_top = (plot_bottom + x_label_height + (22 if x_axis.title else 0) + 10) if legend_below \
                else top - legend_height
            out += self._legend(legend_rows, legend_top)
        label = _plain(title).replace("\n", " ") or "Chart"
        defs = f"<defs>{''.join(self.defs.values())}</defs>" if self.defs else ""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {height:.0f}" role="img" '
                f'class="sendboard-chart" data-chart="{escape(self.chart_id, {chr(34): "&quot;"})}" '
                f'aria-label="{escape(label, {chr(34): "&quot;"})}" font-family="{FONT}" '
                f'width="{self.width}" height="{height:.0f}">'
                f'{defs}{"".join(out)}</svg>')

    def _axes(self) -> tuple[Axis, Axis]:
        xs, ys, x_extent, y_extent = [], [], [], []
        include_zero = {"x": False, "y": False}
        pads = {"x": 0.05, "y": 0.05}
        stacked = self.layout.get("barmode") == "stack"
        totals: dict[tuple[str, str], float] = {}
        for trace in self.traces:
            kind = trace.get("type", "scatter")
            if kind == "heatmap":
                xs += _array(trace.get("x")) or list(range(len(_array(trace.get("z"))[0] if trace.get("z") is not None else [])))
                ys += _array(trace.get("y")) or list(range(len(_array(trace.get("z")))))
                continue
            x, y = _array(trace.get("x")), _array(trace.get("y"))
            if kind == "bar":
                horizontal = trace.get("orientation") == "h"
                cats, vals = (y, x) if horizontal else (x, y)
                if not cats:
                    cats = list(range(len(vals)))
                (ys if horizontal else xs).extend(cats)
                (xs if horizontal else ys).extend(vals)
                # bars on a numeric axis (staff 1..n): the axis holds each bar's whole band
                (y_extent if horizontal else x_extent).extend(
                    edge for c in cats if _is_number(c) for edge in (c - 0.5, c + 0.5))
                value_axis = "x" if horizontal else "y"
                include_zero[value_axis] = True
                if trace.get("text") is not None:
                    pads[value_axis] = max(pads[value_axis], 0.12)
                for c, v in zip(cats, vals):
                    if not _is_number(v):
                        continue
                    if stacked:
                        key = (value_axis, str(c), v >= 0)
                        totals[key] = totals.get(key, 0.0) + v
                        (x_extent if horizontal else y_extent).append(totals[key])
                    else:
                        (x_extent if horizontal else y_extent).append(v)
                continue
            xs += x
            ys += y
            n = max(len(x), len(y))
            for letter, values, extent in (("x", x, x_extent), ("y", y, y_extent)):
                error = trace.get(f"error_{letter}") or {}
                plus = _each(error.get("array"), n, 0) if error else [0] * n
                minus = _each(error.get("arrayminus"), n, 0) if error.get("arrayminus") is not None else plus
                for v, p, m in zip(values, plus, minus):
                    if _is_number(v):
                        extent += [v + (p or 0), v - (m or 0)]
        for shape in self.layout.get("shapes") or []:  # plotly's autorange takes in reference lines
            for letter, extent in (("x", x_extent), ("y", y_extent)):
                if shape.get(f"{letter}ref", letter) == letter:
                    extent += [v for v in (shape.get(f"{letter}0"), shape.get(f"{letter}1")) if _is_number(v)]
        x_axis = Axis(self.layout.get("xaxis") or {}, xs, extent=x_extent, include_zero=include_zero["x"], pad=pads["x"])
        y_axis = Axis(self.layout.get("yaxis") or {}, ys, extent=y_extent, include_zero=include_zero["y"], pad=pads["y"])
        return x_axis, y_axis

    # ..................................................................... axes and grid
    def _grid_and_ticks(self) -> list[str]:
        left, top, right, bottom = self.box
        out = []
        heatmap = any(t.get("type") == "heatmap" for t in self.traces)
        for axis, horizontal in ((self.y, True), (self.x, False)):
            length = (bottom - top) if horizontal else (right - left)
            origin = axis.position(0) if axis.kind == "linear" else None  # its gridline drawn darker
            for position, label in axis.ticks(length):
                if position is None:
                    continue
                if axis.kind != "category" and not heatmap:
                    colour = AXIS if origin is not None and abs(origin - position) < 0.5 else GRID
                    out.append(f'<line x1="{left:.1f}" y1="{position:.1f}" x2="{right:.1f}" y2="{position:.1f}" stroke="{colour}"/>'
                               if horizontal else
                               f'<line x1="{position:.1f}" y1="{top:.1f}" x2="{position:.1f}" y2="{bottom:.1f}" stroke="{colour}"/>')
                if horizontal:
                    lines = _wrap(label, self.width * 0.34, SIZE)
                    out.append(_text(left - 8, position, lines, SIZE, anchor="end", fill=MUTED))
                elif self.slant:
                    short = _plain(label).replace("\n", " ")
                    short = short if len(short) <= SLANTED_CHARACTERS else short[:SLANTED_CHARACTERS - 1] + "…"
                    out.append(_text(position + 4, bottom + 10, short, SIZE, anchor="end", fill=MUTED, rotate=-35))
                else:
                    band = self.x.band() if self.x.kind == "category" else 90
                    out.append(_text(position, bottom + 6, _wrap(label, band - 4, SIZE), SIZE, anchor="middle",
                                     fill=MUTED, baseline="hanging"))
        # a category axis's base line: at the value axis's zero where it is on the plot, else at its edge
        if self.x.kind == "category" and not heatmap:
            zero = self.y.position(0) if self.y.kind == "linear" else None
            at = zero if zero is not None and top <= zero <= bottom else bottom
            out.append(f'<line x1="{left:.1f}" y1="{at:.1f}" x2="{right:.1f}" y2="{at:.1f}" stroke="{AXIS}"/>')
        if self.y.kind == "category" and self.x.kind != "category" and not heatmap:
            zero = self.x.position(0) if self.x.kind == "linear" else None
            at = zero if zero is not None and left <= zero <= right else left
            out.append(f'<line x1="{at:.1f}" y1="{top:.1f}" x2="{at:.1f}" y2="{bottom:.1f}" stroke="{AXIS}"/>')
        if self.x.title:
            below = bottom + self.x_label_height + 4
            out.append(_text((left + right) / 2, below, _lines(self.x.title) or [""], SIZE, anchor="middle", fill=INK,
                             baseline="hanging"))
        if self.y.title:
            middle = (top + bottom) / 2
            out.append(_text(16, middle, " ".join(_lines(self.y.title)), SIZE, anchor="middle", fill=INK, rotate=-90))
        return out

    # ..................................................................... bars
    def _bars(self) -> list[str]:
        bars = [(i, t) for i, t in enumerate(self.traces) if t.get("type") == "bar"]
        if not bars:
            return []
        mode = self.layout.get("barmode") or "group"
        gap = BAR_GAP if self.layout.get("bargap") is None else float(self.layout["bargap"])
        slots = len(bars) if mode == "group" else 1
        out: list[str] = []
        bases: dict[tuple[str, bool], float] = {}
        for slot, (trace_index, trace) in enumerate(bars):
            horizontal = trace.get("orientation") == "h"
            cat_axis, value_axis = (self.y, self.x) if horizontal else (self.x, self.y)
            cats = _array(trace.get("y") if horizontal else trace.get("x"))
            values = _array(trace.get("x") if horizontal else trace.get("y"))
            if not cats:
                cats = list(range(len(values)))
            n = len(values)
            marker = trace.get("marker") or {}
            colours = _each(marker.get("color"), n, self.colourway[trace_index % len(self.colourway)])
            pattern = (marker.get("pattern") or {}).get("shape")
            texts = _each(trace.get("text"), n, None)
            band = cat_axis.band() * (1 - gap)
            thickness = band / slots
            offset = (slot - (slots - 1) / 2) * thickness if mode == "group" else 0.0
            for i, (cat, value) in enumerate(zip(cats, values)):
                centre = cat_axis.position(cat)
                if centre is None or not _is_number(value):
                    continue
                centre += offset * (1 if cat_axis.end >= cat_axis.start else -1)  # the first series lowest on the axis
                start_value = 0.0
                if mode == "stack":
                    key = (str(cat), value >= 0)
                    start_value = bases.get(key, 0.0)
                    bases[key] = start_value + value
                a = value_axis.position(start_value)
                b = value_axis.position(start_value + value)
                if a is None or b is None:
                    continue
                fill = self._fill(colours[i] or self.colourway[trace_index % len(self.colourway)], pattern)
                text = texts[i]
                if horizontal:
                    x0, x1 = sorted((a, b))
                    rect = (x0, centre - thickness / 2, max(x1 - x0, 0.5), thickness)
                else:
                    y0, y1 = sorted((a, b))
                    rect = (centre - thickness / 2, y0, thickness, max(y1 - y0, 0.5))
                out.append(f'<rect x="{rect[0]:.1f}" y="{rect[1]:.1f}" width="{rect[2]:.1f}" '
                           f'height="{rect[3]:.1f}" fill="{fill}"/>')
                if text not in (None, ""):
                    out.append(self._bar_text(text, horizontal, a, b, centre, thickness, mode == "stack"))
        return out

    def _bar_text(self, text, horizontal: bool, a: float, b: float, centre: float, thickness: float,
                  inside: bool) -> str:
        lines = _lines(text)
        size = SIZE if thickness >= 14 or horizontal else SIZE - 1
        if inside:
            return _text((a + b) / 2 if horizontal else centre, centre if horizontal else (a + b) / 2, lines, size,
                         anchor="middle", fill="#FFFFFF")
        if horizontal:
            forward = b >= a
            return _text(b + (4 if forward else -4), centre, lines, size, anchor="start" if forward else "end")
        upward = b <= a
        if upward:
            return _text(centre, b - 4, lines, size, anchor="middle", baseline="alphabetic")
        return _text(centre, b + 4, lines, size, anchor="middle", baseline="hanging")

    def _fill(self, colour: str, pattern: str | None) -> str:
        if not pattern:
            return colour
        ident = f"{re.sub(r'[^A-Za-z0-9_-]', '-', self.chart_id)}-hatch-{colour.lstrip('#')}"
        self.defs[ident] = (f'<pattern id="{ident}" patternUnits="userSpaceOnUse" width="7" height="7" '
                            f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{colour}" fill-opacity="0.45"/>'
                            f'<line x1="0" y1="0" x2="0" y2="7" stroke="{colour}" stroke-width="4"/></pattern>')
        return f"url(#{ident})"

    # ..................................................................... scatter
    def _scatter(self, trace: dict, trace_index: int) -> list[str]:
        x, y = _array(trace.get("x")), _array(trace.get("y"))
        n = min(len(x), len(y))
        if not n:
            return []
        mode = trace.get("mode") or ("lines+markers" if n < 20 else "lines")
        marker = trace.get("marker") or {}
        line = trace.get("line") or {}
        default = self.colourway[trace_index % len(self.colourway)]
        colours = _each(marker.get("color"), n, line.get("color") or default)
        line_colour = line.get("color") or (marker.get("color") if isinstance(marker.get("color"), str) else None) or default
        symbols = _each(marker.get("symbol"), n, "circle")
        sizes = _each(marker.get("size"), n, 6)
        if marker.get("sizemode") == "area" and marker.get("sizeref"):
            sizes = [max(float(marker.get("sizemin") or 0), math.sqrt(max(float(s or 0), 0) / float(marker["sizeref"])))
                     for s in sizes]
        outline = marker.get("line") or {}
        texts = _each(trace.get("text"), n, None)
        positions = _each(trace.get("textposition"), n, "middle center" if mode == "text" else "top center")
        points = [(self.x.position(x[i]), self.y.position(y[i])) for i in range(n)]
        out: list[str] = []
        if "lines" in mode:
            dash = DASHES.get(line.get("dash"))
            width = float(line.get("width") or 2)
            segment: list[tuple[float, float]] = []
            for p in points + [(None, None)]:
                if p[0] is None or p[1] is None:
                    if len(segment) > 1:
                        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in segment)
                        out.append(f'<polyline points="{coords}" fill="none" stroke="{line_colour}" stroke-width="{width:g}"'
                                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
                    segment = []
                else:
                    segment.append(p)
        errors = {}
        for letter in ("x", "y"):
            error = trace.get(f"error_{letter}") or {}
            if error and error.get("visible", True) is not False and error.get("array") is not None:
                plus = _each(error.get("array"), n, 0)
                minus = _each(error.get("arrayminus"), n, 0) if error.get("arrayminus") is not None else plus
                errors[letter] = (plus, minus, error.get("color") or line_colour)
        for i, (px, py) in enumerate(points):
            if px is None or py is None:
                continue
            parts = []
            for letter, (plus, minus, colour) in errors.items():
                axis, value = (self.x, x[i]) if letter == "x" else (self.y, y[i])
                if not _is_number(value) or plus[i] is None:
                    continue
                hi = axis.position(value + (plus[i] or 0))
                lo = axis.position(value - (minus[i] or 0))
                if hi is None or lo is None:
                    continue
                if letter == "x":
                    parts.append(f'<path d="M{lo:.1f},{py:.1f}H{hi:.1f}M{lo:.1f},{py - 5:.1f}V{py + 5:.1f}'
                                 f'M{hi:.1f},{py - 5:.1f}V{py + 5:.1f}" stroke="{colour}" stroke-width="2" fill="none"/>')
                else:
                    parts.append(f'<path d="M{px:.1f},{lo:.1f}V{hi:.1f}M{px - 5:.1f},{lo:.1f}H{px + 5:.1f}'
                                 f'M{px - 5:.1f},{hi:.1f}H{px + 5:.1f}" stroke="{colour}" stroke-width="2" fill="none"/>')
            if "markers" in mode:
                parts.append(_symbol(str(symbols[i]), px, py, float(sizes[i] or 6), colours[i] or line_colour,
                                     outline.get("color"), float(outline.get("width") or 0),
                                     float(marker.get("opacity") if marker.get("opacity") is not None else 1)))
            out += parts
            if "text" in mode and texts[i] not in (None, ""):
                out.append(self._point_text(texts[i], positions[i], px, py, float(sizes[i] or 6) if "markers" in mode else 0))
        return out

    def _point_text(self, text, position: str, x: float, y: float, size: float) -> str:
        vertical, _, horizontal = (position or "top center").partition(" ")
        lines = _lines(text)
        gap = size / 2 + 4
        anchor = {"left": "end", "right": "start"}.get(horizontal, "middle")
        dx = {"left": -gap, "right": gap}.get(horizontal, 0.0)
        if vertical == "top":
            return _text(x + dx, y - gap, lines, SIZE, anchor=anchor, baseline="alphabetic")
        if vertical == "bottom":
            return _text(x + dx, y + gap, lines, SIZE, anchor=anchor, baseline="hanging")
        return _text(x + dx, y, lines, SIZE, anchor=anchor)

    # ..................................................................... heatmap
    def _heatmap(self, trace: dict) -> list[str]:
        z = _array(trace.get("z"))
        if not z:
            return []
        rows, cols = len(z), len(z[0])
        xs = _array(trace.get("x")) or list(range(cols))
        ys = _array(trace.get("y")) or list(range(rows))
        texts = _array(trace.get("text")) if trace.get("text") is not None else [[None] * cols for _ in range(rows)]
        flat = [v for row in z for v in row if _is_number(v)]
        low = float(trace["zmin"]) if trace.get("zmin") is not None else (min(flat) if flat else 0.0)
        high = float(trace["zmax"]) if trace.get("zmax") is not None else (max(flat) if flat else 1.0)
        scale = trace.get("colorscale") or [[0, "#f7fbff"], [1, "#08519c"]]
        if isinstance(scale, str):
            scale = [[0, "#f7fbff"], [1, "#08519c"]]
        font = trace.get("textfont") or {}
        size, ink = float(font.get("size") or SIZE), font.get("color") or INK
        xgap, ygap = float(trace.get("xgap") or 0), float(trace.get("ygap") or 0)
        width, height = self.x.band(), self.y.band()
        out = []
        for r in range(rows):
            for c in range(cols):
                cx, cy = self.x.position(xs[c]), self.y.position(ys[r])
                value = z[r][c]
                if cx is None or cy is None or not _is_number(value):
                    continue
                colour = _colour_at(scale, (value - low) / ((high - low) or 1))
                text = texts[r][c] if r < len(texts) and c < len(texts[r]) else None
                out.append(f'<rect x="{cx - width / 2 + xgap / 2:.1f}" y="{cy - height / 2 + ygap / 2:.1f}" '
                           f'width="{max(width - xgap, 1):.1f}" height="{max(height - ygap, 1):.1f}" fill="{colour}"/>'
                           + (_text(cx, cy, _wrap(str(text), width - 6, size, 2), size, anchor="middle", fill=ink)
                              if text not in (None, "") else ""))
        return out

    # ..................................................................... reference lines and notes
    def _coordinate(self, axis: Axis, ref: str | None, value, low: float, high: float) -> float | None:
        """A shape's or note's coordinate: on the data's scale (ref 'x', 'y'), or a fraction of the plot
        ('paper', 'x domain', 'y domain'). On a log axis a reference line is placed at its data value."""
        if ref and (ref == "paper" or ref.endswith("domain")):
            return low + float(value) * (high - low)
        return axis.position(value)

    def _shapes_and_notes(self) -> list[str]:
        left, top, right, bottom = self.box
        out = []
        for shape in self.layout.get("shapes") or []:
            if shape.get("type", "line") != "line":
                continue
            x0 = self._coordinate(self.x, shape.get("xref"), shape.get("x0"), left, right)
            x1 = self._coordinate(self.x, shape.get("xref"), shape.get("x1"), left, right)
            y0 = self._coordinate(self.y, shape.get("yref"), shape.get("y0"), bottom, top)
            y1 = self._coordinate(self.y, shape.get("yref"), shape.get("y1"), bottom, top)
            if None in (x0, x1, y0, y1):
                continue
            line = shape.get("line") or {}
            dash = DASHES.get(line.get("dash"))
            out.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{line.get("color") or "#555555"}" '
                       f'stroke-width="{float(line.get("width") or 1.5):g}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for note in self.layout.get("annotations") or []:
            x = self._coordinate(self.x, note.get("xref"), note.get("x", 0.5), left, right)
            y = self._coordinate(self.y, note.get("yref"), note.get("y", 0.5), bottom, top)
            if x is None or y is None or not note.get("text"):
                continue
            anchor = {"left": "start", "right": "end"}.get(note.get("xanchor"), "middle")
            dx = {"start": 3, "end": -3}.get(anchor, 0)
            baseline = {"top": "hanging", "bottom": "alphabetic"}.get(note.get("yanchor"), "middle")
            dy = {"hanging": 3, "alphabetic": -3}.get(baseline, 0)
            out.append(_text(x + dx, y + dy, _lines(note["text"]), SIZE, anchor=anchor, fill=MUTED, baseline=baseline))
        return out

    # ..................................................................... legend
    def _legend_entries(self) -> list[dict]:
        entries = []
        if self.layout.get("showlegend") is False:
            return entries
        named = [t for t in self.traces if t.get("type", "scatter") != "heatmap"]
        for i, trace in enumerate(self.traces):
            if trace.get("type", "scatter") == "heatmap" or not trace.get("name"):
                continue
            shown = trace.get("showlegend")
            if shown is False or (shown is None and len(named) < 2):
                continue
            entries.append({"trace": trace, "index": i, "name": _plain(trace["name"]).replace("\n", " ")})
        return entries

    def _legend_rows(self, entries: list[dict], width: float) -> list[list[tuple[dict, float]]]:
        rows: list[list[tuple[dict, float]]] = []
        used = width + 1
        for entry in entries:
            size = 28 + _width(entry["name"], SIZE) + 16
            if used + size > width:
                rows.append([])
                used = 0.0
            rows[-1].append((entry, used))
            used += size
        return rows

    def _legend(self, rows, top: float) -> list[str]:
        out = []
        for r, row in enumerate(rows):
            y = top + 11 + 22 * r
            for entry, offset in row:
                x = 10 + offset
                trace = entry["trace"]
                marker = trace.get("marker") or {}
                colour = marker.get("color") if isinstance(marker.get("color"), str) else None
                colour = colour or (trace.get("line") or {}).get("color") or self.colourway[entry["index"] % len(self.colourway)]
                if trace.get("type") == "bar":
                    swatch = (f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="20" height="12" '
                              f'fill="{self._fill(colour, (marker.get("pattern") or {}).get("shape"))}"/>')
                else:
                    mode = trace.get("mode") or "lines+markers"
                    swatch = ""
                    if "lines" in mode:
                        dash = DASHES.get((trace.get("line") or {}).get("dash"))
                        swatch += (f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 20:.1f}" y2="{y:.1f}" stroke="{colour}" '
                                   f'stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
                    if "markers" in mode:
                        symbol = marker.get("symbol") if isinstance(marker.get("symbol"), str) else "circle"
                        outline = marker.get("line") or {}
                        swatch += _symbol(symbol, x + 10, y, 10 if symbol != "line-ew-open" else 20, colour,
                                          outline.get("color"), float(outline.get("width") or 0), 1.0)
                out.append(f"<g>{swatch}{_text(x + 26, y, entry['name'], SIZE)}</g>")
        return out
