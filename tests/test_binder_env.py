"""Every chapter runs in an environment built from binder/ the way repo2docker builds it.

repo2docker's Python build pack, for a ``python-3.x`` runtime: one environment that runs both
the Jupyter server and the kernel; ``pip install -r binder/requirements.txt`` into it from
the repository's root; then ``binder/postBuild``, with that environment first on ``PATH``.
This test does the same in a fresh virtual environment (no Docker), then runs every chapter
in a kernel of that environment with ``benchmarks/chapter_run_times.py``.

Offline, the CPU torch wheel resolves without download.pytorch.org: pip is told to give up
on an unreachable index at once (``PIP_RETRIES=0``), and finds ``torch==2.13.0+cpu`` among
the wheels on the machine's disk (pip's ``find-links``; see DEVELOPERS.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
INSTALL_TIMEOUT_S = 30 * 60
RUN_TIMEOUT_S = 30 * 60

pytestmark = pytest.mark.slow  # a full environment (torch, JupyterLab) and all chapters


def runtime_python() -> str:
    """binder/runtime.txt's Python (python-3.11) must be the one running the tests."""
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    have = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert have == wanted, f"binder/runtime.txt asks for Python {wanted}; tests run on {have}"
    return sys.executable


def run(cmd: list[str], env: dict[str, str], timeout: int) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-6000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory) -> Path:
    """A virtual environment installed from binder/ only; returns its bin folder."""
    venv = tmp_path_factory.mktemp("binder") / "env"
    subprocess.run([runtime_python(), "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "PIP_RETRIES": "0", "PIP_TIMEOUT": "10",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    run([str(bin_dir / "pip"), "install", "--no-cache-dir", "-r", "binder/requirements.txt"],
        env, INSTALL_TIMEOUT_S)
    run([str(BINDER / "postBuild")], env, INSTALL_TIMEOUT_S)
    return bin_dir


def test_binder_environment_has_the_pinned_torch_and_front_end(binder_env):
    script = ("import importlib.metadata as m, torch; "
              "print(torch.__version__, torch.cuda.is_available(), "
              "m.version('jupyterlab'), m.version('jupyterlab-myst'))")
    out = subprocess.run([str(binder_env / "python"), "-c", script], capture_output=True,
                         text=True, check=True).stdout.split()
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    assert out == [pins["torch"], "False", pins["jupyterlab"], pins["jupyterlab-myst"]]
    listing = subprocess.run([str(binder_env / "jupyter"), "labextension", "list"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    for extension in ("jupyterlab-myst", "@jupyter-widgets/jupyterlab-manager",
                      "jupyterlab-plotly"):
        line = next((x for x in listing.splitlines() if x.strip().startswith(extension)), "")
        assert "enabled" in line, f"{extension} not enabled:\n{listing}"
    assert "is not compatible" not in listing, listing


def test_every_chapter_runs_in_the_binder_environment(binder_env):
    """The whole notebook, top to bottom, in a kernel of the Binder environment."""
    env = {**os.environ, "PATH": f"{binder_env}{os.pathsep}{os.environ['PATH']}",
           "JUPYTER_DATA_DIR": str(binder_env.parent / "jupyter-data")}  # no user kernels
    env.pop("PYTHONPATH", None)
    kernel_python = binder_env / "python"
    probe = subprocess.run([str(kernel_python), "-c", "import resnet_lib, sys; "
                            "print(resnet_lib.__file__)"], capture_output=True, text=True,
                           env=env, cwd="/")
    assert probe.returncode == 0 and str(ROOT) in probe.stdout, probe  # postBuild's install
    out = run([str(kernel_python), "benchmarks/chapter_run_times.py"], env, RUN_TIMEOUT_S)
    print(out)  # the per-chapter run times, visible with `pytest -s`
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
    reported = [line.split()[0] for line in out.splitlines()
                if line and line.split()[0] in chapters]
    assert reported == chapters and "FAILED" not in out, out
