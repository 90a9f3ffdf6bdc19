"""The lite explorer's budgets (printed, never asserted): time to a ready kernel and to the
first figure in headless Chromium, the lite site's size, and the lite build's extra time.

    .venv/bin/python benchmarks/lite_explorer.py [--html _build/html]

Builds the lite site into a temporary copy of nothing but itself (tools/build_lite.py, with
the network cut where `unshare` allows), serves it on 127.0.0.1, opens the explorer notebook
with every non-local request blocked, and runs it. Goal for the size: <= 60 MB.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]
import build_lite  # noqa: E402
from browser import chromium, serve  # noqa: E402


def sizes(site: Path) -> dict[str, float]:
    parts: dict[str, float] = {}
    for path in site.rglob("*"):
        if path.is_file():
            top = "/".join(path.relative_to(site).parts[:2])
            parts[top] = parts.get(top, 0) + path.stat().st_size / 1e6
    return parts


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lite-bench-") as tmp:
        html = Path(tmp) / "html"
        html.mkdir()
        start = time.perf_counter()
        site = build_lite.build(html, Path(tmp) / "work")
        build_s = time.perf_counter() - start
        parts = sizes(site)
        total = sum(parts.values())
        print(f"lite build (extra to the book build): {build_s:6.1f} s")
        print(f"lite site total:                      {total:6.1f} MB (goal <= 60 MB)")
        for name, mb in sorted(parts.items(), key=lambda kv: -kv[1])[:6]:
            print(f"  {name:40} {mb:6.1f} MB")
        foreign: list[str] = []
        with serve(html) as base, chromium() as context:
            def route(r) -> None:
                url = r.request.url
                if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == urlsplit(
                        base).netloc:
                    r.continue_()
                else:
                    foreign.append(url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.set_default_timeout(300_000)
            start = time.perf_counter()
            page.goto(f"{base}/{build_lite.lite_url()}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   state="attached")
            ready_s = time.perf_counter() - start
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_selector(".js-plotly-plot", state="attached")
            figure_s = time.perf_counter() - start
        print(f"kernel ready after opening the page:  {ready_s:6.1f} s")
        print(f"first figure drawn (Run All Cells):   {figure_s:6.1f} s")
        print(f"requests to other hosts:              {len(foreign)}")


if __name__ == "__main__":
    main()
