"""Turning the bytes of an uploaded file into text and rows, with a clear message for each way a file can
be broken. Nothing here touches the database."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field

import pandas as pd

from .problems import FileRejected


@dataclass
class SourceFile:
    name: str
    data: bytes
    sheet: str | None = None     # for a workbook: the sheet to read (None: the first)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def looks_xml(self) -> bool:
        head = self.data[:512].lstrip(codecs.BOM_UTF8).lstrip()
        return self.name.lower().endswith(".xml") or head.startswith(b"<")

    @property
    def looks_xlsx(self) -> bool:
        # an .xlsx workbook is a zip archive; its first bytes are the zip signature
        return self.data[:4] == b"PK\x03\x04" or self.name.lower().endswith((".xlsx", ".xlsm"))

    @property
    def looks_xls(self) -> bool:
        # Excel 97-2003 workbooks are OLE2 compound files
        return self.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or self.name.lower().endswith(".xls")


@dataclass
class CsvTable:
    file: str
    headers: list[str]
    frame: pd.DataFrame      # every value a str, columns by position 0..n-1, plus "_row" (the file's line number)
    encoding: str


def decode(name: str, data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding used: UTF-8 (with or without a byte-order mark), UTF-16 with a
    byte-order mark, or Windows-1252 (what Excel on Windows saves as 'CSV')."""
    if not data.replace(codecs.BOM_UTF8, b"", 1).strip():
        raise FileRejected(name, "the file is empty", "a header row and at least one row of data")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(name, data[3:], "utf-8", "UTF-8"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(name, data, "utf-16", "UTF-16"), "UTF-16"
    sample = data[:65536]
    if sample.count(b"\x00") > 0:
        raise FileRejected(name, "the file contains binary data (zero bytes), so it is not a CSV text file",
                           "a CSV file, an Excel workbook (.xlsx) or a Common Transfer File (.xml)")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _strict(name, data, "cp1252", "Windows-1252"), "Windows-1252"


def _strict(name: str, data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(name, f"the bytes at position {exc.start} (line {line}) are not valid {label} "
                                 f"({exc.reason}); the file may be damaged or saved in another encoding",
                           "a CSV saved as UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252", location=f"line {line}") from None


def read_csv(source: SourceFile) -> CsvTable:
    text, encoding = decode(source.name, source.data)
    if "\x00" in text:
        raise FileRejected(source.name, "the file contains binary data (zero characters)", "a CSV text file")
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
    except StopIteration:
        raise FileRejected(source.name, "the file is empty", "a header row and at least one row of data") from None
    except csv.Error as exc:
        raise FileRejected(source.name, f"the header row cannot be read ({exc})", "a comma-separated header row", location="row 1") from None
    headers = [h.strip() for h in headers]
    width = len(headers)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad_width: list[tuple[int, int]] = []
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # blank lines
            line = reader.line_num
            if len(record) != width:
                if len(record) > width and not any(v.strip() for v in record[width:]):
                    record = record[:width]
                else:
                    bad_width.append((line, len(record)))
                    continue
            rows.append(record)
            lines.append(line)
    except csv.Error as exc:
        line = reader.line_num
        raise FileRejected(source.name, f"the file cannot be read after row {line}: {exc} "
                                        "(a quote mark opened and never closed usually means the file is cut short)",
                           "a complete CSV file", location=f"row {line}") from None
    if bad_width:
        from .problems import Problem
        problems = [Problem(source.name, f"row {line}", "(whole row)", f"{n} values",
                            f"{width} values, one for each column in the header"
                            + (" (is the file cut short?)" if n < width else " (an extra comma, or a value with a comma not in quotes?)"))
                    for line, n in bad_width]
        raise FileRejected(source.name, "", "", problems=problems)
    if not [h for h in headers if h]:
        raise FileRejected(source.name, "the header row is blank", "a header row naming the columns", location="row 1")
    if not rows:
        raise FileRejected(source.name, "the file has a header row but no rows of data", "at least one row of data")
    frame = pd.DataFrame(rows, columns=list(range(width)), dtype=object) if rows else pd.DataFrame(columns=list(range(width)))
    frame["_row"] = lines
    return CsvTable(source.name, headers, frame, encoding)


def read_table(source: SourceFile) -> CsvTable:
    """The rows of a CSV file or of one sheet of an Excel workbook, as text, with the file's own row numbers."""
    if source.looks_xls and not source.data[:4] == b"PK\x03\x04":
        raise FileRejected(source.name, "this is an Excel 97-2003 workbook (.xls), which sendboard does not read",
                           "the same data saved as a current workbook: open it in Excel and choose File > Save As > "
                           "'Excel Workbook (*.xlsx)' (or 'CSV UTF-8'), then upload that file")
    if source.looks_xlsx:
        return read_xlsx(source)
    return read_csv(source)


def _cell_text(value) -> str:
    """A cell as the text a CSV export of it would hold: dates as yyyy-mm-dd (Excel stores dates as numbers
    with a date format, which openpyxl turns into datetimes), whole numbers without '.0'."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(source: SourceFile) -> CsvTable:
    """The first sheet (or the named one) of an .xlsx workbook. The first non-blank row is the header row;
    'row N' in messages is the row number Excel shows."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected(source.name, f"the file looks like an Excel workbook but cannot be opened ({type(exc).__name__}); "
                                        "it may be damaged, cut short or password-protected",
                           "an .xlsx workbook that opens in Excel (without a password), or the sheet saved as CSV") from None
    try:
        names = book.sheetnames
        if source.sheet:
            if source.sheet not in names:
                raise FileRejected(source.name, f"the workbook has no sheet called {source.sheet!r}",
                                   "one of its sheets: " + ", ".join(repr(n) for n in names))
            sheet = book[source.sheet]
        else:
            sheet = book[names[0]]
        headers: list[str] | None = None
        header_row = 0
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if not any(texts):
                continue
            if headers is None:
                while texts and not texts[-1]:
                    texts.pop()
                headers, header_row = texts, number
                continue
            width = len(headers)
            if any(texts[width:]):
                from .problems import Problem
                last = max(i for i, t in enumerate(texts) if t) + 1
                raise FileRejected(source.name, "", "", problems=[Problem(
                    source.name, f"row {number}", "(whole row)", f"a value in column {last}",
                    f"values only under the {width} headed columns (is a header missing?)")])
            rows.append((texts + [""] * width)[:width])
            lines.append(number)
    finally:
        book.close()
    sheet_label = f"sheet {sheet.title!r}"
    if headers is None:
        raise FileRejected(source.name, f"{sheet_label} is empty", "a header row and at least one row of data")
    if not rows:
        raise FileRejected(source.name, f"{sheet_label} has a header row (row {header_row}) but no rows of data",
                           "at least one row of data")
    frame = pd.DataFrame(rows, columns=list(range(len(headers))), dtype=object)
    frame["_row"] = lines
    return CsvTable(source.name, [h.strip() for h in headers], frame, f"Excel workbook, {sheet_label}")


@dataclass
class FileInfo:
    name: str
    sha256: str
    kind: str
    rows: int
    encoding: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    source: str | None = None        # a transfer file's sending school, version and full/partial, for the history
    file_date: object = None         # when the sending school made the file (a CTF header's DateTime)
    notes: list[str] = field(default_factory=list)   # what was read but not stored, in words
