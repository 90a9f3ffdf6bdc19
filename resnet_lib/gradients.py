"""Gradient flow at initialisation: how large each weighted layer's gradient is, per variant.

The measurement behind the skip-connection chapter's gradient plot: one forward and backward
pass of a freshly initialised network on a seeded batch, and the norm of the gradient that
reaches each conv/fc weight. Seeded, CPU-only and deterministic, like every run in
``experiments`` (whose determinism and argument checks it shares).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import _checks
from .experiments import _check_model, _check_on_cpu, _seed, deterministic
from .model import build


def weighted_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The weighted layers on the main path, in depth order: convs and fc, no shortcuts.

    That is the paper's way of counting depth (34 for ResNet-34): projection shortcuts
    (``downsample``) sit beside the path, not on it, so they are left out. Registration order
    is depth order for ``ResNet`` (stem, layer1..layer4, fc).
    """
    _check_model(model)
    return [
        (name, m) for name, m in model.named_modules()
        if isinstance(m, (nn.Conv2d, nn.Linear)) and "downsample" not in name.split(".")
    ]


def gradient_norms(
    model: nn.Module, *, input_size: Any = 224, batch: int = 8, seed: int = 0,
) -> dict[str, float]:
    """Norm of dLoss/dWeight for each weighted layer at initialisation, in depth order.

    Why: if the backward pass shrank (vanishing) or grew (exploding) the gradient layer by
    layer, the norms would fall or rise geometrically with distance from the loss. One
    seeded batch of Gaussian images with random labels is enough to see it: nothing has been
    learned yet, so the shape of the curve is the network's, not the data's.

    The model runs in training mode (BN uses the batch's statistics, as it does in the first
    SGD step); its ``.grad`` fields and its train/eval mode are left as they were, but BN's
    running statistics are updated once by the forward pass, as in a real first step.

    Args:
        model: a classifier with one ``nn.Linear`` at the end (e.g. any ``ResNet``), on the
            CPU (see "CPU only" in the module docstring).
        input_size: an int or ``(height, width)``; 224 is the paper's ImageNet size.
        batch: images in the batch (at least 2: BN in training mode needs two values).
        seed: seed of the images and labels.

    Returns:
        ``{layer name: Frobenius norm of its weight gradient}``, e.g. ``conv1``,
        ``layer1.0.conv1``, ..., ``fc``, ordered from the input to the output.
    """
    layers = weighted_modules(model)
    if not layers:
        raise ValueError("model has no Conv2d or Linear layer to measure")
    _check_on_cpu(model)
    height, width = _checks.input_size(input_size)
    _checks.positive_int("batch", batch)
    if batch < 2:
        raise ValueError(f"batch must be at least 2 (BatchNorm in training mode needs two "
                         f"values per channel), got {batch}")
    in_channels = getattr(model, "in_channels", None) or next(
        m.in_channels for _, m in layers if isinstance(m, nn.Conv2d))
    head = [m for _, m in layers if isinstance(m, nn.Linear)]
    if not head:
        raise ValueError("model has no nn.Linear classifier: cannot draw labels for a loss")
    num_classes = head[-1].out_features
    weights = [m.weight for _, m in layers]

    was_training = model.training
    with deterministic(seed):
        gen = torch.Generator().manual_seed(_seed(seed))
        x = torch.randn(batch, in_channels, height, width, generator=gen)  # (B, C, H, W)
        y = torch.randint(0, num_classes, (batch,), generator=gen)  # (B,)
        model.train()
        try:
            loss = F.cross_entropy(model(x), y)
            # autograd.grad, not backward(): the model's own .grad fields stay untouched.
            grads = torch.autograd.grad(loss, weights)
        finally:
            model.train(was_training)
    return {name: g.norm().item() for (name, _), g in zip(layers, grads, strict=True)}


# name -> options of ``build``: the three ResNet-34 variants chapter 5 compares.
GRADIENT_VARIANTS: dict[str, dict[str, Any]] = {
    "plain-34": dict(plain=True),  # the same network with every shortcut removed
    "ResNet-34": {},  # the paper's ResNet-34 (option B, torchvision's)
    "pre-act ResNet-34": dict(preact=True),  # BN -> ReLU -> conv blocks (He et al. 2016)
}


def gradient_flow(
    arch: str = "resnet34", variants: dict[str, dict[str, Any]] | None = None, *,
    input_size: Any = 224, batch: int = 8, seed: int = 0, progress: Any = None,
) -> dict[str, dict[str, float]]:
    """``gradient_norms`` for several variants of one architecture, each built under ``seed``.

    Every variant is initialised from the same seed and measured on the same batch, so the
    curves differ only because the networks do.

    ``progress``: ``None``, or an object with ``start(total)``, ``step(name)`` and
    ``finish()`` methods, such as ``progress.GradientProgress()``, told about every variant
    measured (each is one forward and backward pass of a full-size network: seconds on a CPU).

    Returns:
        ``{variant name: {layer name: gradient norm}}``, defaulting to ``GRADIENT_VARIANTS``.
    """

    variants = GRADIENT_VARIANTS if variants is None else variants
    if not isinstance(variants, dict) or not variants:
        raise TypeError(f"variants must be a non-empty dict {{name: build options}}, "
                        f"got {variants!r}")
    for name, options in variants.items():
        if not isinstance(options, dict):
            raise TypeError(f"variants: each value must be a dict of ResNet options (keyword "
                            f"arguments of build, e.g. {{'plain': True}}); got {options!r} "
                            f"for {name!r}")
    _checks.progress(progress)
    if progress is not None:
        progress.start(len(variants))
    out = {}
    for name, options in variants.items():
        with deterministic(seed):
            model = build(arch, **options)
        out[name] = gradient_norms(model, input_size=input_size, batch=batch, seed=seed)
        if progress is not None:
            progress.step(name)
    if progress is not None:
        progress.finish()
    return out


__all__ = ["GRADIENT_VARIANTS", "gradient_flow", "gradient_norms", "weighted_modules"]
