"""How much faster is arithmetic than a summary? (issue: stage_table < 1 ms, ratio >= 100)

Answers the same question, "per-stage output shape and parameters of ResNet-18..152 at
224x224", two ways and prints the median time of each and their ratio:
- ``resnet_lib.stage_table``: pure Python arithmetic;
- ``torchinfo.summary``: builds nothing new but runs a forward pass with hooks.
The model is built once outside the timed region, which favours torchinfo.
Run: ``.venv/bin/python benchmarks/stage_table_speed.py`` (or ``make bench``).
"""

from __future__ import annotations

import statistics
import time

import torch
import torchinfo

import resnet_lib as R


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, torchinfo {torchinfo.__version__}, 1 thread")
    print(f"{'model':<10} {'stage_table':>12} {'torchinfo':>12} {'ratio':>8}")
    for name in R.ARCHS:
        model = R.build(name).eval()
        t_table = median_seconds(lambda n=name: R.stage_table(n, 224), 200)
        t_info = median_seconds(
            lambda m=model: torchinfo.summary(m, input_size=(1, 3, 224, 224), depth=1,
                                              verbose=0), 5)
        print(f"{name:<10} {t_table * 1e3:>9.3f} ms {t_info * 1e3:>9.1f} ms "
              f"{t_info / t_table:>7.0f}x")


if __name__ == "__main__":
    main()
