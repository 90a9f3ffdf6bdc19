"""The book's plotly figures, one module per topic, one function per figure (a ``go.Figure``).

    architecture  the whole network and its stem (chapters 1-2)
    stages        parameters, multiply-adds and blocks per stage (chapter 3)
    blocks        block diagrams drawn from the modules; stride placement (chapter 4)
    skip          degradation, gradient flow, training curves (chapter 5)
    explorer      the feature-map explorer, static and live (chapter 6)
    paper         Table 1, the paper's numbers vs the code, layer counts (chapters 7-8)
    costs         measured latency and what grows with depth (chapter 9)
    structure     the whole network block by block, the paper's Fig. 3 from the model
    family        accuracy against cost; parameters and MACs of the whole family
    training      learning-rate schedules of the paper's and torchvision's recipes

The look (palette, template, names of networks and stages) lives in ``resnet_lib.style``, below
every figure module; how a figure reaches the page lives in ``resnet_lib.render``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# The figures that need only arithmetic are imported now; those drawn from a built model or a
# training run (blocks, paper, skip, structure, training) import their module, and torch, on
# first use (a module ``__getattr__``, PEP 562), so the explorer's figures run without torch.
from .architecture import SIDE_POINTS, resnet_diagram_figure, stem_sides_figure
from .costs import latency_vs_macs_figure, relative_costs_figure
from .explorer import (
    cost_scaling_figure,
    memory_share_figure,
    refresh_stage_figure,
    stage_figure,
    static_explorer_figure,
    stem_comparison_figure,
)
from .family import accuracy_cost_figure, family_costs_figure
from .stages import STAGE_COLORS, WEIGHTED_STAGES, block_counts_figure, stage_costs_figure

if TYPE_CHECKING:  # what the lazy names are, for readers and tools; never run
    from .blocks import block_diagram_figure, stride_placement_figure
    from .paper import (
        layer_counts_figure,
        macs_paper_vs_code_figure,
        projection_reads_figure,
        table1_table,
    )
    from .skip import degradation_figure, gradient_flow_figure, training_curves_figure
    from .structure import structure_figure
    from .training import lr_schedules_figure

#: The figures that need torch, and the module (of this package) that defines each.
_LAZY = {
    "block_diagram_figure": "blocks", "stride_placement_figure": "blocks",
    "layer_counts_figure": "paper", "macs_paper_vs_code_figure": "paper",
    "projection_reads_figure": "paper", "table1_table": "paper",
    "degradation_figure": "skip", "gradient_flow_figure": "skip",
    "training_curves_figure": "skip", "structure_figure": "structure",
    "lr_schedules_figure": "training",
}


def __getattr__(name: str) -> object:
    """A figure function that needs torch: import its module on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "accuracy_cost_figure", "family_costs_figure", "lr_schedules_figure", "structure_figure",
    "SIDE_POINTS", "STAGE_COLORS", "WEIGHTED_STAGES", "block_counts_figure",
    "block_diagram_figure", "cost_scaling_figure", "degradation_figure",
    "gradient_flow_figure", "latency_vs_macs_figure", "layer_counts_figure",
    "macs_paper_vs_code_figure", "memory_share_figure", "projection_reads_figure",
    "refresh_stage_figure", "relative_costs_figure", "resnet_diagram_figure", "stage_costs_figure",
    "stage_figure", "static_explorer_figure", "stem_comparison_figure", "stem_sides_figure",
    "stride_placement_figure", "table1_table", "training_curves_figure",
]
