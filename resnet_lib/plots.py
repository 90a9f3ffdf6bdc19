"""Plotly figures for the book: one function per figure, each returns a ``go.Figure``.

Style rules every figure follows (set once in ``style``):
- the Okabe-Ito palette (``PALETTE``), which stays distinguishable for the common forms of
  colour blindness;
- transparent backgrounds, dark text and mid-grey grid lines; in the theme's dark mode,
  figure outputs sit on the theme's light output panel, so the same colours stay readable;
- axis titles with units; a title that says what the figure shows.
Figures take numbers from ``analysis`` and ``model``; nothing here is typed by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
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


# --- Feature-map explorer (chapter 6) ---
# The explorer itself (one static figure with a dropdown and a slider, and the live widget's
# figure) lives in ``explorer.py``; these are the chapter's focused figures, built from the
# same numbers (``explorer.stage_data``). Imports are local: ``explorer`` imports ``style``
# from this module.


def stem_comparison_figure(arch: str = "resnet18", input_size: int = 32) -> go.Figure:
    """Map side per stage for the ImageNet stem vs the CIFAR stem on the same input.

    Bar labels give height × width (the channels, the same for both stems, are under each
    stage's name); a vermillion outline marks a map that is 1×1.
    """
    from .explorer import STAGES, STEM_LABELS, arch_label, stage_data

    fig = go.Figure()
    for stem, color in (("imagenet", PALETTE["blue"]), ("cifar", PALETTE["orange"])):
        d = stage_data(arch, input_size, stem)
        ticks = [f"{name}<br>{c} channels" for name, c in zip(STAGES, d.channels, strict=True)]
        fig.add_bar(
            x=ticks, y=list(d.heights), name=STEM_LABELS[stem], marker_color=color,
            text=[f"{h}×{w}" for h, w in zip(d.heights, d.widths, strict=True)],
            textposition="outside", cliponaxis=False, customdata=list(d.shapes),
            marker_line=dict(color=[PALETTE["vermillion"] if h == 1 else color
                                    for h in d.heights], width=3),
            hovertemplate="%{customdata}<extra>" + STEM_LABELS[stem] + "</extra>",
        )
    n = input_size
    style(fig, title=f"{arch_label(arch)} on a {n}×{n} image: the two stems",
          barmode="group", xaxis_title="stage (its output)",
          yaxis_title="side of the output map (pixels)", height=420)
    return fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))


def memory_share_figure(arch: str = "resnet50", input_size: int = 224) -> go.Figure:
    """Each stage's share of the activation memory (one image) and of the parameters, in %.

    Shares, not megabytes: the two totals differ (and the activation total grows with the
    batch), but where each kind of memory sits is what the figure is about.
    """
    from .explorer import STAGES, arch_label, stage_data

    d = stage_data(arch, input_size)
    act, par = sum(d.elements), sum(d.params)
    fig = go.Figure()
    fig.add_bar(x=list(STAGES), y=[100 * n / act for n in d.elements], customdata=d.act_mb,
                name="activations (stage outputs, one image)", marker_color=PALETTE["orange"],
                hovertemplate="%{x}: %{y:.1f}% (%{customdata:.3g} MB)<extra></extra>")
    fig.add_bar(x=list(STAGES), y=[100 * p / par for p in d.params], customdata=d.param_mb,
                name="parameters (conv1..layer4)", marker_color=PALETTE["sky"],
                hovertemplate="%{x}: %{y:.1f}% (%{customdata:.3g} MB)<extra></extra>")
    n = input_size
    style(fig, title=f"{arch_label(arch)}, {n}×{n}: where the memory sits",
          barmode="group", xaxis_title="stage", yaxis_title="share of the total (%)",
          height=420)
    return fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))


def cost_scaling_figure(arch: str = "resnet50", sizes: Any = None,
                        reference: int = 224) -> go.Figure:
    """MACs, activation memory and parameters vs input size, relative to ``reference``.

    The x axis is the number of input pixels relative to ``reference``² ((size/reference)²),
    so anything proportional to H × W lies on the dotted diagonal.
    """
    from .explorer import SIZES, arch_label, stage_data

    sizes = sorted(set(SIZES if sizes is None else sizes) | {reference})
    base = stage_data(arch, reference)
    x = [(s / reference) ** 2 for s in sizes]
    data = [stage_data(arch, s) for s in sizes]
    series = {
        "MACs": ([d.total_macs / base.total_macs for d in data], PALETTE["green"], "solid",
                 "circle"),
        "activation memory": ([sum(d.elements) / sum(base.elements) for d in data],
                              PALETTE["orange"], "dash", "diamond"),
        "parameters": ([d.total_params / base.total_params for d in data], PALETTE["sky"],
                       "solid", "square"),
    }
    fig = go.Figure()
    fig.add_scatter(x=[0, max(x)], y=[0, max(x)], mode="lines", name="∝ H × W",
                    line=dict(color=PALETTE["grey"], dash="dot"), hoverinfo="skip")
    for name, (y, color, dash, symbol) in series.items():
        fig.add_scatter(x=x, y=y, customdata=sizes, mode="lines+markers", name=name,
                        line=dict(color=color, dash=dash, width=2.5),
                        marker=dict(symbol=symbol, size=8),
                        hovertemplate="%{customdata}×%{customdata}: ×%{y:.3f}<extra>"
                                      + name + "</extra>")
    style(fig, title=f"{arch_label(arch)}: what grows with the input size",
          xaxis_title=f"input pixels relative to {reference}×{reference}",
          yaxis_title=f"relative to {reference}×{reference}", height=440)
    return fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))


# --- The whole picture and the stem (chapters 1-2) ---


def _arch_title(arch: Any) -> str:
    """``"resnet34"`` -> ``"ResNet-34"``; a ``(block, layers)`` pair -> ``"ResNet"``."""
    if isinstance(arch, str) and arch.lower().startswith("resnet"):
        return "ResNet-" + arch.lower().removeprefix("resnet").lstrip("-_")
    return "ResNet"


def shape_label(row: Any) -> str:
    """The output shape of a ``stage_table`` row as the diagram prints it: ``64 × 56 × 56``."""
    return f"{row.channels} × {row.height} × {row.width}"


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _tint(hex_colour: str, amount: float) -> str:
    """``hex_colour`` mixed with white (``amount`` of the colour): an opaque pastel."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - amount * (255 - c)):02x}" for c in (r, g, b))


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
    import torch
    from torch import nn

    from .analysis import stage_table
    from .model import ResNet, resolve_arch

    block, layers = resolve_arch(arch)
    rows = stage_table(arch, input_size, **options)
    # Only the stem's settings are read: on the meta device no weights are allocated.
    with torch.device("meta"):
        model = ResNet(block, layers, **options)
    conv = model.conv1
    pool = model.maxpool
    c_in = model.in_channels
    h_in, w_in = (input_size, input_size) if isinstance(input_size, int) else input_size

    def stride_text(s: Any) -> str:
        s = s[0] if isinstance(s, tuple) else s
        return f"stride {s}"

    k = conv.kernel_size[0]
    what = {
        "conv1": f"{k}×{k} conv, {stride_text(conv.stride)}, BN, ReLU",
        "maxpool": (f"{pool.kernel_size}×{pool.kernel_size} max pool, {stride_text(pool.stride)}"
                    if isinstance(pool, nn.MaxPool2d) else "no max pool (identity)"),
        "avgpool": "global average pool",
        "fc": "fully connected",
    }
    boxes = [("input", "image", f"{c_in} × {h_in} × {w_in}", "input", None)]
    for r in rows:
        if r.name.startswith("layer"):
            desc = f"{r.blocks} × {block.__name__}"
            group = "body"
        else:
            desc = what[r.name]
            group = "stem" if r.name in ("conv1", "maxpool") else "head"
        shape = f"{r.channels} class scores" if r.name == "fc" else shape_label(r)
        boxes.append((r.name, desc, shape, group, r))

    colours = {"input": PALETTE["grey"], "stem": PALETTE["blue"], "body": PALETTE["orange"],
               "head": PALETTE["purple"]}
    step, half = 1.0, 0.36  # vertical distance between box centres; half a box's height
    x0, x1 = 1.6, 10.0  # boxes; the band labels live in 0..1.4
    xc = (x0 + x1) / 2
    fig = go.Figure()
    ys = [-i * step for i in range(len(boxes))]

    # Shaded bands: stem, body (the four stages), head.
    for group, label in (("stem", "stem"), ("body", "4 stages"), ("head", "head")):
        idx = [i for i, b in enumerate(boxes) if b[3] == group]
        top, bottom = ys[idx[0]] + half + 0.1, ys[idx[-1]] - half - 0.1
        fig.add_shape(type="rect", x0=0.1, x1=x1 + 0.15, y0=bottom, y1=top, layer="below",
                      line=dict(width=0), fillcolor=_rgba(colours[group], 0.10))
        fig.add_annotation(x=0.75, y=(top + bottom) / 2, text=f"<b>{label}</b>",
                           textangle=-90, showarrow=False, font=dict(color=colours[group]))
    for (_, _, _, group, _), y in zip(boxes, ys, strict=True):
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y - half, y1=y + half, layer="below",
                      line=dict(color=colours[group], width=2),
                      fillcolor=_tint(colours[group], 0.25))
    for y_from, y_to in zip(ys[:-1], ys[1:], strict=True):
        fig.add_annotation(x=xc, y=y_to + half, ax=xc, ay=y_from - half, xref="x", yref="y",
                           axref="x", ayref="y", text="", showarrow=True, arrowhead=2,
                           arrowsize=1.2, arrowwidth=1.5, arrowcolor=PALETTE["grey"])

    def hover(r: Any) -> str:
        if r is None:
            return "the input image"
        return (f"params: {r.params:,}<br>multiply-adds: {r.macs:,}<br>"
                f"total stride: {r.stride}<br>receptive field: {r.receptive_field} px")

    fig.add_trace(go.Scatter(
        x=[xc] * len(boxes), y=ys, mode="text",
        text=[f"<b>{name}</b>: {shape}<br><span style='font-size:12px'>{desc}</span>"
              for name, desc, shape, _, _ in boxes],
        customdata=[b[0] for b in boxes],
        hovertext=[hover(b[4]) for b in boxes],
        hovertemplate="<b>%{customdata}</b><br>%{hovertext}<extra></extra>",
        textfont=dict(size=13, color="#222222"), showlegend=False, name="stages",
    ))
    size = f"{h_in} × {w_in}"
    style(fig, title=f"{_arch_title(arch)} at {size}<br><sup>shapes: channels × height × "
                     f"width</sup>",
          height=90 + 72 * len(boxes), showlegend=False, dragmode=False)
    fig.update_layout(margin=dict(l=4, r=4, t=70, b=4))
    fig.update_xaxes(visible=False, range=[0, x1 + 0.25], fixedrange=True)
    fig.update_yaxes(visible=False, range=[ys[-1] - half - 0.2, half + 0.2], fixedrange=True)
    return fig


def _input_sizes_arg(value: Any) -> tuple[int, ...]:
    """``stem_sides_figure``'s ``input_sizes``: a positive int, or a tuple/list of them."""
    from ._checks import positive_int

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
    from ._checks import STEMS, choice

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
    from .analysis import stage_table

    input_sizes = _input_sizes_arg(input_sizes)
    stems = _stems_arg(stems)
    colours = {"imagenet": PALETTE["blue"], "cifar": PALETTE["orange"]}
    names = {"imagenet": "ImageNet stem", "cifar": "CIFAR stem"}
    dashes = ("solid", "dot", "dash", "dashdot")
    fig = go.Figure()
    largest = 1
    for j, size in enumerate(input_sizes):
        for stem in stems:
            rows = {r.name: r for r in stage_table(arch, size, stem=stem)}
            sides = [size] + [rows[p].height for p in SIDE_POINTS[1:]]
            largest = max(largest, *sides)
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
    sizes = " and ".join(f"{s}×{s}" for s in input_sizes)
    style(fig, title=f"Feature-map side through {_arch_title(arch)}<br><sup>ImageNet vs "
                     f"CIFAR stem, {sizes} inputs</sup>", height=500)
    # The legend sits at the bottom of the whole figure (not of the plot area), so rotated
    # tick labels on a narrow screen push the plot up instead of running into it.
    fig.update_layout(margin=dict(l=60, r=50, t=70, b=110),
                      legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="bottom",
                                  yref="container"))
    fig.update_xaxes(title_text="stage output")
    fig.update_yaxes(title_text="side (pixels, log scale)", type="log",
                     tickvals=ticks, ticktext=[str(t) for t in ticks])
    return fig


# --- Table 1, myths and costs (chapters 7-9) ---
# Figures for "Table 1, reproduced", "Myths and facts" and "What does it cost?". Published
# numbers come from ``paper`` (citations, each with its source); everything else is counted
# by ``analysis`` / ``costs`` or measured by ``costs.measure_latency``.

_MODEL_LABELS = {"resnet18": "ResNet-18", "resnet34": "ResNet-34", "resnet50": "ResNet-50",
                 "resnet101": "ResNet-101", "resnet152": "ResNet-152"}


def _label(name: str) -> str:
    return _MODEL_LABELS.get(name, name)


def _translucent(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _wrap_cell(text: str) -> str:
    """Break a Table 1 cell into short lines (one conv per line), so columns stay narrow."""
    return text.replace("; ", ";<br>").replace(", stride", ",<br>stride")


def table1_figure() -> go.Figure:
    """The paper's Table 1 rebuilt from code, with a menu for the Bottleneck's stride placement.

    Each cell shows the code's value; it is tinted green where it agrees with the paper and
    vermillion (with the paper's value beside it) where it does not; hovering shows both.
    The menu switches between the paper's form (stride on the first 1x1) and torchvision's
    (stride on the 3x3). Drawn as a heatmap, a trace type of the site's plotly.js bundle.
    """
    from .paper import TABLE1, table1_cells

    names = list(TABLE1)
    states = {}
    for stride_in in ("1x1", "3x3"):
        cells = table1_cells(stride_in)
        rows = list(dict.fromkeys(c.row for c in cells))
        by = {(c.row, c.name): c for c in cells}
        grid = [[by[r, n] for n in names] for r in rows]
        z = [[1 if c.agree else 0 for c in line] for line in grid]
        text = [[_wrap_cell(c.code) if c.agree else f"{c.code}<br>(paper {c.paper})"
                 for c in line] for line in grid]
        hover = [[f"{c.row}, {_label(c.name)}<br>code: {c.code}<br>paper: {c.paper}"
                  for c in line] for line in grid]
        states[stride_in] = (z, text, hover)
    z, text, hover = states["1x1"]
    fig = go.Figure(go.Heatmap(
        x=[_label(n) for n in names], y=rows, z=z, text=text, hovertext=hover,
        texttemplate="%{text}", textfont=dict(size=11), hovertemplate="%{hovertext}<extra></extra>",
        zmin=0, zmax=1, showscale=False, xgap=2, ygap=2,
        colorscale=[[0, _translucent(PALETTE["vermillion"], 0.45)],
                    [1, _translucent(PALETTE["green"], 0.22)]],
    ))
    buttons = [
        dict(label=label, method="restyle",
             args=[{"z": [states[s][0]], "text": [states[s][1]], "hovertext": [states[s][2]]}])
        for s, label in (("1x1", "paper's Bottleneck (stride on the 1x1, v1)"),
                         ("3x3", "torchvision's Bottleneck (stride on the 3x3, v1.5)"))
    ]
    fig.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=0, xanchor="left",
                                        y=1.12, yanchor="bottom", showactive=True)])
    fig.update_xaxes(side="top", showgrid=False, fixedrange=True)
    fig.update_yaxes(autorange="reversed", showgrid=False, fixedrange=True)
    style(fig, title="The paper's Table 1, rebuilt from code (green: agrees with the paper)",
          height=13 * 46 + 150)
    return fig.update_layout(margin=dict(l=110, r=10, t=140, b=10),
                             title=dict(y=0.99, yanchor="top"))


def macs_paper_vs_code_figure() -> go.Figure:
    """G multiply-adds per image: the paper's printed figure, ours in both stride placements,
    and torchvision's published GFLOPS."""
    from .paper import torchvision_comparison

    rows = torchvision_comparison()
    x = [_label(r.name) for r in rows]
    fig = go.Figure()
    series = (
        ("paper, Table 1 (printed, 1 decimal)", [r.gflops_paper for r in rows], "grey"),
        ("ours, stride on the 1x1 (paper's form)", [r.gmacs_paper_form for r in rows], "blue"),
        ("ours, stride on the 3x3 (torchvision's form)", [r.gmacs for r in rows], "orange"),
    )
    for name, y, colour in series:
        fig.add_bar(x=x, y=y, name=name, marker_color=PALETTE[colour],
                    hovertemplate="%{x}: %{y:.3f} G<extra>" + name + "</extra>")
    fig.add_scatter(x=x, y=[r.gflops_published for r in rows], mode="markers",
                    name="torchvision's published GFLOPS", marker=dict(
                        symbol="x-thin", size=16, line=dict(width=3, color=PALETTE["vermillion"])),
                    hovertemplate="%{x}: %{y:.3f} G<extra>torchvision</extra>")
    return style(fig, title="Multiply-adds per 224×224 image: paper vs code",
                 xaxis_title="network", yaxis_title="multiply-adds (×10⁹)", barmode="group",
                 height=460).update_layout(legend=dict(orientation="h", y=-0.2))


def layer_counts_figure(names: Any = None) -> go.Figure:
    """For each depth: residual blocks, weighted layers (the name), Conv2d modules, and all
    leaf modules (conv, BN, ReLU, pooling, fc) -- four honest answers to "how many layers?"."""
    import torch

    from .analysis import weighted_layers
    from .model import ARCHS, build

    names = list(ARCHS) if names is None else list(names)
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
        fig.add_bar(x=[_label(n) for n in names], y=values, name=key,
                    marker_color=PALETTE[colour], text=values, textposition="outside",
                    hovertemplate="%{x}: %{y}<extra>" + key + "</extra>")
    return style(fig, title="How many layers? It depends what you count",
                 xaxis_title="network", yaxis_title="count", barmode="group",
                 height=460).update_layout(legend=dict(orientation="h", y=-0.2))


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
        colorscale=[[0, _translucent(PALETTE["grey"], 0.25)], [1, PALETTE["blue"]]],
        hovertemplate="row %{y}, column %{x}: %{z:.0f}<extra>1 = read</extra>",
    ))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", title="row (input position)",
                     showgrid=False, zeroline=False)
    fig.update_xaxes(title="column (input position)", constrain="domain", showgrid=False,
                     zeroline=False)
    return style(fig, title=title or f"A 1×1 stride-2 conv reads {read} of {total} positions",
                 height=420)


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
                    name=f"time ∝ multiply-adds (through {_label(latencies[k].name)})",
                    line=dict(color=PALETTE["grey"], dash="dot"), hoverinfo="skip")
    fig.add_scatter(
        x=x, y=y, mode="markers+text", text=[_label(lat.name) for lat in latencies],
        textposition=["middle left" if v > 0.75 * max(x) else "middle right" for v in x],
        marker=dict(size=12, color=PALETTE["blue"]),
        error_y=dict(type="data", symmetric=False,
                     array=[lat.max_ms - lat.median_ms for lat in latencies],
                     arrayminus=[lat.median_ms - lat.min_ms for lat in latencies],
                     color=PALETTE["grey"]),
        hovertemplate="%{text}: %{x:.2f} G multiply-adds, median %{y:.1f} ms<extra></extra>",
        name="measured (median of the runs)",
    )
    first = latencies[0]
    threads = f"{first.threads} thread{'s' if first.threads > 1 else ''}"
    return style(fig, title=f"Measured CPU time per image ({threads}, batch {first.batch})",
                 xaxis_title="multiply-adds per image (×10⁹)",
                 yaxis_title="time per image (ms; bars: min–max)", height=460,
                 ).update_layout(legend=dict(orientation="h", y=-0.2))


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
        "parameters": [by_cost[n].params / b_cost.params for n in names],
        "multiply-adds": [by_cost[n].macs / b_cost.macs for n in names],
        "activations (conv outputs)": [by_cost[n].activations.conv_outputs
                                       / b_cost.activations.conv_outputs for n in names],
        "CPU time (measured here)": [by_lat[n].median_ms / b_lat.median_ms for n in names],
        f"{gpu} time, inference": [throughput.slowdown(n, baseline) for n in names],
        f"{gpu} time, training": [throughput.slowdown(n, baseline, "train") for n in names],
    }
    colours = ("sky", "green", "orange", "blue", "vermillion", "purple")
    fig = go.Figure()
    for (key, values), colour in zip(series.items(), colours, strict=True):
        fig.add_bar(x=[_label(n) for n in names], y=values, name=key,
                    marker_color=PALETTE[colour],
                    hovertemplate="%{x}: ×%{y:.2f}<extra>" + key + "</extra>")
    return style(fig, title=f"What grows with depth, relative to {_label(baseline)}",
                 xaxis_title="network", yaxis_title=f"× {_label(baseline)}", barmode="group",
                 height=500).update_layout(legend=dict(orientation="h", y=-0.22))


# --- Stages and blocks (chapters 3-4) ---
# Figures for "The four stages" and "BasicBlock vs Bottleneck". Every number comes from
# ``stage_table``, ``weighted_layers``, ``ARCHS`` or the block modules themselves. Imports are
# local, as in the sections above.

#: Rows of ``stage_table`` that hold weights (the two pools have none).
WEIGHTED_STAGES = ("conv1", "layer1", "layer2", "layer3", "layer4", "fc")
#: One colour per residual stage, shared by the chapter-3 figures.
STAGE_COLORS = {"layer1": PALETTE["sky"], "layer2": PALETTE["blue"],
                "layer3": PALETTE["orange"], "layer4": PALETTE["vermillion"]}


def _family_label(arch: Any) -> str:
    """``"resnet34"`` -> ``"ResNet-34"``; ``(Bottleneck, (3, 4, 6, 3))`` ->
    ``"ResNet (Bottleneck, 3-4-6-3)"``. Raises ``resolve_arch``'s error for anything else."""
    from .model import resolve_arch

    block, layers = resolve_arch(arch)
    if isinstance(arch, str):
        return _arch_title(arch)
    return f"ResNet ({block.__name__}, {'-'.join(str(n) for n in layers)})"


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
    from .model import ARCHS, resolve_arch

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
            resolve_arch(arch)
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
    from plotly.subplots import make_subplots

    from .analysis import stage_table

    archs = _archs_arg(archs)
    # Stacked, not side by side: the same stage axis, and readable on a narrow screen.
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=("Parameters", "Multiply-adds per image"))
    titles = []
    for i, arch in enumerate(archs):
        rows = {r.name: r for r in stage_table(arch, input_size, **options)}
        label = _family_label(arch)
        params = [rows[s].params for s in WEIGHTED_STAGES]
        macs = [rows[s].macs for s in WEIGHTED_STAGES]
        shapes = [f"{rows[s].channels}×{rows[s].height}×{rows[s].width}"
                  for s in WEIGHTED_STAGES]
        for row, (values, what, colour) in enumerate(
            ((params, "parameters", PALETTE["blue"]), (macs, "multiply-adds", PALETTE["orange"])),
            start=1,
        ):
            total = sum(values)
            fig.add_trace(go.Bar(
                x=list(WEIGHTED_STAGES), y=values, name=f"{label} {what}",
                marker_color=colour, visible=(i == 0), showlegend=False,
                text=[f"{v / total:.0%}" for v in values], textposition="outside",
                customdata=[[_si_text(v), s] for v, s in zip(values, shapes, strict=True)],
                hovertemplate=(f"{label} %{{x}}<br>%{{customdata[0]}} {what} "
                               "(%{text} of the total)<br>output %{customdata[1]}"
                               "<extra></extra>"),
                cliponaxis=False,
            ), row=row, col=1)
        titles.append(f"{label}: parameters and multiply-adds per stage<br>"
                      f"<span style='font-size:12px'>{sum(params):,} parameters · "
                      f"{sum(macs) / 1e9:.2f} G multiply-adds per image · "
                      f"input {_size_text(input_size)}</span>")
    style(fig, title=titles[0], height=600)
    fig.update_layout(title_font_size=14, bargap=0.3, margin=dict(t=100))
    fig.update_xaxes(title_text="stage", row=2, col=1)
    fig.update_yaxes(title_text="parameters (count)", tickformat="~s", row=1, col=1)
    fig.update_yaxes(title_text="multiply-adds (count)", tickformat="~s", row=2, col=1)
    if len(archs) > 1:
        buttons = []
        for i, arch in enumerate(archs):
            visible = [j // 2 == i for j in range(2 * len(archs))]
            buttons.append(dict(label=_family_label(arch), method="update",
                                args=[{"visible": visible}, {"title.text": titles[i]}]))
        fig.update_layout(
            updatemenus=[dict(buttons=buttons, direction="down", x=1.0, xanchor="right",
                              y=1.13, yanchor="bottom", showactive=True)],
        )
    return fig


def block_counts_figure(archs: Any = None) -> go.Figure:
    """Residual blocks per stage of each network, as stacked bars, with its depth formula.

    One bar trace per stage (``x`` = blocks of that stage in each network, from ``ARCHS``;
    all five networks by default, else ``archs``: a name, a ``(block, layers)`` pair, or a
    tuple/list of them); the annotation beside each bar is ``weighted_layers(arch).formula``.
    """
    from .analysis import weighted_layers
    from .model import ARCHS, resolve_arch

    archs = tuple(ARCHS) if archs is None else _archs_arg(archs)
    # A pair's label already names its block.
    names = [f"{_family_label(a)} ({resolve_arch(a)[0].__name__})" if isinstance(a, str)
             else _family_label(a) for a in archs]
    layers = [resolve_arch(a)[1] for a in archs]
    fig = go.Figure()
    for s, stage in enumerate(("layer1", "layer2", "layer3", "layer4")):
        counts = [ls[s] for ls in layers]
        fig.add_trace(go.Bar(
            y=names, x=counts, name=stage, orientation="h", marker_color=STAGE_COLORS[stage],
            text=counts, textposition="inside", insidetextanchor="middle",
            hovertemplate=f"%{{y}}<br>{stage}: %{{x}} blocks<extra></extra>",
        ))
    for name, arch, ls in zip(names, archs, layers, strict=True):
        fig.add_annotation(x=sum(ls), y=name, xanchor="left", xshift=6, showarrow=False,
                           text=f"{weighted_layers(arch).formula} layers")
    style(fig, title="Same stages, different block counts: the ResNet family",
          height=120 + 56 * len(archs))
    longest = max(sum(ls) for ls in layers)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.25, x=0),
                      legend_traceorder="normal", title_font_size=14)
    fig.update_xaxes(title_text="residual blocks (count)", range=[0, longest * 1.8])
    fig.update_yaxes(autorange="reversed")
    return fig


def _conv_text(conv: Any) -> str:
    """'3×3 conv, 64→64' (the kernel and the channels in and out of one conv)."""
    k = conv.kernel_size
    return f"{k[0]}×{k[1]} conv, {conv.in_channels}→{conv.out_channels}"


def _block_convs(block: Any) -> list[tuple[str, Any]]:
    """The main-path convs of a block, in order (conv1, conv2[, conv3])."""
    from torch import nn

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
    from torch import nn

    from .blocks import ZeroPadShortcut

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
    from .analysis import stage_table

    label = _family_label(arch)  # checks arch first: its error names it
    fig = go.Figure()
    totals, previous = {}, None
    for stride_in, name, colour in (("1x1", "v1: stride on the first 1×1 (paper)",
                                     PALETTE["sky"]),
                                    ("3x3", "v1.5: stride on the 3×3 (torchvision)",
                                     PALETTE["vermillion"])):
        rows = {r.name: r for r in stage_table(arch, input_size, stride_in=stride_in)}
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
    style(fig, title=f"{label}: {totals['1x1'] / 1e9:.3f} G multiply-adds (v1) vs "
                     f"{totals['3x3'] / 1e9:.3f} G (v1.5)", height=400)
    fig.update_layout(barmode="group", title_font_size=14,
                      legend=dict(orientation="h", y=1.0, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="stage")
    fig.update_yaxes(title_text="multiply-adds per image (count)", tickformat="~s")
    return fig


# --- Skip connections (chapter 5) ---
# Figures for "Skip connections". Published error rates come from ``paper`` (citations);
# gradient norms and loss curves are measured by ``experiments`` when the chapter runs.

# One look per network across the chapter: colour says which family, dash says plain.
_SKIP_LOOK = {
    "plain-10": (PALETTE["orange"], "dash"),
    "plain-34": (PALETTE["vermillion"], "dash"),
    "ResNet-10": (PALETTE["sky"], "solid"),
    "ResNet-34": (PALETTE["blue"], "solid"),
    "pre-act ResNet-34": (PALETTE["green"], "dot"),
}


def _skip_look(name: str, index: int) -> tuple[str, str]:
    return _SKIP_LOOK.get(name, (COLORWAY[index % len(COLORWAY)], "solid"))


def degradation_figure() -> go.Figure:
    """The paper's Table 2: going from 18 to 34 layers hurts a plain net and helps a ResNet.

    Bars of ImageNet top-1 validation error (10-crop) for plain-18/34 and ResNet-18/34, as
    published by He et al. 2015; the numbers are citations from ``paper.TABLE2``.
    """
    from .paper import TABLE2

    fig = go.Figure()
    for family, key, colour in (("plain", "plain", PALETTE["vermillion"]),
                                ("ResNet", "resnet", PALETTE["blue"])):
        errors = [TABLE2[f"{key}{d}"].top1 for d in (18, 34)]
        fig.add_trace(go.Bar(
            x=["18 layers", "34 layers"], y=errors, name=family, marker_color=colour,
            text=[f"{e:.2f}%" for e in errors], textposition="outside", cliponaxis=False,
            hovertemplate=f"{family}-%{{x}}: %{{y:.2f}}% top-1 error<extra></extra>",
        ))
    style(fig, title="ImageNet top-1 error (He et al. 2015, Table 2): deeper plain is worse",
          height=380)
    fig.update_layout(barmode="group", title_font_size=14,
                      legend=dict(orientation="h", y=1.0, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="depth (weighted layers)")
    fig.update_yaxes(title_text="top-1 validation error (%)", range=[20, 30])
    return fig


def gradient_flow_figure(flow: dict[str, dict[str, float]], *, title: str | None = None
                         ) -> go.Figure:
    """Gradient norm of every weighted layer at initialisation, input on the left, log scale.

    Args:
        flow: ``{network name: {layer name: gradient norm}}`` in depth order, as returned by
            ``experiments.gradient_flow``. Dotted vertical lines mark where each stage
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
            x=list(range(1, len(layers) + 1)), y=list(norms.values()), name=name,
            mode="lines+markers", line=dict(color=colour, dash=dash, width=2),
            marker=dict(size=5), customdata=layers,
            hovertemplate=f"{name}<br>layer %{{x}} (%{{customdata}})<br>"
                          f"‖∂L/∂W‖ = %{{y:.3g}}<extra></extra>",
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
    style(fig, title=title or "Gradient norm per layer at initialisation (one random batch)",
          height=430)
    fig.update_layout(title_font_size=14, margin=dict(t=80),
                      legend=dict(orientation="h", y=-0.2, x=0, yanchor="top"))
    fig.update_xaxes(title_text="weighted layer (1 = conv1, next to the input; last = fc)")
    fig.update_yaxes(title_text="‖∂loss/∂weights‖ (log scale)", type="log",
                     exponentformat="power")
    return fig


def training_curves_figure(curves: dict[str, list[float]], *, window: int = 10,
                           title: str | None = None) -> go.Figure:
    """Training loss per SGD step for several networks, smoothed, on a log scale.

    Args:
        curves: ``{network name: loss per step}``, as returned by
            ``experiments.plain_vs_residual``.
        window: steps in the trailing moving average (1 = raw); mini-batch losses are noisy
            and the log scale magnifies the noise near zero.
    """
    from .experiments import smooth

    if not isinstance(curves, dict) or not curves:
        raise TypeError(f"curves must be a non-empty dict {{network: losses}}, "
                        f"got {type(curves).__name__}")
    fig = go.Figure()
    for i, (name, losses) in enumerate(curves.items()):
        colour, dash = _skip_look(name, i)
        fig.add_trace(go.Scatter(
            x=list(range(1, len(losses) + 1)), y=smooth(list(losses), window), name=name,
            mode="lines", line=dict(color=colour, dash=dash, width=2.5),
            hovertemplate=f"{name}<br>step %{{x}}: loss %{{y:.3g}}<extra></extra>",
        ))
    avg = f" ({window}-step moving average)" if window > 1 else ""
    style(fig, title=title or f"Training loss: plain vs residual, shallow vs deep{avg}",
          height=430)
    fig.update_layout(title_font_size=14,
                      legend=dict(orientation="h", y=-0.2, x=0, yanchor="top"))
    fig.update_xaxes(title_text="SGD step (one mini-batch each)")
    fig.update_yaxes(title_text="training loss (nats, log scale)", type="log",
                     exponentformat="power")
    return fig
