"""book_ext and _templates/, without building the book: icons from Font Awesome's SVG files,
MathJax copied from node_modules, per-page assets, and the markup fixes."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sphinx.errors import ExtensionError  # noqa: E402

import book_ext  # noqa: E402

ICON_RULE = re.compile(r'^(\S[^{]*) \{ width: ([\d.]+)em; '
                       r'--rb-icon: url\("data:image/svg\+xml,(.*)"\); \}$', re.M)


def icon_rules(css: str) -> dict[str, tuple[float, str]]:
    return {sel: (float(w), unquote(svg)) for sel, w, svg in ICON_RULE.findall(css)}


def test_icon_css_draws_each_icon_from_font_awesomes_svg_files():
    css = book_ext.icon_css({("solid", "bars"), ("brands", "github"), ("solid", "rocket"),
                             ("solid", "magnifying-glass")})
    rules = icon_rules(css)
    assert set(rules) == {".fa-bars", ".fab.fa-github, .fa-brands.fa-github", ".fa-rocket",
                          ".fa-magnifying-glass"}
    for selector, (width, svg) in rules.items():
        name = selector.split("fa-")[-1]
        pack = "brands" if "fab" in selector else "solid"
        source = (book_ext.FONTAWESOME / "svgs" / pack / f"{name}.svg").read_text()
        path = re.search(r'<path d="([^"]+)"', source).group(1)
        assert path in svg and "<!--" not in svg, selector  # same shape, licence comment out
        w, h = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', source).groups())
        assert width == pytest.approx(w / h, abs=1e-4), selector
    # the theme's web-font glyphs are switched off (no webfont is ever downloaded)
    assert re.search(r"\.fa-solid::before.*content: none", css, re.S)


def test_icon_css_fails_the_build_for_an_icon_font_awesome_lacks():
    with pytest.raises(ExtensionError, match=r"fa-no-such-icon \(solid\)"):
        book_ext.icon_css({("solid", "bars"), ("solid", "no-such-icon")})
    with pytest.raises(ExtensionError, match="fa-github"):
        book_ext.icon_css({("solid", "github")})  # a brand icon asked for as solid


def test_write_icons_reads_the_icons_the_pages_use(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "a.html").write_text('<i class="fa-solid fa-bars fa-lg"></i>'
                                     '<i class="theme-switch fa-solid fa-moon   fa-lg"></i>')
    (tmp_path / "b.html").write_text('<i class="fab fa-github"></i><p class="x">fa-rocket</p>'
                                     '<span class="fa-solid fa-list"></span>')
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    book_ext.write_icons(app, None)
    rules = icon_rules((tmp_path / "_static" / book_ext.ICONS_CSS).read_text())
    assert set(rules) == {".fa-bars", ".fa-moon", ".fa-list",
                          ".fab.fa-github, .fa-brands.fa-github"}


def test_mathjax_is_copied_from_node_modules_once_per_version(tmp_path):
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    book_ext.copy_mathjax(app, None)
    target = tmp_path / "_static" / book_ext.MATHJAX_DIR
    fonts = target / "output" / "chtml" / "fonts" / "woff-v2"
    assert list(fonts.glob("*.woff"))
    assert not (target / "tex-chtml.js").exists()  # formulas are typeset at build time
    assert (target / ".version").read_text().startswith(book_ext.npm_version("mathjax"))
    font = next(fonts.glob("*.woff"))
    font.write_text("edited")  # same version: left alone
    book_ext.copy_mathjax(app, None)
    assert font.read_text() == "edited"


def page_context(body: str) -> tuple[SimpleNamespace, dict]:
    added = []
    app = SimpleNamespace(add_js_file=lambda name, **kw: added.append((name, kw)))
    js = [type("JS", (str,), {"attributes": {}})(f) for f in ("_static/doctools.js",
                                                             "_static/design-tabs.js")]
    state = type("JS", (str,), {"attributes": {"type": book_ext.WIDGET_STATE_TYPE}})("")
    css = ["_static/sphinx-design.min.css", "_static/resnet-book.css"]
    context = {"body": body, "script_files": [*js, state], "css_files": css}
    return SimpleNamespace(app=app, added=added), context


def test_figures_are_numbered_in_page_order_in_the_pages_language():
    span = '<span class="figure-number" data-format="{}"></span>'
    body = (f"<p>a</p><figure>{span.format('Figure {n}.')} one</figure><p>b</p>"
            f"<figure>{span.format('图 {n}.')} two</figure><figure>{span.format('Fig. {n}')}"
            "</figure>")
    ns, context = page_context(body)
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    numbers = re.findall(r'data-format="[^"]*">([^<]*)</span>', context["body"])
    assert numbers == ["Figure 1.", "图 2.", "Fig. 3"]
    assert book_ext.number_figures("<p>no figure</p>") == "<p>no figure</p>"


def test_plotly_js_is_deferred_and_only_on_pages_with_a_figure():
    ns, context = page_context('<div class="plotly-graph-div"></div>')
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    assert ns.added == [(book_ext.PLOTLY_JS, {"loading_method": "defer"}),
                        (book_ext.FIGURES_JS, {"loading_method": "defer"})]
    ns, context = page_context("<p>no figure</p>")
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    assert ns.added == []


def test_pages_with_math_load_the_formulas_stylesheet_and_no_mathjax_script():
    ns, context = page_context('<span class="math notranslate nohighlight">\\(x\\)</span>')
    mathjax = type("JS", (str,), {"attributes": {}})("mathjax/tex-chtml.js")
    config = type("JS", (str,), {"attributes": {"body": "window.MathJax = {}"}})("")
    context["script_files"] += [mathjax, config]
    ns.app.add_css_file = lambda name, **kw: context["css_files"].append(name)  # as Sphinx
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    assert ns.added == [] and book_ext.MATH_CSS in context["css_files"]
    assert not any(book_ext.is_mathjax(f) for f in context["script_files"])
    assert "_static/doctools.js" in context["script_files"]  # other scripts stay


def test_render_math_typesets_every_formula_at_build_time(tmp_path):
    """Inline and display math (with an equation number) become MathJax's CommonHTML with a
    MathML copy for screen readers; the TeX is kept for a later build; a second run changes
    nothing; the stylesheet has the characters used; bad TeX fails the build."""
    (tmp_path / "_static").mkdir()
    page = tmp_path / "p.html"
    page.write_text(
        '<p>A <span class="math notranslate nohighlight">\\(a &lt; b_i\\)</span>.</p>\n'
        '<div class="math notranslate nohighlight" id="eq-1">\n<span class="eqno">(1)'
        '<a class="headerlink" href="#eq-1">#</a></span>\\[y = \\mathcal{F}(x) + x\\]</div>\n'
        '<div class="math notranslate nohighlight">\n'
        '\\begin{align}a &amp;= b \\\\ c &amp;= d\\end{align}</div>\n',
        encoding="utf8")
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    book_ext.render_math(app, None)
    html = page.read_text(encoding="utf8")
    assert html.count("<mjx-container") == 3 and "\\(" not in html and "\\[" not in html
    assert html.count('display="true"') >= 2  # the two display formulas
    assert "<mo>&lt;</mo>" in html and "<mi>y</mi>" in html  # MathML for screen readers
    assert '<span class="eqno">(1)' in html  # the equation number stays
    assert 'data-tex="a &lt; b_i"' in html
    css = (tmp_path / "_static" / book_ext.MATH_CSS).read_text()
    assert "mjx-container" in css and "MathJax_Main-Regular.woff" in css
    book_ext.render_math(app, None)
    assert page.read_text(encoding="utf8") == html
    assert (tmp_path / "_static" / book_ext.MATH_CSS).read_text() == css
    page.write_text('<span class="math notranslate nohighlight">\\(\\frac{a\\)</span>')
    with pytest.raises(ExtensionError, match="frac"):
        book_ext.render_math(app, None)


def test_sphinx_design_and_widget_state_only_where_used():
    ns, context = page_context("<p>text</p>")
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    assert context["script_files"] == ["_static/doctools.js"]
    assert context["css_files"] == ["_static/resnet-book.css"]
    ns, context = page_context('<div class="sd-card sd-shadow-sm">card</div>')
    book_ext.add_page_assets(ns.app, "p", "page.html", context, None)
    assert "_static/design-tabs.js" in context["script_files"]
    assert "_static/sphinx-design.min.css" in context["css_files"]


def test_citations_are_written_without_aria_roles():
    from docutils import nodes
    from docutils.core import publish_parts

    source = "See [He16]_.\n\n.. [He16] Deep residual learning.\n.. [He16b] Identity maps.\n"
    html = publish_parts(source, writer_name="html5")["body"]
    assert 'role="doc-biblioentry"' in html  # what docutils itself writes ...
    translator = book_ext.BookHTMLTranslator.__new__(book_ext.BookHTMLTranslator)
    translator.body = []
    translator.starttag = lambda node, tag, **kw: f'<{tag} class="{" ".join(kw["classes"])}">'
    first, second = nodes.citation(), nodes.citation()
    nodes.section("", first, second)
    translator.visit_citation(first)
    translator.visit_citation(second)
    out = "".join(translator.body)
    assert out == '<div class="citation-list">\n<div class="citation"><div class="citation">'
    assert "role=" not in out  # ... and what the book writes


def test_hidden_cell_toggles_are_named_by_their_visible_text():
    translator = SimpleNamespace(body=[])
    node = {"classes": ["tag_hide-cell"], "prompt_show": "Show code cell {type}",
            "prompt_hide": "Hide code cell {type}"}
    book_ext.visit_hide_cell(translator, node)
    html = "".join(translator.body)
    assert "<summary>" in html and "aria-label" not in html
    assert "Show code cell {type}" in html


# ---------------------------------------------------------------- _templates


def test_layout_template_drops_fontawesome_js_and_search_scripts():
    text = (ROOT / "_templates" / "layout.html").read_text()
    code = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # without the explaining comment
    assert code.lstrip().startswith('{%- extends "!layout.html" %}')
    assert "head_pre_assets()" in code and "css()" in code
    for gone in ("head_js_preload", "fontawesome", "searchtools", "searchindex"):
        assert gone not in code, gone


def test_layout_template_replaces_blocks_the_theme_still_has():
    """The blocks overridden here must exist in the installed theme with the content they
    replace; a theme update (via `make lock`) that changes them fails this test."""
    import pydata_sphinx_theme

    theme = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
             / "layout.html").read_text()
    css = re.search(r"\{%- block css %\}(.*?)\{%- endblock css %\}", theme, re.S).group(1)
    assert "_webpack.head_pre_assets()" in css and "_webpack.head_js_preload()" in css
    extrahead = re.search(r"\{%- block extrahead %\}(.*?)\{%- endblock extrahead %\}",
                          theme, re.S).group(1)
    assert "searchtools.js" in extrahead and 'name="viewport"' in extrahead
    macros = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
              / "static" / "webpack-macros.html").read_text()
    preload = re.search(r"head_js_preload\(\) %\}(.*?)\{% endmacro", macros, re.S).group(1)
    assert "fontawesome.js" in preload
    assert re.findall(r"<script[^>]*src", preload) == ['<script defer src']  # only that one


def test_search_button_has_no_name_other_than_its_text():
    text = (ROOT / "_templates" / "search-button-field.html").read_text()
    button = re.search(r"<button[^>]*>", text).group(0)
    assert "aria-label" not in button and "search-button__button" in button
