"""Re-run chapter 5's plain-vs-residual experiment for every seed in ``experiments.SEEDS``.

Prints each net's final training loss (mean of the last 10% of steps) per seed, whether each
ranking the chapter states holds, the time taken, and the record as a Python literal
(``SEED_SWEEP_RECORD`` in ``resnet_lib/experiments.py``, which the chapter prints). Run it
after changing ``TRAIN_DEFAULTS`` and paste the literal over the old record; the tests re-run
the seeds and fail if a stated ranking no longer holds.

    .venv/bin/python benchmarks/plain_vs_residual_seeds.py   # ~2 minutes on 2 CPU cores

Each seed runs in its own process (one thread each, deterministic), two at a time.
"""

from __future__ import annotations

import datetime
import multiprocessing
import platform
import pprint
import time
from concurrent.futures import ProcessPoolExecutor

import torch

from resnet_lib.experiments import SEEDS, TRAIN_DEFAULTS
from resnet_lib.seeds import ranking_checks, seed_sweep


def main() -> None:
    start = time.perf_counter()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        results = {s: r[s] for s, r in zip(SEEDS, pool.map(seed_sweep, [[s] for s in SEEDS]),
                                            strict=True)}
    seconds = time.perf_counter() - start
    names = list(results[SEEDS[0]])
    print("seed " + "".join(f"{n:>22}" for n in names))
    for seed, row in results.items():
        print(f"{seed:4} " + "".join(f"{row[n]:22.4f}" for n in names))
    for claim, holds in ranking_checks(results).items():
        print(f"{sum(holds.values())} of {len(holds)} seeds: {claim}")
    print(f"{len(SEEDS)} seeds in {seconds:.0f} s (2 processes, one thread each)")
    record = dict(
        config=dict(TRAIN_DEFAULTS, seed=None), seeds=list(SEEDS),
        final_loss={s: {n: round(v, 6) for n, v in row.items()} for s, row in results.items()},
        torch=torch.__version__, machine=f"{platform.machine()} {platform.processor()}".strip(),
        date=datetime.date.today().isoformat(),
    )
    print("\nSEED_SWEEP_RECORD = ", end="")
    pprint.pprint(record, width=96, sort_dicts=False)


if __name__ == "__main__":
    main()
