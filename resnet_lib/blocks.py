"""The residual blocks of ResNet, and the shortcuts that join them.

References: He et al. 2016, "Deep Residual Learning for Image Recognition" (arXiv:1512.03385,
Fig. 5 and Sec. 3.3); He et al. 2016, "Identity Mappings in Deep Residual Networks"
(arXiv:1603.05027) for the pre-activation blocks; torchvision ``models/resnet.py``, whose
attribute names (conv1, bn1, conv2, bn2, conv3, bn3, downsample) and constructor arguments
(inplanes, planes, stride, downsample, groups, base_width) we keep, so that every torchvision
checkpoint loads into our blocks unchanged.

A block computes ``y = relu(F(x) + shortcut(x))``. ``F`` is two 3x3 convs (BasicBlock) or a
1x1 -> 3x3 -> 1x1 "bottleneck" (Bottleneck); which convs exactly is said once, in
``spec.block_convs``, and the blocks build what it lists. The shortcut is the identity when the
shape is unchanged; otherwise ``make_shortcut`` builds the paper's option A (zero padding) or a
1x1 projection (options B and C), as ``spec.shortcut_kind`` decides.

``residual=False`` drops the addition (the paper's plain baselines: the same layers, no
shortcut). ``PreActBasicBlock`` and ``PreActBottleneck`` are the BN -> ReLU -> conv blocks of
ResNet v2, their own classes (as in timm) rather than a flag threaded through every line.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from . import spec


def conv(c: spec.Conv) -> nn.Conv2d:
    """The ``nn.Conv2d`` a ``spec.Conv`` describes (bias-free: a BN follows every conv)."""
    return nn.Conv2d(c.in_channels, c.out_channels, kernel_size=c.kernel, stride=c.stride,
                     padding=c.padding, groups=c.groups, bias=False)


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1: keeps the size at stride 1, halves it at stride 2."""
    return conv(spec.Conv("conv", in_planes, out_planes, 3, stride))


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution: mixes channels; at stride 2 it reads one position in four."""
    return conv(spec.Conv("conv", in_planes, out_planes, 1, stride))


class ZeroPadShortcut(nn.Module):
    """Option A: the identity, subsampled by ``stride`` and zero-padded to ``out_channels``.

    It has no parameters, so a network with option A has the same parameter count as the
    plain network of the same depth. The new channels carry zeros: the block's ``F`` alone
    has to produce them, which is why the paper finds option B slightly better.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(
                f"a zero-padding shortcut cannot reduce channels ({in_channels} -> {out_channels})"
            )
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride

    def forward(self, x: Tensor) -> Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]  # (N, C_in, ceil(H/s), ceil(W/s))
        extra = self.out_channels - self.in_channels
        return F.pad(x, (0, 0, 0, 0, 0, extra))  # (N, C_out, H', W'), new channels are 0

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}, stride={self.stride}"


def make_shortcut(plan: spec.BlockPlan, *, preact: bool = False) -> nn.Module | None:
    """The ``downsample`` module of one block, or ``None`` for the identity (or no shortcut).

    Mirrors torchvision's ``_make_layer``: the projection is ``Sequential(conv1x1, BN)``, so its
    parameters are named ``downsample.0.weight`` and ``downsample.1.*`` as in every checkpoint.
    In a pre-activation block the projection is a bare 1x1 conv (it reads the already
    normalised input, as in He et al. 2016).
    """
    if plan.shortcut == "zero-pad":
        return ZeroPadShortcut(plan.inplanes, plan.outplanes, plan.stride)
    if plan.shortcut != "projection":
        return None
    projection = conv(plan.projection)
    if preact:
        return nn.Sequential(projection)
    return nn.Sequential(projection, nn.BatchNorm2d(plan.outplanes))


class BasicBlock(nn.Module):
    """Two 3x3 convs; ResNet-18 and ResNet-34 are made of these (2 weighted layers each).

    Args:
        inplanes: channels coming in.
        planes: channels of both convs and of the output (``expansion = 1``).
        stride: 2 in the first block of layer2..layer4, where the map is halved; else 1.
        downsample: the shortcut module when the shape changes (see ``make_shortcut``).
        groups, base_width: accepted for torchvision's signature; a BasicBlock has only 1, 64.
        residual: ``False`` drops the shortcut (the paper's plain baseline).
    """

    expansion = spec.EXPANSION["basic"]
    kind = "basic"

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 *, residual: bool = True) -> None:
        super().__init__()
        c1, c2 = spec.block_convs("basic", inplanes, planes, stride, groups=groups,
                                  width_per_group=base_width)
        self.conv1 = conv(c1)  # 3x3, stride
        self.bn1 = nn.BatchNorm2d(c1.out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv(c2)  # 3x3
        self.bn2 = nn.BatchNorm2d(c2.out_channels)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def zero_init_last(self) -> None:
        """gamma = 0 in the last BN: F(x) = 0, so the block starts as the identity."""
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        identity = x

        out = self.conv1(x)  # (N, planes, H/s, W/s)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)  # (N, planes, H/s, W/s)
        out = self.bn2(out)

        if self.downsample is not None:
            identity = self.downsample(x)  # (N, planes, H/s, W/s)
        if self.residual:
            out += identity  # add first, then the ReLU (the paper's Fig. 2)
        out = self.relu(out)
        return out


class Bottleneck(nn.Module):
    """1x1 (reduce) -> 3x3 -> 1x1 (expand x4); ResNet-50/101/152 are made of these.

    Args:
        inplanes: channels coming in (e.g. 256 inside layer1 of ResNet-50).
        planes: sets the width: the inner 1x1 and 3x3 convs have
            ``int(planes * base_width / 64) * groups`` channels (``planes`` for ResNet), the
            output ``planes * expansion`` (= 4 x planes).
        stride: 2 in the first block of layer2..layer4, else 1.
        downsample: the shortcut module when the shape changes.
        groups, base_width: ResNeXt's cardinality and width per group (32, 4 for
            ResNeXt-50 32x4d); Wide ResNet-50-2 has base_width 128.
        stride_in: ``"3x3"`` puts the stride on the 3x3 conv, as torchvision does ("ResNet
            v1.5"); ``"1x1"`` puts it on the first 1x1 conv, as the paper's text does
            ("v1"), which then discards 3 of 4 positions before any 3x3 sees them.
        residual: ``False`` drops the shortcut (the paper's plain baseline).
    """

    expansion = spec.EXPANSION["bottleneck"]
    kind = "bottleneck"

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 *, stride_in: str = "3x3", residual: bool = True) -> None:
        super().__init__()
        c1, c2, c3 = spec.block_convs("bottleneck", inplanes, planes, stride, groups=groups,
                                      width_per_group=base_width, stride_in=stride_in)
        self.conv1 = conv(c1)  # 1x1 reduce
        self.bn1 = nn.BatchNorm2d(c1.out_channels)
        # torchvision departs from the paper here: the stride sits on the 3x3 conv (v1.5).
        self.conv2 = conv(c2)  # 3x3 (grouped in ResNeXt)
        self.bn2 = nn.BatchNorm2d(c2.out_channels)
        self.conv3 = conv(c3)  # 1x1 expand
        self.bn3 = nn.BatchNorm2d(c3.out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def zero_init_last(self) -> None:
        """gamma = 0 in the last BN: F(x) = 0, so the block starts as the identity."""
        nn.init.zeros_(self.bn3.weight)

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        identity = x

        out = self.conv1(x)  # (N, width, H, W), or H/s with stride_in="1x1"
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)  # (N, width, H/s, W/s)
        out = self.bn2(out)
        out = self.relu(out)

        out = self.conv3(out)  # (N, 4*planes, H/s, W/s)
        out = self.bn3(out)

        if self.downsample is not None:
            identity = self.downsample(x)  # (N, 4*planes, H/s, W/s)
        if self.residual:
            out += identity
        out = self.relu(out)
        return out


class PreActBasicBlock(nn.Module):
    """BasicBlock in the v2 order: BN -> ReLU -> 3x3 -> BN -> ReLU -> 3x3, then ``+ x``.

    No ReLU after the addition, so the identity path carries ``x`` to the next block
    unchanged (He et al. 2016, Eqs. 4-5). A projection reads the normalised input.
    """

    expansion = spec.EXPANSION["basic"]
    kind = "basic"

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 *, residual: bool = True) -> None:
        super().__init__()
        c1, c2 = spec.block_convs("basic", inplanes, planes, stride, groups=groups,
                                  width_per_group=base_width)
        self.bn1 = nn.BatchNorm2d(c1.in_channels)  # normalises the block's input
        self.conv1 = conv(c1)
        self.bn2 = nn.BatchNorm2d(c2.in_channels)
        self.conv2 = conv(c2)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def zero_init_last(self) -> None:
        """gamma = 0 in the BN before the last conv: F(x) = 0 at the start."""
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        out = F.relu(self.bn1(x))  # pre-activation
        identity = x if self.downsample is None else self.downsample(out)
        out = self.conv1(out)  # (N, planes, H/s, W/s)

        out = F.relu(self.bn2(out))
        out = self.conv2(out)  # (N, planes, H/s, W/s)

        if self.residual:
            out = out + identity  # no ReLU after the add: a clean identity path
        return out


class PreActBottleneck(nn.Module):
    """Bottleneck in the v2 order: (BN -> ReLU -> conv) x 3 (1x1, 3x3, 1x1), then ``+ x``."""

    expansion = spec.EXPANSION["bottleneck"]
    kind = "bottleneck"

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 *, stride_in: str = "3x3", residual: bool = True) -> None:
        super().__init__()
        c1, c2, c3 = spec.block_convs("bottleneck", inplanes, planes, stride, groups=groups,
                                      width_per_group=base_width, stride_in=stride_in)
        self.bn1 = nn.BatchNorm2d(c1.in_channels)
        self.conv1 = conv(c1)
        self.bn2 = nn.BatchNorm2d(c2.in_channels)
        self.conv2 = conv(c2)
        self.bn3 = nn.BatchNorm2d(c3.in_channels)
        self.conv3 = conv(c3)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def zero_init_last(self) -> None:
        """gamma = 0 in the BN before the last conv: F(x) = 0 at the start."""
        nn.init.zeros_(self.bn3.weight)

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        out = F.relu(self.bn1(x))
        identity = x if self.downsample is None else self.downsample(out)
        out = self.conv1(out)  # (N, width, ...)

        out = F.relu(self.bn2(out))
        out = self.conv2(out)  # (N, width, H/s, W/s)

        out = F.relu(self.bn3(out))
        out = self.conv3(out)  # (N, 4*planes, H/s, W/s)

        if self.residual:
            out = out + identity
        return out


#: (kind, preact) -> block class: what ``model.ResNet`` builds for each plan entry.
BLOCK_CLASSES = {
    ("basic", False): BasicBlock, ("bottleneck", False): Bottleneck,
    ("basic", True): PreActBasicBlock, ("bottleneck", True): PreActBottleneck,
}


def build_block(plan: spec.BlockPlan, arch: spec.ArchSpec, opts: spec.Options) -> nn.Module:
    """The block ``plan`` describes, with its shortcut, under the model's options."""
    cls = BLOCK_CLASSES[plan.block, opts.preact]
    kwargs = {"stride_in": opts.stride_in} if plan.block == "bottleneck" else {}
    return cls(plan.inplanes, plan.planes, plan.stride, make_shortcut(plan, preact=opts.preact),
               arch.groups, arch.width_per_group, residual=not opts.plain, **kwargs)


__all__ = [
    "BLOCK_CLASSES", "BasicBlock", "Bottleneck", "PreActBasicBlock", "PreActBottleneck",
    "ZeroPadShortcut", "build_block", "conv", "conv1x1", "conv3x3", "make_shortcut",
]
