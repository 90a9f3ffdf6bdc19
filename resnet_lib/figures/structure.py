"""The paper's Fig. 3, generated from the model: every weighted layer, block by block.

He et al. (2015, arXiv:1512.03385) drew ResNet-34 as a column of 34 boxes ("3x3 conv, 64",
"3x3 conv, 128, /2", ...) with a curved shortcut around every pair: solid where the shortcut
is the identity, dotted where "the dimensions increase". ``structure_figure`` draws the same
column for any network ``resnet_lib`` builds, and nothing in it is typed by hand:

- ``structure_layers`` builds the model on the ``meta`` device (shapes, no memory), runs one
  forward pass with hooks, and records every convolution, pool and the fc layer in the order
  the forward pass calls them, each with its output shape; the projection convs of the
  shortcuts (``downsample.0``) are recorded with their block, not in the main column;
- a block's shortcut is read from its ``downsample`` module: none (the identity), a 1x1
  convolution (a projection, drawn dashed) or a parameter-free zero-padding (option A,
  drawn dotted).

The figure is one vertical column, so it reads on a phone held upright; its stage headers
and block names link to the chapters that explain them (``LINKS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import torch
from torch import nn

from .. import _checks
from ..i18n import text as tr
from ..model import build
from ..render import with_caption
from ..style import PALETTE, label, style, tint
from ..style import PAPER_STAGE_NAMES as PAPER_STAGE

#: Where each part of the diagram is explained: relative links between chapter pages of the
#: built book (``chapters/02_stem.html`` ...). A test checks that each target is in _toc.yml.
LINKS = {"stem": "02_stem.html", "stage": "03_stages.html", "block": "04_blocks.html"}
#: The depths offered in the diagram's menu.
DEFAULT_MENU = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


@dataclass(frozen=True)
class Layer:
    """One box of the diagram: a conv, a pool or the fc layer, in forward order.

    ``number`` counts the weighted layers on the main path (1..34 for ResNet-34) and is None
    for pools. ``block`` is the block's module name (``"layer2.0"``) or None in the stem and
    head; ``stage`` is ``"stem"``, ``"layer1"`` .. ``"layer4"`` or ``"head"``. ``shape`` is
    the output shape without the batch dimension.
    """

    name: str
    kind: str  # "conv", "maxpool", "avgpool", "fc"
    number: int | None
    stage: str
    block: str | None
    kernel: int | None
    out_channels: int
    stride: int
    groups: int
    shape: tuple[int, ...]

    @property
    def text(self) -> str:
        """The paper's box label: ``"3×3 conv, 128, /2"``, ``"fc 1000"``, ``"avg pool"``."""
        if self.kind == "fc":
            return f"fc {self.out_channels}"
        if self.kind == "avgpool":
            return tr("avg pool")
        k = f"{self.kernel}×{self.kernel}"
        if self.kind == "maxpool":
            return tr("{k} max pool", k=k) + (f", /{self.stride}" if self.stride > 1 else "")
        extra = f", /{self.stride}" if self.stride > 1 else ""
        extra += tr(", {n} groups", n=self.groups) if self.groups > 1 else ""
        return tr("{k} conv, {c}", k=k, c=self.out_channels) + extra


@dataclass(frozen=True)
class Block:
    """One residual block: its name, the numbers of its main-path layers and its shortcut.

    ``shortcut`` is ``"identity"``, ``"projection"`` (a 1x1 conv, stride ``stride``) or
    ``"zero-pad"`` (option A); ``shape`` is the block's output shape.
    """

    name: str
    stage: str
    layers: tuple[int, ...]
    shortcut: str
    stride: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Structure:
    """What the diagram draws, read from one model: the boxes, the blocks, the stages."""

    arch: str
    input_shape: tuple[int, int, int]
    layers: tuple[Layer, ...]
    blocks: tuple[Block, ...]
    stage_shapes: dict[str, tuple[int, ...]]

    @property
    def weighted(self) -> int:
        """The paper's layer count: convs on the main path plus the fc layer."""
        return sum(1 for layer in self.layers if layer.number is not None)


def _stage_of(name: str) -> tuple[str, str | None]:
    parts = name.split(".")
    if parts[0].startswith("layer") and len(parts) >= 2:
        return parts[0], f"{parts[0]}.{parts[1]}"
    return ("head" if parts[0] in ("avgpool", "fc") else "stem"), None


def _shortcut_kind(block: nn.Module) -> tuple[str, int]:
    down = getattr(block, "downsample", None)
    if down is None:
        return "identity", 1
    convs = [m for m in down.modules() if isinstance(m, nn.Conv2d)]
    if convs:
        return "projection", convs[0].stride[0]
    return "zero-pad", int(getattr(down, "stride", 1))


def structure_layers(arch: str = "resnet34", input_size: Any = 224,
                     **options: Any) -> Structure:
    """Every box of the paper's Fig. 3 for ``arch``, read from a model built on ``meta``.

    ``arch`` is a builder name (``"resnet34"``, ``"resnext50_32x4d"``, ...) and ``options``
    are the builder's options (``stride_in="1x1"``, ``shortcut="A"``, ...): the checks are
    the builder's own. ``input_size`` is an int or a (height, width) pair.
    """
    h, w = _checks.input_size(input_size)
    with torch.device("meta"):
        model = build(arch, **options).eval()
    calls: list[tuple[str, nn.Module, tuple[int, ...]]] = []
    shapes: dict[str, tuple[int, ...]] = {}
    watched = (nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AdaptiveAvgPool2d)
    def record_call(name: str) -> Any:
        def hook(m: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
            calls.append((name, m, tuple(out.shape[1:])))
        return hook

    def record_shape(name: str) -> Any:
        def hook(_m: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
            shapes.setdefault(name, tuple(out.shape[1:]))
        return hook

    hooks = []
    for name, module in model.named_modules():
        if isinstance(module, watched) and "downsample" not in name:
            hooks.append(module.register_forward_hook(record_call(name)))
        elif name.startswith("layer") and name.count(".") <= 1:  # "layer1", "layer1.0"
            hooks.append(module.register_forward_hook(record_shape(name)))
    try:
        with torch.no_grad():
            model(torch.empty(1, model.conv1.in_channels, h, w, device="meta"))
    finally:
        for hook in hooks:
            hook.remove()

    layers, number = [], 0
    for name, m, shape in calls:
        stage, block = _stage_of(name)
        if isinstance(m, nn.Conv2d):
            number += 1
            layers.append(Layer(name, "conv", number, stage, block, m.kernel_size[0],
                                m.out_channels, m.stride[0], m.groups, shape))
        elif isinstance(m, nn.Linear):
            number += 1
            layers.append(Layer(name, "fc", number, stage, None, None, m.out_features, 1, 1,
                                shape))
        elif isinstance(m, nn.MaxPool2d):
            k, s = m.kernel_size, m.stride
            layers.append(Layer(name, "maxpool", None, stage, None,
                                k if isinstance(k, int) else k[0], shape[0],
                                s if isinstance(s, int) else s[0], 1, shape))
        else:
            layers.append(Layer(name, "avgpool", None, stage, None, None, shape[0], 1, 1,
                                shape))
    blocks = []
    modules = dict(model.named_modules())
    stages = [s for s in PAPER_STAGE if s.startswith("layer")]
    for stage in stages:
        for child_name, child in modules[stage].named_children():
            bname = f"{stage}.{child_name}"
            kind, stride = _shortcut_kind(child)
            numbers = tuple(la.number for la in layers if la.block == bname and la.number)
            blocks.append(Block(bname, stage, numbers, kind, stride, shapes[bname]))
    stage_shapes = {s: shapes[s] for s in stages}
    stem_out = [la.shape for la in layers if la.stage == "stem"][-1]
    stage_shapes = {"stem": stem_out, **stage_shapes, "head": layers[-1].shape}
    return Structure(arch, (model.conv1.in_channels, h, w), tuple(layers), tuple(blocks),
                     stage_shapes)


def _shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(str(s) for s in shape)


def _link(href: str, text: str) -> str:
    return f'<a href="{href}" target="_self">{text}</a>'


# Box colours by kind (Okabe-Ito), drawn as opaque pastels so that dark text reads on them.
_BOX = {3: "blue", 1: "green", 7: "purple", "pool": "grey", "fc": "vermillion"}
#: (dash, colour, legend entry: English, looked up in the catalog when drawn)
_SHORTCUT_LOOK = {"identity": ("solid", "grey", "identity shortcut"),
                  "projection": ("dash", "orange", "projection (1×1 conv)"),
                  "zero-pad": ("dot", "vermillion", "zero-padding (option A)")}

_LABEL_COLOUR = "#222222"  # dark text on the boxes' pastel fills, in light and dark mode
_X_LABEL, _X0, _X1, _X_ARC = 0.05, 2.1, 7.9, 8.9  # block names | boxes | shortcut arcs
_HALF = 0.36  # half a box's height (rows are 1 apart)


def _draw(s: Structure, links: Mapping[str, str]) -> dict[str, Any]:
    """Traces (boxes, texts, arcs, hover markers) and annotations (links) for one Structure."""
    rows: list[tuple[str, Any]] = [("input", None)]
    current = None
    for layer in s.layers:
        if layer.stage != current:
            rows.append(("header", layer.stage))
            current = layer.stage
        rows.append(("box", layer))
    y_of = {}
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    hover_x, hover_y, hover_text = [], [], []
    for i, (kind, item) in enumerate(rows):
        y = -float(i)
        if kind == "input":
            annotations.append(dict(x=_X0, y=y, xanchor="left", showarrow=False,
                                    text=f"<b>{tr('image')}</b> {_shape_text(s.input_shape)}"))
        elif kind == "header":
            shape = _shape_text(s.stage_shapes[item])
            if item == "stem":
                header = f"<b>{_link(links['stem'], tr('stem'))}</b> (conv1) → {shape}"
            elif item == "head":
                header = (f"<b>{tr('head')}</b> → "
                          + tr("{n} class scores", n=s.stage_shapes["head"][0]))
            else:
                n = sum(1 for b in s.blocks if b.stage == item)
                header = (f"<b>{_link(links['stage'], item)}</b> = {PAPER_STAGE[item]}, "
                          + tr("{n} blocks", n=n) + f" → {shape}")
            annotations.append(dict(x=_X_LABEL, y=y, xanchor="left", showarrow=False,
                                    text=header, font=dict(size=12)))
        else:
            layer = item
            y_of[layer.name] = y
            key = ("pool" if layer.kind in ("maxpool", "avgpool")
                   else "fc" if layer.kind == "fc" else layer.kernel)
            colour = PALETTE[_BOX.get(key, "sky")]
            # Boxes are opaque shapes and their labels dark annotations: the page's dark mode
            # keeps dark text on a light box, and the menu swaps both with the network.
            shapes.append(dict(type="rect", x0=_X0, x1=_X1, y0=y - _HALF, y1=y + _HALF,
                               layer="below", fillcolor=tint(colour, 0.3),
                               line=dict(color=colour, width=1)))
            number = f"{layer.number}   " if layer.number else ""
            annotations.append(dict(x=(_X0 + _X1) / 2, y=y, showarrow=False, name="layer",
                                    text=f"{number}{layer.text}",
                                    font=dict(size=11, color=_LABEL_COLOUR)))
            hover_x.append((_X0 + _X1) / 2)
            hover_y.append(y)
            hover_text.append(f"{layer.name}: {layer.text}<br>"
                              + tr("output {shape}", shape=_shape_text(layer.shape)))

    traces: list[go.Scatter] = []
    # Shortcuts: from just above a block's first box to just below its last, on the right.
    arcs: dict[str, list[list[float | None]]] = {}
    by_number = {la.number: la for la in s.layers if la.number}
    for b in s.blocks:
        top = y_of[by_number[b.layers[0]].name] + 0.5
        bottom = y_of[by_number[b.layers[-1]].name] - 0.5
        xs = [_X1, _X_ARC - 0.3, _X_ARC, _X_ARC, _X_ARC - 0.3, _X1 + 0.15, None]
        ys = [top, top, top - 0.3, bottom + 0.3, bottom, bottom, None]
        arcs.setdefault(b.shortcut, [[], []])
        arcs[b.shortcut][0].extend(xs)
        arcs[b.shortcut][1].extend(ys)
        annotations.append(dict(x=_X_LABEL, y=(top + bottom) / 2, xanchor="left",
                                showarrow=False, text=_link(links["block"], b.name),
                                font=dict(size=11)))
        hover_x.append(_X_ARC)
        hover_y.append((top + bottom) / 2)
        hover_text.append(f"{b.name}: " + tr(_SHORTCUT_LOOK[b.shortcut][2])
                          + (tr(", stride {n}", n=b.stride) if b.stride > 1 else "")
                          + "<br>" + tr("output {shape}", shape=_shape_text(b.shape)))
    for kind in ("identity", "projection", "zero-pad"):
        if kind in arcs:
            dash, colour, name = _SHORTCUT_LOOK[kind]
            traces.append(go.Scatter(x=arcs[kind][0], y=arcs[kind][1], mode="lines",
                                     line=dict(color=PALETTE[colour], width=2, dash=dash),
                                     hoverinfo="skip", name=tr(name), showlegend=True))
    traces.append(go.Scatter(x=hover_x, y=hover_y, mode="markers", hovertext=hover_text,
                             hoverinfo="text", marker=dict(size=14, opacity=0),
                             showlegend=False, name=tr("details")))
    bottom = -float(len(rows) - 1)
    return dict(traces=traces, annotations=annotations, shapes=shapes, rows=len(rows),
                y_range=[bottom - 0.8, 0.8])


def _title(s: Structure) -> str:
    return (tr("{name}: {n} weighted layers", name=label(s.arch), n=s.weighted) + "<br><sup>"
            + tr("{n} blocks · shapes: channels × height × width", n=len(s.blocks)) + "</sup>")


_TOP = 175  # px above the column: title, menu, legend


def _height(rows: int) -> int:
    return _TOP + 10 + 24 * rows


def structure_figure(arch: str = "resnet34", input_size: Any = 224, *,
                     menu: Any = DEFAULT_MENU, links: Mapping[str, str] | None = None,
                     **options: Any) -> go.Figure:
    """The paper's Fig. 3 for ``arch``, generated from the model; a menu switches depth.

    One numbered box per weighted layer (conv or fc) plus the pools, grouped under a header
    per stage (its paper name and output shape); each block's shortcut is an arc on the
    right: solid for the identity, dashed for a 1x1 projection, dotted for option A's zero
    padding. Stage headers and block names link to the chapters in ``links`` (default
    ``LINKS``). ``menu``: the builder names offered in a dropdown (``arch`` is shown first;
    ``()`` for no menu). ``options`` go to every model, e.g. ``shortcut="A"``.
    """
    links = dict(LINKS if links is None else links)
    missing = {"stem", "stage", "block"} - set(links)
    if missing:
        raise ValueError(f"links must give a target for 'stem', 'stage' and 'block'; "
                         f"missing {sorted(missing)}")
    if isinstance(menu, str):
        raise TypeError(f"menu must be a sequence of builder names, such as "
                        f"('resnet18', 'resnet50'), got the string {menu!r}")
    names = [arch] + [m for m in menu if m != arch]
    structures = [structure_layers(n, input_size, **options) for n in names]
    drawn = [_draw(st, links) for st in structures]
    titles = [_title(st) for st in structures]
    fig = go.Figure()
    owner: list[int] = []
    for i, d in enumerate(drawn):
        for t in d["traces"]:
            t.visible = i == 0
            fig.add_trace(t)
            owner.append(i)
    style(fig, title=titles[0], height=_height(drawn[0]["rows"]), dragmode=False,
          hovermode="closest")
    fig.update_layout(annotations=drawn[0]["annotations"], shapes=drawn[0]["shapes"],
                      title=dict(y=1, yref="paper", yanchor="bottom", pad=dict(b=110)),
                      margin=dict(l=4, r=4, t=_TOP, b=4),
                      legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom",
                                  font=dict(size=11)))
    fig.update_xaxes(visible=False, range=[0, _X_ARC + 0.4], fixedrange=True)
    fig.update_yaxes(visible=False, range=drawn[0]["y_range"], fixedrange=True)
    if len(names) > 1:
        buttons = [dict(label=label(n), method="update",
                        args=[{"visible": [o == i for o in owner]},
                              {"annotations": d["annotations"], "shapes": d["shapes"],
                               "height": _height(d["rows"]),
                               "yaxis.range": d["y_range"], "title.text": titles[i]}])
                   for i, (n, d) in enumerate(zip(names, drawn, strict=True))]
        fig.update_layout(updatemenus=[dict(buttons=buttons, name=tr("Network"), direction="down",
                                            x=0, xanchor="left", y=1.0, yanchor="bottom",
                                            pad=dict(t=0, b=34), showactive=True)])
    first = structures[0]
    kinds = [b.shortcut for b in first.blocks]
    parts = [tr("{kind}: {n}").format(n=kinds.count(kind), kind=tr(_SHORTCUT_NAMES[kind]))
             for kind in _SHORTCUT_NAMES if kind in kinds]
    return with_caption(fig, tr(
        "{name} has {weighted} weighted layers in all and {blocks} blocks between the stem and "
        "the classifier; its shortcuts: {parts}.").format(
            name=label(first.arch), weighted=first.weighted, blocks=len(first.blocks),
            parts=tr("; ").join(parts)))


#: How a caption names each kind of shortcut (and the arc that draws it).
_SHORTCUT_NAMES = {"identity": "identities (solid arcs)",
                   "projection": "1×1 projections (dashed arcs)",
                   "zero-pad": "zero-padding shortcuts (dotted arcs)"}


__all__ = ["DEFAULT_MENU", "LINKS", "Block", "Layer", "Structure",
           "structure_figure", "structure_layers"]
