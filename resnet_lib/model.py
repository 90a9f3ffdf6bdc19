"""The ResNet family: one ``ResNet`` class, five named depths, and ``build(name)``.

References: He et al. 2015 (arXiv:1512.03385), Table 1; torchvision ``models/resnet.py``.

With default options every model here has exactly torchvision's ``state_dict`` (names,
shapes, order), so ``model.load_state_dict(torchvision_checkpoint, strict=True)`` works and
gives identical outputs; ``tests/test_torchvision_parity.py`` proves it with fixtures written
by real torchvision. The options are the variants a reader meets in the paper and in the
wild, each one switch away from the default:

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
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from . import _checks
from .blocks import BasicBlock, Bottleneck, block_type, make_shortcut

# name -> (block, blocks per stage); Table 1 of the paper.
ARCHS: dict[str, tuple[type[BasicBlock] | type[Bottleneck], tuple[int, int, int, int]]] = {
    "resnet18": (BasicBlock, (2, 2, 2, 2)),
    "resnet34": (BasicBlock, (3, 4, 6, 3)),
    "resnet50": (Bottleneck, (3, 4, 6, 3)),
    "resnet101": (Bottleneck, (3, 4, 23, 3)),
    "resnet152": (Bottleneck, (3, 8, 36, 3)),
}


def check_options(
    *, num_classes: int = 1000, in_channels: int = 3, width: int = 64, stem: str = "imagenet",
    stride_in: str = "3x3", shortcut: str = "B", zero_init_residual: bool = False,
    plain: bool = False, preact: bool = False,
) -> dict[str, Any]:
    """Validate the model options; the model and ``stage_table`` share these rules.

    Unknown keywords are rejected by Python itself (``TypeError: unexpected keyword``).
    """
    return dict(
        num_classes=_checks.positive_int("num_classes", num_classes),
        in_channels=_checks.positive_int("in_channels", in_channels),
        width=_checks.positive_int("width", width),
        stem=_checks.choice("stem", stem, _checks.STEMS),
        stride_in=_checks.choice("stride_in", stride_in, _checks.STRIDE_INS),
        shortcut=_checks.choice("shortcut", shortcut, _checks.SHORTCUTS),
        zero_init_residual=_checks.flag("zero_init_residual", zero_init_residual),
        plain=_checks.flag("plain", plain),
        preact=_checks.flag("preact", preact),
    )


def resolve_arch(arch: object) -> tuple[type[BasicBlock] | type[Bottleneck], tuple[int, ...]]:
    """``"resnet50"`` or ``(Bottleneck, [3, 4, 6, 3])`` -> (block class, layers)."""
    if isinstance(arch, str):
        key = arch.lower().replace("-", "").replace("_", "")
        if key not in ARCHS:
            raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHS)}")
        return ARCHS[key]
    if isinstance(arch, (tuple, list)) and len(arch) == 2:
        return block_type(arch[0]), _checks.layers(arch[1])
    raise TypeError(
        f"arch must be a name ({', '.join(ARCHS)}) or a (block, layers) pair, got {arch!r}"
    )


class ResNet(nn.Module):
    """A residual network: stem -> layer1..layer4 -> global average pool -> fc.

    Args:
        block: ``BasicBlock`` or ``Bottleneck`` (or ``"basic"`` / ``"bottleneck"``).
        layers: blocks in each of the four stages, e.g. ``(3, 4, 6, 3)``.
        num_classes: outputs of the final fully connected layer (1000 for ImageNet).
        in_channels: channels of the input image (3 for RGB).
        width: channels of the stem and of layer1; layer2..4 double it each time
            (64 -> 64/128/256/512 as in the paper).
        stem, stride_in, shortcut, zero_init_residual, plain, preact: see the module docstring.
    """

    def __init__(
        self, block: Any, layers: Any, *, num_classes: int = 1000, in_channels: int = 3,
        width: int = 64, stem: str = "imagenet", stride_in: str = "3x3", shortcut: str = "B",
        zero_init_residual: bool = False, plain: bool = False, preact: bool = False,
    ) -> None:
        super().__init__()
        block = block_type(block)
        layers = _checks.layers(layers)
        opts = check_options(
            num_classes=num_classes, in_channels=in_channels, width=width, stem=stem,
            stride_in=stride_in, shortcut=shortcut, zero_init_residual=zero_init_residual,
            plain=plain, preact=preact,
        )
        self.block, self.layers, self.options = block, layers, opts
        self.in_channels = in_channels
        self._stride_in, self._shortcut = stride_in, shortcut
        self._plain, self._preact = plain, preact

        self.inplanes = width
        if stem == "imagenet":
            # 7x7/2 conv then 3x3/2 max pool: 224 -> 112 -> 56 before any residual block.
            self.conv1 = nn.Conv2d(in_channels, width, kernel_size=7, stride=2, padding=3,
                                   bias=False)
        else:
            # Small images (CIFAR, 32x32): a 3x3/1 conv and no pooling keeps the full size.
            self.conv1 = nn.Conv2d(in_channels, width, kernel_size=3, stride=1, padding=1,
                                   bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = (nn.MaxPool2d(kernel_size=3, stride=2, padding=1) if stem == "imagenet"
                        else nn.Identity())
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        if preact:
            # v2 blocks end on a conv, so the head needs its own BN + ReLU.
            self.bn_final = nn.BatchNorm2d(self.inplanes)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)

        # torchvision's initialisation, so that a fresh model behaves like a fresh torchvision one.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # The last BN of each residual branch starts at gamma = 0: F(x) = 0, block = identity.
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block: Any, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        """One stage: the first block may change the shape (stride, channels); the rest keep it."""
        layers = []
        for i in range(blocks):
            s = stride if i == 0 else 1
            outplanes = planes * block.expansion
            downsample = make_shortcut(self.inplanes, outplanes, s, self._shortcut,
                                       plain=self._plain, preact=self._preact)
            kwargs: dict[str, Any] = dict(plain=self._plain, preact=self._preact)
            if block is Bottleneck:
                kwargs["stride_in"] = self._stride_in
            layers.append(block(self.inplanes, planes, s, downsample, **kwargs))
            self.inplanes = outplanes
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"input must be a torch.Tensor of shape (N, C, H, W), got "
                            f"{type(x).__name__}")
        if x.dim() != 4:
            raise ValueError(f"input must be 4-D (N, C, H, W), got shape {tuple(x.shape)}")
        if x.shape[1] != self.in_channels:
            raise ValueError(f"input has {x.shape[1]} channels but the model expects "
                             f"in_channels={self.in_channels}; shape {tuple(x.shape)}")
        if not x.is_floating_point():
            raise TypeError(f"input must be a floating-point tensor, got dtype {x.dtype}")

        x = self.conv1(x)  # (N, 64, 112, 112) at 224x224
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)  # (N, 64, 56, 56)

        x = self.layer1(x)  # (N, 64*e, 56, 56), e = block.expansion
        x = self.layer2(x)  # (N, 128*e, 28, 28)
        x = self.layer3(x)  # (N, 256*e, 14, 14)
        x = self.layer4(x)  # (N, 512*e, 7, 7)
        if self._preact:
            x = torch.relu(self.bn_final(x))

        x = self.avgpool(x)  # (N, 512*e, 1, 1)
        x = torch.flatten(x, 1)  # (N, 512*e)
        x = self.fc(x)  # (N, num_classes)
        return x


def _factory(name: str):
    block, layers = ARCHS[name]

    def make(**options: Any) -> ResNet:
        return ResNet(block, layers, **options)

    depth = name.removeprefix("resnet")
    make.__name__ = make.__qualname__ = name
    make.__doc__ = (
        f"ResNet-{depth}: {block.__name__} x {list(layers)}. Takes the options of ``ResNet``; "
        f"with the defaults its state_dict is torchvision's ``{name}``."
    )
    return make


resnet18 = _factory("resnet18")
resnet34 = _factory("resnet34")
resnet50 = _factory("resnet50")
resnet101 = _factory("resnet101")
resnet152 = _factory("resnet152")


def build(name: str, **options: Any) -> ResNet:
    """Build a model by name, e.g. ``build("resnet50", stride_in="1x1")``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {', '.join(ARCHS)}; got {name!r}")
    block, layers = resolve_arch(name)
    return ResNet(block, layers, **options)
