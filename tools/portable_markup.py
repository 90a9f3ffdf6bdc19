"""Chapter markdown that reads well in the book, in JupyterLab and in Colab.

MyST roles (``{cite}`he2016deep```, ``{doc}`04_blocks```, ``{term}`stride```) are Sphinx
syntax: jupyterlab-myst cannot resolve them in a single notebook (it does not read
``references.bib`` nor the other pages: "Citation Not Found", dead links) and Colab shows them
as raw text. This script rewrites them, in the markdown cells of the notebooks it is given, as
plain markdown links, which every Jupyter front end renders:

- ``{cite}`he2016deep``` -> ``[\\[He et al. 2016\\]](../references.md#he2016deep)``, shown as
  "[He et al. 2016]" (first author or organisation and year, from ``references.bib``; several
  keys: ``#thop,ptflops`` and both labels joined by "; ");
- ``{doc}`04_blocks``` -> ``[<first heading of 04_blocks.ipynb>](04_blocks.ipynb)``, and
  ``{doc}`next chapter <04_blocks>``` -> ``[next chapter](04_blocks.ipynb)``;
- ``{term}`stages <stage>``` -> ``[stages](../glossary.md#term-stage)`` (the term URL-quoted:
  ``#term-feature%20map``).

- TeX math inside a ``<details>`` answer -> text (``$256 \\times 14 \\times 14$`` -> ``256 × 14 ×
  14``; ``unicode_math``): jupyterlab-myst 2.7 turns a raw HTML block and all it contains
  into one HTML string in which math is left as raw TeX (``<span class="math-inline">``,
  never typeset), so only text math reads the same in Lab, Colab and the book.

The book loses nothing: ``book_ext.portable_roles`` turns the citation and glossary links back
into the roles before Sphinx parses a notebook (numbered citations, the bibliography page and
glossary links stay as they were), and myst-parser resolves a link to a ``.ipynb`` file as a
link to that page.

A ``{doc}`` link without its own text takes the first ``# `` heading of the target notebook
*of the same edition* (``zh/chapters/03_stages.ipynb`` links to ``zh/chapters/04_blocks.ipynb``
and shows its Chinese title). Citation texts are first author (or organisation) and year from
``references.bib``. Paths to ``references.md`` and ``glossary.md`` are relative to the
edition's root (the repository root, or ``zh/``).

Idempotent: a converted notebook has no roles left and is not written again.

Chinese notebooks: convert the English ones first (the default order). A Chinese markdown cell
whose ``metadata.translation.source_sha256`` records the English cell as it read *before* the
conversion (with roles; ``roles_text`` rebuilds that text exactly) is stamped with the
converted English cell, since only the markup changed; any other stale cell stays stale.
TeX in answers cannot be rebuilt that way: give a git revision from before the conversion,
``--before REV`` (e.g. the commit before "Chapters' citations, glossary terms and chapter
links as plain markdown links"), and a cell stamped with the English cell at REV is restamped
when converting that cell gives today's English cell.

    .venv/bin/python tools/portable_markup.py --before REV zh/chapters/*.ipynb

    .venv/bin/python tools/portable_markup.py                    # every chapter, both editions
    .venv/bin/python tools/portable_markup.py zh/chapters/*.ipynb   # only these
    .venv/bin/python tools/portable_markup.py --check            # exit 1 if a role is left
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path
from urllib.parse import quote

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/translations.py

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"

#: Any MyST role, e.g. {cite}`key` or {term}`text <target>`.
ANY_ROLE = re.compile(r"\{([A-Za-z][\w:-]*)\}`([^`]*)`")
#: The roles this script converts.
CONVERTED = ("cite", "doc", "term")
#: ``text <target>`` inside a role.
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)


def edition_root(notebook: Path) -> Path:
    """The folder holding the notebook's edition: the repository root, or ``zh/`` under it."""
    notebook = notebook.resolve()
    for parent in notebook.parents:
        if parent == ROOT:
            return ROOT
        if parent.parent == ROOT and parent.name == "zh":
            return parent
    raise ValueError(f"notebook {notebook} is not inside the repository {ROOT}")


def escape(text: str) -> str:
    """Link text with its square brackets escaped."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


@cache
def bib_labels() -> dict[str, str]:
    """``{key: "He et al. 2016"}`` for every entry of ``references.bib``."""
    from pybtex.database import parse_file  # installed with sphinxcontrib-bibtex

    labels = {}
    for key, entry in parse_file(str(BIB)).entries.items():
        people = entry.persons.get("author", [])
        if not people:
            raise ValueError(f"references.bib: entry {key!r} has no author")
        first = " ".join(people[0].last_names).replace("{", "").replace("}", "")
        if len(people) == 2:
            second = " ".join(people[1].last_names).replace("{", "").replace("}", "")
            first = f"{first} and {second}"
        elif len(people) > 2:
            first = f"{first} et al."
        labels[key] = f"{first} {entry.fields['year']}"
    return labels


def title_of(notebook: Path) -> str:
    """The first ``# `` heading of a notebook (its page title)."""
    if not notebook.exists():
        raise ValueError(f"{{doc}} target {notebook} does not exist")
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            found = HEADING.search(cell.source)
            if found:
                return found.group(1)
    raise ValueError(f"{notebook} has no '# ' heading to take a link title from")


def split(content: str) -> tuple[str | None, str]:
    """``"text <target>"`` -> ``("text", "target")``; ``"target"`` -> ``(None, "target")``."""
    explicit = EXPLICIT.match(content.strip())
    if explicit:
        return explicit.group(1).strip(), explicit.group(2).strip()
    return None, content.strip()


def convert_text(markdown: str, notebook: Path) -> str:
    """One markdown cell with its cite, doc and term roles written as portable links."""
    notebook = notebook.resolve()
    here = notebook.parent
    root = edition_root(notebook)
    up = Path(os.path.relpath(root, here)).as_posix()

    def link(match: re.Match) -> str:
        role, content = match.group(1), match.group(2)
        if role == "cite":
            keys = [k.strip() for k in content.split(",") if k.strip()]
            labels = bib_labels()
            unknown = [k for k in keys if k not in labels]
            if unknown:
                raise ValueError(
                    f"{notebook.name}: citation key(s) {unknown} not in references.bib")
            text = "; ".join(labels[k] for k in keys)
            return f"[\\[{escape(text)}\\]]({up}/references.md#{','.join(keys)})"
        text, target = split(content)
        if role == "doc":
            file = (here / target).with_suffix(".ipynb")
            text = text or title_of(file)
            return f"[{escape(text)}]({Path(os.path.relpath(file, here)).as_posix()})"
        if role == "term":
            return f"[{escape(text or target)}]({up}/glossary.md#term-{quote(target)})"
        return match.group(0)

    return ANY_ROLE.sub(lambda m: link(m) if m.group(1) in CONVERTED else m.group(0), markdown)


DOC_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(([^)\s:#]+)\.ipynb\)")


def roles_text(markdown: str, notebook: Path) -> str:
    """The inverse of ``convert_text``: portable links back to the roles they replaced (what a
    translation made before the conversion was made from)."""
    sys.path.insert(0, str(ROOT))
    from book_ext import portable_roles

    here = notebook.resolve().parent

    def doc(match: re.Match) -> str:
        text = re.sub(r"\\(.)", r"\1", match.group(1))
        target = match.group(2)
        if text == title_of(here / f"{target}.ipynb"):
            return f"{{doc}}`{target}`"
        return f"{{doc}}`{text} <{target}>`"

    return DOC_LINK.sub(doc, portable_roles(markdown))


def english_at(revision: str, english_path: Path) -> dict[str, str]:
    """``{cell id: markdown}`` of an English notebook as git stored it at ``revision``."""
    import subprocess

    relative = english_path.resolve().relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"{revision}:{relative}"], cwd=ROOT,
                           capture_output=True, text=True)
    if shown.returncode != 0:
        raise ValueError(f"--before {revision}: git has no {relative} there ({shown.stderr})")
    return {c.id: c.source for c in nbformat.reads(shown.stdout, as_version=4).cells
            if c.cell_type == "markdown"}


def restamp(chinese: nbformat.NotebookNode, notebook: Path, before: str | None = None) -> int:
    """A translation stamped with the English cell as it read before the conversion is
    stamped with the converted English cell: only the markup changed, not the text.

    "Before the conversion" is the English cell with its links written back as roles
    (``roles_text``, exact for links), or, given ``before`` (a git revision from before the
    conversion), the English cell at that revision if converting it gives today's cell
    (this also covers TeX in answers, which ``roles_text`` cannot restore). Returns how many
    cells were restamped. Needs the English notebook converted first."""
    from translations import en_path, sha256

    english_path = en_path(notebook)
    if not english_path.exists():
        return 0
    english = {c.id: c for c in nbformat.read(english_path, as_version=4).cells}
    old = english_at(before, english_path) if before else {}
    count = 0
    for cell in chinese.cells:
        recorded = cell.metadata.get("translation", {}).get("source_sha256")
        source = english.get(cell.id)
        if cell.cell_type != "markdown" or recorded is None or source is None:
            continue
        now = sha256(source.source)
        if recorded == now:
            continue
        earlier = old.get(cell.id)
        if recorded == sha256(roles_text(source.source, english_path)) or (
                earlier is not None and recorded == sha256(earlier)
                and plain_math_in_answers(convert_text(earlier, english_path)) == source.source):
            cell.metadata["translation"]["source_sha256"] = now
            count += 1
    return count


#: A ``<details>`` block (a "Check yourself" answer) and TeX math in it.
DETAILS = re.compile(r"<details\b.*?</details>", re.S)
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)
TEX_SYMBOLS = {"times": "×", "cdot": "·", "approx": "≈", "le": "≤", "ge": "≥", "ne": "≠",
               "alpha": "α", "beta": "β", "gamma": "γ", "lambda": "λ", "sigma": "σ",
               "ldots": "…", "cdots": "⋯", "to": "→", "infty": "∞", "pm": "±"}
SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
ROMAN = "\x00"  # marks words set upright (\text, \operatorname) while letters are italicised


def unicode_math(tex: str) -> str:
    """TeX math as text that every renderer shows alike: ``k^2 \\cdot C_\\text{in}`` ->
    ``*k*² · *C*<sub>in</sub>``. Single letters are italic (markdown emphasis), words from
    ``\\text`` and ``\\operatorname`` upright; an unknown command is a ValueError."""
    out = re.sub(r"\\(?:text|operatorname|mathrm)\{([^{}]*)\}",
                 lambda m: ROMAN + m.group(1) + ROMAN, tex)
    while "\\sqrt{" in out:
        out = re.sub(r"\\sqrt\{([^{}]*)\}", lambda m: f"√({m.group(1)})", out)
    out = re.sub(r"\\lfloor\s*", "⌊", out)
    out = re.sub(r"\s*\\rfloor", "⌋", out)
    out = re.sub(r"\^\{?([0-9+-]+)\}?", lambda m: m.group(1).translate(SUPERSCRIPTS), out)
    out = re.sub(r"_(?:\{([^{}]*)\}|(\x00[^\x00]*\x00)|([A-Za-z0-9]))",
                 lambda m: f"<sub>{m.group(1) or m.group(2) or m.group(3)}</sub>", out)

    def symbol(m: re.Match) -> str:
        if m.group(1) not in TEX_SYMBOLS:
            raise ValueError(f"unicode_math: no text form for \\{m.group(1)} in {tex!r}")
        return TEX_SYMBOLS[m.group(1)]

    out = re.sub(r"\\([A-Za-z]+)", symbol, out)
    if "\\" in out or "{" in out or "^" in out:
        raise ValueError(f"unicode_math: cannot write {tex!r} as text")
    out = re.sub(r"(?<= )-(?= )", "−", out)
    # italic single letters (variables), never inside upright words or tags
    out = re.sub(r"(?<![A-Za-z\x00<>/])([A-Za-z])(?![A-Za-z\x00>])", r"*\1*", out)
    return out.replace(ROMAN, "").strip()


def plain_math_in_answers(markdown: str) -> str:
    """TeX math inside ``<details>`` blocks written as text: jupyterlab-myst turns a raw HTML
    block and everything in it into one HTML string, where math stays raw TeX."""
    def answer(block: re.Match) -> str:
        return MATH.sub(lambda m: unicode_math(m.group(1) or m.group(2)), block.group(0))

    return DETAILS.sub(answer, markdown)


def leftover_roles(markdown: str) -> list[str]:
    """Every MyST role still in a markdown text."""
    return [m.group(0) for m in ANY_ROLE.finditer(markdown)]


def convert(notebook: Path, before: str | None = None) -> bool:
    """Rewrite one notebook's markdown cells; True if it changed (then it is written).
    ``before``: see ``restamp`` (Chinese notebooks only)."""
    nb = nbformat.read(notebook, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        new = plain_math_in_answers(convert_text(cell.source, notebook))
        if new != cell.source:
            cell.source, changed = new, True
    if edition_root(notebook) != ROOT and restamp(nb, notebook, before):
        changed = True
    if changed:
        nbformat.write(nb, notebook)
    return changed


def default_notebooks() -> list[Path]:
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("zh/chapters/*.ipynb"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    before = None
    if "--before" in argv:
        at = argv.index("--before")
        before = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    paths = [Path(a) for a in argv if a != "--check"] or default_notebooks()
    status = 0
    for path in paths:
        if check:
            nb = nbformat.read(path, as_version=4)
            left = [r for c in nb.cells if c.cell_type == "markdown"
                    for r in leftover_roles(c.source)]
            if left:
                print(f"{path}: {len(left)} role(s) left, e.g. {left[0]}")
                status = 1
        elif convert(path, before):
            print(f"converted {path}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
