"""One module, three naming schemes: torchvision's (ours), the paper's and Keras's.

The same convolution of ResNet-50 is ``layer2.0.conv1`` in torchvision, timm and this
library, sits in block ``conv3_1`` of stage ``conv3_x`` in the paper (He et al. 2015, Table 1;
"Downsampling is performed by conv3_1, conv4_1, and conv5_1"), and is the layer
``conv3_block1_1_conv`` in ``keras.applications.ResNet50`` (keras/src/applications/resnet.py:
stages named ``conv2`` .. ``conv5``, blocks ``_block1`` .., the block's layers ``_1_conv``,
``_1_bn``, .., the projection shortcut ``_0_conv`` / ``_0_bn``; the stem ``conv1_conv``,
``conv1_bn``, ``pool1_pool``; the head ``avg_pool``, ``predictions``).

``paper_name`` and ``keras_name`` translate a torchvision module name. Keras ships only the
Bottleneck networks (ResNet-50/101/152), whose modules all have a Keras name here; Keras's
convolutions also carry a bias, which torchvision's do not, so its checkpoints do not load
one-to-one.
"""

from __future__ import annotations

import re

from .style import PAPER_STAGE_NAMES as PAPER_STAGE  # torchvision stage -> paper's name

_BLOCK = re.compile(r"^layer([1-4])\.(\d+)(?:\.(.+))?$")
_KERAS_STEM = {"conv1": "conv1_conv", "bn1": "conv1_bn", "relu": "conv1_relu",
               "maxpool": "pool1_pool", "avgpool": "avg_pool", "fc": "predictions"}
_KERAS_PART = {"conv1": "1_conv", "bn1": "1_bn", "conv2": "2_conv", "bn2": "2_bn",
               "conv3": "3_conv", "bn3": "3_bn", "downsample.0": "0_conv",
               "downsample.1": "0_bn"}


def _split(name: object) -> tuple[int, int, str | None]:
    if not isinstance(name, str):
        raise TypeError(f"name must be a torchvision module name such as 'layer2.0.conv1', "
                        f"got {name!r}")
    m = _BLOCK.match(name)
    if not m:
        raise ValueError(f"name must be a torchvision module name: conv1, bn1, relu, maxpool, "
                         f"layerS.I[.part], avgpool or fc; got {name!r}")
    return int(m.group(1)), int(m.group(2)), m.group(3)


def paper_name(name: str) -> str:
    """``"layer2.0.conv1"`` -> ``"conv3_1"``: the paper's name of the block (or stage).

    The paper names stages conv2_x .. conv5_x and, in the text, their blocks conv3_1, ...
    A name inside a block maps to its block; ``"layer2"`` maps to ``"conv3_x"``; the stem's
    conv is ``"conv1"``.
    """
    if name in ("conv1", "bn1", "relu", "maxpool"):
        return "conv1" if name != "maxpool" else "conv2_x"  # the pool opens conv2_x
    if name in ("avgpool", "fc"):
        return "fc"  # Table 1's last row: "average pool, 1000-d fc, softmax"
    if isinstance(name, str) and re.fullmatch(r"layer[1-4]", name):
        return PAPER_STAGE[name]
    stage, index, _ = _split(name)
    return f"conv{stage + 1}_{index + 1}"


def keras_name(name: str) -> str:
    """``"layer2.0.conv1"`` -> ``"conv3_block1_1_conv"``: the Keras layer of that module."""
    if name in _KERAS_STEM:
        return _KERAS_STEM[name]
    if isinstance(name, str) and re.fullmatch(r"layer[1-4]", name):
        return f"conv{int(name[-1]) + 1}"  # the stack's name prefix
    stage, index, part = _split(name)
    prefix = f"conv{stage + 1}_block{index + 1}"
    if part is None:
        return prefix
    if part not in _KERAS_PART:
        raise ValueError(f"no Keras layer for {name!r}: a block's parts are "
                         f"{', '.join(_KERAS_PART)}")
    return f"{prefix}_{_KERAS_PART[part]}"


__all__ = ["PAPER_STAGE", "keras_name", "paper_name"]
