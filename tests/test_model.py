"""The model's options behave as the paper describes, and bad arguments get clear errors."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import resnet_lib as R


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_expansion():
    assert (R.BasicBlock.expansion, R.Bottleneck.expansion) == (1, 4)


def test_named_builders_equal_build():
    for name, fn in [("resnet18", R.resnet18), ("resnet50", R.resnet50)]:
        a, b = fn(stem="cifar"), R.build(name, stem="cifar")
        assert [(k, v.shape) for k, v in a.state_dict().items()] == [
            (k, v.shape) for k, v in b.state_dict().items()]


def test_forward_shapes_at_224():
    model = R.resnet34().eval()
    with torch.no_grad():
        assert model(torch.randn(2, 3, 224, 224)).shape == (2, 1000)


def test_block_parameter_counts_by_hand():
    # BasicBlock 64->64: two 3x3x64x64 convs = 73,728 weights (+ 4*64 BN).
    basic = R.BasicBlock(64, 64)
    assert n_params(basic) == 2 * 3 * 3 * 64 * 64 + 2 * 2 * 64
    # Bottleneck 256->64->256: 1x1 256*64 + 3x3 64*64*9 + 1x1 64*256 = 69,632 weights.
    bottleneck = R.Bottleneck(256, 64)
    conv_weights = sum(m.weight.numel() for m in bottleneck.modules() if isinstance(m, nn.Conv2d))
    assert conv_weights == 256 * 64 + 9 * 64 * 64 + 64 * 256 == 69_632


def test_stride_placement_moves_the_stride_only():
    v15, v1 = R.resnet50(), R.resnet50(stride_in="1x1")
    for model, s1, s2 in ((v15, (1, 1), (2, 2)), (v1, (2, 2), (1, 1))):
        block = model.layer2[0]
        assert (block.conv1.stride, block.conv2.stride) == (s1, s2)
        assert block.downsample[0].stride == (2, 2)
    assert R.resnet18(stride_in="1x1").layer2[0].conv1.stride == (2, 2)  # basic: always conv1


def test_resnet50_has_a_stride_1_projection_in_layer1():
    ds = R.resnet50().layer1[0].downsample
    assert ds[0].in_channels == 64 and ds[0].out_channels == 256 and ds[0].stride == (1, 1)
    assert R.resnet34().layer1[0].downsample is None


def test_shortcut_a_has_no_parameters_and_pads_with_zeros():
    a, b, plain = R.resnet34(shortcut="A"), R.resnet34(), R.resnet34(plain=True)
    assert n_params(a) == n_params(plain)
    # B adds exactly three projections: 1x1 conv + BN each (64->128, 128->256, 256->512).
    assert n_params(b) - n_params(a) == sum(c * 2 * c + 2 * 2 * c for c in (64, 128, 256))
    shortcut = a.layer2[0].downsample
    x = torch.randn(2, 64, 8, 8)
    y = shortcut(x)
    assert y.shape == (2, 128, 4, 4)
    assert torch.equal(y[:, :64], x[:, :, ::2, ::2]) and not y[:, 64:].any()


def test_shortcut_c_projects_every_block():
    c = R.resnet34(shortcut="C")
    blocks = [blk for layer in (c.layer1, c.layer2, c.layer3, c.layer4) for blk in layer]
    assert len(blocks) == 16 and all(isinstance(b.downsample, nn.Sequential) for b in blocks)


def test_plain_network_really_has_no_shortcut():
    block = R.resnet18(plain=True).layer1[0].eval()
    for m in block.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.zeros_(m.weight)
    x = torch.rand(1, 64, 8, 8)
    assert not block(x).any()  # zero convs and no shortcut: nothing passes
    residual = R.resnet18().layer1[0].eval()
    for m in residual.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.zeros_(m.weight)
    assert torch.equal(residual(x), x)  # relu(0 + x) = x for x >= 0


def test_zero_init_residual_makes_every_block_the_identity():
    for name in ("resnet18", "resnet50"):
        model = R.build(name, zero_init_residual=True).eval()
        for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
            for block in layer[1:]:  # blocks whose shortcut is the identity
                x = torch.rand(1, block.conv1.in_channels, 6, 6)
                with torch.no_grad():
                    assert torch.equal(block(x), x)
        last = model.layer4[-1]
        gamma = last.bn3.weight if name == "resnet50" else last.bn2.weight
        assert not gamma.any()


def test_preact_blocks_use_bn_relu_conv_order_and_a_clean_identity():
    model = R.resnet18(preact=True).eval()
    block = model.layer1[0]
    assert block.bn1.num_features == 64 and block.bn2.num_features == 64
    nn.init.zeros_(block.conv2.weight)
    x = torch.randn(1, 64, 5, 5)  # negative values survive: no ReLU after the add
    with torch.no_grad():
        assert torch.equal(block(x), x)
    assert isinstance(model.bn_final, nn.BatchNorm2d)
    assert model(torch.randn(2, 3, 64, 64)).shape == (2, 1000)


def test_cifar_stem():
    model = R.resnet18(stem="cifar", num_classes=10)
    assert model.conv1.kernel_size == (3, 3) and model.conv1.stride == (1, 1)
    assert isinstance(model.maxpool, nn.Identity)
    assert R.trace_shapes(model, 32)["layer4"] == (1, 512, 4, 4)


def test_width_in_channels_num_classes():
    model = R.resnet50(width=16, in_channels=1, num_classes=7)
    assert model.conv1.in_channels == 1 and model.layer4[0].conv3.out_channels == 16 * 8 * 4
    assert model(torch.randn(2, 1, 40, 40)).shape == (2, 7)


def test_inplace_add_is_safe_for_autograd():
    model = R.resnet18(stem="cifar", width=8)
    x = torch.randn(2, 3, 16, 16, requires_grad=True)
    model(x).sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


# --- bad input: a clear ValueError/TypeError naming the argument -------------------------

@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: R.build("resnet51"), ValueError, ["resnet51", "resnet18", "resnet152"]),
        (lambda: R.build(50), TypeError, ["name", "resnet50"]),
        (lambda: R.ResNet(R.BasicBlock, [2, 2, 2]), ValueError, ["layers", "four"]),
        (lambda: R.ResNet(R.BasicBlock, [2, 0, 2, 2]), ValueError, ["layers[1]", "0"]),
        (lambda: R.ResNet(R.BasicBlock, [2, 2.5, 2, 2]), ValueError, ["layers[1]"]),
        (lambda: R.ResNet(R.BasicBlock, "2222"), TypeError, ["layers"]),
        (lambda: R.ResNet("conv", [2, 2, 2, 2]), ValueError, ["block", "Bottleneck"]),
        (lambda: R.resnet18(width=0), ValueError, ["width", "0"]),
        (lambda: R.resnet18(width=-8), ValueError, ["width", "-8"]),
        (lambda: R.resnet18(width=6.5), TypeError, ["width", "6.5"]),
        (lambda: R.resnet18(in_channels=0), ValueError, ["in_channels"]),
        (lambda: R.resnet18(in_channels=True), TypeError, ["in_channels"]),
        (lambda: R.resnet18(num_classes=0), ValueError, ["num_classes"]),
        (lambda: R.resnet18(num_classes="10"), TypeError, ["num_classes"]),
        (lambda: R.resnet18(stem="tiny"), ValueError, ["stem", "'imagenet'", "'cifar'"]),
        (lambda: R.resnet50(stride_in="2x2"), ValueError, ["stride_in", "'3x3'", "'1x1'"]),
        (lambda: R.resnet50(shortcut="D"), ValueError, ["shortcut", "'A'", "'B'", "'C'"]),
        (lambda: R.resnet50(shortcut="b"), ValueError, ["shortcut"]),
        (lambda: R.resnet50(zero_init_residual=1), TypeError, ["zero_init_residual"]),
        (lambda: R.resnet50(plain="yes"), TypeError, ["plain"]),
        (lambda: R.stage_table("resnet51"), ValueError, ["resnet51", "resnet34"]),
        (lambda: R.stage_table("resnet18", 0), ValueError, ["input_size", "0"]),
        (lambda: R.stage_table("resnet18", -32), ValueError, ["input_size", "-32"]),
        (lambda: R.stage_table("resnet18", 22.4), TypeError, ["input_size"]),
        (lambda: R.stage_table("resnet18", "224"), TypeError, ["input_size"]),
        (lambda: R.stage_table("resnet18", (224, 0)), ValueError, ["width", "0"]),
        (lambda: R.stage_table("resnet18", (224,)), TypeError, ["input_size"]),
        (lambda: R.stage_table("resnet18", stem="x"), ValueError, ["stem"]),
        (lambda: R.stage_table(42), TypeError, ["arch"]),
        (lambda: R.weighted_layers("vgg16"), ValueError, ["vgg16"]),
        (lambda: R.trace_shapes("resnet18"), TypeError, ["model", "Module"]),
        (lambda: R.trace_shapes(R.resnet18(), 0), ValueError, ["input_size"]),
        (lambda: R.conv_out(0, 3), ValueError, ["size"]),
        (lambda: R.conv_out(8, 3, 0), ValueError, ["stride"]),
        (lambda: R.conv_out(8, 3, 1, -1), ValueError, ["padding"]),
        (lambda: R.conv_out(2, 7), ValueError, ["too small"]),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError, match="stides_in"):
        R.resnet50(stides_in="1x1")
    with pytest.raises(TypeError, match="stides_in"):
        R.stage_table("resnet50", stides_in="1x1")
