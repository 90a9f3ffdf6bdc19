"""The ResNet family: one ``ResNet`` class, ten named builders, and ``build(name)``.

References: He et al. 2016 (CVPR; arXiv:1512.03385), Table 1; torchvision ``models/resnet.py``.

With default options every model here has exactly torchvision's ``state_dict`` (names,
shapes, order), so ``model.load_state_dict(torchvision_checkpoint, strict=True)`` works and
gives identical outputs; ``tests/test_torchvision_parity.py`` proves it with fixtures written
by real torchvision. The networks themselves are described once, in ``spec.ARCHS``; the
options (``spec.Options``) are the variants a reader meets in the paper and in the wild, each
one switch away from the default:

========================  ==================================================================
option                    why it exists
========================  ==================================================================
``stem="cifar"``          3x3 stride-1 conv and no max pool: keeps 32x32 images from
                          collapsing to 1x1 before layer4.
``stride_in="1x1"``       the paper's Bottleneck (v1); torchvision's is ``"3x3"`` (v1.5).
``shortcut="A"/"B"/"C"``  the paper's three shortcut options (Sec. 3.3); torchvision uses B.
``zero_init_residual``    each block starts as the identity (Goyal et al. 2017).
``plain=True``            no shortcuts at all: the paper's plain baselines.
``preact=True``           BN -> ReLU -> conv blocks (ResNet v2, He et al. 2016).
========================  ==================================================================

The models check their arguments when built (where a reader types them) and nothing in
``forward``: torch reports a wrongly shaped tensor itself, and a check on the input would
stop ``torch.fx.symbolic_trace``, ``torch.export`` and every tool built on them.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from . import spec
from .blocks import build_block, conv


class ResNet(nn.Module):
    """A residual network: stem -> layer1..layer4 -> global average pool -> fc.

    Args:
        block: ``BasicBlock`` or ``Bottleneck`` (or ``"basic"`` / ``"bottleneck"``).
        layers: blocks in each of the four stages, e.g. ``(3, 4, 6, 3)``.
        groups, width_per_group: ResNeXt's cardinality and width per group; Wide ResNet's
            doubled width is ``width_per_group=128`` (torchvision's arguments).
        **options: ``num_classes``, ``in_channels``, ``width``, ``stem``, ``stride_in``,
            ``shortcut``, ``zero_init_residual``, ``plain``, ``preact``: see ``spec.Options``.
    """

    def __init__(self, block: Any, layers: Any, *, groups: int = 1, width_per_group: int = 64,
                 **options: Any) -> None:
        super().__init__()
        arch = spec.custom(block, layers, groups, width_per_group)
        opts = spec.options(**options)
        self.arch, self.options = arch, opts
        self.in_channels = opts.in_channels
        net = spec.plan(arch, opts)

        # ImageNet stem: 7x7/2 conv then 3x3/2 max pool, 224 -> 112 -> 56 before any block.
        # CIFAR stem: a 3x3/1 conv and no pooling keeps a 32x32 image at full size.
        self.conv1 = conv(net.conv1)
        self.bn1 = nn.BatchNorm2d(net.conv1.out_channels)
        self.relu = nn.ReLU(inplace=True)
        pool = net.maxpool
        self.maxpool = (nn.MaxPool2d(pool.kernel, pool.stride, pool.padding) if pool
                        else nn.Identity())
        self.layer1 = self._make_layer(net.stages[0])
        self.layer2 = self._make_layer(net.stages[1])
        self.layer3 = self._make_layer(net.stages[2])
        self.layer4 = self._make_layer(net.stages[3])
        self.preact = opts.preact
        if opts.preact:
            # v2 blocks end on a conv, so the head needs its own BN + ReLU.
            self.bn_final = nn.BatchNorm2d(net.features)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(net.features, opts.num_classes)

        # torchvision's initialisation, so that a fresh model behaves like a fresh torchvision one.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if opts.zero_init_residual:
            # The last BN of each residual branch starts at gamma = 0: F(x) = 0, block = identity.
            for m in self.modules():
                if hasattr(m, "zero_init_last"):
                    m.zero_init_last()

    def _make_layer(self, blocks: tuple[spec.BlockPlan, ...]) -> nn.Sequential:
        """One stage. torchvision's ``_make_layer(block, planes, blocks, stride)`` keeps a running
        ``self.inplanes``; here ``spec.plan`` has done that bookkeeping for every block."""
        return nn.Sequential(*(build_block(b, self.arch, self.options) for b in blocks))

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)  # (N, 64, 112, 112) at 224x224
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)  # (N, 64, 56, 56)

        x = self.layer1(x)  # (N, 64*e, 56, 56), e = block.expansion
        x = self.layer2(x)  # (N, 128*e, 28, 28)
        x = self.layer3(x)  # (N, 256*e, 14, 14)
        x = self.layer4(x)  # (N, 512*e, 7, 7)
        if self.preact:
            x = torch.relu(self.bn_final(x))

        x = self.avgpool(x)  # (N, 512*e, 1, 1)
        x = torch.flatten(x, 1)  # (N, 512*e)
        x = self.fc(x)  # (N, num_classes)
        return x


def build(name: str, **options: Any) -> ResNet:
    """Build a model by name, e.g. ``build("resnet50", stride_in="1x1")``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {', '.join(spec.ARCHS)}; got {name!r}")
    arch = spec.resolve(name)
    return ResNet(arch.block, arch.layers, groups=arch.groups,
                  width_per_group=arch.width_per_group, **options)


def _builder(name: str):
    arch = spec.ARCHS[name]

    def make(**options: Any) -> ResNet:
        return build(name, **options)

    make.__name__ = make.__qualname__ = name
    extra = (f", groups={arch.groups}, width_per_group={arch.width_per_group}"
             if (arch.groups, arch.width_per_group) != (1, 64) else "")
    make.__doc__ = (
        f"{arch.label}: {arch.block} blocks x {list(arch.layers)}{extra}. Takes the options "
        f"of ``ResNet``; with the defaults its state_dict is torchvision's ``{name}``."
    )
    return make


resnet18 = _builder("resnet18")
resnet34 = _builder("resnet34")
resnet50 = _builder("resnet50")
resnet101 = _builder("resnet101")
resnet152 = _builder("resnet152")
resnext50_32x4d = _builder("resnext50_32x4d")
resnext101_32x8d = _builder("resnext101_32x8d")
resnext101_64x4d = _builder("resnext101_64x4d")
wide_resnet50_2 = _builder("wide_resnet50_2")
wide_resnet101_2 = _builder("wide_resnet101_2")
