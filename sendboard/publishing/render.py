"""The SEN Information Report as files: an accessible HTML page for the school's website, a Word document
and a PDF (drawn with the governors' pack's PDF machinery, sendboard/governors/pack.py).

The HTML page is one self-contained file: a language, one h1, a contents list, an h2 per heading in the
order of Schedule 1 and h3 below it, tables with a caption and header cells with their scope, a style
sheet and no script. Every piece of text is escaped (the school's words are typed by people).
"""
from __future__ import annotations

import html
import io

import pandas as pd

from ..governors.pack import MUTED, _Doc, commentary_box, draw_table
from .report import Report, ReportSection

CSS = """
body { font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1b1b1b; background: #ffffff;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 2rem; margin-bottom: .25rem; } h2 { font-size: 1.4rem; margin-top: 2.2rem;
       border-bottom: 2px solid #1d4f7c; padding-bottom: .2rem; } h3 { font-size: 1.1rem; }
.meta, .source, .note { color: #4a4a4a; } .source { font-size: .9rem; margin-top: 0; }
.status { border-left: 4px solid #1d4f7c; padding: .4rem .8rem; background: #f1f5f9; }
.table-wrap { overflow-x: auto; margin: .8rem 0 1.2rem; } .table-wrap:focus { outline: 3px solid #0b4f8a; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border: 1px solid #b8c2cc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e3ebf3; } a { color: #0b4f8a; }
.unwritten { font-style: italic; color: #4a4a4a; }
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _paragraphs_html(text: str) -> str:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n".join("<p>" + "<br>".join(_e(line) for line in p.split("\n")) + "</p>" for p in parts)


def _table_html(table, number: int) -> str:
    frame = table.display
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = []
    for values in frame.itertuples(index=False):
        cells = [f'<th scope="row">{_e(values[0])}</th>'] + [f"<td>{_e(v)}</td>" for v in values[1:]]
        body.append("<tr>" + "".join(cells) + "</tr>")
    # a wide table scrolls inside its own box (a table's own display is left alone: changing it can lose the
    # table's meaning for screen readers); the box can take focus so a keyboard can scroll it
    return (f'<div class="table-wrap" role="region" aria-labelledby="caption-{number}" tabindex="0">'
            f'<table><caption id="caption-{number}">{_e(table.title)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _unwritten(section: ReportSection) -> str:
    return "The school has not written this section yet."


def html_bytes(report: Report) -> bytes:
    title = f"SEN Information Report {report.year_label}: {report.school_name}"
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>",
           f"<style>{CSS}</style>", "</head>", "<body>", "<header>",
           f"<h1>SEN Information Report {_e(report.year_label)}</h1>",
           f'<p class="meta">{_e(report.school_name)}. Figures as at {report.as_at.day} {report.as_at:%B %Y}.</p>',
           f'<p class="status">{_e(report.status)}.</p>',
           "<p>How our school supports pupils with special educational needs and disabilities (SEND), as the Special "
           "Educational Needs and Disability Regulations 2014 (Schedule 1) require. No pupil is named or can be "
           "identified: figures about fewer than " f"{report.threshold} pupils are hidden.</p>",
           "</header>", '<nav aria-label="Contents">', "<h2>Contents</h2>", "<ol>"]
    for s in report.sections:
        out.append(f'<li><a href="#{_e(s.heading.key)}">{_e(s.heading.title)}</a></li>')
    out += ["</ol>", "</nav>", "<main>"]
    n = 0
    for s in report.sections:
        out.append(f'<section aria-labelledby="{_e(s.heading.key)}">')
        out.append(f'<h2 id="{_e(s.heading.key)}">{_e(s.heading.title)}</h2>')
        out.append(f'<p class="source">{_e(s.heading.source)}</p>')
        out.append(_paragraphs_html(s.text) if s.text.strip() else f'<p class="unwritten">{_e(_unwritten(s))}</p>')
        if s.lines or s.tables:
            out.append("<h3>What the figures show</h3>")
            if s.lines:
                out.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in s.lines) + "</ul>")
            for table in s.tables:
                n += 1
                out.append(_table_html(table, n))
        out.append("</section>")
    out += ["</main>", "<footer>", "<h2>About the figures</h2>", f'<p class="note">{_e(report.legend)}</p>',
            f'<p class="note">Produced with sendboard on {report.generated_at:%d %B %Y}.</p>', "</footer>",
            "</body>", "</html>"]
    return "\n".join(out).encode("utf-8")


def docx_bytes(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = f"SEN Information Report {report.year_label}: {report.school_name}"
    doc.core_properties.language = "en-GB"
    doc.core_properties.author = report.school_name or "sendboard"
    doc.add_heading(f"SEN Information Report {report.year_label}", level=0)
    doc.add_paragraph(f"{report.school_name}. Figures as at {report.as_at.day} {report.as_at:%B %Y}.")
    doc.add_paragraph(f"{report.status}.")
    doc.add_paragraph("How our school supports pupils with special educational needs and disabilities (SEND), as the "
                      "Special Educational Needs and Disability Regulations 2014 (Schedule 1) require. No pupil is named "
                      f"or can be identified: figures about fewer than {report.threshold} pupils are hidden.")
    for s in report.sections:
        doc.add_heading(s.heading.title, level=1)
        src = doc.add_paragraph(s.heading.source)
        src.runs[0].italic = True
        if s.text.strip():
            for para in (p.strip() for p in s.text.split("\n\n") if p.strip()):
                doc.add_paragraph(para)
        else:
            doc.add_paragraph(_unwritten(s)).runs[0].italic = True
        if s.lines or s.tables:
            doc.add_heading("What the figures show", level=2)
            for line in s.lines:
                doc.add_paragraph(line, style="List Bullet")
            for table in s.tables:
                frame = table.display
                doc.add_paragraph(table.title, style="Caption")
                t = doc.add_table(rows=1, cols=len(frame.columns))
                t.style = "Table Grid"
                for cell, col in zip(t.rows[0].cells, frame.columns):
                    cell.text = str(col)
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                        run.font.size = Pt(9)
                _repeat_header(t.rows[0])
                for values in frame.itertuples(index=False):
                    cells = t.add_row().cells
                    for cell, v in zip(cells, values):
                        cell.text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                        for run in cell.paragraphs[0].runs:
                            run.font.size = Pt(9)
    doc.add_heading("About the figures", level=1)
    doc.add_paragraph(report.legend)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _repeat_header(row) -> None:
    """Mark a table's first row as its header (repeated on each page; read as headers by screen readers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


class _ReportDoc(_Doc):
    """The governors' pack's PDF document (fonts, tables, text boxes) with the report's own title and footer."""

    def __init__(self, report: Report):
        super().__init__(report)
        self.report = report
        self.set_title(f"SEN Information Report {report.year_label}: {report.school_name}")
        self.set_lang("en-GB")

    def footer_line(self) -> str:
        return f"{self.report.school_name} · SEN Information Report {self.report.year_label} · page {self.page_no()}"


def pdf_bytes(report: Report) -> bytes:
    pdf = _ReportDoc(report)
    pdf.add_page()
    pdf.font(22, True)
    pdf.multi_cell(0, 11, pdf.clean(f"SEN Information Report {report.year_label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.para(f"{report.school_name}. Figures as at {report.as_at.day} {report.as_at:%B %Y}.", size=12)
    pdf.ln(2)
    pdf.para(f"{report.status}.", size=10.5, bold=True)
    pdf.ln(2)
    pdf.para("How our school supports pupils with special educational needs and disabilities (SEND), as the Special "
             "Educational Needs and Disability Regulations 2014 (Schedule 1) require. No pupil is named or can be "
             f"identified: figures about fewer than {report.threshold} pupils are hidden.", size=10)
    pdf.ln(3)
    pdf.font(13, True)
    pdf.cell(0, 8, "Contents", new_x="LMARGIN", new_y="NEXT")
    for i, s in enumerate(report.sections, 1):
        pdf.para(f"{i}. {s.heading.title}", size=9.5, h=5)
    for s in report.sections:
        pdf.add_page() if pdf.get_y() > pdf.h * 0.72 else pdf.ln(6)
        pdf.start_section(s.heading.title)
        pdf.font(14, True)
        pdf.multi_cell(0, 7, pdf.clean(s.heading.title), new_x="LMARGIN", new_y="NEXT")
        pdf.para(s.heading.source, size=8.5, colour=MUTED)
        pdf.ln(1.5)
        if s.text.strip():
            for para in (p.strip() for p in s.text.split("\n\n") if p.strip()):
                pdf.para(para, size=10, h=5)
                pdf.ln(1.5)
        else:
            pdf.para(_unwritten(s), size=10, colour=MUTED)
        if s.lines or s.tables:
            pdf.ln(1)
            pdf.font(11, True)
            pdf.cell(0, 6, "What the figures show", new_x="LMARGIN", new_y="NEXT")
            for line in s.lines:
                pdf.font(9.5)
                pdf.multi_cell(0, 4.8, pdf.clean(f"•  {line}"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
            for table in s.tables:
                draw_table(pdf, table)
    pdf.add_page()
    pdf.start_section("About the figures")
    commentary_box(pdf, report.legend, "About the figures")
    return bytes(pdf.output())
