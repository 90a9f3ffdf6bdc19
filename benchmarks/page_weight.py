"""Per-page weight and speed of a built book: what a first-time reader's browser fetches and
when it first paints.

Loads every page of the site (build it first: `make book`) in headless Chromium, on a desktop
(1280 px) and on a phone (390 px, touch), as a first-time reader, and prints per page: the
HTML's size, the first visit's transfer (raw and gzipped), first contentful paint and the
cumulative layout shift until every figure is drawn and MathJax has typeset. Local server,
so the times measure parsing and rendering on this machine, not a network.

Also per page and width: axe-core's violations of impact moderate or worse (the version
pinned in package-lock.json) and the code/output blocks wider than their box (``-v`` lists
them).

Run: `.venv/bin/python benchmarks/page_weight.py [-v] [path/to/html] [more/html ...]`; with two
folders (e.g. the site before and after a change) it prints both, one after the other.

Measured on the 2-core build machine (FCP: first contentful paint, ms; gz: KB of a first
visit, gzipped; CLS at 1280 px / 390 px). "before": the site with plotly.js in <head> without
defer, Sphinx's search scripts and index, sphinx-design's files on every page, MathJax
typesetting after first paint (measured while the machine was also building, so its times
are high); "after": plotly.js deferred and figures drawn from JSON by book-figures.js, no
search or sphinx-design files where unused, the article of a math page shown once typeset.

    page                  before: gz   FCP   CLS  CLS phone  after: gz  FCP   CLS  CLS phone
    intro                         764   752  0.012  0.000          458  268  0.000  0.000
    01_whole_picture             1279  1540  0.106  0.000          981  316  0.000  0.000
    02_stem                      1278  1352  0.066  0.000          979  352  0.000  0.000
    03_stages                    1276  2300  0.000  0.000          978  328  0.000  0.000
    04_blocks                    1286  1856  0.136  0.114          989  392  0.000  0.000
    05_skip_connections          1300  1472  0.000  0.000         1002  340  0.000  0.000
    06_explorer                   973  1680  0.000  0.000          688  320  0.004  0.000
    07_table1                    1277  1636  0.000  0.000          979  288  0.000  0.000
    08_myths                     1248  1516  0.000  0.000          950  320  0.000  0.000
    09_cost                       773   640  0.000  0.000          974  324  0.000  0.000
    references                    442   564  0.000  0.000          255  240  0.000  0.000

(09_cost gained figures between the two builds.)

Then (2026-11-30, every page, the machine shared with other builds): formulas typeset when the
book is built (no MathJax in the browser, nothing hidden while it runs), numbered figure
captions, code and outputs that fit at 1280 px. axe-core 4.14.1 finds no violation of impact
moderate or worse on any page at either width; no code or output block is wider than its
box at 1280 px (on a phone, tables and code scroll in their own box: 7-42 blocks a page).

    page                  gz   FCP   CLS  phone FCP  phone CLS
    intro                198   344  0.000       524     0.000
    01_whole_picture     723   448  0.000       528     0.000
    02_stem              722   552  0.000       452     0.000
    03_stages            720   520  0.000       248     0.000
    04_blocks            731   416  0.000       832     0.000
    05_skip_connections  748   640  0.000       296     0.000
    06_explorer          690   744  0.003       452     0.000
    07_table1            717   552  0.000       284     0.000
    08_myths             725   416  0.000       392     0.000
    09_cost              716   508  0.000       424     0.000
    10_structure         674   320  0.000       240     0.000
    11_terminology       171   596  0.000       432     0.000
    12_depth             696   444  0.000       420     0.000
    13_training          728   432  0.000       400     0.000
    14_build             148   284  0.000       264     0.000
    15_family            716   432  0.000       288     0.000
    glossary             204   524  0.000       460     0.000
    references           257   380  0.000       340     0.000
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import json  # noqa: E402

import yaml  # noqa: E402
from browser import chromium, first_visit, serve, transfer_sizes  # noqa: E402
from test_site_browser import AXE, AXE_RUN, WIDE_BLOCKS  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for p in toc["parts"] for c in p["chapters"]]


def measure(html: Path, device: dict | None) -> dict[str, tuple]:
    """Per page: (metrics, raw bytes, gzipped bytes, axe violations of impact moderate or
    worse, code/output blocks wider than their box)."""
    out = {}
    size = (390, 844) if device else (1280, 900)
    with serve(html) as base, chromium(**(device or {})) as context:
        for name in pages():
            seen = first_visit(context, f"{base}/{name}.html", *size)
            page = seen["page"]
            page.add_script_tag(path=str(AXE))
            bad = [v["id"] for v in page.evaluate(AXE_RUN)
                   if v["impact"] in ("moderate", "serious", "critical")]
            wide = page.evaluate(WIDE_BLOCKS)  # last: it opens the page's toggles
            page.close()
            out[name] = (seen["metrics"], *transfer_sizes(html, seen["local"])[:2], bad, wide)
    return out


def report(html: Path, verbose: bool = False) -> None:
    version = json.loads((ROOT / "package-lock.json").read_text())[
        "packages"]["node_modules/axe-core"]["version"]
    print(f"\n{html}  (axe-core {version}: violations of impact moderate or worse; wide: "
          "code/output blocks wider than their box)")
    print(f"{'page':<30}{'HTML KB':>8}{'visit KB':>9}{'gz KB':>7}{'FCP ms':>8}{'CLS':>7}"
          f"{'phone FCP':>10}{'phone CLS':>10}{'axe':>5}{'axe ph':>7}{'wide':>5}{'wide ph':>8}")
    desktop, phone = measure(html, None), measure(html, PHONE)
    for name in pages():
        (m, raw, zipped, bad, wide), (p, _, _, bad_p, wide_p) = desktop[name], phone[name]
        print(f"{name:<30}{(html / f'{name}.html').stat().st_size / 1e3:>8.0f}"
              f"{raw / 1e3:>9.0f}{zipped / 1e3:>7.0f}{m['fcp']:>8.0f}{m['cls']:>7.3f}"
              f"{p['fcp']:>10.0f}{p['cls']:>10.3f}{len(bad):>5}{len(bad_p):>7}"
              f"{len(wide):>5}{len(wide_p):>8}")
        if verbose:
            for what, items in (("axe", bad), ("axe phone", bad_p), ("wide", wide),
                                ("wide phone", wide_p)):
                for item in items:
                    print(f"    {what}: {item}")


def main() -> None:
    verbose = "-v" in sys.argv
    folders = [Path(a) for a in sys.argv[1:] if a != "-v"] or [ROOT / "_build" / "html"]
    for html in folders:
        report(html, verbose)


if __name__ == "__main__":
    main()
