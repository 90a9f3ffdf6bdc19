"""The six chapters on structure, names, depth, training, building and the family: stored clean,
built on the chapter template, every reference resolvable, every quoted number checked.

They are executed by the book build (tests/test_book.py); here only what can be read from the
stored notebooks is checked, plus the sentences they quote from their sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from resnet_lib import paper

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["10_structure", "11_terminology", "12_depth", "13_training", "14_build",
            "15_family"]
HIDDEN = {"remove-cell", "remove-input"}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)


def markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_the_chapters_are_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    for name in CHAPTERS:
        assert files.count(f"chapters/{name}") == 1, name


def test_quotes_from_the_paper_are_its_words():
    """Sentences the chapters quote, as the paper (arXiv:1512.03385) prints them."""
    structure = markdown(read("10_structure"))
    assert ('"can be directly\nused when the input and output are of the same dimensions '
            '(solid line shortcuts in Fig. 3)"') in structure
    training = markdown(read("13_training"))
    for quoted in ('"right after each convolution and before activation"',
                   '"is divided by 10 when the error plateaus"', '"we do not use\ndropout"'):
        assert quoted in training, quoted
    r = paper.PAPER_RECIPE
    assert (r["lr"], r["momentum"], r["weight_decay"], r["batch"]) == (0.1, 0.9, 1e-4, 256)
    assert "between 256 and 480" in training and r["scale_augmentation"] == (256, 480)


def test_a_known_wrong_claim_does_not_come_back():
    """The seed page's 'ResNet-34 has 10 residual blocks' is only ever quoted to be corrected."""
    text = markdown(read("10_structure"))
    assert '"ResNet-34 has 10 residual blocks"' in text and "16 blocks" in text
    # the glossary's definition, not a second one here
    assert "[shortcut](../glossary.md#term-shortcut)" in text
    for name in CHAPTERS:
        other = markdown(read(name)).replace('"ResNet-34 has 10 residual blocks"', "")
        assert not re.search(r"ResNet-34 has 10 (residual )?blocks", other), name


def test_the_bibliography_parses_entry_by_entry():
    """A lost brace makes pybtex fail (and the whole build); a regex over keys would not see it."""
    from pybtex.database import parse_file

    bib = ROOT / "references.bib"
    entries = parse_file(str(bib)).entries
    assert len(entries) == len(re.findall(r"^@\w+\{", bib.read_text(), flags=re.M))
