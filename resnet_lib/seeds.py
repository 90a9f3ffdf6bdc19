"""The chapter-5 experiment over several seeds: which rankings hold, and the recorded sweep.

``seed_sweep`` re-runs ``experiments.plain_vs_residual`` for every seed in ``SEEDS``;
``ranking_checks`` says, for each claim the chapter makes (``RANKINGS``), in which seeds it
holds; ``SEED_SWEEP_RECORD`` is the sweep as ``benchmarks/plain_vs_residual_seeds.py``
printed it, so the book can show five seeds while training one at build time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .experiments import SEEDS, TRAIN_DEFAULTS, _seed, plain_vs_residual, tail_mean


def seed_sweep(
    seeds: Sequence[int] = SEEDS, *, progress: Any = None, **options: Any,
) -> dict[int, dict[str, float]]:
    """``plain_vs_residual`` for several seeds: ``{seed: {net: final loss}}``.

    The final loss is ``tail_mean`` of each curve (the mean of the last 10% of steps). One
    seed is one draw of the weights and of the mini-batch order; a ranking that holds for
    every seed is not luck of one draw. ``options`` are passed to ``plain_vs_residual``.
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of ints, got {seeds!r}")
    if "seed" in options:
        raise TypeError("seed_sweep takes seeds=..., not seed=")
    return {seed: {name: tail_mean(losses) for name, losses in plain_vs_residual(
        seed=_seed(seed), progress=progress, **options).items()} for seed in seeds}


# The rankings chapter 5 states about ``plain_vs_residual``'s final losses, one function each.
RANKINGS: dict[str, Any] = {
    "plain-34 ends above plain-10 (degradation)":
        lambda f: f["plain-34"] > f["plain-10"],
    "ResNet-34 ends below plain-34 (the shortcut rescues the deep net)":
        lambda f: f["ResNet-34"] < f["plain-34"],
    "ResNet-34 / ResNet-10 is smaller than plain-34 / plain-10":
        lambda f: f["ResNet-34"] / f["ResNet-10"] < f["plain-34"] / f["plain-10"],
    "ResNet-34, zero-init ends above ResNet-34 (zero-init is slower here)":
        lambda f: f["ResNet-34, zero-init"] > f["ResNet-34"],
    "ResNet-34, zero-init ends below plain-34":
        lambda f: f["ResNet-34, zero-init"] < f["plain-34"],
}


def ranking_checks(final: dict[int, dict[str, float]]) -> dict[str, dict[int, bool]]:
    """For each of ``RANKINGS``: ``{seed: does it hold}`` over ``{seed: {net: final loss}}``."""
    if not isinstance(final, dict) or not final:
        raise TypeError(f"final must be a non-empty dict {{seed: {{net: final loss}}}}, "
                        f"as returned by seed_sweep; got {final!r}")
    return {claim: {seed: bool(holds(row)) for seed, row in final.items()}
            for claim, holds in RANKINGS.items()}


# ``seed_sweep()`` with the defaults, as printed by benchmarks/plain_vs_residual_seeds.py:
# the final losses the chapter shows for every seed (it trains only seed 0 itself). The tests
# re-run every seed and check the rankings; re-record after changing TRAIN_DEFAULTS.
SEED_SWEEP_RECORD: dict[str, Any] = {'config': {'depths': (10, 34),
            'width': 8,
            'input_size': 16,
            'steps': 150,
            'batch_size': 64,
            'lr': 0.05,
            'seed': None},
 'seeds': [0, 1, 2, 3, 4],
 'final_loss': {0: {'plain-10': 0.017511,
                    'ResNet-10': 0.011108,
                    'plain-34': 0.333374,
                    'ResNet-34': 0.033203,
                    'ResNet-34, zero-init': 0.061102},
                1: {'plain-10': 0.022257,
                    'ResNet-10': 0.014557,
                    'plain-34': 0.503359,
                    'ResNet-34': 0.043454,
                    'ResNet-34, zero-init': 0.061075},
                2: {'plain-10': 0.012405,
                    'ResNet-10': 0.008299,
                    'plain-34': 0.284029,
                    'ResNet-34': 0.011513,
                    'ResNet-34, zero-init': 0.045861},
                3: {'plain-10': 0.014744,
                    'ResNet-10': 0.008557,
                    'plain-34': 0.656158,
                    'ResNet-34': 0.005317,
                    'ResNet-34, zero-init': 0.061555},
                4: {'plain-10': 0.012771,
                    'ResNet-10': 0.018128,
                    'plain-34': 0.436167,
                    'ResNet-34': 0.016481,
                    'ResNet-34, zero-init': 0.204724}},
 'torch': '2.13.0+cpu',
 'machine': 'x86_64',
 'date': '2026-11-30'}


def seed_sweep_record() -> dict[str, Any]:
    """The recorded ``seed_sweep`` (``SEED_SWEEP_RECORD``), checked against the defaults.

    Raises ``RuntimeError`` when ``TRAIN_DEFAULTS`` or ``SEEDS`` changed since the record was
    made: a stale record must not be shown as if it described the current experiment.
    """
    rec = SEED_SWEEP_RECORD
    if rec.get("config") != dict(TRAIN_DEFAULTS, seed=None) or rec.get("seeds") != list(SEEDS):
        raise RuntimeError("SEED_SWEEP_RECORD was made with other settings than TRAIN_DEFAULTS "
                           "and SEEDS; re-run benchmarks/plain_vs_residual_seeds.py")
    return rec


__all__ = ["RANKINGS", "SEED_SWEEP_RECORD", "ranking_checks", "seed_sweep", "seed_sweep_record"]
