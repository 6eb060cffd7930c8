"""Governors' pack: the anonymised SEND picture for the governing board, on screen, as a PDF and as a
workbook. Governors read it; the head previews it and writes the commentary before it is exported."""
import streamlit as st

from sendboard import audit, ui
from sendboard.governors import GovernorsError
from sendboard.governors.commentary import get_commentary, save_commentary
from sendboard.governors.figures import build_pack, chart_frame, year_label
from sendboard.governors.pack import OVERALL, excel_bytes, pdf_bytes
from sendboard.governors.svg import bars_alt, bars_svg
from sendboard.text import md_escape

ctx = ui.page_context("governors")
ui.page_header(ctx)

if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("No school or term is set up yet, so there is no pack to show.")
    st.stop()

pack = ui.cached(build_pack, ctx.scope, ctx.school_id, ctx.academic_year, ctx.as_at, ctx.school_name or "",
                 ctx.school_phase)
commentary = ui.cached(get_commentary, ctx.scope, ctx.school_id, ctx.academic_year)
is_head = ctx.viewer.role == "head"


def _record(kind: str) -> None:
    audit.record(ctx.db, ctx.viewer, "download", object_type="governors", object_id="governors_pack",
                 detail={"format": kind, "academic_year": ctx.academic_year, "as_at": str(ctx.as_at)})


def commentary_block(section_key: str, title: str = "Headteacher's commentary") -> None:
    text = commentary.get(section_key, "")
    if editing:  # a form per section only while the head edits: ten forms cost every visit's browser its drawing
        with st.form(f"commentary-{section_key}", border=True):
            new = st.text_area(title, value=text, key=f"commentary-text-{section_key}", max_chars=2000,
                               help="Shown to governors in the pack. Do not name pupils: the pack is anonymised.")
            if st.form_submit_button("Save commentary", icon=":material/save:"):
                try:
                    save_commentary(ctx.db, ctx.scope, ctx.school_id, ctx.academic_year, section_key, new)
                except (GovernorsError, PermissionError) as exc:
                    st.error(str(exc))
                else:
                    st.success("Saved. It will appear in the PDF and workbook.")
                    st.rerun()
    else:
        with st.container(border=True):  # one element, not a heading and a text: fewer for every browser to draw
            st.markdown(f"**{title}**  \n" + (md_escape(text) if text else "No commentary has been added to this section."))


st.info(f"Anonymised: no pupil is named. **<{pack.threshold}** = fewer than {pack.threshold} pupils, hidden; "
        f"**x** = hidden so a small number cannot be worked out, or a rate of fewer than {pack.threshold} pupils. "
        "A range such as **10.0–20.0** is a percentage whose count is hidden, given as the range the other figures "
        "allow. 0 means none.", icon=":material/shield:")

# Downloads: the files are made when the button is pressed (from the pack on screen); each is audited.
stem = f"governors_pack_{year_label(ctx.academic_year).replace('/', '-')}"
downloads = st.container(horizontal=True)
downloads.download_button("Download PDF pack", lambda: pdf_bytes(pack, commentary), f"{stem}.pdf", "application/pdf", type="primary",
                     icon=":material/picture_as_pdf:", on_click=_record, args=("pdf",), key="pack-pdf")
downloads.download_button("Download Excel", lambda: excel_bytes(pack, commentary), f"{stem}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/table:", on_click=_record, args=("xlsx",), key="pack-xlsx")
editing = False
if is_head:
    editing = st.toggle("Edit commentary", key="gov-edit-commentary",
                        help="Shows a box under each section for your commentary, with its own Save button.")
    st.caption("You are previewing the pack governors see. " + (
        "Write your commentary in each section and save it, then download." if editing else
        "Turn on **Edit commentary** to write the commentary for each section, then download."))

# At a glance.
reg = pack.section("register").facts
gaps = pack.section("gaps").facts
cols = ui.metric_row()
shown = reg.get("shown", {})


def _share(key: str) -> str:  # the share as the pack shows it: a number, a range, or hidden
    value = reg.get(key)
    if value is not None:
        return f"{value:.1f}%"
    text = shown.get(key, "")
    return f"{text}%" if "–" in text else "hidden"


def _national(key: str, year_key: str):
    value = reg.get(key)
    return None if value is None else f"national {value:.1f}% ({reg.get(year_key)})"


cols.metric("Pupils on roll", "–" if reg.get("on_roll") is None else f"{reg['on_roll']:,.0f}",
            None if reg.get("roll_date") is None else f"at the census, {reg['roll_date']:%d %b %Y}",
            delta_color="off", delta_arrow="off")
if reg.get("compare_totals"):
    cols.metric("With SEN", _share("send_pct"), _national("national_send_pct", "national_send_year"),
                delta_color="off", delta_arrow="off")
cols.metric("On SEN support", _share("sen_support_pct"), _national("national_sen_support_pct", "national_split_year"),
            delta_color="off", delta_arrow="off")
cols.metric("With an EHC plan", _share("ehc_pct"), _national("national_ehc_pct", "national_split_year"),
            delta_color="off", delta_arrow="off")
att = [g for g, _ in gaps.get("attendance_gaps", []) if g is not None]
cols.metric("Attendance gap (SEND vs no SEN)", "–" if not att else f"{abs(att[-1]):.1f} pts",
            "percentage points behind" if att and att[-1] < 0 else None, delta_color="off", delta_arrow="off")

st.subheader("Questions governors could ask")
for i, q in enumerate(pack.questions, 1):
    st.markdown(f"{i}. {q.text}")
commentary_block(OVERALL, "Headteacher's summary")

for section in pack.sections:
    st.divider()
    st.subheader(section.title)
    st.caption(f"{section.question}  \nSEN Information Report: {section.sir_heading}")
    if section.empty:
        ui.empty_state(section.empty)
    if section.headline:
        # escaped: a headline can carry what staff typed (the policies' titles)
        st.markdown("\n".join(f"- {md_escape(line)}" for line in section.headline))
    if section.chart is not None:
        # An image drawn on the server, every value printed on its bar and given in its alternative text
        # (sendboard/governors/svg.py); its table is the first of "The figures".
        st.image(bars_svg(section.chart, pack.threshold), alt=bars_alt(section.chart))
    if section.tables or section.chart is not None:
        # Drawn only when opened: a closed expander's tables still cost every browser their grids.
        figures = st.expander("The figures", key=f"gov-figures-{section.key}", on_change="rerun")
        if figures.open:
            with figures:
                if section.chart is not None:
                    st.markdown(f"**The chart's figures: {section.chart.title}**")
                    ui.table(ctx, chart_frame(section.chart, pack.threshold), f"governors_{section.key}_chart",
                             key=f"gov-chart-{section.key}")
                for table in section.tables:
                    st.markdown(f"**{table.title}**")
                    ui.table(ctx, table.display, f"governors_{table.name}", key=f"gov-{table.name}")
    commentary_block(section.key)
