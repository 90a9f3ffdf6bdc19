"""What a ResNet costs: parameters, multiply-adds, activation memory, and measured time.

Why both counts and clocks: parameters and multiply-adds (MACs) are properties of the
architecture and can be counted exactly (``analysis.stage_table``); time is a property of
a model *on a machine* and can only be measured. The two disagree in instructive ways:
ResNet-50 has about 12% more MACs than ResNet-34 but writes about three times as many
activation values, and on a GPU it runs far slower than its MACs suggest. This module
measures and counts; ``paper.H200_THROUGHPUT`` holds the cited GPU figures.

    measure_latency(model)   CPU (or any device) inference time per image: warm-up runs,
                             then the median of several timed runs, under
                             ``torch.inference_mode`` with a fixed, recorded thread count.
    activation_memory(arch)  elements and bytes of the feature maps, from ``stage_table``.
    cost_table(names)        params, MACs and activation memory for several models.

GPU throughput (measured by ``benchmarks/gpu_throughput.py``, or cited) is in ``throughput``.
"""

from __future__ import annotations

import math
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import _checks, spec
from .analysis import stage_table
from .model import build
from .spec import ARCHS, RESNETS
from .style import label

# --- measured latency ---------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    """Inference time of one model, per image, measured on this machine.

    ``runs_ms`` are the timed runs (each: one forward pass of ``batch`` images, divided by
    ``batch``); ``median_ms`` is their median. ``threads`` is the torch intra-op thread count
    used; ``machine`` names the CPU/platform the numbers were measured on.
    """

    name: str
    median_ms: float
    runs_ms: tuple[float, ...]
    batch: int
    input_size: tuple[int, int]
    threads: int
    warmup: int
    device: str
    torch_version: str
    machine: str

    @property
    def min_ms(self) -> float:
        return min(self.runs_ms)

    @property
    def max_ms(self) -> float:
        return max(self.runs_ms)

    @property
    def images_per_s(self) -> float:
        return 1000.0 / self.median_ms


def _nonneg_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a non-negative int, got {value!r} "
                        f"({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int (>= 0), got {value}")
    return value


def machine_name() -> str:
    """A short description of this machine's CPU, for "measured on ..." lines."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:  # Linux: the marketing name is in /proc/cpuinfo; platform.processor() is often bare
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {platform.system()} {platform.machine()}"


def _model(model: object) -> tuple[str, nn.Module]:
    if isinstance(model, nn.Module):
        return type(model).__name__, model
    if isinstance(model, str):
        return model, build(model)  # build raises ValueError for unknown names
    raise TypeError(f"model must be a torch.nn.Module or a name ({', '.join(ARCHS)}), "
                    f"got {model!r} ({type(model).__name__})")


def measure_latency(
    model: nn.Module | str, input_size: Any = 224, *, batch: int = 1, repeats: int = 5,
    warmup: int = 1, threads: int = 1, device: str = "cpu", name: str | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Latency:
    """Median inference time per image of ``model`` on this machine.

    The model is put in eval mode and run under ``torch.inference_mode`` (no autograd
    bookkeeping) on a fixed random input; ``warmup`` untimed runs let the allocator and
    kernels settle, then ``repeats`` runs are timed one by one and the median is kept (one
    slow run, say another process taking the CPU, moves the median far less than the mean).
    The intra-op thread count is set to ``threads`` for the measurement and restored after,
    and so is the model's train/eval mode.

    Args:
        model: an ``nn.Module``, or a name ("resnet50") to build with default options.
        input_size: an int (square) or (height, width).
        batch: images per forward pass; times are divided by it.
        repeats: timed runs (>= 1). warmup: untimed runs before them (>= 0).
        threads: ``torch.set_num_threads`` value during the measurement.
        device: where to run: "cpu" (the default), "cuda", "cuda:1" or "mps" (GPU devices
            synchronise around each run). It must be available on this machine. The model is
            moved there for the measurement and moved back to where it was afterwards.
        name: label for the result (default: the model's name or class).
        clock: a function returning seconds; ``time.perf_counter`` unless testing.
    """
    label, module = _model(model)
    height, width = _checks.input_size(input_size)
    _checks.positive_int("batch", batch)
    _checks.positive_int("repeats", repeats)
    _nonneg_int("warmup", warmup)
    _checks.positive_int("threads", threads)
    dev = _device(device)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string (a label for the result) or None, got {name!r} "
                        f"({type(name).__name__})")
    if not callable(clock):
        raise TypeError(f"clock must be callable (returning seconds), got {clock!r}")
    in_channels = getattr(module, "in_channels", 3)
    sync = _synchronizer(dev)
    # Where the caller's model lives now, so that it can be put back there afterwards.
    homes = {t.device for t in (*module.parameters(), *module.buffers())}
    if len(homes) > 1:
        raise ValueError(f"the model's parameters are spread over several devices "
                         f"({', '.join(sorted(map(str, homes)))}); measure_latency runs a "
                         f"model on one device")
    home = next(iter(homes), None)

    old_threads, was_training = torch.get_num_threads(), module.training
    torch.set_num_threads(threads)
    try:
        module.to(dev).eval()
        generator = torch.Generator().manual_seed(0)
        x = torch.randn(batch, in_channels, height, width, generator=generator).to(dev)
        runs = []
        with torch.inference_mode():
            for _ in range(warmup):
                module(x)
            sync()
            for _ in range(repeats):
                start = clock()
                module(x)
                sync()
                runs.append((clock() - start) * 1000.0 / batch)
    finally:
        torch.set_num_threads(old_threads)
        module.train(was_training)
        if home is not None and home != dev:
            module.to(home)  # the caller's model goes back where it was
    for r in runs:
        if not math.isfinite(r) or r <= 0:
            raise RuntimeError(f"the clock gave a non-positive or non-finite time ({r} ms)")
    return Latency(
        name=name or label, median_ms=statistics.median(runs), runs_ms=tuple(runs),
        batch=batch, input_size=(height, width), threads=threads, warmup=warmup,
        device=str(dev), torch_version=torch.__version__, machine=machine_name(),
    )


#: Device types ``measure_latency`` can time (GPU types synchronise around each run).
DEVICE_TYPES = ("cpu", "cuda", "mps")


def _device(device: object) -> torch.device:
    """``device`` as a ``torch.device`` this machine has, or a clear error naming it."""
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda', got {device!r} "
                        f"({type(device).__name__})")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' (N: a GPU's index) or 'mps'; "
                         f"got {device!r}") from None
    if dev.type not in DEVICE_TYPES:
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'mps' to time a model; "
                         f"got {device!r}")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {device!r} was asked for but torch sees no CUDA device "
                             f"on this machine; use device='cpu'")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(f"device {device!r} was asked for but torch sees only "
                             f"{torch.cuda.device_count()} CUDA device(s) (cuda:0 ..)")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {device!r} was asked for but this machine has no usable Apple "
                         f"GPU (torch.backends.mps.is_available() is False); use device='cpu'")
    return dev


def _synchronizer(dev: torch.device) -> Callable[[], None]:
    """Wait for the device's queued work: GPU kernels run asynchronously to the clock."""
    if dev.type == "cuda":
        return lambda: torch.cuda.synchronize(dev)
    if dev.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def measure_all(names: Iterable[str] = RESNETS, *, progress: Any = None,
                **kwargs: Any) -> list[Latency]:
    """``measure_latency`` for several named models (each built fresh, default options).

    ``progress``: ``None``, or an object with ``start(total)``, ``step(name)`` and
    ``finish()`` methods, such as ``progress.LatencyProgress()``, told about every model timed.
    """
    names = _names(names)
    _checks.progress(progress)
    if progress is not None:
        progress.start(len(names))
    out = []
    for n in names:
        out.append(measure_latency(build(n), name=n, **kwargs))
        if progress is not None:
            progress.step(label(n))
    if progress is not None:
        progress.finish()
    return out


# --- counted costs ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivationMemory:
    """Feature maps of one forward pass, for ``batch`` images.

    ``stage_outputs``: elements of the tensors the rows of ``stage_table`` hand on (conv1,
    maxpool, layer1..4, avgpool, fc): the boundaries between stages.
    ``conv_outputs``: elements written by every convolution (main path and projection
    shortcuts) -- one tensor per conv, each of which its BN reads and a training step keeps
    for the backward pass. BN and ReLU outputs come on top in a real training step, so this
    is a floor for training and a measure of the memory traffic of inference.
    """

    name: str
    batch: int
    bytes_per_element: int
    stage_outputs: int
    conv_outputs: int
    per_stage_conv_outputs: dict[str, int] = field(default_factory=dict)

    @property
    def stage_bytes(self) -> int:
        return self.stage_outputs * self.bytes_per_element

    @property
    def conv_bytes(self) -> int:
        return self.conv_outputs * self.bytes_per_element

    @property
    def conv_mib(self) -> float:
        return self.conv_bytes / 2**20


def activation_memory(arch: Any, input_size: Any = 224, *, batch: int = 1,
                      bytes_per_element: int = 4, **options: Any) -> ActivationMemory:
    """Activation elements and bytes of a ResNet, from ``stage_table``.

    ``stage_table`` walks the same block description the model is built from and counts, per
    stage, the elements each conv writes (``StageRow.conv_outputs``: a BasicBlock two maps
    of (planes, H, W); a Bottleneck three, the first at the input's size when the stride sits
    on the 3x3; a projection shortcut one of the output's shape); this adds them up and
    multiplies by the batch and the bytes per element.

    Args:
        arch: a name or a (block, layers) pair, as for ``stage_table``.
        input_size: an int or (height, width).
        batch: images per pass (everything scales with it).
        bytes_per_element: 4 for float32, 2 for bfloat16/float16.
        **options: the options of ``ResNet`` (stride_in, shortcut, stem, plain, ...).
    """
    _checks.positive_int("batch", batch)
    _checks.positive_int("bytes_per_element", bytes_per_element)
    rows = stage_table(arch, input_size, **options)
    per_stage = {r.name: r.conv_outputs for r in rows if r.name in ("conv1", *spec.STAGES)}
    return ActivationMemory(
        name=arch if isinstance(arch, str) else label(arch), batch=batch,
        bytes_per_element=bytes_per_element, stage_outputs=rows.stage_outputs * batch,
        conv_outputs=rows.conv_outputs * batch,
        per_stage_conv_outputs={k: v * batch for k, v in per_stage.items()},
    )


@dataclass(frozen=True)
class ModelCost:
    """The counted costs of one model at one input size (one image)."""

    name: str
    params: int
    macs: int
    activations: ActivationMemory

    @property
    def gmacs(self) -> float:
        return self.macs / 1e9


def _names(names: object) -> tuple[str, ...]:
    return _checks.names(names, ARCHS)


def cost_table(names: Iterable[str] = RESNETS, input_size: Any = 224,
               **options: Any) -> list[ModelCost]:
    """Parameters, MACs and activation memory of each named model (from ``stage_table``)."""
    out = []
    for n in _names(names):
        rows = stage_table(n, input_size, **options)
        out.append(ModelCost(n, rows.params, rows.macs,
                             activation_memory(n, input_size, **options)))
    return out


__all__ = [
    "ActivationMemory", "Latency", "ModelCost", "activation_memory", "cost_table",
    "machine_name", "measure_all", "measure_latency",
]
