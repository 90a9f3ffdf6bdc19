"""Small CPU experiments that show why the shortcut works: gradient flow and training curves.

References: He et al. 2016, "Deep Residual Learning for Image Recognition" (CVPR 2016,
arXiv:1512.03385), Sec. 4.1, Table 2 and Fig. 4 (plain-34 trains worse than plain-18; with
parameter-free option-A shortcuts ResNet-34 trains better than ResNet-18); He et al. 2016,
"Identity Mappings in Deep Residual Networks" (arXiv:1603.05027); Goyal et al. 2017
(arXiv:1706.02677) for ``zero_init_residual``.

Why these are so small: the book executes every chapter when it is built, on an ordinary CPU,
and a reader re-runs the cells on a laptop. The paper trained 600,000 SGD steps on 1.28 million
224x224 images; here the *same architectures* (BasicBlock stages, BN, the same options) are
made narrow (``width=8`` instead of 64) and trained for a few hundred steps on scikit-learn's
bundled 8x8 digits, upsampled to 16x16 so that every stage works on a real map (16, 8, 4 and
2 pixels a side with the small-image stem; at 8x8 ``layer4`` would see a single pixel).

One difference at a time: ``plain_vs_residual`` compares a plain net and a residual net that
differ *only* in the shortcut. The residual nets use the paper's option A (identity shortcuts,
zero-padded where the channels grow), which has no parameters, so a plain net and its residual
twin built from one seed start from the very same weights (the tests check it). Zero-initialised
residual branches (``zero_init_residual``) are a second, separately labelled variable.

Determinism: every function that draws random numbers takes a ``seed``, draws from its own
``torch.Generator`` (or a forked global CPU RNG, restored afterwards), runs on one CPU thread
with ``torch.use_deterministic_algorithms(True)``, and restores those settings when it returns.
One thread matters: a parallel reduction may add the same numbers in another order, and float
addition is not associative, so the last bits of a loss could depend on the machine's cores.

Measured gradients at initialisation live in ``gradients``, the seed sweep in ``seeds`` and the
progress bar in ``progress``.

CPU only: ``train_curve`` (and ``gradients.gradient_norms``) refuse a model whose parameters
or buffers are on another device. Under ``use_deterministic_algorithms(True)`` CUDA has no
deterministic kernel for some of what they run (for example the backward pass of
``AdaptiveAvgPool2d``), so a GPU run would stop with a RuntimeError inside torch; the
chapter's runs are on the CPU.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks
from .blocks import BasicBlock
from .model import ResNet

# Weighted layers (the paper's count: convs + fc) -> BasicBlocks per stage. 10 is the smallest
# four-stage ResNet (one block per stage); 18 and 34 are the paper's two BasicBlock depths.
SMALL_DEPTHS: dict[int, tuple[int, int, int, int]] = {
    10: (1, 1, 1, 1),
    18: (2, 2, 2, 2),
    34: (3, 4, 6, 3),
}

# The plain-vs-residual run that chapter 5 shows and tests/test_experiments.py asserts.
TRAIN_DEFAULTS: dict[str, Any] = dict(
    depths=(10, 34),  # weighted layers: one block per stage, and ResNet-34's [3, 4, 6, 3]
    width=8,  # 8/16/32/64 channels per stage: 1/8 of the paper's 64/128/256/512
    input_size=16,  # digits upsampled 8 -> 16: layer1..layer4 at 16, 8, 4, 2 pixels a side
    steps=150,  # SGD steps
    batch_size=64,  # images per step, drawn without replacement within a step
    lr=0.05,  # plain SGD + momentum 0.9, as in the paper (which used 0.1 at batch 256)
    seed=0,
)

# The seeds over which the ranking is re-checked (tests/test_experiments.py,
# benchmarks/plain_vs_residual_seeds.py); the chapter trains seed 0.
SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)

# The residual nets of the comparison use option A: identity shortcuts, no parameters.
SHORTCUT = "A"


def curve_name(depth: int, *, plain: bool = False, zero_init: bool = False) -> str:
    """The label of one trained net: ``plain-34``, ``ResNet-34`` or ``ResNet-34, zero-init``."""
    if plain:
        return f"plain-{depth}"
    return f"ResNet-{depth}" + (", zero-init" if zero_init else "")


@contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Seed torch's global CPU generator, force deterministic kernels on one thread; restore
    everything on exit.

    The global CPU RNG is forked (``torch.random.fork_rng``), so a caller's random stream is
    the same after the block as before it: running an experiment does not change what the next
    ``torch.randn`` in a notebook returns. Only the CPU generator is seeded (not
    ``torch.manual_seed``, which would also reseed every CUDA device): the experiments run on
    the CPU, and a caller's GPU random stream is left exactly as it was.
    """
    seed = _seed(seed)
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)  # CPU only; see the docstring
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(was_deterministic, warn_only=warn_only)
            torch.set_num_threads(threads)


def digits(size: int = 8) -> tuple[Tensor, Tensor]:
    """scikit-learn's handwritten digits as ``(images, labels)``: 1,797 images, 10 classes.

    Why this data set: it is bundled inside scikit-learn (``load_digits`` reads a file in the
    installed package; nothing is downloaded), it is real images rather than noise, and 8x8
    pixels make a 34-layer net cheap enough to train in seconds on a CPU.

    Args:
        size: side of the returned images; 8 is the original, larger sizes are bilinear
            upsamplings (a 32x32 version is CIFAR-sized, at 16x the cost per step).

    Returns:
        images ``(1797, 1, size, size)`` float32, standardised to mean 0 and std 1 over the
        whole set; labels ``(1797,)`` int64 in 0..9.
    """
    _checks.positive_int("size", size)
    if size < 8:
        raise ValueError(f"size must be at least 8 (the digits are 8x8 pixels), got {size}")
    from sklearn.datasets import load_digits  # imported here: only this function needs it

    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1)  # (1797, 1, 8, 8), 0..16
    x = (x - x.mean()) / x.std()
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    y = torch.tensor(bunch.target, dtype=torch.int64)  # (1797,)
    return x, y


def small_resnet(
    depth: int, *, plain: bool = False, preact: bool = False, zero_init_residual: bool = False,
    width: int = 8, in_channels: int = 1, num_classes: int = 10, seed: int = 0,
    shortcut: str = "B",
) -> ResNet:
    """A narrow CIFAR-style ResNet (3x3 stem, no max pool) of ``depth`` weighted layers.

    The same ``ResNet`` class as the ImageNet models, only thinner and with the small-image
    stem, so that what it shows about shortcuts carries over. ``plain=True`` is the same
    network with every shortcut removed. The weights are drawn under ``seed``, so a plain and a
    residual net built with the same seed start from comparable draws.

    Args:
        depth: 10, 18 or 34 weighted layers (``1 + 2 x blocks + 1``, see ``SMALL_DEPTHS``).
        plain, preact, zero_init_residual, width, in_channels, num_classes, shortcut: as for
            ``ResNet`` (``shortcut="A"``: parameter-free identity shortcuts, the paper's option).
        seed: seed of the weight initialisation.
    """
    if isinstance(depth, bool) or not isinstance(depth, int):
        raise TypeError(f"depth must be an int, one of {sorted(SMALL_DEPTHS)}; got {depth!r}")
    if depth not in SMALL_DEPTHS:
        raise ValueError(f"depth must be one of {sorted(SMALL_DEPTHS)} (weighted layers), "
                         f"got {depth}")
    with deterministic(seed):
        return ResNet(
            BasicBlock, SMALL_DEPTHS[depth], num_classes=num_classes, in_channels=in_channels,
            width=width, stem="cifar", plain=plain, preact=preact, shortcut=shortcut,
            zero_init_residual=zero_init_residual,
        )


def train_curve(
    model: nn.Module, data: tuple[Tensor, Tensor], steps: int, seed: int, *,
    lr: float = TRAIN_DEFAULTS["lr"], momentum: float = 0.9,
    batch_size: int = TRAIN_DEFAULTS["batch_size"], on_step: Any = None,
) -> list[float]:
    """Train ``model`` in place with SGD and return the training loss of every step.

    Each step draws ``batch_size`` distinct examples (seeded), computes the cross-entropy
    loss, records it, and takes one SGD step (momentum, no weight decay: we are measuring how
    well a network can *fit* its training set, the paper's degradation question, so nothing
    should pull it away from that). Same model weights + same seed = the same list, to the
    last bit.

    Args:
        model: a classifier returning ``(N, classes)`` logits, on the CPU (see "CPU only" in
            the module docstring); it is modified (trained) and left in training mode.
        data: ``(images, labels)`` on the CPU: images ``(N, C, H, W)`` float, labels ``(N,)``
            int64 in ``0 .. classes - 1``.
        steps: SGD steps to take (one loss per step).
        seed: seed of the mini-batch order.
        lr, momentum, batch_size: SGD settings; ``batch_size`` at most N.
        on_step: ``None`` or a function of no arguments, called after every step (progress).

    Returns:
        ``steps`` floats: the mini-batch loss *before* each update (the first is the loss of
        the untrained model).
    """
    _check_model(model)
    x, y = _check_data(data)
    _checks.positive_int("steps", steps)
    seed = _seed(seed)
    lr = _positive_float("lr", lr)
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not (
            0 <= momentum < 1):
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
    _checks.positive_int("batch_size", batch_size)
    if on_step is not None and not callable(on_step):
        raise TypeError(f"on_step must be None or a function, got {type(on_step).__name__}")
    if batch_size > len(x):
        raise ValueError(f"batch_size must be at most the number of examples ({len(x)}), "
                         f"got {batch_size}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    _check_on_cpu(model)
    if x.device.type != "cpu" or y.device.type != "cpu":
        raise ValueError(f"data must be on the CPU (train_curve runs on the CPU only), got "
                         f"images on {x.device} and labels on {y.device}")

    losses: list[float] = []
    with deterministic(seed):
        _check_labels(y, _num_outputs(model, x))
        gen = torch.Generator().manual_seed(seed)
        opt = torch.optim.SGD(params, lr=lr, momentum=float(momentum))
        model.train()
        for _ in range(steps):
            idx = torch.randperm(len(x), generator=gen)[:batch_size]  # (batch,)
            loss = F.cross_entropy(model(x[idx]), y[idx])  # scalar, mean over the batch
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if on_step is not None:
                on_step()
    return losses


def plain_vs_residual(
    *, depths: Sequence[int] = TRAIN_DEFAULTS["depths"], width: int = TRAIN_DEFAULTS["width"],
    input_size: int = TRAIN_DEFAULTS["input_size"], steps: int = TRAIN_DEFAULTS["steps"],
    batch_size: int = TRAIN_DEFAULTS["batch_size"], lr: float = TRAIN_DEFAULTS["lr"],
    seed: int = TRAIN_DEFAULTS["seed"], zero_init: Sequence[int] = (34,),
    data: tuple[Tensor, Tensor] | None = None, progress: Any = None,
) -> dict[str, list[float]]:
    """Train plain and residual nets of each depth on the digits; return their loss curves.

    The headline comparison changes one thing only. For each depth, the plain net and the
    residual net are built from the same seed with the same (standard) initialisation; the
    residual net's option-A shortcuts have no parameters, so both start from identical weights
    and differ only in the additions. Every net sees the same data, the same mini-batch order
    and the same optimiser.

    Zero-initialised residual branches are a separate variable: for each depth in
    ``zero_init`` one more residual net is trained with ``zero_init_residual=True`` (Goyal et
    al. 2017; torchvision has the same switch), so each of its blocks starts as the identity.
    A plain net has no counterpart: zeroing the last BN of a plain block would cut the signal.

    Args:
        depths: weighted layers of the nets, from ``SMALL_DEPTHS``.
        width, steps, batch_size, lr, seed: as for ``small_resnet`` and ``train_curve``; one
            seed draws the weights of every net and the order of the mini-batches.
        input_size: side of the (upsampled) digits when ``data`` is not given.
        zero_init: depths (a subset of ``depths``) that also get a zero-init residual net.
        data: ``(images, labels)``; default ``digits(input_size)``.
        progress: ``None``, or an object with ``start(total_steps)``, ``step(name)`` and
            ``finish()`` methods, such as ``TrainingProgress()``, told about every SGD step.

    Returns:
        ``{"plain-10": [...], "ResNet-10": [...], "plain-34": [...], "ResNet-34": [...],
        "ResNet-34, zero-init": [...]}`` in that order, each a list of ``steps`` losses.
    """
    if isinstance(depths, (str, bytes)) or not isinstance(depths, Sequence) or not depths:
        raise TypeError(f"depths must be a non-empty sequence of ints from "
                        f"{sorted(SMALL_DEPTHS)}, got {depths!r}")
    if isinstance(zero_init, (str, bytes)) or not isinstance(zero_init, Sequence):
        raise TypeError(f"zero_init must be a sequence of depths (a subset of depths "
                        f"{tuple(depths)}), e.g. (34,) or (); got {zero_init!r}")
    extra = [d for d in zero_init if d not in depths]
    if extra:
        raise ValueError(f"zero_init must be a subset of depths {tuple(depths)}, got "
                         f"{tuple(zero_init)}")
    _checks.progress(progress)
    data = digits(input_size) if data is None else _check_data(data)
    runs = []
    for depth in depths:
        runs += [(depth, True, False), (depth, False, False)]
    runs += [(depth, False, True) for depth in depths if depth in zero_init]
    runs.sort(key=lambda run: list(depths).index(run[0]))  # depth by depth, plain first
    if progress is not None:
        progress.start(len(runs) * steps)
    curves: dict[str, list[float]] = {}
    for depth, plain, zero in runs:
        model = small_resnet(depth, plain=plain, zero_init_residual=zero, width=width,
                             seed=seed, shortcut=SHORTCUT, in_channels=data[0].shape[1],
                             num_classes=int(data[1].max()) + 1)
        name = curve_name(depth, plain=plain, zero_init=zero)
        on_step = None if progress is None else (lambda n=name: progress.step(n))
        curves[name] = train_curve(model, data, steps, seed, lr=lr, batch_size=batch_size,
                                   on_step=on_step)
    if progress is not None:
        progress.finish()
    return curves


def tail_mean(losses: Sequence[float], fraction: float = 0.1) -> float:
    """Mean of the last ``fraction`` of a loss curve: the final loss, less mini-batch noise.

    A single step's loss depends on which examples happened to be drawn; averaging the last
    10% of steps gives a number that ranks networks reliably.
    """
    if isinstance(losses, (str, bytes)) or not isinstance(losses, Sequence) or not losses:
        raise TypeError(f"losses must be a non-empty sequence of numbers, got {losses!r}")
    fraction = _positive_float("fraction", fraction)
    if fraction > 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    n = max(1, round(len(losses) * fraction))
    return float(sum(losses[-n:]) / n)


def smooth(losses: Sequence[float], window: int = 10) -> list[float]:
    """Trailing moving average (the first points average what exists so far), for plotting."""
    if isinstance(losses, (str, bytes)) or not isinstance(losses, Sequence):
        raise TypeError(f"losses must be a sequence of numbers, got {losses!r}")
    _checks.positive_int("window", window)
    out, total = [], 0.0
    for i, v in enumerate(losses):
        total += v
        if i >= window:
            total -= losses[i - window]
        out.append(total / min(i + 1, window))
    return out


# --- argument checks ---------------------------------------------------------------------


def _seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be a non-negative int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return seed


def _positive_float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r} "
                        f"({type(value).__name__})")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return float(value)


def _check_model(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _check_on_cpu(model: nn.Module) -> None:
    """CPU only (see the module docstring): every parameter and buffer on the CPU."""
    devices = {t.device for t in (*model.parameters(), *model.buffers())}
    other = sorted(str(d) for d in devices if d.type != "cpu")
    if other:
        raise ValueError(f"model must be on the CPU: these experiments run on the CPU only "
                         f"(deterministic kernels, one thread), got tensors on "
                         f"{', '.join(other)}; call model.cpu() first")


def _num_outputs(model: nn.Module, x: Tensor) -> int:
    """The number of classes ``model`` scores: the width of its output for one image.

    Measured in eval mode without autograd, so nothing is learned and BN's running statistics
    are left alone; the model's train/eval mode is restored.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x[:1])  # (1, classes)
    finally:
        model.train(was_training)
    if not isinstance(out, Tensor) or out.dim() != 2 or out.shape[0] != 1:
        shape = tuple(out.shape) if isinstance(out, Tensor) else type(out).__name__
        raise ValueError(f"model must return logits of shape (N, classes), got {shape} for "
                         f"one image")
    return out.shape[1]


def _check_labels(y: Tensor, classes: int) -> None:
    """Labels must index the model's outputs: ``0 <= label < classes``."""
    lo, hi = int(y.min()), int(y.max())
    if lo < 0 or hi >= classes:
        raise ValueError(f"data labels must be in 0..{classes - 1} (the model has {classes} "
                         f"outputs), got labels from {lo} to {hi}")


def _check_data(data: object) -> tuple[Tensor, Tensor]:
    """``(images, labels)`` with images (N, C, H, W) floating and labels (N,) integer."""
    if not (isinstance(data, (tuple, list)) and len(data) == 2
            and all(isinstance(t, Tensor) for t in data)):
        raise TypeError("data must be a pair (images, labels) of tensors, e.g. digits(); "
                        f"got {type(data).__name__}")
    x, y = data
    if x.dim() != 4 or not x.is_floating_point():
        raise ValueError(f"data images must be a floating tensor (N, C, H, W), got shape "
                         f"{tuple(x.shape)} dtype {x.dtype}")
    if y.dim() != 1 or y.dtype != torch.int64 or len(y) != len(x):
        raise ValueError(f"data labels must be an int64 tensor (N,) with N = {len(x)} images, "
                         f"got shape {tuple(y.shape)} dtype {y.dtype}")
    if len(x) == 0:
        raise ValueError("data must contain at least one example")
    return x, y


__all__ = [
    "SEEDS", "SHORTCUT", "SMALL_DEPTHS", "TRAIN_DEFAULTS", "curve_name", "deterministic",
    "digits", "plain_vs_residual", "small_resnet", "smooth", "tail_mean", "train_curve",
]
