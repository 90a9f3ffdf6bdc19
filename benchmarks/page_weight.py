"""Per-page weight of the built book: HTML and a first visit's transfer, raw and gzipped.

Loads every page of `_build/html` (build it first: `make book`) in headless Chromium as a
first-time reader and sums the files it fetched. "before" is the same page under the old set-up,
computed from the files: the full plotly.min.js (4.8 MB) on EVERY page, plus the theme's
fontawesome.js (1.5 MB) instead of book_ext's icons.css.

Run: `.venv/bin/python benchmarks/page_weight.py [path/to/_build/html]`
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import plotly  # noqa: E402
import pydata_sphinx_theme  # noqa: E402
import yaml  # noqa: E402
from browser import chromium, first_visit, serve, transfer_sizes  # noqa: E402


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def main() -> None:
    html = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for p in toc["parts"] for c in p["chapters"]]
    full_plotly = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    fa = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
          / "scripts" / "fontawesome.js")
    print(f"{'page':<34}{'HTML KB':>9}{'visit KB':>10}{'visit gz KB':>13}"
          f"{'before gz KB':>14}{'saved':>8}")
    with serve(html) as base, chromium() as context:
        for name in pages:
            seen = first_visit(context, f"{base}/{name}.html")
            seen["page"].close()
            raw, zipped, files = transfer_sizes(html, seen["local"])
            names = {f.name for f in files}
            before = zipped - sum(gz(f) for f in files if f.name in
                                  ("plotly-cartesian.min.js", "icons.css"))
            before += gz(full_plotly) + gz(fa)
            print(f"{name:<34}{(html / f'{name}.html').stat().st_size / 1e3:>9.0f}"
                  f"{raw / 1e3:>10.0f}{zipped / 1e3:>13.0f}{before / 1e3:>14.0f}"
                  f"{1 - zipped / before:>7.0%}" + ("  (figures)" if
                                                     "plotly-cartesian.min.js" in names else ""))


if __name__ == "__main__":
    main()
