"""How long does each chapter take to run in a live kernel, as a learner runs it?

Executes every chapter (``chapters/*.ipynb``, or the notebooks given as arguments) in a fresh
Jupyter kernel with nbclient, from the chapters' folder, exactly as "Run All" in JupyterLab
does, and prints per chapter the wall time (kernel start included), the number of code
cells and every code cell that took longer than ``--slow`` seconds (3 by default). Nothing
is written back to the notebooks. Times depend on the machine and its load: read them as
orders of magnitude.

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


def run(path: Path, kernel: str) -> tuple[float, list[float]]:
    """(seconds in all, kernel start included; seconds of each code cell, in order)."""
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
    return time.perf_counter() - start, cell_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--kernel", default="python3")
    parser.add_argument("--slow", type=float, default=3.0,
                        help="list every code cell slower than this many seconds")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    print(f"{'chapter':28} {'seconds':>8} {'cells':>6}  code cells over {args.slow:g} s "
          "(#n = n-th code cell; #1 is the setup cell)")
    failed = 0
    for path in notebooks:
        try:
            total, cells = run(path, args.kernel)
        except CellExecutionError as err:
            failed += 1
            print(f"{path.stem:28} FAILED\n{err}")
            continue
        slow = ", ".join(f"#{i + 1}: {t:.1f} s" for i, t in enumerate(cells) if t > args.slow)
        print(f"{path.stem:28} {total:8.1f} {len(cells):6d}  {slow or '-'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
