"""resnet_lib: the ResNet family, exactly as torchvision ships it, and answers about it.

Read in this order: ``spec`` (each network described once; which convs a block has; when a
shortcut needs a projection) -> ``blocks`` (BasicBlock, Bottleneck, their pre-activation
twins, shortcuts) -> ``model`` (ResNet and the named builders) -> ``analysis`` (shapes and
costs by arithmetic, no torch) and ``trace`` (the same questions asked of the real model).

torch is imported only where a model is built or traced: ``import resnet_lib`` loads the
arithmetic (``spec``, ``analysis``) alone, and the names of ``blocks``, ``model`` and
``trace`` (``resnet50``, ``trace_shapes``, ...) import their module, and torch, on first use
(a module ``__getattr__``, PEP 562). So the shape and cost arithmetic, the explorer and its
figures also run where torch is absent, e.g. in the reader's browser (Pyodide).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .analysis import LayerCount, StageRow, StageTable, conv_out, stage_table, weighted_layers
from .spec import ARCHS, RESNETS, ArchSpec

if TYPE_CHECKING:  # what the lazy names are, for readers and tools; never run
    from .blocks import (
        BasicBlock,
        Bottleneck,
        PreActBasicBlock,
        PreActBottleneck,
        ZeroPadShortcut,
    )
    from .model import (
        ResNet,
        build,
        resnet18,
        resnet34,
        resnet50,
        resnet101,
        resnet152,
        resnext50_32x4d,
        resnext101_32x8d,
        resnext101_64x4d,
        wide_resnet50_2,
        wide_resnet101_2,
    )
    from .trace import count_params, feature_extractor, trace_shapes

#: The names that need torch, and the module (of this package) that defines each.
_LAZY = {
    **dict.fromkeys(("BasicBlock", "Bottleneck", "PreActBasicBlock", "PreActBottleneck",
                     "ZeroPadShortcut"), "blocks"),
    **dict.fromkeys(("ResNet", "build", "resnet18", "resnet34", "resnet50", "resnet101",
                     "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
                     "wide_resnet50_2", "wide_resnet101_2"), "model"),
    **dict.fromkeys(("count_params", "feature_extractor", "trace_shapes"), "trace"),
}


def __getattr__(name: str) -> object:
    """``resnet_lib.resnet50`` and friends: import their module (and torch) on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "ARCHS", "ArchSpec", "BasicBlock", "Bottleneck", "LayerCount", "PreActBasicBlock",
    "PreActBottleneck", "RESNETS", "ResNet", "StageRow", "StageTable", "ZeroPadShortcut",
    "build", "conv_out", "count_params", "feature_extractor", "resnet18", "resnet34",
    "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
    "resnext101_64x4d", "stage_table", "trace_shapes", "weighted_layers", "wide_resnet50_2",
    "wide_resnet101_2",
]
