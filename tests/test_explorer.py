"""The feature-map explorer: its data, its static figure, its live widget, chapter 6's figures.

Reference values come from three places that are not the code under test: hand arithmetic
(the conv output formula), the paper / torchvision figures in FACTS.md, and a traced forward
pass of the real model (``trace_shapes``, on the meta device).
"""

from __future__ import annotations

import math
from functools import cache

import plotly.io as pio
import pytest
from torchvision_ref import GMACS, PARAMS

import resnet_lib as R
from resnet_lib import explorer as E
from resnet_lib import figures, widgets
from resnet_lib.explorer import STAGES

# (arch, size, stem, stride_in): odd sizes, both stems, both stride placements, collapse.
SETTINGS = [
    ("resnet18", 32, "cifar", "3x3"),
    ("resnet18", 32, "imagenet", "3x3"),
    ("resnet34", 225, "imagenet", "3x3"),
    ("resnet50", 97, "imagenet", "1x1"),
    ("resnet101", 64, "cifar", "1x1"),
    ("resnet152", 512, "imagenet", "3x3"),
]


@cache
def traced(arch: str, size: int, stem: str, stride_in: str) -> dict[str, tuple[int, ...]]:
    """(C, H, W) of every stage, from a forward pass of the real model (meta device)."""
    model = R.build(arch, stem=stem, stride_in=stride_in)
    shapes = R.trace_shapes(model, size)
    return {name: shapes[name][1:] for name in STAGES}


@cache
def table(arch: str, size: int, stem: str, stride_in: str) -> dict[str, R.StageRow]:
    return R.stage_table(arch, size, stem=stem, stride_in=stride_in)


@cache
def static_figure():
    return figures.static_explorer_figure()


def mb(elements: int) -> float:
    return elements * 4 / 1e6


# ------------------------------------------------------------------------------ stage_data


def test_stage_data_at_224_matches_hand_arithmetic_and_the_paper():
    d = E.stage_data("resnet50", 224)
    # 224 -> conv 7x7/2 p3 -> 112 -> pool 3x3/2 p1 -> 56 -> 56 -> 28 -> 14 -> 7 (Table 1).
    assert d.heights == d.widths == (112, 56, 56, 28, 14, 7)
    assert d.channels == (64, 64, 256, 512, 1024, 2048)
    assert d.elements[0] == 64 * 112 * 112 == 802_816
    assert d.act_mb[0] == pytest.approx(3.211264)
    assert d.collapse_stage is None
    assert d.total_params == PARAMS["resnet50"]  # torchvision's resnet50
    assert d.total_macs / 1e9 == pytest.approx(GMACS["resnet50"], abs=5e-4)
    v1 = E.stage_data("resnet50", 224, stride_in="1x1")
    assert v1.total_macs / 1e9 == pytest.approx(GMACS["resnet50_v1"], abs=5e-4)  # paper's 3.8
    assert v1.heights == d.heights  # stride placement changes cost, never shapes
    assert "layer4 ends at 2048×7×7" in d.summary()


@pytest.mark.parametrize("setting", SETTINGS)
def test_stage_data_matches_stage_table_and_a_traced_forward_pass(setting):
    d = E.stage_data(*setting)
    rows = table(*setting)
    shapes = traced(*setting)
    for i, name in enumerate(STAGES):
        assert (d.channels[i], d.heights[i], d.widths[i]) == rows[name].shape == shapes[name]
        assert d.elements[i] == math.prod(shapes[name])
        assert d.act_mb[i] == pytest.approx(mb(math.prod(shapes[name])))
        assert d.macs[i] == rows[name].macs and d.params[i] == rows[name].params
    assert d.total_params == rows.params
    assert d.total_macs == rows.macs


def test_collapse_to_1x1_is_found_where_the_arithmetic_puts_it():
    # 32 through the ImageNet stem: 16 -> 8 -> 8 -> 4 -> 2 -> 1: layer4 is 1x1.
    assert E.stage_data("resnet18", 32).collapse_stage == "layer4"
    assert E.stage_data("resnet18", 32, "cifar").collapse_stage is None  # layer4 is 4x4
    # 33 rounds up at every stride-2 layer: 17 -> 9 -> 9 -> 5 -> 3 -> 2.
    assert E.stage_data("resnet18", 33).heights == (17, 9, 9, 5, 3, 2)
    assert E.stage_data("resnet18", 33).collapse_stage is None
    # 2 pixels: floor((2 + 6 - 7) / 2) + 1 = 1 already after conv1.
    assert E.stage_data("resnet18", 2).collapse_stage == "conv1"


def test_parse_size_accepts_positive_whole_numbers_only():
    assert E.parse_size(" 224 ") == 224
    assert E.parse_size(7) == 7
    for bad in ("0", "-3", "abc", "", "   ", "2.5", "1e3", 0, -1, True, None):
        with pytest.raises(ValueError):
            E.parse_size(bad)


@pytest.mark.parametrize("bad", ["2_24", "+224", "２２４", "٢٢٤", "224\u0662", "0x10"])
def test_parse_size_takes_only_the_ascii_digits(bad):
    # int() accepts all of these (except 0x10): underscores, a sign, other scripts' digits.
    with pytest.raises(ValueError, match="digits 0-9"):
        E.parse_size(bad)


@pytest.mark.parametrize("size", [(224, 112), (224, 224), [97, 97], (224,)])
def test_stage_data_wants_one_square_size(size):
    with pytest.raises(ValueError, match="square") as exc:
        E.stage_data("resnet50", size)
    assert "positive int" in str(exc.value)


@pytest.mark.parametrize("size, error", [(0, ValueError), (True, TypeError), ("224", TypeError),
                                         (224.0, TypeError)])
def test_stage_data_rejects_sizes_that_are_not_positive_ints(size, error):
    with pytest.raises(error, match="input_size"):
        E.stage_data("resnet50", size)


@pytest.mark.parametrize("arch", [["resnet50"], ("resnet50",), None, 50])
def test_stage_data_names_arch_when_it_is_not_a_name(arch):
    with pytest.raises(TypeError, match="arch") as exc:
        E.stage_data(arch)
    assert "resnet152" in str(exc.value)


@pytest.mark.parametrize("call", [
    lambda: E.has_bottleneck("resnet51"), lambda: E.has_bottleneck(["resnet50"]),
    lambda: E.has_bottleneck(None), lambda: E.label("resnet51"), lambda: E.label(50),
    lambda: E.label(None), lambda: E.Variant("resnet51").label,
])
def test_arch_helpers_name_the_allowed_networks(call):
    with pytest.raises((ValueError, TypeError), match="arch") as exc:
        call()
    assert "resnet18" in str(exc.value) and "resnet152" in str(exc.value)


@pytest.mark.parametrize("kwargs, field, allowed", [
    (dict(stem="CIFAR"), "stem", "'imagenet', 'cifar'"),
    (dict(stride_in="v1"), "stride_in", "'3x3', '1x1'"),
])
def test_variant_names_the_bad_field(kwargs, field, allowed):
    with pytest.raises(ValueError, match=field) as exc:
        E.Variant("resnet50", **kwargs).label  # noqa: B018
    assert allowed in str(exc.value)


def test_variants_cover_every_arch_stem_and_bottleneck_stride():
    vs = E.variants()
    assert len(vs) == len(set(vs)) == 2 * 2 + 3 * 2 * 2  # 18/34: 2 stems; 50/101/152: x2
    assert {v.arch for v in vs} == set(R.RESNETS)  # the static page: the paper's five
    assert {(v.stem, v.stride_in) for v in vs if v.arch == "resnet152"} == {
        ("imagenet", "3x3"), ("imagenet", "1x1"), ("cifar", "3x3"), ("cifar", "1x1")}
    assert all(v.stride_in == "3x3" for v in vs if v.arch in ("resnet18", "resnet34"))


# -------------------------------------------------------------------------- static figure


def step_for(fig, size: int) -> dict:
    (slider,) = fig.layout.sliders
    (step,) = [s for s in slider.steps if s.label == str(size)]
    return step


def variant_index(fig, arch: str, stem: str, stride_in: str) -> int:
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    return labels.index(E.Variant(arch, stem, stride_in).label)


def test_static_figure_controls_reach_exactly_the_documented_grid():
    fig = static_figure()
    sizes = [int(s.label) for s in fig.layout.sliders[0].steps]
    assert sizes == sorted(set(range(32, 513, 32)) | {97, 224, 225})
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == len(E.variants())
    assert len(fig.data) == 4 * len(buttons)
    for v, button in enumerate(buttons):  # each entry shows its own four traces only
        visible = button.args[0]["visible"]
        assert [k for k, shown in enumerate(visible) if shown] == [4 * v + i for i in range(4)]
    # initial state: ResNet-50 v1.5, ImageNet stem, 224 (the paper's setting)
    assert fig.layout.sliders[0].steps[fig.layout.sliders[0].active].label == "224"
    v0 = fig.layout.updatemenus[0].active
    assert buttons[v0].label == E.Variant("resnet50", "imagenet", "3x3").label
    shown = [k for k, t in enumerate(fig.data) if t.visible]
    assert shown == [4 * v0 + i for i in range(4)]
    assert fig.data[4 * v0].y == (112, 56, 56, 28, 14, 7)


@pytest.mark.parametrize("setting", SETTINGS)
def test_static_figure_steps_carry_the_right_numbers(setting):
    arch, size, stem, stride_in = setting
    fig = static_figure()
    v = variant_index(fig, arch, stem, stride_in)
    restyle, relayout, traces = step_for(fig, size).args
    rows, shapes = table(*setting), traced(*setting)
    pos = {trace: i for i, trace in enumerate(traces)}
    side, act, macs = pos[4 * v], pos[4 * v + 1], pos[4 * v + 3]
    assert list(restyle["y"][side]) == [rows[n].height for n in STAGES]
    assert list(restyle["y"][side]) == [shapes[n][1] for n in STAGES]
    assert list(restyle["customdata"][side]) == [shapes[n][0] for n in STAGES]
    assert list(restyle["customdata"][act]) == [math.prod(shapes[n]) for n in STAGES]
    assert list(restyle["y"][act]) == pytest.approx([mb(rows[n].activations) for n in STAGES],
                                                    rel=1e-5)
    assert list(restyle["y"][macs]) == [rows[n].macs for n in STAGES]
    colors = restyle["marker.color"][side]
    assert [c == figures.explorer._COLOR_COLLAPSED for c in colors] == [
        shapes[n][1:] == (1, 1) for n in STAGES]
    # the summary line under the dropdown
    note = relayout[f"annotations[{3 + v}].text"]
    assert note == E.stage_data(*setting).summary("<br>") and f"{size}×{size}" in note
    # parameters never depend on the size, so the slider does not carry them
    assert 4 * v + 2 not in traces
    assert list(fig.data[4 * v + 2].customdata) == [rows[n].params for n in STAGES]


def test_static_figure_html_stays_light():
    html = pio.to_html(static_figure(), include_plotlyjs=False, full_html=False)
    assert len(html.encode("utf8")) < 300_000
    assert "plotly.js v" not in html  # no inlined plotly.js


def test_live_figure_and_refresh_agree():
    a = E.stage_data("resnet34", 97, "cifar")
    b = E.stage_data("resnet152", 225, "imagenet", "1x1")
    fig = figures.stage_figure(a)
    assert fig.data[0].y == a.heights and fig.data[3].y == a.macs
    figures.refresh_stage_figure(fig, b)
    assert fig.to_plotly_json() == figures.stage_figure(b).to_plotly_json()


# ---------------------------------------------------------------------------- live widget


def test_widget_recomputes_when_a_control_changes():
    w = widgets.explorer()
    assert w.figure.data[0].y == (112, 56, 56, 28, 14, 7)
    w.size.value = "97"
    rows = table("resnet50", 97, "imagenet", "3x3")
    assert list(w.figure.data[0].y) == [rows[n].height for n in STAGES]
    assert list(w.figure.data[3].y) == [rows[n].macs for n in STAGES]
    assert "97×97" in w.message.value and "97×97" in w.figure.layout.title.text
    w.stride_in.value = "1x1"
    rows = table("resnet50", 97, "imagenet", "1x1")
    assert list(w.figure.data[3].y) == [rows[n].macs for n in STAGES]
    w.stem.value = "cifar"
    shapes = traced("resnet50", 97, "cifar", "1x1")
    assert list(w.figure.data[0].y) == [shapes[n][1] for n in STAGES]
    assert list(w.figure.data[1].customdata) == [math.prod(shapes[n]) for n in STAGES]
    w.arch.value = "resnet18"
    assert w.stride_in.disabled and "BasicBlocks" in w.message.value
    shapes = traced("resnet18", 97, "cifar", "3x3")
    assert list(w.figure.data[0].customdata) == [shapes[n][0] for n in STAGES]
    assert "<table>" in w.table.value and f"{math.prod(shapes['layer4']):,}" in w.table.value


@pytest.mark.parametrize("kwargs, allowed", [
    (dict(arch="resnet51"), "'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'"),
    (dict(arch=["resnet50"]), "'resnet152'"),
    (dict(stem="CIFAR"), "'imagenet', 'cifar'"),
    (dict(stride_in="v1"), "'3x3', '1x1'"),
])
def test_widget_names_a_bad_starting_value_and_its_choices(kwargs, allowed):
    (argument,) = kwargs
    with pytest.raises(ValueError, match=f"^{argument} must be one of") as exc:
        widgets.explorer(**kwargs)
    assert allowed in str(exc.value)


def test_widget_accepts_any_positive_size_not_only_the_grid():
    w = widgets.explorer(arch="resnet18")
    w.size.value = "1000"
    assert list(w.figure.data[0].y) == [table("resnet18", 1000, "imagenet", "3x3")[n].height
                                        for n in STAGES]
    w.size.value = "1"
    assert w.data.collapse_stage == "conv1" and "1×1 from conv1" in w.message.value


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "", "2.5", "224px"])
def test_widget_shows_a_message_for_bad_input_never_a_traceback(bad):
    w = widgets.explorer()
    before = w.figure.to_plotly_json()
    w.size.value = bad  # must not raise
    assert w.data is None
    assert 'role="alert"' in w.message.value and "Cannot compute" in w.message.value
    assert "Traceback" not in w.message.value
    assert w.output.layout.display == "none"  # no stale figure beside the message
    assert w.figure.to_plotly_json() == before
    w.size.value = "64"  # and it recovers
    assert w.data is not None and 'role="status"' in w.message.value
    assert w.output.layout.display is None and w.figure.data[0].y[0] == 32


def test_widget_reports_a_layer_that_cannot_fit(monkeypatch):
    # No ResNet here refuses a size >= 1 (every window is padded), so fake the library's
    # "does not fit" error to check how the widget shows it.
    def too_small(*args, **kwargs):
        raise ValueError("a window of 7 does not fit in size 1 with padding 0")

    w = widgets.explorer()
    monkeypatch.setattr(widgets, "stage_data", too_small)
    assert w.update() is None
    assert "does not fit" in w.message.value and 'role="alert"' in w.message.value


def test_widget_controls_are_labelled():
    w = widgets.explorer()
    for control in (w.arch, w.size, w.stem, w.stride_in):
        assert control.description.strip(), control
    assert w.size.tooltip and w.arch.tooltip
    assert all(w.stem.tooltips) and all(w.stride_in.tooltips)
    assert "<caption>" in w.table.value and "scope='col'" in w.table.value


def test_widget_and_static_figure_show_the_same_numbers():
    w = widgets.explorer("resnet101", 64, "cifar", "1x1")
    fig = static_figure()
    v = variant_index(fig, "resnet101", "cifar", "1x1")
    restyle, _, traces = step_for(fig, 64).args
    for i in (0, 1, 3):
        assert list(restyle["y"][traces.index(4 * v + i)]) == list(w.figure.data[i].y)


# -------------------------------------------------------------------- chapter 6's figures


def test_stem_comparison_figure():
    fig = figures.stem_comparison_figure("resnet18", 32)
    imagenet, cifar = fig.data
    assert list(imagenet.y) == [traced("resnet18", 32, "imagenet", "3x3")[n][1] for n in STAGES]
    assert list(cifar.y) == [traced("resnet18", 32, "cifar", "3x3")[n][1] for n in STAGES]
    assert imagenet.text[-1] == "1×1" and cifar.text[-1] == "4×4"


def test_memory_share_figure_puts_activations_early_and_parameters_late():
    fig = figures.memory_share_figure("resnet50", 224)
    act, par = fig.data
    assert sum(act.y) == pytest.approx(100) and sum(par.y) == pytest.approx(100)
    rows = table("resnet50", 224, "imagenet", "3x3")
    total = sum(rows[n].activations for n in STAGES)
    assert act.y[0] == pytest.approx(100 * rows["conv1"].activations / total)
    assert max(act.y) in (act.y[0], act.y[2])  # conv1 / layer1 hold the most activations
    assert max(par.y) == par.y[-1]  # layer4 holds the most parameters


def test_cost_scaling_figure_macs_grow_with_pixels_parameters_do_not():
    fig = figures.cost_scaling_figure("resnet50", sizes=[64, 224, 448])
    _, macs, act, params = fig.data
    assert list(macs.customdata) == [64, 224, 448]
    assert list(params.y) == [1, 1, 1]
    # 64, 224 and 448 are multiples of 32, so every map scales by exactly size/224 per side:
    # conv MACs and activations scale exactly with H x W; only the fc's MACs do not.
    rows = table("resnet50", 224, "imagenet", "3x3")
    fc, total = rows["fc"].macs, rows.macs
    for y, ratio in zip(macs.y, (4 / 49, 1, 4), strict=True):
        assert y == pytest.approx((ratio * (total - fc) + fc) / total)
    assert act.y == pytest.approx([4 / 49, 1, 4])
    assert fig.layout.xaxis.title.text.endswith("224×224")
