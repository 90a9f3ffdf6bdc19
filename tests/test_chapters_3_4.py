"""Chapters 3 ("The four stages") and 4 ("BasicBlock vs Bottleneck"): figures and key numbers.

Reference values come from the paper (He et al. 2016, Table 1 and Fig. 5), from torchvision's
published metadata (both via ``shared/reference/FACTS.md``) or from arithmetic written out
here; none is copied from the output of the code under test. The chapters themselves are
executed by the book build (``test_book.py``), not here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision_ref import GMACS_3, PARAMS

from resnet_lib import (
    ARCHS,
    RESNETS,
    BasicBlock,
    Bottleneck,
    build,
    conv_out,
    count_params,
    resnet34,
    resnet50,
    stage_table,
    trace_shapes,
    weighted_layers,
)
from resnet_lib.figures import (
    WEIGHTED_STAGES,
    block_counts_figure,
    block_diagram_figure,
    stage_costs_figure,
    stride_placement_figure,
)

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = {"03_stages": "The four stages [3, 4, 6, 3]", "04_blocks": "BasicBlock vs Bottleneck"}
STAGES = ("layer1", "layer2", "layer3", "layer4")

# He et al. 2016, Table 1: blocks per stage, and conv2_x..conv5_x output (channels, side).
PAPER_LAYERS = {
    "resnet18": ("BasicBlock", (2, 2, 2, 2)),
    "resnet34": ("BasicBlock", (3, 4, 6, 3)),
    "resnet50": ("Bottleneck", (3, 4, 6, 3)),
    "resnet101": ("Bottleneck", (3, 4, 23, 3)),
    "resnet152": ("Bottleneck", (3, 8, 36, 3)),
}
PAPER_BASIC_SHAPES = [(64, 56), (128, 28), (256, 14), (512, 7)]
PAPER_DEPTH = {"resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101, "resnet152": 152}
# Paper Table 1 "FLOPs" (multiply-adds, x10^9) and FACTS.md's multiply-add counts.
PAPER_GFLOPS = {"resnet50": 3.8, "resnet101": 7.6, "resnet152": 11.3}
V1_GMACS = {n: GMACS_3[f"{n}_v1"] for n in ("resnet50", "resnet101", "resnet152")}
TORCHVISION_GMACS = {n: GMACS_3[n] for n in RESNETS}
TORCHVISION_PARAMS = {n: PARAMS[n] for n in RESNETS}


def conv_weights(module: nn.Module) -> int:
    return sum(m.weight.numel() for m in module.modules() if isinstance(m, nn.Conv2d))


def rows_of(arch: str, size: int = 224, **options) -> dict:
    return stage_table(arch, size, **options)


# --- chapter 3: the numbers it prints --------------------------------------------------------


def test_resnet34_stages_have_the_papers_widths_and_sizes():
    rows = rows_of("resnet34")
    assert [(rows[s].channels, rows[s].height) for s in STAGES] == PAPER_BASIC_SHAPES
    assert [rows[s].height for s in STAGES] == [rows[s].width for s in STAGES]
    assert [rows[s].stride for s in STAGES] == [224 // 56, 224 // 28, 224 // 14, 224 // 7]
    assert [rows[s].blocks for s in STAGES] == list(PAPER_LAYERS["resnet34"][1])
    shapes = trace_shapes(resnet34(), 224)
    assert [shapes[s] for s in STAGES] == [(1, c, h, h) for c, h in PAPER_BASIC_SHAPES]
    assert shapes["conv1"][-1] == 112 and shapes["maxpool"][-1] == 56  # "112 -> 56"


def test_only_the_first_block_of_layer2_to_4_downsamples():
    model = resnet34()
    for i, stage in enumerate(STAGES):
        for b, block in enumerate(getattr(model, stage)):
            expected = 2 if (i > 0 and b == 0) else 1
            assert (block.conv1.stride, block.conv2.stride) == ((expected,) * 2, (1, 1))
            if expected == 2:
                assert block.downsample[0].stride == (2, 2)
                assert block.downsample[0].kernel_size == (1, 1)
            else:
                assert block.downsample is None


def test_resnet34_has_34_weighted_layers_and_36_convs():
    model = resnet34()
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    main = [n for n in convs if "downsample" not in n]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(main) + len(linears) == 1 + 2 * 16 + 1 == 34
    assert len(convs) == 36  # FACTS.md: torchvision's resnet34 has 36 Conv2d modules
    count = weighted_layers("resnet34")
    assert (count.weighted, count.conv2d, count.projections) == (34, 36, 3)
    assert count.formula == "1 + 2 x 16 + 1 = 34"


@pytest.mark.parametrize("arch", list(PAPER_DEPTH))
def test_weighted_layer_formula_of_each_depth(arch):
    per_block = 2 if PAPER_LAYERS[arch][0] == "BasicBlock" else 3
    blocks = sum(PAPER_LAYERS[arch][1])
    assert weighted_layers(arch).formula == (
        f"1 + {per_block} x {blocks} + 1 = {PAPER_DEPTH[arch]}")
    assert 1 + per_block * blocks + 1 == PAPER_DEPTH[arch]


def test_every_3x3_conv_of_resnet34_costs_the_same():
    """Halve the side, double the channels: weights x4, positions /4, MACs constant."""
    model, rows = resnet34(), rows_of("resnet34")
    per_conv = 3 * 3 * 64 * 64 * 56 * 56
    for i, stage in enumerate(STAGES):
        conv = getattr(model, stage)[-1].conv2
        assert conv.weight.numel() == 3 * 3 * 64 * 64 * 4 ** i
        assert conv.weight.numel() * rows[stage].height * rows[stage].width == per_conv


def test_weights_per_conv_grow_four_fold_and_stage_totals_with_the_blocks():
    """Chapter 3: "the weights of one convolution grow four-fold from stage to stage"."""
    model, rows = resnet34(), rows_of("resnet34")
    for i, stage in enumerate(STAGES):
        later = getattr(model, stage)[1]  # a block that does not downsample
        assert conv_weights(later) == 4 ** i * conv_weights(model.layer1[1])
        assert rows[stage].params == count_params(getattr(model, stage))
    # The stage totals do not grow four-fold: layer4 has half the blocks of layer3.
    assert rows["layer4"].params < 4 * rows["layer3"].params
    assert rows["layer2"].params > 4 * rows["layer1"].params


@pytest.mark.parametrize("arch", list(PAPER_LAYERS))
def test_where_the_parameters_and_the_compute_sit(arch):
    """Chapter 3: in ResNet-18, 34 and 50 layer4 holds most parameters and the compute is
    spread fairly evenly; in ResNet-101 and 152 the long layer3 dominates both."""
    rows = rows_of(arch)
    params = {s: rows[s].params for s in STAGES}
    macs = {s: rows[s].macs for s in STAGES}
    if arch in ("resnet101", "resnet152"):
        assert max(params, key=params.get) == max(macs, key=macs.get) == "layer3"
        assert params["layer3"] > rows.params / 2
        assert macs["layer3"] > rows.macs / 2
    else:
        assert max(params, key=params.get) == "layer4"
        assert max(macs.values()) < 2.5 * min(macs.values())  # "fairly evenly"


@pytest.mark.parametrize("arch", list(PAPER_LAYERS))
def test_every_imagenet_resnet_has_the_same_sizes_and_inner_widths(arch):
    """Chapter 3: four stages, the same sizes and inner widths 64..512; Bottleneck x4."""
    with torch.device("meta"):
        model = build(arch)
    rows = rows_of(arch)
    expansion = 1 if PAPER_LAYERS[arch][0] == "BasicBlock" else 4
    assert not hasattr(model, "layer5")
    for stage, (width, side) in zip(STAGES, PAPER_BASIC_SHAPES, strict=True):
        assert all(block.conv2.out_channels == width for block in getattr(model, stage))
        assert rows[stage].shape == (expansion * width, side, side)


def test_option_a_shortcuts_have_no_parameters():
    """Chapter 3: option A (zero-padding) needs no parameters; option B adds the projections."""
    with torch.device("meta"):
        a, b = build("resnet34", shortcut="A"), build("resnet34")
    projections = sum(count_params(m) for n, m in b.named_modules() if n.endswith("downsample"))
    assert projections > 0
    assert count_params(a) == count_params(b) - projections
    assert all(block.downsample is None or count_params(block.downsample) == 0
               for stage in STAGES for block in getattr(a, stage))


def test_the_first_conv_of_a_downsampling_block_costs_half():
    model = resnet34()
    for stage in STAGES[1:]:
        first, other = getattr(model, stage)[0].conv1, getattr(model, stage)[1].conv1
        assert first.in_channels * 2 == other.in_channels == first.out_channels
        assert 2 * first.weight.numel() == other.weight.numel()  # same output positions


def test_deeper_networks_add_their_blocks_mostly_to_layer3():
    base = PAPER_LAYERS["resnet50"][1]
    for arch in ("resnet101", "resnet152"):
        added = [n - b for n, b in zip(ARCHS[arch].layers, base, strict=True)]
        assert max(added) == added[2] > sum(added) / 2


def test_resnet34_cost_distribution_claims():
    rows = rows_of("resnet34")
    params = {s: rows[s].params for s in STAGES}
    macs = {s: rows[s].macs for s in STAGES}
    assert max(params, key=params.get) == "layer4"  # most parameters in layer4
    assert params["layer4"] > rows.params / 2
    assert max(macs, key=macs.get) == "layer3"  # the most blocks (6), the most compute
    assert max(macs.values()) < 2.5 * min(macs.values())  # "fairly evenly"
    assert rows.params == TORCHVISION_PARAMS["resnet34"]


def test_first_block_of_a_stage_has_fewer_parameters_than_the_next():
    model = resnet34()
    for stage in STAGES[1:]:
        first, second = getattr(model, stage)[0], getattr(model, stage)[1]
        assert count_params(first) < count_params(second)


# --- chapter 3: figures ----------------------------------------------------------------------


def test_stage_costs_figure_plots_stage_table():
    archs = ("resnet34", "resnet18", "resnet50", "resnet101", "resnet152")
    fig = stage_costs_figure(archs)
    assert len(fig.data) == 2 * len(archs)
    for i, arch in enumerate(archs):
        rows = rows_of(arch)
        params, macs = fig.data[2 * i], fig.data[2 * i + 1]
        assert list(params.x) == list(macs.x) == list(WEIGHTED_STAGES)
        assert list(params.y) == [rows[s].params for s in WEIGHTED_STAGES]
        assert list(macs.y) == [rows[s].macs for s in WEIGHTED_STAGES]
        assert params.xaxis == "x" and macs.xaxis == "x2"
        assert params.visible is (i == 0) and macs.visible is (i == 0)
        # The bars shown cover the whole network: the pools have no weights.
        assert sum(params.y) == TORCHVISION_PARAMS[arch]
        assert round(sum(macs.y) / 1e9, 3) == TORCHVISION_GMACS[arch]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["ResNet-34", "ResNet-18", "ResNet-50", "ResNet-101",
                                          "ResNet-152"]
    assert buttons[2].args[0]["visible"] == [j in (4, 5) for j in range(10)]
    title = fig.layout.title.text
    assert "ResNet-34" in title and f"{PARAMS['resnet34']:,}" in title


def test_stage_costs_figure_follows_input_size_and_options():
    fig = stage_costs_figure("resnet50", 160, stride_in="1x1")
    rows = rows_of("resnet50", 160, stride_in="1x1")
    assert list(fig.data[1].y) == [rows[s].macs for s in WEIGHTED_STAGES]
    assert not fig.layout.updatemenus
    assert "160×160" in fig.layout.title.text


def test_block_counts_figure_shows_table_1():
    fig = block_counts_figure()
    assert [t.name for t in fig.data] == list(STAGES)
    for s, trace in enumerate(fig.data):
        assert list(trace.x) == [PAPER_LAYERS[a][1][s] for a in PAPER_LAYERS]
    labels = list(fig.data[0].y)
    assert labels == [f"ResNet-{PAPER_DEPTH[a]} ({PAPER_LAYERS[a][0]})" for a in PAPER_LAYERS]
    notes = [a.text for a in fig.layout.annotations]
    for arch, depth in PAPER_DEPTH.items():
        assert any(n.endswith(f"= {depth} layers") for n in notes), arch


# --- chapter 4: the numbers it prints --------------------------------------------------------


def test_conv_weights_of_one_block_at_the_same_width():
    assert conv_weights(BasicBlock(64, 64)) == 2 * 3 * 3 * 64 * 64 == 73_728
    assert conv_weights(Bottleneck(256, 64)) == 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256 == 69_632
    # torchinfo's totals add BN's scale and shift per channel.
    assert count_params(BasicBlock(64, 64)) == 73_728 + 2 * (64 + 64)
    assert count_params(Bottleneck(256, 64)) == 69_632 + 2 * (64 + 64 + 256)


def test_expansion_and_resnet50_widths():
    assert (BasicBlock.expansion, Bottleneck.expansion) == (1, 4)
    rows50 = rows_of("resnet50")
    assert [rows50[s].channels for s in STAGES] == [4 * c for c, _ in PAPER_BASIC_SHAPES]
    assert resnet50().fc.in_features == 2048 and resnet34().fc.in_features == 512


def test_resnet50_is_resnet34s_block_counts_with_three_layer_blocks():
    assert ARCHS["resnet50"].layers == ARCHS["resnet34"].layers == PAPER_LAYERS["resnet34"][1]
    assert weighted_layers("resnet50").weighted == 1 + 3 * 16 + 1 == 50
    model = resnet50()
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 53  # FACTS.md: 53 Conv2d modules in torchvision's resnet50


def test_resnet50_layer1_has_a_stride_1_projection():
    model = resnet50()
    proj = model.layer1[0].downsample
    assert isinstance(proj[0], nn.Conv2d) and isinstance(proj[1], nn.BatchNorm2d)
    assert (proj[0].in_channels, proj[0].out_channels) == (64, 256)
    assert proj[0].stride == (1, 1) and proj[0].kernel_size == (1, 1)
    assert proj[0].weight.numel() == 64 * 256
    assert resnet34().layer1[0].downsample is None
    strides = [m[0].stride[0] for n, m in model.named_modules() if n.endswith("downsample")]
    assert strides == [1, 2, 2, 2]
    assert weighted_layers("resnet50").projections == 4


def test_block_macs_at_56x56():
    rows = rows_of("resnet34")
    per_block = rows["layer1"].macs // rows["layer1"].blocks
    assert per_block == 2 * 3 * 3 * 64 * 64 * 56 * 56
    assert 69_632 * 56 * 56 < per_block


def test_layer4_bottleneck_exercise():
    block = resnet50().layer4[1]
    assert block.conv3.out_channels == 2048
    assert conv_weights(block) == 2048 * 512 + 3 * 3 * 512 * 512 + 512 * 2048 == 4_456_448


def test_stride_placement_v1_vs_v15():
    v1 = build("resnet50", stride_in="1x1").layer2[0]
    v15 = build("resnet50").layer2[0]
    assert (v1.conv1.stride, v1.conv2.stride) == ((2, 2), (1, 1))
    assert (v15.conv1.stride, v15.conv2.stride) == ((1, 1), (2, 2))
    assert conv_weights(v1) == conv_weights(v15)
    assert conv_out(56, 1, 2) == 28  # the v1 1x1 reads 28*28 of 56*56 positions: one in four


@pytest.mark.parametrize("arch", list(PAPER_GFLOPS))
def test_paper_and_torchvision_gmacs(arch):
    v1 = stage_table(arch, stride_in="1x1").macs / 1e9
    v15 = stage_table(arch, stride_in="3x3").macs / 1e9
    assert round(v1, 3) == V1_GMACS[arch]
    assert round(v15, 3) == TORCHVISION_GMACS[arch]
    assert abs(v1 - PAPER_GFLOPS[arch]) < 0.06  # the chapter's "within 0.06 G"
    assert round(v15, 2) == round(TORCHVISION_GMACS[arch], 2)  # "4.09 G" for ResNet-50


def test_v15_adds_the_same_macs_to_every_bottleneck_network():
    extra = {a: stage_table(a).macs -
             stage_table(a, stride_in="1x1").macs for a in PAPER_GFLOPS}
    assert set(extra.values()) == {3 * 256 * 128 * (56 * 56 - 28 * 28)}


def test_v15_adds_the_same_macs_in_each_downsampling_stage():
    v1, v15 = rows_of("resnet50", stride_in="1x1"), rows_of("resnet50")
    extra = {s: v15[s].macs - v1[s].macs for s in WEIGHTED_STAGES}
    # The first 1x1 of layer2 (256 -> 128) now runs at 56x56 instead of 28x28, and so on.
    expected = 256 * 128 * (56 * 56 - 28 * 28)
    assert extra == {"conv1": 0, "layer1": 0, "layer2": expected, "layer3": expected,
                     "layer4": expected, "fc": 0}
    assert 512 * 256 * (28 * 28 - 14 * 14) == 1024 * 512 * (14 * 14 - 7 * 7) == expected


def test_flop_counter_counts_two_flops_per_mac():
    model = resnet50().to("meta").eval()
    with FlopCounterMode(display=False) as counter:
        model(torch.empty(1, 3, 224, 224, device="meta"))
    assert counter.get_total_flops() == 2 * stage_table("resnet50").macs


# --- chapter 4: figures ----------------------------------------------------------------------

CONV_LABEL = re.compile(r"(\d+)×(\d+) conv, (\d+)→(\d+)")


def conv_labels(fig, name="conv"):
    return [tuple(int(g) for g in CONV_LABEL.search(a.text).groups())
            for a in fig.layout.annotations if a.name == name]


def test_block_diagram_labels_match_fig_5_of_the_paper():
    fig = block_diagram_figure({"basic": BasicBlock(64, 64), "bottleneck": Bottleneck(256, 64)})
    # (kernel, kernel, in, out) per conv: two 3x3, 64; then 1x1 64, 3x3 64, 1x1 256.
    assert conv_labels(fig) == [(3, 3, 64, 64), (3, 3, 64, 64),
                                (1, 1, 256, 64), (3, 3, 64, 64), (1, 1, 64, 256)]
    shortcuts = [a.text for a in fig.layout.annotations if a.name == "shortcut"]
    assert len(shortcuts) == 2 and all(s.startswith("identity") for s in shortcuts)
    headers = [a.text for a in fig.layout.annotations if a.name == "header"]
    assert f"{2 * 3 * 3 * 64 * 64:,} conv weights" in headers[0]
    assert f"{256 * 64 + 9 * 64 * 64 + 64 * 256:,} conv weights" in headers[1]
    ins = [a.text for a in fig.layout.annotations if a.name == "input"]
    outs = [a.text for a in fig.layout.annotations if a.name == "output"]
    assert ins == ["input: 64 channels", "input: 256 channels"]
    assert [o.split(": ")[-1] for o in outs] == ["64 channels", "256 channels"]
    assert len(fig.layout.shapes) == 5 + 2  # one box per conv, one shortcut path per column


def test_block_diagram_shows_the_stride_and_the_projection():
    fig = block_diagram_figure({"v1": build("resnet50", stride_in="1x1").layer2[0],
                                "v1.5": build("resnet50").layer2[0]})
    convs = [a.text for a in fig.layout.annotations if a.name == "conv"]
    assert conv_labels(fig) == [(1, 1, 256, 128), (3, 3, 128, 128), (1, 1, 128, 512)] * 2
    assert ["stride 2" in c for c in convs] == [True, False, False, False, True, False]
    shortcuts = [a.text for a in fig.layout.annotations if a.name == "shortcut"]
    assert conv_labels(fig, "shortcut") == [(1, 1, 256, 512)] * 2
    assert all("projection" in s and "stride 2" in s for s in shortcuts)
    projection = build("resnet50").layer1[0]
    text = [a.text for a in block_diagram_figure({"p": projection}).layout.annotations
            if a.name == "shortcut"][0]
    assert "64→256" in text and "stride" not in text  # stride 1: no stride label
    zero_pad = build("resnet34", shortcut="A").layer2[0]
    text = [a.text for a in block_diagram_figure({"a": zero_pad}).layout.annotations
            if a.name == "shortcut"][0]
    assert text.startswith("zero-pad 64→128")


def test_stride_placement_figure_plots_both_stage_tables():
    fig = stride_placement_figure("resnet50")
    v1, v15 = rows_of("resnet50", stride_in="1x1"), rows_of("resnet50", stride_in="3x3")
    assert list(fig.data[0].x) == list(WEIGHTED_STAGES)
    assert list(fig.data[0].y) == [v1[s].macs for s in WEIGHTED_STAGES]
    assert list(fig.data[1].y) == [v15[s].macs for s in WEIGHTED_STAGES]
    labelled = [s for s, t in zip(WEIGHTED_STAGES, fig.data[1].text, strict=True) if t]
    assert labelled == ["layer2", "layer3", "layer4"]
    assert f"{V1_GMACS['resnet50']:.3f}" in fig.layout.title.text
    assert f"{TORCHVISION_GMACS['resnet50']:.3f}" in fig.layout.title.text


# --- the notebooks follow the chapter template -----------------------------------------------


