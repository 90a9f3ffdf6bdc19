"""Shared pytest fixtures. Book fixtures: `built_book` (the strict build, once per session)."""

from __future__ import annotations

import ast
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "_build"
HTML_DIR = BUILD_DIR / "html"
BUILD_TIMEOUT_S = 60 * 60  # the whole book, every chapter executed, on a 2-core machine
LOG_TAIL_LINES = 60


@dataclass(frozen=True)
class BuiltBook:
    html: Path  # _build/html
    log: str  # stdout + stderr of the build
    seconds: float  # wall time of the cold build
    offline: bool = False  # built in a network namespace with only loopback (no network)


def jupyter_book_command() -> list[str]:
    """The venv's jupyter-book (next to the running python), else the one on PATH."""
    beside = Path(sys.executable).with_name("jupyter-book")
    exe = str(beside) if beside.exists() else shutil.which("jupyter-book")
    if exe is None:
        pytest.fail("jupyter-book not found (run `make setup`)", pytrace=False)
    return [exe]


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """Build the book once per test session, strictly, from a cold cache.

    All of _build goes first: the jupyter-cache (so every chapter is executed exactly once per
    `make test`), the HTML, and the doctrees (with those kept, Sphinx would not re-read, hence
    not re-execute, an unchanged chapter). A failed build fails every test that uses this
    fixture, with the build log's tail and, for each notebook that raised, which notebook and
    which cell, from the tracebacks myst-nb saves under _build/html/reports/.

    ``RESNET_BOOK_HTML=/path/to/html`` skips the build and tests that site instead (for
    iterating on site tests; `make test` never sets it).
    """
    prebuilt = os.environ.get("RESNET_BOOK_HTML")
    if prebuilt:  # a developer's shortcut to re-run site tests on an existing build
        return BuiltBook(html=Path(prebuilt), log="", seconds=0.0)
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    # The site's third-party files (npm packages, sha512-pinned) are fetched first, while the
    # network is there; the build itself then runs with the network cut where this machine
    # allows it, which proves the build needs nothing from the network.
    vendor_book_assets()
    offline = offline_prefix()
    cmd = [*offline, *jupyter_book_command(), "build", str(ROOT), "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout
        pytest.fail(
            f"book build timed out after {BUILD_TIMEOUT_S} s\n{tail(out or '')}", pytrace=False
        )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        pytest.fail(build_failure_message(done.returncode, done.stdout), pytrace=False)
    # Tell `make book` this build is current for resnet_lib (no needless re-execution after).
    (BUILD_DIR / ".resnet_lib-built").touch()
    return BuiltBook(html=HTML_DIR, log=done.stdout, seconds=seconds, offline=bool(offline))


def vendor_book_assets() -> None:
    """Fetch what book_ext serves (plotly.js bundle, MathJax, icons) before an offline build."""
    sys.path.insert(0, str(ROOT))
    import book_ext

    book_ext.copy_plotly_js(book_ext.VENDOR_STATIC / book_ext.PLOTLY_JS)
    book_ext.ensure_mathjax(book_ext.VENDOR_STATIC / book_ext.MATHJAX_DIR)


def offline_prefix() -> list[str]:
    """A command prefix that runs a program with no network but loopback (the kernels talk to
    the build over 127.0.0.1), or [] where this machine cannot make one (not root, no
    unshare or ip)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    prefix = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return prefix if probe.returncode == 0 else []


def build_failure_message(returncode: int, log: str) -> str:
    parts = [f"`jupyter-book build . -W -n --keep-going` exited with {returncode}."]
    failures = notebook_failures(HTML_DIR / "reports")
    if failures:
        parts.append("Notebooks that failed to execute:\n\n" + "\n\n".join(failures))
    warnings = [line for line in strip_ansi(log).splitlines() if is_problem(line)]
    if warnings:
        parts.append("Warnings and errors in the log:\n" + "\n".join(warnings[:40]))
    parts.append(f"Last {LOG_TAIL_LINES} lines of the build log:\n{tail(log)}")
    return "\n\n".join(parts)


def is_problem(line: str) -> bool:
    return ("WARNING" in line or "ERROR" in line) and "[IPKernelApp]" not in line


def notebook_failures(reports: Path) -> list[str]:
    """One description per `<docname>.err.log` that myst-nb wrote: notebook, cell, error."""
    out = []
    for report in sorted(reports.rglob("*.err.log")):
        docname = report.relative_to(reports).as_posix().removesuffix(".err.log")
        traceback_text = strip_ansi(report.read_text(encoding="utf8", errors="replace"))
        where = locate_failing_cell(ROOT / f"{docname}.ipynb", traceback_text)
        error = last_error_line(traceback_text)
        # From nbclient's exception on: the quoted cell and the kernel's traceback.
        start = re.search(r"^\S*(CellExecutionError|CellTimeoutError)", traceback_text, re.M)
        excerpt = traceback_text[start.start() :] if start else traceback_text
        out.append(
            f"{docname}.ipynb, {where}: {error}\n"
            f"  (full traceback: {report.relative_to(ROOT)})\n" + indent(tail(excerpt, 40))
        )
    return out


def locate_failing_cell(notebook: Path, traceback_text: str) -> str:
    """'code cell 3 (cell 5 of 9)', found by matching the cell source quoted by nbclient."""
    # nbclient quotes the failing cell between two dashed lines, both for an exception
    # ("An error occurred while executing the following cell:") and for a timeout
    # ("Here is a preview of the cell contents:", possibly only its first lines).
    match = re.search(r"\n-{10,}\n(.*?)\n-{10,}\n", traceback_text, re.S)
    if match is None or not notebook.exists():
        return "cell not identified"
    quoted = match.group(1).strip()
    quoted_lines = []
    for line in quoted.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):  # a long cell's preview: list reprs
            with contextlib.suppress(ValueError, SyntaxError):
                quoted_lines += [str(x).strip() for x in ast.literal_eval(line)]
                continue
        quoted_lines.append(line)
    quoted_lines = [ln for ln in quoted_lines if ln and ln != "..."]
    nb = nbformat.read(notebook, as_version=4)
    code_index = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code_index += 1
        source = cell.source.strip()
        if source == quoted or (quoted_lines and all(ln in source for ln in quoted_lines)):
            first_line = source.splitlines()[0] if source else ""
            return (
                f"code cell {code_index} (cell {index + 1} of {len(nb.cells)}, "
                f"starting {first_line!r})"
            )
    return "cell not identified (quoted source: " + repr(quoted[:200]) + ")"


def last_error_line(traceback_text: str) -> str:
    """The exception line nbclient ends with, e.g. 'ValueError: bad shape'."""
    lines = [ln for ln in traceback_text.strip().splitlines() if ln.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning)\b", line):
            return line.strip()
    return lines[-1].strip() if lines else "(empty traceback)"


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def tail(text: str, n: int = LOG_TAIL_LINES) -> str:
    return "\n".join(strip_ansi(text).splitlines()[-n:])


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
