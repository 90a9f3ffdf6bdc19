"""The structure diagram, the accuracy/cost and family figures, the LR schedules, the names.

Expected values come from torchvision (the fixtures written by tests/make_fixtures.py), from
the paper (Table 1's block counts, its text's names) and from independent arithmetic (the
closed forms of the learning-rate schedules); none is read from the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from resnet_lib import paper
from resnet_lib.figures.family import (
    FAMILY,
    RESNETS,
    accuracy_cost_figure,
    accuracy_points,
    family_costs_figure,
    model_cost,
)
from resnet_lib.figures.structure import LINKS, structure_figure, structure_layers
from resnet_lib.figures.training import lr_schedule, lr_schedules_figure
from resnet_lib.names import keras_name, paper_name

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
MODELS = json.loads((FIXTURES / "torchvision_models.json").read_text())["models"]
WEIGHTS = json.loads((FIXTURES / "torchvision_weights.json").read_text())["weights"]
DEPTH = {"resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101, "resnet152": 152}


def main_path_convs(key: str) -> list[str]:
    """torchvision's conv modules in state_dict order, without the shortcut projections."""
    return [name.removesuffix(".weight") for name, shape in MODELS[key]["state_dict"]
            if len(shape) == 4 and "downsample" not in name]


# --- the structure diagram ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(DEPTH))
def test_structure_counts_the_papers_layers_and_table1s_blocks(name):
    s = structure_layers(name)
    assert s.weighted == DEPTH[name]
    _, repeats = zip(*paper.TABLE1[name].stages, strict=True)
    assert len(s.blocks) == sum(repeats)
    # Conv2d modules: main path (weighted - fc) + one projection per dashed shortcut.
    projections = sum(b.shortcut == "projection" for b in s.blocks)
    assert s.weighted - 1 + projections == MODELS[name]["conv2d_count"]


@pytest.mark.parametrize("name", list(DEPTH) + ["resnext50_32x4d", "wide_resnet101_2"])
def test_structure_boxes_are_torchvisions_convs_in_order_with_their_shapes(name):
    s = structure_layers(name)
    convs = [la for la in s.layers if la.kind == "conv"]
    assert [la.name for la in convs] == main_path_convs(name)
    shapes = MODELS[name]["output_shapes"]["224x224"]
    for la in s.layers:
        assert list(la.shape) == shapes[la.name][1:], la.name
    for stage in ("layer1", "layer2", "layer3", "layer4"):
        assert list(s.stage_shapes[stage]) == shapes[stage][1:]
    for b in s.blocks:
        assert list(b.shape) == shapes[b.name][1:]
        has_projection = any(n.startswith(f"{b.name}.downsample.0.")
                             for n, _ in MODELS[name]["state_dict"])
        assert (b.shortcut == "projection") == has_projection, b.name


def test_structure_box_labels_follow_the_papers_notation():
    s = structure_layers("resnet34")
    texts = [la.text for la in s.layers]
    assert texts[:3] == ["7×7 conv, 64, /2", "3×3 max pool, /2", "3×3 conv, 64"]
    assert texts[-2:] == ["avg pool", "fc 1000"]
    assert [la.number for la in s.layers if la.text == "3×3 conv, 128, /2"] == [8]
    # ResNeXt's grouped 3x3: torchvision's weight is (128, 128 / groups, 3, 3).
    conv2 = next(la for la in structure_layers("resnext50_32x4d").layers
                 if la.name == "layer1.0.conv2")
    shape = dict(MODELS["resnext50_32x4d"]["state_dict"])["layer1.0.conv2.weight"]
    assert conv2.groups == 128 // shape[1] == 32 and conv2.text == "3×3 conv, 128, 32 groups"


def test_structure_follows_the_options():
    a = structure_layers("resnet34", shortcut="A")
    assert {b.shortcut for b in a.blocks} == {"identity", "zero-pad"}
    c = structure_layers("resnet34", shortcut="C")
    assert {b.shortcut for b in c.blocks} == {"projection"}
    small = structure_layers("resnet18", 32)
    assert small.stage_shapes["layer4"] == (512, 1, 1)


def toc_pages() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {ch["file"] for part in toc["parts"] for ch in part["chapters"]}


def test_structure_links_point_at_chapters_of_the_book():
    pages = toc_pages()
    for target in LINKS.values():
        assert f"chapters/{target.removesuffix('.html')}" in pages, target
    fig = structure_figure("resnet34", menu=())
    texts = [a.text for a in fig.layout.annotations]
    for key, href in LINKS.items():
        assert any(f'href="{href}"' in t for t in texts), key
    blocks = [t for t in texts if f'href="{LINKS["block"]}"' in t]
    assert len(blocks) == 16


def test_structure_figure_menu_switches_every_trace_box_and_the_height():
    fig = structure_figure("resnet50")
    menu = fig.layout.updatemenus[0]
    assert menu.name == "Network"  # the page's native <select> takes its label from it
    assert [b.label for b in menu.buttons] == ["ResNet-50", "ResNet-18", "ResNet-34",
                                               "ResNet-101", "ResNet-152"]
    heights = {}
    for b in menu.buttons:
        visible, layout = b.args
        shown = [t for t, v in zip(fig.data, visible["visible"], strict=True) if v]
        depth = int(b.label.split("-")[1])
        labels = [a["text"] for a in layout["annotations"] if a.get("name") == "layer"]
        numbered = [t for t in labels if t.split()[0].isdigit()]
        assert len(numbered) == depth, b.label
        assert len(layout["shapes"]) == len(labels)  # one box per label
        # dark labels on every box, whatever the page's theme does to the rest
        assert {a["font"]["color"] for a in layout["annotations"]
                if a.get("name") == "layer"} == {"#222222"}
        heights[depth] = layout["height"]
        assert sum(t.name.startswith("projection") for t in shown) == 1
    assert heights[18] < heights[34] < heights[101] < heights[152]
    assert fig.layout.height == heights[50] and len(fig.layout.shapes) == 50 + 2  # + 2 pools


def test_structure_figure_rejects_bad_arguments():
    with pytest.raises(ValueError, match="links"):
        structure_figure(links={"stem": "a.html"})
    with pytest.raises(TypeError, match="menu"):
        structure_figure(menu="resnet18")
    with pytest.raises(ValueError):
        structure_layers("resnet51")
    with pytest.raises(ValueError):
        structure_layers("resnet18", 0)


# --- accuracy against cost, and the family -----------------------------------------------


@pytest.mark.parametrize("name", FAMILY)
def test_model_cost_is_torchvisions_params_and_flop_counter(name):
    c = model_cost(name)
    assert c.params == MODELS[name]["params"]
    assert c.macs == MODELS[name]["macs_224"]


def test_accuracy_points_are_the_published_ones():
    pts = accuracy_points()
    v1 = {n: (a1, a5) for n, a1, a5 in pts["torchvision V1 weights"]}
    assert v1 == {n: (WEIGHTS[n]["IMAGENET1K_V1"]["acc1"], WEIGHTS[n]["IMAGENET1K_V1"]["acc5"])
                  for n in RESNETS}
    v2 = {n for n, _, _ in pts["torchvision V2 weights"]}
    assert v2 == {n for n in RESNETS if "IMAGENET1K_V2" in WEIGHTS[n]}
    t3 = {n: a1 for n, a1, _ in pts["paper, Table 3 (10-crop)"]}
    assert t3["resnet34"] == pytest.approx(100 - 24.52) and "resnet18" not in t3
    t4 = {n: a5 for n, _, a5 in pts["paper, Table 4 (single model)"]}
    assert t4["resnet152"] == pytest.approx(100 - 4.49)


def test_accuracy_cost_figure_places_each_series_at_its_own_cost():
    ms = {n: float(i + 1) for i, n in enumerate(RESNETS)}
    fig = accuracy_cost_figure(latency_ms=ms)
    by_name = {t.name: t for t in fig.data}
    tv = by_name["torchvision V1 weights"]
    assert list(tv.x) == pytest.approx([MODELS[n]["macs_224"] / 1e9 for n in RESNETS])
    paper_t3 = by_name["paper, Table 3 (10-crop)"]  # the paper's Bottleneck: stride on the 1x1
    expect = [MODELS[n]["macs_224"] if n == "resnet34" else MODELS[f"{n}_v1"]["macs_224"]
              for n in ("resnet34", "resnet50", "resnet101", "resnet152")]
    assert list(paper_t3.x) == pytest.approx([m / 1e9 for m in expect])
    assert fig.layout.updatemenus[0].name
    buttons = {b.label: b.args for b in fig.layout.updatemenus[0].buttons}
    assert set(buttons) == {"multiply-adds", "parameters", "latency"}
    params = buttons["parameters"][0]["x"][0]
    assert params == pytest.approx([MODELS[n]["params"] / 1e6 for n in RESNETS])
    assert buttons["latency"][0]["x"][0] == [ms[n] for n in RESNETS]
    assert "ms" in buttons["latency"][1]["xaxis.title.text"]
    assert len(accuracy_cost_figure().layout.updatemenus[0].buttons) == 2


def test_accuracy_cost_figure_needs_a_latency_for_every_model():
    with pytest.raises(ValueError, match="resnet152"):
        accuracy_cost_figure(latency_ms={"resnet18": 1.0})
    with pytest.raises(TypeError, match="names"):
        accuracy_cost_figure(names="resnet18")


def test_family_costs_figure_bars_are_torchvisions_numbers():
    fig = family_costs_figure()
    params, macs = fig.data[0], fig.data[1]
    assert len(params.y) == 10 and params.y[5] == "ResNeXt-50 (32×4d)"
    assert list(params.x) == pytest.approx([MODELS[n]["params"] / 1e6 for n in FAMILY])
    assert list(macs.x) == pytest.approx([MODELS[n]["macs_224"] / 1e9 for n in FAMILY])
    assert len(fig.data) == 2 and "ResNeXt" in fig.layout.title.text
    colours = dict(zip(params.y, params.marker.color, strict=True))
    assert colours["ResNet-50"] != colours["ResNeXt-50 (32×4d)"] != colours["Wide ResNet-50-2"]
    assert fig.layout.xaxis.title.text and fig.layout.xaxis2.title.text
    with pytest.raises(ValueError):
        family_costs_figure(names=[])


# --- learning-rate schedules ---------------------------------------------------------------


def test_v1_schedule_steps_down_tenfold_every_30_epochs():
    lrs = lr_schedule(paper.TORCHVISION_V1_RECIPE)
    assert len(lrs) == 90
    for epoch, lr in enumerate(lrs):
        assert lr == pytest.approx(0.1 * 0.1 ** (epoch // 30)), epoch


def test_v2_schedule_is_linear_warmup_then_cosine_to_zero():
    lrs = lr_schedule(paper.TORCHVISION_V2_RECIPE)
    assert len(lrs) == 600
    for e in range(5):  # LinearLR from 0.01 x lr to lr over 5 epochs
        assert lrs[e] == pytest.approx(0.5 * (0.01 + 0.99 * e / 5))
    for e in range(5, 600):  # cosine from 0.5 to 0 over the remaining 595 epochs
        assert lrs[e] == pytest.approx(0.25 * (1 + math.cos(math.pi * (e - 5) / 595)), abs=1e-9)


def test_lr_schedule_rejects_unknown_recipes_and_the_figure_has_both():
    with pytest.raises(ValueError, match="lr_schedule"):
        lr_schedule({"lr": 0.1, "epochs": 3, "lr_schedule": "cyclic"})
    with pytest.raises(TypeError, match="recipe"):
        lr_schedule([0.1])
    fig = lr_schedules_figure()
    assert [len(t.x) for t in fig.data] == [90, 600]
    assert fig.layout.yaxis.type == "log" and "epoch" in fig.layout.xaxis.title.text


# --- names -----------------------------------------------------------------------------------


def test_keras_names_are_the_ones_keras_builds():
    # keras/src/applications/resnet.py: stacks "conv2".."conv5", blocks "_block1".., layers
    # name + "_1_conv", "_0_conv" (shortcut), "conv1_conv", "pool1_pool", "avg_pool",
    # "predictions".
    assert keras_name("conv1") == "conv1_conv"
    assert keras_name("maxpool") == "pool1_pool"
    assert keras_name("layer1.0.conv1") == "conv2_block1_1_conv"
    assert keras_name("layer2.0.downsample.0") == "conv3_block1_0_conv"
    assert keras_name("layer3.5.bn3") == "conv4_block6_3_bn"
    assert keras_name("layer4") == "conv5"
    assert (keras_name("avgpool"), keras_name("fc")) == ("avg_pool", "predictions")


def test_paper_names_are_the_papers():
    # "Downsampling is performed by conv3_1, conv4_1, and conv5_1 with a stride of 2":
    # the strided blocks are torchvision's layer2.0, layer3.0 and layer4.0.
    strided = [b.name for b in structure_layers("resnet34").blocks if b.shortcut != "identity"]
    assert [paper_name(b) for b in strided] == ["conv3_1", "conv4_1", "conv5_1"]
    assert [paper_name(f"layer{i}") for i in (1, 2, 3, 4)] == list(paper.TABLE1_STAGES[1:5])
    assert paper_name("conv1") == "conv1" and paper_name("fc") == "fc"


def test_names_reject_what_is_not_a_module_name():
    for bad in ("layer5.0", "layer1.0.conv4", "head"):
        with pytest.raises(ValueError):
            keras_name(bad)
    with pytest.raises(TypeError):
        paper_name(3)
