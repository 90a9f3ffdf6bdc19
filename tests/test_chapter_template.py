"""Every chapter in the table of contents follows the house template (one test for all).

Stored without outputs; the shared hidden setup cell first (its text is tested in
test_launch.py); one h1 and a two-line promise; short visible code cells; "Check yourself"
with 2-4 answers in closed <details> blocks, each followed by the hidden cell that checks it
(hidden in the book, collapsed in JupyterLab); every citation and cross-reference resolves.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [ch["file"] for part in TOC["parts"] for ch in part["chapters"]
            if ch["file"].startswith("chapters/")]
VISIBLE_LINES, HIDDEN_LINES = 12, 16


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / f"{name}.ipynb", as_version=4)


def markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_the_toc_lists_every_chapter_once():
    on_disk = sorted(f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.ipynb"))
    assert sorted(CHAPTERS) == on_disk and len(set(CHAPTERS)) == len(CHAPTERS)


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_follows_the_template(name):
    nb = read(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    assert code[0].metadata.get("tags") == ["remove-cell"]
    assert "use_book_renderer()" in code[0].source
    outside_fences = re.sub(r"```.*?```", "", markdown(nb), flags=re.S)
    assert len(re.findall(r"^# ", outside_fences, flags=re.M)) == 1  # one h1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for c in code[1:]:
        hidden = {"remove-cell", "remove-input"} & set(c.metadata.get("tags", []))
        lines = [line for line in c.source.splitlines() if line.strip()]
        assert len(lines) <= (HIDDEN_LINES if hidden else VISIBLE_LINES), c.source[:60]
    starts = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "markdown" and "## Check yourself" in c.source]
    assert len(starts) == 1
    tail = nb.cells[starts[0]:]
    answers = [i for i, c in enumerate(tail) if c.cell_type == "markdown"
               and "<details>\n<summary>Answer</summary>" in c.source]
    assert 2 <= len(answers) <= 4
    for i in answers:
        assert tail[i].source.rstrip().endswith("</details>")
        checks = []  # the code cells between this answer and the next text
        for cell in tail[i + 1:]:
            if cell.cell_type != "code":
                break
            checks.append(cell)
        assert checks, "an answer without a cell that checks it"
        for check in checks:
            assert "remove-cell" in check.metadata.get("tags", [])
            assert check.metadata.get("jupyter", {}).get("source_hidden") is True
        assert any("assert" in check.source for check in checks)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_citation_and_cross_reference_resolves(name):
    text = markdown(read(name))
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(),
                          flags=re.M))
    cited = {k.strip() for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text)
             for k in group.split(",")}
    assert cited <= keys, cited - keys
    for target in re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", text):
        path = (ROOT / "chapters" / target).resolve()
        assert path.with_suffix(".ipynb").is_file() or path.with_suffix(".md").is_file(), target
