"""book_ext: the book's own Sphinx extension. The built site loads nothing from another host.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). Everything third-party that the site
serves comes from ``node_modules/``, installed before the build by ``npm ci`` from the
committed ``package-lock.json`` (npm checks each tarball's integrity; the Makefile runs it).
The build itself reads files only: it runs with the network cut in ``make test``.

What the extension does, one function each (every function says why):

- ``configure``: serve plotly.js's cartesian bundle and MathJax from ``_static/``; let the
  chapters' kernels know they run inside the book build.
- ``add_page_assets``: number the page's figures (``number_figures``); load plotly.js
  (deferred) and the figure loader only on pages with a figure; the stylesheet of the
  typeset formulas (and no MathJax script) on pages with math; sphinx-design's files only on
  pages with its components; no widget state.
- ``copy_mathjax``, ``render_math`` and ``write_icons``, after the pages are written:
  MathJax's fonts and every formula typeset into the pages (no MathJax runs in the browser),
  and ``icons.css`` with exactly the Font Awesome icons the pages use, drawn from the SVG
  files of the pinned ``@fortawesome/fontawesome-free`` package.
- ``portable_roles``, as each notebook is read: the chapters' citation and glossary links
  (written so that JupyterLab and Colab can read them, see ``tools/portable_markup.py``)
  become ``{cite}`` and ``{term}`` roles again, so the book keeps numbered citations, its
  bibliography page and glossary links.
- ``add_language_switch``: on every page of each edition (English at the site's root,
  Chinese under ``zh/``), a link to the same page in the other edition (``EDITIONS``),
  drawn by ``_templates/language-switch.html``.
- ``add_lite_launch_button``: on the chapters the lite edition carries (tools/build_lite.py's
  ``NOTEBOOKS``), one more entry in sphinx-book-theme's launch menu, a plain link to the
  chapter's lite notebook (nothing of the lite site loads before it is followed).
- ``BookHTMLTranslator``: bibliography entries without the ARIA roles that docutils adds;
  ``visit_hide_cell``: "Show code cell content" toggles named by what they show.

Theme changes that are plain HTML live in ``_templates/`` (see the comments there), the
book's CSS and scripts in ``book_ext/static/``. The folder is deliberately not called
``_static``: Jupyter Book adds every ``.js`` in a ``_static`` folder of the book to every page.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import quote

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.writers.html5 import HTML5Translator

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
OWN_STATIC = HERE / "static"
NODE_MODULES = REPO_ROOT / "node_modules"

#: plotly.js's official "cartesian" partial bundle (scatter, bar, heatmap, box, histogram,
#: contour, pie, violin, image): 1.5 MB instead of the full bundle's 4.8 MB. Its version must
#: equal the plotly.js the Python plotly was made for (``configure`` checks it).
PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min"
PLOTLY_JS = "plotly-cartesian.min.js"  # served as _static/plotly-cartesian.min.js
#: Trace types the cartesian bundle can draw; tests check every figure uses only these.
PLOTLY_BUNDLE_TRACES = frozenset({
    "scatter", "bar", "box", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
    "contour", "image", "pie", "violin",
})
PLOTLY_DIV_CLASS = "plotly-graph-div"
FIGURES_JS = "book-figures.js"  # draws each figure from its JSON; follows light/dark mode
MATH_CLASS = 'class="math notranslate nohighlight'  # how Sphinx marks a formula
RENDER_MATH_JS = HERE / "render_math.js"  # typesets every formula at build time (Node)
MATH_CSS = "mathjax-chtml.css"  # _static/: the typeset formulas' stylesheet
CSS_FILE = "resnet-book.css"
ICONS_CSS = "icons.css"
FONTAWESOME = NODE_MODULES / "@fortawesome" / "fontawesome-free"

MATHJAX = NODE_MODULES / "mathjax" / "es5"
MATHJAX_DIR = "mathjax"  # -> _static/mathjax/
MATHJAX_ENTRY = "tex-chtml.js"
#: What the pages need of MathJax at run time: only the fonts of the formulas, which
#: ``render_math`` typesets when the book is built (no MathJax script runs in the browser).
MATHJAX_KEEP = ("output/chtml/fonts/woff-v2",)

WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
BOOK_BUILD_ENV = "RESNET_BOOK_BUILD"  # read by resnet_lib.render.in_book_build()
NPM_HINT = "run `npm ci` (or `make setup`) in the repository root first"

#: The two editions, by Sphinx ``language``: where the OTHER edition's root is, seen from
#: this edition's root (the Chinese site is the English one's ``zh/``, tools/editions.py),
#: and how the link to it is labelled (in the other edition's language, as language
#: switches are: a reader who cannot read this page can read its label).
EDITIONS = {
    "en": {"other_root": "zh/", "hreflang": "zh-CN", "label": "中文",
           "title": "本页的中文版"},
    "zh_CN": {"other_root": "../", "hreflang": "en", "label": "English",
              "title": "This page in English"},
}


def setup(app: Sphinx) -> dict:
    # A digest of what this extension serves, as an "html" config value: when it changes,
    # Sphinx rewrites every page and copies the static files again (without it, an edited
    # CSS file would not reach _static after a build with no changed page).
    app.add_config_value("book_ext_assets_digest", "", "html")
    app.set_translator("html", BookHTMLTranslator)
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell, depart_HideCellInput))
    app.connect("config-inited", configure)
    app.connect("source-read", read_portable_roles)
    # after myst-nb's handler (priority 500), which adds the page's widget state
    app.connect("html-page-context", add_page_assets, priority=900)
    app.connect("html-page-context", add_language_switch)
    # after sphinx-book-theme's launch buttons (priority 501)
    app.connect("html-page-context", add_lite_launch_button, priority=900)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", render_math)
    app.connect("build-finished", write_icons)
    app.add_css_file(CSS_FILE)
    app.add_css_file(ICONS_CSS)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}


def configure(app: Sphinx, config: Config) -> None:
    """Static files, the local MathJax, and the environment the build kernels inherit.

    The kernels that myst-nb starts inherit ``RESNET_BOOK_BUILD=1`` (so the chapters'
    ``use_book_renderer()`` picks the book's renderer) and the repository root on
    ``PYTHONPATH`` (so ``import resnet_lib`` works from ``chapters/`` before any install).
    """
    bundle = NODE_MODULES / PLOTLY_PACKAGE / PLOTLY_JS
    for needed in (bundle, MATHJAX / MATHJAX_ENTRY, FONTAWESOME / "svgs"):
        if not needed.exists():
            raise ExtensionError(f"book_ext: {needed} is missing; {NPM_HINT}.")
    wanted, have = plotly_js_version(), npm_version(PLOTLY_PACKAGE)
    if wanted != have:
        raise ExtensionError(
            f"book_ext: the installed Python plotly was made for plotly.js {wanted}, but "
            f"package.json pins {PLOTLY_PACKAGE} {have}; make them agree (package.json, then "
            "`npm install --package-lock-only`)."
        )
    config.html_static_path = [*config.html_static_path, str(OWN_STATIC), str(bundle)]
    config.mathjax_path = f"{MATHJAX_DIR}/{MATHJAX_ENTRY}"
    config.book_ext_assets_digest = assets_digest()

    os.environ[BOOK_BUILD_ENV] = "1"
    root = str(REPO_ROOT)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])


#: ``[\\[He et al. 2016\\]](../references.md#he2016deep)``: a citation (keys after the ``#``).
PORTABLE_CITE = re.compile(
    r"\[\\\[(?:\\.|[^\]\\])*\\\]\]\((?:\.{1,2}/)*references\.md#([^)\s]+)\)")
#: ``[stages](../glossary.md#term-stage)``: a glossary term (URL-quoted after ``#term-``).
PORTABLE_TERM = re.compile(
    r"\[((?:\\.|[^\]\\])*)\]\((?:\.{1,2}/)*glossary\.md#term-([^)\s]+)\)")


def portable_roles(markdown: str) -> str:
    """A chapter's markdown with its portable citation and glossary links written as the
    ``{cite}`` and ``{term}`` roles that ``tools/portable_markup.py`` replaced."""
    from urllib.parse import unquote

    def term(match: re.Match) -> str:
        text = re.sub(r"\\(.)", r"\1", match.group(1))
        target = unquote(match.group(2))
        return f"{{term}}`{text}`" if text == target else f"{{term}}`{text} <{target}>`"

    markdown = PORTABLE_CITE.sub(lambda m: f"{{cite}}`{m.group(1)}`", markdown)
    return PORTABLE_TERM.sub(term, markdown)


def read_portable_roles(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: apply ``portable_roles`` to every markdown cell of a notebook."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(source[0])
    changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new = portable_roles(text)
        if new != text:
            cell["source"], changed = new, True
    if changed:
        source[0] = json.dumps(notebook, ensure_ascii=False)


def plotly_js_version() -> str:
    """The plotly.js version the installed Python plotly was made for."""
    import plotly

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    match = re.search(rb"plotly\.js v(\d+\.\d+\.\d+)", full.read_bytes()[:400])
    return match.group(1).decode() if match else "unknown"


def npm_version(package: str) -> str:
    """The version of an installed npm package (from its package.json)."""
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def assets_digest() -> str:
    import hashlib

    digest = hashlib.sha256((REPO_ROOT / "package-lock.json").read_bytes())
    for path in sorted(OWN_STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(OWN_STATIC).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def add_page_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Give each page only the scripts and styles it uses.

    - plotly.js (1.5 MB) and ``book-figures.js`` only on pages with a figure, both
      ``defer``: the text paints before plotly.js has loaded, and the figures (a ``<div>``
      of reserved height plus the figure as JSON, see ``resnet_lib.render``) are drawn by
      ``book-figures.js`` once it has.
    - on pages with math: the stylesheet of the formulas, which ``render_math`` typesets when
      the book is built, and no MathJax script (the text paints with its formulas laid out:
      no reflow, no layout shift, nothing hidden while a script typesets).
    - sphinx-design adds its CSS and JS to every page; kept only where a page has one of its
      components (``sd-`` classes).
    - myst-nb embeds the ipywidgets state in pages whose (removed) outputs held widgets; the
      book loads no widget manager (``nb_ipywidgets_js: {}``), so that JSON is dead weight.
    """
    body = context["body"] = number_figures(context.get("body", ""))
    if MATH_CLASS in body:
        app.add_css_file(MATH_CSS)
    if PLOTLY_DIV_CLASS in body:
        app.add_js_file(PLOTLY_JS, loading_method="defer")
        app.add_js_file(FIGURES_JS, loading_method="defer")
    uses_design = re.search(r'class="([^"]* )?sd-', body) is not None
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files is None:
            continue
        files[:] = [
            f for f in files
            if getattr(f, "attributes", {}).get("type") != WIDGET_STATE_TYPE
            and (uses_design or not re.search(r"(sphinx-design|design-tabs)", str(f)))
            and not (key == "script_files" and is_mathjax(f))
        ]


def edition(language: str | None) -> dict:
    """The ``EDITIONS`` entry of a Sphinx ``language`` (``None`` or ``"en"``: English)."""
    key = language or "en"
    if key not in EDITIONS:
        raise ExtensionError(f"book_ext: no edition for language {key!r}; "
                             f"EDITIONS has {sorted(EDITIONS)}")
    return EDITIONS[key]


def language_switch_href(language: str | None, pagename: str) -> str:
    """The relative URL of ``pagename`` in the other edition, from ``pagename`` in this one:
    ``chapters/03_stages`` -> ``../zh/chapters/03_stages.html`` (English) or
    ``../../chapters/03_stages.html`` (Chinese). Every page exists in both editions (the
    Chinese table of contents is the English one, tools/editions.py)."""
    up = "../" * pagename.count("/")
    return f"{up}{edition(language)['other_root']}{pagename}.html"


def add_language_switch(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """``language_switch`` for ``_templates/language-switch.html``: where the same page is in
    the other edition, in which language, and the link's label."""
    info = edition(app.config.language)
    context["language_switch"] = {
        "href": language_switch_href(app.config.language, pagename),
        "hreflang": info["hreflang"], "label": info["label"], "title": info["title"],
    }

#: The empty number of a figure's caption, as ``resnet_lib.render`` writes it.
FIGURE_NUMBER = re.compile(r'<span class="figure-number" data-format="([^"]*)"></span>')


def number_figures(body: str) -> str:
    """Number the figures of a page 1, 2, ... in the order they appear: each caption's
    ``<span class="figure-number" data-format="Figure {n}.">`` gets its text ("Figure 1.").
    The format comes from the chapter's kernel, in the chapter's language."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        count += 1
        label = match.group(1).replace("{n}", str(count))
        return match.group(0).replace("></span>", f">{label}</span>")

    return FIGURE_NUMBER.sub(number, body)


def is_mathjax(asset: object) -> bool:
    """A script of MathJax's that Sphinx adds to pages with math (the script, its config)."""
    body = str(getattr(asset, "attributes", {}).get("body", "") or "")
    return "mathjax" in str(asset).lower() or "MathJax" in body


def render_math(app: Sphinx, exception: Exception | None) -> None:
    """Typeset every formula of the written pages with MathJax in Node (``render_math.js``):
    CommonHTML with a hidden MathML copy for screen readers, written into the pages, and
    ``_static/mathjax-chtml.css``. A formula MathJax cannot parse fails the build."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = sorted(str(p) for p in outdir.rglob("*.html")
                   if MATH_CLASS in p.read_text(encoding="utf8", errors="ignore"))
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("book_ext: Node.js (`node`) is needed to typeset the book's math; "
                             "install it (it comes with npm)")
    done = subprocess.run([node, str(RENDER_MATH_JS), str(NODE_MODULES),
                           str(outdir / "_static" / MATH_CSS), *pages],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ExtensionError(f"book_ext: typesetting the math failed:\n{done.stderr.strip()}")


#: The launch menu's entry for the lite notebook, by the edition's language (a Chinese page's
#: source lies under zh/, tools/translations.py).
LITE_LAUNCH_TEXT = {"en": "Run live in your browser (no install)",
                    "zh": "在浏览器中实时运行（无需安装）"}
LITE_LAUNCH_ICON = "fas fa-play"
LAUNCH_GROUP = "launch-buttons"  # sphinx-book-theme's label for its launch dropdown


@cache
def build_lite():
    """tools/build_lite.py as a module: where the lite site lies and which chapters it
    carries are written there once (it is a script, not a package, hence the loader)."""
    spec = importlib.util.spec_from_file_location("build_lite", REPO_ROOT / "tools" /
                                                  "build_lite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lite_launch_button(source: str, to_root: str) -> dict | None:
    """The launch menu's entry (a sphinx-book-theme header button) for the page made from
    ``source`` (its path in the repository, e.g. ``zh/chapters/06_explorer.ipynb``), or None
    if the lite site does not carry that chapter. ``to_root``: the relative URL from the
    page to the folder the lite site lies in (the English book's root), e.g. ``"../"``."""
    lite = build_lite()
    notebook = lite.NOTEBOOKS.get(source)
    if notebook is None:
        return None
    text = LITE_LAUNCH_TEXT["zh" if source.startswith("zh/") else "en"]
    return {"type": "link", "text": text, "tooltip": text, "icon": LITE_LAUNCH_ICON,
            "url": to_root + lite.lite_url(notebook), "label": "lite"}


def add_lite_launch_button(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add ``lite_launch_button`` to the page's launch menu, if the page has one. The lite
    site lies at the root of the English book's HTML; a book built from a subfolder of the
    repository (the Chinese edition from zh/, into html/zh/) reaches it one level up per
    folder."""
    group = next((b for b in context.get("header_buttons") or []
                  if b.get("label") == LAUNCH_GROUP), None)
    if group is None:
        return
    srcdir = Path(app.srcdir).resolve()
    source = Path(app.env.doc2path(pagename)).resolve().relative_to(REPO_ROOT).as_posix()
    depth = len(Path(pagename).parts) - 1 + len(srcdir.relative_to(REPO_ROOT).parts)
    button = lite_launch_button(source, "../" * depth)
    if button is not None:
        group["buttons"].append(button)


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy MathJax's fonts into ``_static/mathjax/``: the typeset formulas use them. Skipped
    when that version is already there."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / MATHJAX_DIR
    version = npm_version("mathjax")
    stamp = target / ".version"
    version = f"{version} {' '.join(MATHJAX_KEEP)}"  # a different set is copied afresh
    if stamp.is_file() and stamp.read_text().strip() == version:
        return
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_KEEP:
        source = MATHJAX / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    shutil.copy2(MATHJAX.parent / "LICENSE", target / "LICENSE")
    stamp.write_text(version + "\n")


#: Font Awesome classes that pick a pack; any other pack class means "solid".
ICON_PACKS = {"fab": "brands", "fa-brands": "brands", "far": "regular", "fa-regular": "regular"}
#: Font Awesome classes that style an icon rather than name one.
ICON_STYLE_CLASSES = frozenset({
    "fa", "fas", "far", "fab", "fa-solid", "fa-regular", "fa-brands", "fa-fw", "fa-lg",
    "fa-sm", "fa-xs", "fa-xl", "fa-2x", "fa-3x", "fa-spin", "fa-pulse",
})


def write_icons(app: Sphinx, exception: Exception | None) -> None:
    """Write ``_static/icons.css``: every icon the written pages use, as a CSS mask.

    The themes draw about twenty Font Awesome icons with Font Awesome's whole SVG framework
    (``fontawesome.js``, 1.5 MB, removed in ``_templates/layout.html``). Here each icon
    that a page names (``<i class="fa-solid fa-bars">``, or a ``<span>``) is read from the pinned
    ``@fortawesome/fontawesome-free`` package's ``svgs/<pack>/<name>.svg`` and inlined as a
    data URL: a few KB. An icon that the package does not have fails the build.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    used: set[tuple[str, str]] = set()
    for page in outdir.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(errors="ignore")):
            words = classes.split()
            pack = next((ICON_PACKS[w] for w in words if w in ICON_PACKS), "solid")
            used.update((pack, w[3:]) for w in words
                        if w.startswith("fa-") and w not in ICON_STYLE_CLASSES)
    (outdir / "_static" / ICONS_CSS).write_text(icon_css(used), encoding="utf8")


def icon_css(icons: set[tuple[str, str]]) -> str:
    """CSS for ``(pack, name)`` icons from Font Awesome's SVG files (ExtensionError if one is
    missing)."""
    version = npm_version("@fortawesome/fontawesome-free")
    rules = [
        f"/* Generated by book_ext from Font Awesome Free {version} (icons: CC BY 4.0,",
        "   https://fontawesome.com/license/free): the icons the pages use, as CSS masks. */",
        ".fa, .fas, .far, .fab, .fa-solid, .fa-regular, .fa-brands {",
        "  display: inline-block; height: 1em; width: 1em; vertical-align: -0.125em;",
        "  background-color: currentColor; font-style: normal;",
        "  -webkit-mask: var(--rb-icon) center / contain no-repeat;",
        "  mask: var(--rb-icon) center / contain no-repeat; }",
        "/* the theme's CSS would also draw each icon as a web-font glyph */",
        ".fa::before, .fas::before, .far::before, .fab::before, .fa-solid::before,",
        ".fa-regular::before, .fa-brands::before { content: none !important; }",
        ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }",
    ]
    missing = []
    for pack, name in sorted(icons):
        svg_file = FONTAWESOME / "svgs" / pack / f"{name}.svg"
        if not svg_file.is_file():
            missing.append(f"fa-{name} ({pack})")
            continue
        svg = re.sub(r"<!--.*?-->", "", svg_file.read_text(encoding="utf8"))
        x0, y0, w, h = (float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
        selector = f".fa-{name}" if pack == "solid" else \
            ", ".join(f".{c}.fa-{name}" for c, p in ICON_PACKS.items() if p == pack)
        rules.append(f'{selector} {{ width: {w / h:.4f}em; '
                     f'--rb-icon: url("data:image/svg+xml,{quote(svg)}"); }}')
    if missing:
        raise ExtensionError(
            f"book_ext: the pages use icons that Font Awesome Free {version} does not have: "
            f"{', '.join(missing)}. Use the icon's name in that version."
        )
    return "\n".join(rules) + "\n"


class BookHTMLTranslator(HTML5Translator):
    """Bibliography entries as plain ``<div>`` elements, without ARIA roles.

    docutils wraps citations in ``<div role="list">`` and gives each entry
    ``role="doc-biblioentry"``: axe-core reports the list as a critical
    ``aria-required-children`` violation (its items are not ``listitem``), and
    ``doc-biblioentry`` is deprecated in WAI-ARIA (DPUB-ARIA 1.1). The same markup without
    the two roles is valid. (pydata-sphinx-theme adds its own mixin on top of this class.)
    """

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname]))


def visit_hide_cell(self, node) -> None:
    """myst-nb's toggle for a hidden cell (``hide-cell``, ``hide-input``, ...), minus its
    ``aria-label="Toggle hidden content"``: the toggle shows "Show code cell content", and
    a name that does not contain the visible label fails WCAG 2.5.3 Label in Name (axe-core's
    label-content-name-mismatch). Without it the name is the visible text."""
    from html import escape

    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")
