"""The trust's data-sharing setting: whether the trust SEND lead, drilling into one school, sees pupils'
names. Off by default (a trust lead oversees provision; the school is the data controller of its pupils'
records and shares names with the trust only where its data-sharing agreement says so). Only an
administrator changes it, and every change is audited with its old and new value.

With it off, the trust lead sees every aggregate a head sees and no pupil-level table: each one is
replaced by a sentence saying why (:func:`withhold_pupil_table`).
"""
from __future__ import annotations

from .access import AccessDenied, Viewer
from .db import Database

SETTING_KEY = "trust_pupil_names"
ON, OFF = "on", "off"
WITHHELD_SENTENCE = ("Pupils' names are not shown to the trust: the trust's data-sharing setting keeps pupil-level "
                     "lists within each school. The figures on this page are the school's own. An administrator "
                     "can change the setting if the trust's data-sharing agreement allows it.")


def names_shared(db: Database) -> bool:
    """True when the trust lead may see pupils' names (the administrator turned sharing on)."""
    rows = dict(db.query_rows("settings_all"))
    return rows.get(SETTING_KEY, OFF) == ON


def names_withheld(db: Database, viewer: Viewer) -> bool:
    """True when this viewer is the trust lead and the setting keeps pupils' names from them."""
    return viewer.role == "trust" and not names_shared(db)


def set_names_shared(db: Database, viewer: Viewer, shared: bool) -> bool:
    """Turn the sharing of pupils' names with the trust lead on or off. Administrators only; audited.
    Returns whether anything changed."""
    from . import audit

    if viewer.role != "admin":
        audit.record(db, viewer, "access_refused", object_type="setting", object_id=SETTING_KEY)
        raise AccessDenied("only an administrator may change the trust's data-sharing setting")
    old = ON if names_shared(db) else OFF
    new = ON if shared else OFF
    if old == new:
        return False

    def work(w):
        w.run("upsert_setting", key=SETTING_KEY, value=new)
        audit.record_change(w, viewer, "setting_changed", object_type="setting", object_id=SETTING_KEY,
                            old_value=old, new_value=new)
        return True

    return db.write(work)


def withhold_pupil_table(ctx) -> bool:
    """On a page about one school: when the viewer is the trust lead and names are not shared, say why in
    place of the pupil-level table and return True (the caller then draws nothing about a pupil)."""
    if not names_withheld(ctx.db, ctx.viewer):
        return False
    import streamlit as st

    st.info(WITHHELD_SENTENCE, icon=":material/lock:")
    return True
