"""Plotly figures for the book: one function per figure, each returns a ``go.Figure``.

Style rules every figure follows (set once in ``style``):
- the Okabe-Ito palette (``PALETTE``), which stays distinguishable for the common forms of
  colour blindness;
- transparent backgrounds and mid-grey grid lines, so a figure reads on the theme's light
  and dark modes alike (the book's CSS recolours the text in dark mode);
- axis titles with units; a title that says what the figure shows.
Figures take numbers from ``analysis`` and ``model``; nothing here is typed by hand.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia/protanopia/tritanopia.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#999999",
}
COLORWAY = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple",
                                 "grey", "yellow")]
STAGE_NAMES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc")


def style(
    fig: go.Figure, *, title: str | None = None, height: int = 420, **layout: Any
) -> go.Figure:
    """Apply the book's look to ``fig`` and return it (so calls can be chained)."""
    grid = "rgba(128,128,128,0.35)"
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left") if title else None,
        height=height,
        colorway=COLORWAY,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13,
                  color="#333333"),
        margin=dict(l=60, r=20, t=60 if title else 20, b=50),
        legend=dict(bgcolor="rgba(0,0,0,0)"),
        hoverlabel=dict(font_size=12),
        **layout,
    )
    fig.update_xaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    fig.update_yaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    return fig
