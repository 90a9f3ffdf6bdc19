"""resnet_lib: the ResNet family, exactly as torchvision ships it, and answers about it.

Read in this order: ``blocks`` (BasicBlock, Bottleneck, shortcuts) -> ``model`` (ResNet and
the five depths) -> ``analysis`` (shapes and costs without a forward pass).
"""

from .analysis import (
    LayerCount,
    StageRow,
    conv_out,
    count_params,
    stage_table,
    trace_shapes,
    weighted_layers,
)
from .blocks import BasicBlock, Bottleneck, ZeroPadShortcut
from .model import ARCHS, ResNet, build, resnet18, resnet34, resnet50, resnet101, resnet152

__all__ = [
    "ARCHS", "BasicBlock", "Bottleneck", "LayerCount", "ResNet", "StageRow", "ZeroPadShortcut",
    "build", "conv_out", "count_params", "resnet18", "resnet34", "resnet50", "resnet101",
    "resnet152", "stage_table", "trace_shapes", "weighted_layers",
]
