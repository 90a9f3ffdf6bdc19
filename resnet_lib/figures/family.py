"""What depth and width buy: accuracy against cost, and the costs of the whole family.

- ``accuracy_cost_figure``: ImageNet top-1 accuracy of ResNet-18..152 against their cost
  (multiply-adds, parameters, or a latency measured on this machine; a menu switches the
  axis): torchvision's IMAGENET1K_V1 and V2 weights and the paper's Tables 3 and 4.
- ``family_costs_figure``: parameters and multiply-adds of every network ``resnet_lib``
  builds (ResNet, ResNeXt, Wide ResNet), one bar each.

Published numbers come from ``paper`` (typed once, with sources); costs come from
``stage_table`` (arithmetic from the architecture description, checked against
torchvision's FLOP counter in the tests); latencies are whatever the caller measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import _checks, spec
from ..analysis import stage_table
from ..i18n import text
from ..paper import TABLE3, TABLE4, TORCHVISION_WEIGHTS
from ..render import with_caption
from ..style import PALETTE, family, label, style

RESNETS = spec.RESNETS
#: Every network ``resnet_lib`` names, in the order the bars are drawn (ResNets first).
FAMILY = tuple(spec.ARCHS)


@dataclass(frozen=True)
class Cost:
    """Parameters and multiply-adds of one network at one input size (from ``stage_table``)."""

    name: str
    params: int
    macs: int


def model_cost(name: str, input_size: Any = 224, **options: Any) -> Cost:
    """``Cost`` of one network: the totals of ``stage_table(name, input_size, **options)``."""
    table = stage_table(name, input_size, **options)
    return Cost(name, table.params, table.macs)


_FAMILY_COLOUR = {"ResNet": PALETTE["blue"], "ResNeXt": PALETTE["orange"],
                  "Wide ResNet": PALETTE["green"]}


def _names(names: Any, default: Sequence[str]) -> tuple[str, ...]:
    return tuple(default) if names is None else _checks.names(names, spec.ARCHS)


def family_costs_figure(names: Any = None, input_size: Any = 224) -> go.Figure:
    """Parameters (millions) and multiply-adds (billions) of each network, as bars.

    Two panels stacked (they stay readable on a phone): the same networks, ResNets first,
    each bar coloured by its family (ResNet blue, ResNeXt orange, Wide ResNet green; the
    names say it too). ``names`` defaults to ``FAMILY``.
    """
    names = _names(names, FAMILY)
    costs = [model_cost(n, input_size) for n in names]
    labels = [label(n) for n in names]
    colours = [_FAMILY_COLOUR[family(n)] for n in names]
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2)
    fig.add_trace(go.Bar(
        y=labels, x=[c.params / 1e6 for c in costs], orientation="h", marker_color=colours,
        text=[f"{c.params / 1e6:.1f} M" for c in costs], textposition="auto",
        hovertemplate=text("%{y}: %{x:.2f} million parameters<extra></extra>"),
        name=text("parameters"), showlegend=False), row=1, col=1)
    fig.add_trace(go.Bar(
        y=labels, x=[c.macs / 1e9 for c in costs], orientation="h", marker_color=colours,
        text=[f"{c.macs / 1e9:.2f} G" for c in costs], textposition="auto",
        hovertemplate=text("%{y}: %{x:.3f} billion multiply-adds<extra></extra>"),
        name=text("multiply-adds"), showlegend=False), row=2, col=1)
    h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
    families = " · ".join(f"<span style='color:{c}'>■ {f}</span>" for f, c in _FAMILY_COLOUR.items()
                          if any(family(n) == f for n in names))
    style(fig, title=text("The family's costs at {h} × {w}", h=h, w=w)
          + f"<br><sup>{families}</sup>",
          height=220 + 56 * len(names), barmode="overlay", showlegend=False)
    fig.update_xaxes(title_text=text("parameters (millions)"), row=1, col=1, fixedrange=True)
    fig.update_xaxes(title_text=text("G multiply-adds per image"), row=2, col=1,
                     fixedrange=True)
    fig.update_yaxes(autorange="reversed", fixedrange=True, automargin=True)
    fig.update_layout(margin=dict(l=10, r=10, t=80, b=50), dragmode=False)
    p = max(range(len(names)), key=lambda i: costs[i].params)
    m = max(range(len(names)), key=lambda i: costs[i].macs)
    notice = (text("Of these {n} networks, {p} has both the most parameters ({pv:.1f} M) and "
                   "the most multiply-adds ({mv:.2f} G per image).") if p == m else
              text("Of these {n} networks, {p} has the most parameters ({pv:.1f} M) and {m} the "
                   "most multiply-adds ({mv:.2f} G per image)."))
    return with_caption(fig, notice.format(
            n=len(names), p=labels[p], pv=costs[p].params / 1e6, m=labels[m],
            mv=costs[m].macs / 1e9))


def _percent(error: float) -> float:
    return round(100.0 - error, 2)


def accuracy_points(names: Any = None) -> dict[str, list[tuple[str, float, float]]]:
    """Top-1 accuracy (%) per series: ``{series: [(name, top-1, top-5), ...]}``.

    Series: torchvision V1 and V2 weights (single 224 crop), the paper's Table 3 (10-crop)
    and Table 4 (single-model results). For ResNet-34 the paper's option B row
    is used (torchvision's shortcuts are option B). Models without a value are left out.
    """
    names = _names(names, RESNETS)
    series: dict[str, list[tuple[str, float, float]]] = {}
    for weights, key in (("IMAGENET1K_V1", "torchvision V1 weights"),
                         ("IMAGENET1K_V2", "torchvision V2 weights")):
        series[key] = [(n, w.acc1, w.acc5) for n in names
                       if (w := TORCHVISION_WEIGHTS.get((n, weights)))]
    for table, key in ((TABLE3, "paper, Table 3 (10-crop)"),
                       (TABLE4, "paper, Table 4 (single model)")):
        pts = []
        for n in names:
            row = table.get(n) or table.get(f"{n}_B")
            if row is not None and row.top5 is not None:
                pts.append((n, _percent(row.top1), _percent(row.top5)))
        series[key] = pts
    return {k: v for k, v in series.items() if v}


_SERIES_LOOK = {
    "torchvision V1 weights": (PALETTE["blue"], "circle", "solid"),
    "torchvision V2 weights": (PALETTE["green"], "diamond", "solid"),
    "paper, Table 3 (10-crop)": (PALETTE["orange"], "square", "dot"),
    "paper, Table 4 (single model)": (PALETTE["vermillion"], "triangle-up", "dot"),
}


def accuracy_cost_figure(latency_ms: dict[str, float] | None = None,
                         names: Any = None) -> go.Figure:
    """ImageNet top-1 accuracy against cost; a menu picks the cost axis.

    x: G multiply-adds (the default view), millions of parameters, or, if ``latency_ms``
    maps names to measured milliseconds per image, that latency. The paper's points sit at
    the multiply-adds of the Bottleneck of the paper's released models (stride on the first
    1x1, ``stride_in="1x1"``); torchvision's at those of its v1.5 Bottleneck. Parameters are
    the same for both; a latency is the one measured for torchvision's form.
    """
    names = _names(names, RESNETS)
    pts = accuracy_points(names)
    v15 = {n: model_cost(n) for n in names}
    v1 = {n: model_cost(n, stride_in="1x1") for n in names}
    axes = {"multiply-adds": ("multiply-adds per image (G MACs)",
                              lambda n, paper: (v1 if paper else v15)[n].macs / 1e9),
            "parameters": ("parameters (millions)", lambda n, paper: v15[n].params / 1e6)}
    if latency_ms is not None:
        missing = [n for n in names if n not in latency_ms]
        if missing:
            raise ValueError(f"latency_ms has no value for {', '.join(missing)}; give one per "
                             f"model in names, in milliseconds")
        axes["latency"] = ("latency here (ms per image)",
                           lambda n, paper: float(latency_ms[n]))
    fig = go.Figure()
    xs_by_axis: dict[str, list[list[float]]] = {a: [] for a in axes}
    for key, points in pts.items():
        colour, symbol, dash = _SERIES_LOOK[key]
        is_paper = key.startswith("paper")
        for axis, (_, fx) in axes.items():
            xs_by_axis[axis].append([fx(n, is_paper) for n, _, _ in points])
        fig.add_trace(go.Scatter(
            x=xs_by_axis["multiply-adds"][-1], y=[a1 for _, a1, _ in points],
            mode="lines+markers+text" if key.endswith("V1 weights") else "lines+markers",
            text=[label(n).replace("ResNet-", "") for n, _, _ in points],
            textposition="bottom right", textfont=dict(size=11, color=colour),
            marker=dict(color=colour, symbol=symbol, size=10), cliponaxis=False,
            line=dict(color=colour, dash=dash, width=2), name=text(key),
            customdata=[[label(n), a5] for n, _, a5 in points],
            hovertemplate="%{customdata[0]}, " + text(key) + "<br>top-1 %{y:.2f} %, top-5 "
                          "%{customdata[1]:.2f} %<br>x = %{x:.3f}<extra></extra>"))
    buttons = [dict(label=text(axis), method="update",
                    args=[{"x": xs_by_axis[axis]}, {"xaxis.title.text": text(title)}])
               for axis, (title, _) in axes.items()]
    style(fig, title=text("What depth buys<br><sup>ImageNet top-1 accuracy against cost</sup>"),
          height=540)
    fig.update_layout(
        legend=dict(orientation="h", x=0, y=-0.22, yanchor="top"),
        margin=dict(l=60, r=30, t=110, b=150), dragmode=False,
        updatemenus=[dict(buttons=buttons, name=text("Cost on the x axis"), direction="right",
                          type="buttons", x=0,
                          xanchor="left", y=1.0, yanchor="bottom", pad=dict(b=6),
                          showactive=True, font=dict(size=11))])
    fig.update_xaxes(title_text=text(axes["multiply-adds"][0]), fixedrange=True)
    fig.update_yaxes(title_text=text("top-1 accuracy (%)"), fixedrange=True)
    key, points = next(iter(pts.items()))
    (n0, a0, _), (n1, a1, _) = points[0], points[-1]
    x0, x1 = xs_by_axis["multiply-adds"][0][0], xs_by_axis["multiply-adds"][0][-1]
    return with_caption(fig, text(
        "With {series}, going from {a} to {b} raises top-1 accuracy from {acc0:.2f}% to "
        "{acc1:.2f}% for ×{ratio:.1f} the multiply-adds; the buttons put other costs on the "
        "x axis.").format(series=text(key), a=label(n0), b=label(n1), acc0=a0, acc1=a1,
                          ratio=x1 / x0))


__all__ = ["Cost", "FAMILY", "RESNETS", "accuracy_cost_figure", "accuracy_points",
           "family_costs_figure", "model_cost"]
