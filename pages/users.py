"""Users (administrators): who has an account and with which role; add, change, reset, disable; settings.
Heads: confirm or refuse the head and SENCO roles an administrator asked for (sendboard.role_requests).
Every change goes through sendboard.admin (which uses sendboard.auth) and is audited there."""
import streamlit as st

from sendboard import admin, role_requests, signin, ui
from sendboard.access import ROLE_LABELS, ROLES, AccessDenied
from sendboard.db import ConflictError
from sendboard.trust_views import trust_sharing_toggle

ctx = ui.page_context("users")
ui.page_header(ctx, caption="Every change on this page is recorded in the audit log, with who made it and when.")
db, viewer = ctx.db, ctx.viewer
MESSAGE = "_users_message"


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE] = (kind, text)


def _attempt(action, success: str, *, clear: tuple[str, ...] = ()) -> None:
    """Run one change from a button's callback; remember a message to show; clear fields on success."""
    try:
        action()
    except role_requests.AwaitingConfirmation as exc:
        _say("info", str(exc))
        for key in clear:
            st.session_state[key] = ""
        return
    except (admin.AdminError, role_requests.RequestError, AccessDenied, ConflictError) as exc:
        _say("error", str(exc))
        return
    _say("success", success)
    for key in clear:
        st.session_state[key] = ""


def _show_message() -> None:
    message = st.session_state.pop(MESSAGE, None)
    if message:
        kind, text = message
        show, icon = {"success": (st.success, ":material/check_circle:"), "info": (st.info, ":material/hourglass_top:")
                      }.get(kind, (st.error, ":material/error:"))
        show(admin.md_escape(text), icon=icon)


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


# ---------------------------------------------------------------- callbacks (run before the page redraws)


def _add() -> None:
    s = st.session_state
    role = s["add_role"]
    username = (s.get("add_username") or "").strip().lower()
    _attempt(lambda: admin.add_account(
        db, viewer, username=username, display_name=s.get("add_name", ""), role=role,
        password=s.get("add_password", ""), confirm=s.get("add_confirm", ""),
        school_ids=s.get("add_schools", []) if role != "trust" else (), email=s.get("add_email", ""),
        trust=s.get("add_trust") if role == "trust" else None),
        f"Added the account {username} ({_role_label(role).lower()}). Tell them their username and the "
        "initial password in person or by phone, not in the same e-mail.",
        clear=("add_username", "add_name", "add_email", "add_password", "add_confirm"))


def _set_role(username: str) -> None:
    role = st.session_state[f"edit_role_{username}"]
    _attempt(lambda: admin.set_role(db, viewer, username, role), f"{username} is now {_role_label(role).lower()}.")


def _set_email(username: str) -> None:
    _attempt(lambda: admin.set_email(db, viewer, username, st.session_state.get(f"edit_email_{username}", "")),
             f"Saved the e-mail address for {username}.")


def _reset(username: str) -> None:
    s = st.session_state
    _attempt(lambda: admin.reset_password(db, viewer, username, s.get(f"edit_password_{username}", ""),
                                          s.get(f"edit_confirm_{username}", "")),
             f"Set a new password for {username} (the account is enabled if it was disabled).",
             clear=(f"edit_password_{username}", f"edit_confirm_{username}"))


def _toggle_disabled(username: str, disable: bool) -> None:
    _attempt(lambda: admin.set_disabled(db, viewer, username, disable),
             f"{username} is {'disabled: they can no longer sign in' if disable else 'enabled again'}.")


def _save_settings() -> None:
    s = st.session_state
    changes = {spec.key: s[f"setting_{spec.key}"] for spec in admin.INT_SETTINGS}
    changes[admin.PASSPORT_SETTING] = s.get("setting_passport_fields", [])
    try:
        changed = admin.update_settings(db, viewer, changes)
    except (admin.AdminError, AccessDenied, ConflictError) as exc:
        _say("error", str(exc))
        return
    if not changed:
        _say("success", "Nothing changed.")
    else:
        _say("success", "Saved: " + "; ".join(f"{key.replace('_', ' ')} {old} → {new}" for key, (old, new) in changed.items()))


def _unbind(username: str) -> None:
    _attempt(lambda: signin.unbind(db, viewer, username),
             f"{username} is unlinked from their school account. Their next single sign-on links it again by e-mail.")


def _save_sso_policy() -> None:
    s = st.session_state
    try:
        changed = signin.set_sso_policy(db, viewer, allowed_domain=s.get("sso_domain", ""),
                                        allowed_tenant=s.get("sso_tenant", ""))
    except (signin.PolicyError, AccessDenied, ConflictError) as exc:
        _say("error", str(exc))
        return
    _say("success", "Saved the single sign-on restrictions." if changed else "Nothing changed.")


def _decide(request_id: int, username: str, confirm: bool) -> None:
    _attempt(lambda: role_requests.decide(db, viewer, request_id, confirm=confirm),
             f"{'Confirmed' if confirm else 'Refused'}: {username}."
             + (" The change is in force now." if confirm else " Nothing was changed."))


def _save_staff_link(username: str) -> None:
    chosen = st.session_state.get(f"edit_staff_{username}") or None
    _attempt(lambda: admin.set_staff_link(db, viewer, username, chosen),
             f"{username} is now linked to staff record {chosen}." if chosen else f"{username} is not linked to a staff record now.")


def _requests_table(frame):
    shown = frame.rename(columns={"username": "Username", "display_name": "Name", "requested_by": "Asked by",
                                  "requested_at": "Asked on", "schools": "Schools"})
    shown["Role asked for"] = shown["role"].map(_role_label)
    shown["Now"] = [("new account" if new else _role_label(cur)) for new, cur in zip(frame["new_account"], frame["current_role"])]
    shown["Asked for"] = [(f"a {role_requests.HELD_CHANGES[kind]}" if kind in role_requests.HELD_CHANGES
                           else f"the {_role_label(role)} role") for kind, role in zip(frame["request_kind"], frame["role"])]
    return shown[["Username", "Name", "Now", "Asked for", "Schools", "Asked by", "Asked on"]]


# ---------------------------------------------------------------- the page

_show_message()
if viewer.role == "head":
    # A head comes here only to confirm or refuse the head and SENCO roles: these see every pupil and every cost.
    waiting = role_requests.pending(db, viewer)
    st.subheader("Head and SENCO accounts: changes waiting for your confirmation")
    st.caption("An administrator asked for these. Head and SENCO accounts see every pupil and every cost of the school, "
               "so nothing changes until a head confirms: not a new role, and not a new password or single sign-on "
               "e-mail (whoever sets either could sign in as that person). Refuse anything you did not expect, and "
               "check a new password or e-mail with the person it is for.")
    if waiting.empty:
        ui.empty_state("Nothing is waiting for your confirmation.")
    else:
        for r in waiting.itertuples(index=False):
            with st.container(border=True):
                what = "A new account" if r.new_account else f"Now {_role_label(r.current_role).lower()}"
                if r.request_kind in role_requests.HELD_CHANGES:
                    st.markdown(f"**A {role_requests.HELD_CHANGES[r.request_kind]}** for **{admin.md_escape(r.username)}** "
                                f"({_role_label(r.current_role or r.role)}) at {admin.md_escape(r.schools or '')}"
                                + (f": {admin.md_escape(r.email or '(none)')}" if r.request_kind == "email" else ""))
                    what = "Nothing changes until you confirm; then their open sessions end"
                else:
                    st.markdown(f"**{admin.md_escape(r.username)}** ({admin.md_escape(r.display_name or r.username)}) "
                                f"as **{_role_label(r.role)}** at {admin.md_escape(r.schools or '')}")
                st.caption(f"{what}. Asked by {admin.md_escape(r.requested_by)} on {r.requested_at:%d %B %Y at %H:%M}.")
                left, right, _ = st.columns([1, 1, 4])
                left.button("Confirm", key=f"confirm_{r.request_id}", type="primary", icon=":material/check:",
                            on_click=_decide, args=(int(r.request_id), r.username, True))
                right.button("Refuse", key=f"refuse_{r.request_id}", icon=":material/close:",
                             on_click=_decide, args=(int(r.request_id), r.username, False))
    st.stop()

accounts = admin.list_accounts(db, viewer)
# Keyed, so a refused form stays on its own tab with what was typed (not back on the first tab).
list_tab, add_tab, change_tab, settings_tab, sso_tab = st.tabs(
    ["Accounts", "Add an account", "Change an account", "School settings", "Single sign-on"],
    key="users_tab", on_change="rerun")

with list_tab:
    active = int((accounts["Status"] == "Active").sum())
    st.caption(f"{len(accounts)} accounts, {active} active. A disabled account cannot sign in; its history stays in "
               "the audit log. Use the other tabs to add an account or change one.")
    columns = ["Username", "Name", "Role", "Status", "Schools", "Trust", "E-mail", "Staff id", "Last sign-in", "Created"]
    if (accounts["Trust"] == "").all():
        columns.remove("Trust")
    ui.table(ctx, accounts[columns], "accounts",
             column_config={"Last sign-in": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                            "Created": st.column_config.DatetimeColumn(format="D MMM YYYY")})
    waiting = role_requests.pending(db, viewer)
    if not waiting.empty:
        st.markdown(f"**Waiting for a head's confirmation ({len(waiting)})**: head and SENCO roles, and new passwords "
                    "and e-mails for those accounts, take effect only when a head of the school confirms them on this page.")
        ui.table(ctx, _requests_table(waiting), "role_requests",
                 column_config={"Asked on": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})

with add_tab:
    schools = admin.school_choices(db, viewer)
    school_names = dict(zip(schools["school_id"].astype(int), schools["name"]))
    trusts = admin.trust_choices(db, viewer)
    role = st.selectbox("Role", ROLES, index=ROLES.index("teacher"), format_func=_role_label, key="add_role",
                        help="Teachers see only the pupils in the groups they teach; governors see anonymised "
                             "totals only; administrators see no pupil pages. A head or SENCO account is created "
                             "only when a head of the school confirms it on this page.")
    with st.form("add_account", border=True):
        left, right = st.columns(2)
        left.text_input("New username", key="add_username", max_chars=40,
                        help="2 to 40 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter.")
        right.text_input("Full name", key="add_name", max_chars=100)
        left.text_input("E-mail (for single sign-on)", key="add_email", max_chars=254,
                        help="The address the school's Microsoft or Google account uses. Needed for 'Sign in with your school account'.")
        if role == "trust":
            if trusts:
                right.selectbox("Trust", trusts, key="add_trust", help="A trust SEND lead sees every school in the trust.")
            else:
                right.warning("No school in this database belongs to a trust.")
        else:
            default = [next(iter(school_names))] if len(school_names) == 1 else []
            right.multiselect("Schools", list(school_names), default=default, format_func=school_names.get,
                              key="add_schools")
        left.text_input("Initial password", type="password", key="add_password", autocomplete="new-password",
                        help="At least 12 characters, not a common password, and not containing the username or the school's name. Give it to the person directly; they can sign in straight away.")
        right.text_input("Initial password again", type="password", key="add_confirm", autocomplete="new-password")
        st.form_submit_button("Add account", type="primary", on_click=_add, icon=":material/person_add:")

with change_tab:
    usernames = accounts["Username"].tolist()
    labels = {r.Username: f"{r.Username} · {r.Name} · {r.Role}" + (" · disabled" if r.Status == "Disabled" else "")
              for r in accounts.itertuples(index=False)}
    if not usernames:
        ui.empty_state("There are no accounts yet.")
    else:
        chosen = st.selectbox("Account", usernames, format_func=labels.get, key="edit_user")
        row = accounts[accounts["Username"] == chosen].iloc[0]
        raw_role = {v: k for k, v in ROLE_LABELS.items()}.get(row["Role"], row["Role"])
        disabled = row["Status"] == "Disabled"
        st.caption(f"Status: {'Disabled' if disabled else 'Active'} · Schools: {admin.md_escape(row['Schools'] or '—')}")

        col_role, col_email = st.columns(2)
        with col_role.form("change_role", border=True):
            st.selectbox("Role", ROLES, index=ROLES.index(raw_role) if raw_role in ROLES else 0,
                         format_func=_role_label, key=f"edit_role_{chosen}",
                         help="The head and SENCO roles see every pupil and every cost: once the school has a head, "
                              "they take effect only when a head confirms them on this page.")
            st.form_submit_button("Save role", on_click=_set_role, args=(chosen,))
        with col_email.form("change_email", border=True):
            st.text_input("E-mail (for single sign-on)", value=row["E-mail"] or "", key=f"edit_email_{chosen}",
                          max_chars=254, help="Leave blank to unlink the account from single sign-on. A head's or SENCO's "
                                                "new e-mail waits for another head's confirmation.")
            st.form_submit_button("Save e-mail", on_click=_set_email, args=(chosen,))

        staff = admin.staff_choices(db, viewer, chosen)
        staff_labels = {0: "Not linked to a staff record"}  # 0: no staff record has it (ids come from id_seq)
        staff_labels.update({int(s.staff_id): f"{s.first_name} {s.last_name} · {s.staff_role.replace('_', ' ')} · "
                             f"{s.email or 'no e-mail'} · id {int(s.staff_id)}" + ("" if s.end_date is None or s.end_date != s.end_date else " · left")
                             for s in staff.itertuples(index=False)})
        linked = int(row["Staff id"]) if row.get("Staff id") else 0
        with st.form("change_staff", border=True):
            st.selectbox("Staff record (a teacher's classes come from it)", list(staff_labels),
                         index=list(staff_labels).index(linked) if linked in staff_labels else 0,
                         format_func=staff_labels.get, key=f"edit_staff_{chosen}",
                         help="The staff record of this person in the MIS staff file. A teacher sees the pupils of the "
                              "groups this staff record teaches today.")
            st.form_submit_button("Save staff link", on_click=_save_staff_link, args=(chosen,), icon=":material/link:")

        col_pw, col_state = st.columns(2)
        with col_pw.form("reset_password", border=True):
            st.text_input("New password", type="password", key=f"edit_password_{chosen}", autocomplete="new-password",
                          help="At least 12 characters, not a common password, and not containing the username or the school's name. Resetting also re-enables a disabled account and clears a lock-out. "
                               "A head's or SENCO's new password waits for another head's confirmation.")
            st.text_input("New password again", type="password", key=f"edit_confirm_{chosen}",
                          autocomplete="new-password")
            st.form_submit_button("Reset password", on_click=_reset, args=(chosen,))
        with col_state.container(border=True):
            if disabled:
                st.write("This account is disabled and cannot sign in.")
                st.button("Enable account", on_click=_toggle_disabled, args=(chosen, False), icon=":material/lock_open:")
            else:
                st.write("Disabling stops this person signing in at once; nothing they recorded is lost.")
                st.button("Disable account", on_click=_toggle_disabled, args=(chosen, True), icon=":material/block:")

with settings_tab:
    values = admin.current_settings(db, viewer)
    st.caption("These apply to everyone at once. Each change is recorded with its old and new value.")
    with st.form("settings", border=True):
        left, right = st.columns(2)
        for i, spec in enumerate(admin.INT_SETTINGS):
            (left if i % 2 == 0 else right).number_input(
                f"{spec.label} ({spec.low} to {spec.high})", min_value=spec.low, max_value=spec.high, step=1,
                value=values[spec.key], key=f"setting_{spec.key}", help=spec.help)
        st.multiselect("Passport fields teachers may edit (the SENCO can always edit every field)",
                       list(admin.PASSPORT_FIELDS), default=values[admin.PASSPORT_SETTING],
                       format_func=admin.PASSPORT_FIELDS.get, key="setting_passport_fields")
        st.form_submit_button("Save settings", type="primary", on_click=_save_settings)
    trust_sharing_toggle(ctx)

with sso_tab:
    st.caption("An account is linked to one school account (Microsoft or Google) the first time that person signs in "
               "with it, by its verified e-mail address. From then on it is found by the provider's own ID for the "
               "person, so an address changed or reused at the provider cannot take the account over.")
    bound = signin.bound_accounts(db, viewer)
    if bound.empty:
        ui.empty_state("No account is linked to a school account yet.")
    else:
        shown = bound.rename(columns={"username": "Username", "display_name": "Name", "role": "Role",
                                      "issuer": "Provider", "email": "E-mail when linked", "bound_at": "Linked on"})
        shown["Role"] = shown["Role"].map(_role_label)
        ui.table(ctx, shown[["Username", "Name", "Role", "Provider", "E-mail when linked", "Linked on"]], "sso_links",
                 column_config={"Linked on": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})
        with st.form("sso_unbind", border=True):
            st.selectbox("Linked account", bound["username"].tolist(), key="sso_unbind_user",
                         help="Unlink when a person's school account was replaced. Their open sessions end.")
            st.form_submit_button("Unlink from school account", on_click=lambda: _unbind(st.session_state["sso_unbind_user"]),
                                  icon=":material/link_off:")
    policy = signin.sso_policy(db)
    try:
        from_secrets = dict(st.secrets.get("sendboard_sso") or {})
    except Exception:  # no secrets file at all
        from_secrets = {}
    if from_secrets:
        effective = signin.sso_policy(db, from_secrets)
        st.info(f"secrets.toml sets the restriction in force: Google Workspace domain "
                f"{admin.md_escape(effective.allowed_domain or 'any')}, Entra tenant "
                f"{admin.md_escape(effective.allowed_tenant or 'any')}. The fields below apply only where it sets none.",
                icon=":material/lock:")
    with st.form("sso_policy", border=True):
        st.markdown("**Accept school accounts only from**")
        left, right = st.columns(2)
        left.text_input("Google Workspace domain", value=policy.allowed_domain, key="sso_domain", max_chars=253,
                        placeholder="yourschool.sch.uk",
                        help="Sign-in is refused for Google accounts outside this Workspace domain (the 'hd' claim). Blank: any.")
        right.text_input("Entra tenant ID", value=policy.allowed_tenant, key="sso_tenant", max_chars=36,
                         placeholder="00000000-0000-0000-0000-000000000000",
                         help="Sign-in is refused for Microsoft accounts from any other directory (the 'tid' claim). "
                              "Microsoft schools should set this: Entra does not say whether an e-mail is verified. Blank: any.")
        st.caption("A `[sendboard_sso]` section in secrets.toml, if present, takes precedence over these.")
        st.form_submit_button("Save restrictions", on_click=_save_sso_policy)
