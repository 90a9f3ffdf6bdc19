"""Each network described once, and the rules that turn a description into blocks and convs.

This is the bottom floor of ``resnet_lib``: it imports no torch and no other module of the
library but ``_checks``. Everything that needs to know the shape of a network reads it here:

- ``ARCHS``: one ``ArchSpec`` per named network (block, blocks per stage, groups, width per
  group, display name), torchvision's builder names as keys;
- ``Options``: the switches a reader can set (stem, stride placement, shortcut option, ...);
- ``block_convs``: which convolutions a block has (the ONE place that says so);
- ``shortcut_kind``: when a shortcut is the identity, a zero-padded identity or a projection;
- ``plan``: the stem and every block of every stage, with the ``inplanes`` bookkeeping of
  torchvision's ``_make_layer`` done once.

The model (``model.py``, ``blocks.py``), the arithmetic (``analysis.py``: shapes, parameters,
multiply-adds, receptive fields, activation memory, layer counts) and every label and figure
derive from these. Adding a variant means one ``ArchSpec`` line (and its tests).

References: He et al. 2016 (CVPR; arXiv:1512.03385), Table 1 and Sec. 3.3 (shortcut options A/B/C);
Xie et al. 2017 (ResNeXt, arXiv:1611.05431); Zagoruyko & Komodakis 2016 (Wide ResNet,
arXiv:1605.07146); torchvision ``models/resnet.py`` (builder names, the ResNeXt/Wide inner
width ``int(planes * width_per_group / 64) * groups``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from . import _checks

#: The two block kinds, and how many times wider a block's output is than its ``planes``.
EXPANSION = {"basic": 1, "bottleneck": 4}
BLOCKS = tuple(EXPANSION)
#: The four stages, torchvision's names (the paper's conv2_x .. conv5_x).
STAGES = ("layer1", "layer2", "layer3", "layer4")
#: ``planes`` of each stage relative to the stem width (64 -> 64, 128, 256, 512).
STAGE_MULTIPLIERS = (1, 2, 4, 8)
STEMS = _checks.STEMS
STRIDE_INS = _checks.STRIDE_INS
SHORTCUTS = _checks.SHORTCUTS


@dataclass(frozen=True)
class ArchSpec:
    """One network: which block, how many per stage, and the ResNeXt/Wide width settings.

    ``groups`` and ``width_per_group`` set a Bottleneck's inner (1x1 -> 3x3) width:
    ``int(planes * width_per_group / 64) * groups`` as in torchvision, so 64 and 1 give
    ResNet's ``planes``; ResNeXt-50 32x4d uses 32 groups of 4 channels per 64 planes; Wide
    ResNet-50-2 doubles the inner width with ``width_per_group=128``.
    """

    block: str
    layers: tuple[int, int, int, int]
    groups: int = 1
    width_per_group: int = 64
    label: str = ""

    @property
    def expansion(self) -> int:
        return EXPANSION[self.block]

    @property
    def convs_per_block(self) -> int:
        """Weighted layers on a block's main path: 2 (BasicBlock) or 3 (Bottleneck)."""
        return len(block_convs(self.block, 64, 64, 1))

    @property
    def depth(self) -> int:
        """The paper's depth: stem conv + every conv on the main path + fc (34 for ResNet-34)."""
        return 1 + self.convs_per_block * sum(self.layers) + 1


def _resnet(block: str, layers: tuple[int, int, int, int], depth: int) -> ArchSpec:
    return ArchSpec(block, layers, label=f"ResNet-{depth}")


#: Every named network, torchvision's builder names; Table 1 of the paper for the ResNets.
ARCHS: dict[str, ArchSpec] = {
    "resnet18": _resnet("basic", (2, 2, 2, 2), 18),
    "resnet34": _resnet("basic", (3, 4, 6, 3), 34),
    "resnet50": _resnet("bottleneck", (3, 4, 6, 3), 50),
    "resnet101": _resnet("bottleneck", (3, 4, 23, 3), 101),
    "resnet152": _resnet("bottleneck", (3, 8, 36, 3), 152),
    "resnext50_32x4d": ArchSpec("bottleneck", (3, 4, 6, 3), 32, 4, "ResNeXt-50 (32×4d)"),
    "resnext101_32x8d": ArchSpec("bottleneck", (3, 4, 23, 3), 32, 8, "ResNeXt-101 (32×8d)"),
    "resnext101_64x4d": ArchSpec("bottleneck", (3, 4, 23, 3), 64, 4, "ResNeXt-101 (64×4d)"),
    "wide_resnet50_2": ArchSpec("bottleneck", (3, 4, 6, 3), 1, 128, "Wide ResNet-50-2"),
    "wide_resnet101_2": ArchSpec("bottleneck", (3, 4, 23, 3), 1, 128, "Wide ResNet-101-2"),
}
#: The five depths of the paper's Table 1.
RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


def block_kind(block: object) -> str:
    """``"basic"``/``"bottleneck"`` from a name or a block class (its ``kind`` attribute)."""
    kind = getattr(block, "kind", block)
    if isinstance(kind, str) and kind.lower() in ("basic", "basicblock"):
        return "basic"
    if isinstance(kind, str) and kind.lower() == "bottleneck":
        return "bottleneck"
    raise ValueError(
        f"block must be BasicBlock, Bottleneck, 'basic' or 'bottleneck'; got {block!r}"
    )


def custom(block: object, layers: object, groups: object = 1,
           width_per_group: object = 64) -> ArchSpec:
    """A checked ``ArchSpec`` from a reader's arguments: ``custom("bottleneck", [3, 4, 6, 3])``."""
    kind = block_kind(block)
    groups = _checks.positive_int("groups", groups)
    width_per_group = _checks.positive_int("width_per_group", width_per_group)
    if kind == "basic" and (groups != 1 or width_per_group != 64):
        raise ValueError(
            f"BasicBlock supports only groups=1 and width_per_group=64 (as in torchvision); "
            f"got groups={groups}, width_per_group={width_per_group}"
        )
    return ArchSpec(kind, _checks.layers(layers), groups, width_per_group)


def resolve(arch: object) -> ArchSpec:
    """A name (``"resnet50"``, ``"ResNet-50"``), an ``ArchSpec`` or a ``(block, layers)`` pair."""
    if isinstance(arch, ArchSpec):
        return arch
    if isinstance(arch, str):
        key = arch.lower().replace("-", "")
        key = key if key in ARCHS else key.replace("_", "")
        if key not in ARCHS:
            raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHS)}")
        return ARCHS[key]
    if isinstance(arch, (tuple, list)) and len(arch) == 2:
        return custom(*arch)
    raise TypeError(
        f"arch must be a name ({', '.join(ARCHS)}) or a (block, layers) pair, got {arch!r}"
    )


@dataclass(frozen=True)
class Options:
    """The switches of a model, with torchvision's choices as defaults.

    num_classes         outputs of the fc layer (1000 for ImageNet).
    in_channels         channels of the input image (3 for RGB).
    width               channels of the stem and of layer1's ``planes``; doubled per stage.
    stem                "imagenet": 7x7/2 conv + 3x3/2 max pool (224 -> 56); "cifar": a
                        3x3/1 conv and no pool, so a 32x32 image keeps its size.
    stride_in           "3x3": torchvision's Bottleneck, stride on the 3x3 ("v1.5");
                        "1x1": the paper's, stride on the first 1x1 ("v1").
    shortcut            the paper's options (Sec. 3.3): "A" zero-padded identity, "B"
                        projection only where the shape changes (torchvision), "C" always.
    zero_init_residual  the last BN of each block starts at 0 (Goyal et al. 2017).
    plain               no shortcuts at all: the paper's plain baselines.
    preact              BN -> ReLU -> conv blocks (He et al. 2016, "ResNet v2").
    """

    num_classes: int = 1000
    in_channels: int = 3
    width: int = 64
    stem: str = "imagenet"
    stride_in: str = "3x3"
    shortcut: str = "B"
    zero_init_residual: bool = False
    plain: bool = False
    preact: bool = False

    def __post_init__(self) -> None:
        for name in ("num_classes", "in_channels", "width"):
            _checks.positive_int(name, getattr(self, name))
        _checks.choice("stem", self.stem, STEMS)
        _checks.choice("stride_in", self.stride_in, STRIDE_INS)
        _checks.choice("shortcut", self.shortcut, SHORTCUTS)
        for name in ("zero_init_residual", "plain", "preact"):
            _checks.flag(name, getattr(self, name))


OPTION_NAMES = tuple(f.name for f in fields(Options))


def options(**kwargs: Any) -> Options:
    """Checked ``Options``; an unknown keyword is a ``TypeError`` naming it and the allowed ones."""
    unknown = sorted(set(kwargs) - set(OPTION_NAMES))
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; the options are "
                        f"{', '.join(OPTION_NAMES)}")
    return Options(**kwargs)


@dataclass(frozen=True)
class Conv:
    """One bias-free convolution: what ``nn.Conv2d`` is built with and what the arithmetic counts.

    Padding is ``kernel // 2`` for every conv of a ResNet (3 for 7x7, 1 for 3x3, 0 for 1x1),
    which keeps the size at stride 1 and halves it (rounding up) at stride 2.
    """

    name: str
    in_channels: int
    out_channels: int
    kernel: int
    stride: int = 1
    groups: int = 1

    @property
    def padding(self) -> int:
        return self.kernel // 2

    @property
    def params(self) -> int:
        return self.kernel * self.kernel * self.in_channels // self.groups * self.out_channels


@dataclass(frozen=True)
class Pool:
    """The stem's max pool: 3x3, stride 2, padding 1 (112 -> 56)."""

    kernel: int = 3
    stride: int = 2
    padding: int = 1


def block_convs(block: str, inplanes: int, planes: int, stride: int, *, groups: int = 1,
                width_per_group: int = 64, stride_in: str = "3x3") -> tuple[Conv, ...]:
    """The convolutions on a block's main path, in order: THE place that says what a block is.

    BasicBlock: 3x3 (stride) -> 3x3. Bottleneck: 1x1 reduce -> 3x3 (grouped for ResNeXt) ->
    1x1 expand to ``4 * planes``; the stride sits on the 3x3 (``stride_in="3x3"``,
    torchvision's "v1.5") or on the first 1x1 (``"1x1"``, the paper's text, "v1").
    """
    if block == "basic":
        if groups != 1 or width_per_group != 64:
            raise ValueError("BasicBlock supports only groups=1 and width_per_group=64")
        return (Conv("conv1", inplanes, planes, 3, stride), Conv("conv2", planes, planes, 3))
    width = int(planes * (width_per_group / 64.0)) * groups
    if width < 1:
        raise ValueError(
            f"width is too small for width_per_group={width_per_group}: a Bottleneck with "
            f"{planes} planes would have int({planes} * {width_per_group} / 64) = 0 channels "
            f"per group; use width >= {-(-64 // width_per_group)}"
        )
    s1, s3 = (stride, 1) if stride_in == "1x1" else (1, stride)
    return (
        Conv("conv1", inplanes, width, 1, s1),
        Conv("conv2", width, width, 3, s3, groups),
        Conv("conv3", width, planes * EXPANSION["bottleneck"], 1),
    )


def shortcut_kind(inplanes: int, outplanes: int, stride: int, shortcut: str,
                  plain: bool = False) -> str:
    """What joins a block's input to its output: THE place that says when a projection is needed.

    ``"none"`` (plain network), ``"identity"``, ``"zero-pad"`` (option A where the shape
    changes: subsample + zero channels, no parameters) or ``"projection"`` (a 1x1 conv + BN:
    option B where the shape changes, option C everywhere).
    """
    if plain:
        return "none"
    changes_shape = stride != 1 or inplanes != outplanes
    if shortcut == "C" or (shortcut == "B" and changes_shape):
        return "projection"
    if shortcut == "A" and changes_shape:
        return "zero-pad"
    return "identity"


@dataclass(frozen=True)
class BlockPlan:
    """One residual block as built: where it sits, its convs and its shortcut."""

    stage: str
    index: int
    block: str
    inplanes: int
    planes: int
    stride: int
    convs: tuple[Conv, ...]
    shortcut: str

    @property
    def name(self) -> str:
        """torchvision's module name, e.g. ``"layer2.0"``."""
        return f"{self.stage}.{self.index}"

    @property
    def outplanes(self) -> int:
        return self.convs[-1].out_channels

    @property
    def projection(self) -> Conv | None:
        """The 1x1 projection conv (``downsample.0``), if this block has one."""
        if self.shortcut != "projection":
            return None
        return Conv("downsample.0", self.inplanes, self.outplanes, 1, self.stride)


@dataclass(frozen=True)
class Plan:
    """A whole network: stem conv, optional max pool, four stages of blocks, fc size."""

    arch: ArchSpec
    options: Options
    conv1: Conv
    maxpool: Pool | None
    stages: tuple[tuple[BlockPlan, ...], ...]

    @property
    def features(self) -> int:
        """Channels reaching the fc layer (512 x expansion at width 64)."""
        return self.stages[-1][-1].outplanes

    def blocks(self) -> tuple[BlockPlan, ...]:
        return tuple(b for stage in self.stages for b in stage)


def plan(arch: object, opts: Options | None = None) -> Plan:
    """Lay out every block of ``arch`` under ``opts``: torchvision's ``_make_layer``, done once.

    The first block of layer2..layer4 has stride 2 (the paper's "downsampling is performed
    by conv3_1, conv4_1, and conv5_1"); every first block takes the previous stage's output
    channels (``inplanes``) and every later block its own stage's output.
    """
    a = resolve(arch)
    opts = opts or Options()
    w = opts.width
    if opts.stem == "imagenet":
        conv1, pool = Conv("conv1", opts.in_channels, w, 7, 2), Pool()
    else:
        conv1, pool = Conv("conv1", opts.in_channels, w, 3, 1), None
    inplanes = w
    stages = []
    for i, (n, mult) in enumerate(zip(a.layers, STAGE_MULTIPLIERS, strict=True)):
        planes = w * mult
        blocks = []
        for b in range(n):
            stride = 2 if (i > 0 and b == 0) else 1
            convs = block_convs(a.block, inplanes, planes, stride, groups=a.groups,
                                width_per_group=a.width_per_group, stride_in=opts.stride_in)
            out = convs[-1].out_channels
            kind = shortcut_kind(inplanes, out, stride, opts.shortcut, opts.plain)
            blocks.append(BlockPlan(STAGES[i], b, a.block, inplanes, planes, stride, convs,
                                    kind))
            inplanes = out
        stages.append(tuple(blocks))
    return Plan(a, opts, conv1, pool, tuple(stages))


__all__ = [
    "ARCHS", "ArchSpec", "BLOCKS", "BlockPlan", "Conv", "EXPANSION", "OPTION_NAMES",
    "Options", "Plan", "Pool", "RESNETS", "STAGES", "block_convs", "block_kind", "custom",
    "options", "plan", "resolve", "shortcut_kind",
]
