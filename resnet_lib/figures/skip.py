"""Figures of the skip-connection chapter: the paper's degradation result, gradient flow at
initialisation, and training curves of plain vs residual networks (from ``experiments``).
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..experiments import smooth
from ..i18n import network, text
from ..paper import TABLE2
from ..render import with_caption
from ..style import COLORWAY, PALETTE, style

_SKIP_LOOK = {
    "plain-10": (PALETTE["orange"], "dash"),
    "plain-34": (PALETTE["vermillion"], "dash"),
    "ResNet-10": (PALETTE["sky"], "solid"),
    "ResNet-34": (PALETTE["blue"], "solid"),
    "pre-act ResNet-34": (PALETTE["green"], "dot"),
    "ResNet-34, zero-init": (PALETTE["purple"], "dashdot"),
}


def _skip_look(name: str, index: int) -> tuple[str, str]:
    return _SKIP_LOOK.get(name, (COLORWAY[index % len(COLORWAY)], "solid"))


def degradation_figure() -> go.Figure:
    """The paper's Table 2: going from 18 to 34 layers hurts a plain net and helps a ResNet.

    Bars of ImageNet top-1 validation error (10-crop) for plain-18/34 and ResNet-18/34, as
    published by He et al. 2016; the numbers are citations from ``paper.TABLE2``.
    """
    fig = go.Figure()
    for family, key, colour in ((text("plain"), "plain", PALETTE["vermillion"]),
                                ("ResNet", "resnet", PALETTE["blue"])):
        errors = [TABLE2[f"{key}{d}"].top1 for d in (18, 34)]
        fig.add_trace(go.Bar(
            x=[text("{n} layers", n=18), text("{n} layers", n=34)], y=errors, name=family,
            marker_color=colour,
            text=[f"{e:.2f}%" for e in errors], textposition="outside", cliponaxis=False,
            hovertemplate=f"{family} %{{x}}: " + text("%{y:.2f}% top-1 error<extra></extra>"),
        ))
    style(fig, title=text("ImageNet top-1 error (He et al. 2016, Table 2): deeper plain is "
                          "worse"),
          height=380)
    fig.update_layout(barmode="group", title_font_size=14,
                      legend=dict(orientation="h", y=1.0, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text=text("depth (weighted layers)"))
    fig.update_yaxes(title_text=text("top-1 validation error (%)"), range=[20, 30])
    p18, p34, r18, r34 = (TABLE2[k].top1 for k in ("plain18", "plain34", "resnet18",
                                                     "resnet34"))
    notice = text("From 18 to 34 layers the plain network's top-1 error goes from {p18:.2f}% "
                  "to {p34:.2f}%, the ResNet's from {r18:.2f}% to {r34:.2f}%.").format(
                      p18=p18, p34=p34, r18=r18, r34=r34)
    if p34 > p18 and r34 < r18:
        notice += " " + text("Only the residual network gains from the extra depth.")
    return with_caption(fig, notice)


def gradient_flow_figure(flow: dict[str, dict[str, float]], *, title: str | None = None
                         ) -> go.Figure:
    """Gradient norm of every weighted layer at initialisation, input on the left, log scale.

    Args:
        flow: ``{network name: {layer name: gradient norm}}`` in depth order, as returned by
            ``gradients.gradient_flow``. Dotted vertical lines mark where each stage
            (layer1..layer4) begins, read from the layer names.
    """
    if not isinstance(flow, dict) or not flow:
        raise TypeError(f"flow must be a non-empty dict {{network: {{layer: norm}}}}, "
                        f"got {type(flow).__name__}")
    fig = go.Figure()
    for i, (name, norms) in enumerate(flow.items()):
        colour, dash = _skip_look(name, i)
        layers = list(norms)
        fig.add_trace(go.Scatter(
            x=list(range(1, len(layers) + 1)), y=list(norms.values()), name=network(name),
            mode="lines+markers", line=dict(color=colour, dash=dash, width=2),
            marker=dict(size=5), customdata=layers,
            hovertemplate=f"{network(name)}<br>"
                          + text("layer %{x} (%{customdata})<br>‖∂L/∂W‖ = %{y:.3g}"
                                 "<extra></extra>"),
        ))
    first = list(next(iter(flow.values())))
    for stage in ("layer1", "layer2", "layer3", "layer4"):
        starts = [i + 1 for i, n in enumerate(first) if n.startswith(stage + ".")]
        if starts:
            fig.add_vline(x=starts[0] - 0.5, line=dict(color=PALETTE["grey"], dash="dot",
                                                      width=1))
            fig.add_annotation(x=starts[0] - 0.5, y=1, yref="paper", text=stage,
                               showarrow=False, xanchor="left", yanchor="bottom",
                               font=dict(size=11, color=PALETTE["grey"]))
    style(fig, title=text(title or "Gradient norm per layer at initialisation (one random "
                                   "batch)"),
          height=430)
    fig.update_layout(title_font_size=14, margin=dict(t=80),
                      legend=dict(orientation="h", y=-0.2, x=0, yanchor="top"))
    fig.update_xaxes(title_text=text("weighted layer (1 = conv1, next to the input; last = fc)"))
    fig.update_yaxes(title_text=text("‖∂loss/∂weights‖ (log scale)"), type="log",
                     exponentformat="power")
    parts = [text("{name} {value:.2g}").format(name=name, value=next(iter(norms.values())))
             for name, norms in flow.items()]
    return with_caption(fig, text(
        "Notice the left end of each line, the layer next to the input: {parts}.").format(
            parts=text("; ").join(parts)))


def training_curves_figure(curves: dict[str, list[float]], *, window: int = 10,
                           title: str | None = None) -> go.Figure:
    """Training loss per SGD step for several networks, smoothed, on a log scale.

    Args:
        curves: ``{network name: loss per step}``, as returned by
            ``experiments.plain_vs_residual``.
        window: steps in the trailing moving average (1 = raw); mini-batch losses are noisy
            and the log scale magnifies the noise near zero.
    """
    if not isinstance(curves, dict) or not curves:
        raise TypeError(f"curves must be a non-empty dict {{network: losses}}, "
                        f"got {type(curves).__name__}")
    fig = go.Figure()
    for i, (name, losses) in enumerate(curves.items()):
        colour, dash = _skip_look(name, i)
        fig.add_trace(go.Scatter(
            x=list(range(1, len(losses) + 1)), y=smooth(list(losses), window), name=network(name),
            mode="lines", line=dict(color=colour, dash=dash, width=2.5),
            hovertemplate=f"{network(name)}<br>"
                          + text("step %{x}: loss %{y:.3g}<extra></extra>"),
        ))
    avg = text(" ({n}-step moving average)", n=window) if window > 1 else ""
    style(fig, title=text(title) if title else
          text("Training loss: plain vs residual, shallow vs deep") + avg,
          height=430)
    fig.update_layout(title_font_size=14,
                      legend=dict(orientation="h", y=-0.2, x=0, yanchor="top"))
    fig.update_xaxes(title_text=text("SGD step (one mini-batch each)"))
    fig.update_yaxes(title_text=text("training loss (nats, log scale)"), type="log",
                     exponentformat="power")
    tail = max(window, 1)
    parts = [text("{name} {value:.3g}").format(name=name, value=sum(losses[-tail:])
                                                / len(losses[-tail:]))
             for name, losses in curves.items() if len(losses)]
    return with_caption(fig, text(
        "Notice where each curve ends (mean loss over its last {n} steps): {parts}.").format(
            n=tail, parts=text("; ").join(parts)))
