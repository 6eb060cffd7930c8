"""The governors' pack as a PDF (fpdf2) and an Excel workbook (openpyxl), from one :class:`Pack`.

Charts in the PDF are drawn with fpdf2's own drawing primitives (rectangles and text), not plotly and
kaleido: no browser is needed, so it is fast and cannot fail in CI. A suppressed figure is never drawn:
its bar is left out and a note under the chart says how many were left out.

The contents page maps each section to the heading of the school's SEN Information Report it feeds
(SEND Regulations 2014, Schedule 1), so the pack can be lifted into the report.
"""
from __future__ import annotations

import io
import math

import pandas as pd
from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..charts import PALETTE
from ..exports import text_cells_as_text
from ..pdf_fonts import use_unicode_font
from .figures import Bars, Pack, Table, year_label

INK = (33, 37, 41)
MUTED = (90, 96, 104)
RULE = (200, 204, 208)
SERIES_COLOURS = [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4]]
OVERALL = "overall"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


class _Doc(FPDF):
    def __init__(self, pack: Pack):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.family_name, self.unicode = use_unicode_font(self)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(f"SEND governors' pack: {pack.school_name}")
        self.set_author("sendboard")
        self.set_text_color(*INK)

    def multi_cell(self, *args, **kwargs):
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)

    def clean(self, text) -> str:
        text = "" if text is None else str(text)
        text = "".join(ch for ch in text if ord(ch) < 0x10000 and ch != "\ufe0f")
        if not self.unicode:
            text = text.replace("£", "GBP ").replace("–", "-").replace("’", "'")
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def font(self, size: float, bold: bool = False):
        self.set_font(self.family_name, "B" if bold else "", size)

    def para(self, text, size=10, bold=False, colour=INK, h=None):
        self.font(size, bold)
        self.set_text_color(*colour)
        self.multi_cell(0, h or size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def cover(self, title: str, name: str, line: str, *, band: float, text_top: float) -> None:
        """The first page's coloured band with the document's title, whose it is and its date line; the
        body starts below the band."""
        self.set_fill_color(*_rgb(PALETTE[0]))
        self.rect(0, 0, self.w, band, style="F")
        self.set_text_color(255, 255, 255)
        self.set_xy(15, text_top)
        for text, size, bold, height in ((title, 24, True, 12), (name, 14, False, 8), (line, 11, False, 7)):
            self.font(size, bold)
            self.cell(0, height, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.set_y(band + 14)

    def footer_line(self) -> str:
        """What the foot of every page after the cover says; each kind of document names itself."""
        return (f"{self.pack.school_name} · SEND governors' pack · as at {self.pack.as_at:%d %B %Y} · "
                f"Anonymised: no pupil is named · page {self.page_no()}")

    def footer(self):
        if self.page_no() == 1:
            return
        self.set_y(-11)
        self.font(7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.clean(self.footer_line()), align="C")
        self.set_text_color(*INK)

    def ensure(self, height: float):
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()


# --------------------------------------------------------------------------- drawing


def draw_bars(pdf: _Doc, bars: Bars, threshold: int, *, height: float = 52) -> None:
    """A grouped bar chart drawn with rectangles. NaN values are not drawn."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    names = list(bars.series)
    pdf.ensure(height + 22)
    pdf.font(9.5, True)
    pdf.multi_cell(0, 5, pdf.clean(bars.title), new_x="LMARGIN", new_y="NEXT")
    # Legend.
    pdf.font(7.5)
    x = pdf.l_margin
    y = pdf.get_y() + 1
    for i, name in enumerate(names):
        pdf.set_fill_color(*_rgb(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
        pdf.rect(x, y + 0.6, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        label = pdf.clean(name)
        pdf.cell(pdf.get_string_width(label) + 2, 4.2, label)
        x += pdf.get_string_width(label) + 10
    top = y + 7
    values = bars.plotted()
    vmax = max(values) if values else 1.0
    vmax = vmax * 1.15 if vmax > 0 else 1.0
    left = pdf.l_margin + 4
    plot_w = width - 4
    base = top + height - 14
    plot_h = base - top
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(left, base, left + plot_w, base)
    n_cat = max(len(bars.categories), 1)
    slot = plot_w / n_cat
    bar_w = min(14.0, slot * 0.8 / max(len(names), 1))
    group_w = bar_w * len(names)
    for ci, cat in enumerate(bars.categories):
        gx = left + ci * slot + (slot - group_w) / 2
        for si, name in enumerate(names):
            v = bars.series[name][ci] if ci < len(bars.series[name]) else float("nan")
            bx = gx + si * bar_w
            band = bars.range_at(name, ci)
            if (v is None or math.isnan(v)) and band is not None:
                # A share whose count is hidden: a pale bar over the range the published figures allow.
                low, high = (max(0.0, plot_h * b / vmax) for b in band)
                r, g, b_ = _rgb(SERIES_COLOURS[si % len(SERIES_COLOURS)])
                pdf.set_fill_color(*(int(c + (255 - c) * 0.65) for c in (r, g, b_)))
                pdf.rect(bx + 0.3, base - high, bar_w - 0.6, max(high - low, 0.4), style="F")
                pdf.font(6.5)
                pdf.set_xy(bx - 3, base - high - 3.6)
                pdf.cell(bar_w + 6, 3.4, pdf.clean(bars.range_label(band)), align="C")
                continue
            if v is None or math.isnan(v):
                pdf.font(6.5)
                pdf.set_text_color(*MUTED)
                pdf.set_xy(bx, base - 4)
                pdf.cell(bar_w, 3.5, "x", align="C")
                pdf.set_text_color(*INK)
                continue
            h = max(0.0, plot_h * v / vmax)
            pdf.set_fill_color(*_rgb(SERIES_COLOURS[si % len(SERIES_COLOURS)]))
            if h > 0:
                pdf.rect(bx + 0.3, base - h, bar_w - 0.6, h, style="F")
            pdf.font(6.5)
            pdf.set_xy(bx - 2, base - h - 3.6)
            pdf.cell(bar_w + 4, 3.4, pdf.clean(bars.value_label(v)), align="C")
        pdf.font(7)
        pdf.set_xy(left + ci * slot, base + 1)
        pdf.multi_cell(slot, 3.2, pdf.clean(cat), align="C")
    pdf.set_xy(pdf.l_margin, top + height - 2)
    note = bars.note(threshold)
    if note:
        pdf.para(f"x = not plotted. {note}" if bars.hidden else note, size=7.5, colour=MUTED, h=3.6)
    pdf.ln(2)


CELL_PADDING = 0.8


def column_widths(pdf: _Doc, frame: pd.DataFrame, width: float, size: float) -> list[float] | None:
    """Column widths for a table at a type size: in proportion to the longest value (a heading counts at
    about three quarters, as it may wrap), but never narrower than the longest single word of its bold
    heading, so a heading wraps between words ("SEN / support"), never inside one ("SEN supp / ort").
    None when the headings' words alone are wider than the page at this size (the caller shrinks the type)."""
    pdf.font(size, True)
    word_min = [max(pdf.get_string_width(w) for w in (pdf.clean(col).split() or [""])) + 2 * CELL_PADDING + 1.2
                for col in frame.columns]
    heading = [pdf.get_string_width(pdf.clean(col)) for col in frame.columns]
    pdf.font(size)
    need = []
    for col, lower, head in zip(frame.columns, word_min, heading):
        longest = max([pdf.get_string_width(pdf.clean(v)) for v in frame[col].astype(str)] + [0])
        need.append(max(longest + 3, head / 1.35 + 3, 14, lower))
    n = len(need)
    target = width - 0.5 if n > 2 or sum(need) > width - 0.5 else max(sum(need), width * 0.6)
    if sum(word_min) > target:
        return None
    if sum(need) <= target:
        return [w * target / sum(need) for w in need]
    # Too wide: every column keeps its heading's longest word; the room left is shared by what each needs beyond it.
    spare = target - sum(word_min)
    extra = [w - m for w, m in zip(need, word_min)]
    return [m + e * spare / sum(extra) for m, e in zip(word_min, extra)]


def draw_table(pdf: _Doc, table: Table) -> None:
    frame = table.display
    pdf.ensure(18)
    pdf.font(9.5, True)
    pdf.multi_cell(0, 5, pdf.clean(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    n = len(frame.columns)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    size = 7.5 if n <= 6 else 6.8
    widths = column_widths(pdf, frame, width, size)
    while widths is None:  # a heading word cannot fit whole even at its narrowest: a smaller type, never a broken word
        size -= 0.4
        widths = column_widths(pdf, frame, width, size)
    pdf.font(size)
    figure_headings = {table.columns.get(c, c) for c in table.protected.mask.columns}
    align = ["LEFT"] + ["RIGHT" if col in figure_headings else "LEFT" for col in list(frame.columns)[1:]]
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", cell_fill_mode="NONE",
                   text_align=align, line_height=size * 0.55,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(221, 231, 240)),
                   first_row_as_headings=True, borders_layout="HORIZONTAL_LINES", padding=CELL_PADDING) as t:
        row = t.row()
        for col in frame.columns:
            row.cell(pdf.clean(col))
        for values in frame.itertuples(index=False):
            row = t.row()
            for v in values:
                row.cell(pdf.clean("" if v is None else v))
    pdf.font(size)
    pdf.ln(3)


def commentary_box(pdf: _Doc, text: str | None, title: str = "Headteacher's commentary") -> None:
    text = (text or "").strip()
    pdf.ensure(22)
    pdf.set_fill_color(243, 246, 250)
    pdf.set_draw_color(*_rgb(PALETTE[0]))
    pdf.set_line_width(0.4)
    pdf.font(9, True)
    y = pdf.get_y()
    pdf.multi_cell(0, 5.5, pdf.clean(title), fill=True, new_x="LMARGIN", new_y="NEXT", padding=(1, 2, 0, 2))
    pdf.font(9)
    body = text or "No commentary has been added to this section."
    pdf.set_text_color(*(INK if text else MUTED))
    pdf.multi_cell(0, 4.6, pdf.clean(body), fill=True, new_x="LMARGIN", new_y="NEXT", padding=(1, 2, 2, 2))
    pdf.set_text_color(*INK)
    pdf.line(pdf.l_margin, y, pdf.l_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(3)


def _contents(pdf: _Doc, outline) -> None:
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.font(16, True)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.para("This pack is organised to feed the school's SEN Information Report: each section names the "
             "report heading it supports.", size=9.5, colour=MUTED)
    pdf.ln(3)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for entry in outline:
        if entry.level != 0:
            continue
        section = pdf.pack_sections.get(entry.name)
        pdf.font(10.5, True)
        pdf.set_x(pdf.l_margin)
        pdf.cell(width - 15, 6, pdf.clean(entry.name), link=pdf.add_link(page=entry.page_number))
        pdf.cell(15, 6, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")
        if section is not None and section.sir_heading:
            pdf.font(8.5)
            pdf.set_text_color(*MUTED)
            pdf.cell(0, 4.5, pdf.clean(f"SEN Information Report: {section.sir_heading}"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*INK)
        pdf.ln(1.5)


def pdf_bytes(pack: Pack, commentary: dict | None = None) -> bytes:
    """The whole pack as a PDF."""
    commentary = commentary or {}
    pdf = _Doc(pack)
    pdf.pack_sections = {s.title: s for s in pack.sections}
    # Cover.
    pdf.add_page()
    pdf.cover("SEND governors' pack", pack.school_name,
              f"Academic year {year_label(pack.academic_year)} · figures as at {pack.as_at:%d %B %Y}", band=70, text_top=22)
    pdf.para("The anonymised picture of special educational needs and disabilities (SEND) in our school, for the "
             "governing board. No pupil is named or can be identified: figures about fewer than "
             f"{pack.threshold} pupils are hidden.", size=11)
    pdf.ln(4)
    pdf.font(11, True)
    pdf.cell(0, 7, "At a glance", new_x="LMARGIN", new_y="NEXT")
    for section in pack.sections:
        for line in section.headline[:1]:
            pdf.font(10)
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(0, 5.2, pdf.clean(f"•  {line}"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
    pdf.ln(4)
    pdf.para(f"Key to hidden figures: {pack.legend}", size=8.5, colour=MUTED)
    pdf.para(f"Produced by sendboard on {pack.generated_at:%d %B %Y at %H:%M}. Commentary is the headteacher's.",
             size=8.5, colour=MUTED)
    # Contents (filled in at the end, with page numbers).
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents, pages=1)
    # Overall commentary and questions first: what governors act on (the placeholder broke the page).
    pdf.start_section("Summary and questions governors could ask")
    pdf.font(16, True)
    pdf.cell(0, 10, "Summary and questions governors could ask", new_x="LMARGIN", new_y="NEXT")
    commentary_box(pdf, commentary.get(OVERALL), "Headteacher's summary")
    pdf.font(12, True)
    pdf.cell(0, 8, "Questions governors could ask", new_x="LMARGIN", new_y="NEXT")
    pdf.para("Generated from the figures in this pack; each points to its section.", size=8.5, colour=MUTED)
    pdf.ln(1)
    titles = {s.key: s.title for s in pack.sections}
    for i, q in enumerate(pack.questions, 1):
        pdf.ensure(14)
        pdf.font(10)
        pdf.multi_cell(0, 5.2, pdf.clean(f"{i}.  {q.text}"), new_x="LMARGIN", new_y="NEXT")
        pdf.para(f"     See: {titles.get(q.section, q.section)}", size=8, colour=MUTED, h=4)
        pdf.ln(1.2)
    # Sections.
    for section in pack.sections:
        pdf.add_page()
        pdf.start_section(section.title)
        pdf.font(16, True)
        pdf.cell(0, 9, pdf.clean(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.para(section.question, size=10.5, colour=MUTED)
        pdf.para(f"SEN Information Report: {section.sir_heading}", size=8.5, colour=MUTED)
        pdf.ln(2)
        if section.empty:
            pdf.para(section.empty, size=10)
            pdf.ln(2)
        for line in section.headline:
            pdf.font(10)
            pdf.multi_cell(0, 5.2, pdf.clean(f"•  {line}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if section.chart is not None:
            draw_bars(pdf, section.chart, pack.threshold)
        for table in section.tables:
            draw_table(pdf, table)
        if any(t.protected.any_suppressed for t in section.tables):
            pdf.para(pack.legend, size=7.5, colour=MUTED, h=3.6)
            pdf.ln(2)
        commentary_box(pdf, commentary.get(section.key))
    # About the figures.
    pdf.add_page()
    pdf.start_section("About these figures")
    pdf.font(16, True)
    pdf.cell(0, 9, "About these figures", new_x="LMARGIN", new_y="NEXT")
    for line in about_lines(pack):
        pdf.font(9.5)
        pdf.multi_cell(0, 5, pdf.clean(f"•  {line}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


def about_lines(pack: Pack) -> list[str]:
    t = pack.threshold
    return [
        f"Hidden figures. {pack.legend}",
        f"A count of 1 to {t - 1} pupils is shown as <{t}. Where a table has a total, a second figure is hidden as x so "
        "the small one cannot be worked out by subtraction.",
        f"A percentage of a group is shown whenever the group has at least {t} pupils, even where the count behind it "
        f"is hidden: it is then given as the range the table's other figures allow (for example 1 to 4 of 40 pupils is "
        f"2.5–10.0%), so a series is never lost and nothing hidden can be worked out. A percentage of fewer than {t} "
        "pupils, and an average of fewer than that, is hidden (x). Charts leave hidden figures and ranges out.",
        "Zeros are shown: a zero names nobody, and hiding it would also hide good news.",
        "Pupils with SEND are those on SEN support or with an EHC plan at the date; 'no SEN' is the rest of the roll. "
        "Each term's figures are at that term's census date.",
        "National figures are the Department for Education's (Special educational needs in England; Education, "
        "health and care plans): for each measure and phase, the latest year held up to the pack's year, named beside "
        "the figure. The DfE publishes the share of pupils with any SEN by phase for more recent years than its split "
        "into SEN support and EHC plans; where the total is newer, the school's total is compared with it for that "
        "year and the split is given from the latest year that has it, each year named.",
        "The roll is counted at each term's census date (or the pack's date, if sooner), so it can differ from the "
        "roll shown on the home page, which is counted today.",
        "Planned spend is staff time at the school's hourly rates for each intervention, plus materials, shared "
        "across each group, for the days of the academic year; an intervention for two areas counts half to each.",
        "Intervention judgements: 'good value' = at least "
        f"{t} pupils measured on entry and exit, a positive average gain and two in three or more improved; "
        f"'review' = measured but not that; 'not enough data' = fewer than {t} pupils measured.",
        "Staff counts are not counts of pupils and are not hidden.",
    ]


# --------------------------------------------------------------------------- Excel


def excel_bytes(pack: Pack, commentary: dict | None = None) -> bytes:
    """A workbook with a Contents sheet, a sheet per section (its tables, the commentary and the key
    to hidden figures), and a Questions sheet. Hidden figures hold their mark as text."""
    commentary = commentary or {}
    wb = Workbook()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    ws = wb.active
    ws.title = "Contents"
    ws.append([f"SEND governors' pack: {pack.school_name}"])
    ws["A1"].font = title_font
    ws.append([f"Academic year {year_label(pack.academic_year)}, figures as at {pack.as_at:%d %B %Y}"])
    ws.append(["Organised to feed the SEN Information Report. Anonymised: no pupil is named."])
    ws.append([f"Key: {pack.legend}"])
    ws.append([])
    ws.append(["Sheet", "Section", "SEN Information Report heading", "Answers"])
    for c in ws[ws.max_row]:
        c.font, c.fill = bold, head_fill
    sheet_names = {}
    for i, section in enumerate(pack.sections, 1):
        name = f"{i} {section.title}"[:31].replace("/", " ").replace(":", "")
        sheet_names[section.key] = name
        ws.append([name, section.title, section.sir_heading, section.question])
    ws.append(["Questions", "Questions governors could ask", "", ""])
    for col, width in zip("ABCD", (32, 38, 62, 70)):
        ws.column_dimensions[col].width = width
    summary = (commentary.get(OVERALL) or "").strip()
    if summary:
        ws.append([])
        ws.append(["Headteacher's summary", summary])
    for section in pack.sections:
        sh = wb.create_sheet(sheet_names[section.key])
        sh.append([section.title])
        sh["A1"].font = title_font
        sh.append([section.question])
        sh.append([f"SEN Information Report: {section.sir_heading}"])
        if section.empty:
            sh.append([section.empty])
        for line in section.headline:
            sh.append([line])
        for table in section.tables:
            sh.append([])
            sh.append([table.title])
            sh.cell(sh.max_row, 1).font = bold
            frame = table.display
            cols = [c for c in table.columns if c in table.protected.display.columns]
            sh.append(list(frame.columns))
            for c in sh[sh.max_row]:
                c.font, c.fill = bold, head_fill
                c.alignment = Alignment(wrap_text=True)
            mask, values = table.protected.mask, table.protected.values
            for i in range(len(frame)):
                row = []
                for col in cols:
                    shown = table.protected.display.at[i, col]
                    if col in mask.columns and not mask.at[i, col] and not _isnan(values.at[i, col]):
                        v = float(values.at[i, col])
                        row.append(int(round(v)) if v.is_integer() else round(v, 1))
                    else:
                        row.append(shown)
                sh.append(row)
        if any(t.protected.any_suppressed for t in section.tables):
            sh.append([])
            sh.append([f"Key: {pack.legend}"])
        sh.append([])
        sh.append(["Headteacher's commentary", (commentary.get(section.key) or "").strip() or "None added."])
        sh.cell(sh.max_row, 1).font = bold
        sh.column_dimensions["A"].width = 38
        for idx in range(2, 10):
            sh.column_dimensions[get_column_letter(idx)].width = 17
    qs = wb.create_sheet("Questions")
    qs.append(["Questions governors could ask", "Section"])
    for c in qs[1]:
        c.font, c.fill = bold, head_fill
    titles = {s.key: s.title for s in pack.sections}
    for q in pack.questions:
        qs.append([q.text, titles.get(q.section, q.section)])
    qs.column_dimensions["A"].width = 110
    qs.column_dimensions["B"].width = 38
    text_cells_as_text(wb)  # commentary and school names are typed by people: no formula from them
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _isnan(v) -> bool:
    try:
        return v is None or math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def pack_files(db, scope, school_id: int, academic_year: int, as_at, school_name: str = "",
               school_phase: str | None = None) -> dict:
    """The pack, its commentary and both files, for the page's downloads (cached by the caller)."""
    from .commentary import get_commentary
    from .figures import build_pack

    pack = build_pack(db, scope, school_id, academic_year, as_at, school_name, school_phase)
    commentary = get_commentary(db, scope, school_id, academic_year)
    return {"pdf": pdf_bytes(pack, commentary), "xlsx": excel_bytes(pack, commentary)}
