"""The one export cleaner: every CSV and Excel file sendboard writes goes through here.

A spreadsheet program treats a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return before one of those) as a formula. A pupil name from an MIS file, a
username typed on the sign-in form or a review note could then run a formula (``=HYPERLINK(...)``
leaking data, ``=cmd|' /C calc'!A0`` starting a program) in the spreadsheet of whoever opens the
download. OWASP's guidance on CSV injection is to make such text inert by prefixing it with a single
quote, which spreadsheet programs show as text; sendboard does that for every text value and every
column heading, in CSV and Excel alike. In Excel files every text cell is also written as a text cell
(never a formula cell), so even a value that slipped past the prefix cannot be evaluated.

Numbers, dates and booleans are left as they are: they are not text and cannot hold a formula.
"""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A value safe to put in a spreadsheet cell: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text value and column heading made inert, and time zones dropped
    (Excel cannot store them)."""
    out = frame.copy()
    out.columns = [inert(str(c)) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_localize(None)
        elif series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[col] = series.astype(object).map(inert)
    return out


def csv_text(frame: pd.DataFrame) -> str:
    # Every text field quoted: a carriage return inside a field must not end the row (pandas leaves a
    # lone one unquoted), and a quoted field is read as text by spreadsheet programs' CSV import.
    return clean_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return csv_text(frame).encode("utf-8")


def text_cells_as_text(workbook) -> None:
    """Make every text cell of an openpyxl workbook inert and typed as text (data type 's'), so no cell
    is a formula whatever it holds."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    text = inert(cell.value)
                    cell.value = text
                    cell.data_type = "s"


def excel_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with a sheet per frame (sheet names cut to Excel's 31 characters)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in frames.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        clean = clean_frame(frame)
        sheet.append(list(clean.columns))
        for record in clean.itertuples(index=False, name=None):
            sheet.append([_cell_value(v) for v in record])
    if not workbook.worksheets:
        workbook.create_sheet("Empty")
    text_cells_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of_csvs(frames: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, frame in frames.items():
            z.writestr(f"{name}.csv", csv_text(frame))
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    # Excel forbids []:*?/\ in sheet names and limits them to 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(name)).strip() or "Sheet"
    return cleaned[:31]


def _cell_value(value):
    """A value openpyxl can store: missing values become empty cells, pandas scalars plain Python."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    if isinstance(value, (list, dict, tuple, set)):
        return str(value)
    return value
