"""Take-away PDFs (fpdf2): a one-page class profile and a print-ready pupil passport.

They are drawn from the same scoped dicts the pages show (profile.class_profile, passport.passport), so
a PDF can never hold more than the viewer may see. DejaVu Sans is used when installed (any name
prints); otherwise Helvetica with characters outside latin-1 replaced.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from fpdf import FPDF

from ..pdf_fonts import use_unicode_font
from . import RATING_LABELS
from .passport import FIELDS
from .profile import fmt_date

ALERT_WORDS = {"overdue": "OVERDUE:", "new": "NEW:", "concern": "WATCH:"}


class _Doc(FPDF):
    def __init__(self, footer_text: str, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer_text
        self.family_name, self.unicode = use_unicode_font(self)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=14)

    def clean(self, text) -> str:
        text = "" if text is None else str(text)
        text = "".join(ch for ch in text if ord(ch) < 0x10000 and ch != "\ufe0f")
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False):
        self.set_font(self.family_name, "B" if bold else "", size)

    def line_text(self, text, size=9, bold=False, h=None):
        self.font(size, bold)
        self.multi_cell(0, h or size * 0.45, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def labelled(self, label, text, size=9):
        """'Label: text', the label in bold, wrapping across the page width."""
        if not text:
            return
        h = size * 0.45
        self.set_x(self.l_margin)
        self.font(size, True)
        self.write(h, self.clean(f"{label}: "))
        self.font(size)
        self.write(h, self.clean(text))
        self.ln(h)

    def footer(self):
        self.set_y(-10)
        self.font(7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.clean(f"{self.footer_text} · page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)


def _alerts(card) -> str:
    return "; ".join(f"{ALERT_WORDS.get(icon, '!')} {text}" for icon, text in card["alerts"])


def _needs(card) -> str:
    return "; ".join(f"{n['name']}" + (" (primary)" if n["rank"] == 1 and len(card["needs"]) > 1 else "")
                     for n in card["needs"]) or "None recorded"


def class_profile_pdf(prof: dict, *, school: str | None, printed_by: str, printed_on: date) -> bytes:
    """One page (two for a very large list) with a block per pupil with SEND, strengths first."""
    group, summary = prof["group"], prof["summary"]
    doc = _Doc(f"Class profile {group['name']} · confidential: SEND information (UK GDPR special category) · "
               f"printed by {printed_by} on {printed_on:%d %B %Y}")
    doc.add_page()
    cards = prof["cards"]
    size = 9 if len(cards) <= 6 else 8 if len(cards) <= 10 else 7
    doc.line_text(f"Class profile: {group['name']}" + (f" ({group['subject']})" if isinstance(group.get("subject"), str) and group.get("subject") else ""), 15, True, 7)
    doc.line_text(" · ".join(x for x in (school, f"Year {group['year_group']}", f"as at {fmt_date(prof['as_at'])}") if x), 9)
    mix = ", ".join(f"{r.area} {r.pupils}" for r in prof["need_mix"].itertuples()) or "none"
    doc.line_text(f"{summary['pupils']} pupils · {summary['sen_support']} on SEN support · {summary['ehc_plans']} with an "
                  f"EHC plan · {summary['of_concern_only']} of concern (not on register). Need mix: {mix}.", 9)
    doc.ln(2)
    if not cards:
        doc.line_text("No pupil in this class is on the SEND register or of concern at this date.", 10)
    for card in cards:
        if doc.get_y() > doc.h - 40:
            doc.add_page()
        doc.set_draw_color(160, 160, 160)
        doc.line(doc.l_margin, doc.get_y(), doc.w - doc.r_margin, doc.get_y())
        doc.ln(1)
        doc.line_text(f"{card['name']} · {card['status']} · {_needs(card)}", size + 1, True)
        strengths = "; ".join(x for x in (card["strengths"], card["interests"] and f"Interests: {card['interests']}") if x)
        doc.labelled("Strengths", strengths, size)
        doc.labelled("What helps", card["what_helps"], size)
        doc.labelled("What does not help", card["what_does_not_help"], size)
        doc.labelled("Targets", " | ".join(card["targets"]), size)
        doc.labelled("Out of class", " | ".join(card["interventions"]), size)
        doc.labelled("Support in class", " | ".join(card.get("in_class_support", [])), size)
        doc.labelled("Strategies", ", ".join(card["strategies"]), size)
        nxt = fmt_date(card["next_review"])
        doc.labelled("Next review", nxt, size)
        doc.labelled("Alerts", _alerts(card), size)
        doc.ln(1)
    return bytes(doc.output())


def passport_pdf(pp: dict, *, school: str | None, printed_by: str, printed_on: date) -> bytes:
    doc = _Doc(f"Pupil passport · confidential: SEND information (UK GDPR special category) · printed by "
               f"{printed_by} on {printed_on:%d %B %Y}")
    doc.add_page()
    doc.line_text(f"Pupil passport: {pp['name']}", 16, True, 8)
    doc.line_text(" · ".join(x for x in (school, pp["year_group"] and f"Year {pp['year_group']}", pp["status"],
                                         pp["groups"] and "Groups: " + ", ".join(pp["groups"]),
                                         f"as at {fmt_date(pp['as_at'])}") if x), 9)
    doc.ln(2)
    doc.labelled("Needs", _needs(pp), 10)
    for field, label in FIELDS.items():
        doc.labelled(label, pp[field] or "Not recorded yet", 10)
    doc.ln(1)
    doc.labelled("Current targets", " | ".join(pp["targets"]) or "None", 10)
    doc.labelled("Interventions (out of class)", " | ".join(pp["interventions"]) or "None", 10)
    doc.labelled("Support in class", " | ".join(pp.get("in_class_support", [])) or "None", 10)
    doc.labelled("Recommended strategies", ", ".join(pp["strategies"]) or "None attached", 10)
    doc.labelled("Next review", fmt_date(pp["next_review"]) or "No open plan", 10)
    doc.labelled("Alerts", _alerts(pp), 10)
    reviews = pp["reviews"]
    if isinstance(reviews, pd.DataFrame) and not reviews.empty:
        doc.ln(2)
        doc.line_text("Review history (latest first)", 11, True)
        for r in reviews.head(12).itertuples():
            doc.line_text(f"{fmt_date(r.reviewed_on)} · {RATING_LABELS.get(r.rating, r.rating)} · {r.target or 'whole plan'}"
                          f" · {r.note or ''} ({r.recorded_by})", 8)
    return bytes(doc.output())


def class_profile_pdf_for(db, scope, group_id: int, as_at: date, school: str | None,
                          printed_by: str) -> bytes | None:
    """The class profile PDF, built from the viewer's own scoped profile (cacheable with ui.cached)."""
    from .profile import class_profile

    prof = class_profile(db, scope, group_id, as_at)
    return None if prof is None else class_profile_pdf(prof, school=school, printed_by=printed_by, printed_on=scope.today)


def passport_pdf_for(db, scope, pupil_id: int, as_at: date, school: str | None,
                     printed_by: str) -> bytes | None:
    from .passport import passport

    pp = passport(db, scope, pupil_id, as_at)
    return None if pp is None else passport_pdf(pp, school=school, printed_by=printed_by, printed_on=scope.today)
