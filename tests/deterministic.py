"""Deterministic weights and inputs for the torchvision reference fixtures.

Both ``tests/make_fixtures.py`` (run against real torchvision) and the tests of
``resnet_lib`` import this module, so the two sides see bit-identical weights.

No torch RNG is used: its streams are not promised to stay the same across torch
versions or platforms. Every value comes from an exact 32-bit integer hash of
(tensor name, element index), done in int64 arithmetic, so it is identical on any
machine and torch version. (A plain ``sin(arange * phi + k)`` was avoided on purpose:
each weight row would then be a phase-shifted copy of the same sinusoid, i.e. every
weight matrix would have rank 2, and channel-mixing bugs could hide behind that.)

Values are scaled so that activations stay O(1) through ResNet-152 in eval mode:
conv weights have std sqrt(1.5 / fan_in), BN weight in [0.5, 1), BN bias and
running_mean in [-0.1, 0.1), running_var in [1, 1.5), num_batches_tracked 0,
fc weight std 1 / sqrt(fan_in), fc bias in [-0.01, 0.01).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import torch

_M32 = 0xFFFFFFFF
# Conv weight variance is _CONV_VAR_GAIN / fan_in. He (2.0) lets ResNet-152's 36-block
# layer3 grow to std ~8 with these BN statistics; 1.0 shrinks ResNet-18's layer4 to ~0.1.
# 1.5 keeps every stage's output std within about 0.2..1.2 for all five depths.
_CONV_VAR_GAIN = 1.5


def _name_seed(name: str) -> int:
    """A stable 32-bit seed from a string (FNV-1a; Python's hash() is salted per run)."""
    h = 0x811C9DC5
    for byte in name.encode():
        h = ((h ^ byte) * 0x01000193) & _M32
    return h


def _uniform(name: str, numel: int) -> torch.Tensor:
    """``numel`` float64 values in [0, 1), a pure function of (name, index)."""
    x = (torch.arange(numel, dtype=torch.int64) * 0x9E3779B1 + _name_seed(name)) & _M32
    for _ in range(2):  # 32-bit integer finaliser; products stay below 2**59
        x = x ^ (x >> 16)
        x = (x * 0x045D9F3B) & _M32
    x = x ^ (x >> 16)
    return x.to(torch.float64) / 2.0**32


def _symmetric(name: str, numel: int) -> torch.Tensor:
    """Values in [-1, 1) with std 1/sqrt(3)."""
    return 2.0 * _uniform(name, numel) - 1.0


def _entries(layout) -> list[tuple[str, tuple[int, ...]]]:
    """Accept [[name, shape], ...], {name: shape} or a state_dict {name: tensor}."""
    items: Iterable = layout.items() if isinstance(layout, Mapping) else layout
    out = []
    for name, shape in items:
        if isinstance(shape, torch.Tensor):
            shape = shape.shape
        out.append((str(name), tuple(int(s) for s in shape)))
    return out


def deterministic_state_dict(
    state_dict_layout, dtype: torch.dtype = torch.float64
) -> dict[str, torch.Tensor]:
    """Deterministic tensors for a ResNet state_dict layout (torchvision naming).

    The value of each tensor depends only on its name and shape, never on its
    position in the layout. Floating tensors are returned in ``dtype``;
    ``num_batches_tracked`` is an int64 zero scalar.
    """
    entries = _entries(state_dict_layout)
    shapes = dict(entries)
    sd: dict[str, torch.Tensor] = {}
    for name, shape in entries:
        numel = math.prod(shape)
        leaf = name.rsplit(".", 1)[-1]
        prefix = name[: -len(leaf)]
        sibling_ndim = len(shapes.get(prefix + "weight", ()))
        if leaf == "num_batches_tracked":
            sd[name] = torch.zeros(shape, dtype=torch.int64)
            continue
        if leaf == "running_mean":
            v = 0.1 * _symmetric(name, numel)
        elif leaf == "running_var":
            v = 1.0 + 0.5 * _uniform(name, numel)
        elif leaf == "weight" and len(shape) == 4:  # conv
            fan_in = shape[1] * shape[2] * shape[3]
            v = _symmetric(name, numel) * math.sqrt(3.0) * math.sqrt(_CONV_VAR_GAIN / fan_in)
        elif leaf == "weight" and len(shape) == 2:  # linear
            v = _symmetric(name, numel) * math.sqrt(3.0) / math.sqrt(shape[1])
        elif leaf == "weight" and len(shape) == 1:  # batch norm gamma
            v = 0.5 + 0.5 * _uniform(name, numel)
        elif leaf == "bias" and sibling_ndim == 2:  # linear bias
            v = 0.01 * _symmetric(name, numel)
        elif leaf == "bias":  # batch norm beta (or a conv bias, if ever present)
            v = 0.1 * _symmetric(name, numel)
        else:
            raise ValueError(f"no deterministic rule for state_dict entry {name!r} {shape}")
        sd[name] = v.reshape(shape).to(dtype)
    return sd


def deterministic_input(
    n: int, c: int, h: int, w: int, dtype: torch.dtype = torch.float64
) -> torch.Tensor:
    """An (n, c, h, w) input with zero mean and unit variance (uniform in [-sqrt3, sqrt3))."""
    v = _symmetric(f"input:{n}x{c}x{h}x{w}", n * c * h * w) * math.sqrt(3.0)
    return v.reshape(n, c, h, w).to(dtype)
