"""The Chinese edition (zh/): complete, in step with the English book, and published with it.

The format (tools/translations.py): a Chinese notebook has the English notebook's cells, same
order and ids; its code cells are the English ones except ``set_language("en")`` ->
``set_language("zh")``; each markdown cell records the SHA-256 of the English cell it
translates (``metadata.translation.source_sha256``); a Chinese markdown page starts with
``<!-- translation-of: PAGE sha256: HEX -->``. The expected values here are computed with
hashlib and plain string operations, not with the tool's own functions.

Without the built book: every page translated, code identical, no stale cell, glossary terms
defined, the generated configuration. With it (``book`` marker): every Chinese page built,
``<html lang>``, the language switch both ways, launch buttons on the Chinese notebooks, the
Chinese search index.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
ZH = ROOT / "zh"
HEADER = re.compile(r"\A<!-- translation-of: (\S+) sha256: ([0-9a-f]{64}) -->\n")
CJK = re.compile(r"[\u4e00-\u9fff]")


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


editions = load_tool("editions")


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def source_file(folder: Path, docname: str) -> Path | None:
    for ext in (".ipynb", ".md"):
        if (folder / f"{docname}{ext}").is_file():
            return folder / f"{docname}{ext}"
    return None


PAGES = toc_files()
NOTEBOOKS = [p for p in PAGES if source_file(ROOT, p).suffix == ".ipynb"]
MD_PAGES = [p for p in PAGES if source_file(ROOT, p).suffix == ".md"]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chinese(docname: str) -> Path:
    """The Chinese source of ``docname``; fails with "translation missing" when absent."""
    english = source_file(ROOT, docname)
    path = ZH / english.relative_to(ROOT)
    if not path.is_file():
        pytest.fail(f"translation missing: {path.relative_to(ROOT)} (the Chinese edition of "
                    f"{english.relative_to(ROOT)}; see tools/translations.py)", pytrace=False)
    return path


@cache
def notebooks(docname: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    return (nbformat.read(ROOT / f"{docname}.ipynb", as_version=4),
            nbformat.read(chinese(docname), as_version=4))


def prose(markdown: str) -> str:
    """What a reader reads in a markdown cell: without code, math, directives' options,
    link targets, HTML tags, roles' targets and labels."""
    text = re.sub(r"```.*?```|~~~.*?~~~", " ", markdown, flags=re.S)  # fences (incl. directives)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)|<[^>]+>|^\s*:\w+:.*$|^\s*\(.*\)=\s*$", " ", text, flags=re.M)
    return text


def needs_translation(english_markdown: str) -> bool:
    """A cell with English words for a reader (not only code, math, a label or a link)."""
    return len(re.findall(r"[A-Za-z]{3,}", prose(english_markdown))) >= 3


# --- (c) every page has a Chinese counterpart, and reads as Chinese ------------------------

def test_the_chinese_toc_is_the_english_one_with_chinese_captions():
    config, toc = editions.zh_config()
    english = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    assert toc["root"] == english["root"]
    assert [[c["file"] for c in p["chapters"]] for p in toc["parts"]] == \
        [[c["file"] for c in p["chapters"]] for p in english["parts"]]
    for zh_part, en_part in zip(toc["parts"], english["parts"], strict=True):
        assert CJK.search(zh_part["caption"]), f"caption {en_part['caption']!r} not in Chinese"
    assert config["sphinx"]["config"]["language"] == "zh_CN"
    assert config["repository"]["path_to_book"] == "zh"
    assert CJK.search(config["title"])
    # everything else is the English configuration (one fact, one place)
    english_config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    assert config["repository"]["url"] == english_config["repository"]["url"]
    assert config["launch_buttons"] == english_config["launch_buttons"]
    assert config["sphinx"]["config"]["extensions"] == english_config["sphinx"]["config"][
        "extensions"]
    for path in (config["html"]["favicon"], *config["bibtex_bibfiles"],
                 *config["sphinx"]["config"]["templates_path"],
                 *config["sphinx"]["local_extensions"].values()):
        assert Path(path).is_absolute() and Path(path).exists(), path


def test_merge_keeps_what_the_override_does_not_name():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert editions.merge(base, {"a": {"c": [3]}, "e": 2}) == \
        {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}  # not modified


@pytest.mark.parametrize("docname", MD_PAGES)
def test_every_markdown_page_is_translated(docname):
    text = chinese(docname).read_text(encoding="utf-8")
    match = HEADER.match(text)
    assert match, f"zh/{docname}.md: first line must be <!-- translation-of: ... -->"
    assert match.group(1) == f"{docname}.md"
    body = text[match.end():]
    english = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    assert len(CJK.findall(prose(body))) > len(re.findall(r"[A-Za-z]{3,}", prose(english))), (
        f"zh/{docname}.md: reads as English (little Chinese text): translation missing")


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_every_markdown_cell_is_translated(docname):
    english, zh = notebooks(docname)
    assert [c.id for c in zh.cells] == [c.id for c in english.cells], (
        f"zh/{docname}.ipynb: not the English notebook's cells (run tools/translations.py sync)")
    untranslated = [
        f"cell {i} (id {e.id})"
        for i, (e, z) in enumerate(zip(english.cells, zh.cells, strict=True))
        if e.cell_type == "markdown" and needs_translation(e.source)
        and (z.source == e.source or not CJK.search(prose(z.source)))
    ]
    assert not untranslated, f"zh/{docname}.ipynb: translation missing in {untranslated}"


# --- (a) same code, same numbers ----------------------------------------------------------

@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_code_cells_are_the_english_ones_but_for_the_language(docname):
    english, zh = notebooks(docname)
    en_code = [c for c in english.cells if c.cell_type == "code"]
    zh_code = [c for c in zh.cells if c.cell_type == "code"]
    assert len(zh_code) == len(en_code), f"zh/{docname}.ipynb: {len(zh_code)} code cells, " \
        f"English has {len(en_code)}"
    assert 'set_language("zh")' in zh_code[0].source, \
        f"zh/{docname}.ipynb: the setup cell does not set the language to Chinese"
    for i, (e, z) in enumerate(zip(en_code, zh_code, strict=True)):
        assert z.source == e.source.replace('set_language("en")', 'set_language("zh")'), (
            f"zh/{docname}.ipynb code cell {i} (id {e.id}) differs from the English cell "
            "beyond the language (run tools/translations.py sync)")
        assert z.metadata.get("tags", []) == e.metadata.get("tags", []), (
            f"zh/{docname}.ipynb code cell {i} (id {e.id}): tags differ")


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_chinese_notebooks_are_stored_without_outputs(docname):
    _, zh = notebooks(docname)
    with_outputs = [i for i, c in enumerate(zh.cells)
                    if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not with_outputs, f"zh/{docname}.ipynb: code cells {with_outputs} have outputs"


# --- (b) no stale translation ---------------------------------------------------------------

@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_no_translated_cell_is_stale(docname):
    english, zh = notebooks(docname)
    stale = []
    for i, (e, z) in enumerate(zip(english.cells, zh.cells, strict=True)):
        if e.cell_type != "markdown":
            continue
        recorded = z.metadata.get("translation", {}).get("source_sha256")
        if recorded is None:
            stale.append(f"cell {i} (id {e.id}): no source_sha256 (never translated)")
        elif recorded != sha256(e.source):
            stale.append(f"cell {i} (id {e.id}): the English cell changed since it was "
                         f"translated; update the translation, then "
                         f"`tools/translations.py stamp zh/{docname}.ipynb {e.id}`")
    assert not stale, f"zh/{docname}.ipynb: stale translation:\n" + "\n".join(stale)


@pytest.mark.parametrize("docname", MD_PAGES)
def test_no_translated_page_is_stale(docname):
    match = HEADER.match(chinese(docname).read_text(encoding="utf-8"))
    assert match, f"zh/{docname}.md: no translation-of header"
    assert match.group(2) == sha256((ROOT / f"{docname}.md").read_text(encoding="utf-8")), (
        f"zh/{docname}.md: stale translation: {docname}.md changed since it was translated; "
        f"update it, then `tools/translations.py stamp-page zh/{docname}.md`")


def test_the_stale_check_notices_a_changed_english_cell(tmp_path):
    """The check above would fail: a recorded hash of other text is not the cell's hash."""
    cell = nbformat.v4.new_markdown_cell("The stem halves the image twice.")
    recorded = sha256(cell.source)
    cell.source += " Then four stages follow."
    assert recorded != sha256(cell.source)


# --- (d) glossary terms -----------------------------------------------------------------------

def glossary_terms(path: Path) -> set[str]:
    """The terms a ``{glossary}`` block defines: its unindented lines."""
    text = path.read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, f"{path.relative_to(ROOT)}: no glossary block"
    return {line.strip() for line in block.group(1).splitlines()
            if line.strip() and not line.startswith((" ", "\t", ":"))}


def term_targets(text: str) -> set[str]:
    """Targets of ``{term}`text <target>``` and ``{term}`target``` roles."""
    out = set()
    for role in re.findall(r"\{term\}`([^`]+)`", text):
        m = re.search(r"<([^>]+)>\s*$", role)
        out.add((m.group(1) if m else role).strip())
    return out


def test_every_term_of_the_chinese_edition_is_in_its_glossary():
    defined = {t.lower() for t in glossary_terms(chinese("glossary"))}
    english = {t.lower() for t in glossary_terms(ROOT / "glossary.md")}
    missing_keys = english - defined
    assert not missing_keys, f"zh/glossary.md lacks the English terms {sorted(missing_keys)}"
    unknown = {}
    for docname in PAGES:
        path = chinese(docname)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells
                             if c.cell_type == "markdown")
        bad = {t for t in term_targets(text) if t.lower() not in defined}
        if bad:
            unknown[docname] = sorted(bad)
    assert not unknown, f"{{term}} targets not in zh/glossary.md: {unknown}"


# --- the built site: both editions ------------------------------------------------------------

def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


def resolve(page: Path, href: str) -> Path:
    return (page.parent / href.split("#")[0].split("?")[0]).resolve()


def test_every_chinese_page_is_built_and_declares_its_language(built_book):
    for docname in PAGES:
        zh_page, en_page = built_book.zh / f"{docname}.html", built_book.html / f"{docname}.html"
        assert zh_page.is_file(), f"zh/{docname}.html was not built"
        assert soup(zh_page).html["lang"] == "zh-CN", f"zh/{docname}.html: <html lang>"
        assert soup(en_page).html["lang"] == "en", f"{docname}.html: <html lang>"


def test_the_language_switch_leads_to_the_same_page_in_the_other_edition(built_book):
    for docname in [*PAGES, "search", "genindex"]:
        for site, other, lang in ((built_book.html, built_book.zh, "zh-CN"),
                                  (built_book.zh, built_book.html, "en")):
            page = site / f"{docname}.html"
            links = soup(page).select("a.rb-language-switch")
            assert len(links) == 1, f"{page}: {len(links)} language switches"
            link = links[0]
            assert link["hreflang"] == lang and link["lang"] == lang
            assert resolve(page, link["href"]) == (other / f"{docname}.html").resolve(), (
                f"{page.relative_to(built_book.html)}: the switch leads to {link['href']}")


def test_launch_buttons_open_the_chinese_notebooks(built_book):
    for docname in NOTEBOOKS:
        page = built_book.zh / f"{docname}.html"
        hrefs = [a["href"] for a in soup(page).find_all("a", href=True)]
        launch = [h for h in hrefs if "mybinder" in h or "colab" in h]
        assert launch, f"zh/{docname}.html: no launch buttons"
        for href in launch:
            assert f"zh/{docname}.ipynb" in href, f"zh/{docname}.html: {href}"
        downloads = [h for h in hrefs if h.endswith(f"_sources/{docname}.ipynb")]
        assert downloads, f"zh/{docname}.html: no .ipynb download"
        downloaded = nbformat.read(resolve(page, downloads[0]), as_version=4)
        setup = next(c for c in downloaded.cells if c.cell_type == "code")
        assert 'set_language("zh")' in setup.source, f"zh/{docname}.html: download"


def test_the_chinese_search_index_has_chinese_words(built_book):
    """Sphinx indexes Chinese words only when jieba splits them (sphinx/search/zh.py)."""
    text = (built_book.zh / "searchindex.js").read_text(encoding="utf8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    for word in ("残差", "瓶颈", "步幅", "特征"):
        assert word in index["terms"], f"{word} is not in the Chinese search index"
