"""Charts drawn on the server as SVG (skeleton: the title only; the renderer is being written)."""
from __future__ import annotations

from xml.sax.saxutils import escape


def cached_svg(fig, *, chart_id: str) -> str:
    title = ((fig.layout.title.text or "") if fig.layout.title else "").replace("<br>", " ")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 100" role="img" class="sendboard-chart" '
            f'data-chart="{escape(chart_id)}" aria-label="{escape(title, {chr(34): "&quot;"})}">'
            f'<text x="0" y="20">{escape(title)}</text></svg>')
