"""The chapters' prose: sentences are checked like numbers.

Every chapter, the introduction and the glossary are read as text (the notebooks' markdown
cells). The tests fail when

- a sentence that an audit found wrong (docs/claims.md) comes back, in any of its known
  phrasings;
- a "Check yourself" answer is not hidden in a ``<details>`` block that Jupyter, Colab and the
  book all render closed, or is not followed by a hidden cell that checks it;
- a term is linked to the glossary but the glossary does not define it, or a chapter defines a
  term inline again instead of linking it;
- a citation key is missing from references.bib;
- a chapter's markdown holds MyST role syntax (``{cite}``, ``{doc}``, ``{term}``...), which
  JupyterLab cannot resolve and Colab shows raw: chapters use the portable links of
  ``tools/portable_markup.py``, which the book turns back into roles (the checks below read
  the text as the book parses it);
- the claims audit's summary counts disagree with its own table.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from book_ext import portable_roles  # noqa: E402  (the repository root is not installed)

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [ROOT / "intro.md", ROOT / "glossary.md"]


def stored_markdown(path: Path) -> str:
    """A notebook's markdown cells as stored (what JupyterLab and Colab render)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def markdown(path: Path) -> str:
    """A page's markdown as the book parses it (a notebook's portable links as roles)."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    return portable_roles(stored_markdown(path))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def src(cell: dict) -> str:
    return "".join(cell["source"])


ALL_TEXT = {p.name: markdown(p) for p in [*PAGES, *CHAPTERS]}


def flat(text: str) -> str:
    """Collapse line breaks and runs of spaces, so a phrase split over lines still matches."""
    return re.sub(r"\s+", " ", text)


# Sentences the claims audit (docs/claims.md) found wrong, with the phrasings a later edit is
# likely to reintroduce. Each entry: (regular expression, what was wrong).
BANNED = [
    (r"one rule shapes all four", "layer1 neither halves nor doubles (ResNet-34)"),
    (r"each new stage halves the height", "false for layer1"),
    (r"every stage halves", "false for layer1"),
    (r"downsamples in exactly three places", "three inside the body, five from the input"),
    (r"five layers have stride 2", "eight stride-2 modules: the projections count too"),
    (r"most tools (today )?count a multiplication and an addition as two",
     "fvcore, thop, ptflops and torchvision count one per multiply-add"),
    (r"tools that count \"?flops\"? today", "conventions differ by tool"),
    (r"their totals are twice the paper's", "only for tools that count two per multiply-add"),
    (r"torchvision2010", "Marcel & Rodriguez 2010 is about Lua Torch's vision package"),
    (r"reaches \$x\$ unchanged, however many blocks", "exact only without the ReLU after the "
     "addition (Identity Mappings, Eqs. 4-5)"),
    (r"the paper puts (the|its) stride", "the paper's text does not say which conv; its "
     "released models put it on the first 1x1"),
    (r"in the paper's bottleneck, the first block", "the placement is the released models'"),
    (r"as the paper does; this form", "the placement is the released models'"),
    (r"one reason torchvision moved", "torchvision states no such reason"),
    (r"he et al\.,? \(?2015\)?", "the CVPR paper is 2016 (arXiv 2015); cite it one way"),
    (r"usually limits the batch size", "not measured or sourced"),
    (r"countless models|the standard baseline in computer vision", "unsourced"),
    (r"the name stuck because", "a guess about history"),
    (r"it must have done both", "only if its counts are ours (a hypothesis)"),
    (r"used by many cifar training scripts", "unsourced count"),
    (r"which helps large-batch training", "Goyal et al. use it; they do not isolate it so"),
    (r"keeps the signals of every layer in a healthy range", "misquotes Sec. 4.1"),
    (r"\(resnet v2\)", "not the paper's name"),
    (r"by a roughly constant factor per layer", "not measured"),
    (r"residual nets start with `zero_init_residual=true`", "the confounded experiment"),
    (r"tiny imagenet images are", "unsourced"),
    (r"is therefore \*not\* the explanation", "the paper says 'unlikely', and leaves the cause "
     "open"),
]


@pytest.mark.parametrize("pattern, why", BANNED, ids=[b[0][:40] for b in BANNED])
def test_known_wrong_sentences_do_not_come_back(pattern, why):
    hits = [name for name, text in ALL_TEXT.items()
            if re.search(pattern, flat(text), flags=re.I)]
    assert not hits, f"{hits}: {why}"


def test_the_banned_list_catches_the_old_sentences():
    # The list must match the sentences it was written for (verbatim from before the audit).
    old = [
        "One rule shapes all four: **each new stage halves the height and the width",
        "ResNet downsamples in exactly three places: the first block",
        "Five layers have stride 2: the stem's 7×7 convolution",
        "Most tools today count a multiplication and an addition as two",
        "torchvision's implementation {cite}`torchvision2010`, so what",
        "The $1$ is a path along which the gradient reaches $x$ unchanged, however many blocks",
        "The paper puts the stride 2 on the first 1×1 convolution",
    ]
    for sentence in old:
        assert any(re.search(p, flat(sentence), flags=re.I) for p, _ in BANNED), sentence


# --- answers: hidden everywhere, one toggle in the book, checked by code --------------------

DETAILS = re.compile(r"<details>\n<summary>Answers?</summary>\n\n(.+?)\n\n</details>", re.S)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_answer_is_a_closed_details_block_checked_by_a_hidden_cell(path):
    nb = cells(path)
    text = markdown(path)
    assert ":class: dropdown" not in text and "{admonition}" not in text
    assert "<details open" not in text
    start = next(i for i, c in enumerate(nb) if "## Check yourself" in src(c))
    answers = [i for i, c in enumerate(nb[start:], start)
               if c["cell_type"] == "markdown" and DETAILS.search(src(c))]
    assert 2 <= len(answers) <= 4
    for i in answers:
        assert src(nb[i]).count("<details>") == src(nb[i]).count("</details>") == 1
        assert DETAILS.search(src(nb[i])).group(1).strip()  # a real answer inside
        checks = []  # the code cells between this answer and the next markdown cell
        for cell in nb[i + 1:]:
            if cell["cell_type"] != "code":
                break
            checks.append(cell)
        assert checks and any("assert" in src(c) for c in checks)
        for check in checks:
            # remove-cell: the book shows one toggle (the answer), not a second code toggle.
            assert check["metadata"]["tags"] == ["remove-cell"]
            # In JupyterLab the check (which would give the answer away) starts collapsed.
            assert check["metadata"]["jupyter"] == {"source_hidden": True,
                                                    "outputs_hidden": True}
    tags = [t for c in nb for t in c.get("metadata", {}).get("tags", [])]
    assert "hide-cell" not in tags


# The two cost chapters' exercises are readings of the page's own figures; every other chapter
# has at least one exercise that asks for a reason, a prediction or a construction.
REASONING = [p for p in CHAPTERS if p.stem not in ("06_explorer", "09_cost")]


@pytest.mark.parametrize("path", REASONING, ids=[p.stem for p in REASONING])
def test_chapters_have_explain_or_build_exercises_not_only_recall(path):
    text = markdown(path)
    assert re.search(r"\*\*\d\. (Explain why|Predict|Build it)", text), path.stem


def test_duplicated_questions_are_gone():
    ch = {p.stem: flat(markdown(p)) for p in CHAPTERS}
    # "one position in four" was asked in chapter 4 and chapter 8
    assert "fraction of the input positions" not in ch["04_blocks"]
    assert "what fraction of its input" not in ch["08_myths"]
    # layer3 / conv4_x at 448 was asked in chapter 1 and chapter 7
    assert "448 × 448 image?" not in ch["07_table1"]


# --- glossary: one definition, linked from the chapters ---------------------------------------


def glossary_terms() -> set[str]:
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return {line.strip().lower() for line in block.splitlines()
            if line.strip() and not line.startswith((" ", "\t"))}


TERM = re.compile(r"\{term\}`(?:[^`<]*<([^>`]+)>|([^`]+))`")


def test_glossary_defines_the_terms_the_issue_names():
    terms = glossary_terms()
    for term in ("stride", "padding", "mac", "flop", "parameter", "receptive field", "block",
                 "stage", "layer", "projection", "bn", "batch normalization", "kernel",
                 "channel", "feature map", "shortcut", "downsampling", "total stride"):
        assert term in terms, term


def test_every_term_link_has_a_glossary_entry():
    terms = glossary_terms()
    for name, text in ALL_TEXT.items():
        for a, b in TERM.findall(text):
            target = (a or b).strip().lower()
            assert target in terms, (name, target)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_each_chapter_links_the_glossary(path):
    assert TERM.search(markdown(path)), path.stem


# Inline re-definitions that the glossary replaced.
REDEFINITIONS = [
    r"a \*\*parameter\*\* is",
    r"the \*\*stride\*\* is",
    r"a convolution's \*\*stride\*\*",
    r"\*\*padding\*\*: zeros added",
    r"a \*\*multiply-add\*\* \(mac\) is",
    r"the \*\*receptive field\*\* of",
    r"a \*\*projection shortcut\*\* is",
    r"\(\*\*bn\*\*, which rescales",
]


@pytest.mark.parametrize("pattern", REDEFINITIONS)
def test_terms_are_not_redefined_inline(pattern):
    hits = [name for name, text in ALL_TEXT.items()
            if name != "glossary.md" and re.search(pattern, flat(text), flags=re.I)]
    assert not hits, hits


def test_chapter_1_defines_bn_and_receptive_field_before_using_them():
    text = flat(markdown(ROOT / "chapters" / "01_whole_picture.ipynb"))
    first_bn = re.search(r"batch normali[sz]ation|\bBN\b", text)
    assert first_bn and text[first_bn.start() - 7:first_bn.start()] == "{term}`", text[
        first_bn.start() - 40:first_bn.end() + 10]
    first_rf = text.lower().index("receptive field")
    assert text[first_rf - 7:first_rf] == "{term}`"
    # ... and it is linked before the diagram whose hover shows it.
    nb = cells(ROOT / "chapters" / "01_whole_picture.ipynb")
    diagram = next(i for i, c in enumerate(nb) if "resnet_diagram_figure(" in src(c)
                   and c["cell_type"] == "code")
    before = portable_roles(flat(" ".join(src(c) for c in nb[:diagram]
                                          if c["cell_type"] == "markdown")))
    assert "{term}`receptive field`" in before


def test_receptive_fields_larger_than_the_image_are_explained_where_they_appear():
    text = flat(markdown(ROOT / "chapters" / "01_whole_picture.ipynb")).lower()
    assert "padding" in text and "whole image" in text
    assert "larger than the image" in flat(markdown(ROOT / "glossary.md")).lower()


# --- citations -------------------------------------------------------------------------------


def test_every_citation_key_is_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    for name, text in ALL_TEXT.items():
        for group in re.findall(r"\{cite\}`([^`]+)`", text):
            for key in group.split(","):
                assert key.strip() in keys, (name, key)


def test_torchvision_is_cited_as_pytorchs_torchvision():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert "torchvision2010" not in bib and "Marcel" not in bib
    entry = bib.split("{torchvision2016,", 1)[1].split("\n}", 1)[0]
    assert "github.com/pytorch/vision" in entry and "2016" in entry
    assert "torchvision2016" in markdown(ROOT / "intro.md")


def test_degradation_is_attributed_to_its_first_reports():
    # He et al.: "as reported in [11, 42] and thoroughly verified by our experiments".
    for page in ("01_whole_picture", "05_skip_connections"):
        text = markdown(ROOT / "chapters" / f"{page}.ipynb")
        assert "he2015constrained" in text and "srivastava2015highway" in text, page


# --- the claims audit ------------------------------------------------------------------------


def test_claims_audit_table_and_its_summary_agree():
    text = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    rows = [r for r in text.splitlines() if re.match(r"\| ?[A-Z]?\d+[a-z]? ?\|", r)]
    verdicts = [r.rstrip(" |").rsplit("|", 1)[-1].strip().split()[0].lower() for r in rows]
    assert len(rows) >= 150
    assert set(verdicts) <= {"holds", "corrected", "qualified", "removed"}
    summary = re.search(r"(\d+) claims checked: (\d+) hold, (\d+) corrected, (\d+) qualified, "
                        r"(\d+) removed", text)
    assert summary, "the summary line is missing"
    total, *counts = map(int, summary.groups())
    assert total == len(rows)
    assert counts == [verdicts.count(v) for v in ("holds", "corrected", "qualified", "removed")]
    # Every page of the book appears in the table.
    for page in ["intro", *[p.stem for p in CHAPTERS]]:
        assert page in text, page


def test_claims_audit_is_not_part_of_the_book():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "docs/claims" not in toc and "glossary" in toc


# --- numbers that the prose carries in words ---------------------------------------------------


def test_chapter_1_receptive_field_words_match_the_library():
    from resnet_lib import stage_table

    rf = {r.name: r.receptive_field for r in stage_table("resnet34", 224)}
    text = flat(markdown(ROOT / "chapters" / "01_whole_picture.ipynb"))
    # "from `layer3` on a window spans more than 224 pixels"
    assert "from `layer3` on a window spans more than 224" in text
    assert rf["layer2"] <= 224 < rf["layer3"] < rf["layer4"] < rf["avgpool"]
    # "`layer4`'s receptive field ... is about four times the width of the image"
    assert "about four times the width of the image" in text
    assert round(rf["layer4"] / 224) == 4


# --- markup that reads well in the book, JupyterLab and Colab ---------------------------------

ROLE = re.compile(r"\{[A-Za-z][\w:-]*\}`")  # any MyST role: {cite}`, {doc}`, {term}`, {ref}`...


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapters_hold_no_role_syntax_that_lab_and_colab_show_raw(path):
    left = ROLE.findall(stored_markdown(path))
    assert not left, (f"{path.name}: {len(left)} MyST role(s); run "
                      "`.venv/bin/python tools/portable_markup.py` to write them as links")


DOC_LINK = re.compile(r"\]\(([^)#\s:]+\.ipynb)\)")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_links_point_to_chapters_of_the_book(path):
    """A link to another chapter names a notebook that is in the table of contents."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for target in DOC_LINK.findall(stored_markdown(path)):
        file = (path.parent / target).resolve()
        assert file.is_file(), (path.name, target)
        assert f"file: {file.relative_to(ROOT).with_suffix('').as_posix()}\n" in toc, target


def test_portable_links_round_trip_to_the_books_roles():
    """Hand-written examples: the tool writes links, book_ext reads them back as roles."""
    import portable_markup

    chapter = ROOT / "chapters" / "04_blocks.ipynb"
    cases = {
        "see {cite}`he2016deep`.": "see [\\[He et al. 2016\\]](../references.md#he2016deep).",
        "{cite}`thop,ptflops`": "[\\[THOP contributors 2025; Sovrasov 2024\\]]"
                                "(../references.md#thop,ptflops)",
        "{term}`stride`": "[stride](../glossary.md#term-stride)",
        "{term}`feature maps <feature map>`": "[feature maps](../glossary.md#term-feature%20map)",
        "{doc}`next chapter <05_skip_connections>`": "[next chapter](05_skip_connections.ipynb)",
    }
    for role, link in cases.items():
        assert portable_markup.convert_text(role, chapter) == link
        if "{doc}" not in role:  # myst-parser resolves .ipynb links itself
            assert portable_roles(link) == role
    # a {doc} link without text takes the target chapter's title
    assert portable_markup.convert_text("{doc}`03_stages`", chapter) == \
        "[The four stages \\[3, 4, 6, 3\\]](03_stages.ipynb)"
    # idempotent: converted text is left alone
    once = portable_markup.convert_text("A {term}`stage` {cite}`he2016deep`", chapter)
    assert portable_markup.convert_text(once, chapter) == once
    with pytest.raises(ValueError, match="nosuchkey"):
        portable_markup.convert_text("{cite}`nosuchkey`", chapter)


def test_translations_made_before_the_conversion_are_restamped_not_made_stale():
    """A Chinese cell stamped with the English cell as it read with roles gets the converted
    cell's stamp (only the markup changed); a cell stamped with other text stays stale."""
    import copy
    import hashlib

    import nbformat
    import portable_markup

    english_path = ROOT / "chapters" / "04_blocks.ipynb"
    english = nbformat.read(english_path, as_version=4)
    # the text before the conversion, as the previous commit of this chapter had it
    assert "(see {doc}`03_stages`)" in "".join(
        portable_markup.roles_text(c.source, english_path) for c in english.cells)
    chinese = copy.deepcopy(english)
    cells = [c for c in chinese.cells if c.cell_type == "markdown" and "](" in c.source][:2]
    assert len(cells) == 2
    digest = lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()  # noqa: E731
    old = portable_markup.roles_text(cells[0].source, english_path)
    cells[0].metadata["translation"] = {"source_sha256": digest(old)}
    cells[1].metadata["translation"] = {"source_sha256": digest("some other English text")}
    zh = ROOT / "zh" / "chapters" / "04_blocks.ipynb"
    assert portable_markup.restamp(chinese, zh) == 1
    assert cells[0].metadata["translation"]["source_sha256"] == digest(cells[0].source)
    assert cells[1].metadata["translation"]["source_sha256"] == digest("some other English text")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_answers_hold_no_tex_that_jupyterlab_myst_would_leave_raw(path):
    for block in re.findall(r"<details\b.*?</details>", stored_markdown(path), re.S):
        assert "$" not in block and not re.search(r"\\[A-Za-z]", block), (path.name, block[:300])


def test_tex_in_answers_becomes_text_math():
    """Hand-written expectations for the forms the answers used."""
    from portable_markup import plain_math_in_answers, unicode_math

    assert unicode_math(r"256 \times 14 \times 14") == "256 × 14 × 14"
    assert unicode_math(r"\lfloor (225 + 6 - 7)/2 \rfloor + 1") == "⌊(225 + 6 − 7)/2⌋ + 1"
    assert unicode_math(r"4 \times 2^3 = 32") == "4 × 2³ = 32"
    assert unicode_math(r"k^2 \cdot C_\text{in} \cdot H") == "*k*² · *C*<sub>in</sub> · *H*"
    assert unicode_math(r"\operatorname{relu}(\text{shortcut}(x))") == "relu(shortcut(*x*))"
    assert unicode_math(r"\sqrt{2 / 2304} \approx 0.0295") == "√(2 / 2304) ≈ 0.0295"
    assert unicode_math("c^2 + 2c") == "*c*² + 2*c*"
    with pytest.raises(ValueError, match="frac"):
        unicode_math(r"\frac{1}{2}")
    # only answers change; math elsewhere stays TeX (MyST renders it in Lab, Colab and the book)
    text = "$a \\times b$\n\n<details>\n<summary>Answer</summary>\n\n$a \\times b$\n\n</details>"
    assert plain_math_in_answers(text) == \
        "$a \\times b$\n\n<details>\n<summary>Answer</summary>\n\n*a* × *b*\n\n</details>"


def test_translations_of_answers_with_tex_are_restamped_given_the_old_revision(monkeypatch):
    """TeX in answers cannot be rebuilt from today's text; with ``--before REV`` the English
    cell at REV (here written out by hand instead of read from git) stands in for it."""
    import copy
    import hashlib

    import nbformat
    import portable_markup

    english_path = ROOT / "chapters" / "01_whole_picture.ipynb"
    english = nbformat.read(english_path, as_version=4)
    cell = next(c for c in english.cells if "256 × 14 × 14 for 224" in c.source)
    old = (cell.source.replace("256 × 14 × 14", "$256 \\times 14 \\times 14$")
           .replace("256 × 28 × 28", "$256 \\times 28 \\times 28$"))
    assert "$" in old and old != cell.source
    digest = lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()  # noqa: E731
    chinese = copy.deepcopy(english)
    zh_cell = next(c for c in chinese.cells if c.id == cell.id)
    zh_cell.metadata["translation"] = {"source_sha256": digest(old)}
    zh = ROOT / "zh" / "chapters" / "01_whole_picture.ipynb"
    assert portable_markup.restamp(chinese, zh) == 0  # without the old revision: stays stale
    monkeypatch.setattr(portable_markup, "english_at", lambda rev, path: {cell.id: old})
    assert portable_markup.restamp(chinese, zh, before="REV") == 1
    assert zh_cell.metadata["translation"]["source_sha256"] == digest(cell.source)
