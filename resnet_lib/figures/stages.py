"""Figures of the four stages (chapter "The four stages"): where parameters, multiply-adds
and blocks sit, stage by stage. Every number comes from ``analysis.stage_table`` and
``analysis.weighted_layers``; the networks from ``spec``.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import spec
from ..analysis import stage_table, weighted_layers
from ..i18n import text
from ..render import with_caption
from ..spec import ARCHS, RESNETS
from ..style import BLOCK_LABELS, PALETTE, label, style, with_phone_variant

#: Rows of ``stage_table`` that hold weights (the two pools have none).
WEIGHTED_STAGES = ("conv1", "layer1", "layer2", "layer3", "layer4", "fc")
#: One colour per residual stage, shared by the chapter-3 figures.
STAGE_COLORS = {"layer1": PALETTE["sky"], "layer2": PALETTE["blue"],
                "layer3": PALETTE["orange"], "layer4": PALETTE["vermillion"]}


def _is_arch_pair(value: Any) -> bool:
    """True for one ``(block, layers)`` pair, whose second item is a sequence of ints (in a
    sequence of networks no item is: each is a name or a pair)."""
    return (isinstance(value, (tuple, list)) and len(value) == 2
            and isinstance(value[1], (tuple, list))
            and all(isinstance(n, int) for n in value[1]))


def _archs_arg(archs: Any) -> tuple[Any, ...]:
    """``archs`` of the stage figures as a non-empty tuple of checked networks.

    A name or one ``(block, layers)`` pair means that one network; otherwise a tuple or list
    of names and/or pairs.
    """
    if isinstance(archs, str) or _is_arch_pair(archs):
        archs = (archs,)
    elif not isinstance(archs, (tuple, list)):
        raise TypeError(
            f"archs must be a network name ({', '.join(ARCHS)}), a (block, layers) pair, or a "
            f"tuple or list of them; got {archs!r} ({type(archs).__name__})"
        )
    if not archs:
        raise ValueError(f"archs must name at least one network, such as ('resnet34',); got "
                         f"{archs!r}")
    for i, arch in enumerate(archs):
        try:
            spec.resolve(arch)
        except (TypeError, ValueError) as error:
            raise type(error)(f"archs[{i}]: {error}") from error
    return tuple(archs)


def _si_text(value: float, unit: str = "") -> str:
    """13114368 -> '13.1 M': three significant digits and an SI prefix."""
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}".rstrip()


def _size_text(input_size: Any) -> str:
    """224 -> '224×224'; (224, 320) -> '224×320'."""
    h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
    return f"{h}×{w}"


def stage_costs_figure(
    archs: Any = ("resnet34",), input_size: Any = 224, **options: Any
) -> go.Figure:
    """Parameters (top) and multiply-adds per image (bottom) of each weighted stage.

    One pair of bar traces per network in ``archs`` (a name, a ``(block, layers)`` pair, or a
    tuple/list of them); the first is shown and, with more than one, a dropdown switches
    between them. The bars are ``stage_table`` rows conv1, layer1..4
    and fc (``y`` holds the exact integers; the hover text rounds them).
    """
    archs = _archs_arg(archs)
    # Stacked, not side by side: the same stage axis, and readable on a narrow screen.
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=(text("Parameters"), text("Multiply-adds per image")))
    titles, shares = [], []
    for i, arch in enumerate(archs):
        rows = stage_table(arch, input_size, **options)
        name = label(arch)
        params = [rows[s].params for s in WEIGHTED_STAGES]
        macs = [rows[s].macs for s in WEIGHTED_STAGES]
        shapes = [f"{rows[s].channels}×{rows[s].height}×{rows[s].width}"
                  for s in WEIGHTED_STAGES]
        for row, (values, what, colour) in enumerate(
            ((params, text("parameters"), PALETTE["blue"]),
             (macs, text("multiply-adds"), PALETTE["orange"])),
            start=1,
        ):
            total = sum(values)
            fig.add_trace(go.Bar(
                x=list(WEIGHTED_STAGES), y=values, name=f"{name} {what}",
                marker_color=colour, visible=(i == 0), showlegend=False,
                text=[f"{v / total:.0%}" for v in values], textposition="outside",
                customdata=[[_si_text(v), s] for v, s in zip(values, shapes, strict=True)],
                hovertemplate=text("{name} %{{x}}<br>%{{customdata[0]}} {what} "
                                   "(%{{text}} of the total)<br>output %{{customdata[1]}}"
                                   "<extra></extra>", name=name, what=what),
                cliponaxis=False,
            ), row=row, col=1)
        top = max(range(len(params)), key=params.__getitem__)
        shares.append((name, WEIGHTED_STAGES[top], params[top] / sum(params),
                       macs[top] / sum(macs)))
        subtitle = text("{params} parameters · {macs} G multiply-adds per image · input {size}",
                        params=f"{sum(params):,}", macs=f"{sum(macs) / 1e9:.2f}",
                        size=_size_text(input_size))
        titles.append(text("{name}: parameters and multiply-adds per stage", name=name)
                      + f"<br><span style='font-size:12px'>{subtitle}</span>")
    style(fig, title=titles[0], height=600)
    fig.update_layout(title_font_size=14, bargap=0.3, margin=dict(t=100))
    fig.update_xaxes(title_text=text("stage"), row=2, col=1)
    fig.update_yaxes(title_text=text("parameters (count)"), tickformat="~s", row=1, col=1)
    fig.update_yaxes(title_text=text("multiply-adds (count)"), tickformat="~s", row=2, col=1)
    if len(archs) > 1:
        buttons = []
        for i, arch in enumerate(archs):
            visible = [j // 2 == i for j in range(2 * len(archs))]
            buttons.append(dict(label=label(arch), method="update",
                                args=[{"visible": visible}, {"title.text": titles[i]}]))
        fig.update_layout(
            updatemenus=[dict(name=text("Network"), buttons=buttons, direction="down", x=1.0,
                              xanchor="right",
                              y=1.13, yanchor="bottom", showactive=True)],
        )
    name, stage, p_share, m_share = shares[0]
    notice = text("In {name}, {stage} holds {params:.0%} of the parameters and does {macs:.0%} "
                  "of the multiply-adds.").format(name=name, stage=stage, params=p_share,
                                                   macs=m_share)
    if len(archs) > 1:
        notice += " " + text("The menu shows the other networks.")
    return with_caption(fig, notice)


def block_counts_figure(archs: Any = None) -> go.Figure:
    """Residual blocks per stage of each network, as stacked bars, with its depth formula.

    One bar trace per stage (``x`` = blocks of that stage in each network, from ``spec``;
    all five networks by default, else ``archs``: a name, a ``(block, layers)`` pair, or a
    tuple/list of them); the annotation beside each bar is ``weighted_layers(arch).formula``.
    On a phone the formula moves under the network's name (``style.with_phone_variant``).
    """
    archs = RESNETS if archs is None else _archs_arg(archs)
    fig = with_phone_variant(_block_counts(archs, phone=False), _block_counts(archs, phone=True))
    totals = [sum(spec.resolve(a).layers) for a in archs]
    few, many = totals.index(min(totals)), totals.index(max(totals))
    return with_caption(fig, text(
        "Every network has the same four stages; only the blocks per stage change, from "
        "{few} in all in {a} to {many} in {b}.").format(
            few=totals[few], a=label(archs[few]), many=totals[many], b=label(archs[many])))


def _block_counts(archs: tuple[Any, ...], *, phone: bool) -> go.Figure:
    # A pair's label already names its block.
    names = [f"{label(a)} ({BLOCK_LABELS[spec.resolve(a).block]})" if isinstance(a, str)
             else label(a) for a in archs]
    formulas = [text("{formula} layers", formula=weighted_layers(a).formula) for a in archs]
    if phone:
        names = [f"{label(a)}<br>{f}" for a, f in zip(archs, formulas, strict=True)]
    layers = [spec.resolve(a).layers for a in archs]
    fig = go.Figure()
    for s, stage in enumerate(("layer1", "layer2", "layer3", "layer4")):
        counts = [ls[s] for ls in layers]
        fig.add_trace(go.Bar(
            y=names, x=counts, name=stage, orientation="h", marker_color=STAGE_COLORS[stage],
            text=counts, textposition="inside", insidetextanchor="middle",
            hovertemplate=text("%{{y}}<br>{stage}: %{{x}} blocks<extra></extra>", stage=stage),
        ))
    if not phone:
        for name, formula, ls in zip(names, formulas, layers, strict=True):
            fig.add_annotation(x=sum(ls), y=name, xanchor="left", xshift=6, showarrow=False,
                               text=formula)
    title = text("Same stages, different block counts: the ResNet family")
    if phone:
        title = text("Same stages, different block<br>counts: the ResNet family")
    style(fig, title=title, height=(160 if phone else 120) + (70 if phone else 56) * len(archs))
    longest = max(sum(ls) for ls in layers)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.25, x=0),
                      legend_traceorder="normal", title_font_size=14)
    fig.update_xaxes(title_text=text("residual blocks (count)"),
                     range=[0, longest * (1.05 if phone else 1.8)])
    fig.update_yaxes(autorange="reversed", tickfont_size=11 if phone else None)
    if phone:
        fig.update_layout(margin=dict(l=10, r=10, t=70, b=110),
                          legend=dict(y=0, yref="container", yanchor="bottom"))
    return fig
