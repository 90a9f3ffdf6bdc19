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
from ..i18n import text
from ..render import with_caption
from ..style import PALETTE, label, style, tint, with_phone_variant, wrap_text
from .stages import WEIGHTED_STAGES, _si_text


def _conv_text(conv: Any) -> str:
    """'3×3 conv, 64→64' (the kernel and the channels in and out of one conv)."""
    k = conv.kernel_size
    return text("{kh}×{kw} conv, {cin}→{cout}", kh=k[0], kw=k[1], cin=conv.in_channels,
                cout=conv.out_channels)


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
    depth = max(len(_block_convs(b)) for b in blocks.values())
    wide = _block_figure(blocks, title, depth, stacked=False)
    phone = _block_figure(blocks, title, depth, stacked=True)
    parts = [text("{header}: {weights} conv weights, {stride}, {shortcut}").format(
        header=header, weights=f"{sum(m.weight.numel() for _, m in _block_convs(b)):,}",
        stride=_stride_text(b), shortcut=_shortcut_text(b)) for header, b in blocks.items()]
    return with_caption(with_phone_variant(wide, phone), text(
        "Compare the columns: {parts}.").format(parts=text("; ").join(parts)))


def _stride_text(block: Any) -> str:
    """Where a block's main path has its stride, for a caption."""
    strided = [(n, m) for n, m in _block_convs(block) if m.stride[0] != 1]
    if not strided:
        return text("stride 1 throughout")
    name, conv = strided[0]
    k = conv.kernel_size
    return text("stride {stride} on the {k}×{k} ({name})").format(
        stride=conv.stride[0], k=k[0], name=name)


def _shortcut_text(block: Any) -> str:
    """A block's shortcut, for a caption."""
    down = block.downsample
    if down is None:
        return text("identity shortcut")
    if isinstance(down, ZeroPadShortcut):
        return text("zero-padding shortcut")
    return text("1×1 projection shortcut")


_LINE = "rgba(128,128,128,0.9)"
_FILLS = {1: PALETTE["orange"], 3: PALETTE["blue"]}
# Sizes in axis units: a column is the main path (boxes) plus the shortcut to its right.
_BOX_W, _BOX_H, _STEP, _PROJ_W, _COL_W = 3.0, 0.62, 1.0, 2.8, 6.6


def _block_figure(blocks: Mapping[str, Any], title: str, depth: int, *,
                  stacked: bool) -> go.Figure:
    """Blocks side by side (``stacked=False``) or one below the other (a phone's layout)."""
    fig = go.Figure()
    band = depth + 2.6  # height of one block's drawing, header to output
    for c, (header, block) in enumerate(blocks.items()):
        x0, y0 = (0.0, -c * band) if stacked else (c * _COL_W, 0.0)
        _draw_block(fig, header, block, x0, y0, depth)
    n = len(blocks)
    right = _BOX_W / 2 + _PROJ_W + 0.35 + (0 if stacked else (n - 1) * _COL_W)
    fig.update_xaxes(visible=False, range=[-_BOX_W / 2 - 0.5, right], fixedrange=True)
    rows = n if stacked else 1
    bottom = -(rows - 1) * band - (depth + 1) * _STEP - 0.6
    fig.update_yaxes(visible=False, range=[bottom, 1.15], fixedrange=True)
    per_row = 200 + 95 * depth
    title = text(title)  # the chapter's English title, in the current language
    style(fig, title=wrap_text(title, 34)[0] if stacked else title, height=60 + per_row * rows)
    fig.update_layout(title_font_size=14, margin=dict(l=6, r=6, t=60, b=6))
    return fig


def _draw_block(fig: go.Figure, header: str, block: Any, x: float, y0: float,
                depth: int) -> None:
    """One block: its header, input, conv boxes, addition, output and shortcut, at (x, y0).

    Text never sits on a line: the shortcut leaves the main path below the input label,
    runs down its own lane to the right of the boxes, and its label sits in (projection) or
    beside (identity, zero-pad) that lane.
    """
    def arrow(xa: float, ya: float, xb: float, yb: float) -> None:
        fig.add_annotation(x=xb, y=y0 + yb, ax=xa, ay=y0 + ya, xref="x", yref="y", axref="x",
                           ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1,
                           arrowwidth=1.5, arrowcolor=_LINE)

    xs = x + _BOX_W / 2 + _PROJ_W / 2 + 0.25  # the shortcut's vertical lane
    convs = _block_convs(block)
    weights = sum(m.weight.numel() for _, m in convs)
    cin, cout = convs[0][1].in_channels, convs[-1][1].out_channels
    fig.add_annotation(x=(x - _BOX_W / 2 + xs + _PROJ_W / 2) / 2, y=y0 + 0.4,
                       text=f"<b>{text(header)}</b><br>"
                            + text("{n} conv weights on the main path", n=f"{weights:,}"),
                       showarrow=False, name="header", yanchor="bottom")
    fig.add_annotation(x=x, y=y0, text=text("input: {n} channels", n=cin), showarrow=False,
                       name="input")
    hover_x, hover_y, hover_text = [], [], []
    y_split = -0.42  # where the shortcut leaves the main path: below the input label
    y_prev = -0.15
    for i, (name, conv) in enumerate(convs):
        y = -(i + 1) * _STEP
        arrow(x, y_prev, x, y + _BOX_H / 2)
        k = conv.kernel_size[0]
        colour = _FILLS.get(k, PALETTE["green"])
        fig.add_shape(type="rect", x0=x - _BOX_W / 2, x1=x + _BOX_W / 2, y0=y0 + y - _BOX_H / 2,
                      y1=y0 + y + _BOX_H / 2, line=dict(color=colour, width=2),
                      fillcolor=colour, opacity=0.3, layer="below")
        extras = [text("stride {n}", n=conv.stride[0])] if conv.stride[0] != 1 else []
        extras += ["BN", "ReLU"] if i < len(convs) - 1 else ["BN"]
        fig.add_annotation(x=x, y=y0 + y, text=f"<b>{_conv_text(conv)}</b><br>"
                           f"<span style='font-size:11px'>{' · '.join(extras)}</span>",
                           showarrow=False, name="conv")
        hover_x.append(x)
        hover_y.append(y0 + y)
        hover_text.append(f"{name}: {_conv_text(conv)}, " + text("stride {n}", n=conv.stride[0])
                          + "<br>" + text("{n} weights", n=f"{conv.weight.numel():,}")
                          + f" = {k}·{k}·{conv.in_channels}·{conv.out_channels}")
        y_prev = y - _BOX_H / 2
    # The addition node sits below the deepest column so that the columns line up.
    y_add = -(depth + 1) * _STEP + 0.2
    arrow(x, y_prev, x, y_add + 0.16)
    fig.add_annotation(x=x, y=y0 + y_add, text="<b>+</b>", showarrow=False, font_size=18,
                       name="add", bordercolor=_LINE, borderwidth=1.5, borderpad=1)
    fig.add_annotation(x=x, y=y0 + y_add - 0.55, text=text("ReLU → output: {n} channels", n=cout),
                       showarrow=False, name="output")
    arrow(x, y_add - 0.18, x, y_add - 0.42)
    # The shortcut: from the main path below the input label, down its lane, into the +.
    fig.add_shape(type="path", path=f"M {x},{y0 + y_split} L {xs},{y0 + y_split} "
                  f"L {xs},{y0 + y_add} L {x + 0.3},{y0 + y_add}",
                  line=dict(color=_LINE, width=1.5))
    arrow(x + 0.35, y_add, x + 0.2, y_add)
    down = block.downsample
    y_mid = (y_split + y_add) / 2
    if isinstance(down, nn.Sequential) and isinstance(down[0], nn.Conv2d):
        proj = down[0]
        extras = [text("stride {n}", n=proj.stride[0])] if proj.stride[0] != 1 else []
        extras += ["BN"] if len(down) > 1 else []
        label_ = f"<b>{text('projection')}</b><br>{_conv_text(proj)}<br>{' · '.join(extras)}"
        boxed = True  # centred in its box; other labels beside the line
        # An opaque box over the lane: the line stops at its edges, never through its text.
        fig.add_shape(type="rect", x0=xs - _PROJ_W / 2, x1=xs + _PROJ_W / 2,
                      y0=y0 + y_mid - 0.5, y1=y0 + y_mid + 0.5,
                      line=dict(color=PALETTE["orange"], width=2),
                      fillcolor=tint(PALETTE["orange"], 0.3), layer="above")
        hover_x.append(xs)
        hover_y.append(y0 + y_mid)
        hover_text.append(f"downsample: {_conv_text(proj)}, "
                          + text("stride {n}", n=proj.stride[0]) + "<br>"
                          + text("{n} weights", n=f"{proj.weight.numel():,}"))
    else:
        boxed = False
        if isinstance(down, ZeroPadShortcut):
            label_ = text("zero-pad {cin}→{cout}<br>stride {n}", cin=down.in_channels,
                          cout=down.out_channels, n=down.stride)
        elif down is None:
            label_ = text("identity<br>(no weights)")
        else:
            label_ = type(down).__name__
    fig.add_annotation(x=xs if boxed else xs + 0.1, y=y0 + y_mid, text=label_, showarrow=False,
                       name="shortcut", xanchor="center" if boxed else "left",
                       align="center" if boxed else "left")
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", hovertext=hover_text,
                             hoverinfo="text", marker=dict(size=40, opacity=0),
                             showlegend=False, name=text(header)))


def stride_placement_figure(arch: Any = "resnet50", input_size: Any = 224) -> go.Figure:
    """Multiply-adds per stage with the stride on the 1x1 conv (v1) and on the 3x3 (v1.5).

    Two bar traces, ``y`` = ``stage_table(arch, stride_in=...)`` MACs of conv1, layer1..4, fc;
    the v1.5 bars are labelled with their excess over v1. ``arch``: a name or a
    ``(block, layers)`` pair.
    """
    name_ = label(arch)  # checks arch first: its error names it
    fig = go.Figure()
    totals, previous, macs_by = {}, None, {}
    for stride_in, name, colour in (("1x1", text("v1: stride on the first 1×1 (paper)"),
                                     PALETTE["sky"]),
                                    ("3x3", text("v1.5: stride on the 3×3 (torchvision)"),
                                     PALETTE["vermillion"])):
        rows = stage_table(arch, input_size, stride_in=stride_in)
        macs = [rows[s].macs for s in WEIGHTED_STAGES]
        totals[stride_in] = sum(macs)
        macs_by[stride_in] = macs
        before = macs if previous is None else previous
        diff = [f"+{_si_text(m - p)}" if m != p else ""
                for m, p in zip(macs, before, strict=True)]
        previous = macs
        fig.add_trace(go.Bar(
            x=list(WEIGHTED_STAGES), y=macs, name=name, marker_color=colour, text=diff,
            textposition="outside", cliponaxis=False, textfont_size=12, constraintext="none",
            customdata=[_si_text(m) for m in macs],
            hovertemplate=f"{name}<br>"
                          + text("%{x}: %{customdata} multiply-adds<extra></extra>"),
        ))
    style(fig, title=text("{name}: {v1} G multiply-adds (v1) vs {v15} G (v1.5)", name=name_,
                          v1=f"{totals['1x1'] / 1e9:.3f}", v15=f"{totals['3x3'] / 1e9:.3f}"),
          height=400)
    fig.update_layout(barmode="group", title_font_size=14,
                      legend=dict(orientation="h", y=1.0, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text=text("stage"))
    fig.update_yaxes(title_text=text("multiply-adds per image (count)"), tickformat="~s")
    extra = totals["3x3"] - totals["1x1"]
    changed = [s for s, a, b in zip(WEIGHTED_STAGES, macs_by["1x1"], macs_by["3x3"],
                                    strict=True) if a != b]
    if not changed:
        return with_caption(fig, text(
            "Both placements cost the same {total} multiply-adds: no block of {name} "
            "changes resolution inside its main path.").format(
                total=_si_text(totals["1x1"]), name=name_))
    return with_caption(fig, text(
        "Moving the stride from the first 1×1 to the 3×3 adds {extra} multiply-adds "
        "({pct:.1%}), all of them in {stages}: there the first 1×1 of a downsampling block "
        "now runs at the block's input resolution.").format(
            extra=_si_text(extra), pct=extra / totals["1x1"], stages=", ".join(changed)))


