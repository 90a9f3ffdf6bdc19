"""The library's shape: imports point one way, and the arithmetic needs no torch.

Read from the source with ``ast`` (nothing is imported), so a cycle or a stray import fails
here with the modules named, before it fails anywhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parent.parent / "resnet_lib"
MODULES = {
    ".".join(p.relative_to(LIB).with_suffix("").parts).removesuffix(".__init__")
    .replace("__init__", ""): p
    for p in sorted(LIB.rglob("*.py"))
}
# Modules that answer from arithmetic alone: they must import no torch (directly or through
# another module of the library), so they run where torch is absent.
TORCH_FREE = ("spec", "analysis", "style", "explorer", "_checks", "i18n", "progress")


def package_of(name: str) -> str:
    path = MODULES[name]
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def resolve(name: str, node: ast.ImportFrom) -> list[str]:
    """The library modules an ``import from`` statement in module ``name`` pulls in."""
    if node.level == 0:
        if not (node.module or "").startswith("resnet_lib"):
            return []
        base = node.module.removeprefix("resnet_lib").lstrip(".")
    else:
        parts = package_of(name).split(".") if package_of(name) else []
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(p for p in [*parts, node.module or ""] if p)
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}".lstrip(".")
        if candidate in MODULES:
            found.append(candidate)
        elif base in MODULES:
            found.append(base)
    return found


def imports(name: str, *, top_level_only: bool) -> tuple[set[str], set[str]]:
    """(library modules, third-party top-level packages) that module ``name`` imports."""
    tree = ast.parse(MODULES[name].read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    lib, other = set(), set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            found = resolve(name, node)
            lib.update(found)
            if node.level == 0 and not found:
                other.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Import):
            other.update(a.name.split(".")[0] for a in node.names)
    lib.discard(name)
    return lib, other


GRAPH = {name: imports(name, top_level_only=False)[0] for name in MODULES}


def test_library_imports_have_no_cycle():
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in MODULES:
        if name not in state and name != "":
            visit(name, [name])


def test_no_function_local_imports_of_the_library():
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef,
                                                               ast.AsyncFunctionDef))):
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and resolve(name, node):
                    pytest.fail(f"{path.name}:{node.lineno}: {fn.name} imports the library "
                                f"inside a function")


@pytest.mark.parametrize("name", TORCH_FREE)
def test_arithmetic_modules_import_no_torch(name):
    seen, todo = set(), [name]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        lib, other = imports(mod, top_level_only=False)
        assert "torch" not in other, f"{mod} imports torch (reached from {name})"
        todo.extend(m for m in lib if m != "")


def test_the_graph_sees_real_edges():
    # The checks above would pass vacuously if the parser found no imports at all.
    assert "spec" in GRAPH["analysis"] and "analysis" in GRAPH["figures.stages"]
    assert "style" in GRAPH["figures.explorer"] and "explorer" in GRAPH["figures.explorer"]


# Run where `import torch` fails, as in the reader's browser (the lite edition, Pyodide).
NO_TORCH = '''
import sys

class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch' (blocked by the test)")

sys.meta_path.insert(0, NoTorch())
import resnet_lib
from resnet_lib import stage_table
from resnet_lib.explorer import STAGES, stage_data
from resnet_lib.figures import stage_figure, static_explorer_figure, stem_comparison_figure
from resnet_lib.render import use_book_renderer
from resnet_lib.widgets import Explorer

use_book_renderer()
assert stage_data("resnet18", 97, "cifar").heights
assert static_explorer_figure().data and stem_comparison_figure("resnet18", 32).data
live = Explorer(arch="resnet18", input_size=97, stem="cifar", display_figure=False)
bars = live.figure.data[0]  # labelled "%{customdata}x%{y}x%{y}": channels, side, side
rows = [r for r in stage_table("resnet18", 97, stem="cifar") if r.name in STAGES]
assert list(bars.customdata) == [r.channels for r in rows], bars.customdata
assert list(bars.y) == [r.height for r in rows], bars.y
labels = [f"{r.channels}x{r.height}x{r.width}" for r in rows]
try:
    resnet_lib.resnet50
except ModuleNotFoundError:
    pass
else:
    raise AssertionError("resnet_lib.resnet50 loaded without torch")
assert "torch" not in sys.modules
print(stage_table("resnet50", 224)[-1].name, len(labels))
'''


def test_the_explorer_runs_where_torch_cannot_be_imported():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", NO_TORCH], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["fc", "6"]
