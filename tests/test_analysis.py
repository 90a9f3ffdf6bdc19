"""stage_table, conv_out, weighted_layers, trace_shapes: checked against the paper,
torchvision's published metadata, independent arithmetic and a traced forward pass."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torchvision_ref import GMACS_3, PARAMS  # noqa: E402  (read from the fixtures)

import resnet_lib as R

# torchvision's params and GMACs at 224x224, as counted by real torchvision.
TORCHVISION = {n: (PARAMS[n], GMACS_3[n]) for n in R.RESNETS}
# Multiply-adds with the paper's stride placement: the paper's 3.8 / 7.6 / 11.3.
PAPER_V1_GMACS = {n: GMACS_3[f"{n}_v1"] for n in ("resnet50", "resnet101", "resnet152")}
PAPER_TABLE1_GFLOPS = {"resnet18": 1.8, "resnet34": 3.6, "resnet50": 3.8, "resnet101": 7.6,
                       "resnet152": 11.3}


@pytest.mark.parametrize(
    "size, kernel, stride, padding, expected",
    [(224, 7, 2, 3, 112), (112, 3, 2, 1, 56), (56, 3, 1, 1, 56), (56, 1, 2, 0, 28),
     (225, 7, 2, 3, 113), (7, 3, 2, 1, 4), (1, 3, 2, 1, 1), (32, 3, 1, 1, 32), (5, 5, 1, 0, 1)],
)
def test_conv_out_worked_examples(size, kernel, stride, padding, expected):
    assert R.conv_out(size, kernel, stride, padding) == expected


def test_conv_out_agrees_with_torch_conv2d_over_a_grid():
    for size in (1, 2, 3, 7, 8, 31, 32, 97):
        for kernel, stride, padding in [(7, 2, 3), (3, 2, 1), (3, 1, 1), (1, 2, 0), (3, 3, 0)]:
            if size + 2 * padding < kernel:
                with pytest.raises(ValueError, match="too small"):
                    R.conv_out(size, kernel, stride, padding)
                continue
            conv = nn.Conv2d(1, 1, kernel, stride, padding, device="meta")
            out = conv(torch.empty(1, 1, size, size, device="meta"))
            assert R.conv_out(size, kernel, stride, padding) == out.shape[-1]


@pytest.mark.parametrize("name", list(TORCHVISION))
def test_stage_table_totals_equal_torchvision_metadata(name):
    rows = R.stage_table(name)
    params, gmacs = TORCHVISION[name]
    assert rows.params == params
    assert round(rows.macs / 1e9, 3) == gmacs


@pytest.mark.parametrize("name", list(PAPER_V1_GMACS))
def test_paper_stride_placement_gives_the_papers_flops(name):
    gmacs = R.stage_table(name, stride_in="1x1").macs / 1e9
    assert round(gmacs, 3) == PAPER_V1_GMACS[name]
    # The paper prints one decimal (and 3.858 as "3.8"): agree to within that precision.
    assert abs(gmacs - PAPER_TABLE1_GFLOPS[name]) < 0.1


def test_basicblock_nets_ignore_stride_placement():
    for name in ("resnet18", "resnet34"):
        assert R.stage_table(name, stride_in="1x1") == R.stage_table(name, stride_in="3x3")


def test_resnet34_rows_follow_table1():
    rows = R.stage_table("resnet34")
    assert [r.name for r in rows] == ["conv1", "maxpool", "layer1", "layer2", "layer3",
                                      "layer4", "avgpool", "fc"]
    # Paper Table 1: output sizes 112, 56, 56, 28, 14, 7, 1 and widths 64..512.
    assert [(r.channels, r.height, r.width) for r in rows] == [
        (64, 112, 112), (64, 56, 56), (64, 56, 56), (128, 28, 28), (256, 14, 14),
        (512, 7, 7), (512, 1, 1), (1000, 1, 1)]
    assert [r.blocks for r in rows] == [0, 0, 3, 4, 6, 3, 0, 0]
    assert [r.stride for r in rows[:6]] == [2, 4, 4, 8, 16, 32]
    # Stem: 7*7*3*64 conv weights + 2*64 BN parameters.
    assert rows[0].params == 7 * 7 * 3 * 64 + 2 * 64
    assert rows[0].macs == 7 * 7 * 3 * 64 * 112 * 112
    assert rows[1].params == rows[1].macs == 0
    assert rows[-1].params == 512 * 1000 + 1000


def test_layer1_of_resnet18_by_hand():
    # Two BasicBlocks, each two 3x3 64->64 convs with BN, at 56x56; no projection.
    conv = 3 * 3 * 64 * 64
    row = R.stage_table("resnet18")[2]
    assert row.params == 2 * 2 * (conv + 2 * 64)
    assert row.macs == 2 * 2 * conv * 56 * 56


def test_non_square_input():
    rows = R.stage_table("resnet50", (160, 240))
    assert (rows["layer4"].height, rows["layer4"].width) == (5, 8)
    assert rows["conv1"].macs == 7 * 7 * 3 * 64 * 80 * 120


def test_cifar_stem_keeps_32x32():
    rows = R.stage_table("resnet18", 32, stem="cifar")
    assert (rows["maxpool"].height, rows["layer1"].height, rows["layer4"].height) == (32, 32, 4)
    assert rows["conv1"].params == 3 * 3 * 3 * 64 + 2 * 64
    imagenet = R.stage_table("resnet18", 32)
    assert imagenet["layer4"].height == 1  # the ImageNet stem collapses a CIFAR image


def test_activations_and_shape_properties():
    row = R.stage_table("resnet34")[2]
    assert row.shape == (64, 56, 56)
    assert row.activations == 64 * 56 * 56


@pytest.mark.parametrize(
    "options",
    [{}, {"stem": "cifar"}, {"shortcut": "A"}, {"shortcut": "C"}, {"plain": True},
     {"preact": True}, {"width": 16, "num_classes": 10, "in_channels": 1},
     {"stride_in": "1x1", "shortcut": "C", "preact": True}],
)
@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_stage_table_params_equal_built_model_for_every_option(name, options):
    model = R.build(name, **options)
    rows = R.stage_table(name, **options)
    assert rows.params == R.count_params(model)
    per_stage = {r.name: r.params for r in rows}
    for stage in ("layer1", "layer2", "layer3"):
        assert per_stage[stage] == R.count_params(getattr(model, stage))


@pytest.mark.parametrize("size", [224, 225, 97, 64, 33, (160, 240), (50, 17)])
@pytest.mark.parametrize(
    "name, options",
    [("resnet18", {}), ("resnet34", {"stem": "cifar"}), ("resnet50", {"stride_in": "1x1"}),
     ("resnet101", {"shortcut": "A"}), ("resnet50", {"preact": True, "width": 32})],
)
def test_stage_table_shapes_equal_traced_forward(name, options, size):
    traced = R.trace_shapes(R.build(name, **options), size)
    for row in R.stage_table(name, size, **options):
        shape = traced[row.name]
        got = (shape[1], 1, 1) if len(shape) == 2 else shape[1:]
        assert (row.channels, row.height, row.width) == tuple(got), row.name


def _empirical_receptive_field(model: nn.Module, stage: str, size: int) -> int:
    """Rows of the input that move the centre unit of ``stage``'s output (by autograd).

    Max pooling would pass gradient to one input only, so it is swapped for an average
    pool of the same geometry; all conv weights are positive and BN is the identity, so every
    input pixel inside the receptive field has a strictly positive effect.
    """
    model = model.double().eval()
    if isinstance(model.maxpool, nn.MaxPool2d):
        model.maxpool = nn.AvgPool2d(3, 2, 1, count_include_pad=True)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.constant_(m.weight, 1.0 / m.weight[0].numel())
    x = torch.ones(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    out = {}
    getattr(model, stage).register_forward_hook(lambda _m, _i, o: out.setdefault("y", o))
    model(x)
    y = out["y"]
    y[0, 0, y.shape[2] // 2, y.shape[3] // 2].backward()
    rows = (x.grad[0, 0].abs().sum(dim=1) > 0).nonzero().flatten()
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize(
    "name, options, stages",
    [("resnet18", {}, ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")),
     ("resnet50", {}, ("layer1", "layer2", "layer3", "layer4")),
     ("resnet50", {"stride_in": "1x1"}, ("layer2", "layer3", "layer4")),
     ("resnet18", {"stem": "cifar"}, ("conv1", "layer1", "layer2"))],
)
def test_receptive_field_matches_autograd(name, options, stages):
    # The receptive field does not depend on widths: narrow nets keep this test fast.
    options = {**options, "width": 4, "in_channels": 1}
    rows = R.stage_table(name, **options)
    for stage in stages:
        rf = rows[stage].receptive_field
        size = rf + 64 + (rf % 2) + 1  # the centre unit's field lies inside the image
        got = _empirical_receptive_field(R.build(name, **options), stage, size)
        assert got == rf, stage


def test_receptive_field_grows_and_v1_sees_further():
    v15 = {r.name: r.receptive_field for r in R.stage_table("resnet50")}
    v1 = {r.name: r.receptive_field for r in R.stage_table("resnet50", stride_in="1x1")}
    order = ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4"]
    assert all(v15[a] < v15[b] for a, b in zip(order, order[1:], strict=False))
    assert v1["layer4"] > v15["layer4"]
    assert (v15["conv1"], v15["maxpool"]) == (7, 11)  # 7; then 7 + (3-1)*2


@pytest.mark.parametrize(
    "name, weighted, conv2d, blocks",
    [("resnet18", 18, 20, 8), ("resnet34", 34, 36, 16), ("resnet50", 50, 53, 16),
     ("resnet101", 101, 104, 33), ("resnet152", 152, 155, 50)],
)
def test_weighted_layers_follow_the_papers_rule(name, weighted, conv2d, blocks):
    count = R.weighted_layers(name)
    assert (count.weighted, count.conv2d, count.blocks) == (weighted, conv2d, blocks)
    model = R.build(name)
    assert sum(isinstance(m, nn.Conv2d) for m in model.modules()) == conv2d
    assert count.formula.endswith(f"= {weighted}")


def test_weighted_layers_with_other_shortcuts_count_real_modules():
    for options in ({"shortcut": "A"}, {"shortcut": "C"}, {"plain": True}):
        for name in ("resnet34", "resnet50"):
            model = R.build(name, **options)
            count = R.weighted_layers(name, **options)
            assert count.conv2d == sum(isinstance(m, nn.Conv2d) for m in model.modules())
    assert R.weighted_layers("resnet34", shortcut="C").projections == 16
    assert R.weighted_layers("resnet34", shortcut="A").projections == 0


def test_arch_as_block_and_layers_pair():
    assert R.stage_table((R.BasicBlock, [3, 4, 6, 3])) == R.stage_table("resnet34")
    assert R.stage_table(("bottleneck", (3, 4, 6, 3))) == R.stage_table("resnet50")
    assert R.weighted_layers((R.Bottleneck, (1, 1, 1, 1))).weighted == 1 + 3 * 4 + 1


def test_trace_shapes_leaves_the_model_usable():
    model = R.resnet18()
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    shapes = R.trace_shapes(model, 64, batch=3)
    assert shapes[""] == (3, 1000) and shapes["layer4"] == (3, 512, 2, 2)
    assert model.training
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert model(torch.randn(2, 3, 64, 64)).shape == (2, 1000)


def test_stage_table_is_cheap_enough_to_call_per_frame():
    # Not a timing test: just that a table is small, plain data (floats would mean drift).
    rows = R.stage_table("resnet152", 512)
    assert all(isinstance(getattr(r, f), int) for r in rows for f in
               ("blocks", "channels", "height", "width", "stride", "params", "macs"))
    assert math.isclose(rows[-3].macs / R.stage_table("resnet152", 256)[-3].macs, 4, rel_tol=0.01)
