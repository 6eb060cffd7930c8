"""The parts a governors' pack is made of (tables, bar charts, sections, the pack): their own module so
that the sections other areas add (the publishing area's policy calendar) build them without importing
the figures module that gathers every section."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from .. import disclosure


@dataclass
class Table:
    name: str            # sheet and file name
    title: str
    protected: disclosure.Protected
    columns: dict        # internal column -> heading shown

    @property
    def display(self) -> pd.DataFrame:
        cols = [c for c in self.columns if c in self.protected.display.columns]
        return self.protected.display[cols].rename(columns=self.columns)


@dataclass
class Bars:
    """What a bar chart shows: categories, series of numbers (NaN = suppressed, never plotted)."""
    title: str
    categories: list
    series: dict         # series name -> list of float (NaN where suppressed or missing)
    unit: str = "%"      # '%', '£' or 'pts'
    hidden: int = 0      # how many values were suppressed (ranges not counted)
    ranges: dict = field(default_factory=dict)  # series name -> [(low, high) or None]: a banded share, drawn pale

    def range_at(self, name: str, i: int):
        values = self.ranges.get(name) or []
        return values[i] if i < len(values) else None

    # What the PDF and the page's image both draw, worked out once here.
    def plotted(self) -> list[float]:
        """Every value drawn: the figures shown and the tops of the pale ranges (the axis must reach them)."""
        values = [v for s in self.series.values() for v in s if v is not None and not math.isnan(v)]
        return values + [band[1] for rs in self.ranges.values() for band in rs if band is not None]

    def value_label(self, v: float) -> str:
        """A bar's figure as printed on it: £ in thousands from £1,000, a share to one decimal place."""
        if self.unit == "£":
            return f"£{v / 1000:,.1f}k" if abs(v) >= 1000 else f"£{v:,.0f}"
        if self.unit == "%":
            return f"{v:.1f}%"
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"

    def range_label(self, band: tuple[float, float]) -> str:
        """A pale bar's range, widened to whole numbers: "10–20%"."""
        return f"{math.floor(band[0]):.0f}–{math.ceil(band[1]):.0f}" + ("%" if self.unit == "%" else "")

    def note(self, threshold: int) -> str | None:
        parts = [disclosure.chart_note(self.hidden, threshold)]
        if any(r is not None for values in self.ranges.values() for r in values):
            parts.append("A pale bar is a range: the count behind it is hidden, and the bar spans what the published "
                         "figures allow.")
        parts = [p for p in parts if p]
        return " ".join(parts) if parts else None


@dataclass
class Section:
    key: str
    title: str
    question: str                # what the section answers
    sir_heading: str             # the SEN Information Report heading it feeds
    headline: list = field(default_factory=list)   # short sentences, built from protected figures only
    tables: list = field(default_factory=list)
    chart: Bars | None = None
    facts: dict = field(default_factory=dict)      # safe numbers (None where suppressed), for questions
    empty: str | None = None     # the message when there is no data


@dataclass
class Pack:
    school_name: str
    school_id: int
    academic_year: int
    as_at: date
    threshold: int
    sections: list
    generated_at: datetime
    questions: list = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def legend(self) -> str:
        return disclosure.legend(self.threshold)


# --------------------------------------------------------------------------- helpers
