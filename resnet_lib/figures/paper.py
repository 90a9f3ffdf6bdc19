"""Figures of the paper's numbers (chapters "Table 1, reproduced" and "Myths and facts").

Published numbers come from ``paper`` (each with its source); everything else is counted by
``analysis`` or read from a model built on the ``meta`` device (no weights allocated).
"""

from __future__ import annotations

from html import escape
from typing import Any

import plotly.graph_objects as go
import torch

from ..analysis import weighted_layers
from ..i18n import text
from ..model import build
from ..paper import TABLE1
from ..render import with_caption
from ..spec import RESNETS
from ..style import PALETTE, label, rgba, style
from ..table1 import table1_cells, torchvision_comparison


def macs_paper_vs_code_figure() -> go.Figure:
    """G multiply-adds per image: the paper's printed figure, ours in both stride placements,
    and torchvision's published GFLOPS."""
    rows = torchvision_comparison()
    x = [label(r.name) for r in rows]
    fig = go.Figure()
    series = (
        (text("paper, Table 1 (printed, 1 decimal)"), [r.gflops_paper for r in rows], "grey"),
        (text("ours, stride on the 1x1 (paper's form)"), [r.gmacs_paper_form for r in rows],
         "blue"),
        (text("ours, stride on the 3x3 (torchvision's form)"), [r.gmacs for r in rows],
         "orange"),
    )
    for name, y, colour in series:
        fig.add_bar(x=x, y=y, name=name, marker_color=PALETTE[colour],
                    hovertemplate="%{x}: %{y:.3f} G<extra>" + name + "</extra>")
    fig.add_scatter(x=x, y=[r.gflops_published for r in rows], mode="markers",
                    name=text("torchvision's published GFLOPS"), marker=dict(
                        symbol="x-thin", size=16, line=dict(width=3, color=PALETTE["vermillion"])),
                    hovertemplate="%{x}: %{y:.3f} G<extra>torchvision</extra>")
    style(fig, title=text("Multiply-adds per 224×224 image: paper vs code"),
          xaxis_title=text("network"), yaxis_title=text("multiply-adds (×10⁹)"),
          barmode="group", height=460).update_layout(legend=dict(orientation="h", y=-0.2))
    gap = max(abs(r.gflops_paper - r.gmacs_paper_form) for r in rows)
    more = max(r.gmacs - r.gmacs_paper_form for r in rows)
    return with_caption(fig, text(
        "The paper's printed numbers are within {gap:.2f} G of ours in the paper's form "
        "(stride on the 1×1) for every network; torchvision's form costs up to {more:.2f} G "
        "more.").format(gap=gap, more=more))


def layer_counts_figure(names: Any = None) -> go.Figure:
    """For each depth: residual blocks, weighted layers (the name), Conv2d modules, and all
    leaf modules (conv, BN, ReLU, pooling, fc) -- four honest answers to "how many layers?"."""
    names = list(RESNETS) if names is None else list(names)
    counts: dict[str, list[int]] = {"residual blocks": [], "weighted layers (the name)": [],
                                    "Conv2d modules": [], "leaf modules": []}
    for n in names:
        lc = weighted_layers(n)
        with torch.device("meta"):
            model = build(n)
        leaves = sum(1 for m in model.modules() if not list(m.children()))
        for key, v in zip(counts, (lc.blocks, lc.weighted, lc.conv2d, leaves), strict=True):
            counts[key].append(v)
    fig = go.Figure()
    for (key, values), colour in zip(counts.items(), ("sky", "blue", "orange", "grey"),
                                     strict=True):
        fig.add_bar(x=[label(n) for n in names], y=values, name=text(key),
                    marker_color=PALETTE[colour], text=values, textposition="outside",
                    hovertemplate="%{x}: %{y}<extra>" + text(key) + "</extra>")
    style(fig, title=text("How many layers? It depends what you count"),
          xaxis_title=text("network"), yaxis_title=text("count"), barmode="group",
          height=460).update_layout(legend=dict(orientation="h", y=-0.2))
    values = [counts[key][-1] for key in counts]
    return with_caption(fig, text(
        "The name counts weighted layers: {name} has {weighted} of them, but {blocks} "
        "residual blocks, {convs} Conv2d modules and {leaves} leaf modules.").format(
            name=label(names[-1]), blocks=values[0], weighted=values[1], convs=values[2],
            leaves=values[3]))


def projection_reads_figure(mask: Any, title: str | None = None) -> go.Figure:
    """Which input positions a strided 1x1 conv reads: ``mask`` is a 2-D array (1 = read).

    Pass e.g. ``grad.abs().sum(dim=(0, 1)) > 0`` from a backward pass through the conv.
    """
    rows = [[float(v) for v in row] for row in (mask.tolist() if hasattr(mask, "tolist")
                                                 else mask)]
    if not rows or not rows[0]:
        raise ValueError("mask must be a non-empty 2-D array")
    read = sum(v > 0 for row in rows for v in row)
    total = len(rows) * len(rows[0])
    fig = go.Figure(go.Heatmap(
        z=rows, zmin=0, zmax=1, showscale=False, xgap=2, ygap=2,
        colorscale=[[0, rgba(PALETTE["grey"], 0.25)], [1, PALETTE["blue"]]],
        hovertemplate=text("row %{y}, column %{x}: %{z:.0f}<extra>1 = read</extra>"),
    ))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", title=text("row (input position)"),
                     showgrid=False, zeroline=False)
    fig.update_xaxes(title=text("column (input position)"), constrain="domain", showgrid=False,
                     zeroline=False)
    style(fig, title=text(title) if title else
          text("A 1×1 stride-2 conv reads {read} of {total} positions", read=read, total=total),
          height=420)
    return with_caption(fig, text(
        "{read} of the {total} input positions ({share:.0%}) are read (1); the other {unread} "
        "(0) never reach the output.").format(read=read, total=total, share=read / total,
                                               unread=total - read))




class HTMLTable:
    """An HTML table that a notebook or the book shows as itself (``_repr_html_``)."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _cell_html(text: str) -> str:
    return escape(text).replace("; ", ";<br>").replace(", stride", ",<br>stride")


def table1_table() -> HTMLTable:
    """The paper's Table 1 as a real HTML table: the paper's text in every cell, each checked
    against the code in the paper's own form (stride on the first 1x1); a cell where
    torchvision's form (stride on the 3x3, "v1.5") gives a different value is marked, with
    that value beside it. Searchable, selectable, and read by screen readers as a table.
    """
    v1 = {(c.row, c.name): c for c in table1_cells("1x1")}
    v15 = {(c.row, c.name): c for c in table1_cells("3x3")}
    names = list(TABLE1)
    rows = list(dict.fromkeys(row for row, _ in v1))
    head = "".join(f'<th scope="col">{escape(label(n))}</th>' for n in names)
    body = []
    for row in rows:
        cells = []
        for n in names:
            paper_cell, tv = v1[row, n], v15[row, n]
            cell = _cell_html(paper_cell.paper)
            state = "agrees" if paper_cell.agree else "differs"
            same = paper_cell.code == paper_cell.paper
            note = "" if same else " " + escape(text("(code: {code})", code=paper_cell.code))
            if tv.code != paper_cell.code:
                note += (f'<br><mark class="table1-v15">v1.5: {escape(tv.code)}</mark>')
                state += " v15-differs"
            cells.append(f'<td class="table1-{state.split()[0]}'
                         f'{" table1-v15-cell" if "v15" in state else ""}">{cell}{note}</td>')
        body.append(f'<tr><th scope="row">{escape(row)}</th>{"".join(cells)}</tr>')
    agree = sum(c.agree for c in v1.values())
    moved = sum(v15[k].code != v1[k].code for k in v1)
    caption = text("Table 1 of He et al. (2016), every cell rebuilt from resnet_lib: {agree} of "
                   "{n} cells agree with the paper's form (stride on the first 1×1). {moved} "
                   "cells change in torchvision's form (stride on the 3×3, marked v1.5).",
                   agree=agree, n=len(v1), moved=moved)
    # The caption is the table's name for a screen reader; the same words stand visibly above
    # the table, where they wrap to the screen (a phone scrolls the table in its own box).
    return HTMLTable(
        f'<p class="table1-caption" aria-hidden="true">{escape(caption)}</p>'
        # A box that scrolls sideways (on a phone) is reachable by keyboard and named.
        f'<div class="table1-wrap" tabindex="0" role="region" '
        f'aria-label="{escape(text("Table 1, rebuilt"))}">'
        '<table class="table1">'
        f'<caption class="visually-hidden">{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(text("layer"))}</th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>'
    )
