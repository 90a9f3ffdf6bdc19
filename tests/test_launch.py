"""Binder's environment (binder/) agrees with the project's pins and stays CPU-only."""

from __future__ import annotations

import re
from pathlib import Path

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
    # A local label such as +cpu names the build, not a different release.
    mismatched = {p: (project[p], binder[p]) for p in shared
                  if project[p].split("+")[0] != binder[p].split("+")[0]}
    assert not mismatched, mismatched


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
