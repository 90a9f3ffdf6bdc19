"""The feature-map explorer's data: what each stage outputs, for any network and input size.

``stage_data(arch, input_size, stem, stride_in)`` answers "what does each stage (conv1,
maxpool, layer1..layer4) output for this setting?": channels x height x width, activation
elements and megabytes (fp32, one image), parameters, multiply-adds (MACs), and the first
stage whose map has collapsed to 1x1. It is ``analysis.stage_table`` regrouped, so it costs
well under a millisecond and needs no torch. Both explorers draw it: the precomputed figure
of the published page (``figures.explorer.static_explorer_figure``) and the live widget
(``widgets.explorer``), so they can never disagree.

Units: MB = 10^6 bytes; fp32 = 4 bytes per element; MACs = multiply-adds of the convolutions
(the paper's "FLOPs"); activation memory is the output of each stage for ONE image (training
keeps many more intermediate tensors, and a batch multiplies everything by its size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _checks, spec
from .analysis import stage_table
from .i18n import text as _
from .style import STEM_LABELS, STRIDE_LABELS, label

#: The stages the explorer shows: everything that outputs a feature map.
STAGES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")

#: Bytes per element of a float32 tensor, and bytes per megabyte (decimal, 10^6).
BYTES_FP32 = 4
MB = 1_000_000

#: Input sizes the static figure precomputes: 32..512 in steps of 32, plus odd sizes that show
#: how the integer division of stride-2 layers rounds (97 and 225 round up at every stride).
SIZES = tuple(sorted(set(range(32, 513, 32)) | {97, 225}))

#: The networks the explorers offer: every named network of ``spec``.
ARCHS = tuple(spec.ARCHS)

#: Default setting of both explorers: the network and input size of the paper's Table 1.
DEFAULT = dict(arch="resnet50", input_size=224, stem="imagenet", stride_in="3x3")

def has_bottleneck(arch: str) -> bool:
    """True for Bottleneck networks (ResNet-50/101/152, ResNeXt, Wide ResNet): only their
    blocks have a stride placement to choose."""
    return spec.ARCHS[_checks.choice("arch", arch, ARCHS)].block == "bottleneck"


@dataclass(frozen=True)
class Variant:
    """One entry of the static figure's dropdown: a network the size slider applies to."""

    arch: str
    stem: str = "imagenet"
    stride_in: str = "3x3"

    def __post_init__(self) -> None:
        # Checked here so that ``label`` (and the figure built from variants) never meets an
        # unknown name: a typo raises ValueError naming the field and its allowed values.
        _checks.choice("arch", self.arch, ARCHS)
        _checks.choice("stem", self.stem, STEM_LABELS)
        _checks.choice("stride_in", self.stride_in, STRIDE_LABELS)

    @property
    def label(self) -> str:
        parts = [label(self.arch), _(STEM_LABELS[self.stem])]
        if has_bottleneck(self.arch):
            parts.append("v1.5" if self.stride_in == "3x3" else "v1")
        return " · ".join(parts)


def variants() -> tuple[Variant, ...]:
    """Every (architecture, stem, stride placement) the static figure offers: 16 networks.

    BasicBlock nets (18/34) have no 1x1 conv in their blocks, so no stride placement to
    choose: they appear once per stem.
    """
    out = []
    for arch in spec.RESNETS:
        for stem in STEM_LABELS:
            for stride_in in (STRIDE_LABELS if has_bottleneck(arch) else ("3x3",)):
                out.append(Variant(arch, stem, stride_in))
    return tuple(out)


@dataclass(frozen=True)
class StageData:
    """Per-stage outputs and costs of one setting; every tuple follows ``STAGES``.

    ``total_params`` and ``total_macs`` are the whole network's, avgpool and fc included.
    """

    arch: str
    input_size: int
    stem: str
    stride_in: str
    channels: tuple[int, ...]
    heights: tuple[int, ...]
    widths: tuple[int, ...]
    params: tuple[int, ...]
    macs: tuple[int, ...]
    total_params: int
    total_macs: int

    @property
    def elements(self) -> tuple[int, ...]:
        """Activation elements per image of each stage's output: channels x height x width."""
        return tuple(c * h * w for c, h, w in zip(self.channels, self.heights, self.widths,
                                                  strict=True))

    @property
    def act_mb(self) -> tuple[float, ...]:
        """Activation memory of each stage's output, one image, fp32, in MB (10^6 bytes)."""
        return tuple(n * BYTES_FP32 / MB for n in self.elements)

    @property
    def param_mb(self) -> tuple[float, ...]:
        """Memory of each stage's parameters at fp32, in MB (10^6 bytes)."""
        return tuple(n * BYTES_FP32 / MB for n in self.params)

    @property
    def shapes(self) -> tuple[str, ...]:
        """``"64×56×56"`` for each stage (channels × height × width)."""
        return tuple(f"{c}×{h}×{w}" for c, h, w in zip(self.channels, self.heights,
                                                       self.widths, strict=True))

    @property
    def collapse_stage(self) -> str | None:
        """The first stage whose output map is 1x1, or None if layer4 is still larger."""
        for name, h, w in zip(STAGES, self.heights, self.widths, strict=True):
            if h == 1 and w == 1:
                return name
        return None

    @property
    def label(self) -> str:
        """``"ResNet-50 v1.5, ImageNet stem, 224×224"``."""
        stride = (" v1.5" if self.stride_in == "3x3" else " v1") if has_bottleneck(
            self.arch) else ""
        return (f"{label(self.arch)}{stride}, {_(STEM_LABELS[self.stem])}, "
                f"{self.input_size}×{self.input_size}")

    def summary(self, sep: str = " · ") -> str:
        """For a reader: where the map ends or collapses, ``sep``, then the totals."""
        stage = self.collapse_stage
        n = self.input_size
        where = (_("layer4 ends at {shape}, never 1×1", shape=self.shapes[-1]) if stage is None
                 else _("the map is 1×1 from {stage} on", stage=stage))
        return (_("{n}×{n} input: {where}", n=n, where=where) + sep
                + _("{macs} G MACs · {params} M parameters · {mb} MB of stage outputs per image",
                    macs=f"{self.total_macs / 1e9:.3g}", params=f"{self.total_params / 1e6:.3g}",
                    mb=f"{sum(self.act_mb):.3g}"))


def stage_data(arch: str = "resnet50", input_size: int = 224, stem: str = "imagenet",
               stride_in: str = "3x3") -> StageData:
    """Per-stage outputs and costs of ``arch`` on a square ``input_size`` image.

    ``input_size`` is the side of the square in pixels, one positive int: the explorer's
    figures, labels and summaries draw height = width, so a (height, width) pair is refused
    (``stage_table`` takes non-square sizes). The numbers are ``analysis.stage_table``'s (pure
    arithmetic, no forward pass). Invalid arguments raise ``ValueError``/``TypeError`` with a
    message naming the bad value.
    """
    if not isinstance(arch, str):
        raise TypeError(f"arch must be a model name, one of {', '.join(ARCHS)}; got {arch!r} "
                        f"({type(arch).__name__})")
    _checks.choice("arch", arch, ARCHS)
    if isinstance(input_size, (tuple, list)):
        raise ValueError(f"input_size must be a square size: one positive int (the side in "
                         f"pixels, such as 224), not a (height, width) pair; got {input_size!r}")
    _checks.positive_int("input_size", input_size)
    rows = stage_table(arch, input_size, stem=stem, stride_in=stride_in)
    stages = [rows[n] for n in STAGES]
    return StageData(
        arch=arch, input_size=input_size, stem=stem, stride_in=stride_in,
        channels=tuple(r.channels for r in stages), heights=tuple(r.height for r in stages),
        widths=tuple(r.width for r in stages), params=tuple(r.params for r in stages),
        macs=tuple(r.macs for r in stages), total_params=rows.params, total_macs=rows.macs,
    )


def parse_size(text: Any) -> int:
    """A reader's input size -> a positive int, or ``ValueError`` with a message for them.

    Accepts an int or a string of the ASCII digits 0-9 such as ``" 224 "``; rejects 0,
    negative numbers, fractions, words, empty input, and what Python's ``int`` would also
    take but a reader did not mean as a plain number: ``"2_24"``, ``"+224"``, other
    scripts' digits (full-width ``"２２４"``).
    """
    if isinstance(text, bool):
        raise ValueError(f"the input size must be a whole number of pixels, got {text!r}")
    if isinstance(text, int):
        value = text
    else:
        s = str(text).strip()
        if not s:
            raise ValueError("type an input size in pixels, e.g. 224")
        if s.startswith("-") and s[1:].isascii() and s[1:].isdigit():
            raise ValueError(f"the input size must be at least 1 pixel, got {s[:40]}")
        if not (s.isascii() and s.isdigit()):
            raise ValueError(f"the input size must be a whole number of pixels written with "
                             f"the digits 0-9, such as 224, not {s[:40]!r}")
        value = int(s)
    if value < 1:
        raise ValueError(f"the input size must be at least 1 pixel, got {value}")
    return value
