"""The feature-map explorer's data side: what each stage outputs, and one precomputed figure.

Two faces share this module, so that they can never disagree:

- ``stage_data(arch, input_size, stem, stride_in)`` answers "what does each stage (conv1,
  maxpool, layer1..layer4) output for this setting?": channels x height x width, activation
  elements and megabytes (fp32, one image), parameters, multiply-adds (MACs), and the first
  stage whose map has collapsed to 1x1. It is ``analysis.stage_table`` regrouped, so it costs
  well under a millisecond; the live widget (``widgets.explorer``) calls it on every change.
- ``static_explorer_figure()`` precomputes ``stage_data`` for every setting its controls can
  reach (architecture x stem x stride placement, chosen in one dropdown; input size, chosen on
  one slider) into ONE plotly figure that needs no kernel: the published book page.

How the static figure stays small (about 200 KB of HTML): every variant (architecture, stem,
stride placement) has its own four bar traces, and the dropdown only switches which variant's
traces are visible. The size slider is global: each of its steps rewrites the numbers of ALL
variants for that size (y, customdata, bar colours and summary lines, ``method="update"``);
bar labels are texttemplates over those numbers, so steps carry no label strings. The two
controls are therefore independent, as a reader expects: pick ResNet-50 at 64 pixels, switch
to ResNet-18, and the size stays 64. Parameters do not depend on the input size, so the slider
never carries them. Why one dropdown of 16 networks rather than three (architecture, stem,
stride): a plotly control's steps are fixed arguments, so separate menus cannot combine their
choices without custom JavaScript; a global slider plus one menu can.

Units: MB = 10^6 bytes; fp32 = 4 bytes per element; MACs = multiply-adds of the convolutions
(the paper's "FLOPs"); activation memory is the output of each stage for ONE image (training
keeps many more intermediate tensors, and a batch multiplies everything by its size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import _checks
from .analysis import stage_table
from .blocks import Bottleneck
from .model import ARCHS
from .plots import PALETTE, style

#: The stages the explorer shows: everything that outputs a feature map.
STAGES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")

#: Bytes per element of a float32 tensor, and bytes per megabyte (decimal, 10^6).
BYTES_FP32 = 4
MB = 1_000_000

#: Input sizes the static figure precomputes: 32..512 in steps of 32, plus odd sizes that show
#: how the integer division of stride-2 layers rounds (97 and 225 round up at every stride).
SIZES = tuple(sorted(set(range(32, 513, 32)) | {97, 225}))

STEM_LABELS = {"imagenet": "ImageNet stem", "cifar": "CIFAR stem"}
STRIDE_LABELS = {"3x3": "v1.5 (stride on the 3x3)", "1x1": "v1 (stride on the first 1x1)"}

#: Default setting of both explorers: the network and input size of the paper's Table 1.
DEFAULT = dict(arch="resnet50", input_size=224, stem="imagenet", stride_in="3x3")

# Colours (Okabe-Ito): a map that has collapsed to 1x1 is vermillion, others blue.
_COLOR_MAP, _COLOR_COLLAPSED = PALETTE["blue"], PALETTE["vermillion"]
_COLOR_ACT, _COLOR_PARAM, _COLOR_MACS = PALETTE["orange"], PALETTE["sky"], PALETTE["green"]


def arch_label(arch: str) -> str:
    """``"resnet50"`` -> ``"ResNet-50"``; ``ValueError`` for a name not in ``ARCHS``."""
    return "ResNet-" + _checks.choice("arch", arch, ARCHS).removeprefix("resnet")


def has_bottleneck(arch: str) -> bool:
    """True for ResNet-50/101/152: only their blocks have a stride placement to choose."""
    return ARCHS[_checks.choice("arch", arch, ARCHS)][0] is Bottleneck


@dataclass(frozen=True)
class Variant:
    """One entry of the static figure's dropdown: a network the size slider applies to."""

    arch: str
    stem: str = "imagenet"
    stride_in: str = "3x3"

    def __post_init__(self) -> None:
        # Checked here so that ``label`` (and the figure built from variants) never meets an
        # unknown name: a typo raises ValueError naming the field and its allowed values.
        _checks.choice("arch", self.arch, ARCHS)
        _checks.choice("stem", self.stem, STEM_LABELS)
        _checks.choice("stride_in", self.stride_in, STRIDE_LABELS)

    @property
    def label(self) -> str:
        parts = [arch_label(self.arch), STEM_LABELS[self.stem]]
        if has_bottleneck(self.arch):
            parts.append("v1.5" if self.stride_in == "3x3" else "v1")
        return " · ".join(parts)


def variants() -> tuple[Variant, ...]:
    """Every (architecture, stem, stride placement) a reader can pick: 16 networks.

    BasicBlock nets (18/34) have no 1x1 conv in their blocks, so no stride placement to
    choose: they appear once per stem.
    """
    out = []
    for arch in ARCHS:
        for stem in STEM_LABELS:
            for stride_in in (STRIDE_LABELS if has_bottleneck(arch) else ("3x3",)):
                out.append(Variant(arch, stem, stride_in))
    return tuple(out)


@dataclass(frozen=True)
class StageData:
    """Per-stage outputs and costs of one setting; every tuple follows ``STAGES``.

    ``total_params`` and ``total_macs`` are the whole network's, avgpool and fc included.
    """

    arch: str
    input_size: int
    stem: str
    stride_in: str
    channels: tuple[int, ...]
    heights: tuple[int, ...]
    widths: tuple[int, ...]
    params: tuple[int, ...]
    macs: tuple[int, ...]
    total_params: int
    total_macs: int

    @property
    def elements(self) -> tuple[int, ...]:
        """Activation elements per image of each stage's output: channels x height x width."""
        return tuple(c * h * w for c, h, w in zip(self.channels, self.heights, self.widths,
                                                  strict=True))

    @property
    def act_mb(self) -> tuple[float, ...]:
        """Activation memory of each stage's output, one image, fp32, in MB (10^6 bytes)."""
        return tuple(n * BYTES_FP32 / MB for n in self.elements)

    @property
    def param_mb(self) -> tuple[float, ...]:
        """Memory of each stage's parameters at fp32, in MB (10^6 bytes)."""
        return tuple(n * BYTES_FP32 / MB for n in self.params)

    @property
    def shapes(self) -> tuple[str, ...]:
        """``"64×56×56"`` for each stage (channels × height × width)."""
        return tuple(f"{c}×{h}×{w}" for c, h, w in zip(self.channels, self.heights,
                                                       self.widths, strict=True))

    @property
    def collapse_stage(self) -> str | None:
        """The first stage whose output map is 1x1, or None if layer4 is still larger."""
        for name, h, w in zip(STAGES, self.heights, self.widths, strict=True):
            if h == 1 and w == 1:
                return name
        return None

    @property
    def label(self) -> str:
        """``"ResNet-50 v1.5, ImageNet stem, 224×224"``."""
        stride = (" v1.5" if self.stride_in == "3x3" else " v1") if has_bottleneck(
            self.arch) else ""
        return (f"{arch_label(self.arch)}{stride}, {STEM_LABELS[self.stem]}, "
                f"{self.input_size}×{self.input_size}")

    def summary(self, sep: str = " · ") -> str:
        """For a reader: where the map ends or collapses, ``sep``, then the totals."""
        stage = self.collapse_stage
        n = self.input_size
        where = (f"layer4 ends at {self.shapes[-1]}, never 1×1" if stage is None
                 else f"the map is 1×1 from {stage} on")
        return (f"{n}×{n} input: {where}{sep}{self.total_macs / 1e9:.3g} G MACs · "
                f"{self.total_params / 1e6:.3g} M parameters · {sum(self.act_mb):.3g} MB of "
                f"stage outputs per image")


def stage_data(arch: str = "resnet50", input_size: int = 224, stem: str = "imagenet",
               stride_in: str = "3x3") -> StageData:
    """Per-stage outputs and costs of ``arch`` on a square ``input_size`` image.

    ``input_size`` is the side of the square in pixels, one positive int: the explorer's
    figures, labels and summaries draw height = width, so a (height, width) pair is refused
    (``stage_table`` takes non-square sizes). The numbers are ``analysis.stage_table``'s (pure
    arithmetic, no forward pass). Invalid arguments raise ``ValueError``/``TypeError`` with a
    message naming the bad value.
    """
    if not isinstance(arch, str):
        raise TypeError(f"arch must be a model name, one of {', '.join(ARCHS)}; got {arch!r} "
                        f"({type(arch).__name__})")
    _checks.choice("arch", arch, ARCHS)
    if isinstance(input_size, (tuple, list)):
        raise ValueError(f"input_size must be a square size: one positive int (the side in "
                         f"pixels, such as 224), not a (height, width) pair; got {input_size!r}")
    _checks.positive_int("input_size", input_size)
    rows = stage_table(arch, input_size, stem=stem, stride_in=stride_in)
    by_name = {r.name: r for r in rows}
    stages = [by_name[n] for n in STAGES]
    return StageData(
        arch=arch, input_size=input_size, stem=stem, stride_in=stride_in,
        channels=tuple(r.channels for r in stages), heights=tuple(r.height for r in stages),
        widths=tuple(r.width for r in stages), params=tuple(r.params for r in stages),
        macs=tuple(r.macs for r in stages), total_params=sum(r.params for r in rows),
        total_macs=sum(r.macs for r in rows),
    )


def parse_size(text: Any) -> int:
    """A reader's input size -> a positive int, or ``ValueError`` with a message for them.

    Accepts an int or a string of the ASCII digits 0-9 such as ``" 224 "``; rejects 0,
    negative numbers, fractions, words, empty input, and what Python's ``int`` would also
    take but a reader did not mean as a plain number: ``"2_24"``, ``"+224"``, other
    scripts' digits (full-width ``"２２４"``).
    """
    if isinstance(text, bool):
        raise ValueError(f"the input size must be a whole number of pixels, got {text!r}")
    if isinstance(text, int):
        value = text
    else:
        s = str(text).strip()
        if not s:
            raise ValueError("type an input size in pixels, e.g. 224")
        if s.startswith("-") and s[1:].isascii() and s[1:].isdigit():
            raise ValueError(f"the input size must be at least 1 pixel, got {s[:40]}")
        if not (s.isascii() and s.isdigit()):
            raise ValueError(f"the input size must be a whole number of pixels written with "
                             f"the digits 0-9, such as 224, not {s[:40]!r}")
        value = int(s)
    if value < 1:
        raise ValueError(f"the input size must be at least 1 pixel, got {value}")
    return value


# ---------------------------------------------------------------------------------------------
# Figures. The same four traces draw one setting (live widget) and every setting (static page).
# Rows: 1 map side in pixels (label C×H×W); 2 memory in MB, activations vs parameters (log
# axis); 3 MACs per stage. Labels come from texttemplates over y and customdata, so that a
# slider step only needs numbers (strings would triple the page's size).

def _map_colors(d: StageData) -> list[str]:
    return [_COLOR_COLLAPSED if h == 1 and w == 1 else _COLOR_MAP
            for h, w in zip(d.heights, d.widths, strict=True)]


def _mb(x: float) -> float:
    """MB rounded to 6 significant digits: exact enough to read, short in the page's JSON."""
    return float(f"{x:.6g}")


def _traces(d: StageData, visible: bool = True, legend: bool = True) -> list[go.Bar]:
    """The four bar traces of one setting: map side, activation MB, parameter MB, MACs.

    Only square inputs reach here (``stage_data`` takes one size), so height = width = y.
    """
    common = dict(x=list(STAGES), visible=visible, cliponaxis=False)
    return [
        go.Bar(**common, y=list(d.heights), customdata=list(d.channels),
               texttemplate="%{customdata}×%{y}×%{y}", textposition="outside",
               marker_color=_map_colors(d), name="map side", showlegend=False,
               hovertemplate="%{x} output: %{customdata} channels × %{y} × %{y} pixels"
                             "<extra></extra>"),
        go.Bar(**common, y=[_mb(v) for v in d.act_mb], customdata=list(d.elements),
               textposition="none", marker_color=_COLOR_ACT, name="activations (one image)",
               legendgroup="act", showlegend=legend,
               hovertemplate="%{x} output: %{customdata:,} elements = %{y:.3g} MB"
                             "<extra>activations</extra>"),
        go.Bar(**common, y=[_mb(v) for v in d.param_mb], customdata=list(d.params),
               textposition="none", marker_color=_COLOR_PARAM, name="parameters",
               legendgroup="param", showlegend=legend,
               hovertemplate="%{x}: %{customdata:,} parameters = %{y:.3g} MB"
                             "<extra>parameters</extra>"),
        go.Bar(**common, y=list(d.macs), texttemplate="%{y:.3~s}", textposition="outside",
               marker_color=_COLOR_MACS, name="MACs", showlegend=False,
               hovertemplate="%{x}: %{y:,} MACs<extra></extra>"),
    ]


_ROWS = (1, 2, 2, 3)  # trace index within a setting -> subplot row
_PER = len(_ROWS)  # traces per setting


def _frame(height: int) -> go.Figure:
    fig = make_subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
        subplot_titles=("Output map: side in pixels (label: channels × height × width)",
                        "Memory at fp32: each stage's output for one image vs its parameters",
                        "Multiply-adds (MACs) per stage, one image"),
    )
    style(fig, height=height, barmode="group", bargap=0.25)
    fig.update_layout(legend=dict(orientation="h", x=1, xanchor="right", y=0.665,
                                  yanchor="bottom"))
    fig.update_yaxes(title_text="pixels", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="MB (log scale)", type="log", row=2, col=1)
    fig.update_yaxes(title_text="MACs", tickformat="~s", rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text="stage (its output)", row=3, col=1)
    return fig


def _title(d: StageData) -> str:
    return f"<b>{d.label}</b><br>{d.summary('<br>')}"


def stage_figure(d: StageData, height: int = 640) -> go.Figure:
    """One setting's stages as a three-panel figure (what the live explorer shows)."""
    fig = _frame(height)
    for trace, row in zip(_traces(d), _ROWS, strict=True):
        fig.add_trace(trace, row=row, col=1)
    fig.update_layout(title=dict(text=_title(d), x=0, xanchor="left", font_size=13),
                      margin=dict(t=110))
    return fig


def refresh_stage_figure(fig: go.Figure, d: StageData) -> go.Figure:
    """Point a ``stage_figure`` at another setting in place: the live explorer's update.

    Building a new three-panel figure costs tens of milliseconds (``make_subplots``);
    swapping the numbers of its four traces costs well under one.
    """
    fresh = _traces(d)
    with fig.batch_update():
        for trace, new in zip(fig.data, fresh, strict=True):
            trace.y = new.y
            trace.customdata = new.customdata
            trace.marker.color = new.marker.color
        fig.layout.title.text = _title(d)
    return fig


def static_explorer_figure(sizes: tuple[int, ...] = SIZES,
                           choices: tuple[Variant, ...] | None = None,
                           default: dict[str, Any] | None = None,
                           height: int = 760) -> go.Figure:
    """ONE figure with a network dropdown and an input-size slider, for a page with no kernel.

    Every (variant, size) pair the two controls can reach is precomputed with ``stage_data``.
    Traces ``4*v .. 4*v+3`` belong to ``choices[v]`` (map side, activation MB, parameter MB,
    MACs) and annotation ``3 + v`` is its summary line (after the three subplot titles). The
    dropdown shows one variant's traces and summary; each slider step sets y (and customdata,
    colours, summaries) for every variant at once, so the two controls stay independent.
    """
    choices = variants() if choices is None else tuple(choices)
    default = {**DEFAULT, **(default or {})}
    sizes = tuple(sizes)
    if default["input_size"] not in sizes:
        raise ValueError(f"the default input size {default['input_size']} is not in sizes")
    start = Variant(default["arch"], default["stem"], default["stride_in"])
    if start not in choices:
        raise ValueError(f"the default {start} is not among the choices")
    v0, s0 = choices.index(start), sizes.index(default["input_size"])
    table = {(v, s): stage_data(c.arch, s, c.stem, c.stride_in)
             for v, c in enumerate(choices) for s in sizes}

    fig = _frame(height)
    for v in range(len(choices)):
        for trace, row in zip(_traces(table[v, sizes[s0]], visible=v == v0), _ROWS, strict=True):
            fig.add_trace(trace, row=row, col=1)
    first_note = len(fig.layout.annotations)  # the subplot titles come first
    for v in range(len(choices)):
        fig.add_annotation(text=table[v, sizes[s0]].summary("<br>"), visible=v == v0, xref="paper",
                           yref="paper", x=0, y=1.075, xanchor="left", yanchor="bottom",
                           showarrow=False, align="left", font=dict(size=13))

    # Slider: size s -> y, customdata and colours of the size-dependent traces of EVERY
    # variant (map side, activations, MACs; parameters do not depend on the size).
    restyled = [_PER * v + i for v in range(len(choices)) for i in (0, 1, 3)]
    steps = []
    for s in sizes:
        ys, custom, colors = [], [], []
        for v in range(len(choices)):
            d = table[v, s]
            ys += [list(d.heights), [_mb(x) for x in d.act_mb], list(d.macs)]
            custom += [list(d.channels), list(d.elements), None]
            colors += [_map_colors(d), _COLOR_ACT, _COLOR_MACS]
        notes = {f"annotations[{first_note + v}].text": table[v, s].summary("<br>")
                 for v in range(len(choices))}
        steps.append(dict(method="update", label=str(s), value=str(s),
                          args=[{"y": ys, "customdata": custom, "marker.color": colors},
                                notes, restyled]))
    # Dropdown: variant v -> only its four traces and its summary line are visible.
    buttons = []
    for v, c in enumerate(choices):
        visible = [_PER * v <= k < _PER * (v + 1) for k in range(len(fig.data))]
        notes = {f"annotations[{first_note + w}].visible": w == v for w in range(len(choices))}
        buttons.append(dict(method="update", label=c.label, args=[{"visible": visible}, notes]))
    fig.update_layout(
        title=dict(text="Feature maps per stage: pick a network, slide the input size",
                   x=0, xanchor="left", y=0.995, yanchor="top"),
        updatemenus=[dict(type="dropdown", active=v0, buttons=buttons, x=0, xanchor="left",
                          y=1.175, yanchor="bottom", showactive=True, font=dict(size=12))],
        sliders=[dict(active=s0, steps=steps, x=0, len=1, y=0, yanchor="top", pad=dict(t=70),
                      currentvalue=dict(prefix="input size (pixels): ", font=dict(size=13)),
                      font=dict(size=11))],
        margin=dict(t=150, b=120),
    )
    return fig
