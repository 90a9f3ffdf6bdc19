"""The feature-map explorer's figures (chapter "Explore the feature maps").

``stage_figure`` draws one setting (the live widget redraws it in place with
``refresh_stage_figure``); ``static_explorer_figure`` precomputes every setting its controls
can reach into ONE plotly figure that needs no kernel: the published book page. The chapter's
focused figures (two stems, where the memory sits, what grows with the input size) come
first. All numbers are ``explorer.stage_data``'s.

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
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explorer import (
    DEFAULT,
    SIZES,
    STAGES,
    StageData,
    Variant,
    label,
    stage_data,
    variants,
)
from ..i18n import text
from ..render import with_caption
from ..style import PALETTE, STEM_LABELS, style

# Colours (Okabe-Ito): a map that has collapsed to 1x1 is vermillion, others blue.
_COLOR_MAP, _COLOR_COLLAPSED = PALETTE["blue"], PALETTE["vermillion"]
_COLOR_ACT, _COLOR_PARAM, _COLOR_MACS = PALETTE["orange"], PALETTE["sky"], PALETTE["green"]


def stem_comparison_figure(arch: str = "resnet18", input_size: int = 32) -> go.Figure:
    """Map side per stage for the ImageNet stem vs the CIFAR stem on the same input.

    Bar labels give height × width (the channels, the same for both stems, are under each
    stage's name); a vermillion outline marks a map that is 1×1.
    """
    fig = go.Figure()
    ends = {}
    for stem, color in (("imagenet", PALETTE["blue"]), ("cifar", PALETTE["orange"])):
        d = stage_data(arch, input_size, stem)
        ends[stem] = f"{d.heights[-1]}×{d.widths[-1]}"
        ticks = [f"{name}<br>" + text("{n} channels", n=c)
                 for name, c in zip(STAGES, d.channels, strict=True)]
        fig.add_bar(
            x=ticks, y=list(d.heights), name=text(STEM_LABELS[stem]), marker_color=color,
            text=[f"{h}×{w}" for h, w in zip(d.heights, d.widths, strict=True)],
            textposition="outside", cliponaxis=False, customdata=list(d.shapes),
            marker_line=dict(color=[PALETTE["vermillion"] if h == 1 else color
                                    for h in d.heights], width=3),
            hovertemplate="%{customdata}<extra>" + text(STEM_LABELS[stem]) + "</extra>",
        )
    n = input_size
    style(fig, title=text("{name} on a {n}×{n} image: the two stems", name=label(arch), n=n),
          barmode="group", xaxis_title=text("stage (its output)"),
          yaxis_title=text("side of the output map (pixels)"), height=420)
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))
    return with_caption(fig, text(
        "On a {n}×{n} image the ImageNet stem leaves layer4 with a {a} map, the CIFAR stem "
        "with {b}.").format(n=n, a=ends["imagenet"], b=ends["cifar"]))


def memory_share_figure(arch: str = "resnet50", input_size: int = 224) -> go.Figure:
    """Each stage's share of the activation memory (one image) and of the parameters, in %.

    Shares, not megabytes: the two totals differ (and the activation total grows with the
    batch), but where each kind of memory sits is what the figure is about.
    """
    d = stage_data(arch, input_size)
    act, par = sum(d.elements), sum(d.params)
    fig = go.Figure()
    fig.add_bar(x=list(STAGES), y=[100 * n / act for n in d.elements], customdata=d.act_mb,
                name=text("activations (stage outputs, one image)"),
                marker_color=PALETTE["orange"],
                hovertemplate="%{x}: %{y:.1f}% (%{customdata:.3g} MB)<extra></extra>")
    fig.add_bar(x=list(STAGES), y=[100 * p / par for p in d.params], customdata=d.param_mb,
                name=text("parameters (conv1..layer4)"), marker_color=PALETTE["sky"],
                hovertemplate="%{x}: %{y:.1f}% (%{customdata:.3g} MB)<extra></extra>")
    n = input_size
    style(fig, title=text("{name}, {n}×{n}: where the memory sits", name=label(arch), n=n),
          barmode="group", xaxis_title=text("stage"),
          yaxis_title=text("share of the total (%)"),
          height=420)
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))
    a = max(range(len(STAGES)), key=lambda i: d.elements[i])
    p = max(range(len(STAGES)), key=lambda i: d.params[i])
    return with_caption(fig, text(
        "The largest share of the activation memory is in {a} ({ap:.0f}%), the largest "
        "share of the parameters in {p} ({pp:.0f}%).").format(
            a=STAGES[a], ap=100 * d.elements[a] / act, p=STAGES[p], pp=100 * d.params[p] / par))


def cost_scaling_figure(arch: str = "resnet50", sizes: Any = None,
                        reference: int = 224) -> go.Figure:
    """MACs, activation memory and parameters vs input size, relative to ``reference``.

    The x axis is the number of input pixels relative to ``reference``² ((size/reference)²),
    so anything proportional to H × W lies on the dotted diagonal.
    """
    sizes = sorted(set(SIZES if sizes is None else sizes) | {reference})
    base = stage_data(arch, reference)
    x = [(s / reference) ** 2 for s in sizes]
    data = [stage_data(arch, s) for s in sizes]
    series = {
        text("MACs"): ([d.total_macs / base.total_macs for d in data], PALETTE["green"],
                       "solid", "circle"),
        text("activation memory"): ([sum(d.elements) / sum(base.elements) for d in data],
                                    PALETTE["orange"], "dash", "diamond"),
        text("parameters"): ([d.total_params / base.total_params for d in data],
                             PALETTE["sky"], "solid", "square"),
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
    style(fig, title=text("{name}: what grows with the input size", name=label(arch)),
          xaxis_title=text("input pixels relative to {n}×{n}", n=reference),
          yaxis_title=text("relative to {n}×{n}", n=reference), height=440)
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"))
    last = len(sizes) - 1
    return with_caption(fig, text(
        "At {s}×{s} ({x:.2f}× the pixels of {r}×{r}) the multiply-adds grow ×{m:.2f} and the "
        "activation memory ×{a:.2f}, while the parameters stay ×{p:.2f}.").format(
            s=sizes[last], x=x[last], r=reference, m=series[text("MACs")][0][last],
            a=series[text("activation memory")][0][last], p=series[text("parameters")][0][last]))


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
               marker_color=_map_colors(d), name=text("map side"), showlegend=False,
               hovertemplate=text("%{x} output: %{customdata} channels × %{y} × %{y} pixels"
                                  "<extra></extra>")),
        go.Bar(**common, y=[_mb(v) for v in d.act_mb], customdata=list(d.elements),
               textposition="none", marker_color=_COLOR_ACT,
               name=text("activations (one image)"),
               legendgroup="act", showlegend=legend,
               hovertemplate=text("%{x} output: %{customdata:,} elements = %{y:.3g} MB"
                                  "<extra>activations</extra>")),
        go.Bar(**common, y=[_mb(v) for v in d.param_mb], customdata=list(d.params),
               textposition="none", marker_color=_COLOR_PARAM, name=text("parameters"),
               legendgroup="param", showlegend=legend,
               hovertemplate=text("%{x}: %{customdata:,} parameters = %{y:.3g} MB"
                                  "<extra>parameters</extra>")),
        go.Bar(**common, y=list(d.macs), texttemplate="%{y:.3~s}", textposition="outside",
               marker_color=_COLOR_MACS, name=text("MACs"), showlegend=False,
               hovertemplate=text("%{x}: %{y:,} MACs<extra></extra>")),
    ]


_ROWS = (1, 2, 2, 3)  # trace index within a setting -> subplot row
_PER = len(_ROWS)  # traces per setting


def _frame(height: int) -> go.Figure:
    fig = make_subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
        subplot_titles=(text("Output map: side in pixels (label: channels × height × width)"),
                        text("Memory at fp32: each stage's output for one image vs its "
                             "parameters"),
                        text("Multiply-adds (MACs) per stage, one image")),
    )
    style(fig, height=height, barmode="group", bargap=0.25)
    fig.update_layout(legend=dict(orientation="h", x=1, xanchor="right", y=0.665,
                                  yanchor="bottom"))
    fig.update_yaxes(title_text=text("pixels"), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=text("MB (log scale)"), type="log", row=2, col=1)
    fig.update_yaxes(title_text=text("MACs"), tickformat="~s", rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text=text("stage (its output)"), row=3, col=1)
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
        title=dict(text=text("Feature maps per stage: pick a network, slide the input size"),
                   x=0, xanchor="left", y=0.995, yanchor="top"),
        updatemenus=[dict(type="dropdown", name=text("Network"), active=v0, buttons=buttons, x=0,
                          xanchor="left",
                          y=1.175, yanchor="bottom", showactive=True, font=dict(size=12))],
        sliders=[dict(name=text("Input size (pixels)"), active=s0, steps=steps, x=0, len=1, y=0,
                      yanchor="top", pad=dict(t=70),
                      currentvalue=dict(prefix=text("input size (pixels): "), font=dict(size=13)),
                      font=dict(size=11))],
        margin=dict(t=150, b=120),
    )
    d = table[v0, sizes[s0]]
    return with_caption(fig, text(
        "Move the slider and watch layer4's map: at {s}×{s} it is {h}×{w}, {r:g} times smaller "
        "a side than the input; the menu switches the network.").format(
            s=sizes[s0], h=d.heights[-1], w=d.widths[-1], r=sizes[s0] / d.heights[-1]))

