"""The lite edition: the live explorer in the reader's browser (JupyterLite, Pyodide).

Fast tests: the lite renderer and notebook (no build). Book tests: the built lite site holds
no source map and points only at itself. The browser test opens the lite notebook from the
built site in headless Chromium with every non-local request blocked, runs it, drives the
live widget and checks the drawn labels against ``stage_table``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from resnet_lib import render
from resnet_lib.analysis import stage_table
from resnet_lib.explorer import STAGES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_lite  # noqa: E402

sys.path.insert(0, str(ROOT))
import book_ext  # noqa: E402

#: Seconds for the kernel to start and the notebook to run (17-30 s on a 2-core machine).
RUN_TIMEOUT_MS = 240_000
SHOT = ROOT / "_build" / "screenshots" / "lite-explorer.png"
DARK_SHOT = SHOT.with_name("lite-explorer-dark.png")


@pytest.fixture
def in_pyodide(monkeypatch):
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.delenv(render.BOOK_BUILD_ENV, raising=False)
    before = pio.renderers.default
    yield
    pio.renderers.default = before


def test_in_the_browser_the_book_renderer_picks_the_lite_one(in_pyodide):
    render.use_book_renderer()
    assert pio.renderers.default == render.LITE_RENDERER_NAME


def test_the_lite_renderer_shows_plotly_json_with_the_book_config(in_pyodide, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append((obj, raw)))
    # plotly refuses its own mime-type renderers without nbformat (absent in Pyodide)
    monkeypatch.setattr("plotly.io._renderers.nbformat", None)
    render.use_book_renderer()
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "Two bars"}})
    fig.show()
    [(bundle, raw)] = shown
    assert raw is True
    spec = bundle[render.PLOTLY_MIMETYPE]
    assert spec["data"][0]["y"] == [1, 2] and spec["data"][0]["type"] == "bar"
    assert spec["config"]["displaylogo"] is False and spec["layout"]["dragmode"] is False
    assert bundle["text/plain"] == "<plotly Figure 'Two bars' (1 bar trace)>"
    # no light background of plotly's default template: Lab's light or dark one shows
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "white"
    assert spec["layout"]["paper_bgcolor"] == spec["layout"]["plot_bgcolor"] == "rgba(0,0,0,0)"
    # ... and a figure's own background is kept
    fig.update_layout(paper_bgcolor="#fafafa")
    assert render.LiteRenderer().mimebundle(fig)[render.PLOTLY_MIMETYPE]["layout"][
        "paper_bgcolor"] == "#fafafa"


def test_the_lite_site_follows_the_readers_light_or_dark_setting(tmp_path):
    themes = build_lite.SETTINGS_OVERRIDES["@jupyterlab/apputils-extension:themes"]
    assert themes == {"adaptive-theme": True}
    page = tmp_path / "lab" / "index.html"
    page.parent.mkdir()
    page.write_text("<html><head><title>x</title></head><body></body></html>")
    build_lite.link_stylesheet(page, build_lite.DARK_FIGURES_CSS)
    assert '<link rel="stylesheet" href="../dark-figures.css">\n</head>' in page.read_text()
    assert (tmp_path / "dark-figures.css").read_text() == build_lite.DARK_FIGURES_CSS.read_text()
    (tmp_path / "bad.html").write_text("<html><body></body></html>")
    with pytest.raises(SystemExit, match="no </head>"):
        build_lite.link_stylesheet(tmp_path / "bad.html", build_lite.DARK_FIGURES_CSS)


def test_the_lite_notebook_installs_the_library_from_the_site_and_keeps_the_rest():
    chapter = ROOT / "chapters" / "06_explorer.ipynb"
    book = json.loads(chapter.read_text())
    lite = build_lite.lite_notebook(chapter)
    setup = lite.cells[1].source
    assert "%pip install -q resnet_lib" in setup and "git+" not in setup
    assert setup.rstrip().endswith("use_book_renderer()")
    assert 'set_language("en")' in setup
    assert [c.id for c in lite.cells] == [c["id"] for c in book["cells"]]
    assert [c.source for c in lite.cells[2:]] == ["".join(c["source"]) for c in book["cells"][2:]]


def test_a_setup_cell_without_its_last_lines_is_refused():
    with pytest.raises(SystemExit, match="set_language"):
        build_lite.lite_setup_source("import resnet_lib\n")


@pytest.fixture(scope="module")
def lite_site(built_book) -> Path:
    site = built_book.html / build_lite.LITE_DIR
    assert (site / build_lite.LITE_APP / "index.html").is_file(), "no lite site in the book"
    return site


@pytest.mark.book
def test_the_lite_site_ships_no_source_maps_its_own_pyodide_and_dark_mode(lite_site):
    assert not list(lite_site.rglob("*.map"))
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"].startswith("./") and kernel["disablePyPIFallback"] is True
    assert config["settingsOverrides"]["@jupyterlab/apputils-extension:themes"][
        "adaptive-theme"] is True
    assert '<link rel="stylesheet" href="../dark-figures.css">' in (
        lite_site / build_lite.LITE_APP / "index.html").read_text()
    assert (lite_site / "dark-figures.css").is_file()
    lock = json.loads((lite_site / "static" / "pyodide-lock" / "pyodide-lock.json").read_text())
    for name, pkg in lock["packages"].items():
        assert not urlsplit(pkg["file_name"]).netloc, (name, pkg["file_name"])
        wheel = (lite_site / "static" / "pyodide-lock" / pkg["file_name"]).resolve()
        assert wheel.is_file(), (name, pkg["file_name"])


#: For each figure drawn in the page (jupyterlab-plotly's .jp-RenderedPlotly): the colour it is
#: drawn on (its first opaque background, the figure's own or Lab's) and the contrast of its
#: least readable text on it (WCAG 2 ratio). Text inside bars and hover labels is left out:
#: plotly.js gives it black or white by the colour under it.
FIGURE_COLOURS_JS = """() => {
  const rgba = (c) => { const m = c.match(/[\\d.]+/g).map(Number);
                        return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = (c) => { const [r, g, b] = rgba(c).slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const drawnOn = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor; if (rgba(c)[3] > 0.5) return c; }
    return "rgb(255, 255, 255)"; };
  return Array.from(document.querySelectorAll(".jp-RenderedPlotly")).map((fig) => {
    const background = drawnOn(fig.querySelector(".main-svg"));
    const texts = Array.from(fig.querySelectorAll(".main-svg text")).filter((t) =>
      t.textContent.trim() && !t.closest(".hoverlayer") && !t.classList.contains("bartext-inside"));
    const worst = texts.map((t) => ({text: t.textContent, fill: getComputedStyle(t).fill,
                                     contrast: ratio(getComputedStyle(t).fill, background)}))
      .sort((a, b) => a.contrast - b.contrast)[0];
    return {background, luminance: lum(background), texts: texts.length, worst};
  });
}"""


def check_figure_colours(page, dark: bool) -> None:
    """Every figure drawn on a dark (``dark``) or light background, its text readable."""
    theme = page.evaluate("document.body.dataset.jpThemeName")
    assert theme == ("JupyterLab Dark" if dark else "JupyterLab Light")
    figures = page.evaluate(FIGURE_COLOURS_JS)
    assert len(figures) >= 5, figures  # the static and live explorers and three figures
    for fig in figures:
        assert fig["texts"] and fig["worst"]["contrast"] >= 4.5, fig
        assert (fig["luminance"] < 0.05) if dark else (fig["luminance"] > 0.8), fig


def run_all_cells(page, url: str) -> None:
    """Open the lite notebook at ``url``, run every cell, wait for the last one."""
    page.set_default_timeout(RUN_TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_selector(".js-plotly-plot", state="attached")  # the first figure
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))"
        ".map(p => p.textContent.trim()).filter(t => t)"
        ".every(t => /^\\[\\d+\\]:$/.test(t))")


def block_foreign(context, base: str, foreign: list[str]) -> None:
    """Abort (and record in ``foreign``) every request not to ``base``'s host."""
    def route(r) -> None:
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == urlsplit(base).netloc:
            r.continue_()
        else:
            foreign.append(url)
            r.abort()

    context.route("**/*", route)


def expected_shapes(arch: str, size: int, stem: str) -> list[str]:
    rows = {r.name: r for r in stage_table(arch, size, stem=stem)}
    return [f"{rows[n].channels}×{rows[n].height}×{rows[n].width}" for n in STAGES]


@pytest.mark.book
@pytest.mark.browser
def test_the_live_explorer_runs_in_the_browser_with_no_server(built_book, lite_site):
    from browser import chromium, serve

    SHOT.parent.mkdir(parents=True, exist_ok=True)
    foreign: list[str] = []
    errors: list[str] = []
    with serve(built_book.html) as base, chromium(color_scheme="light") as context:
        block_foreign(context, base, foreign)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            run_all_cells(page, f"{base}/{build_lite.lite_url()}")
        finally:
            page.screenshot(path=str(SHOT))  # what the reader saw when the run ended
        failed = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        assert not failed.count(), failed.all_text_contents()
        check_figure_colours(page, dark=False)
        explorer = page.locator(".widget-vbox", has=page.locator(".widget-toggle-buttons")).first
        explorer.scroll_into_view_if_needed()

        def drawn_labels(arch: str, size: int, stem: str) -> list[str]:
            want = expected_shapes(arch, size, stem)
            try:
                page.wait_for_function(
                    "([sel, want]) => JSON.stringify(Array.from(document.querySelectorAll(sel))"
                    ".map(e => e.textContent).filter(s => s.includes('×')))"
                    " === JSON.stringify(want)",
                    arg=[".widget-vbox .js-plotly-plot .bartext", want], timeout=60_000)
            except Exception:
                pass  # the assertion says what was drawn instead
            texts = explorer.locator(".js-plotly-plot .bartext").all_text_contents()
            return [t for t in texts if "×" in t]

        assert drawn_labels("resnet50", 224, "imagenet") == expected_shapes("resnet50", 224,
                                                                             "imagenet")
        explorer.locator("select").select_option(label="ResNet-18")
        assert drawn_labels("resnet18", 224, "imagenet") == expected_shapes("resnet18", 224,
                                                                             "imagenet")
        size = explorer.locator(".widget-text input")
        size.fill("97")
        size.press("Enter")
        assert drawn_labels("resnet18", 97, "imagenet") == expected_shapes("resnet18", 97,
                                                                            "imagenet")
        explorer.locator(".widget-toggle-button", has_text="CIFAR stem").click()
        assert drawn_labels("resnet18", 97, "cifar") == expected_shapes("resnet18", 97, "cifar")
    assert not foreign, f"the lite site asked for non-local resources: {foreign}"
    assert not errors, f"uncaught errors in the lite page: {errors}"


@pytest.mark.book
@pytest.mark.browser
def test_in_dark_mode_the_lite_notebook_and_its_figures_are_dark_and_readable(built_book,
                                                                             lite_site):
    from browser import chromium, serve

    foreign: list[str] = []
    with serve(built_book.html) as base, chromium(color_scheme="dark") as context:
        block_foreign(context, base, foreign)
        page = context.new_page()
        run_all_cells(page, f"{base}/{build_lite.lite_url()}")
        check_figure_colours(page, dark=True)
        DARK_SHOT.parent.mkdir(parents=True, exist_ok=True)
        page.locator(".jp-RenderedPlotly").first.screenshot(path=str(DARK_SHOT))
    assert not foreign, f"the lite site asked for non-local resources: {foreign}"


@pytest.mark.book
def test_the_explorer_chapter_links_to_the_lite_notebook_and_loads_none_of_it(built_book,
                                                                              lite_site):
    # the Chinese edition's page where the build made one (html/zh/, see book_ext)
    pages = {"en": ("chapters/06_explorer.html", "../", "explorer.ipynb",
                    "Run live in your browser — no install"),
             "zh": ("zh/chapters/06_explorer.html", "../../", "zh/explorer.ipynb",
                    "在浏览器中实时运行——无需安装")}
    for language, (path, to_root, notebook, button) in pages.items():
        if language != "en" and not (built_book.html / path).is_file():
            continue
        page = (built_book.html / path).read_text()
        link = f'href="{to_root}{build_lite.lite_url(notebook)}"'
        assert link in page and button in page, path
        # ... and so does the launch menu; nothing of the lite site is loaded by the page
        # itself: both are plain links
        menu = re.search(r'<div class="dropdown dropdown-launch-buttons">.*?</ul>', page, re.S)
        assert menu and link in menu[0] and book_ext.LITE_LAUNCH_TEXT[language] in menu[0]
        assert page.count(f"{build_lite.LITE_DIR}/") == 2, path
        assert len(re.findall(rf'<a [^>]*href="[^"]*{build_lite.LITE_DIR}/', page)) == 2, path


@pytest.mark.parametrize(("source", "to_root", "url", "text"), [
    ("chapters/06_explorer.ipynb", "../", "../lite/lab/index.html?path=explorer.ipynb",
     "Run live in your browser (no install)"),
    ("zh/chapters/06_explorer.ipynb", "../../",
     "../../lite/lab/index.html?path=zh/explorer.ipynb", "在浏览器中实时运行（无需安装）"),
])
def test_the_launch_menu_offers_the_lite_notebook_of_each_chapter_the_lite_site_carries(
        source, to_root, url, text):
    button = book_ext.lite_launch_button(source, to_root)
    assert button["type"] == "link" and button["url"] == url and button["text"] == text
    assert book_ext.lite_launch_button("chapters/07_table1.ipynb", "../") is None
    assert set(book_ext.LITE_LAUNCH_TEXT) == {"en", "zh"}


def test_the_launch_menu_entry_is_added_to_the_themes_launch_group_only():
    class App:  # what add_lite_launch_button reads of Sphinx
        srcdir = ROOT

        class env:
            @staticmethod
            def doc2path(docname):
                return ROOT / f"{docname}.ipynb"

    for pagename, url in [("chapters/06_explorer", "../lite/lab/index.html?path=explorer.ipynb"),
                          ("zh/chapters/06_explorer",
                           "../../lite/lab/index.html?path=zh/explorer.ipynb")]:
        launch = {"type": "group", "label": "launch-buttons", "buttons": [{"url": "binder"}]}
        context = {"header_buttons": [{"label": "download-buttons", "buttons": []}, launch]}
        book_ext.add_lite_launch_button(App, pagename, "page.html", context, None)
        assert [b["url"] for b in launch["buttons"]] == ["binder", url]
        assert context["header_buttons"][0]["buttons"] == []
    # the Chinese edition built as a book of its own (from zh/, into html/zh/): one more level
    App.srcdir = ROOT / "zh"
    App.env.doc2path = staticmethod(lambda docname: ROOT / "zh" / f"{docname}.ipynb")
    launch = {"type": "group", "label": "launch-buttons", "buttons": []}
    book_ext.add_lite_launch_button(App, "chapters/06_explorer", "page.html",
                                    {"header_buttons": [launch]}, None)
    assert launch["buttons"][0]["url"] == "../../lite/lab/index.html?path=zh/explorer.ipynb"
    # a page with no launch menu (not a notebook) gets none
    context = {"header_buttons": []}
    book_ext.add_lite_launch_button(App, "intro", "page.html", context, None)
    assert context == {"header_buttons": []}
