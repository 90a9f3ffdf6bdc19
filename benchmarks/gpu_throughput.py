"""Images per second of ResNet-18..152 on one GPU: inference and a full training step.

Why: multiply-adds are not speed. ResNet-50 has about 12% more MACs than ResNet-34, yet
on a GPU it runs far slower, because its Bottleneck blocks write several times more
activation values (memory traffic) for each multiply-add. This script measures that, with
``resnet_lib``'s own models (no torchvision), in the setting people actually train in:

- bf16 autocast, channels_last memory format, batch 256, 224x224 input (all adjustable);
- inference: ``torch.inference_mode``, eval mode;
- training step: forward + cross-entropy + backward + SGD (momentum) step, train mode;
- optionally ``torch.compile`` (``--compile``), timed after its compilation warm-up;
- timing: ``--warmup`` untimed steps, then ``--steps`` timed steps between
  ``torch.cuda.synchronize()`` calls; images/s = batch x steps / seconds.

It writes a JSON that ``resnet_lib.throughput.load_throughput`` reads (the cost chapter uses it
when it exists at ``benchmarks/results/gpu_throughput.json``), with provenance: GPU name,
torch/CUDA/cuDNN versions, date and every setting.

Usage (about 2-3 minutes on one H100/H200 without --compile):

    python benchmarks/gpu_throughput.py                      # all five, writes the JSON
    python benchmarks/gpu_throughput.py --compile --models resnet50
    python benchmarks/gpu_throughput.py --device cpu --batch 2 --steps 2 --warmup 1 \\
        --out /tmp/smoke.json                                # CPU smoke test of the script

Without a CUDA device it stops with a clear message unless ``--device cpu`` is given
(a smoke mode that proves the script runs; its numbers say nothing about GPUs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

try:
    import resnet_lib  # noqa: F401  (installed with `pip install -e .`, as `make setup` does)
except ImportError:  # run from a bare checkout: use the repository's copy
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from resnet_lib import ARCHS, RESNETS, build, stage_table  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "gpu_throughput.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", nargs="+", default=list(RESNETS), choices=list(ARCHS),
                   help="models to measure (default: all five)")
    p.add_argument("--device", default="cuda", choices=("cuda", "cpu"),
                   help="cuda (the measurement) or cpu (a smoke test of the script)")
    p.add_argument("--batch", type=int, default=256, help="images per step (default 256)")
    p.add_argument("--size", type=int, default=224, help="image height = width (default 224)")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first (default 10)")
    p.add_argument("--steps", type=int, default=30, help="timed steps (default 30)")
    p.add_argument("--compile", action="store_true", help="also time torch.compile'd models")
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                   help="keep the default NCHW memory format")
    p.add_argument("--dtype", default="bfloat16", choices=("bfloat16", "float16", "float32"),
                   help="autocast dtype; float32 disables autocast (default bfloat16)")
    p.add_argument("--out", type=Path, default=None,
                   help=f"JSON to write (default {DEFAULT_OUT} on cuda; required on cpu)")
    args = p.parse_args(argv)
    for name in ("size", "steps"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be >= 1, got {getattr(args, name)}")
    if args.batch < 2:
        p.error("--batch must be >= 2: a training step's BatchNorm needs more than one value "
                "per channel")
    if args.warmup < 0:
        p.error(f"--warmup must be >= 0, got {args.warmup}")
    if args.device == "cpu" and args.out is None:
        p.error("--device cpu is a smoke test: give --out (it must not overwrite the GPU "
                "results)")
    if args.out is None:
        args.out = DEFAULT_OUT
    return args


def _autocast(device: str, dtype: str):
    if dtype == "float32":
        return torch.autocast(device_type=device, enabled=False)
    return torch.autocast(device_type=device, dtype=getattr(torch, dtype))


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _timed(step, device: str, warmup: int, steps: int) -> float:
    """Seconds for ``steps`` calls of ``step`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        step()
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(device)
    return time.perf_counter() - start


def measure(name: str, args: argparse.Namespace, compiled: bool = False) -> dict[str, float]:
    """Inference and training images/s of one model."""
    device, fmt = args.device, (torch.channels_last if args.channels_last
                                else torch.contiguous_format)
    model = build(name).to(device, memory_format=fmt)
    runner = torch.compile(model) if compiled else model
    x = torch.randn(args.batch, 3, args.size, args.size, device=device).to(memory_format=fmt)
    y = torch.randint(0, 1000, (args.batch,), device=device)
    # A compiled model needs more warm-up: its first calls compile (and recompile for
    # the train/eval switch).
    warmup = max(args.warmup, 3) if compiled else args.warmup

    model.eval()

    def infer() -> None:
        with torch.inference_mode(), _autocast(device, args.dtype):
            runner(x)

    t_inf = _timed(infer, device, warmup, args.steps)

    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)

    def train_step() -> None:
        opt.zero_grad(set_to_none=True)
        with _autocast(device, args.dtype):
            loss = F.cross_entropy(runner(x), y)
        loss.backward()
        opt.step()

    t_train = _timed(train_step, device, warmup, args.steps)
    images = args.batch * args.steps
    return {"inference": images / t_inf, "train": images / t_train}


def _free(device: str) -> None:
    """Give the previous model's memory back before the next, larger one is built."""
    if device == "cuda":
        torch.cuda.empty_cache()


def provenance(args: argparse.Namespace) -> dict:
    if args.device == "cuda":
        gpu = torch.cuda.get_device_name(0)
        cuda, cudnn = torch.version.cuda, torch.backends.cudnn.version()
    else:
        gpu, cuda, cudnn = "none (CPU smoke test: not a GPU measurement)", None, None
    return {
        "source": "benchmarks/gpu_throughput.py (resnet_lib models, no torchvision)",
        "gpu": gpu,
        "device": args.device,
        "torch": torch.__version__,
        "cuda": cuda,
        "cudnn": cudnn,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "batch": args.batch, "input_size": args.size, "warmup": args.warmup,
            "steps": args.steps,
            "autocast": None if args.dtype == "float32" else args.dtype,
            "channels_last": args.channels_last, "compile": args.compile,
            "train_step": "SGD(lr=0.1, momentum=0.9, weight_decay=1e-4), cross-entropy, "
                          "random inputs and labels",
        },
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("gpu_throughput.py: torch sees no CUDA device, so there is nothing to "
                 "measure here. Run it on a GPU machine, or try the script itself with "
                 "--device cpu --batch 2 --steps 2 --warmup 1 --out /tmp/smoke.json")
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True  # pick the fastest conv algorithms per shape
    out: dict = {"provenance": provenance(args), "results": {}, "compiled": {},
                 "gmacs_per_image": {}}
    for name in args.models:
        rows = stage_table(name, args.size)
        out["gmacs_per_image"][name] = rows.macs / 1e9
        out["results"][name] = measure(name, args)
        _free(args.device)
        r = out["results"][name]
        print(f"{name:>10}: {r['inference']:10.1f} images/s inference, "
              f"{r['train']:9.1f} images/s training", flush=True)
        if args.compile:
            out["compiled"][name] = measure(name, args, compiled=True)
            _free(args.device)
            r = out["compiled"][name]
            print(f"{'(compiled)':>10}: {r['inference']:10.1f} images/s inference, "
                  f"{r['train']:9.1f} images/s training", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out} ({out['provenance']['gpu']}, torch {torch.__version__})")
    return out


if __name__ == "__main__":
    main()
