"""Fonts for the PDFs sendboard makes (class profiles, passports, the governors' pack)."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

# Debian's fonts-dejavu-core: covers the £, dashes and accented names the built-in fonts cannot.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def use_unicode_font(doc: FPDF) -> tuple[str, bool]:
    """Register DejaVu Sans on the document when it is installed. Returns (family, unicode): without it
    the document falls back to Helvetica, and callers must keep text to Latin-1."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        doc.add_font("DejaVu", "", str(regular))
        doc.add_font("DejaVu", "B", str(bold))
        return "DejaVu", True
    return "Helvetica", False
