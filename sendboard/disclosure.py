"""Disclosure control: the ONE place that decides which figures about pupils a governor may see.

Every table that leaves ``sendboard.governors`` (page, chart, Excel, PDF) is built by :func:`protect`.

The rules (each has a unit test in tests/test_disclosure.py):

1. **Primary suppression.** A count of pupils from 1 up to ``threshold - 1`` (the admin setting
   ``disclosure_threshold``, default 5) is not shown. It is replaced by the mark ``<5`` (for a
   threshold of 5), which tells the reader only that the figure is small.
2. **Zeros are shown.** A zero names no pupil; hiding zeros would hide good news ("no suspensions")
   and, with zeros shown, the ``<5`` mark honestly means 1 to 4. This follows the DfE's own practice
   in its published statistics (zeros shown, small counts suppressed). Zeros are never used as the
   complementary (secondary) cell either, because suppressing a known zero protects nothing.
3. **Derived figures.** A rate, percentage or mean built from a suppressed count (numerator or
   denominator) is suppressed too (mark ``x``). So is one whose base count is below the threshold even
   if that count is not itself in the table.
4. **Secondary suppression.** Where a table publishes a total (a total column across a row, a total
   row down the columns), a row or column with exactly one suppressed cell would let the reader work
   it out by subtraction. So the next smallest non-zero cell in that row or column is suppressed too
   (mark ``x``), or the total itself when there is no other cell. This repeats until no row or column
   has a single suppressed cell, because a suppression in a row can leave a column with one.
5. **A share is shown whenever its denominator is big enough.** A percentage of a group (``shares``:
   numerator and denominator columns) is shown when the denominator is at least the threshold, even if
   the numerator is hidden. Where the numerator is hidden, the share is *banded*: shown as the range of
   values that the published figures allow (a ``<5`` numerator out of 40 is "2.5–10.0"; with a total
   and the other part known, the range narrows), so it tells the reader nothing the table does not.
   This is how the DfE keeps a series readable: small counts are hidden, the rate is not dropped. A
   share whose denominator is itself hidden or small is hidden (``x``).
6. **Charts never plot a suppressed value.** :attr:`Protected.values` holds NaN wherever a figure is
   suppressed; chart functions drop those points and say so in a note (:func:`chart_note`).

Marks: ``<5`` = a small count (primary); ``x`` = hidden so that a small count cannot be worked out,
or a figure built from a small count. :func:`legend` gives the text to print beside every table.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import audit
from .access import AccessDenied, Viewer
from .db import Database
from .settings import IntRange

DEFAULT_THRESHOLD = 5
# Below 3, a count of 1 or 2 could be shown and a single pupil picked out; above 20, most of a school's
# figures would be hidden. The admin page offers exactly this range (sendboard.settings.RANGE_HOMES).
THRESHOLD_RANGE = IntRange(3, 20)
MIN_THRESHOLD = THRESHOLD_RANGE.low
MAX_THRESHOLD = THRESHOLD_RANGE.high
SECONDARY_MARK = "x"
SETTING_KEY = "disclosure_threshold"


class DisclosureError(ValueError):
    """A bad threshold; the message says what is allowed."""


def primary_mark(threshold: int) -> str:
    return f"<{int(threshold)}"


def legend(threshold: int) -> str:
    return (f"{primary_mark(threshold)} = fewer than {int(threshold)} pupils (1 to {int(threshold) - 1}), hidden to protect "
            f"their privacy. {SECONDARY_MARK} = hidden so that a small number cannot be worked out from a total, "
            f"or a rate or average based on fewer than {int(threshold)} pupils. A range such as 33–67 is a percentage "
            f"whose count is hidden: it is shown as the range the other published figures allow. 0 means none.")


def chart_note(n_hidden: int, threshold: int) -> str | None:
    if not n_hidden:
        return None
    return (f"{n_hidden} figure{'s' if n_hidden != 1 else ''} not plotted: based on fewer than {int(threshold)} pupils "
            "(or would reveal one that is).")


# --------------------------------------------------------------------------- threshold setting


def get_threshold(db: Database) -> int:
    from .settings import get_int

    try:
        value = int(get_int(db, SETTING_KEY))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if MIN_THRESHOLD <= value <= MAX_THRESHOLD else DEFAULT_THRESHOLD


def validate_threshold(n) -> int:
    try:
        value = int(str(n).strip())
        if float(str(n).strip()) != value:
            raise ValueError
    except (TypeError, ValueError):
        raise DisclosureError(f"The disclosure threshold must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}.") from None
    if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise DisclosureError(
            f"The disclosure threshold must be from {MIN_THRESHOLD} to {MAX_THRESHOLD} pupils "
            f"(below {MIN_THRESHOLD}, single pupils could be picked out; above {MAX_THRESHOLD}, most figures would be hidden).")
    return value


def set_threshold(db: Database, viewer: Viewer, n) -> int:
    """Set the smallest count of pupils shown to governors. Administrators only; validated and audited."""
    if viewer.role != "admin":
        audit.record(db, viewer, "access_refused", object_type="setting", object_id=SETTING_KEY)
        raise AccessDenied("only an administrator may change the disclosure threshold")
    value = validate_threshold(n)
    old = get_threshold(db)

    def work(w):
        w.run("upsert_setting", key=SETTING_KEY, value=str(value))
        audit.record_change(w, viewer, "setting_changed", object_type="setting", object_id=SETTING_KEY,
                            old_value=str(old), new_value=str(value))
        return value

    return db.write(work)


# --------------------------------------------------------------------------- protect


@dataclass
class Protected:
    """A protected table. ``display``: what may be shown (suppressed cells hold a mark, other counts
    stay numbers); ``mask``: True where a figure is suppressed; ``values``: the numbers with NaN where
    suppressed (for charts and totals); ``threshold``."""

    display: pd.DataFrame
    mask: pd.DataFrame
    values: pd.DataFrame
    threshold: int
    primary: pd.DataFrame = field(repr=False, default=None)
    bands: dict = field(default_factory=dict)   # (row, share column) -> (low %, high %) where banded

    def __iter__(self):  # display, mask = protect(...)
        yield self.display
        yield self.mask

    @property
    def any_suppressed(self) -> bool:
        return bool(self.mask.to_numpy().any())

    @property
    def n_suppressed(self) -> int:
        return int(self.mask.to_numpy().sum())

    def legend(self) -> str:
        return legend(self.threshold)


def _is_small(value, threshold: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < float(value) < threshold


def _secondary(values: dict, mask: dict, lines: list[tuple[list, list]]) -> None:
    """Rule 4, in place on ``mask``. ``values`` and ``mask`` are keyed by cell (row, column); ``lines``
    are linear constraints (part cells, total cells). A constraint with exactly one suppressed member
    gets one more: the smallest non-zero open part, else the total."""
    changed = True
    while changed:
        changed = False
        for parts, totals in lines:
            hidden = [c for c in parts + totals if mask[c]]
            if len(hidden) != 1:
                continue
            candidates = [c for c in parts if not mask[c] and not pd.isna(values[c]) and float(values[c]) != 0]
            if candidates:
                pick = min(candidates, key=lambda c: (float(values[c]), str(c)))
            else:
                open_totals = [c for c in totals if not mask[c]]
                if not open_totals:
                    continue
                pick = open_totals[0]
            mask[pick] = True
            changed = True


def protect(table: pd.DataFrame, count_cols: Sequence[str], rate_cols: Mapping[str, str | Sequence[str]] | None = None,
            *, threshold: int = DEFAULT_THRESHOLD, row_total: str | None = None, row_parts: Sequence[str] | None = None,
            total_row: object | None = None, total_row_col: str | None = None,
            base_cols: Mapping[str, str] | None = None, decimals: Mapping[str, int] | None = None,
            additive: Sequence[str] | None = None, money: Sequence[str] = (),
            shares: Mapping[str, tuple[str, str]] | None = None) -> Protected:
    """Apply disclosure control to a table of pupil counts and figures derived from them.

    - ``count_cols``: columns holding counts of pupils (primary suppression applies).
    - ``rate_cols``: {rate column: count column(s) it is built from}; suppressed when any is.
    - ``row_total`` / ``row_parts``: a column that is the sum of ``row_parts`` (default: the other count
      columns) in each row: a row-wise constraint for secondary suppression.
    - ``total_row`` + ``total_row_col``: the row whose ``total_row_col`` equals ``total_row`` holds the
      column totals of the other rows: a column-wise constraint for each count column.
    - ``base_cols``: {rate column: count column not in the table's count_cols} for a rate whose base
      count is in the frame but not published as a count (the rate is suppressed if the base is small).
    - ``decimals``: rounding for display of rate columns (default 1; 0 for money).
    - ``additive``: the columns the total row sums (default: the count columns). A derived column
      (e.g. spend) listed here is protected by secondary suppression too.
    - ``money``: rate columns to show as pounds (no pence).
    - ``shares``: {percentage column: (numerator count column, denominator count column)} (rule 5);
      both columns must be in ``count_cols``. A banded share is masked (not plotted) and its range is
      in :attr:`Protected.bands`.
    """
    threshold = int(threshold)
    frame = table.reset_index(drop=True)
    count_cols = list(count_cols)
    rate_cols = {k: ([v] if isinstance(v, str) else list(v)) for k, v in (rate_cols or {}).items()}
    base_cols = dict(base_cols or {})
    decimals = dict(decimals or {})
    for col in count_cols + list(rate_cols) + [c for v in rate_cols.values() for c in v] + list(base_cols.values()):
        if col not in frame.columns:
            raise KeyError(f"protect: no column {col!r}")
    shares = {k: (str(v[0]), str(v[1])) for k, v in (shares or {}).items()}
    for share, (num, den) in shares.items():
        if share not in frame.columns or num not in count_cols or den not in count_cols or share in rate_cols:
            raise KeyError(f"protect: share {share!r} needs its numerator and denominator among the count columns")
    figure_cols = count_cols + [c for c in list(rate_cols) + list(shares) if c not in count_cols]
    # The tables are small (a few rows by a few columns) and this runs for every table on every rerun,
    # so the work is on plain numpy arrays, cell by cell, not on DataFrame cells (about 10x faster).
    n = len(frame)
    where = {c: j for j, c in enumerate(figure_cols)}
    values = np.column_stack([_numbers(frame[c]) for c in figure_cols]) if figure_cols else np.empty((n, 0))

    def small(column: np.ndarray) -> np.ndarray:  # 0 < v < threshold (NaN is not small)
        with np.errstate(invalid="ignore"):
            return (column > 0) & (column < threshold)

    # Rule 1: primary.
    primary = np.zeros((n, len(figure_cols)), dtype=bool)
    for col in count_cols:
        primary[:, where[col]] = small(values[:, where[col]])
    mask = primary.copy()

    # Rules 3 and 4 together, until nothing changes: a derived figure hidden by a suppressed count can
    # itself sit in an additive line (e.g. spend by area with a total), and the reverse.
    additive = list(additive) if additive is not None else list(count_cols)
    body_rows = list(range(n))
    total_idx = None
    if total_row is not None:
        if total_row_col is None:
            raise ValueError("protect: total_row needs total_row_col")
        hits = np.flatnonzero((frame[total_row_col] == total_row).to_numpy(dtype=bool, na_value=False))
        if len(hits):
            total_idx = int(hits[0])
            body_rows = [i for i in range(n) if i != total_idx]
    lines: list[tuple[list, list]] = []
    if row_total is not None:
        parts = list(row_parts) if row_parts is not None else [c for c in count_cols if c != row_total]
        for i in range(n):
            lines.append(([(i, c) for c in parts], [(i, row_total)]))
    if total_idx is not None:
        for col in additive:
            lines.append(([(i, col) for i in body_rows], [(total_idx, col)]))
    line_cols = sorted({c for parts, totals in lines for (_, c) in parts + totals})
    for col in line_cols:
        if col not in where:
            raise KeyError(col)
    base_small = {}
    for sources in rate_cols.values():
        for src in sources:
            if src not in where:
                base_small[src] = small(_numbers(frame[src]))
    for base in base_cols.values():
        base_small[base] = small(_numbers(frame[base]))
    vals = {(i, c): values[i, where[c]] for i in range(n) for c in line_cols}
    while True:
        before = mask.copy()
        for rate, sources in rate_cols.items():
            hit = mask[:, where[rate]].copy()
            for src in sources:
                hit |= mask[:, where[src]] if src in where else base_small[src]
            mask[:, where[rate]] = hit
        for rate, base in base_cols.items():
            if rate in where:
                mask[:, where[rate]] |= base_small[base]
        if lines:
            cells = {(i, c): bool(mask[i, where[c]]) for i in range(n) for c in line_cols}
            _secondary(vals, cells, lines)
            for (i, c), hidden in cells.items():
                mask[i, where[c]] = hidden
        if (mask == before).all():
            break

    # Rule 5: shares, once every count's fate is settled.
    bands: dict[tuple[int, str], tuple[float, float]] = {}
    for share, (num, den) in shares.items():
        js, jn, jd = where[share], where[num], where[den]
        for i in range(n):
            d = values[i, jd]
            if mask[i, jd] or np.isnan(d) or d < threshold:
                mask[i, js] = not np.isnan(d) and d > 0  # nothing to hide when there is no denominator
                continue
            if not mask[i, jn]:
                continue
            lo, hi = _numerator_range(i, num, den, lines, values, where, mask, primary, threshold)
            if lo == hi:  # the published figures pin it down: hiding the share would protect nothing
                continue
            mask[i, js] = True
            bands[i, share] = (100.0 * lo / d, 100.0 * hi / d)

    # Build the display frame and the NaN-for-suppressed values.
    shown = np.where(mask, np.nan, values)
    display = frame.copy()
    pmark = primary_mark(threshold)
    for j, col in enumerate(figure_cols):
        out = []
        for i in range(n):
            v = values[i, j]
            if (i, col) in bands:
                lo, hi = bands[i, col]
                places = decimals.get(col, 1)
                step = 10 ** places
                out.append(f"{math.floor(lo * step) / step:.{places}f}–{math.ceil(hi * step) / step:.{places}f}")
            elif mask[i, j]:
                out.append(pmark if primary[i, j] else SECONDARY_MARK)
            elif np.isnan(v):
                out.append("")
            elif col in count_cols:
                out.append(f"{int(round(v)):,}")
            elif col in money:
                out.append(f"£{v:,.0f}")
            else:
                out.append(f"{v:,.{decimals.get(col, 1)}f}")
        display[col] = pd.Series(out, index=frame.index, dtype=object)
    # Columns that are neither counts nor rates pass through unchanged, except base counts used only
    # to judge rates, which are dropped so that a small base is not shown by the back door.
    hidden_bases = [b for b in base_cols.values() if b not in figure_cols]
    for src_list in rate_cols.values():
        hidden_bases += [s for s in src_list if s not in figure_cols]
    display = display.drop(columns=sorted(set(hidden_bases)), errors="ignore")
    flags = lambda a: pd.DataFrame(a, index=frame.index, columns=figure_cols).astype(bool)  # noqa: E731
    shown = pd.DataFrame(shown, index=frame.index, columns=frame[figure_cols].columns)
    return Protected(display=display, mask=flags(mask), values=shown, threshold=threshold, primary=flags(primary),
                     bands=bands)


def _numerator_range(i: int, num: str, den: str, lines, values, where, mask, primary, threshold) -> tuple[int, int]:
    """The values a hidden numerator can take, given only what is published: 1 to threshold - 1 if it is
    a small count, 1 to the denominator if hidden as a complement; narrowed by a row whose parts add up
    to a published total (numerator = total minus the other parts, each known or itself a range)."""
    def cell_range(col: str, cap: float) -> tuple[float, float]:
        j = where[col]
        if not mask[i, j]:
            return values[i, j], values[i, j]
        return (1, threshold - 1) if primary[i, j] else (1, cap)

    d = values[i, where[den]]
    lo, hi = cell_range(num, d)
    for parts, totals in lines:  # a published total of parts that include the numerator narrows it
        if len(totals) != 1 or (i, num) not in parts or totals[0][0] != i or mask[i, where[totals[0][1]]]:
            continue
        total = values[i, where[totals[0][1]]]
        others = [cell_range(c, total) for (_, c) in parts if c != num]
        lo = max(lo, total - sum(h for _, h in others))
        hi = min(hi, total - sum(low for low, _ in others))
    lo, hi = max(lo, 0), min(hi, d)
    return int(lo), int(hi)


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def values_of(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce")


def protect_value(count, threshold: int) -> str:
    """One stand-alone count, as text."""
    if count is None or pd.isna(count):
        return ""
    return primary_mark(threshold) if _is_small(count, threshold) else f"{int(round(float(count))):,}"


def safe_count(count, threshold: int):
    """A stand-alone count as a number, or None if it must not be shown."""
    if count is None or pd.isna(count):
        return None
    return None if _is_small(count, threshold) else int(round(float(count)))


def safe_rate(rate, bases: Iterable, threshold: int):
    """A rate as a number, or None if any count it is built from is suppressed."""
    if rate is None or pd.isna(rate):
        return None
    if any(_is_small(b, threshold) for b in bases):
        return None
    return float(rate)
