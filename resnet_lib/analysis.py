"""Shapes, parameters, multiply-adds, receptive fields and layer counts, by arithmetic alone.

Why arithmetic: "how big is each stage of ResNet-50 at 225x225?" should cost microseconds,
not a forward pass (a torchinfo summary of ResNet-152 takes about a second), and it should
work where torch is not installed (a browser running Python). Every function here walks
``spec.plan``, the same description the model is built from, and imports no torch;
``trace.trace_shapes`` runs the real model on the ``meta`` device and is the independent
check that the tests compare ``stage_table`` against.

Terms, defined once:
    stride          how many input pixels one step on this map spans (total, from the input).
    padding         zeros added around the border before a convolution.
    MAC             one multiply-add; the paper's "FLOPs" are MACs (He et al. 2016, Sec. 3.3:
                    "3.6 billion FLOPs (multiply-adds)"). ``torch.utils.flop_counter``
                    reports FLOPs = 2 x MACs; other counters differ (check each tool's docs).
    receptive field the side of the input square that can influence one unit of a map.
We count MACs of convolutions and the fc layer, as torchvision's published GFLOPS do; BN,
ReLU, pooling and the residual additions are comparatively free and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _checks, spec


def conv_out(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution or pooling window along one axis.

    ``floor((size + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1``, the formula in
    ``torch.nn.Conv2d``'s documentation. Example: the stem's 7x7/2 conv with padding 3 maps
    224 -> 112, and the 3x3/2 max pool with padding 1 maps 112 -> 56.
    """
    _checks.positive_int("size", size)
    _checks.positive_int("kernel", kernel)
    _checks.positive_int("stride", stride)
    _checks.positive_int("dilation", dilation)
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    span = dilation * (kernel - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(
            f"a window of {span} does not fit in size {size} with padding {padding}: "
            f"the input is too small"
        )
    return (size + 2 * padding - span) // stride + 1


@dataclass(frozen=True)
class StageRow:
    """One row of ``stage_table``: the output of one stage of the network.

    ``stride`` is the total stride from the input to this output (for ``avgpool`` and ``fc``,
    which see the whole map, it stays that of layer4). ``receptive_field`` is the side of
    the input square that can influence one unit (theoretical; it may exceed the image).
    ``params`` counts every parameter the stage owns, BN included; ``macs`` counts the
    multiply-adds of its convs/fc for ONE image; ``conv_outputs`` counts the elements every
    conv of the stage writes (main path and projections: each is read by a BN and kept for
    the backward pass of a training step).
    """

    name: str
    blocks: int
    channels: int
    height: int
    width: int
    stride: int
    params: int
    macs: int
    receptive_field: int
    conv_outputs: int = 0

    @property
    def activations(self) -> int:
        """Elements of this stage's output for one image (channels x height x width)."""
        return self.channels * self.height * self.width

    @property
    def shape(self) -> tuple[int, int, int]:
        """(channels, height, width) of the output, batch dimension left out."""
        return self.channels, self.height, self.width


class StageTable(tuple):
    """The rows of ``stage_table`` (a tuple of ``StageRow``) with lookups and totals.

    ``table["layer3"]`` is the row named layer3 (``table[4]`` still works), ``table.params``
    and ``table.macs`` are the whole network's, and ``table.arch``/``table.input_size``/
    ``table.options`` say what was asked.
    """

    arch: spec.ArchSpec
    input_size: tuple[int, int]
    options: spec.Options

    def __new__(cls, rows: Any, arch: spec.ArchSpec, input_size: tuple[int, int],
                options: spec.Options) -> StageTable:
        table = super().__new__(cls, rows)
        table.arch, table.input_size, table.options = arch, input_size, options
        return table

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for row in self:
                if row.name == key:
                    return row
            raise KeyError(f"no stage named {key!r}; the stages are {', '.join(self.names)}")
        return super().__getitem__(key)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self)

    @property
    def params(self) -> int:
        """Parameters of the whole network (BN included): the model's ``count_params``."""
        return sum(r.params for r in self)

    @property
    def macs(self) -> int:
        """Multiply-adds of the whole network for one image (1.814e9 for ResNet-18 at 224)."""
        return sum(r.macs for r in self)

    @property
    def conv_outputs(self) -> int:
        """Elements written by every conv for one image (see ``StageRow.conv_outputs``)."""
        return sum(r.conv_outputs for r in self)

    @property
    def stage_outputs(self) -> int:
        """Elements of the tensors handed from stage to stage (every row's output)."""
        return sum(r.activations for r in self)


class _Walker:
    """Carries (channels, height, width, stride, receptive field) through the network."""

    def __init__(self, channels: int, height: int, width: int) -> None:
        self.c, self.h, self.w = channels, height, width
        self.jump, self.rf = 1, 1
        self.params = self.macs = self.written = 0

    def conv(self, c: spec.Conv, *, bn: int = 0, move: bool = True) -> None:
        """Count one conv (and a BN over ``bn`` channels); ``move=False`` for side branches."""
        h = conv_out(self.h, c.kernel, c.stride, c.padding)
        w = conv_out(self.w, c.kernel, c.stride, c.padding)
        self.params += c.params + 2 * bn
        self.macs += c.params * h * w
        self.written += c.out_channels * h * w
        if move:
            self.c, self.h, self.w = c.out_channels, h, w
            self.rf += (c.kernel - 1) * self.jump
            self.jump *= c.stride

    def pool(self, p: spec.Pool) -> None:
        self.h = conv_out(self.h, p.kernel, p.stride, p.padding)
        self.w = conv_out(self.w, p.kernel, p.stride, p.padding)
        self.rf += (p.kernel - 1) * self.jump
        self.jump *= p.stride


def _block(walk: _Walker, b: spec.BlockPlan, preact: bool) -> None:
    """Advance ``walk`` through one block: its convs, each with its BN, and its projection.

    A BN follows each conv (over its output) in the paper's blocks and precedes it (over its
    input) in pre-activation blocks; a pre-activation projection has no BN of its own.
    """
    h0, w0 = walk.h, walk.w  # the projection reads the block's input
    for c in b.convs:
        walk.conv(c, bn=c.in_channels if preact else c.out_channels)
    if b.projection is not None:
        side = _Walker(b.inplanes, h0, w0)
        side.conv(b.projection, bn=0 if preact else b.outplanes)
        walk.params += side.params
        walk.macs += side.macs
        walk.written += side.written


def stage_table(arch: Any, input_size: Any = 224, **options: Any) -> StageTable:
    """Per-stage shapes and costs of a ResNet, without building it.

    Args:
        arch: a name (``"resnet34"``, ``"resnext50_32x4d"``) or a ``(block, layers)`` pair.
        input_size: an int (square image) or ``(height, width)``.
        **options: the options of ``ResNet`` (see ``spec.Options``: ``stem``, ``stride_in``,
            ``shortcut``, ``width``, ``in_channels``, ``num_classes``, ``plain``, ``preact``,
            ``zero_init_residual``).

    Returns:
        A ``StageTable``: rows for conv1 (with bn1), maxpool, layer1..layer4, avgpool and fc,
        with ``.params`` (the model's parameter count) and ``.macs`` (its multiply-adds per
        image: 1.814e9 for ResNet-18 at 224, as torchvision publishes).
    """
    a = spec.resolve(arch)
    opts = spec.options(**options)
    height, width = _checks.input_size(input_size)
    net = spec.plan(a, opts)

    walk = _Walker(opts.in_channels, height, width)
    rows: list[StageRow] = []

    def row(name: str, blocks: int = 0) -> None:
        rows.append(StageRow(name, blocks, walk.c, walk.h, walk.w, walk.jump, walk.params,
                             walk.macs, walk.rf, walk.written))
        walk.params = walk.macs = walk.written = 0

    walk.conv(net.conv1, bn=net.conv1.out_channels)
    row("conv1")
    if net.maxpool is not None:
        walk.pool(net.maxpool)
    row("maxpool")
    for name, blocks in zip(spec.STAGES, net.stages, strict=True):
        for b in blocks:
            _block(walk, b, opts.preact)
        if name == "layer4" and opts.preact:
            walk.params += 2 * walk.c  # bn_final before the pool
        row(name, len(blocks))
    walk.rf += (max(walk.h, walk.w) - 1) * walk.jump  # the global pool sees the whole map
    walk.h = walk.w = 1
    row("avgpool")
    walk.params += walk.c * opts.num_classes + opts.num_classes
    walk.macs += walk.c * opts.num_classes
    walk.c = opts.num_classes
    row("fc")
    return StageTable(rows, a, (height, width), opts)


@dataclass(frozen=True)
class LayerCount:
    """How deep a ResNet is, counted two ways.

    ``weighted`` follows the paper: conv and fc layers on the main path (the "34" in
    ResNet-34); ``conv2d`` counts every ``nn.Conv2d`` module, projection shortcuts included.
    """

    weighted: int
    conv2d: int
    linear: int
    blocks: int
    convs_per_block: int
    projections: int

    @property
    def formula(self) -> str:
        return f"1 + {self.convs_per_block} x {self.blocks} + 1 = {self.weighted}"


def weighted_layers(arch: Any, **options: Any) -> LayerCount:
    """Depth by the paper's rule, and the Conv2d module count (e.g. 34 and 36 for ResNet-34)."""
    a = spec.resolve(arch)
    blocks = spec.plan(a, spec.options(**options)).blocks()
    convs = sum(len(b.convs) for b in blocks)
    projections = sum(b.projection is not None for b in blocks)
    return LayerCount(
        weighted=1 + convs + 1, conv2d=1 + convs + projections, linear=1, blocks=len(blocks),
        convs_per_block=a.convs_per_block, projections=projections,
    )


__all__ = ["LayerCount", "StageRow", "StageTable", "conv_out", "stage_table", "weighted_layers"]
