"""Chart conventions shared by every page: a colour-blind-safe palette and a common layout.
Each area's own chart functions live in its module; they take DataFrames and return plotly Figures."""
from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GROUP_COLOURS = {"EHC plan": "#D55E00", "SEN support": "#0072B2", "No SEN": "#999999",
                 "School": "#0072B2", "National": "#E69F00"}
AREA_COLOURS = {"Communication and interaction": "#0072B2", "Cognition and learning": "#E69F00",
                "Social, emotional and mental health": "#009E73", "Sensory and/or physical": "#CC79A7",
                "Other": "#999999"}


def layout(title: str, *, height: int = 380, y_title: str | None = None, x_title: str | None = None) -> dict:
    """The common layout as a dict: title = the question the chart answers; readable fonts; legend above
    the plot, not over it. No template of our own: Streamlit's chart theme already matches the app (an
    explicit plotly template was validated and deep-copied for every chart, then sent to the browser)."""
    out = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        "height": height, "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "font": {"size": 13}, "colorway": PALETTE,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": None},
    }
    if y_title is not None:
        out["yaxis"] = {"title": {"text": y_title}}
    if x_title is not None:
        out["xaxis"] = {"title": {"text": x_title}}
    return out


def style(fig: go.Figure, title: str, *, height: int = 380, y_title: str | None = None,
          x_title: str | None = None) -> go.Figure:
    """Apply :func:`layout` to a built figure. Passing ``layout(...)`` to ``go.Figure`` when it is built is
    several times cheaper (plotly validates an update to an existing figure property by property)."""
    fig.layout.update(layout(title, height=height, y_title=y_title, x_title=x_title))
    return fig
