"""Figures of measured and counted costs (chapter "What does it cost?"): latency against
multiply-adds, and what grows with depth. Latencies come from ``costs.measure_latency``.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..i18n import text
from ..render import with_caption
from ..spec import ARCHS
from ..style import PALETTE, label, style


def _name(name: str) -> str:
    """A model's display name; a measured module that is not a named network keeps its name."""
    return label(name) if name in ARCHS else name


def latency_vs_macs_figure(latencies: Any, costs: Any) -> go.Figure:
    """Measured median latency per image (with the min-max range of the runs) against MACs.

    Args:
        latencies: ``costs.Latency`` results (one per model, matched by ``name``).
        costs: ``costs.ModelCost`` rows for the same names.
    """
    by_cost = {c.name: c for c in costs}
    missing = [lat.name for lat in latencies if lat.name not in by_cost]
    if missing:
        raise ValueError(f"no cost row for {missing}; pass costs for every latency")
    x = [by_cost[lat.name].gmacs for lat in latencies]
    y = [lat.median_ms for lat in latencies]
    fig = go.Figure()
    # What proportionality would predict, anchored at the model with the fewest MACs.
    k = min(range(len(x)), key=x.__getitem__)
    fig.add_scatter(x=[0, max(x)], y=[0, max(x) * y[k] / x[k]], mode="lines",
                    name=text("time ∝ multiply-adds (through {name})",
                              name=_name(latencies[k].name)),
                    line=dict(color=PALETTE["grey"], dash="dot"), hoverinfo="skip")
    fig.add_scatter(
        x=x, y=y, mode="markers+text", text=[_name(lat.name) for lat in latencies],
        textposition=["middle left" if v > 0.75 * max(x) else "middle right" for v in x],
        marker=dict(size=12, color=PALETTE["blue"]),
        error_y=dict(type="data", symmetric=False,
                     array=[lat.max_ms - lat.median_ms for lat in latencies],
                     arrayminus=[lat.median_ms - lat.min_ms for lat in latencies],
                     color=PALETTE["grey"]),
        hovertemplate=text("%{text}: %{x:.2f} G multiply-adds, median %{y:.1f} ms"
                           "<extra></extra>"),
        name=text("measured (median of the runs)"),
    )
    first = latencies[0]
    threads = text("{n} threads" if first.threads > 1 else "{n} thread", n=first.threads)
    style(fig, title=text("Measured CPU time per image ({threads}, batch {batch})",
                          threads=threads, batch=first.batch),
          xaxis_title=text("multiply-adds per image (×10⁹)"),
          yaxis_title=text("time per image (ms; bars: min–max)"), height=460,
          ).update_layout(legend=dict(orientation="h", y=-0.2))
    above = sum(1 for xi, yi in zip(x, y, strict=True) if yi > xi * y[k] / x[k])
    return with_caption(fig, text(
        "Points above the dotted line took longer than their multiply-adds alone would "
        "predict from {anchor}: {above} of the {n} networks, measured on this machine.").format(
            anchor=_name(latencies[k].name), above=above, n=len(x)))


def relative_costs_figure(costs: Any, latencies: Any, throughput: Any,
                          baseline: str = "resnet18") -> go.Figure:
    """Every cost of each model relative to ``baseline``: params, MACs, activation memory,
    measured CPU time, and GPU time per image (inference and training, from ``throughput``,
    a ``costs.Throughput``). A bar at 2 means "twice the baseline's"."""
    by_cost = {c.name: c for c in costs}
    by_lat = {lat.name: lat for lat in latencies}
    names = [c.name for c in costs]
    if baseline not in by_cost or baseline not in by_lat:
        raise ValueError(f"baseline {baseline!r} must be among the costs and latencies")
    b_cost, b_lat = by_cost[baseline], by_lat[baseline]
    gpu = "GPU" if not throughput.cited else throughput.provenance.get("gpu", "GPU")
    series = {
        text("parameters"): [by_cost[n].params / b_cost.params for n in names],
        text("multiply-adds"): [by_cost[n].macs / b_cost.macs for n in names],
        text("activations (conv outputs)"): [by_cost[n].activations.conv_outputs
                                             / b_cost.activations.conv_outputs for n in names],
        text("CPU time (measured here)"): [by_lat[n].median_ms / b_lat.median_ms for n in names],
        text("{gpu} time, inference", gpu=gpu): [throughput.slowdown(n, baseline)
                                                 for n in names],
        text("{gpu} time, training", gpu=gpu): [throughput.slowdown(n, baseline, "train")
                                                for n in names],
    }
    colours = ("sky", "green", "orange", "blue", "vermillion", "purple")
    fig = go.Figure()
    for (key, values), colour in zip(series.items(), colours, strict=True):
        fig.add_bar(x=[_name(n) for n in names], y=values, name=key,
                    marker_color=PALETTE[colour],
                    hovertemplate="%{x}: ×%{y:.2f}<extra>" + key + "</extra>")
    style(fig, title=text("What grows with depth, relative to {name}", name=_name(baseline)),
          xaxis_title=text("network"), yaxis_title=f"× {_name(baseline)}", barmode="group",
          height=500).update_layout(legend=dict(orientation="h", y=-0.22))
    top = max(range(len(names)), key=lambda i: series[text("multiply-adds")][i])
    return with_caption(fig, text(
        "Relative to {base}, {name} has ×{params:.1f} the parameters and ×{macs:.1f} the "
        "multiply-adds; its measured CPU time is ×{cpu:.1f}.").format(
            base=_name(baseline), name=_name(names[top]),
            params=series[text("parameters")][top], macs=series[text("multiply-adds")][top],
            cpu=series[text("CPU time (measured here)")][top]))


