"""The two residual blocks of ResNet, and the shortcuts that join them.

References: He et al. 2015, "Deep Residual Learning for Image Recognition" (arXiv:1512.03385,
Fig. 5 and Sec. 3.3); He et al. 2016, "Identity Mappings in Deep Residual Networks"
(arXiv:1603.05027) for the pre-activation ordering; torchvision ``models/resnet.py``, whose
attribute names (conv1, bn1, conv2, bn2, conv3, bn3, downsample) we keep so that every
torchvision checkpoint loads into our blocks unchanged.

A block computes ``y = relu(F(x) + shortcut(x))``. ``F`` is two 3x3 convs (BasicBlock) or a
1x1 -> 3x3 -> 1x1 "bottleneck" (Bottleneck). The shortcut is the identity when the shape is
unchanged; when a block changes the shape (stride 2 and/or more channels) the shortcut is one
of the paper's options:

- "A": identity with zero-padding for the new channels and subsampling for the stride
  (no parameters);
- "B": a 1x1 projection (conv + BN) only where the shape changes, identity elsewhere
  (torchvision's choice, and the default);
- "C": a 1x1 projection on every block.

Two teaching variants reuse the same blocks: ``plain=True`` removes the shortcut altogether
(the paper's "plain" baselines), and ``preact=True`` uses the BN -> ReLU -> conv ordering of
ResNet v2, whose identity path carries ``x`` through unchanged.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1: keeps the size at stride 1, halves it at stride 2."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution: mixes channels; at stride 2 it reads one position in four."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


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


def make_shortcut(
    inplanes: int, outplanes: int, stride: int, shortcut: str, *, plain: bool = False,
    preact: bool = False,
) -> nn.Module | None:
    """The ``downsample`` module of one block, or ``None`` for a bare identity.

    Mirrors torchvision's ``_make_layer``: the projection is ``Sequential(conv1x1, BN)``, so its
    parameters are named ``downsample.0.weight`` and ``downsample.1.*`` as in every checkpoint.
    In a pre-activation block the projection is a bare 1x1 conv (it reads the already
    normalised input, as in He et al. 2016).
    """
    if plain:
        return None
    changes_shape = stride != 1 or inplanes != outplanes
    if shortcut == "A":
        return ZeroPadShortcut(inplanes, outplanes, stride) if changes_shape else None
    if shortcut == "B" and not changes_shape:
        return None
    if preact:
        return nn.Sequential(conv1x1(inplanes, outplanes, stride))
    return nn.Sequential(conv1x1(inplanes, outplanes, stride), nn.BatchNorm2d(outplanes))


class BasicBlock(nn.Module):
    """Two 3x3 convs; ResNet-18 and ResNet-34 are made of these (2 weighted layers each).

    Args:
        inplanes: channels coming in.
        planes: channels of both convs and of the output (``expansion = 1``).
        stride: 2 in the first block of layer2..layer4, where the map is halved; else 1.
        downsample: the shortcut module when the shape changes (see ``make_shortcut``).
        plain: drop the shortcut (the paper's plain baseline).
        preact: BN -> ReLU -> conv ordering (ResNet v2).
    """

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
        *, plain: bool = False, preact: bool = False,
    ) -> None:
        super().__init__()
        self.plain, self.preact = plain, preact
        if preact:
            self.bn1 = nn.BatchNorm2d(inplanes)  # normalises the block's input
        self.conv1 = conv3x3(inplanes, planes, stride)
        if not preact:
            self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        if preact:
            self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        if not preact:
            self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        if self.preact:
            return self._forward_preact(x)
        identity = x

        out = self.conv1(x)  # (N, planes, H/s, W/s)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)  # (N, planes, H/s, W/s)
        out = self.bn2(out)

        if self.plain:
            return self.relu(out)
        if self.downsample is not None:
            identity = self.downsample(x)  # (N, planes, H/s, W/s)
        out += identity  # add first, then the ReLU (the paper's Fig. 2)
        out = self.relu(out)
        return out

    def _forward_preact(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(x))  # (N, inplanes, H, W): pre-activation
        identity = x
        if self.downsample is not None:
            identity = self.downsample(out)  # v2: the projection reads the normalised input
        out = self.conv1(out)  # (N, planes, H/s, W/s)

        out = F.relu(self.bn2(out))
        out = self.conv2(out)  # (N, planes, H/s, W/s)

        if self.plain:
            return out
        return out + identity  # no ReLU after the add: a clean identity path


class Bottleneck(nn.Module):
    """1x1 (reduce) -> 3x3 -> 1x1 (expand x4); ResNet-50/101/152 are made of these.

    Args:
        inplanes: channels coming in (e.g. 256 inside layer1 of ResNet-50).
        planes: channels of the inner 1x1 and 3x3 convs; the output has
            ``planes * expansion`` (= 4 x planes) channels.
        stride: 2 in the first block of layer2..layer4, else 1.
        downsample: the shortcut module when the shape changes.
        stride_in: ``"3x3"`` puts the stride on the 3x3 conv, as torchvision does ("ResNet
            v1.5"; about +0.5% top-1, +6% MACs); ``"1x1"`` puts it on the first 1x1 conv, as the
            paper does ("v1"), which then discards 3 of 4 positions before any 3x3 sees them.
        plain, preact: as for ``BasicBlock``.
    """

    expansion = 4

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
        *, stride_in: str = "3x3", plain: bool = False, preact: bool = False,
    ) -> None:
        super().__init__()
        _checks.choice("stride_in", stride_in, _checks.STRIDE_INS)
        self.plain, self.preact = plain, preact
        out_planes = planes * self.expansion
        stride_1x1, stride_3x3 = (stride, 1) if stride_in == "1x1" else (1, stride)
        if preact:
            self.bn1 = nn.BatchNorm2d(inplanes)
        self.conv1 = conv1x1(inplanes, planes, stride_1x1)
        if not preact:
            self.bn1 = nn.BatchNorm2d(planes)
        if preact:
            self.bn2 = nn.BatchNorm2d(planes)
        # torchvision departs from the paper here: the stride sits on the 3x3 conv (v1.5).
        self.conv2 = conv3x3(planes, planes, stride_3x3)
        if not preact:
            self.bn2 = nn.BatchNorm2d(planes)
        if preact:
            self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, out_planes)
        if not preact:
            self.bn3 = nn.BatchNorm2d(out_planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:  # x: (N, inplanes, H, W)
        if self.preact:
            return self._forward_preact(x)
        identity = x

        out = self.conv1(x)  # (N, planes, H, W), or H/s with stride_in="1x1"
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)  # (N, planes, H/s, W/s)
        out = self.bn2(out)
        out = self.relu(out)

        out = self.conv3(out)  # (N, 4*planes, H/s, W/s)
        out = self.bn3(out)

        if self.plain:
            return self.relu(out)
        if self.downsample is not None:
            identity = self.downsample(x)  # (N, 4*planes, H/s, W/s)
        out += identity
        out = self.relu(out)
        return out

    def _forward_preact(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(x))  # (N, inplanes, H, W)
        identity = x
        if self.downsample is not None:
            identity = self.downsample(out)
        out = self.conv1(out)  # (N, planes, ...)

        out = F.relu(self.bn2(out))
        out = self.conv2(out)  # (N, planes, H/s, W/s)

        out = F.relu(self.bn3(out))
        out = self.conv3(out)  # (N, 4*planes, H/s, W/s)

        if self.plain:
            return out
        return out + identity


def block_type(block: object) -> type[BasicBlock] | type[Bottleneck]:
    """Accept the classes or their names ("basic", "bottleneck"); raise otherwise."""
    if block in (BasicBlock, Bottleneck):
        return block  # type: ignore[return-value]
    names = {"basic": BasicBlock, "basicblock": BasicBlock, "bottleneck": Bottleneck}
    if isinstance(block, str) and block.lower() in names:
        return names[block.lower()]
    raise ValueError(
        f"block must be BasicBlock, Bottleneck, 'basic' or 'bottleneck'; got {block!r}"
    )


__all__ = [
    "BasicBlock", "Bottleneck", "ZeroPadShortcut", "make_shortcut", "conv1x1", "conv3x3",
    "block_type",
]
