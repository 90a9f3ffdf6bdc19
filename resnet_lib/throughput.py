"""GPU throughput: images per second for inference and a training step, measured or cited.

Time is a property of a model *on a machine*: this module holds what was measured on a GPU,
either by ``benchmarks/gpu_throughput.py`` (its JSON, when one is committed) or cited from a
measurement made elsewhere (``paper.H200_THROUGHPUT``, with its setup), in one form.

    load_throughput(path)    the JSON written by ``benchmarks/gpu_throughput.py``.
    cited_throughput()       the cited H200 figures in the same form.
    gpu_throughput()         the committed measurement if there is one, else the cited one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _checks, paper
from .i18n import text

# Where benchmarks/gpu_throughput.py writes its result by default (a measured JSON, if one
# has been committed, replaces the cited H200 figures in the cost chapter).
GPU_RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "gpu_throughput.json"


@dataclass(frozen=True)
class Throughput:
    """Images per second for inference and for a training step, per model, with provenance."""

    provenance: dict[str, Any]
    results: dict[str, dict[str, float]]
    compiled: dict[str, dict[str, float]]
    cited: bool

    def images_per_s(self, name: str, mode: str = "inference") -> float:
        """Images per second of model ``name`` for ``mode`` ("inference" or "train")."""
        have = ", ".join(repr(n) for n in self.results)
        if not isinstance(name, str):
            raise TypeError(f"name must be a model name, one of {have}; got {name!r} "
                            f"({type(name).__name__})")
        if name not in self.results:
            raise ValueError(f"name must be one of {have} (no throughput for {name!r})")
        _checks.choice("mode", mode, ("inference", "train"))
        return self.results[name][mode]

    def source_line(self) -> str:
        """One line for a reader: were these figures cited, or measured for this book, and how.

        The chapters print it under the GPU figures, so that their prose need not know which
        of the two ``gpu_throughput()`` found.
        """
        prov = self.provenance
        source = prov.get("source") or text("no source recorded")
        if self.cited:
            return text("cited: {source}", source=source)
        details = [str(prov.get("gpu") or text("unknown GPU"))]
        details += [f"{key} {prov[key]}" for key in ("torch", "date") if prov.get(key)]
        return text("measured for this book: {details} ({source})", details=", ".join(details),
                    source=source)

    def slowdown(self, slow: str, fast: str, mode: str = "inference") -> float:
        """How many times longer ``slow`` takes per image than ``fast`` (a ratio of rates)."""
        return self.images_per_s(fast, mode) / self.images_per_s(slow, mode)


def _validate_throughput(data: object, where: str) -> tuple[dict, dict, dict]:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(data).__name__}")
    for key in ("provenance", "results"):
        if not isinstance(data.get(key), dict):
            raise ValueError(f"{where}: missing or malformed {key!r} (an object)")
    # "compiled" is optional; when present it must be an object like "results" ([] or ""
    # is a malformed file, not "no compiled figures").
    tables = {"results": data["results"], "compiled": data.get("compiled", {})}
    for table_name, table in tables.items():
        if not isinstance(table, dict):
            raise ValueError(f"{where}: {table_name!r} must be an object (model -> images/s), "
                             f"got {table!r}")
        for model, modes in table.items():
            if not isinstance(modes, dict):
                raise ValueError(f"{where}: {table_name}[{model!r}] must be an object")
            for mode in ("inference", "train"):
                v = modes.get(mode)
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not (
                        math.isfinite(v) and v > 0):
                    raise ValueError(f"{where}: {table_name}[{model!r}][{mode!r}] must be a "
                                     f"positive number of images/s, got {v!r}")
    return data["provenance"], tables["results"], tables["compiled"]


def load_throughput(path: str | Path = GPU_RESULTS) -> Throughput:
    """Read the JSON that ``benchmarks/gpu_throughput.py`` writes (and check its shape)."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {path!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no throughput JSON at {path}; run "
                                f"benchmarks/gpu_throughput.py on a GPU machine to make one")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from err
    prov, results, compiled = _validate_throughput(data, str(path))
    return Throughput(dict(prov), {k: dict(v) for k, v in results.items()},
                      {k: dict(v) for k, v in compiled.items()}, cited=False)


def cited_throughput() -> Throughput:
    """The H200 figures cited in ``paper.H200_THROUGHPUT`` (bf16, channels_last, batch 256)."""
    prov, results, compiled = _validate_throughput(paper.H200_THROUGHPUT, "H200_THROUGHPUT")
    return Throughput(dict(prov), {k: dict(v) for k, v in results.items()},
                      {k: dict(v) for k, v in compiled.items()}, cited=True)


def gpu_throughput(path: str | Path = GPU_RESULTS) -> Throughput:
    """A measured JSON if one exists at ``path``, else the cited H200 figures."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path (where the throughput JSON may be), "
                        f"got {path!r} ({type(path).__name__})")
    return load_throughput(path) if Path(path).is_file() else cited_throughput()


__all__ = ["GPU_RESULTS", "Throughput", "cited_throughput", "gpu_throughput", "load_throughput"]
