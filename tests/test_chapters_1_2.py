"""Chapters 1-2 (the whole picture, the stem): their figures, and the numbers they print.

Expected values come from the paper (He et al. 2016, Table 1 and Table 2), torchvision's
published metadata, or arithmetic written out here; never from the output of the code under
test. The figures are checked against ``stage_table`` (their data must be the library's).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from torchvision_ref import GMACS_3, PARAMS

import resnet_lib as R
from resnet_lib import figures, paper, style

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = ["01_whole_picture.ipynb", "02_stem.ipynb"]

# Paper Table 1, 224x224 input: output side and channels of each stage (BasicBlock nets).
PAPER_SIDE = {"conv1": 112, "maxpool": 56, "layer1": 56, "layer2": 28, "layer3": 14,
              "layer4": 7, "avgpool": 1}
PAPER_CHANNELS = {"conv1": 64, "maxpool": 64, "layer1": 64, "layer2": 128, "layer3": 256,
                  "layer4": 512, "avgpool": 512}
RESNET34_BLOCKS = {"layer1": 3, "layer2": 4, "layer3": 6, "layer4": 3}
# torchvision IMAGENET1K_V1 metadata for resnet34: parameters and GFLOPS (= GMACs).
TV_RESNET34_PARAMS, TV_RESNET34_GMACS = PARAMS["resnet34"], GMACS_3["resnet34"]
BOXES = ["input", "conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]


def rows_by_name(*args, **kwargs):
    return R.stage_table(*args, **kwargs)


# --- resnet_diagram_figure ---------------------------------------------------------------


def diagram_labels(fig) -> dict[str, str]:
    (trace,) = [t for t in fig.data if t.mode == "text"]
    return dict(zip(trace.customdata, trace.text, strict=True))


def test_diagram_has_one_box_per_stage_in_order():
    fig = figures.resnet_diagram_figure("resnet34", 224)
    (trace,) = fig.data
    assert list(trace.customdata) == BOXES
    boxes = [s for s in fig.layout.shapes if s.line.width]  # the bands have no outline
    assert len(boxes) == len(BOXES)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(BOXES) - 1
    # arrows point down, from the bottom of one box to the top of the next
    assert all(a.ay > a.y for a in arrows)
    # opaque boxes must sit below the labels, or they hide them; dark text on pastel fills
    # reads on the theme's light and dark backgrounds alike
    assert all(s.layer == "below" for s in fig.layout.shapes)
    assert trace.textfont.color == "#222222"
    assert all(s.fillcolor.startswith("#") for s in boxes)


def test_diagram_labels_carry_the_papers_shapes_for_resnet34():
    labels = diagram_labels(figures.resnet_diagram_figure("resnet34", 224))
    assert "3 × 224 × 224" in labels["input"]
    for name, side in PAPER_SIDE.items():
        assert f"{PAPER_CHANNELS[name]} × {side} × {side}" in labels[name], name
    for name, n in RESNET34_BLOCKS.items():
        assert f"{n} × BasicBlock" in labels[name]
    assert "1000 class scores" in labels["fc"]
    assert "7×7 conv, stride 2" in labels["conv1"]
    assert "3×3 max pool, stride 2" in labels["maxpool"]


@pytest.mark.parametrize("arch, size, options", [
    ("resnet34", 224, {}), ("resnet50", 224, {}), ("resnet18", 32, {"stem": "cifar"}),
    ("resnet101", (224, 320), {}), ("resnet152", 193, {"width": 32, "num_classes": 10}),
])
def test_diagram_labels_and_hover_equal_stage_table(arch, size, options):
    fig = figures.resnet_diagram_figure(arch, size, **options)
    labels = diagram_labels(fig)
    (trace,) = fig.data
    hovers = dict(zip(trace.customdata, trace.hovertext, strict=True))
    for row in R.stage_table(arch, size, **options):
        expected = (f"{row.channels} class scores" if row.name == "fc"
                    else f"{row.channels} × {row.height} × {row.width}")
        assert expected in labels[row.name]
        assert style.shape_label(row) == f"{row.channels} × {row.height} × {row.width}"
        assert f"params: {row.params:,}" in hovers[row.name]
        assert f"multiply-adds: {row.macs:,}" in hovers[row.name]
        assert f"receptive field: {row.receptive_field} px" in hovers[row.name]


def test_diagram_follows_the_model_options():
    labels = diagram_labels(figures.resnet_diagram_figure("resnet50", 224))
    assert "2048 × 7 × 7" in labels["layer4"] and "3 × Bottleneck" in labels["layer4"]
    labels = diagram_labels(figures.resnet_diagram_figure("resnet34", 32, stem="cifar"))
    assert "3×3 conv, stride 1" in labels["conv1"]
    assert "no max pool" in labels["maxpool"]
    assert "512 × 4 × 4" in labels["layer4"]  # 32 / 8
    labels = diagram_labels(figures.resnet_diagram_figure("resnet34", (224, 320)))
    assert "3 × 224 × 320" in labels["input"] and "512 × 7 × 10" in labels["layer4"]


def test_diagram_title_names_the_network():
    fig = figures.resnet_diagram_figure("resnet34", 224)
    assert fig.layout.title.text.startswith("ResNet-34 at 224 × 224")
    assert figures.resnet_diagram_figure("resnet152").layout.title.text.startswith("ResNet-152")


def test_diagram_rejects_bad_arguments():
    with pytest.raises(ValueError):
        figures.resnet_diagram_figure("resnet35")
    with pytest.raises(ValueError):
        figures.resnet_diagram_figure("resnet34", 224, stem="tiny")


# --- stem_sides_figure -----------------------------------------------------------------------


def test_stem_sides_traces_equal_stage_table():
    fig = figures.stem_sides_figure("resnet34", input_sizes=(224, 32))
    assert len(fig.data) == 4
    assert fig.layout.yaxis.type == "log"
    for trace in fig.data:
        size = int(re.search(r"(\d+)×\1$", trace.name).group(1))
        stem = "imagenet" if trace.name.startswith("ImageNet") else "cifar"
        rows = rows_by_name("resnet34", size, stem=stem)
        assert list(trace.x) == list(figures.SIDE_POINTS)
        assert list(trace.y) == [size] + [rows[p].height for p in figures.SIDE_POINTS[1:]]
        last = rows["layer4"].height
        assert trace.text[-1] == f"{last}×{last}" and not any(trace.text[:-1])


def test_stem_sides_matches_the_paper_and_the_chapters_claims():
    fig = figures.stem_sides_figure("resnet34", input_sizes=(224, 32))
    sides = {t.name: list(t.y) for t in fig.data}
    # Table 1 of the paper: 224 -> 112 -> 56 -> 56 -> 28 -> 14 -> 7.
    assert sides["ImageNet stem, 224×224"] == [224, 112, 56, 56, 28, 14, 7]
    # A 32x32 image: the ImageNet stem divides by 4 and the stages by 8 more -> 1x1 ...
    assert sides["ImageNet stem, 32×32"] == [32, 16, 8, 8, 4, 2, 1]
    # ... the CIFAR stem keeps 32 and the stages divide by 8 -> 4x4; at 224 it leaves 28x28.
    assert sides["CIFAR stem, 32×32"] == [32, 32, 32, 32, 16, 8, 4]
    assert sides["CIFAR stem, 224×224"][-1] == 224 // 8 == 28


# --- the numbers the chapters print ----------------------------------------------------------


def test_stem_is_the_same_in_every_imagenet_resnet():
    rows = [rows_by_name(arch, 224) for arch in R.ARCHS]
    for name in ("conv1", "maxpool"):
        assert len({rs[name] for rs in rows}) == 1


def test_max_pool_pads_with_minus_infinity():
    """Chapters 2 and 6: the max pool's padding never wins the max (it is not zeros)."""
    pool = R.resnet34().maxpool
    assert pool.padding == 1
    x = -1.0 - torch.rand(1, 1, 6, 6)  # all negative: zero padding would put 0 on the edges
    assert torch.equal(pool(x)[0, 0, 0, 0], x[0, 0, :2, :2].max())
    assert (pool(x) < 0).all()


def test_stem_output_sizes_224_112_56_and_225():
    assert R.conv_out(224, 7, 2, 3) == (224 + 2 * 3 - 7) // 2 + 1 == 112
    assert R.conv_out(112, 3, 2, 1) == (112 + 2 * 1 - 3) // 2 + 1 == 56
    assert R.conv_out(225, 7, 2, 3) == 113 and R.conv_out(113, 3, 2, 1) == 57
    model = R.resnet34().eval()
    with torch.no_grad():
        for size, expected in ((224, 56), (225, 57)):
            x = torch.zeros(1, 3, size, size)
            x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
            assert tuple(x.shape) == (1, 64, expected, expected)


def test_stem_parameters_and_macs():
    model = R.resnet34()
    assert model.conv1.weight.numel() == 7 * 7 * 3 * 64 == 9_408  # paper: 7x7, 64, RGB input
    assert sum(p.numel() for p in model.bn1.parameters()) == 2 * 64
    conv1 = rows_by_name("resnet34", 224)["conv1"]
    assert conv1.params == 7 * 7 * 3 * 64 + 2 * 64
    assert conv1.activations == 64 * 112 * 112
    assert conv1.macs == 7 * 7 * 3 * 64 * 112 * 112
    # the stem is a small share of the network: ~0.118 / 3.664 G
    total = R.stage_table("resnet34", 224).macs
    assert round(conv1.macs / total, 3) == round(7 * 7 * 3 * 64 * 112**2 / 3.664e9, 3)
    # a big kernel is cheap only on 3 channels: 147 MACs per output vs 3*3*64 = 576 in layer1
    assert model.conv1.weight[0].numel() == 147
    assert model.layer1[0].conv1.weight[0].numel() == 3 * 3 * 64 == 576


def test_receptive_field_after_the_stem_and_layer1():
    rows = rows_by_name("resnet34", 224)
    assert rows["conv1"].receptive_field == 7 and rows["conv1"].stride == 2
    assert rows["maxpool"].receptive_field == 7 + (3 - 1) * 2 == 11
    assert rows["maxpool"].stride == 2 * 2
    assert rows["layer1"].receptive_field == 11 + 6 * (3 - 1) * 4 == 59


def resnet34_body_macs_by_hand(side: int) -> int:
    """layer1..layer4 of ResNet-34 (BasicBlock, option B) with layer1 at side x side."""
    total, c_in = 0, 64
    for i, (blocks, c) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512), strict=True)):
        for b in range(blocks):
            stride = 2 if i > 0 and b == 0 else 1
            side = (side - 1) // stride + 1  # 3x3, padding 1
            total += 9 * c_in * c * side**2 + 9 * c * c * side**2
            if stride != 1 or c_in != c:
                total += c_in * c * side**2  # 1x1 projection shortcut
            c_in = c
    return total


def test_early_downsampling_saves_4x_and_16x():
    def body_macs(side):  # as chapter 2 computes it
        rows = R.stage_table("resnet34", side, stem="cifar")
        return sum(r.macs for r in rows if r.name.startswith("layer"))

    real = sum(r.macs for r in R.stage_table("resnet34", 224) if r.name.startswith("layer"))
    assert body_macs(56) == real == resnet34_body_macs_by_hand(56)
    for side in (112, 224):
        assert body_macs(side) == resnet34_body_macs_by_hand(side)
    assert body_macs(112) == 4 * real and body_macs(224) == 16 * real


def test_cifar_stem_on_small_images():
    for size, imagenet_side, cifar_side in ((32, 32 // 32, 32 // 8), (64, 64 // 32, 64 // 8)):
        imagenet = rows_by_name("resnet34", size)
        cifar = rows_by_name("resnet34", size, stem="cifar")
        assert imagenet["layer4"].height == imagenet_side
        assert cifar["layer4"].height == cifar_side
        assert cifar["maxpool"].height == size  # no downsampling in the CIFAR stem
    assert rows_by_name("resnet34", 32)["maxpool"].height == 8
    # keeping the full resolution costs more multiply-adds
    imagenet_macs = R.stage_table("resnet34", 32).macs
    cifar_macs = R.stage_table("resnet34", 32, stem="cifar").macs
    assert cifar_macs > 10 * imagenet_macs
    small = R.resnet34(stem="cifar")
    assert small.conv1.kernel_size == (3, 3) and small.conv1.stride == (1, 1)
    assert isinstance(small.maxpool, torch.nn.Identity)
    assert R.resnet34(in_channels=1).conv1.weight.numel() == 7 * 7 * 1 * 64 == 3_136


def test_whole_picture_numbers():
    rows = R.stage_table("resnet34", 224)
    assert [r.blocks for r in rows if r.name.startswith("layer")] == [3, 4, 6, 3]
    assert sum(r.blocks for r in rows) == 16
    depth = R.weighted_layers("resnet34")
    assert depth.weighted == 1 + 2 * 16 + 1 == 34 and depth.formula.endswith("= 34")
    params, macs = rows.params, rows.macs
    assert params == TV_RESNET34_PARAMS
    assert f"{params / 1e6:.1f}" == "21.8" and f"{macs / 1e9:.2f}" == f"{TV_RESNET34_GMACS:.2f}"
    strides = {r.name: r.stride for r in rows}
    assert strides["layer4"] == 32 and [n for n, s in strides.items() if s == 8] == ["layer2"]
    layer3 = rows_by_name("resnet34", 448)["layer3"]
    assert layer3.shape == (256, 448 // 16, 448 // 16)


# --- the notebooks themselves ----------------------------------------------------------------


def load(name: str) -> dict:
    return json.loads((CHAPTERS / name).read_text(encoding="utf-8"))


def test_chapter1_quotes_the_paper_correctly():
    text = "".join("".join(c["source"]) for c in load(NOTEBOOKS[0])["cells"])
    # He et al. 2016, Table 2 top-1 errors (10-crop), as cited once in resnet_lib.paper.
    t2 = paper.TABLE2
    assert f"{t2['plain34'].top1:.2f}% vs {t2['plain18'].top1:.2f}%" in text
    assert f"{t2['resnet34'].top1:.2f}% against ResNet-18's {t2['resnet18'].top1:.2f}%" in text
    # "higher" for the plain nets, and "the order flipped" with shortcuts.
    assert t2["plain34"].top1 > t2["plain18"].top1 and t2["resnet34"].top1 < t2["resnet18"].top1
    # The ILSVRC 2015 test result is only in the paper's abstract (not a table of paper.py).
    for quoted in ("3.57% top-5 error", "ILSVRC 2015 classification"):
        assert quoted in text
