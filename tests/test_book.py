"""The book: strict build (see `built_book` in conftest.py), offline site, figures, buttons.

Tests without `built_book` read only the sources and run in well under a second.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import plotly
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
RENDERER_CALL = "use_book_renderer()"
PLOTLY_JS = "plotly-cartesian.min.js"
# What the cartesian partial bundle can draw (its README); a figure of any other trace type
# would render as an empty box on the site.
CARTESIAN_TRACES = {"scatter", "bar", "box", "heatmap", "histogram", "histogram2d",
                    "histogram2dcontour", "contour", "image", "pie", "violin"}
PLOTLY_DIV = "plotly-graph-div"


# ---------------------------------------------------------------- sources (no build needed)


@cache
def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))


@cache
def toc_files() -> list[str]:
    """Every page of _toc.yml, in order: the root, then each `file:` entry."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [str(Path(f).with_suffix("")) for f in files]


def toc_chapters() -> list[str]:
    """The toc's notebook chapters, e.g. 'chapters/01_whole_picture'."""
    return [f for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


def read_notebook(docname: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


FIGURE_CALL = re.compile(r"\b\w+_figure\(|\bfigures\.\w+_figure\(")


def makes_figures(docname: str) -> bool:
    """A chapter whose code (after the shared setup cell, which every chapter has) calls a
    figure function is a chapter with figures."""
    return any(FIGURE_CALL.search(c.source) for c in code_cells(read_notebook(docname))[1:])


def test_toc_lists_the_chapters_and_references():
    files = toc_files()
    assert files[0] == "intro"
    assert "chapters/01_whole_picture" in files
    assert files[-1] == "references"  # the bibliography closes the book
    assert len(files) == len(set(files)), "a page is listed twice in _toc.yml"


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(CHAPTERS.rglob("*.ipynb"))
    assert notebooks, "no chapter notebooks found"
    dirty = [
        f"{nb_path.relative_to(ROOT)} cell {i}"
        for nb_path in notebooks
        for i, cell in enumerate(nbformat.read(nb_path, as_version=4).cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"strip outputs and execution counts (the build executes): {dirty}"


def test_figure_chapters_set_up_the_renderer_in_a_hidden_first_cell():
    figure_chapters = [d for d in toc_chapters() if makes_figures(d)]
    assert figure_chapters, "no chapter calls use_book_renderer()"
    for docname in figure_chapters:
        first = code_cells(read_notebook(docname))[0]
        assert RENDERER_CALL in first.source, f"{docname}: renderer not set up in cell 1"
        assert "remove-cell" in first.metadata.get("tags", []), f"{docname}: cell 1 not hidden"


def test_repository_url_is_a_single_setting():
    url = book_config()["repository"]["url"]
    assert url.startswith("https://github.com/")
    text = (ROOT / "_config.yml").read_text(encoding="utf8")
    assert text.count(url) == 1, "the repository URL must be given once (repository.url)"


# resnet_lib.render: tests/test_render.py; book_ext: tests/test_book_ext.py


# ---------------------------------------------------------------- the built site


@cache
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


def site_pages(html: Path) -> list[Path]:
    """The site's HTML pages, both editions (the Chinese one under zh/), not the theme's
    template fragments under _static/ nor the in-browser explorer's JupyterLite app under
    lite/ (tests/test_lite.py checks that one)."""
    return sorted(p for p in html.rglob("*.html")
                  if "_static" not in p.relative_to(html).parts
                  and p.relative_to(html).parts[0] != "lite")


def edition_root(html: Path, page: Path) -> Path:
    """The root of the edition ``page`` belongs to: ``html``, or ``html/zh`` (Chinese)."""
    return html / "zh" if page.relative_to(html).parts[0] == "zh" else html


def page_of(html: Path, docname: str) -> Path:
    return html / f"{docname}.html"


def local_target(page: Path, url: str) -> Path:
    """The file a relative URL on `page` points to."""
    return (page.parent / urlsplit(url).path).resolve()


def asset_urls(page_soup: BeautifulSoup) -> list[str]:
    urls = [
        tag["src"] for tag in page_soup.find_all(["script", "img", "iframe", "source"], src=True)
    ]
    urls += [tag["href"] for tag in page_soup.find_all("link", href=True)]
    return urls


def test_every_toc_entry_has_a_page(built_book):
    for docname in toc_files():
        page = page_of(built_book.html, docname)
        assert page.is_file(), f"{docname} is in _toc.yml but {page.name} was not built"
        assert soup(page).find("h1"), f"{page} has no title"


def test_figure_chapters_show_plotly_figures(built_book):
    for docname in toc_chapters():
        if makes_figures(docname):
            figures = soup(page_of(built_book.html, docname)).select(f"div.{PLOTLY_DIV}")
            assert figures, f"{docname} sets up the renderer but its page has no figure"


def test_pages_load_nothing_from_another_host(built_book):
    remote = []
    for page in site_pages(built_book.html):
        for url in asset_urls(soup(page)):
            parts = urlsplit(url)
            if parts.scheme not in ("", "data") or parts.netloc:
                remote.append(f"{page.relative_to(built_book.html)}: {url}")
    assert not remote, "\n".join(remote)


def test_stylesheets_import_nothing_from_another_host(built_book):
    remote_url = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*(?:https?:)?//", re.I)
    offenders = [
        str(css.relative_to(built_book.html))
        for css in (built_book.html / "_static").rglob("*.css")
        if remote_url.search(css.read_text(encoding="utf8", errors="replace"))
    ]
    assert not offenders, offenders


def test_plotly_js_is_served_once_and_only_where_figures_are(built_book):
    html = built_book.html
    copies = sorted((html / "_static").rglob("plotly*.js"))
    assert [p.relative_to(html).as_posix() for p in copies] == [f"_static/{PLOTLY_JS}"]
    # The partial bundle is the same plotly.js version as the one inside the Python package.
    installed = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    version = re.compile(rb"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)")  # "plotly.js (cartesian...) v4"
    served = version.search(copies[0].read_bytes()[:400])
    assert served and served.group(1) == version.search(installed.read_bytes()[:400]).group(1)
    assert copies[0].stat().st_size < installed.stat().st_size / 2  # really the partial bundle

    with_figures, loading_plotly = set(), set()
    for page in site_pages(html):
        page_soup = soup(page)
        if page_soup.select(f"div.{PLOTLY_DIV}"):
            with_figures.add(page)
        for script in page_soup.find_all("script", src=True):
            if urlsplit(script["src"]).path.endswith(PLOTLY_JS):
                # each edition serves its own copy (the Chinese one from zh/_static/)
                served_copy = edition_root(html, page) / "_static" / PLOTLY_JS
                assert local_target(page, script["src"]) == served_copy.resolve()
                # deferred: the text paints before plotly.js (1.5 MB) has loaded
                assert script.has_attr("defer") and not script.has_attr("async")
                loading_plotly.add(page)
    assert with_figures, "no page has a plotly figure"
    assert loading_plotly == with_figures


def test_no_page_inlines_plotly_js(built_book):
    for page in site_pages(built_book.html):
        text = page.read_text(encoding="utf8")
        assert "* plotly.js v" not in text, f"{page} inlines plotly.js"


def test_math_is_typeset_at_build_time_and_no_page_loads_mathjax(built_book):
    """book_ext.render_math typesets every formula into the pages (CommonHTML plus MathML
    for screen readers); no page runs MathJax, and the formulas' stylesheet and fonts are
    local."""
    html = built_book.html
    pages_with_math = 0
    for page in site_pages(html):
        page_soup = soup(page)
        scripts = [s.get("src", "") + s.get_text() for s in page_soup.find_all("script")]
        assert not [s for s in scripts if "mathjax" in s.lower()], f"{page} runs MathJax"
        formulas = page_soup.select(".math")
        if formulas:
            pages_with_math += 1
            untypeset = [str(f)[:80] for f in formulas if not f.select_one("mjx-container")]
            assert not untypeset, f"{page}: {untypeset}"
            css = [link["href"] for link in page_soup.find_all("link", href=True)
                   if "mathjax-chtml.css" in link["href"]]
            assert len(css) == 1 and local_target(page, css[0]).is_file(), f"{page}: {css}"
    assert pages_with_math, "no page has math; the math set-up is untested"
    fonts = list((html / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
    assert fonts, "MathJax's fonts were not copied"


def test_no_thebe_and_no_duplicate_declarations(built_book):
    declaration = re.compile(r"^\s*(?:const|let)\s+([A-Za-z_$][\w$]*)", re.M)
    for page in site_pages(built_book.html):
        page_soup = soup(page)
        assert len(page_soup.select('script[type="text/x-thebe-config"]')) <= 1, page
        names = [
            name
            for script in page_soup.find_all("script", src=False)
            for name in declaration.findall(script.string or "")
        ]
        repeated = {n for n in names if names.count(n) > 1}
        assert not repeated, f"{page}: declared twice (a console error): {repeated}"


def test_no_ipywidgets_javascript(built_book):
    for page in site_pages(built_book.html):
        page_soup = soup(page)
        assert not page_soup.select('script[type="application/vnd.jupyter.widget-state+json"]')
        for script in page_soup.find_all("script", src=True):
            assert not re.search(r"require(\.min)?\.js|embed-amd|html-manager", script["src"])


def test_launch_links_use_the_repository_url(built_book):
    config = book_config()
    repo_url, branch = config["repository"]["url"], config["repository"]["branch"]
    slug = urlsplit(repo_url).path.strip("/")
    binder = config["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    for docname in toc_chapters():
        page_soup = soup(page_of(built_book.html, docname))
        hrefs = [a["href"] for a in page_soup.find_all("a", href=True)]
        assert repo_url in hrefs, f"{docname}: no repository button"
        assert any(
            h.startswith(f"{binder}/v2/gh/{slug}/{branch}?") and f"{docname}.ipynb" in h
            for h in hrefs
        ), f"{docname}: no Binder link"
        assert f"{colab}/github/{slug}/blob/{branch}/{docname}.ipynb" in hrefs, (
            f"{docname}: no Colab link"
        )


def test_chapter_pages_offer_the_notebook_download(built_book):
    for docname in toc_chapters():
        page = page_of(built_book.html, docname)
        links = [
            a["href"]
            for a in soup(page).find_all("a", href=True)
            if urlsplit(a["href"]).path.endswith(f"_sources/{docname}.ipynb")
        ]
        assert links, f"{docname}: no .ipynb download"
        downloaded = nbformat.read(local_target(page, links[0]), as_version=4)
        assert len(downloaded.cells) == len(read_notebook(docname).cells)


def test_wide_outputs_scroll_in_their_own_box(built_book):
    css = built_book.html / "_static" / "resnet-book.css"
    rule = re.search(r"div\.cell_output pre\s*\{([^}]*)\}", css.read_text(encoding="utf8"))
    assert rule and "overflow-x: auto" in rule.group(1) and "white-space: pre;" in rule.group(1)
    for page in site_pages(built_book.html):
        if page.name == "index.html" and page.parent == edition_root(built_book.html, page):
            continue  # an edition's redirect to its root page
        links = [link["href"] for link in soup(page).find_all("link", href=True)]
        assert any("resnet-book.css" in href for href in links), f"{page} lacks resnet-book.css"


def test_chapters_install_resnet_lib_from_the_configured_repository_when_missing():
    """Colab opens a chapter alone: its hidden setup cell installs resnet_lib from the
    repository that _config.yml names (the launch buttons' repository), nowhere else."""
    url = book_config()["repository"]["url"]
    for docname in toc_chapters():
        if not docname.startswith("chapters/"):
            continue
        setup = code_cells(read_notebook(docname))[0].source
        installs = re.findall(r"git\+(https://\S+?)[\"'\s]", setup)
        assert installs == [url], (docname, installs)
        assert "except ModuleNotFoundError" in setup, docname


def test_the_book_builds_with_the_network_cut(built_book):
    """As root (CI here) the session's one build ran in a network namespace with only
    loopback: no chapter, extension or package fetched anything while building."""
    if os.geteuid() != 0 and not built_book.offline:
        pytest.skip("cutting the network needs root (unshare --net); the build ran online")
    assert built_book.offline, "the build could not be run with the network cut"
