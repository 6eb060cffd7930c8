"""Trust schools: every school of the trust side by side, a way into each school's own pages, the
interventions several schools run, and the trust board pack. No pupil is shown here."""
import streamlit as st

from sendboard import audit, trust, trust_views, ui
from sendboard.trust_compare import shared_interventions
from sendboard.trust_pack import build_trust_pack, excel_bytes, pdf_bytes

ctx = ui.page_context("trust")
ui.page_header(ctx, caption="Every school in the trust, as at the same date. No pupil is shown here.")

st.subheader("Side by side")
trust_views.side_by_side(ctx)

charts = st.expander("Charts: the register, need mix and outcome gaps of every school", icon=":material/bar_chart:",
                     key="trust_charts", on_change="rerun")
if charts.open:  # drawn only when asked for: three charts of every school cost every rerun otherwise
    with charts:
        register = ui.cached(trust.register_by_school, ctx.scope, ctx.as_at)
        if not register.empty and int(register["on_roll"].sum()):
            ui.chart(ctx, ui.figure(trust.register_chart, register), trust.register_table(register), "trust_register")
            st.caption("National marks: DfE 'Special educational needs in England' for each school's phase, the latest "
                       "year held up to this one, named in the table (the total with SEN is often newer than its split).")
            mix = ui.cached(trust.need_mix_by_school, ctx.scope, ctx.as_at)
            if not mix.empty:
                ui.chart(ctx, ui.figure(trust.need_mix_chart, mix), trust.need_mix_table(mix), "trust_need_mix")
            gaps = ui.cached(trust.outcome_gaps_by_school, ctx.scope, ctx.as_at)
            if not gaps[["score_gap", "attendance_gap"]].isna().all().all():
                ui.chart(ctx, ui.figure(trust.gap_chart, gaps), trust.gap_table(gaps), "trust_outcome_gaps")

value = st.expander("Value for money of interventions run in several schools", icon=":material/paid:",
                    key="trust_value_for_money", on_change="rerun")
if value.open:  # each school's impact figures: worked out only when asked for
    with value:
        shared = ui.cached(shared_interventions, ctx.scope, ctx.as_at)
        if shared.empty:
            ui.empty_state("No intervention has run in two or more schools this academic year.")
        else:
            ui.table(ctx, shared, "trust_shared_interventions")
            st.caption("Effect size: each school's pre-post effect (or against similar pupils where compared) with "
                       "its 95% interval, and the verdict, exactly as that school's Impact and value page gives them.")

st.subheader("Trust board pack")
st.caption("The governors' pack at trust level: one row per school and one for the trust, small counts hidden in "
           "each school and in the total, national figures named by year. A PDF and an Excel workbook.")


def _record(kind: str) -> None:
    audit.record(ctx.db, ctx.viewer, "download", object_type="trust", object_id="trust_board_pack",
                 detail={"format": kind, "as_at": str(ctx.as_at)})


def _file(kind: str):
    def build() -> bytes:
        pack = ui.cached(build_trust_pack, ctx.scope, ctx.as_at)
        content = pdf_bytes(pack) if kind == "pdf" else excel_bytes(pack)
        _record(kind)
        return content
    return build


row = st.container(horizontal=True)
row.download_button("Download PDF board pack", _file("pdf"), "trust_board_pack.pdf", "application/pdf", type="primary",
                    icon=":material/picture_as_pdf:", on_click="ignore", key="trust-pack-pdf")
row.download_button("Download Excel board pack", _file("xlsx"), "trust_board_pack.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    icon=":material/table:", on_click="ignore", key="trust-pack-xlsx")
