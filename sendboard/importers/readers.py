"""Turning the bytes of an uploaded file into text and rows, with a clear message for each way a file can
be broken. Nothing here touches the database."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass

import pandas as pd

from .problems import FileRejected


@dataclass
class SourceFile:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def looks_xml(self) -> bool:
        head = self.data[:512].lstrip(codecs.BOM_UTF8).lstrip()
        return self.name.lower().endswith(".xml") or head.startswith(b"<")


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
                           "a CSV file saved from the MIS or from Excel as 'CSV (comma delimited)'; an .xlsx workbook must be saved as CSV first")
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
