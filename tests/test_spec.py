"""One description per network (``spec``), the rules derived from it, and the table object.

Reference values: the paper's Table 1 (block counts), torchvision's ``models/resnet.py``
(groups and width per group of ResNeXt and Wide ResNet, the inner-width formula), and
arithmetic done here by hand.
"""

from __future__ import annotations

import pytest

import resnet_lib as R
from resnet_lib import spec

# He et al. 2016, Table 1; torchvision's builders for the family.
TABLE1 = {
    "resnet18": ("basic", (2, 2, 2, 2)), "resnet34": ("basic", (3, 4, 6, 3)),
    "resnet50": ("bottleneck", (3, 4, 6, 3)), "resnet101": ("bottleneck", (3, 4, 23, 3)),
    "resnet152": ("bottleneck", (3, 8, 36, 3)),
}
TORCHVISION_FAMILY = {  # name: (layers, groups, width_per_group), torchvision/models/resnet.py
    "resnext50_32x4d": ((3, 4, 6, 3), 32, 4), "resnext101_32x8d": ((3, 4, 23, 3), 32, 8),
    "resnext101_64x4d": ((3, 4, 23, 3), 64, 4), "wide_resnet50_2": ((3, 4, 6, 3), 1, 128),
    "wide_resnet101_2": ((3, 4, 23, 3), 1, 128),
}


def test_the_five_depths_are_table1():
    for name, (block, layers) in TABLE1.items():
        a = spec.ARCHS[name]
        assert (a.block, a.layers, a.groups, a.width_per_group) == (block, layers, 1, 64)
        assert a.depth == int(name.removeprefix("resnet"))  # the name is the paper's depth
    assert spec.RESNETS == tuple(TABLE1)


def test_the_family_is_torchvisions():
    for name, (layers, groups, wpg) in TORCHVISION_FAMILY.items():
        a = spec.ARCHS[name]
        assert (a.block, a.layers, a.groups, a.width_per_group) == ("bottleneck", layers,
                                                                    groups, wpg)
    assert set(spec.ARCHS) == set(TABLE1) | set(TORCHVISION_FAMILY)


def test_block_convs_is_the_one_description_of_a_block():
    basic = spec.block_convs("basic", 64, 128, 2)
    assert [(c.kernel, c.in_channels, c.out_channels, c.stride) for c in basic] == [
        (3, 64, 128, 2), (3, 128, 128, 1)]
    v15 = spec.block_convs("bottleneck", 256, 128, 2)
    v1 = spec.block_convs("bottleneck", 256, 128, 2, stride_in="1x1")
    assert [(c.kernel, c.out_channels, c.stride) for c in v15] == [(1, 128, 1), (3, 128, 2),
                                                                 (1, 512, 1)]
    assert [c.stride for c in v1] == [2, 1, 1]
    # ResNeXt-50 32x4d, layer1: int(64 * 4 / 64) * 32 = 128 inner channels, 3x3 in 32 groups.
    rx = spec.block_convs("bottleneck", 64, 64, 1, groups=32, width_per_group=4)
    assert [(c.out_channels, c.groups) for c in rx] == [(128, 1), (128, 32), (256, 1)]
    assert rx[1].params == 3 * 3 * (128 // 32) * 128
    # Wide ResNet-50-2, layer4: 512 * 128 / 64 = 1024 inner channels, output still 2048.
    wide = spec.block_convs("bottleneck", 2048, 512, 1, width_per_group=128)
    assert [c.out_channels for c in wide] == [1024, 1024, 2048]


@pytest.mark.parametrize("inplanes, outplanes, stride, option, plain, kind", [
    (64, 64, 1, "B", False, "identity"),
    (64, 256, 1, "B", False, "projection"),  # ResNet-50's layer1[0]: channels change only
    (64, 128, 2, "B", False, "projection"),
    (64, 128, 2, "A", False, "zero-pad"),
    (64, 64, 1, "A", False, "identity"),
    (64, 64, 1, "C", False, "projection"),
    (64, 128, 2, "C", True, "none"),
])
def test_shortcut_kind_is_the_papers_options(inplanes, outplanes, stride, option, plain, kind):
    assert spec.shortcut_kind(inplanes, outplanes, stride, option, plain) == kind


def test_plan_does_make_layers_inplanes_bookkeeping():
    net = spec.plan("resnet50")
    firsts = [stage[0] for stage in net.stages]
    assert [(b.inplanes, b.planes, b.outplanes, b.stride) for b in firsts] == [
        (64, 64, 256, 1), (256, 128, 512, 2), (512, 256, 1024, 2), (1024, 512, 2048, 2)]
    assert all(b.inplanes == b.outplanes for stage in net.stages for b in stage[1:])
    assert [b.name for b in net.stages[1]] == ["layer2.0", "layer2.1", "layer2.2", "layer2.3"]
    # Downsampling only in the first block of layer2..layer4 (the paper's conv3_1..conv5_1).
    assert [b.name for b in net.blocks() if b.stride == 2] == ["layer2.0", "layer3.0",
                                                               "layer4.0"]


def test_the_model_is_built_from_the_plan():
    for name in ("resnet18", "resnext50_32x4d"):
        model, net = R.build(name, width=16), spec.plan(name, spec.options(width=16))
        for b in net.blocks():
            module = model.get_submodule(b.name)
            for c in b.convs:
                conv = getattr(module, c.name)
                assert (conv.in_channels, conv.out_channels, conv.kernel_size[0], conv.stride[0],
                        conv.groups) == (c.in_channels, c.out_channels, c.kernel, c.stride,
                                         c.groups)
            assert (module.downsample is not None) == (b.shortcut == "projection")


def test_stage_table_is_a_table_with_totals():
    t = R.stage_table("resnet34")
    assert isinstance(t, tuple) and len(t) == 8
    assert t["layer3"] is t[4] and t["layer3"].blocks == 6
    assert t.names == ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool",
                       "fc")
    assert t.params == sum(r.params for r in t) == R.count_params(R.resnet34())
    assert t.macs == sum(r.macs for r in t)
    assert t.input_size == (224, 224) and t.arch is spec.ARCHS["resnet34"]
    with pytest.raises(KeyError, match="layer5"):
        t["layer5"]  # noqa: B018


def test_conv_outputs_count_every_conv_write_by_hand():
    # ResNet-18 layer1 at 224: 2 blocks x 2 convs x 64 x 56 x 56, no projection.
    assert R.stage_table("resnet18")["layer1"].conv_outputs == 4 * 64 * 56 * 56
    # layer2: 4 convs of 128 x 28 x 28, plus the projection's 128 x 28 x 28.
    assert R.stage_table("resnet18")["layer2"].conv_outputs == 5 * 128 * 28 * 28


def test_labels_come_from_one_place():
    from resnet_lib.style import label

    assert label("resnet50") == "ResNet-50" and label("ResNet-101") == "ResNet-101"
    assert label("resnext50_32x4d") == "ResNeXt-50 (32×4d)"
    assert label("wide_resnet50_2") == "Wide ResNet-50-2"
    assert label((R.Bottleneck, (3, 4, 6, 3))) == "ResNet (Bottleneck, 3-4-6-3)"
    with pytest.raises(ValueError, match="arch"):
        label("resnet51")


def test_families_are_read_from_the_description():
    from resnet_lib.style import family

    assert [family(n) for n in spec.ARCHS] == ["ResNet"] * 5 + ["ResNeXt"] * 3 + [
        "Wide ResNet"] * 2
    assert family(("bottleneck", (1, 1, 1, 1))) == "ResNet"


@pytest.mark.parametrize("call, error, names", [
    (lambda: R.ResNet("basic", (2, 2, 2, 2), groups=32), ValueError, "groups"),
    (lambda: R.ResNet("bottleneck", (2, 2, 2, 2), groups=0), ValueError, "groups"),
    (lambda: R.ResNet("bottleneck", (2, 2, 2, 2), width_per_group=2.5), TypeError,
     "width_per_group"),
    (lambda: R.resnext50_32x4d(width=8), ValueError, "width"),
    (lambda: R.build("resnet50", stides_in="1x1"), TypeError, "stides_in"),
    (lambda: R.stage_table("resnext50_32x4d", width=8), ValueError, "width"),
])
def test_bad_family_arguments_name_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
