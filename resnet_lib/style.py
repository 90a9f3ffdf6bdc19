"""The book's look and its names: palette, figure style, names of networks, stems and stages.

At the bottom of the house (it imports only ``spec``), so every figure module can import it
at the top: no figure needs a function-local import to dodge a cycle.

Style rules every figure follows (set once in ``style``):
- the Okabe-Ito palette (``PALETTE``), which stays distinguishable for the common forms of
  colour blindness;
- transparent backgrounds, dark text and mid-grey grid lines;
- axis titles with units; a title that says what the figure shows.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from . import spec

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

#: Every row of ``analysis.stage_table``, in order.
STAGE_NAMES = ("conv1", "maxpool", *spec.STAGES, "avgpool", "fc")
#: The paper's name (Table 1) for each of torchvision's stages.
PAPER_STAGE_NAMES = {"conv1": "conv1", "layer1": "conv2_x", "layer2": "conv3_x",
                     "layer3": "conv4_x", "layer4": "conv5_x"}
STEM_LABELS = {"imagenet": "ImageNet stem", "cifar": "CIFAR stem"}
STRIDE_LABELS = {"3x3": "v1.5 (stride on the 3x3)", "1x1": "v1 (stride on the first 1x1)"}
BLOCK_LABELS = {"basic": "BasicBlock", "bottleneck": "Bottleneck"}


def label(arch: Any) -> str:
    """The display name of a network, the one place networks are named.

    ``"resnet50"`` -> ``"ResNet-50"``, ``"resnext50_32x4d"`` -> ``"ResNeXt-50 (32×4d)"``,
    ``(Bottleneck, (3, 4, 6, 3))`` -> ``"ResNet (Bottleneck, 3-4-6-3)"``.
    Raises ``ValueError``/``TypeError`` (from ``spec.resolve``) for anything else.
    """
    a = spec.resolve(arch)
    if a.label:
        return a.label
    extra = f", {a.groups}×{a.width_per_group}d" if (a.groups, a.width_per_group) != (1, 64) else ""
    return f"ResNet ({BLOCK_LABELS[a.block]}, {'-'.join(str(n) for n in a.layers)}{extra})"


def family(arch: Any) -> str:
    """``"ResNet"``, ``"ResNeXt"`` (grouped 3x3 convs) or ``"Wide ResNet"`` (wider inner
    convs), read from the network's description, not from its name."""
    a = spec.resolve(arch)
    if a.groups > 1:
        return "ResNeXt"
    return "Wide ResNet" if a.width_per_group > 64 else "ResNet"


def stride_label(arch: Any, stride_in: str) -> str:
    """``"v1.5"``/``"v1"`` for Bottleneck networks; ``""`` for BasicBlock ones (no 1x1 conv)."""
    if spec.resolve(arch).block != "bottleneck":
        return ""
    return "v1.5" if stride_in == "3x3" else "v1"


def shape_label(row: Any) -> str:
    """The output shape of a ``stage_table`` row as the diagrams print it: ``64 × 56 × 56``."""
    return f"{row.channels} × {row.height} × {row.width}"


def _visible(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def wrap_text(text: str, width: int) -> tuple[str, int]:
    """Plotly text (``<br>`` line breaks, inline tags) re-wrapped at ``width`` visible
    characters per line, breaking only at spaces; returns the text and its line count."""
    lines: list[str] = []
    for part in re.split(r"<br\s*/?>", text):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and len(_visible(candidate)) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "<br>".join(lines), len(lines)


def rgba(hex_colour: str, alpha: float) -> str:
    """``"#0072B2"``, 0.1 -> ``"rgba(0,114,178,0.1)"``: a translucent version of a colour."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def tint(hex_colour: str, amount: float) -> str:
    """``hex_colour`` mixed with white (``amount`` of the colour): an opaque pastel."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - amount * (255 - c)):02x}" for c in (r, g, b))


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


#: Width (CSS px) under which the book's pages draw a figure's phone variant, if it has one.
PHONE_WIDTH = 600


def with_phone_variant(fig: go.Figure, phone: go.Figure) -> go.Figure:
    """Attach ``phone``, a layout of the same figure for narrow screens, to ``fig``.

    Stored in ``layout.meta["phone"]`` (plotly keeps ``meta`` as it is); the book's page
    script draws it instead of ``fig`` where the figure is narrower than ``PHONE_WIDTH``
    pixels, and redraws when the width crosses that line. A live notebook shows ``fig``.
    """
    spec = phone.to_plotly_json()
    fig.update_layout(meta={"phone": {"data": spec["data"], "layout": spec["layout"]}})
    return fig


__all__ = [
    "BLOCK_LABELS", "COLORWAY", "PALETTE", "PAPER_STAGE_NAMES", "PHONE_WIDTH", "STAGE_NAMES",
    "STEM_LABELS", "STRIDE_LABELS", "family", "label", "rgba", "shape_label", "stride_label",
    "style", "tint", "with_phone_variant", "wrap_text",
]
