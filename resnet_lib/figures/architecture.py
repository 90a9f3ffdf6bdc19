"""Figures of the whole network and its stem (chapters "The whole picture" and "The stem").

Both read ``analysis.stage_table`` (and ``spec.plan`` for the stem's settings): nothing here
builds a model or types a number.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from .. import spec
from .._checks import STEMS, choice, positive_int
from ..analysis import stage_table
from ..i18n import text
from ..render import with_caption
from ..style import BLOCK_LABELS, PALETTE, label, rgba, shape_label, style, tint


def resnet_diagram_figure(
    arch: Any = "resnet34", input_size: Any = 224, **options: Any
) -> go.Figure:
    """A top-to-bottom diagram of a ResNet: input -> stem -> four stages -> head.

    One box per row of ``analysis.stage_table`` (plus the input), labelled with its name,
    what it does and its output shape (channels × height × width); arrows join the boxes and
    a shaded band groups them into stem, body and head. The layer descriptions (kernel,
    stride, block type) are read from a model built with the same options. Hovering a box
    shows its parameters, multiply-adds, total stride and receptive field. Vertical, so it
    stays readable on a phone. The boxes are opaque pastels with dark text, so they read the
    same on the theme's light and dark backgrounds.
    """
    rows = stage_table(arch, input_size, **options)
    net = spec.plan(rows.arch, rows.options)
    conv, pool = net.conv1, net.maxpool
    c_in = rows.options.in_channels
    h_in, w_in = rows.input_size
    k = conv.kernel
    what = {
        "conv1": text("{k}×{k} conv, stride {stride}, BN, ReLU", k=k, stride=conv.stride),
        "maxpool": (text("{k}×{k} max pool, stride {stride}", k=pool.kernel, stride=pool.stride)
                    if pool is not None else text("no max pool (identity)")),
        "avgpool": text("global average pool"),
        "fc": text("fully connected"),
    }
    boxes = [("input", text("image"), f"{c_in} × {h_in} × {w_in}", "input", None)]
    for r in rows:
        if r.name.startswith("layer"):
            desc = f"{r.blocks} × {BLOCK_LABELS[rows.arch.block]}"
            group = "body"
        else:
            desc = what[r.name]
            group = "stem" if r.name in ("conv1", "maxpool") else "head"
        shape = text("{n} class scores", n=r.channels) if r.name == "fc" else shape_label(r)
        boxes.append((r.name, desc, shape, group, r))

    colours = {"input": PALETTE["grey"], "stem": PALETTE["blue"], "body": PALETTE["orange"],
               "head": PALETTE["purple"]}
    step, half = 1.0, 0.36  # vertical distance between box centres; half a box's height
    x0, x1 = 1.6, 10.0  # boxes; the band labels live in 0..1.4
    xc = (x0 + x1) / 2
    fig = go.Figure()
    ys = [-i * step for i in range(len(boxes))]

    # Shaded bands: stem, body (the four stages), head.
    for group, band in (("stem", text("stem")), ("body", text("4 stages")), ("head", text("head"))):
        idx = [i for i, b in enumerate(boxes) if b[3] == group]
        top, bottom = ys[idx[0]] + half + 0.1, ys[idx[-1]] - half - 0.1
        fig.add_shape(type="rect", x0=0.1, x1=x1 + 0.15, y0=bottom, y1=top, layer="below",
                      line=dict(width=0), fillcolor=rgba(colours[group], 0.10))
        fig.add_annotation(x=0.75, y=(top + bottom) / 2, text=f"<b>{band}</b>",
                           textangle=-90, showarrow=False, font=dict(color=colours[group]))
    for (_, _, _, group, _), y in zip(boxes, ys, strict=True):
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y - half, y1=y + half, layer="below",
                      line=dict(color=colours[group], width=2),
                      fillcolor=tint(colours[group], 0.25))
    for y_from, y_to in zip(ys[:-1], ys[1:], strict=True):
        fig.add_annotation(x=xc, y=y_to + half, ax=xc, ay=y_from - half, xref="x", yref="y",
                           axref="x", ayref="y", text="", showarrow=True, arrowhead=2,
                           arrowsize=1.2, arrowwidth=1.5, arrowcolor=PALETTE["grey"])

    def hover(r: Any) -> str:
        if r is None:
            return text("the input image")
        return (text("params: {params}<br>multiply-adds: {macs}<br>total stride: {stride}<br>"
                     "receptive field: {rf} px", params=f"{r.params:,}", macs=f"{r.macs:,}",
                     stride=r.stride, rf=r.receptive_field)
                + (text(" (larger than the image: it counts the zero padding around it)")
                   if r.receptive_field > max(h_in, w_in) else ""))

    fig.add_trace(go.Scatter(
        x=[xc] * len(boxes), y=ys, mode="text",
        # "input" is not a module name like the others: it is said in the reader's language
        text=[f"<b>{text(name) if name == 'input' else name}</b>: {shape}<br>"
              f"<span style='font-size:12px'>{desc}</span>" for name, desc, shape, _, _ in boxes],
        customdata=[b[0] for b in boxes],
        hovertext=[hover(b[4]) for b in boxes],
        hovertemplate="<b>%{customdata}</b><br>%{hovertext}<extra></extra>",
        textfont=dict(size=13, color="#222222"), showlegend=False, name=text("stages"),
    ))
    size = f"{h_in} × {w_in}"
    style(fig, title=text("{name} at {size}<br><sup>shapes: channels × height × width</sup>",
                          name=label(arch), size=size),
          height=90 + 72 * len(boxes), showlegend=False, dragmode=False)
    fig.update_layout(margin=dict(l=4, r=4, t=70, b=4))
    fig.update_xaxes(visible=False, range=[0, x1 + 0.25], fixedrange=True)
    fig.update_yaxes(visible=False, range=[ys[-1] - half - 0.2, half + 0.2], fixedrange=True)
    first, last = rows["layer1"], rows["layer4"]
    return with_caption(fig, text(
        "From layer1 to layer4 the feature map shrinks from {h1}×{w1} to {h4}×{w4} pixels "
        "while the channels grow from {c1} to {c4}; point at (or tap) a box for its "
        "parameters, multiply-adds and receptive field.").format(
            h1=first.height, w1=first.width, h4=last.height, w4=last.width,
            c1=first.channels, c4=last.channels))


def _input_sizes_arg(value: Any) -> tuple[int, ...]:
    """``stem_sides_figure``'s ``input_sizes``: a positive int, or a tuple/list of them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (positive_int("input_sizes", value),)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"input_sizes must be a tuple or list of positive ints (square sides "
                        f"in pixels) such as (224, 32), got {value!r} ({type(value).__name__})")
    if not value:
        raise ValueError("input_sizes must hold at least one size, such as (224, 32); got "
                         f"{value!r}")
    for j, size in enumerate(value):
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"input_sizes must be positive ints, one square side each, such as "
                            f"(224, 32); input_sizes[{j}] is {size!r} ({type(size).__name__})")
        if size < 1:
            raise ValueError(f"input_sizes must be positive ints (>= 1); input_sizes[{j}] is "
                             f"{size}")
    return tuple(value)


def _stems_arg(value: Any) -> tuple[str, ...]:
    """``stem_sides_figure``'s ``stems``: a non-empty tuple/list of allowed stem names."""
    allowed = ", ".join(repr(s) for s in STEMS)
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        hint = f"; for one stem write ({value!r},)" if isinstance(value, str) else ""
        raise TypeError(f"stems must be a tuple or list of stems ({allowed}), got {value!r} "
                        f"({type(value).__name__}){hint}")
    if not value:
        raise ValueError(f"stems must hold at least one of {allowed}; got {value!r}")
    return tuple(choice(f"stems[{i}]", stem, STEMS) for i, stem in enumerate(value))


#: The points where ``stem_sides_figure`` reads the feature-map side, in order.
SIDE_POINTS = ("input", "conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")


def stem_sides_figure(arch: Any = "resnet34", input_sizes: tuple[int, ...] | int = (224, 32),
               stems: tuple[str, ...] = ("imagenet", "cifar")) -> go.Figure:
    """Feature-map side (pixels) from the input to layer4, for each stem and input size.

    One line per (stem, input size), read from ``analysis.stage_table``; colour = stem,
    dash = input size, log-2 axis so each halving is one step. The last point of each line
    (layer4) is labelled: with a 32x32 input the ImageNet stem leaves layer4 at 1x1.

    Args:
        arch: a name (``"resnet34"``) or a ``(block, layers)`` pair.
        input_sizes: square input sides in pixels, a tuple or list of positive ints such as
            ``(224, 32)``; a single int means that one size.
        stems: a tuple or list of ``"imagenet"`` and/or ``"cifar"`` (not a bare string:
            write ``("cifar",)`` for one stem).
    """
    input_sizes = _input_sizes_arg(input_sizes)
    stems = _stems_arg(stems)
    colours = {"imagenet": PALETTE["blue"], "cifar": PALETTE["orange"]}
    names = {"imagenet": text("ImageNet stem"), "cifar": text("CIFAR stem")}
    dashes = ("solid", "dot", "dash", "dashdot")
    fig = go.Figure()
    largest = 1
    ends = []
    for j, size in enumerate(input_sizes):
        for stem in stems:
            rows = stage_table(arch, size, stem=stem)
            sides = [size] + [rows[p].height for p in SIDE_POINTS[1:]]
            largest = max(largest, *sides)
            ends.append(text("{stem}, {size}×{size}: {side}×{side}").format(
                stem=text(names.get(stem, stem)), size=size, side=sides[-1]))
            fig.add_trace(go.Scatter(
                x=list(SIDE_POINTS), y=sides, mode="lines+markers+text",
                name=f"{names.get(stem, stem)}, {size}×{size}", legendgroup=str(size),
                line=dict(color=colours.get(stem), dash=dashes[j % len(dashes)], width=2.5),
                marker=dict(size=8), textfont=dict(color=colours.get(stem)),
                text=[""] * (len(sides) - 1) + [f"{sides[-1]}×{sides[-1]}"],
                textposition="middle right", cliponaxis=False,
                hovertemplate="%{x}: %{y} × %{y} px<extra>%{fullData.name}</extra>",
            ))
    ticks = sorted({2 ** i for i in range(largest.bit_length())} | set(input_sizes))
    sizes = text(" and ").join(f"{s}×{s}" for s in input_sizes)
    style(fig, title=text("Feature-map side through {name}<br><sup>ImageNet vs CIFAR stem, "
                          "{sizes} inputs</sup>", name=label(arch), sizes=sizes), height=500)
    # The legend sits at the bottom of the whole figure (not of the plot area), so rotated
    # tick labels on a narrow screen push the plot up instead of running into it.
    fig.update_layout(margin=dict(l=60, r=50, t=70, b=110),
                      legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="bottom",
                                  yref="container"))
    fig.update_xaxes(title_text=text("stage output"))
    fig.update_yaxes(title_text=text("side (pixels, log scale)"), type="log",
                     tickvals=ticks, ticktext=[str(t) for t in ticks])
    return with_caption(fig, text("Notice where each line ends, at layer4: {ends}.").format(
        ends=text("; ").join(ends)))


