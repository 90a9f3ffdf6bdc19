"""How a learner launches the chapters: Binder (binder/ agrees with the project's pins, CPU-only)
and the hidden setup cell every chapter starts with (Colab: install resnet_lib or say why not).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def pins(path: Path) -> dict[str, str]:
    """{normalised package name: version} for every `name==version` line of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            found[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return found


def test_binder_pins_agree_with_requirements_on_every_shared_package():
    project = pins(ROOT / "requirements.txt")
    binder = pins(ROOT / "binder" / "requirements.txt")
    shared = project.keys() & binder.keys()
    assert {"torch", "torchinfo", "plotly", "ipywidgets", "numpy"} <= shared
    # The learner's front end is pinned too: JupyterLab and the MyST extension that renders
    # the chapters' citations, cross-references and admonitions.
    assert {"jupyterlab", "jupyterlab-myst"} <= binder.keys()
    # A local label such as +cpu names the build, not a different release.
    mismatched = {p: (project[p], binder[p]) for p in shared
                  if project[p].split("+")[0] != binder[p].split("+")[0]}
    assert not mismatched, mismatched


def test_jupyterlab_loads_every_installed_extension():
    """The pinned JupyterLab and its extensions agree: ``jupyter labextension list`` flags an
    extension built for other shared modules (jupyterlab-myst 2.7.0 under JupyterLab 4.6:
    @jupyter/ydoc 3 vs 4) as "not compatible", and the learner's console warns about it."""
    exe = Path(sys.executable).with_name("jupyter")
    listing = subprocess.run([str(exe), "labextension", "list"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    assert "jupyterlab-myst" in listing and "jupyterlab-manager" in listing, listing
    assert "is not compatible" not in listing, listing


def test_binder_installs_every_third_party_package_the_chapters_import():
    import json
    import sys

    sources = [p.read_text() for p in (ROOT / "resnet_lib").glob("*.py")]
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    imported = set()
    for text in sources:
        imported |= set(re.findall(r"^\s*(?:import|from) ([A-Za-z_]+)", text, re.M))
    third_party = imported - set(sys.stdlib_module_names) - {"resnet_lib", "__future__"}
    pip_name = {"sklearn": "scikit-learn", "IPython": "ipykernel"}
    binder = pins(ROOT / "binder" / "requirements.txt")
    missing = {m for m in third_party if pip_name.get(m, m).lower() not in binder}
    assert not missing, f"imported but not installed on Binder: {sorted(missing)}"


def test_binder_takes_the_cpu_only_torch_wheel():
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert pins(ROOT / "binder" / "requirements.txt")["torch"].endswith("+cpu")
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"


def test_binder_installs_resnet_lib_itself():
    post = (ROOT / "binder" / "postBuild")
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps" in post.read_text() and " -e ." in post.read_text()


def test_workflow_runs_the_same_command_and_deploys_with_least_privilege():
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert ".ci/run" in workflow
    top = workflow.split("jobs:", 1)[0]
    assert "permissions:\n  contents: read" in top
    assert "pages: write" in workflow and "id-token: write" in workflow
    assert "actions/deploy-pages" in workflow and "refs/heads/main" in workflow


# ---------------------------------------------------------------- the chapters' setup cell
# Every chapter starts with the same hidden cell: import resnet_lib, or install it from the
# book's repository (Colab starts without it), or stop with one message saying why.

CHAPTERS = ROOT / "chapters"

# Runs the given notebook's cells in the kernel named "bare" and writes the executed notebook;
# a cell that raises stops the run there, as "Run all" does in Jupyter and Colab.
RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, kernel_name="bare", timeout=300).execute()
except CellExecutionError:
    pass
nbformat.write(nb, sys.argv[2])
"""


def setup_cells() -> dict[str, nbformat.NotebookNode]:
    return {nb.name: next(c for c in nbformat.read(nb, as_version=4).cells
                          if c.cell_type == "code")
            for nb in sorted(CHAPTERS.glob("*.ipynb"))}


def test_every_chapter_starts_with_the_same_hidden_setup_cell():
    cells = setup_cells()
    assert len(cells) >= 9
    sources = {name: cell.source for name, cell in cells.items()}
    first_name, first = next(iter(sources.items()))
    differ = [name for name, source in sources.items() if source != first]
    assert not differ, f"setup cell differs from {first_name}'s in {differ}"
    hidden = [name for name, cell in cells.items()
              if "remove-cell" not in cell.metadata.get("tags", [])]
    assert not hidden, f"setup cell not tagged remove-cell in {hidden}"
    # Jupyter (Lab, Notebook, Binder) shows it collapsed: the chapter opens on its title.
    shown = [name for name, cell in cells.items()
             if not cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert not shown, f"setup cell not collapsed (jupyter.source_hidden) in {shown}"
    # It must stop the notebook itself, not let later cells fail one by one.
    assert "raise " in first and "_render_traceback_" in first and "make setup" in first


def editable_pth_free_venv(tmp_path: Path) -> Path:
    """A virtual environment that sees every package of this one EXCEPT resnet_lib.

    A ``.pth`` line puts this environment's site-packages on ``sys.path``; ``.pth`` files in
    that folder (among them the editable install of resnet_lib) are not processed, because
    only site directories have their ``.pth`` files read. pip installs into the new venv.
    """
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    here = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "this_projects_packages.pth").write_text(here + "\n")
    spec = tmp_path / "jupyter" / "kernels" / "bare"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "bare", "language": "python"}))
    return python


def run_first_cells(tmp_path: Path, env: dict[str, str], extra: str,
                    offline: list[str] | None = None) -> list[nbformat.NotebookNode]:
    """Run chapter 1's setup cell, then ``extra``, in a kernel without resnet_lib, from a
    folder outside the repository (as Colab runs a notebook opened alone)."""
    python = editable_pth_free_venv(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [setup_cells()["01_whole_picture.ipynb"], nbformat.v4.new_code_cell(extra)]
    (tmp_path / "in.ipynb").write_text(nbformat.writes(nb))
    work = tmp_path / "elsewhere"
    work.mkdir()
    full_env = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter"), **env}
    subprocess.run([*(offline or []), sys.executable, "-c", RUNNER, str(tmp_path / "in.ipynb"),
                    str(tmp_path / "out.ipynb")], cwd=work, env=full_env, check=True,
                   timeout=600, capture_output=True)
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert str(python).startswith(str(tmp_path))
    return cells


def offline_or_empty() -> list[str]:
    from conftest import offline_prefix

    return offline_prefix()


def test_setup_cell_without_the_library_and_without_network_stops_with_one_message(tmp_path):
    """Colab with no internet (or a wrong repository): one message with git's reason and what
    to do; no pip chatter, no traceback, and the next cell never runs."""
    offline = offline_or_empty()
    env = {}
    if offline:  # the real thing: no network at all (root, network namespace)
        expected_reason = "Could not resolve host: github.com"
    else:  # no namespace here: send git to a folder that does not exist instead
        env = {"GIT_CONFIG_COUNT": "1",
               "GIT_CONFIG_KEY_0": f"url.{tmp_path}/no-such-repository.insteadOf",
               "GIT_CONFIG_VALUE_0": "https://github.com/resnet-explained/resnet-explained"}
        expected_reason = "does not appear to be a git repository"
    setup, after = run_first_cells(tmp_path, env, "print('the next cell ran')", offline)
    assert [o.output_type for o in setup.outputs] == ["error"], setup.outputs
    error = setup.outputs[0]
    assert error.ename == "SetupStopped"
    assert len(error.traceback) == 1, "shown as one message, not a traceback"
    message = error.traceback[0]
    assert message.startswith("Setup stopped: resnet_lib is not installed")
    assert expected_reason in message and "fatal:" in message, message
    assert "Colab" in message and "internet" in message and "`make setup`" in message
    assert "ModuleNotFoundError" not in message and "restart the kernel" not in message
    assert len(message.splitlines()) <= 3 and len(message) < 500, message
    assert after.outputs == [] and after.get("execution_count") is None, "ran past the stop"


@pytest.mark.slow  # ~30 s: pip builds and installs resnet_lib from a git clone
def test_setup_cell_without_the_library_installs_it_from_the_repository_silently(tmp_path):
    """Colab online: the cell installs resnet_lib from the repository URL it names (here
    redirected to this checkout by git's insteadOf, so nothing leaves the machine), prints
    nothing, and the library imports in the same kernel without a restart."""
    env = {"GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": f"url.{ROOT}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/resnet-explained/resnet-explained",
           # Offline: build with the setuptools already here instead of fetching one.
           "PIP_NO_BUILD_ISOLATION": "0", "PIP_NO_INDEX": "1"}
    setup, after = run_first_cells(
        tmp_path, env, "import resnet_lib\nprint(resnet_lib.__file__)", offline_or_empty())
    errors = [o for o in setup.outputs if o.output_type in ("error", "stream")]
    assert not errors, setup.outputs
    assert [o.output_type for o in after.outputs] == ["stream"], after.outputs
    installed = after.outputs[0].text.strip()
    assert installed.startswith(str(tmp_path / "bare")), installed  # pip put it in the venv
