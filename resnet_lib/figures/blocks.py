"""Figures of the blocks themselves (chapter "BasicBlock vs Bottleneck"): block diagrams drawn
from the modules, and what moving the Bottleneck's stride costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from torch import nn

from ..analysis import stage_table
from ..blocks import ZeroPadShortcut
from ..style import PALETTE, label, style
from .stages import WEIGHTED_STAGES, _si_text


def _conv_text(conv: Any) -> str:
    """'3×3 conv, 64→64' (the kernel and the channels in and out of one conv)."""
    k = conv.kernel_size
    return f"{k[0]}×{k[1]} conv, {conv.in_channels}→{conv.out_channels}"


def _block_convs(block: Any) -> list[tuple[str, Any]]:
    """The main-path convs of a block, in order (conv1, conv2[, conv3])."""
    return [(n, m) for n in ("conv1", "conv2", "conv3")
            if isinstance(m := getattr(block, n, None), nn.Conv2d)]


def block_diagram_figure(
    blocks: Mapping[str, Any], *, title: str = "Two residual blocks, drawn from the code",
) -> go.Figure:
    """Residual blocks side by side: the convs of the main path and the shortcut beside it.

    ``blocks`` maps a column title to a block module (``BasicBlock``, ``Bottleneck``, e.g.
    ``model.layer2[0]``). Every label is read from the module: each conv's kernel, channels
    and stride, the shortcut (identity, a 1x1 projection, or option A's zero padding), and
    the column's total of conv weights. Conv boxes are shapes; their labels are annotations
    named ``"conv"`` (``"shortcut"`` for the shortcut, ``"header"`` for column titles), and
    one invisible marker per box carries the hover text.
    """
    if not isinstance(blocks, Mapping):
        raise TypeError(
            f"blocks must be a mapping (a dict) of column title -> block module, such as "
            f"{{'BasicBlock': model.layer1[0]}}; got a {type(blocks).__name__}"
        )
    if not blocks:
        raise ValueError("blocks must hold at least one block, such as "
                         "{'BasicBlock': model.layer1[0]}; got an empty mapping")
    for header, block in blocks.items():
        if (not isinstance(block, nn.Module) or not _block_convs(block)
                or not hasattr(block, "downsample")):
            raise TypeError(
                f"blocks[{header!r}] must be one residual block module, such as "
                f"model.layer2[0] (a BasicBlock or Bottleneck: conv1, conv2[, conv3] and "
                f"downsample are drawn), got {type(block).__name__}"
            )
    fig = go.Figure()
    line = "rgba(128,128,128,0.9)"
    fills = {1: PALETTE["orange"], 3: PALETTE["blue"]}
    col_w, box_w, box_h, step = 5.6, 2.4, 0.62, 1.0
    proj_w = 2.6  # the projection box on the shortcut
    depth = max(len(_block_convs(b)) for b in blocks.values())

    def arrow(x0: float, y0: float, x1: float, y1: float) -> None:
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           text="", showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5,
                           arrowcolor=line)

    def box(x: float, y: float, colour: str) -> None:
        fig.add_shape(type="rect", x0=x - box_w / 2, x1=x + box_w / 2, y0=y - box_h / 2,
                      y1=y + box_h / 2, line=dict(color=colour, width=2),
                      fillcolor=colour, opacity=0.3, layer="below")

    for c, (header, block) in enumerate(blocks.items()):
        x = c * col_w
        xs = x + box_w / 2 + proj_w / 2 + 0.2  # the shortcut's vertical line
        convs = _block_convs(block)
        weights = sum(m.weight.numel() for _, m in convs)
        cin = convs[0][1].in_channels
        cout = convs[-1][1].out_channels
        fig.add_annotation(x=(x - box_w / 2 + xs + proj_w / 2) / 2, y=0.4,
                           text=f"<b>{header}</b><br>{weights:,} conv weights on the main path",
                           showarrow=False, name="header", yanchor="bottom")
        fig.add_annotation(x=x, y=0, text=f"input: {cin} channels", showarrow=False,
                           name="input")
        hover_x, hover_y, hover_text = [], [], []
        y_prev = -0.15
        for i, (name, conv) in enumerate(convs):
            y = -(i + 1) * step
            arrow(x, y_prev, x, y + box_h / 2)
            k = conv.kernel_size[0]
            box(x, y, fills.get(k, PALETTE["green"]))
            extras = [f"stride {conv.stride[0]}"] if conv.stride[0] != 1 else []
            extras += ["BN", "ReLU"] if i < len(convs) - 1 else ["BN"]
            fig.add_annotation(x=x, y=y, text=f"<b>{_conv_text(conv)}</b><br>"
                               f"<span style='font-size:11px'>{' · '.join(extras)}</span>",
                               showarrow=False, name="conv")
            hover_x.append(x)
            hover_y.append(y)
            hover_text.append(f"{name}: {_conv_text(conv)}, stride {conv.stride[0]}<br>"
                              f"{conv.weight.numel():,} weights = {k}·{k}·"
                              f"{conv.in_channels}·{conv.out_channels}")
            y_prev = y - box_h / 2
        # The addition node sits below the deepest column so that the columns line up.
        y_add = -(depth + 1) * step + 0.2
        arrow(x, y_prev, x, y_add + 0.16)
        fig.add_annotation(x=x, y=y_add, text="<b>+</b>", showarrow=False, font_size=18,
                           name="add", bordercolor=line, borderwidth=1.5, borderpad=1)
        fig.add_annotation(x=x, y=y_add - 0.55, text=f"ReLU → output: {cout} channels",
                           showarrow=False, name="output")
        arrow(x, y_add - 0.18, x, y_add - 0.42)
        # The shortcut: out of the input, down the right-hand side, into the addition.
        fig.add_shape(type="path", path=f"M {x + 0.95},0 L {xs},0 L {xs},{y_add} L {x + 0.3},"
                      f"{y_add}", line=dict(color=line, width=1.5))
        arrow(x + 0.35, y_add, x + 0.2, y_add)
        down = block.downsample
        y_mid = y_add / 2
        if isinstance(down, nn.Sequential) and isinstance(down[0], nn.Conv2d):
            proj = down[0]
            extras = [f"stride {proj.stride[0]}"] if proj.stride[0] != 1 else []
            extras += ["BN"] if len(down) > 1 else []
            text = f"<b>projection</b><br>{_conv_text(proj)}<br>{' · '.join(extras)}"
            fig.add_shape(type="rect", x0=xs - proj_w / 2, x1=xs + proj_w / 2, y0=y_mid - 0.45,
                          y1=y_mid + 0.45, line=dict(color=PALETTE["orange"], width=2),
                          fillcolor="rgba(230,159,0,0.3)",  # orange, 30%
                          layer="below")
            hover_x.append(xs)
            hover_y.append(y_mid)
            hover_text.append(f"downsample: {_conv_text(proj)}, stride {proj.stride[0]}<br>"
                              f"{proj.weight.numel():,} weights")
        elif isinstance(down, ZeroPadShortcut):
            text = f"zero-pad {down.in_channels}→{down.out_channels}<br>stride {down.stride}"
        elif down is None:
            text = "identity<br>(no weights)"
        else:
            text = type(down).__name__
        boxed = "projection" in text  # centred in its box; other labels beside the line
        fig.add_annotation(x=xs if boxed else xs + 0.1, y=y_mid, text=text, showarrow=False,
                           name="shortcut", xanchor="center" if boxed else "left",
                           align="center" if boxed else "left")
        fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", hovertext=hover_text,
                                 hoverinfo="text", marker=dict(size=40, opacity=0),
                                 showlegend=False, name=header))
    n = len(blocks)
    style(fig, title=title, height=260 + 95 * depth)
    # A fixed width: the labels need ~330 px per block. On a phone the figure scrolls
    # sideways in its own output box (resnet-book.css) instead of overlapping its labels.
    fig.update_layout(title_font_size=14, margin=dict(l=10, r=10, t=60, b=10),
                      width=330 * n, autosize=False)
    right = (n - 1) * col_w + box_w / 2 + proj_w + 0.55
    fig.update_xaxes(visible=False, range=[-box_w / 2 - 0.8, right], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-(depth + 1) * step - 0.6, 1.15], fixedrange=True)
    return fig


def stride_placement_figure(arch: Any = "resnet50", input_size: Any = 224) -> go.Figure:
    """Multiply-adds per stage with the stride on the 1x1 conv (v1) and on the 3x3 (v1.5).

    Two bar traces, ``y`` = ``stage_table(arch, stride_in=...)`` MACs of conv1, layer1..4, fc;
    the v1.5 bars are labelled with their excess over v1. ``arch``: a name or a
    ``(block, layers)`` pair.
    """
    name_ = label(arch)  # checks arch first: its error names it
    fig = go.Figure()
    totals, previous = {}, None
    for stride_in, name, colour in (("1x1", "v1: stride on the first 1×1 (paper)",
                                     PALETTE["sky"]),
                                    ("3x3", "v1.5: stride on the 3×3 (torchvision)",
                                     PALETTE["vermillion"])):
        rows = stage_table(arch, input_size, stride_in=stride_in)
        macs = [rows[s].macs for s in WEIGHTED_STAGES]
        totals[stride_in] = sum(macs)
        before = macs if previous is None else previous
        diff = [f"+{_si_text(m - p)}" if m != p else ""
                for m, p in zip(macs, before, strict=True)]
        previous = macs
        fig.add_trace(go.Bar(
            x=list(WEIGHTED_STAGES), y=macs, name=name, marker_color=colour, text=diff,
            textposition="outside", cliponaxis=False, textfont_size=12, constraintext="none",
            customdata=[_si_text(m) for m in macs],
            hovertemplate=f"{name}<br>%{{x}}: %{{customdata}} multiply-adds<extra></extra>",
        ))
    style(fig, title=f"{name_}: {totals['1x1'] / 1e9:.3f} G multiply-adds (v1) vs "
                     f"{totals['3x3'] / 1e9:.3f} G (v1.5)", height=400)
    fig.update_layout(barmode="group", title_font_size=14,
                      legend=dict(orientation="h", y=1.0, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="stage")
    fig.update_yaxes(title_text="multiply-adds per image (count)", tickformat="~s")
    return fig


