"""Arguments of the book's figure functions (and render's helpers): what they accept, and
the clear error (naming the argument, the bad value and what is allowed) for what they don't.

Pure unit tests: no book build, a few small figures, well under a few seconds.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from torch import nn
from torchvision_ref import GMACS

from resnet_lib import figures, model, render
from resnet_lib.analysis import stage_table
from resnet_lib.blocks import BasicBlock, Bottleneck

PAIR = (Bottleneck, (3, 4, 6, 3))  # ResNet-50's shape as a (block, layers) pair


def rows_of(arch, input_size=224, **options):
    return stage_table(arch, input_size, **options)


# --- stem_sides_figure -----------------------------------------------------------------------


def test_stem_sides_accepts_one_int_size_and_a_list_of_stems():
    fig = figures.stem_sides_figure("resnet18", input_sizes=32, stems=["cifar"])
    assert [t.name for t in fig.data] == ["CIFAR stem, 32×32"]
    assert list(fig.data[0].y) == [32, 32, 32, 32, 16, 8, 4]
    fig = figures.stem_sides_figure("resnet18", input_sizes=[224], stems=("imagenet",))
    assert [t.name for t in fig.data] == ["ImageNet stem, 224×224"]


@pytest.mark.parametrize("sizes, error, words", [
    ((224, (224, 160)), TypeError, ["input_sizes[1]", "(224, 160)", "positive ints"]),
    ((224, 0), ValueError, ["input_sizes[1]", "0", ">= 1"]),
    ((224, 32.0), TypeError, ["input_sizes[1]", "32.0", "positive ints"]),
    ("224", TypeError, ["input_sizes", "'224'", "tuple or list"]),
    ((), ValueError, ["input_sizes", "at least one"]),
    (True, TypeError, ["input_sizes", "True"]),
])
def test_stem_sides_rejects_bad_input_sizes(sizes, error, words):
    with pytest.raises(error) as info:
        figures.stem_sides_figure("resnet18", input_sizes=sizes)
    assert all(w in str(info.value) for w in words), str(info.value)


@pytest.mark.parametrize("stems, error, words", [
    ("cifar", TypeError, ["stems", "'cifar'", "('cifar',)", "'imagenet'"]),
    (("cifar", "tiny"), ValueError, ["stems[1]", "'tiny'", "'imagenet', 'cifar'"]),
    ([], ValueError, ["stems", "at least one"]),
    (None, TypeError, ["stems", "None"]),
])
def test_stem_sides_rejects_bad_stems(stems, error, words):
    with pytest.raises(error) as info:
        figures.stem_sides_figure("resnet18", input_sizes=(32,), stems=stems)
    assert all(w in str(info.value) for w in words), str(info.value)


# --- block_counts_figure ---------------------------------------------------------------------


def test_block_counts_takes_one_name_or_a_pair():
    fig = figures.block_counts_figure("resnet34")
    assert list(fig.data[0].y) == ["ResNet-34 (BasicBlock)"]
    assert [list(t.x) for t in fig.data] == [[3], [4], [6], [3]]
    fig = figures.block_counts_figure(PAIR)
    assert list(fig.data[0].y) == ["ResNet (Bottleneck, 3-4-6-3)"]
    assert [list(t.x) for t in fig.data] == [[3], [4], [6], [3]]
    assert fig.layout.annotations[0].text.endswith("= 50 layers")


@pytest.mark.parametrize("archs, error, words", [
    ((), ValueError, ["archs", "()", "at least one"]),
    ([], ValueError, ["archs", "[]", "at least one"]),
    (34, TypeError, ["archs", "34", "resnet34"]),
    (["resnet34", "resnet35"], ValueError, ["archs[1]", "'resnet35'", "resnet18"]),
])
def test_block_counts_rejects_bad_archs(archs, error, words):
    with pytest.raises(error) as info:
        figures.block_counts_figure(archs)
    assert all(w in str(info.value) for w in words), str(info.value)


# --- stage_costs_figure / stride_placement_figure --------------------------------------------


def test_stage_costs_takes_a_block_layers_pair_like_stage_table():
    fig = figures.stage_costs_figure(PAIR)
    rows = rows_of(PAIR)
    assert list(fig.data[0].y) == [rows[s].params for s in figures.WEIGHTED_STAGES]
    assert list(fig.data[1].y) == [rows[s].macs for s in figures.WEIGHTED_STAGES]
    assert fig.layout.title.text.startswith("ResNet (Bottleneck, 3-4-6-3):")
    fig = figures.stage_costs_figure(["resnet18", PAIR, ("basic", [1, 1, 1, 1])])
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == [
        "ResNet-18", "ResNet (Bottleneck, 3-4-6-3)", "ResNet (BasicBlock, 1-1-1-1)"]


@pytest.mark.parametrize("archs, error, words", [
    (123, TypeError, ["archs", "123", "(block, layers)"]),
    (None, TypeError, ["archs", "None"]),
    ((), ValueError, ["archs", "at least one"]),
    (["resnet18", 123], TypeError, ["archs[1]", "123"]),
    ((BasicBlock, (3, 4, 6)), ValueError, ["layers", "3 values"]),
])
def test_stage_costs_rejects_bad_archs(archs, error, words):
    with pytest.raises(error) as info:
        figures.stage_costs_figure(archs)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_stride_placement_takes_a_pair_and_names_a_bad_arch():
    fig = figures.stride_placement_figure(PAIR)
    v1 = rows_of(PAIR, stride_in="1x1")
    assert list(fig.data[0].y) == [v1[s].macs for s in figures.WEIGHTED_STAGES]
    v1_gmacs = f"{GMACS['resnet50_v1']:.3f}"
    assert fig.layout.title.text.startswith(f"ResNet (Bottleneck, 3-4-6-3): {v1_gmacs} G")
    with pytest.raises(TypeError, match=r"arch must be .* got 7"):
        figures.stride_placement_figure(7)


# --- block_diagram_figure / resnet_diagram_figure --------------------------------------------


@pytest.mark.parametrize("blocks, words", [
    ([BasicBlock(64, 64)], ["blocks", "mapping", "list"]),
    (BasicBlock(64, 64), ["blocks", "mapping", "BasicBlock"]),
    ({"stage": model.build("resnet18").layer1},
     ["blocks['stage']", "Sequential", "model.layer2[0]"]),
    ({"class": BasicBlock}, ["blocks['class']", "type"]),
    ({"conv": nn.Conv2d(3, 3, 3)}, ["blocks['conv']", "Conv2d"]),
])
def test_block_diagram_needs_a_mapping_of_blocks(blocks, words):
    with pytest.raises(TypeError) as info:
        figures.block_diagram_figure(blocks)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_block_diagram_rejects_no_blocks():
    with pytest.raises(ValueError, match="blocks must hold at least one block"):
        figures.block_diagram_figure({})


def test_resnet_diagram_builds_no_model(monkeypatch):
    built = []

    class Spy(model.ResNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(model, "ResNet", Spy)
    fig = figures.resnet_diagram_figure("resnet50", 224)
    assert built == []  # the stem's settings come from the description, not 25.6 M weights
    text = " ".join(fig.data[0].text)
    assert "7×7 conv, stride 2, BN, ReLU" in text and "3×3 max pool, stride 2" in text
    assert "<b>input</b>: 3 × 224 × 224" in text


# --- render: figure_title / describe ---------------------------------------------------------


@pytest.mark.parametrize("function", [render.figure_title, render.describe])
def test_render_helpers_name_a_missing_figure(function):
    with pytest.raises(TypeError, match=r"fig_dict must be a plotly figure.*got None"):
        function(None)


def test_render_helpers_take_a_figure_or_its_dict():
    fig = go.Figure(go.Bar(x=[1], y=[1]), layout_title_text="<b>One</b> bar")
    assert render.figure_title(fig) == render.figure_title(fig.to_dict()) == "One bar"
    assert render.describe(fig) == "<plotly Figure 'One bar' (1 bar trace)>"
    assert render.describe({}) == "<plotly Figure (no traces)>"
