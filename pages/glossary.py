"""Glossary: the SEND terms and abbreviations used in sendboard, in plain English, searchable."""
import streamlit as st

from sendboard import glossary, ui
from sendboard.admin import md_escape

ctx = ui.page_context("glossary")
ui.page_header(ctx)

left, right = st.columns([3, 2])
query = left.text_input("Search the glossary", key="glossary_query", max_chars=100,
                        placeholder="A word or abbreviation, e.g. EHC, APDR, top-up",
                        help="Finds terms whose name, abbreviation or meaning contains every word you type.")
category = right.selectbox("Topic", ["All topics", *glossary.CATEGORIES], key="glossary_category")
found = glossary.search(query, None if category == "All topics" else category)

if found.empty:
    ui.empty_state("No term matches that search. Try a shorter word, or choose 'All topics'.")
    st.stop()

total = len(glossary.terms())
st.caption(f"{len(found)} of {total} terms" if len(found) != total else f"All {total} terms, grouped by topic.")
for topic in glossary.CATEGORIES:
    rows = found[found["category"] == topic]
    if rows.empty:
        continue
    st.subheader(topic, divider="gray")
    for row in rows.itertuples(index=False):
        title = f"**{md_escape(row.term)}**" + (f" ({md_escape(row.short)})" if row.short else "")
        st.markdown(f"{title}  \n{md_escape(row.meaning)}")
