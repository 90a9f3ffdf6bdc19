"""Every verdict of the "Myths and facts" chapter, asserted on the library's models.

One test per myth, in the chapter's order of FACTS.md: the 13 learner confusions and the 4
claims of the seed page. Expected values come from the paper (He et al. 2016), torchvision
(the fixtures written by real torchvision), torchinfo and torch themselves, or arithmetic
written out here; never from the code under test. The last tests check the chapters' files.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import torch
import torchinfo
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_lib import (
    BasicBlock,
    Bottleneck,
    build,
    costs,
    count_params,
    figures,
    paper,
    resnet18,
    resnet34,
    resnet50,
    stage_table,
    throughput,
    trace_shapes,
    weighted_layers,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = json.loads((ROOT / "tests" / "fixtures" / "torchvision_models.json").read_text())[
    "models"]
NAMES = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


def meta(name: str, **options) -> nn.Module:
    """A model with real structure and no memory (shapes only)."""
    with torch.device("meta"):
        return build(name, **options)


def blocks_per_stage(model: nn.Module) -> list[int]:
    return [len(getattr(model, f"layer{i}")) for i in range(1, 5)]


def fixture_names(name: str) -> set[str]:
    return {entry[0] for entry in FIXTURES[name]["state_dict"]}


# --- the seed page's claims --------------------------------------------------------------


def test_seed_resnet34_has_16_blocks_not_10():
    model = meta("resnet34")
    assert blocks_per_stage(model) == [3, 4, 6, 3]
    assert sum(isinstance(m, BasicBlock) for m in model.modules()) == 16 != 10
    # torchvision's checkpoint has the same 16 blocks.
    blocks = {n.rsplit(".", 2)[0] for n in fixture_names("resnet34") if n.startswith("layer")}
    assert len({b for b in blocks if b.count(".") == 1}) == 16


def test_seed_stage1_of_resnet34_is_three_blocks_of_two_convs():
    layer1 = meta("resnet34").layer1
    convs = [m for m in layer1.modules() if isinstance(m, nn.Conv2d)]
    assert len(layer1) == 3 and len(convs) == 6 != 3
    assert all(c.kernel_size == (3, 3) for c in convs)


def test_seed_resnet50_is_3_4_6_3_bottlenecks():
    model = meta("resnet50")
    assert blocks_per_stage(model) == [3, 4, 6, 3] != [4, 4, 4, 1]
    assert all(isinstance(b, Bottleneck) for i in range(1, 5) for b in getattr(model, f"layer{i}"))
    assert blocks_per_stage(model) == blocks_per_stage(meta("resnet34"))


def test_seed_resnet50_is_deeper_by_convs_per_block_not_blocks():
    r34, r50 = weighted_layers("resnet34"), weighted_layers("resnet50")
    assert r34.blocks == r50.blocks == 16
    assert (r34.convs_per_block, r50.convs_per_block) == (2, 3)
    assert (1 + 2 * 16 + 1, 1 + 3 * 16 + 1) == (r34.weighted, r50.weighted) == (34, 50)
    # Main-path convs per block, counted on the modules (projections excluded).
    for name, per_block in (("resnet34", 2), ("resnet50", 3)):
        block = meta(name).layer3[1]
        assert sum(isinstance(m, nn.Conv2d) for m in block.modules()) == per_block


# --- the 13 learner confusions ------------------------------------------------------------


def test_myth_v1_vs_v15_stride_placement():
    tv, v1 = meta("resnet50"), meta("resnet50", stride_in="1x1")
    assert tv.layer2[0].conv1.stride == (1, 1) and tv.layer2[0].conv2.stride == (2, 2)
    assert v1.layer2[0].conv1.stride == (2, 2) and v1.layer2[0].conv2.stride == (1, 1)
    assert count_params(tv) == count_params(v1) == FIXTURES["resnet50"]["params"]
    macs_tv = stage_table("resnet50").macs
    macs_v1 = stage_table("resnet50", stride_in="1x1").macs
    assert macs_tv == FIXTURES["resnet50"]["macs_224"]
    assert macs_v1 == FIXTURES["resnet50_v1"]["macs_224"]
    assert macs_tv - macs_v1 == 3 * 77_070_336  # 3 x (256*128*(56^2 - 28^2)), see test_paper


def test_myth_flops_vs_macs_and_the_torchinfo_label():
    model = meta("resnet50")
    with FlopCounterMode(display=False) as counter:
        model(torch.empty(1, 3, 224, 224, device="meta"))
    macs = FIXTURES["resnet50"]["macs_224"]
    assert counter.get_total_flops() == 2 * macs == FIXTURES["resnet50"]["flops_224"]
    assert round(2 * macs / 1e9, 1) == 8.2 and round(macs / 1e9, 2) == 4.09
    assert round(FIXTURES["resnet50_v1"]["macs_224"] / 1e9, 1) == 3.9  # rounds; prints 3.8
    summary = torchinfo.summary(resnet50(), input_size=(1, 3, 224, 224), depth=1,
                                col_names=("output_size", "num_params"), verbose=0)
    assert "Total mult-adds (Units.GIGABYTES): 4.09" in str(summary)
    # torchinfo's number is multiply-adds, plus BN's scale and shift and the fc bias.
    bn = sum(shape[0] for n, shape in FIXTURES["resnet50"]["state_dict"]
             if n.endswith((".weight", ".bias")) and len(shape) == 1 and not n.startswith("fc"))
    assert bn == 2 * 26_560  # 53,120 BN parameters in ResNet-50
    assert summary.total_mult_adds - macs == bn + 1000


def test_myth_downsampling_only_in_first_block_of_stages_2_to_4():
    for name, strided_conv in (("resnet34", "conv1"), ("resnet50", "conv2")):
        model = meta(name)
        strided = {n for n, m in model.named_modules()
                   if isinstance(m, (nn.Conv2d, nn.MaxPool2d)) and m.stride in (2, (2, 2))}
        expected = {"conv1", "maxpool"} | {f"layer{i}.0.{c}" for i in (2, 3, 4)
                                           for c in (strided_conv, "downsample.0")}
        assert strided == expected
    shapes = FIXTURES["resnet34"]["output_shapes"]["224x224"]
    assert shapes["maxpool"][2:] == shapes["layer1"][2:] == [56, 56]
    assert [shapes[f"layer{i}"][2] for i in (2, 3, 4)] == [28, 14, 7]


def test_myth_layer_counting():
    count = weighted_layers("resnet18")
    model = meta("resnet18")
    conv2d = sum(isinstance(m, nn.Conv2d) for m in model.modules())
    leaves = sum(1 for m in model.modules() if not list(m.children()))
    assert count.weighted == 18 == 1 + 2 * 8 + 1
    assert conv2d == count.conv2d == FIXTURES["resnet18"]["conv2d_count"] == 20
    # conv 20 + BN 20 + ReLU (stem 1 + one per block 8) + maxpool + avgpool + fc
    assert leaves == 20 + 20 + 9 + 1 + 1 + 1 == 52
    for name, n_conv in (("resnet34", 36), ("resnet50", 53), ("resnet101", 104),
                         ("resnet152", 155)):
        assert weighted_layers(name).conv2d == FIXTURES[name]["conv2d_count"] == n_conv


def test_myth_resnet50_layer1_has_a_stride1_projection():
    proj = resnet50().layer1[0].downsample
    assert isinstance(proj[0], nn.Conv2d) and proj[0].stride == (1, 1)
    assert (proj[0].in_channels, proj[0].out_channels) == (64, 256)
    assert resnet34().layer1[0].downsample is None
    assert "layer1.0.downsample.0.weight" in fixture_names("resnet50")
    assert "layer1.0.downsample.0.weight" not in fixture_names("resnet34")


def test_myth_planes_expansion_and_downsample_naming():
    block = meta("resnet50").layer1[0]
    assert Bottleneck.expansion == 4 and BasicBlock.expansion == 1
    assert block.conv1.in_channels == 64  # inplanes
    assert block.conv1.out_channels == block.conv2.out_channels == 64  # planes
    assert block.conv3.out_channels == 64 * 4  # planes * expansion
    assert block.downsample[0].stride == (1, 1)  # "downsample" that does not downsample
    second = meta("resnet50").layer2[1]
    assert second.conv1.in_channels == 512 and second.conv1.out_channels == 128


@pytest.mark.parametrize("side, read", [(8, 16), (7, 16), (56, 28 * 28)])
def test_myth_strided_1x1_projection_reads_a_quarter(side, read):
    proj = resnet34().layer2[0].downsample[0]
    assert proj.kernel_size == (1, 1) and proj.stride == (2, 2)
    x = torch.randn(1, 64, side, side, requires_grad=True)
    proj(x).sum().backward()
    mask = x.grad.abs().sum(dim=(0, 1)) > 0
    expected = torch.zeros(side, side, dtype=torch.bool)
    expected[::2, ::2] = True
    assert torch.equal(mask, expected) and int(mask.sum()) == read


def test_myth_imagenet_stem_on_cifar_collapses_layer4():
    shapes = FIXTURES["resnet18"]["output_shapes"]["32x32"]  # real torchvision
    assert shapes["layer4"] == [1, 512, 1, 1]
    rows = stage_table("resnet18", 32)
    assert (rows["layer4"].height, rows["layer4"].width) == (1, 1)
    cifar = trace_shapes(build("resnet18", stem="cifar"), 32)
    assert cifar["layer4"] == (1, 512, 4, 4) and cifar["layer1"] == (1, 64, 32, 32)


def test_myth_inplace_ops():
    torch.manual_seed(0)
    block = BasicBlock(8, 8)
    x = torch.randn(2, 8, 8, 8, requires_grad=True)
    block(x).sum().backward()  # the in-place add and ReLU inside the block are safe
    assert x.grad is not None and torch.isfinite(x.grad).all()
    h = torch.relu(x)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h += block(h)
        h.sum().backward()


def test_myth_zero_init_residual():
    model = resnet18(zero_init_residual=True)
    for i in range(1, 5):
        for block in getattr(model, f"layer{i}"):
            assert torch.all(block.bn2.weight == 0) and torch.all(block.bn1.weight == 1)
    r50 = resnet50(zero_init_residual=True)
    assert torch.all(r50.layer3[2].bn3.weight == 0) and torch.all(r50.layer3[2].bn2.weight == 1)
    block = model.layer1[1]
    torch.manual_seed(0)
    x = torch.relu(torch.randn(2, 64, 8, 8))
    out = block(x)
    assert torch.equal(out, x)  # the block starts as the identity
    out.square().mean().backward()
    assert block.bn2.weight.grad.abs().sum() > 0  # ... and still learns


@pytest.mark.parametrize("seed", [0, 1])
def test_myth_degradation_is_not_vanishing_gradients(seed):
    # The paper: deeper plain is worse, deeper residual is better (Table 2).
    t2 = {k: v.top1 for k, v in paper.TABLE2.items()}
    assert t2["plain34"] > t2["plain18"] and t2["resnet34"] < t2["resnet18"]
    assert (t2["plain34"], t2["plain18"]) == (28.54, 27.94)
    # With BN, the gradient at plain-34's first conv is not smaller than at its last.
    torch.manual_seed(seed)
    plain = build("resnet34", plain=True, num_classes=10)
    x, y = torch.randn(8, 3, 64, 64), torch.randint(0, 10, (8,))
    nn.functional.cross_entropy(plain(x), y).backward()
    first = plain.conv1.weight.grad.norm()
    last = plain.layer4[-1].conv2.weight.grad.norm()
    assert first > last > 0


def test_myth_flops_are_not_speed():
    mac_ratio = FIXTURES["resnet50"]["macs_224"] / FIXTURES["resnet34"]["macs_224"]
    assert 1.1 < mac_ratio < 1.13
    tp = throughput.cited_throughput()
    assert tp.slowdown("resnet50", "resnet34") == pytest.approx(27_884 / 15_483)
    assert tp.slowdown("resnet50", "resnet34") > 1.5 * mac_ratio
    act = {n: costs.activation_memory(n).conv_outputs for n in ("resnet34", "resnet50")}
    assert 2.9 < act["resnet50"] / act["resnet34"] < 3.0


def test_myth_option_a_vs_b_vs_c():
    params = {s: count_params(build("resnet34", shortcut=s)) for s in "ABC"}
    plain = count_params(build("resnet34", plain=True))
    assert params["A"] == plain  # zero-padding has no parameters
    assert params["B"] == FIXTURES["resnet34"]["params"]
    # B adds three 1x1 projections with BN: 64->128, 128->256, 256->512.
    assert params["B"] - params["A"] == sum(c * 2 * c + 2 * (2 * c) for c in (64, 128, 256))
    # C projects the other 13 blocks as well (identity shapes: c -> c).
    others = 3 * (64 * 64 + 128) + 3 * (128 * 128 + 256) + 5 * (256 * 256 + 512) + 2 * (
        512 * 512 + 1024)
    assert params["C"] - params["B"] == others
    assert [weighted_layers("resnet34", shortcut=s).projections for s in "ABC"] == [0, 3, 16]
    t3 = {k: v.top1 for k, v in paper.TABLE3.items()}
    assert t3["plain34"] > t3["resnet34_A"] > t3["resnet34_B"] > t3["resnet34_C"]


# --- the chapters' files --------------------------------------------------------------------

MY_CHAPTERS = ["07_table1.ipynb", "08_myths.ipynb", "09_cost.ipynb"]


def test_myths_chapter_has_every_claim_with_a_verdict_and_code():
    nb = nbformat.read(ROOT / "chapters" / "08_myths.ipynb", as_version=4)
    verdicts = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown" and "**Verdict" in c.source]
    assert len(verdicts) >= 17
    for i in verdicts:
        claim = nb.cells[i].source.split("**Verdict")[0]
        assert "\n### " in "\n" + claim  # the claim is a heading just above its verdict
        assert nb.cells[i + 1].cell_type == "code"  # the proof follows
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for claim in ("10 residual blocks", "three basic conv layers", "3 groups of 4 blocks",
                  "because it has more blocks", "Units.GIGABYTES", "v1.5", "CIFAR",
                  "inplace", "zero_init_residual", "vanish", "Option B", "downsample",
                  "54 layers", "halves the feature map", "1 × 1 stride-2"):
        assert claim in text, claim


@pytest.mark.parametrize("filename", ["08_myths.ipynb", "09_cost.ipynb"])
def test_gpu_prose_leaves_cited_or_measured_to_the_printed_line(filename):
    """``gpu_throughput()`` shows a committed measurement instead of the cited H200 figures,
    so the prose before it must not say which; the line the code prints does."""
    nb = nbformat.read(ROOT / "chapters" / filename, as_version=4)
    (i,) = [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "throughput.gpu_throughput()" in c.source]
    code, prose = nb.cells[i].source, nb.cells[i - 1].source
    assert nb.cells[i - 1].cell_type == "markdown"
    flat = " ".join(prose.split())
    for claim in ("without a GPU", "are cited", "are **cited**", "figures below are cited",
                  "not measured here"):
        assert claim not in flat, (filename, claim)
    assert "measured for this book or cited" in flat or (
        "either measured for this book" in flat and "or cited" in flat), filename
    assert "printed below says which" in flat, filename
    assert ".source_line()" in code
    # Nothing later on the page calls the figures shown "cited" either.
    later = " ".join(" ".join(c.source.split()) for c in nb.cells[i + 1:]
                     if c.cell_type == "markdown")
    assert "the cited ResNet-50" not in later and "the cited GPU" not in later


def test_myth_figures():
    fig = figures.layer_counts_figure()
    by = {t.name: list(t.y) for t in fig.data}
    assert by["weighted layers (the name)"] == [18, 34, 50, 101, 152]
    assert by["Conv2d modules"] == [FIXTURES[n]["conv2d_count"] for n in NAMES]
    assert by["residual blocks"] == [8, 16, 16, 33, 50]
    assert by["leaf modules"][0] == 52
    mask = torch.zeros(8, 8)
    mask[::2, ::2] = 1
    fig = figures.projection_reads_figure(mask)
    assert "16 of 64" in fig.layout.title.text
    assert list(fig.data[0].z[0][:2]) == [1.0, 0.0]
    with pytest.raises(ValueError):
        figures.projection_reads_figure([])
