"""Shared pytest fixtures and markers.

Book fixture: `built_book` (the strict build, once per session, into a temporary folder).

Markers (registered in pyproject.toml) are applied here, by what a test uses, so that test
files need no decorators and a new test is classified the moment it uses a fixture:
- ``book``: needs the built book (uses ``built_book``, or lives in a ``*browser*`` module);
- ``browser``: drives Chromium (a ``*browser*`` module);
- ``slow``: runs a long computation (a fixture in ``SLOW_FIXTURES``, a module in
  ``SLOW_MODULES``, or a deep-network case of a parametrized test, ``DEEP_CASE``).
`make check` runs the rest: ``-m "not book and not browser and not slow"``.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 60 * 60  # the whole book, every chapter executed, on a 2-core machine
LOG_TAIL_LINES = 60


#: Fixtures that compute for seconds to minutes (training runs, gradient measurements, ...).
SLOW_FIXTURES = frozenset({"curves", "flow"})
#: Modules whose tests are slow as a whole: parity with torchvision (every depth, loading
#: checkpoints) and tracing/exporting every builder (about 40 s together on 2 cores).
SLOW_MODULES = frozenset({"test_torchvision_parity.py", "test_tracing.py"})
#: The deep-network cases of a parametrized test (ResNet-50/101/152 in its id): the fast
#: subset keeps the same test on ResNet-18/34, the same code path in a fraction of the time.
DEEP_CASE = re.compile(r"\[.*resnet(50|101|152)")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        module = item.path.name
        browser = "browser" in module
        if browser:
            item.add_marker(pytest.mark.browser)
        if browser or "built_book" in item.fixturenames:
            item.add_marker(pytest.mark.book)
        if (module in SLOW_MODULES or SLOW_FIXTURES & set(item.fixturenames)
                or DEEP_CASE.search(item.name)):
            item.add_marker(pytest.mark.slow)


@dataclass(frozen=True)
class BuiltBook:
    html: Path  # _build/html: the English edition, the Chinese one under html/zh
    log: str  # stdout + stderr of the builds (English, then Chinese)
    seconds: float  # wall time of the cold build of both editions
    offline: bool = False  # built in a network namespace with only loopback (no network)
    zh_seconds: float = 0.0  # of which the Chinese edition

    @property
    def zh(self) -> Path:
        """The Chinese edition's site (tools/editions.py puts it under ``zh/``)."""
        return self.html / "zh"


def jupyter_book_command() -> list[str]:
    """The venv's jupyter-book (next to the running python), else the one on PATH."""
    beside = Path(sys.executable).with_name("jupyter-book")
    exe = str(beside) if beside.exists() else shutil.which("jupyter-book")
    if exe is None:
        pytest.fail("jupyter-book not found (run `make setup`)", pytrace=False)
    return [exe]


@pytest.fixture(scope="session")
def built_book() -> Iterator[BuiltBook]:
    """Build the book once per test session, strictly, from a cold cache.

    The build goes to a fresh folder (``jupyter-book build --path-output``): a temporary
    folder of its own, removed after the session, or the folder that ``RESNET_BOOK_TEST_OUT``
    names, which is kept (CI publishes the site from there). The developer's
    ``_build`` and its execution cache are never touched, and every chapter is executed
    exactly once per `make test`. A failed build fails every test that uses this fixture,
    with the build log's tail and, for each notebook that raised, which notebook and which
    cell, from the tracebacks myst-nb saves under ``html/reports/``.

    ``RESNET_BOOK_HTML=/path/to/html`` skips the build and tests that site instead (for
    iterating on site tests; `make test` never sets it).
    """
    prebuilt = os.environ.get("RESNET_BOOK_HTML")
    if prebuilt:  # a developer's shortcut to re-run site tests on an existing build
        yield BuiltBook(html=Path(prebuilt), log="", seconds=0.0)
        return
    keep = os.environ.get("RESNET_BOOK_TEST_OUT")
    # not pytest's tmp_path_factory: its folders are pruned by any other pytest session
    # of the same user, which could delete this build while its tests run
    out = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="resnet-book-"))
    shutil.rmtree(out / "_build", ignore_errors=True)
    html = out / "_build" / "html"
    # The site's third-party files come from node_modules (`npm ci`, run by make before
    # pytest, while the network is there); the build itself then runs with the network cut
    # where this machine allows it, which proves the build needs nothing from the network.
    require_npm_assets()
    offline = offline_prefix()
    # Both editions, as `make book` builds them: English into out/_build/html, then the
    # Chinese one (zh/, with the configuration tools/editions.py generates) into
    # out/zh/_build/html, published to out/_build/html/zh.
    zh_out = out / "zh"
    zh_config, zh_toc = editions_config(out / "zh-config")
    flags = ["-W", "-n", "--keep-going"]
    builds = [
        [*offline, *jupyter_book_command(), "build", str(ROOT), "--path-output", str(out), *flags],
        [*offline, *jupyter_book_command(), "build", str(ROOT / "zh"), "--config", str(zh_config),
         "--toc", str(zh_toc), "--path-output", str(zh_out), *flags],
    ]
    logs, times = [], []
    sites = ((html, ROOT), (zh_out / "_build" / "html", ROOT / "zh"))
    for cmd, (reports, source) in zip(builds, sites, strict=True):
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            log = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) \
                else exc.stdout
            pytest.fail(f"book build timed out after {BUILD_TIMEOUT_S} s: {cmd}\n"
                        f"{tail(log or '')}", pytrace=False)
        times.append(time.perf_counter() - start)
        logs.append(done.stdout)
        if done.returncode != 0:
            pytest.fail(build_failure_message(done.returncode, done.stdout, reports, source),
                        pytrace=False)
    publish = subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), "publish",
                              str(zh_out / "_build" / "html"), str(html)],
                             capture_output=True, text=True)
    if publish.returncode != 0:
        pytest.fail(f"publishing the Chinese edition failed:\n{publish.stdout}{publish.stderr}",
                    pytrace=False)
    print(f"\nbook built into {html} (Chinese edition: {html / 'zh'}); "
          f"{times[0]:.0f} s English + {times[1]:.0f} s Chinese")
    # The lite edition (html/lite), as `make book` builds it, also with the network cut.
    start = time.perf_counter()
    lite = subprocess.run([*offline, sys.executable, str(ROOT / "tools" / "build_lite.py"),
                           "--html", str(html), "--work", str(out / "_build" / "lite-src")],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=BUILD_TIMEOUT_S)
    if lite.returncode != 0:
        pytest.fail(f"tools/build_lite.py exited with {lite.returncode}\n{tail(lite.stdout)}",
                    pytrace=False)
    print(f"lite edition built into {html / 'lite'} in {time.perf_counter() - start:.0f} s")
    try:
        yield BuiltBook(html=html, log="\n".join(logs), seconds=sum(times),
                        offline=bool(offline), zh_seconds=times[1])
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)


def editions_config(out_dir: Path) -> tuple[Path, Path]:
    """The Chinese edition's generated _config.yml and _toc.yml (tools/editions.py)."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), "config",
                           str(out_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"tools/editions.py config failed:\n{done.stdout}{done.stderr}",
                    pytrace=False)
    return out_dir / "_config.yml", out_dir / "_toc.yml"


def require_npm_assets() -> None:
    """node_modules must hold package-lock.json's packages (`npm ci`; make runs it)."""
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for key, entry in lock["packages"].items():
        manifest = ROOT / key / "package.json"
        if key and (not manifest.is_file()
                    or json.loads(manifest.read_text())["version"] != entry["version"]):
            pytest.fail(f"{key} is not installed as package-lock.json pins it: run `npm ci` "
                        "(or `make test`, which does)", pytrace=False)


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


def build_failure_message(returncode: int, log: str, html: Path, source: Path = ROOT) -> str:
    """Why the build of the book at ``source`` (the repository root, or ``zh/``) failed."""
    book = source.relative_to(ROOT).as_posix() or "."
    parts = [f"`jupyter-book build {book} -W -n --keep-going` exited with {returncode}."]
    failures = notebook_failures(html / "reports", source)
    if failures:
        parts.append("Notebooks that failed to execute:\n\n" + "\n\n".join(failures))
    warnings = [line for line in strip_ansi(log).splitlines() if is_problem(line)]
    if warnings:
        parts.append("Warnings and errors in the log:\n" + "\n".join(warnings[:40]))
    parts.append(f"Last {LOG_TAIL_LINES} lines of the build log:\n{tail(log)}")
    return "\n\n".join(parts)


def is_problem(line: str) -> bool:
    return ("WARNING" in line or "ERROR" in line) and "[IPKernelApp]" not in line


def notebook_failures(reports: Path, source: Path = ROOT) -> list[str]:
    """One description per `<docname>.err.log` that myst-nb wrote: notebook, cell, error."""
    out = []
    for report in sorted(reports.rglob("*.err.log")):
        docname = report.relative_to(reports).as_posix().removesuffix(".err.log")
        traceback_text = strip_ansi(report.read_text(encoding="utf8", errors="replace"))
        where = locate_failing_cell(source / f"{docname}.ipynb", traceback_text)
        error = last_error_line(traceback_text)
        # From nbclient's exception on: the quoted cell and the kernel's traceback.
        start = re.search(r"^\S*(CellExecutionError|CellTimeoutError)", traceback_text, re.M)
        excerpt = traceback_text[start.start() :] if start else traceback_text
        out.append(
            f"{docname}.ipynb, {where}: {error}\n"
            f"  (full traceback: {report})\n" + indent(tail(excerpt, 40))
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
