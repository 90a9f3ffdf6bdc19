"""Shapes, parameters, multiply-adds and receptive fields, by arithmetic alone.

Why arithmetic: "how big is each stage of ResNet-50 at 225x225?" should cost microseconds,
not a forward pass (a torchinfo summary of ResNet-152 takes about a second). Every function
here is pure Python over the same rules the model uses; ``trace_shapes`` runs the real model
on the ``meta`` device (shapes without compute) and is the independent check that tests
compare ``stage_table`` against.

Terms, defined once:
    stride          how many input pixels one step on this map spans (total, from the input).
    padding         zeros added around the border before a convolution.
    MAC             one multiply-add; the paper's "FLOPs" are MACs (He et al. 2015, Sec. 3.3:
                    "3.6 billion FLOPs (multiply-adds)"). Counters such as
                    ``torch.utils.flop_counter`` report FLOPs = 2 x MACs.
    receptive field the side of the input square that can influence one unit of a map.
We count MACs of convolutions and the fc layer, as torchvision's published GFLOPS do; BN,
ReLU, pooling and the residual additions are comparatively free and are not counted.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from . import _checks
from .blocks import Bottleneck
from .model import check_options, resolve_arch


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
    multiply-adds of its convs/fc for ONE image.
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

    @property
    def activations(self) -> int:
        """Elements of this stage's output for one image (channels x height x width)."""
        return self.channels * self.height * self.width

    @property
    def shape(self) -> tuple[int, int, int]:
        """(channels, height, width) of the output, batch dimension left out."""
        return self.channels, self.height, self.width


class _Walker:
    """Carries (channels, height, width, stride, receptive field) through the network."""

    def __init__(self, channels: int, height: int, width: int) -> None:
        self.c, self.h, self.w = channels, height, width
        self.jump, self.rf = 1, 1
        self.params = self.macs = 0

    def conv(self, out: int, kernel: int, stride: int = 1, padding: int = 0, *,
             bn: bool = False, move: bool = True) -> tuple[int, int]:
        """Count one bias-free conv (and optionally its BN); ``move=False`` for side branches."""
        h = conv_out(self.h, kernel, stride, padding)
        w = conv_out(self.w, kernel, stride, padding)
        self.params += kernel * kernel * self.c * out + (2 * out if bn else 0)
        self.macs += kernel * kernel * self.c * out * h * w
        if move:
            self.c, self.h, self.w = out, h, w
            self.rf += (kernel - 1) * self.jump
            self.jump *= stride
        return h, w

    def pool(self, kernel: int, stride: int, padding: int) -> None:
        self.h = conv_out(self.h, kernel, stride, padding)
        self.w = conv_out(self.w, kernel, stride, padding)
        self.rf += (kernel - 1) * self.jump
        self.jump *= stride

    def bn(self, channels: int) -> None:
        self.params += 2 * channels


def _block(walk: _Walker, block: type, planes: int, stride: int, opts: dict[str, Any]) -> None:
    """Advance ``walk`` through one residual block, mirroring ``blocks.py`` exactly."""
    cin, out = walk.c, planes * block.expansion
    preact, plain, shortcut = opts["preact"], opts["plain"], opts["shortcut"]
    h0, w0 = walk.h, walk.w
    if preact:
        walk.bn(cin)
    if block is Bottleneck:
        s1, s3 = (stride, 1) if opts["stride_in"] == "1x1" else (1, stride)
        convs = [(planes, 1, s1, 0), (planes, 3, s3, 1), (out, 1, 1, 0)]
    else:
        convs = [(planes, 3, stride, 1), (planes, 3, 1, 1)]
    for i, (c, k, s, p) in enumerate(convs):
        if preact and i > 0:
            walk.bn(walk.c)  # BN -> ReLU before each later conv
        walk.conv(c, k, s, p, bn=not preact)
    changes_shape = stride != 1 or cin != out
    projection = not plain and (shortcut == "C" or (shortcut == "B" and changes_shape))
    if projection:
        # 1x1 conv (+ BN unless pre-activation) on the block's input, same output size.
        k = _Walker(cin, h0, w0)
        k.conv(out, 1, stride, bn=not preact)
        walk.params += k.params
        walk.macs += k.macs


def stage_table(arch: Any, input_size: Any = 224, **options: Any) -> list[StageRow]:
    """Per-stage shapes and costs of a ResNet, without building it.

    Args:
        arch: a name (``"resnet34"``) or a ``(block, layers)`` pair.
        input_size: an int (square image) or ``(height, width)``.
        **options: the options of ``ResNet`` (``stem``, ``stride_in``, ``shortcut``, ``width``,
            ``in_channels``, ``num_classes``, ``plain``, ``preact``, ``zero_init_residual``).

    Returns:
        Rows for conv1 (with bn1), maxpool, layer1..layer4, avgpool and fc. The sum of
        ``params`` is the model's parameter count; the sum of ``macs`` is its multiply-adds
        per image (1.814e9 for ResNet-18 at 224, as torchvision publishes).
    """
    block, layers = resolve_arch(arch)
    opts = check_options(**options)
    height, width = _checks.input_size(input_size)
    base = opts["width"]

    walk = _Walker(opts["in_channels"], height, width)
    rows: list[StageRow] = []

    def row(name: str, blocks: int = 0) -> None:
        rows.append(StageRow(name, blocks, walk.c, walk.h, walk.w, walk.jump, walk.params,
                             walk.macs, walk.rf))
        walk.params = walk.macs = 0

    if opts["stem"] == "imagenet":
        walk.conv(base, 7, 2, 3, bn=True)
        row("conv1")
        walk.pool(3, 2, 1)
    else:
        walk.conv(base, 3, 1, 1, bn=True)
        row("conv1")
    row("maxpool")
    for i, (n, mult) in enumerate(zip(layers, (1, 2, 4, 8), strict=True)):
        for b in range(n):
            _block(walk, block, base * mult, 2 if (i > 0 and b == 0) else 1, opts)
        if i == 3 and opts["preact"]:
            walk.bn(walk.c)  # bn_final before the pool
        row(f"layer{i + 1}", n)
    rf_pool = walk.rf + (max(walk.h, walk.w) - 1) * walk.jump
    walk.h = walk.w = 1
    walk.rf = rf_pool
    row("avgpool")
    walk.params += walk.c * opts["num_classes"] + opts["num_classes"]
    walk.macs += walk.c * opts["num_classes"]
    walk.c = opts["num_classes"]
    row("fc")
    return rows


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
    block, layers = resolve_arch(arch)
    opts = check_options(**options)
    per_block = 3 if block is Bottleneck else 2
    blocks = sum(layers)
    projections = 0
    if not opts["plain"] and opts["shortcut"] != "A":
        inplanes = opts["width"]
        for i, n in enumerate(layers):
            out = opts["width"] * (1, 2, 4, 8)[i] * block.expansion
            for b in range(n):
                stride = 2 if (i > 0 and b == 0) else 1
                if opts["shortcut"] == "C" or stride != 1 or inplanes != out:
                    projections += 1
                inplanes = out
    return LayerCount(
        weighted=1 + per_block * blocks + 1, conv2d=1 + per_block * blocks + projections,
        linear=1, blocks=blocks, convs_per_block=per_block, projections=projections,
    )


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters (BN's running statistics are buffers, not counted)."""
    return sum(p.numel() for p in model.parameters())


def trace_shapes(model: nn.Module, input_size: Any = 224, batch: int = 1) -> OrderedDict:
    """Output shape of every submodule, from a forward pass on the ``meta`` device.

    The meta device carries shapes and dtypes but no data, so this costs no arithmetic and
    no memory; the model itself is left untouched (its parameters are swapped for meta
    copies only for the duration of the call). Returns ``{module name: shape}`` in call
    order; the model's own output is under ``""``. A module that runs more than once per
    forward (torchvision's blocks reuse one ``relu``) reports its first call.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    height, width = _checks.input_size(input_size)
    _checks.positive_int("batch", batch)
    in_channels = getattr(model, "in_channels", None)
    if in_channels is None:
        first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
        in_channels = first.in_channels if first is not None else 3

    shapes: OrderedDict[str, tuple[int, ...]] = OrderedDict()
    names = {m: n for n, m in model.named_modules()}

    def hook(module: nn.Module, _inputs: Any, output: Any) -> None:
        # A module called twice (a block's shared ReLU) keeps its first call's shape.
        if isinstance(output, torch.Tensor) and names[module] not in shapes:
            shapes[names[module]] = tuple(output.shape)

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    meta = {k: torch.empty_like(v, device="meta") for k, v in model.state_dict().items()}
    was_training = model.training
    model.eval()  # BN in training mode refuses batch 1 at 1x1; shapes are the same either way
    try:
        x = torch.empty(batch, in_channels, height, width, device="meta")
        with torch.no_grad():
            torch.func.functional_call(model, meta, (x,))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    # Hooks fire inner-first; list modules in definition order, as named_modules does.
    order = [n for n, _ in model.named_modules()]
    return OrderedDict((n, shapes[n]) for n in order if n in shapes)
