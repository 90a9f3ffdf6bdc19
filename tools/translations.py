"""The Chinese edition's notebooks and pages, kept in step with the English ones.

Layout: the English book is at the repository root; the Chinese one under ``zh/`` with the
same file names (``zh/chapters/03_stages.ipynb`` translates ``chapters/03_stages.ipynb``).

A Chinese notebook has exactly the English notebook's cells, in the same order and with the
same cell ids. Its code cells are the English code cells, copied (never translated), except
that the language setting reads ``"zh"`` instead of ``"en"``. Each markdown cell is a
translation and records in ``metadata.translation.source_sha256`` the SHA-256 of the English
cell it was translated from. When the English cell changes, that hash no longer matches and
the translation is stale (``status`` and ``tests/test_translations.py`` name it).

A Chinese markdown page (``zh/intro.md``, ``zh/glossary.md``, ...) starts with one line
``<!-- translation-of: intro.md sha256: <hex> -->`` recording the English page it translates.

Commands (run from the repository root with the project's Python):

    extract chapters/03_stages.ipynb          # the English markdown cells, as JSON to translate
    apply chapters/03_stages.ipynb zh.json     # write zh/chapters/03_stages.ipynb from
                                              # {cell id: Chinese markdown} (every markdown cell)
    sync                                      # copy code cells (and new cells) from English into
                                              # every Chinese notebook; translations untouched
    status                                    # list stale or missing translations; exit 1 if any
    stamp zh/chapters/03_stages.ipynb CELL_ID # after updating a translation: record the current
                                              # English cell as its source
    stamp-page zh/intro.md                    # the same for a markdown page
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ZH = ROOT / "zh"
LANG_EN = 'set_language("en")'
LANG_ZH = 'set_language("zh")'
PAGE_HEADER = re.compile(r"\A<!-- translation-of: (\S+) sha256: ([0-9a-f]{64}) -->\n")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_zh_code(source: str) -> str:
    """An English code cell as it stands in the Chinese notebook: only the language differs."""
    return source.replace(LANG_EN, LANG_ZH)


def zh_path(en: Path) -> Path:
    return ZH / en.resolve().relative_to(ROOT)


def en_path(zh: Path) -> Path:
    return ROOT / zh.resolve().relative_to(ZH)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def stamped(cell: nbformat.NotebookNode, english: str) -> None:
    cell.metadata["translation"] = {"source_sha256": sha256(english)}


def extract(en: Path) -> list[dict]:
    return [{"id": c.id, "source": c.source} for c in read(en).cells if c.cell_type == "markdown"]


def apply(en: Path, translations: dict[str, str]) -> Path:
    nb = read(en)
    missing = [c.id for c in nb.cells if c.cell_type == "markdown" and c.id not in translations]
    if missing:
        raise SystemExit(f"{en}: no translation for markdown cells {missing}")
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            english = cell.source
            cell.source = translations[cell.id]
            stamped(cell, english)
        elif cell.cell_type == "code":
            cell.source = to_zh_code(cell.source)
    target = zh_path(en)
    write(out, target)
    return target


def problems(zh: Path) -> list[str]:
    """What is wrong with one Chinese notebook or page, as readable lines (empty: up to date)."""
    en = en_path(zh)
    name = zh.relative_to(ROOT)
    if not en.exists():
        return [f"{name}: no English original {en.relative_to(ROOT)}"]
    if zh.suffix == ".md":
        m = PAGE_HEADER.match(zh.read_text(encoding="utf-8"))
        if not m:
            return [f"{name}: first line must be <!-- translation-of: ... sha256: ... -->"]
        if m.group(2) != sha256(en.read_text(encoding="utf-8")):
            return [f"{name}: stale, {en.relative_to(ROOT)} changed since it was translated"]
        return []
    english, chinese = read(en), read(zh)
    out = []
    if [c.id for c in english.cells] != [c.id for c in chinese.cells]:
        out.append(f"{name}: cells differ from the English notebook's "
                   f"(ids {[c.id for c in english.cells]} vs {[c.id for c in chinese.cells]});"
                   " run `tools/translations.py sync`")
        return out
    for i, (e, z) in enumerate(zip(english.cells, chinese.cells, strict=True)):
        where = f"{name} cell {i} (id {e.id})"
        if e.cell_type != z.cell_type:
            out.append(f"{where}: {z.cell_type} here, {e.cell_type} in English")
        elif e.cell_type == "code" and z.source != to_zh_code(e.source):
            out.append(f"{where}: code differs from the English cell; run `sync`")
        elif e.cell_type == "markdown":
            recorded = z.metadata.get("translation", {}).get("source_sha256")
            if recorded is None:
                out.append(f"{where}: not translated")
            elif recorded != sha256(e.source):
                out.append(f"{where}: stale, the English cell changed since it was translated")
    return out


def chinese_files() -> list[Path]:
    return sorted(p for p in ZH.rglob("*") if p.suffix in (".ipynb", ".md")
                  and "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts
                  and p.name != "README.md")


def sync() -> None:
    for zh in chinese_files():
        if zh.suffix != ".ipynb":
            continue
        english, chinese = read(en_path(zh)), read(zh)
        old = {c.id: c for c in chinese.cells}
        cells = []
        for e in english.cells:
            z = old.get(e.id)
            if e.cell_type == "code":
                cell = copy.deepcopy(e)
                cell.source = to_zh_code(e.source)
            elif z is not None and z.cell_type == e.cell_type:
                cell = z
                cell.metadata = {**copy.deepcopy(e.metadata),
                                 "translation": z.metadata.get("translation", {})}
            else:
                cell = copy.deepcopy(e)  # a new English cell: English until translated
            cells.append(cell)
        chinese.cells = cells
        chinese.metadata = copy.deepcopy(english.metadata)
        write(chinese, zh)


def stamp(zh: Path, cell_id: str) -> None:
    english = {c.id: c for c in read(en_path(zh)).cells}
    chinese = read(zh)
    for cell in chinese.cells:
        if cell.id == cell_id:
            stamped(cell, english[cell_id].source)
            write(chinese, zh)
            return
    raise SystemExit(f"{zh}: no cell with id {cell_id}")


def stamp_page(zh: Path) -> None:
    en = en_path(zh)
    text = PAGE_HEADER.sub("", zh.read_text(encoding="utf-8"))
    header = (f"<!-- translation-of: {en.relative_to(ROOT)} "
              f"sha256: {sha256(en.read_text(encoding='utf-8'))} -->\n")
    zh.write_text(header + text, encoding="utf-8")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "extract":
        print(json.dumps(extract(Path(args[0])), ensure_ascii=False, indent=1))
    elif cmd == "apply":
        translations = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        print(apply(Path(args[0]), translations).relative_to(ROOT))
    elif cmd == "sync":
        sync()
    elif cmd == "status":
        found = [line for zh in chinese_files() for line in problems(zh)]
        print("\n".join(found) or "every translation is up to date")
        return 1 if found else 0
    elif cmd == "stamp":
        stamp(Path(args[0]), args[1])
    elif cmd == "stamp-page":
        stamp_page(Path(args[0]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
