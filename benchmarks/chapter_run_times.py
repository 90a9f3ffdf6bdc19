"""How long does each chapter take to run in a live kernel, as a learner runs it?

Executes every chapter (``chapters/*.ipynb``, or the notebooks given as arguments) in a fresh
Jupyter kernel with nbclient, from the chapters' folder, exactly as "Run All" in JupyterLab
does, and prints per chapter the wall time (kernel start included), the number of code
cells and the slowest cell with its time. Nothing is written back to the notebooks.

Run: ``.venv/bin/python benchmarks/chapter_run_times.py [--kernel NAME] [notebook ...]``.
Exits 1 if a chapter raises (its error is printed), so a test can run it in another
environment (``tests/test_binder_env.py`` does, in one installed from ``binder/``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent


def run(path: Path, kernel: str) -> tuple[float, int, int, float]:
    """(seconds in all, code cells, index of the slowest code cell, its seconds)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    cell_times: list[float] = []
    client.reset_execution_trackers()
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            cell_times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    slowest = max(range(len(cell_times)), key=cell_times.__getitem__)
    return total, len(cell_times), slowest, cell_times[slowest]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--kernel", default="python3")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    print(f"{'chapter':28} {'seconds':>8} {'cells':>6}  slowest code cell")
    failed = 0
    for path in notebooks:
        try:
            total, cells, slowest, seconds = run(path, args.kernel)
        except CellExecutionError as err:
            failed += 1
            print(f"{path.stem:28} FAILED\n{err}")
            continue
        print(f"{path.stem:28} {total:8.1f} {cells:6d}  #{slowest + 1}: {seconds:.1f} s",
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
