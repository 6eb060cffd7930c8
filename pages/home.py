"""Home: a sentence for each page this role may open, and the headline figures where the role sees them."""
import streamlit as st

from sendboard import trust_views, ui
from sendboard.access import ROLE_LABELS
from sendboard.domain import DEMO_PASSWORD
from sendboard.home import headline, is_demo_database, policy_alerts
from sendboard.publishing.policies import alert_lines as policy_alert_lines
from sendboard.statutory import ehc
from sendboard.text import md_escape

ctx = ui.page_context("home")
st.title(f"Welcome, {md_escape(ctx.viewer.display_name)}")
where = ctx.viewer.trust if ctx.viewer.role == "trust" else ctx.school_name  # the trust lead's home is the whole trust
st.caption(f"Signed in as {ROLE_LABELS[ctx.viewer.role].lower()}" + (f" · {md_escape(where)}" if where else ""))
if ui.cached(is_demo_database):
    st.warning("**This is a demonstration.** The pupils are made up, and every account's password "
               f"(`{DEMO_PASSWORD}`) is published in the README. Never put a school's own data here: "
               "start a school's database with `sendboard init`.", icon=":material/science:")

if ctx.viewer.role == "trust":  # the whole trust at a glance, not one school (sendboard/trust_views.py)
    trust_views.trust_home(ctx)
elif ctx.school_id is not None and ctx.academic_year is not None and ctx.viewer.role != "admin":
    figures = ui.cached(headline, ctx.scope, ctx.school_id, ctx.as_at)
    if figures["on_roll"]:
        cols = st.columns(3)
        cols[0].metric("Pupils on roll", f"{figures['on_roll']:,}")
        cols[1].metric("On SEN support", f"{figures['sen_support']:,}", f"{figures['sen_support_pct']:.1f}% of roll", delta_color="off", delta_arrow="off")
        cols[2].metric("With an EHC plan", f"{figures['ehc_plans']:,}", f"{figures['ehc_pct']:.1f}% of roll", delta_color="off", delta_arrow="off")
        st.caption(f"As at {ctx.as_at:%d %B %Y}. Change the term in the sidebar to look back.")
        if ctx.viewer.role in {"head", "senco", "trust"} and figures["ehc_plans"]:  # governors: the pack, with disclosure control
            ehc_now = ui.cached(ehc.compliance_now, ctx.scope, ctx.school_id, ctx.as_at)
            st.caption(f"EHC plans: {md_escape(ehc.compliance_sentence(ehc_now))}")
    else:
        ui.empty_state("No pupils are on roll for this school and term yet. Import data on the Data import page.")

if ctx.school_id is not None and ctx.viewer.role in {"head", "governor"}:  # what the board must approve soon
    due = ui.cached(policy_alerts, ctx.scope, ctx.school_id, ctx.as_at)
    lines = policy_alert_lines(due)
    if lines:
        with st.container(border=True):
            st.markdown(f"**:material/event_busy: Policies for the governing board** (as at {ctx.as_at:%d %B %Y})")
            for line in lines:
                st.markdown(f"- {md_escape(line)}")
            st.page_link("pages/sen_report.py", label="Open the policy calendar", icon=":material/publish:")

st.subheader("What each page answers")
for page in ui.role_pages(ctx.viewer):
    if page.key == "home":
        continue
    # The question goes under the link, not in it: a page link's label does not wrap, so a long
    # question was cut off on a tablet (1024 px wide).
    st.page_link(page.path, label=f"**{page.title}**", icon=page.icon)
    st.caption(page.question)
