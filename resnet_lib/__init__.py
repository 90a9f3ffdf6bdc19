"""resnet_lib: the ResNet family, exactly as torchvision ships it, and answers about it.

Read in this order: ``spec`` (each network described once; which convs a block has; when a
shortcut needs a projection) -> ``blocks`` (BasicBlock, Bottleneck, their pre-activation
twins, shortcuts) -> ``model`` (ResNet and the named builders) -> ``analysis`` (shapes and
costs by arithmetic, no torch) and ``trace`` (the same questions asked of the real model).
"""

from .analysis import LayerCount, StageRow, StageTable, conv_out, stage_table, weighted_layers
from .blocks import BasicBlock, Bottleneck, PreActBasicBlock, PreActBottleneck, ZeroPadShortcut
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
from .spec import ARCHS, RESNETS, ArchSpec
from .trace import count_params, feature_extractor, trace_shapes

__all__ = [
    "ARCHS", "ArchSpec", "BasicBlock", "Bottleneck", "LayerCount", "PreActBasicBlock",
    "PreActBottleneck", "RESNETS", "ResNet", "StageRow", "StageTable", "ZeroPadShortcut",
    "build", "conv_out", "count_params", "feature_extractor", "resnet18", "resnet34",
    "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
    "resnext101_64x4d", "stage_table", "trace_shapes", "weighted_layers", "wide_resnet50_2",
    "wide_resnet101_2",
]
