"""sendboard: the router and frame. Sign-in, then the pages this role may see, grouped for the role."""
import streamlit as st

from sendboard import ui

st.set_page_config(page_title="sendboard", page_icon=":material/diversity_3:", layout="wide")

db = ui.database()
viewer = ui.current_viewer(db)

if viewer is None:
    st.navigation([st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:")], position="hidden").run()
    st.stop()

groups: dict[str, list] = {}
for page in ui.role_pages(viewer):
    groups.setdefault(page.group, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.key, default=page.key == "home")
    )
navigation = st.navigation(groups, expanded=True)  # every page in view, never "View 5 more"
ui.sidebar_filters(viewer)
navigation.run()
