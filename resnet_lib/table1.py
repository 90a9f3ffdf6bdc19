"""Table 1 of the paper rebuilt from code, cell by cell, and set beside what was published.

``paper`` holds the published numbers, typed once with their sources; this module rebuilds
the same table from ``resnet_lib`` (block layouts read from a model's modules, built on the
``meta`` device; sizes and multiply-adds from ``analysis.stage_table``) and says, cell by cell,
whether the two agree. Keeping the two apart means the published values never depend on the
code they are checked against.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from . import _checks
from .analysis import stage_table
from .model import build
from .paper import (
    TABLE1,
    TABLE1_STAGES,
    TORCHVISION,
    TORCHVISION_STAGE,
    Layout,
    Table1Column,
)
from .spec import ARCHS


def _name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {', '.join(ARCHS)}; got {name!r}")
    if name not in TABLE1:
        raise ValueError(f"no Table 1 column for {name!r}; choose one of {', '.join(TABLE1)}")
    return name


def _stage_layout(stage: nn.Sequential) -> Layout:
    """(kernel, out channels) of each main-path conv of the stage's first block, and its length.

    Read from the modules themselves, so that a wrong block would show here even if the
    arithmetic in ``analysis`` agreed with it.
    """
    first = stage[0]
    convs = [getattr(first, f"conv{i}") for i in (1, 2, 3) if hasattr(first, f"conv{i}")]
    layout = tuple((c.kernel_size[0], c.out_channels) for c in convs)
    for later in list(stage)[1:]:
        same = tuple((getattr(later, f"conv{i}").kernel_size[0],
                      getattr(later, f"conv{i}").out_channels) for i in range(1, len(convs) + 1))
        if same != layout:  # Table 1 can only print a stage whose blocks are all alike
            raise AssertionError(f"blocks of one stage differ: {layout} vs {same}")
    return layout, len(stage)


@functools.cache
def _module_layouts(name: str, stride_in: str) -> tuple[Any, Any, Any]:
    """Stem and stage layouts read from a model built on the ``meta`` device (cached)."""
    with torch.device("meta"):
        model = build(name, stride_in=stride_in)
    conv1 = (model.conv1.kernel_size[0], model.conv1.out_channels, model.conv1.stride[0])
    maxpool = (model.maxpool.kernel_size, model.maxpool.stride)
    stages = tuple(_stage_layout(getattr(model, f"layer{i}")) for i in (1, 2, 3, 4))
    return conv1, maxpool, stages


def table1_from_code(name: str, stride_in: str = "1x1", input_size: Any = 224) -> Table1Column:
    """One column of Table 1, rebuilt from ``resnet_lib``.

    Layouts and the stem are read from the model's modules (built on the ``meta`` device:
    shapes, no memory); output sizes and multiply-adds come from ``stage_table``.

    Args:
        name: "resnet18" .. "resnet152".
        stride_in: "1x1" puts a Bottleneck's stride on its first 1x1 conv, as the paper does
            (v1); "3x3" puts it on the 3x3 conv, as torchvision does (v1.5). BasicBlock nets
            (18, 34) are the same either way.
        input_size: image size; the paper's table is for 224.
    """
    name = _name(name)
    _checks.choice("stride_in", stride_in, _checks.STRIDE_INS)
    rows = stage_table(name, input_size, stride_in=stride_in)
    conv1, maxpool, stages = _module_layouts(name, stride_in)
    outputs = {s: (rows[TORCHVISION_STAGE[s]].height, rows[TORCHVISION_STAGE[s]].width)
               for s in TABLE1_STAGES}
    gflops = rows.macs / 1e9
    return Table1Column(name, ARCHS[name].depth, conv1, maxpool, stages, outputs,  # type: ignore[arg-type]
                        gflops, f"resnet_lib, stride_in={stride_in!r}, input {input_size}")


def one_decimal_consistent(count: float, printed: float) -> bool:
    """Could a one-decimal figure ``printed`` have been made from the exact ``count``?

    True if ``count`` rounds *or* truncates to ``printed``. The paper does not say which it
    did, and its Table 1 needs both: ResNet-101's 7.570 G -> 7.6 is rounding (truncation
    gives 7.5), ResNet-50 v1's 3.858 G -> 3.8 is truncation (rounding gives 3.9). So the
    printed figure fits any count in ``[printed - 0.05, printed + 0.1)``.
    """
    for label, v in (("count", count), ("printed", printed)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise TypeError(f"{label} must be a finite number, got {v!r}")
        if v < 0:
            raise ValueError(f"{label} must be non-negative, got {v}")
    eps = 1e-9
    return printed - 0.05 - eps <= count < printed + 0.1 - eps


def format_layout(layout: Layout) -> str:
    """``(((3, 64), (3, 64)), 2)`` -> ``"[3x3, 64; 3x3, 64] x 2"``, the paper's notation."""
    convs, repeats = layout
    inner = "; ".join(f"{k}x{k}, {c}" for k, c in convs)
    return f"[{inner}] x {repeats}"


@dataclass(frozen=True)
class Cell:
    """One cell of Table 1: the paper's text, the code's text, and whether they agree."""

    row: str
    name: str
    paper: str
    code: str
    agree: bool


def table1_cells(stride_in: str = "1x1") -> list[Cell]:
    """Every cell of Table 1, paper beside code, for all five depths.

    Rows: "conv1" (the 7x7 conv), "maxpool", conv2_x..conv5_x (block layouts), one
    "output <stage>" row per stage, and "FLOPs". Layouts and sizes must match exactly; the
    FLOPs row is checked with ``one_decimal_consistent`` (the paper printed one decimal).
    """
    _checks.choice("stride_in", stride_in, _checks.STRIDE_INS)
    cells: list[Cell] = []
    for name, paper in TABLE1.items():
        cells += _column_cells(name, paper, table1_from_code(name, stride_in))
    return cells


def _column_cells(name: str, paper: Table1Column, code: Table1Column) -> list[Cell]:
    cells: list[Cell] = []

    def add(row: str, p: str, c: str, agree: bool | None = None) -> None:
        cells.append(Cell(row, name, p, c, p == c if agree is None else agree))

    (k, c, s), (kc, cc, sc) = paper.conv1, code.conv1
    add("conv1", f"{k}x{k}, {c}, stride {s}", f"{kc}x{kc}, {cc}, stride {sc}")
    (k, s), (kc, sc) = paper.maxpool, code.maxpool
    add("maxpool", f"{k}x{k} max pool, stride {s}", f"{kc}x{kc} max pool, stride {sc}")
    for stage, p_layout, c_layout in zip(TABLE1_STAGES[1:5], paper.stages, code.stages,
                                         strict=True):
        add(stage, format_layout(p_layout), format_layout(c_layout))
    for stage in TABLE1_STAGES:
        (ph, pw), (ch, cw) = paper.outputs[stage], code.outputs[stage]
        add(f"output {stage}", f"{ph}x{pw}", f"{ch}x{cw}")
    add("FLOPs", f"{paper.gflops:.1f}", f"{code.gflops:.3f}",
        one_decimal_consistent(code.gflops, paper.gflops))
    return cells


@dataclass(frozen=True)
class PublishedRow:
    """Our count beside torchvision's published one, for one model."""

    name: str
    params: int
    params_published: int
    gmacs: float
    gflops_published: float
    gmacs_paper_form: float
    gflops_paper: float


def torchvision_comparison() -> list[PublishedRow]:
    """Parameters and G multiply-adds from ``stage_table`` beside torchvision's metadata.

    ``gmacs`` is our count for torchvision's form (v1.5, stride on the 3x3), the one its
    GFLOPS describe; ``gmacs_paper_form`` is our count with the paper's stride placement.
    """
    out = []
    for name, pub in TORCHVISION.items():
        v15 = stage_table(name, stride_in="3x3")
        v1 = stage_table(name, stride_in="1x1")
        out.append(PublishedRow(
            name, v15.params, pub.params, v15.macs / 1e9,
            pub.gflops, v1.macs / 1e9, TABLE1[name].gflops,
        ))
    return out


__all__ = [
    "Cell", "PublishedRow", "format_layout", "one_decimal_consistent", "table1_cells",
    "table1_from_code", "torchvision_comparison",
]
