"""Build the lite edition: the live explorer, running in the reader's browser (no server).

Run by ``make book`` after the Jupyter Book build (and by the tests' book build), into
``_build/html/lite/``::

    .venv/bin/python tools/build_lite.py [--html _build/html]

The result is a JupyterLite site (JupyterLab in the browser, Python from Pyodide in a web
worker) that holds the explorer chapter as a notebook. Everything it loads is in that folder:

- JupyterLab and the Pyodide kernel: ``jupyterlite-core`` and ``jupyterlite-pyodide-kernel``,
  pinned in tools/lite-tools.lock; the front-end extensions the notebook needs (ipywidgets'
  manager, plotly's mime renderer), from the book's own environment (requirements.lock).
  No MyST extension (7 MB): the chapters' markdown is plain (tools/portable_markup.py),
  which JupyterLab's own renderer shows;
- Pyodide's runtime: the npm package ``pyodide`` (package-lock.json), copied from
  node_modules/ (only the files the kernel loads; no source maps, no typings);
- Python packages: ``resnet_lib`` as a wheel built here from the repository, and, from PyPI,
  the wheels of what it and the kernel import (plotly, ipywidgets, ipython, ...), at the
  versions of requirements.lock where the book pins them and of ``tools/lite-constraints.txt``
  for the rest (written by the first build, then committed: later builds resolve the same);
- Pyodide's ``pyodide-lock.json``, regenerated with those wheels by the supported tooling:
  jupyterlite-pyodide-kernel's ``--pyodide-lock`` step (``pyodide-lock`` + ``uv``), so every
  sha256 in it is the shipped wheel's. The kernel falls back to no package index
  (``disablePyPIFallback``): a package not shipped is an error, not a download.

The notebook is made from ``chapters/06_explorer.ipynb`` at build time: the same cells, but
the hidden setup cell (which would ``pip install`` from git) becomes a ``%pip install`` of
``resnet_lib`` from the site itself, followed by the same ``set_language`` and
``use_book_renderer()`` lines (which pick the lite renderer in Pyodide, resnet_lib.render).

Light and dark: JupyterLab follows the reader's system setting (its ``adaptive-theme``
setting, in the site's ``overrides.json``), and ``tools/lite/dark-figures.css``, linked from
the lab page, repaints the figures' text for Lab's dark theme (the file says why it takes a
stylesheet).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
#: The chapters the lite site carries (their code needs no torch), in both editions -> the
#: name they get there (the Chinese chapter's link opens zh/explorer.ipynb).
NOTEBOOKS = {"chapters/06_explorer.ipynb": "explorer.ipynb",
             "zh/chapters/06_explorer.ipynb": "zh/explorer.ipynb"}
#: Pinned versions of the wheels the first build chose that no lock of ours pins (written by
#: jupyterlite-pyodide-kernel when missing, then committed; see the module docstring).
LITE_CONSTRAINTS = Path(__file__).resolve().parent / "lite-constraints.txt"
#: Packages of the book's own lock the lite notebook imports: the same versions as the book.
FROM_BOOK_LOCK = ("plotly", "ipywidgets", "comm", "narwhals", "packaging", "traitlets")
#: The packages Pyodide's own lock pins that the kernel needs, at Pyodide's versions.
FROM_PYODIDE_LOCK = ("micropip",)
#: Pyodide's files that the kernel loads (the npm package also has typings, a console page,
#: the CommonJS entry and source maps).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "package.json")
#: The front-end extensions the notebook needs, from the environments' share/jupyter.
LABEXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager",
                 "jupyterlab-plotly")
#: Where the lite site lies in the built book, and the page that opens the explorer there.
LITE_DIR = "lite"
LITE_APP = "lab"
#: JupyterLab's settings in the lite site (its ``overrides.json``): Lab's theme follows the
#: reader's system setting, light or dark (JupyterLab Light / JupyterLab Dark).
SETTINGS_OVERRIDES = {"@jupyterlab/apputils-extension:themes": {"adaptive-theme": True}}
#: The figures' colours in Lab's dark theme, linked from the app's page (``link_stylesheet``).
DARK_FIGURES_CSS = Path(__file__).resolve().parent / "lite" / "dark-figures.css"


def lite_url(notebook: str = "explorer.ipynb") -> str:
    """The lite notebook's address, relative to the root of the built book."""
    return f"{LITE_DIR}/{LITE_APP}/index.html?path={notebook}"


def book_lock_pins(names: tuple[str, ...] = FROM_BOOK_LOCK) -> list[str]:
    """``name==version`` from requirements.lock for each of ``names``."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    missing = [n for n in names if n not in pins]
    if missing:
        raise SystemExit(f"build_lite: requirements.lock pins no {', '.join(missing)}")
    return [f"{n}=={pins[n]}" for n in names]


def pyodide_lock_pins(lock: dict, names: tuple[str, ...] = FROM_PYODIDE_LOCK) -> list[str]:
    """``name==version`` from Pyodide's own lock file for each of ``names``."""
    return [f"{n}=={lock['packages'][n]['version']}" for n in names]


def lite_setup_source(source: str) -> str:
    """The lite notebook's setup cell, made from a chapter's setup cell: resnet_lib from the
    site's own wheel (``%pip`` is piplite in the Pyodide kernel), then the chapter's own
    lines from ``from resnet_lib.i18n import set_language`` on."""
    start = source.find("from resnet_lib.i18n import set_language")
    if start < 0:
        raise SystemExit("build_lite: the setup cell has no `from resnet_lib.i18n import "
                         "set_language` line (tests/test_launch.py describes the cell)")
    return ("# Hidden in the book. In the browser (Pyodide), resnet_lib comes from this site.\n"
            "%pip install -q resnet_lib\n" + source[start:])


def lite_notebook(path: Path) -> nbformat.NotebookNode:
    """A chapter as the lite site shows it: the setup cell replaced (``lite_setup_source``),
    everything else as in the book."""
    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    setup.source = lite_setup_source(setup.source)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)",
                                 "language": "python"}
    return nb


def link_stylesheet(page: Path, css: Path) -> None:
    """Copy ``css`` next to ``page``'s folder (the site's root) and link it from ``page``,
    after the app's own styles. JupyterLite has no setting for a site's own stylesheet."""
    html = page.read_text(encoding="utf8")
    if "</head>" not in html:
        raise SystemExit(f"build_lite: {page} has no </head> to link {css.name} from")
    shutil.copy2(css, page.parent.parent / css.name)
    link = f'    <link rel="stylesheet" href="../{css.name}">\n'
    page.write_text(html.replace("</head>", link + "</head>", 1), encoding="utf8")


def run(*cmd: str | Path, cwd: Path = ROOT) -> None:
    print("build_lite:", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)


def build(html: Path, work: Path, tools: Path = ROOT / ".venv-lite") -> Path:
    """Build the lite site into ``html/lite`` with the JupyterLite tools of the virtual
    environment ``tools`` (``make setup`` makes it from tools/lite-tools.lock); returns the
    site's folder."""
    jupyter = tools / "bin" / "jupyter"
    if not jupyter.exists():
        raise SystemExit(f"build_lite: {jupyter} is missing; run `make setup`")
    shutil.rmtree(work, ignore_errors=True)
    (work / "files").mkdir(parents=True)
    wheels = work / "wheels"
    # built from a copy, so that setuptools' scratch files (build/, *.egg-info) stay out of
    # the repository (an egg-info there would be a second resnet_lib in the environment)
    source = work / "resnet_lib-src"
    shutil.copytree(ROOT / "resnet_lib", source / "resnet_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", wheels, source)

    pyodide = NODE_MODULES / "pyodide"
    if not (pyodide / "pyodide.mjs").exists():
        raise SystemExit(f"build_lite: {pyodide} is missing; run `npm ci` (or `make setup`)")
    (work / "static" / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(pyodide / name, work / "static" / "pyodide" / name)
    # The npm package is Pyodide's runtime without its packages, yet its lock file lists the
    # 350-odd packages of the full distribution (with the CDN as their home). The lock this
    # site starts from lists the packages it has: none; the lock step then adds exactly the
    # wheels the site ships, solved by uv from PyPI (micropip included: the kernel loads it
    # first), each with its own sha256.
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    pins = pyodide_lock_pins(lock)
    lock["packages"] = {}
    (work / "static" / "pyodide" / "pyodide-lock.json").write_text(json.dumps(lock))

    for chapter, name in NOTEBOOKS.items():
        (work / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(lite_notebook(ROOT / chapter), work / "files" / name)

    # the kernel's extension from the tools' venv, the widgets' and plotly's from the
    # book's (.venv: the versions of requirements.lock)
    shares = [p / "share" / "jupyter" / "labextensions" for p in (tools, Path(sys.prefix))]
    extensions = [next((s / name for s in shares if (s / name).is_dir()), shares[-1] / name)
                  for name in LABEXTENSIONS]
    missing = [str(e) for e in extensions if not e.is_dir()]
    if missing:
        raise SystemExit(f"build_lite: missing labextensions {missing}; run `make setup`")
    out = html / LITE_DIR
    config = {
        "LiteBuildConfig": {
            "apps": [LITE_APP],
            "contents": ["files"],
            "output_dir": str(out),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
            "ignore_sys_prefix": True,
            "federated_extensions": [str(e) for e in extensions],
        },
        "PyodideLockAddon": {
            "enabled": True,
            "wheels": [str(wheels)],
            "specs": ["resnet_lib", *book_lock_pins(), *pins],
            "lite_constraints_file": str(LITE_CONSTRAINTS),
            # The wheels `make setup` fetched (tools/lite-constraints.txt): no index, no
            # network; a wheel missing there fails the build.
            "pyodide_lock_uv_options": {"extra_uv_args": [
                "--offline", "--no-index", "--find-links", str(tools / "wheels")]},
        },
    }
    (work / "jupyter_lite_config.json").write_text(json.dumps(config, indent=2))
    (work / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES, indent=2))
    # What the front end reads: no package index but the site's own (a package the lock
    # lacks fails instead of downloading from PyPI).
    (work / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "ResNet, explained — live explorer",
            "disabledExtensions": [],
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {"disablePyPIFallback": True},
            },
        },
    }, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    run(jupyter, "lite", "build", "--lite-dir", work, cwd=work)
    stray = [p for p in out.rglob("*.map")]
    for path in stray:  # belt and braces: no source maps are shipped
        path.unlink()
    link_stylesheet(out / LITE_APP / "index.html", DARK_FIGURES_CSS)
    return out


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html",
                        help="the built book's HTML folder (default: _build/html)")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder (default: lite-src next to the HTML folder)")
    parser.add_argument("--tools", type=Path, default=ROOT / ".venv-lite",
                        help="virtual environment with the JupyterLite tools (.venv-lite)")
    args = parser.parse_args(argv)
    work = args.work or args.html.parent / "lite-src"
    start = time.perf_counter()
    out = build(args.html.resolve(), work.resolve(), args.tools)
    print(f"build_lite: {out} ({size_mb(out):.1f} MB) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
