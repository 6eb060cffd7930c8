"""The trust board pack: the governors' pack at trust level, as a PDF and an Excel workbook.

One row per school and a row for the whole trust in every table, each table passed through
:func:`sendboard.disclosure.protect` (the governors' rules: small counts hidden per school and in the
trust's total, a second figure hidden where a total would give a small one away, rates built on a small
count hidden). National figures are named with their year. Built from the same figures as the trust's
pages (sendboard/trust_compare.py), drawn with the governors' pack's own PDF primitives.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from . import disclosure, trust
from . import trust_compare as tc
from .db import Database
from .exports import text_cells_as_text
from .governors.figures import Pack, Section, Table, year_label
from .reference import AREAS
from .scope import Scope

TRUST_KEY = "__trust__"
TRUST_ROW = "The trust"
NO_FIGURE_NOTE = (f"{tc.NO_FIGURE} = no figure to show: nothing to measure in that school, or, on the trust's own row, "
                  "a figure that is not added up across schools (each school is set against its own phase's national "
                  "figure).")


@dataclass
class TrustTable(Table):
    """A pack table whose empty cells say so with a dash, in the PDF and the workbook alike (an empty cell
    reads as a fault, and 'None' or 'nan' as one more so)."""

    @property
    def display(self) -> pd.DataFrame:
        shown = Table.display.fget(self)
        empty = shown.isna() | shown.astype(str).isin(["", "None", "nan", "NaN", "<NA>"])
        return shown.astype(object).mask(empty, tc.NO_FIGURE)


@dataclass
class TrustPack:
    trust_name: str
    as_at: date
    academic_year: int
    threshold: int
    sections: list
    generated_at: datetime
    schools: list = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def legend(self) -> str:
        return f"{disclosure.legend(self.threshold)} {NO_FIGURE_NOTE}"


def _with_trust_row(frame: pd.DataFrame, sums: list[str]) -> pd.DataFrame:
    total = {"key": TRUST_KEY, "school": TRUST_ROW, **{c: frame[c].sum() for c in sums}}
    body = frame.assign(key=frame["school_id"].astype(str))
    return pd.concat([body, pd.DataFrame([total])], ignore_index=True)


def register_section(frame: pd.DataFrame, t: int) -> Section:
    s = Section("register", "The SEND register in each school",
                "How many pupils have SEND in each school, against national figures for its phase?",
                "The kinds of special educational needs provided for")
    table = _with_trust_row(frame, ["on_roll", "sen_support", "ehc_plans"])
    table["phase"] = table["phase"].fillna("all")
    # the years alone in each row ("2025/26; split 2022/23"), the heading saying what they are: the column
    # stays narrow, so school names fit on a line and the table and its key fit on one page
    table["national_years"] = (table["national_years"].str.replace("all with SEN ", "", regex=False)
                               .str.replace("split ", "", regex=False).fillna("by phase"))
    table["send"] = table["sen_support"] + table["ehc_plans"]
    for col, num in (("sen_support_pct", "sen_support"), ("ehc_pct", "ehc_plans")):
        table[col] = 100.0 * table[num] / table["on_roll"].where(table["on_roll"] > 0)
    p = disclosure.protect(table, ["on_roll", "sen_support", "ehc_plans", "send"],
                           {"national_sen_support_pct": [], "national_ehc_pct": []}, threshold=t,
                           row_total="send", row_parts=["sen_support", "ehc_plans"], total_row=TRUST_KEY,
                           total_row_col="key", additive=["on_roll", "sen_support", "ehc_plans", "send"],
                           shares={"sen_support_pct": ("sen_support", "on_roll"), "ehc_pct": ("ehc_plans", "on_roll")})
    s.tables.append(TrustTable("register", "Pupils on the SEND register, by school", p, {
        "school": "School", "phase": "Phase", "on_roll": "Pupils on roll", "sen_support": "SEN support",
        "sen_support_pct": "SEN support %", "national_sen_support_pct": "National SEN support %",
        "ehc_plans": "EHC plans", "ehc_pct": "EHC plan %", "national_ehc_pct": "National EHC plan %",
        "national_years": "National year: all with SEN; split"}))
    totals = tc.trust_totals(frame)
    s.headline.append(f"{totals['on_roll']:,} pupils on roll in {totals['schools']} schools: "
                      f"{totals['sen_support_pct']:.1f}% on SEN support and {totals['ehc_pct']:.1f}% with an EHC plan.")
    for phase in totals["phases"]:
        nat_s, nat_e = phase["national_sen_support_pct"], phase["national_ehc_pct"]
        s.headline.append(
            f"{phase['phase_words'].capitalize()} ({phase['schools']} schools): SEN support {phase['sen_support_pct']:.1f}% "
            f"against {'not held' if nat_s is None else f'{nat_s:.1f}%'} nationally, EHC plans {phase['ehc_pct']:.1f}% "
            f"against {'not held' if nat_e is None else f'{nat_e:.1f}%'} (national {phase['national_years']}).")
    s.facts = {"totals": totals}
    return s


def need_mix_section(db: Database, scope: Scope, frame: pd.DataFrame, as_at: date, t: int) -> Section:
    s = Section("need_mix", "Areas of need in each school", "What are the main needs of pupils with SEND in each school?",
                "The kinds of special educational needs provided for")
    mix = trust.need_mix_by_school(db, scope, as_at)
    wide = mix.pivot_table(index="school", columns="area", values="pupils", aggfunc="sum", fill_value=0)
    table = frame[["school_id", "school"]].copy()
    columns = {}
    for code, name in AREAS.items():
        table[code] = table["school"].map(wide[name] if name in wide.columns else {}).fillna(0).astype(int)
        columns[code] = name
    table["send"] = table[list(AREAS)].sum(axis=1)
    table = _with_trust_row(table, [*AREAS, "send"])
    p = disclosure.protect(table, [*AREAS, "send"], threshold=t, row_total="send", row_parts=list(AREAS),
                           total_row=TRUST_KEY, total_row_col="key")
    s.tables.append(TrustTable("need_mix", "Pupils with SEND by the broad area of their primary need (counts)", p,
                          {"school": "School", **columns, "send": "All with SEND and a primary need"}))
    s.headline.append("Each pupil with SEND is counted once, under the broad area of their primary need.")
    return s


def outcomes_section(frame: pd.DataFrame, t: int) -> Section:
    s = Section("outcomes", "Outcomes: pupils with SEND against their peers",
                "How far behind their peers are pupils with SEND in each school?",
                "How the school evaluates the effectiveness of its provision")
    table = frame[["school_id", "school", "sen_support", "ehc_plans", "on_roll", "score_gap", "attendance_gap",
                   "suspended_send_pct", "suspended_other_pct"]].copy()
    table["send"] = table["sen_support"] + table["ehc_plans"]
    table["no_sen"] = table["on_roll"] - table["send"]
    p = disclosure.protect(table, ["send", "no_sen"], {"score_gap": ["send", "no_sen"],
                                                       "attendance_gap": ["send", "no_sen"],
                                                       "suspended_send_pct": "send", "suspended_other_pct": "no_sen"},
                           threshold=t)
    s.tables.append(TrustTable("outcomes", "Gaps and suspensions, by school", p, {
        "school": "School", "send": "Pupils with SEND", "no_sen": "Pupils with no SEN",
        "score_gap": "Attainment gap (score points)", "attendance_gap": "Attendance gap (percentage points)",
        "suspended_send_pct": "% suspended (SEND)", "suspended_other_pct": "% suspended (no SEN)"}))
    s.headline.append("A gap is pupils with SEND minus pupils with no SEN (below zero = behind): the latest term's "
                      "assessments and this year's attendance; suspensions in the latest term of this year.")
    return s


def ehc_section(frame: pd.DataFrame, t: int) -> Section:
    s = Section("ehc", "EHC plans and outside specialists",
                "Are annual reviews held on time, do plans get their hours, and how long do pupils wait?",
                "Arrangements for consulting parents and pupils, and for reviewing progress")
    table = frame[["school_id", "school", "ehc_open_plans", "ehc_reviews_due_last_year", "ehc_on_time_pct",
                   "ehc_overdue_now", "ehc_hours_short", "still_waiting", "longest_median_wait"]].copy()
    table = _with_trust_row(table, ["ehc_open_plans", "ehc_reviews_due_last_year", "ehc_overdue_now",
                                    "ehc_hours_short", "still_waiting"])
    on_time = frame["ehc_on_time_pct"].astype(float) * frame["ehc_reviews_due_last_year"] / 100.0
    due = float(frame["ehc_reviews_due_last_year"].sum())
    table.loc[table["key"] == TRUST_KEY, "ehc_on_time_pct"] = 100.0 * on_time.sum() / due if due else None
    p = disclosure.protect(table, ["ehc_open_plans", "ehc_reviews_due_last_year", "ehc_overdue_now", "ehc_hours_short",
                                   "still_waiting"],
                           {"ehc_on_time_pct": "ehc_reviews_due_last_year", "longest_median_wait": "still_waiting"},
                           threshold=t, total_row=TRUST_KEY, total_row_col="key",
                           additive=["ehc_open_plans", "ehc_reviews_due_last_year", "ehc_overdue_now", "ehc_hours_short",
                                     "still_waiting"], decimals={"longest_median_wait": 0})
    s.tables.append(TrustTable("ehc", "EHC plans and waits, by school", p, {
        "school": "School", "ehc_open_plans": "EHC plans open", "ehc_reviews_due_last_year": "Reviews due last year",
        "ehc_on_time_pct": "% held on time", "ehc_overdue_now": "Reviews overdue now",
        "ehc_hours_short": "Plans short of their hours", "still_waiting": "Pupils waiting for a specialist",
        "longest_median_wait": "Longest median wait (days)"}))
    s.headline.append("Reviews due last academic year count held on time, held late and overdue and not held; "
                      "'short of their hours' is a plan whose pupil gets fewer hours a week than it sets out.")
    return s


def money_section(frame: pd.DataFrame, t: int, academic_year: int) -> Section:
    s = Section("money", "Provision spend and SEND funding", "What does each school spend on provision, against its funding?",
                "How the school's resources are matched to pupils' needs")
    table = frame[["school_id", "school", "sen_support", "ehc_plans", "spend", "funding", "spend_per_send_pupil",
                   "funding_per_send_pupil", "spend_of_funding_pct"]].copy()
    table["send"] = table["sen_support"] + table["ehc_plans"]
    p = disclosure.protect(table, ["send"], {"spend_per_send_pupil": "send", "funding_per_send_pupil": "send",
                                             "spend": [], "funding": [], "spend_of_funding_pct": []},
                           threshold=t, money=["spend", "funding", "spend_per_send_pupil", "funding_per_send_pupil"],
                           decimals={"spend_of_funding_pct": 0})
    s.tables.append(TrustTable("money", f"Planned spend and SEND funding in {year_label(academic_year)}, by school", p, {
        "school": "School", "send": "Pupils with SEND", "spend": "Planned spend", "funding": "SEND funding",
        "spend_per_send_pupil": "Spend per pupil with SEND", "funding_per_send_pupil": "Funding per pupil with SEND",
        "spend_of_funding_pct": "Spend as % of funding"}))
    s.headline.append("Spend is staff time at each school's hourly rates plus materials; a spend or funding figure the "
                      "governors' pack hides is left blank.")
    return s


def staff_section(frame: pd.DataFrame, t: int) -> Section:
    s = Section("staff", "Staff training and self-evaluation",
                "Is SEND expertise spread across staff, and how does each school rate itself?",
                "The expertise and training of staff")
    table = frame[["school", "staff_trained_pct", "training_top_share_pct", "self_evaluation_mean"]].copy()
    p = disclosure.protect(table, [], {"staff_trained_pct": [], "training_top_share_pct": [], "self_evaluation_mean": []},
                           threshold=t, decimals={"staff_trained_pct": 0, "training_top_share_pct": 0,
                                                  "self_evaluation_mean": 1})
    s.tables.append(TrustTable("staff", "Training and key-factor self-evaluation, by school (staff, not pupils)", p, {
        "school": "School", "staff_trained_pct": "% of staff with current SEND training",
        "training_top_share_pct": "% of training held by the most-trained tenth",
        "self_evaluation_mean": "Mean key-factor rating (1 to 4)"}))
    return s


def build_trust_pack(db: Database, scope: Scope, as_at: date) -> TrustPack:
    """Every section of the trust board pack, each table protected per school and for the trust."""
    scope.viewer.require_role(tc.TRUST_ROLES)
    t = disclosure.get_threshold(db)
    frame = tc.side_by_side(db, scope, as_at, ("Outcomes", "EHC plans and specialists", "Money",
                                                       "Staff and self-evaluation"))
    year = tc.academic_year_of(as_at)
    sections = [register_section(frame, t), need_mix_section(db, scope, frame, as_at, t), outcomes_section(frame, t),
                ehc_section(frame, t), money_section(frame, t, year), staff_section(frame, t)]
    return TrustPack(trust_name=scope.viewer.trust or "Trust", as_at=as_at, academic_year=year, threshold=t,
                     sections=sections, generated_at=datetime.now().replace(microsecond=0),
                     schools=frame["school"].tolist())


# --------------------------------------------------------------------------- files


def _needs_key(section: Section) -> bool:
    """A section's tables hide a figure or show a dash: the key goes under them."""
    return any(t.protected.any_suppressed or t.display.eq(tc.NO_FIGURE).any().any() for t in section.tables)


def _wrapped(pdf, text: str, width: float) -> list[str]:
    """The text broken between words into lines no wider than ``width`` (a single word wider than that keeps
    its own line: column widths are chosen so that a heading's longest word fits)."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if not line or pdf.get_string_width(trial) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def draw_table(pdf, table: Table) -> None:
    """One protected table, drawn as the governors' pack draws its tables (the same column widths, type
    size, shaded bold heading row, rules between rows, figures right-aligned) but placing each line of text
    itself: fpdf2's table laid out every cell with its full line-breaking engine, about 0.5 ms a cell, and
    the pack has some 1,800 cells (most of the PDF's time). The heading row is repeated on a new page."""
    from .governors import pack as gp

    frame = table.display
    pdf.ensure(18)
    pdf.font(9.5, True)
    pdf.multi_cell(0, 5, pdf.clean(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    size = 7.5 if len(frame.columns) <= 6 else 6.8
    widths = gp.column_widths(pdf, frame, width, size)
    while widths is None:  # a heading word cannot fit whole even at its narrowest: a smaller type, never a broken word
        size -= 0.4
        widths = gp.column_widths(pdf, frame, width, size)
    figures = {table.columns.get(c, c) for c in table.protected.mask.columns}
    right = [False] + [col in figures for col in list(frame.columns)[1:]]
    line_h, pad, total = size * 0.55, gp.CELL_PADDING, sum(widths)

    def lay_out(cells: list[str], bold: bool) -> list[list[str]]:
        pdf.font(size, bold)
        return [_wrapped(pdf, text, w - 2 * pad) for text, w in zip(cells, widths)]

    def draw(lines: list[list[str]], bold: bool) -> None:
        height = max(len(cell) for cell in lines) * line_h + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger and not bold:
            pdf.add_page()
            draw(heading, True)
        top, x = pdf.get_y(), pdf.l_margin
        if bold:
            pdf.set_fill_color(221, 231, 240)
            pdf.rect(x, top, total, height, style="F")
        pdf.font(size, bold)
        for cell, w, to_right in zip(lines, widths, right):
            for i, text in enumerate(cell):
                left = x + w - pad - pdf.get_string_width(text) if to_right else x + pad
                pdf.text(left, top + pad + i * line_h + line_h * 0.78, text)  # 0.78: the baseline within a line
            x += w
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + total, top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    pdf.set_draw_color(*gp.RULE)
    pdf.set_line_width(0.2)
    heading = lay_out([pdf.clean(col) for col in frame.columns], True)
    if pdf.get_y() + 3 * line_h + 4 * pad > pdf.page_break_trigger:  # a heading never ends a page alone
        pdf.add_page()
    draw(heading, True)
    for values in frame.itertuples(index=False):
        draw(lay_out([pdf.clean("" if v is None else v) for v in values], False), False)
    pdf.font(size)
    pdf.ln(3)


def pdf_bytes(pack: TrustPack) -> bytes:
    """The board pack as a PDF, drawn with the governors' pack's fonts, tables and footer conventions."""
    from .governors import pack as gp

    shell = Pack(school_name=pack.trust_name, school_id=0, academic_year=pack.academic_year, as_at=pack.as_at,
                 threshold=pack.threshold, sections=[], generated_at=pack.generated_at)

    class _TrustDoc(gp._Doc):
        def __init__(self):
            super().__init__(shell)
            self.set_title(f"SEND trust board pack: {pack.trust_name}")

        def footer_line(self) -> str:
            return (f"{pack.trust_name} · SEND trust board pack · as at {pack.as_at:%d %B %Y} · "
                    f"Anonymised: no pupil is named · page {self.page_no()}")

    pdf = _TrustDoc()
    pdf.add_page()
    pdf.cover("SEND trust board pack", pack.trust_name,
              f"Academic year {year_label(pack.academic_year)} · figures as at {pack.as_at:%d %B %Y} · "
              f"{len(pack.schools)} schools", band=62, text_top=20)
    pdf.para("The anonymised picture of special educational needs and disabilities (SEND) across the trust's schools, "
             "for the trust board. No pupil is named or can be identified: in each school, and in the trust's total, "
             f"figures about fewer than {pack.threshold} pupils are hidden.", size=11)
    pdf.ln(3)
    pdf.font(11, True)
    pdf.cell(0, 7, "Contents", new_x="LMARGIN", new_y="NEXT")
    for i, section in enumerate(pack.sections, 1):
        pdf.para(f"{i}. {section.title}", size=10)
    pdf.ln(3)
    for line in pack.section("register").headline:
        pdf.para(f"•  {line}", size=10)
    pdf.ln(2)
    pdf.para(f"Key to hidden figures: {pack.legend}", size=8.5, colour=gp.MUTED)
    pdf.para(f"Produced by sendboard on {pack.generated_at:%d %B %Y at %H:%M}.", size=8.5, colour=gp.MUTED)
    for section in pack.sections:
        pdf.add_page()
        pdf.font(16, True)
        pdf.cell(0, 9, pdf.clean(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.para(section.question, size=10.5, colour=gp.MUTED)
        pdf.ln(2)
        for line in section.headline:
            pdf.para(f"•  {line}", size=10)
        pdf.ln(2)
        for table in section.tables:
            draw_table(pdf, table)
        if _needs_key(section):
            pdf.para(pack.legend, size=7.5, colour=gp.MUTED, h=3.6)
    return bytes(pdf.output())


def excel_bytes(pack: TrustPack) -> bytes:
    """The board pack as a workbook: a contents sheet, then a sheet per section with its protected tables."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Contents"
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    ws.append([f"SEND trust board pack: {pack.trust_name}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"Academic year {year_label(pack.academic_year)}, figures as at {pack.as_at:%d %B %Y}"])
    ws.append([f"Key: {pack.legend}"])
    ws.append([])
    ws.append(["Sheet", "Section", "Question"])
    for c in ws[ws.max_row]:
        c.font, c.fill = bold, head_fill
    for section in pack.sections:
        ws.append([section.key, section.title, section.question])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 14, 45, 80
    for section in pack.sections:
        sh = wb.create_sheet(section.key)
        sh.append([section.title])
        sh["A1"].font = Font(bold=True, size=13)
        sh.append([section.question])
        for line in section.headline:
            sh.append([line])
        for table in section.tables:
            sh.append([])
            sh.append([table.title])
            sh.cell(sh.max_row, 1).font = bold
            frame = table.display
            sh.append(list(frame.columns))
            for c in sh[sh.max_row]:
                c.font, c.fill = bold, head_fill
            for values in frame.itertuples(index=False):
                sh.append([None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values])
        if _needs_key(section):
            sh.append([])
            sh.append([f"Key: {pack.legend}"])
        sh.column_dimensions["A"].width = 40
    text_cells_as_text(wb)  # school names are typed by people: no formula from them
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def pack_files(db: Database, scope: Scope, as_at: date) -> dict:
    pack = build_trust_pack(db, scope, as_at)
    return {"pdf": pdf_bytes(pack), "xlsx": excel_bytes(pack)}
