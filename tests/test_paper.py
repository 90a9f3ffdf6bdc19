"""Table 1 of the paper, cell by cell, against ``resnet_lib``; and the cited data themselves.

Reference values are typed here from He et al. 2016 (CVPR; arXiv:1512.03385: Table 1, Table 2,
Table 3, Sec. 3.3) and torchvision's published metadata, or read from the fixtures written by
real torchvision (``tests/fixtures/torchvision_models.json``), or worked out by arithmetic
below. None is copied from the output of the code under test, so each test can fail.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from torchvision_ref import GMACS_3, PARAMS

from resnet_lib import figures, paper, stage_table, table1

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "torchvision_models.json").read_text()
)["models"]
NAMES = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
BOTTLENECK = ("resnet50", "resnet101", "resnet152")

# --- Table 1, typed from the paper -------------------------------------------------------
OUTPUT = {"conv1": (112, 112), "conv2_x": (56, 56), "conv3_x": (28, 28), "conv4_x": (14, 14),
          "conv5_x": (7, 7), "fc": (1, 1)}
REPEATS = {"resnet18": (2, 2, 2, 2), "resnet34": (3, 4, 6, 3), "resnet50": (3, 4, 6, 3),
           "resnet101": (3, 4, 23, 3), "resnet152": (3, 8, 36, 3)}
PAPER_GFLOPS = {"resnet18": 1.8, "resnet34": 3.6, "resnet50": 3.8, "resnet101": 7.6,
                "resnet152": 11.3}
STAGES = ("conv2_x", "conv3_x", "conv4_x", "conv5_x")
# Every block-layout cell of Table 1, as the paper prints it.
LAYOUT_TEXT = {
    "resnet18": ["[3x3, 64; 3x3, 64] x 2", "[3x3, 128; 3x3, 128] x 2",
                 "[3x3, 256; 3x3, 256] x 2", "[3x3, 512; 3x3, 512] x 2"],
    "resnet34": ["[3x3, 64; 3x3, 64] x 3", "[3x3, 128; 3x3, 128] x 4",
                 "[3x3, 256; 3x3, 256] x 6", "[3x3, 512; 3x3, 512] x 3"],
    "resnet50": ["[1x1, 64; 3x3, 64; 1x1, 256] x 3", "[1x1, 128; 3x3, 128; 1x1, 512] x 4",
                 "[1x1, 256; 3x3, 256; 1x1, 1024] x 6", "[1x1, 512; 3x3, 512; 1x1, 2048] x 3"],
    "resnet101": ["[1x1, 64; 3x3, 64; 1x1, 256] x 3", "[1x1, 128; 3x3, 128; 1x1, 512] x 4",
                  "[1x1, 256; 3x3, 256; 1x1, 1024] x 23",
                  "[1x1, 512; 3x3, 512; 1x1, 2048] x 3"],
    "resnet152": ["[1x1, 64; 3x3, 64; 1x1, 256] x 3", "[1x1, 128; 3x3, 128; 1x1, 512] x 8",
                  "[1x1, 256; 3x3, 256; 1x1, 1024] x 36",
                  "[1x1, 512; 3x3, 512; 1x1, 2048] x 3"],
}
# torchvision IMAGENET1K_V1 metadata (params, GFLOPS, acc@1, acc@5): the counts read from the
# fixtures real torchvision wrote; the accuracies as torchvision's weights metadata prints them.
_ACC = {"resnet18": (69.758, 89.078), "resnet34": (73.314, 91.420), "resnet50": (76.130, 92.862),
        "resnet101": (77.374, 93.546), "resnet152": (78.312, 94.046)}
TORCHVISION = {n: (PARAMS[n], GMACS_3[n], *_ACC[n]) for n in _ACC}


def fixture_macs(name: str, stride_in: str) -> int:
    """Multiply-adds counted by torch's FlopCounterMode on real torchvision (FLOPs / 2)."""
    key = f"{name}_v1" if (stride_in == "1x1" and name in BOTTLENECK) else name
    return FIXTURES[key]["macs_224"]


def expected_layout(name: str, i: int) -> tuple:
    width = (64, 128, 256, 512)[i]
    convs = ((3, width), (3, width)) if name in ("resnet18", "resnet34") else (
        (1, width), (3, width), (1, 4 * width))
    return convs, REPEATS[name][i]


# --- the typed data of paper.py ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_paper_table1_data_is_what_the_paper_prints(name):
    col = paper.TABLE1[name]
    assert col.depth == int(name.removeprefix("resnet"))
    assert col.conv1 == (7, 64, 2) and col.maxpool == (3, 2)
    assert col.outputs == OUTPUT
    assert [table1.format_layout(s) for s in col.stages] == LAYOUT_TEXT[name]
    assert col.gflops == PAPER_GFLOPS[name]
    assert "Table 1" in col.source and "1512.03385" in col.source


def test_paper_error_tables_are_what_the_paper_prints():
    table2 = {"plain18": 27.94, "resnet18": 27.88, "plain34": 28.54, "resnet34": 25.03}
    assert {k: v.top1 for k, v in paper.TABLE2.items()} == table2
    table3 = {"resnet34_B": (24.52, 7.46), "resnet34_C": (24.19, 7.40),
              "resnet50": (22.85, 6.71), "resnet101": (21.75, 6.05), "resnet152": (21.43, 5.71)}
    for key, (top1, top5) in table3.items():
        assert (paper.TABLE3[key].top1, paper.TABLE3[key].top5) == (top1, top5)
    assert paper.TABLE3["resnet34_A"].top1 == 25.03 == paper.TABLE2["resnet34"].top1
    assert paper.TABLE3["plain34"].top1 == paper.TABLE2["plain34"].top1
    assert all("Table 2" in e.source for e in paper.TABLE2.values())
    assert all("Table 3" in e.source for e in paper.TABLE3.values())
    assert paper.PAPER_PLAIN34_GFLOPS == 3.6 and paper.PAPER_VGG19_GFLOPS == 19.6
    # "only 18% of VGG-19"
    assert round(100 * paper.PAPER_PLAIN34_GFLOPS / paper.PAPER_VGG19_GFLOPS) == 18


@pytest.mark.parametrize("name", NAMES)
def test_torchvision_published_data(name):
    pub = paper.TORCHVISION[name]
    assert (pub.params, pub.gflops, pub.acc1, pub.acc5) == TORCHVISION[name]
    assert "torchvision" in pub.source
    # ... and agrees with the real torchvision model the fixtures were made from.
    assert pub.params == FIXTURES[name]["params"]
    assert pub.gflops == round(FIXTURES[name]["macs_224"] / 1e9, 3)


def test_h200_figures_are_the_cited_ones():
    h200 = paper.H200_THROUGHPUT
    expected = {"resnet18": (39_293, 13_230), "resnet34": (27_884, 8_977),
                "resnet50": (15_483, 4_717), "resnet101": (10_350, 3_121),
                "resnet152": (7_498, 2_243)}
    assert {k: (v["inference"], v["train"]) for k, v in h200["results"].items()} == expected
    assert h200["compiled"] == {"resnet50": {"inference": 23_865, "train": 6_787}}
    source = h200["provenance"]["source"]
    for piece in ("2026-11-28", "H200", "torch 2.11", "torchvision 0.26", "bf16 autocast",
                  "channels_last", "batch 256", "224x224"):
        assert piece in source
    # The headline: 12% more MACs, about 1.8x slower.
    mac_ratio = FIXTURES["resnet50"]["macs_224"] / FIXTURES["resnet34"]["macs_224"]
    assert round(100 * (mac_ratio - 1)) == 12
    assert round(expected["resnet34"][0] / expected["resnet50"][0], 1) == 1.8


# --- Table 1 rebuilt from code, cell by cell ---------------------------------------------


@pytest.mark.parametrize("stride_in", ["1x1", "3x3"])
@pytest.mark.parametrize("name", NAMES)
def test_table1_from_code_shapes(name, stride_in):
    col = table1.table1_from_code(name, stride_in)
    assert col.conv1 == (7, 64, 2)
    assert col.maxpool == (3, 2)
    for i, stage in enumerate(STAGES):
        assert col.stages[i] == expected_layout(name, i), stage
        assert table1.format_layout(col.stages[i]) == LAYOUT_TEXT[name][i]
    assert col.outputs == OUTPUT
    assert col.depth == int(name.removeprefix("resnet"))


@pytest.mark.parametrize("name", NAMES)
def test_table1_flops_row(name):
    v1 = table1.table1_from_code(name, "1x1").gflops
    v15 = table1.table1_from_code(name, "3x3").gflops
    assert round(v1 * 1e9) == fixture_macs(name, "1x1")
    assert round(v15 * 1e9) == fixture_macs(name, "3x3")
    # The paper's form fits the paper's one-decimal figure; torchvision's fits torchvision's.
    assert table1.one_decimal_consistent(v1, PAPER_GFLOPS[name])
    assert round(v15, 3) == TORCHVISION[name][1]
    if name in BOTTLENECK:
        assert not table1.one_decimal_consistent(v15, PAPER_GFLOPS[name])
        # The stride move costs 3/4 of the first 1x1 conv of layer2..4 at full resolution:
        # cin * planes * (side^2 - (side/2)^2) with (cin, planes, side) as below.
        extra = sum(c * p * (s * s - (s // 2) ** 2)
                    for c, p, s in ((256, 128, 56), (512, 256, 28), (1024, 512, 14)))
        assert round((v15 - v1) * 1e9) == extra == 231_211_008
    else:
        assert v1 == v15


def test_table1_other_input_size():
    col = table1.table1_from_code("resnet50", "3x3", input_size=448)
    assert col.outputs["conv4_x"] == (28, 28) and col.outputs["conv1"] == (224, 224)


def test_table1_cells_paper_form_all_agree():
    cells = table1.table1_cells("1x1")
    # 5 depths x (conv1, maxpool, 4 layouts, 6 output sizes, FLOPs) = 65 cells.
    assert len(cells) == 5 * 13
    assert all(c.agree for c in cells)
    by = {(c.row, c.name): c for c in cells}
    assert by["conv1", "resnet18"].paper == by["conv1", "resnet18"].code == "7x7, 64, stride 2"
    assert by["maxpool", "resnet152"].code == "3x3 max pool, stride 2"
    assert by["output conv5_x", "resnet101"].code == "7x7"
    assert by["conv4_x", "resnet152"].code == "[1x1, 256; 3x3, 256; 1x1, 1024] x 36"
    assert (by["FLOPs", "resnet50"].paper, by["FLOPs", "resnet50"].code) == ("3.8", "3.858")


def test_table1_cells_torchvision_form_differs_only_in_bottleneck_flops():
    cells = table1.table1_cells("3x3")
    assert len(cells) == 65
    differ = {(c.row, c.name) for c in cells if not c.agree}
    assert differ == {("FLOPs", n) for n in BOTTLENECK}
    by = {(c.row, c.name): c for c in cells}
    assert (by["FLOPs", "resnet50"].paper, by["FLOPs", "resnet50"].code) == ("3.8", "4.089")
    assert by["FLOPs", "resnet152"].code == "11.514"


def test_one_decimal_consistent():
    # Rounding and truncation are both accepted; the chapter's examples:
    assert table1.one_decimal_consistent(7.570194432, 7.6)  # rounds (truncation gives 7.5)
    assert math.floor(7.570194432 * 10) / 10 == 7.5
    assert table1.one_decimal_consistent(3.857973248, 3.8)  # ResNet-50 v1: truncates
    assert round(3.857973248, 1) == 3.9 and math.floor(3.857973248 * 10) / 10 == 3.8
    # torchvision's option-B ResNet-34 (3.664) fits 3.6 by truncation and 3.7 by rounding;
    # the paper's own 34-layer nets (3.644, below) simply round to 3.6.
    assert table1.one_decimal_consistent(3.663761408, 3.6)
    assert table1.one_decimal_consistent(3.663761408, 3.7)
    assert table1.one_decimal_consistent(3.75, 3.8)  # lower edge (rounds up)
    assert not table1.one_decimal_consistent(3.74, 3.8)
    assert not table1.one_decimal_consistent(3.9, 3.8)  # upper edge is open
    assert not table1.one_decimal_consistent(4.089184256, 3.8)
    assert not table1.one_decimal_consistent(11.513626624, 11.3)
    assert table1.one_decimal_consistent(11, 11.0)


def truncation_examples(text: str) -> list[tuple[float, float]]:
    """(count, printed) pairs a text gives as truncation: "A -> B is truncation" or "A becomes
    B only by cutting off", where A may be followed by a unit (3.858 G)."""
    import re

    flat = " ".join(text.split())
    pairs = re.findall(r"(\d+\.\d+)(?: G)? -> (\d+\.\d)(?: is truncation)", flat)
    pairs += re.findall(r"(\d+\.\d+)(?:,[^,]*,)? becomes (\d+\.\d) only by cutting off", flat)
    return [(float(a), float(b)) for a, b in pairs]


def test_the_truncation_example_is_a_count_of_a_network_the_paper_printed():
    """Docs and chapter 7 name one figure that only truncation explains: ResNet-50 v1's.

    3.66 -> 3.6 is no such example: 3.664 is torchvision's option-B ResNet-34, while the
    paper's 34-layer nets (plain, option A: no projection convolutions) count 3.644, which
    rounds to 3.6.
    """
    v1_50 = fixture_macs("resnet50", "1x1") / 1e9
    assert round(v1_50, 3) == 3.858 and round(v1_50, 1) == 3.9  # printed 3.8: truncated
    projections = 64 * 128 * 28 * 28 + 128 * 256 * 14 * 14 + 256 * 512 * 7 * 7
    paper34 = (FIXTURES["resnet34"]["macs_224"] - projections) / 1e9
    assert round(paper34, 3) == 3.644 and round(paper34, 1) == 3.6  # rounds: no truncation
    cell = next(c for c in json.loads((ROOT / "chapters" / "07_table1.ipynb").read_text())[
        "cells"] if "one_decimal_consistent" in "".join(c["source"])
        and c["cell_type"] == "markdown")
    for where, text in (("one_decimal_consistent", table1.one_decimal_consistent.__doc__),
                        ("chapter 7", "".join(cell["source"]))):
        assert "3.66" not in text, where
        examples = truncation_examples(text)
        assert examples == [(3.858, 3.8)], (where, examples)
        for count, printed in examples:
            assert round(count, 1) != printed  # not rounding ...
            assert math.floor(count * 10) / 10 == printed  # ... but truncation
            assert count == round(v1_50, 3)  # and the count of the network printed


@pytest.mark.parametrize("count, printed, error", [
    ("3.6", 3.6, TypeError), (3.6, None, TypeError), (True, 1.0, TypeError),
    (float("nan"), 3.6, TypeError), (3.6, float("inf"), TypeError), (-1.0, 3.6, ValueError),
])
def test_one_decimal_consistent_rejects_bad_input(count, printed, error):
    with pytest.raises(error):
        table1.one_decimal_consistent(count, printed)


def test_format_layout():
    assert table1.format_layout((((3, 64), (3, 64)), 2)) == "[3x3, 64; 3x3, 64] x 2"
    assert table1.format_layout((((1, 8),), 1)) == "[1x1, 8] x 1"


@pytest.mark.parametrize("call, error", [
    (lambda: table1.table1_from_code("resnet51"), ValueError),
    (lambda: table1.table1_from_code(50), TypeError),
    (lambda: table1.table1_from_code("resnet50", "2x2"), ValueError),
    (lambda: table1.table1_from_code("resnet50", input_size=0), ValueError),
    (lambda: table1.table1_cells("v1"), ValueError),
])
def test_bad_arguments_are_rejected_clearly(call, error):
    with pytest.raises(error):
        call()


def test_torchvision_comparison():
    rows = {r.name: r for r in table1.torchvision_comparison()}
    assert list(rows) == list(NAMES)
    for name, r in rows.items():
        assert r.params == r.params_published == FIXTURES[name]["params"]
        assert round(r.gmacs * 1e9) == fixture_macs(name, "3x3")
        assert round(r.gmacs_paper_form * 1e9) == fixture_macs(name, "1x1")
        assert r.gflops_published == TORCHVISION[name][1]
        assert r.gflops_paper == PAPER_GFLOPS[name]


def test_plain34_is_the_papers_36_billion():
    """Sec. 3.3's "34-layer baseline" is the plain net: no projection convolutions."""
    plain = stage_table("resnet34", plain=True).macs
    option_b = FIXTURES["resnet34"]["macs_224"]
    projections = 64 * 128 * 28 * 28 + 128 * 256 * 14 * 14 + 256 * 512 * 7 * 7
    assert plain == option_b - projections
    assert round(plain / 1e9, 1) == 3.6


# --- figures -------------------------------------------------------------------------------


def test_macs_paper_vs_code_figure():
    fig = figures.macs_paper_vs_code_figure()
    by = {t.name: list(t.y) for t in fig.data}
    assert by["paper, Table 1 (printed, 1 decimal)"] == [PAPER_GFLOPS[n] for n in NAMES]
    assert [round(v * 1e9) for v in by["ours, stride on the 1x1 (paper's form)"]] == [
        fixture_macs(n, "1x1") for n in NAMES]
    assert [round(v * 1e9) for v in by["ours, stride on the 3x3 (torchvision's form)"]] == [
        fixture_macs(n, "3x3") for n in NAMES]
    assert by["torchvision's published GFLOPS"] == [TORCHVISION[n][1] for n in NAMES]
    assert "multiply-adds" in fig.layout.yaxis.title.text
