"""sendboard: the router and frame. Sign-in, then the pages this role may see, grouped for the role."""
import streamlit as st

if __name__ != "__main__":
    # Imported by `streamlit run` to find the server: serve the app with the sign-in form (a route that can
    # set an HttpOnly cookie) and the gate that sends a browser with no session to it (sendboard/web.py).
    from starlette.middleware import Middleware

    from sendboard import warmup, web

    warmup.start()  # imports, first charts and the database opened now, not on the first person's page
    app = st.App(__file__, routes=web.routes(), middleware=[Middleware(web.SignInGate)])
else:  # each run of the app in a browser session
    from sendboard import runlog, ui

    with runlog.timed_run() as run:  # off unless SENDBOARD_RUN_LOG or SENDBOARD_RUN_PROFILE is set
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
        ui.sidebar_filters(viewer, navigation.url_path or "home")
        ui.watch_session()  # clears the screen when the session ends, without waiting for a click
        if run is not None:
            run["page"] = navigation.url_path or "home"
        navigation.run()
