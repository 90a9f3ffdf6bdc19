"""A small helper for browser tests: serve a folder locally and drive Debian's Chromium.

Why not ``playwright install``: it downloads a browser build from the internet at test time.
We use the distribution's Chromium (``apt-get install chromium``) through playwright's
``executable_path`` instead, with every flag that keeps it from calling home, and a fresh
profile per run so that no state leaks between tests.

    with serve(Path("_build/html")) as base_url, chromium() as context:
        page = context.new_page()
        page.goto(base_url + "/chapters/06_explorer.html")

``require_chromium()`` skips a test loudly when the browser is missing, or fails it when the
environment variable ``CI`` is set (a CI machine without the browser is a broken CI machine).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Debian's Chromium; the environment variable ``CHROMIUM`` points elsewhere.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

#: Flags for a headless, offline, reproducible Chromium.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _missing(what: str, fix: str) -> None:
    """Fail under CI, skip (loudly) elsewhere."""
    message = f"{what}; {fix}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> str:
    """Path of the Chromium binary, or skip/fail the calling test if it is not installed."""
    path = CHROMIUM
    if not os.path.isfile(path) and "CHROMIUM" not in os.environ:
        path = shutil.which("chromium") or path  # e.g. /usr/local/bin elsewhere
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        _missing(f"Chromium not found at {CHROMIUM}",
                 "install it with `apt-get update && apt-get install -y chromium` "
                 "(never `playwright install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is not installed", "pip install -r requirements.txt")
    return path


def require_file(path: Path, fix: str) -> Path:
    """``path`` if it exists, else skip (or fail under CI) with ``fix`` as the advice."""
    if not path.is_file():
        _missing(f"{path} does not exist", fix)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium(executable: str | None = None, **options: object) -> Iterator[object]:
    """A headless Chromium with a fresh, throw-away profile; yields a playwright context.

    ``options`` go to playwright's context: e.g. ``viewport``, ``has_touch=True`` and
    ``is_mobile=True`` (a phone), ``color_scheme="dark"``. playwright refuses
    ``--user-data-dir`` in ``args``; a persistent context on a new temporary folder is exactly
    that flag (playwright passes it to Chromium itself).
    """
    from playwright.sync_api import sync_playwright

    executable = executable or require_chromium()
    options = {"viewport": {"width": 1280, "height": 1000}, **options}
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, \
            sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS, **options,
        )
        try:
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def chromium_contexts(executable: str | None = None) -> Iterator[object]:
    """One headless Chromium; yields ``new_context(**options)`` for several independent
    contexts at once (desktop, phone, dark, ...), each with its own fresh profile.

    playwright allows one ``sync_playwright()`` at a time, so tests that need several kinds
    of reader share one browser this way (``chromium()`` is the one-context shortcut).
    """
    from playwright.sync_api import sync_playwright

    executable = executable or require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=CHROMIUM_FLAGS)
        contexts = []

        def new_context(**options: object) -> object:
            options = {"viewport": {"width": 1280, "height": 1000}, **options}
            contexts.append(browser.new_context(**options))
            return contexts[-1]

        try:
            yield new_context
        finally:
            for context in contexts:
                context.close()
            browser.close()


#: Collects the page's layout shifts (CLS: shifts not caused by the reader's input) and its
#: paint timings from the first moment, for ``first_visit``'s ``metrics``.
METRICS_SCRIPT = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: 'layout-shift', buffered: true});
"""


def first_visit(context: object, url: str, width: int = 1280, height: int = 900) -> dict:
    """Load ``url`` in a fresh tab as a first-time reader; return what it fetched.

    ``{"local": [urls on 127.0.0.1], "foreign": [other urls, aborted], "console": [...],
    "pageerrors": [...], "metrics": {"cls", "fcp", "fp"}, "page": the open page}``: CLS is
    the sum of layout shifts until every figure is drawn and MathJax has typeset; fcp/fp are
    first contentful paint and first paint in ms. Foreign requests are recorded and aborted,
    so a test can both see them and stay offline. Waits for every plotly figure to draw.
    """
    from urllib.parse import urlsplit

    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(60_000)  # a loaded 2-core CI machine is slow, not broken
    seen: dict = {"console": [], "pageerrors": [], "foreign": [], "local": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["pageerrors"].append(str(e)))

    def route(r: object) -> None:
        request_url = r.request.url
        if request_url.startswith(("data:", "blob:")) or urlsplit(request_url).hostname == \
                "127.0.0.1":
            seen["local"].append(request_url)
            r.continue_()
        else:
            seen["foreign"].append(request_url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(METRICS_SCRIPT)
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(d => d.querySelector('svg.main-svg'))")
    # MathJax (where a page has math) has typeset and its fonts are in
    page.evaluate("async () => { if (window.MathJax && MathJax.startup"
                  " && MathJax.startup.promise) await MathJax.startup.promise; }")
    page.wait_for_timeout(500)  # late requests (web fonts) and shifts come after layout
    seen["metrics"] = page.evaluate(
        """() => ({cls: window.__cls,
                   fcp: (performance.getEntriesByName('first-contentful-paint')[0]
                         || {startTime: NaN}).startTime,
                   fp: (performance.getEntriesByName('first-paint')[0]
                        || {startTime: NaN}).startTime})""")
    seen["page"] = page
    return seen


def transfer_sizes(html_root: Path, urls: list[str]) -> tuple[int, int, list[Path]]:
    """(raw bytes, gzipped bytes, files) of the local files behind ``urls``, each once."""
    import gzip
    from urllib.parse import unquote, urlsplit

    files = sorted({html_root / unquote(urlsplit(u).path).lstrip("/") for u in urls
                    if u.startswith("http")})
    files = [f for f in files if f.is_file()]
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return raw, zipped, files
