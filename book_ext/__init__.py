"""book_ext: the book's own Sphinx extension. The built site loads nothing from another host.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). What it does, and why:

1. plotly.js: ONE local copy for the whole site: the official cartesian partial bundle
   (``plotly.js-cartesian-dist-min`` from the npm registry, sha512-pinned, the same plotly.js
   version the installed Python plotly was made for; the build fails if they differ), a
   third of the full bundle. It lands in ``book_assets/vendor/static/`` (git-ignored; never
   committed), an ``html_static_path`` entry, so Sphinx serves it as
   ``_static/plotly-cartesian.min.js``. The
   ``<script>`` is added only to pages whose body contains a ``plotly-graph-div``, from an
   ``html-page-context`` handler (Sphinx >= 3.5 adds a JS file to that page only). It is a
   plain blocking script in ``<head>`` because each figure's inline ``Plotly.newPlot`` call
   (see ``resnet_lib.render``) runs as soon as the browser parses it.
2. MathJax: Sphinx loads MathJax 3 from a CDN by default (on pages with math only). Here
   ``mathjax_path`` points at a local copy: the npm registry package ``mathjax@3.2.2``,
   fetched with ``npm pack`` into ``book_assets/vendor/npm/`` on the first build, checked
   against its pinned sha512 integrity, and unpacked (only what ``tex-chtml.js`` can load at
   run time: fonts, TeX extensions, menu, accessibility) into ``_static/mathjax/``.
3. The kernels that myst-nb starts inherit ``RESNET_BOOK_BUILD=1``, so the chapters'
   ``use_book_renderer()`` emits figures without plotly.js (see ``resnet_lib.render``), and
   the repository root on ``PYTHONPATH``, so ``import resnet_lib`` works from ``chapters/``
   even before ``pip install -e .``.
4. ``resnet-book.css`` (in ``book_ext/static/``) on every page: wide text outputs such as
   torchinfo summaries scroll sideways in their own box instead of being cut off.
5. ipywidgets: the book shows no live widgets (an explorer's output cell is tagged
   ``remove-output``; it works where a kernel runs). ``_config.yml`` sets
   ``nb_ipywidgets_js: {}`` so myst-nb loads no widget JavaScript (by default: require.js and
   the HTML manager from CDNs), and this extension drops the widget-state JSON that myst-nb
   would still embed in such a page: without a widget manager it is dead weight, and an
   Output widget's state can hold whole figures.

The folder is deliberately not called ``_static``: Jupyter Book adds every ``.js`` in a
``_static`` folder of the book to every page.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
OWN_STATIC = HERE / "static"
VENDOR = REPO_ROOT / "book_assets" / "vendor"  # git-ignored
VENDOR_STATIC = VENDOR / "static"  # an html_static_path entry: its files land in _static/

CSS_FILE = "resnet-book.css"
# plotly.js: the official "cartesian" partial bundle (scatter, bar, heatmap, box, histogram,
# contour, pie, violin, image): 1.5 MB instead of the full bundle's 4.8 MB (0.50 vs 1.47 MB
# gzipped). Its version must equal the plotly.js the Python package was made for (checked).
PLOTLY_BUNDLE = "plotly.js-cartesian-dist-min"
PLOTLY_BUNDLE_VERSION = "4.1.1"
PLOTLY_BUNDLE_INTEGRITY = (
    "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/"
    "Z6w4P5O0Jus/Qr5EefHVeg=="
)
PLOTLY_BUNDLE_FILE = "plotly-cartesian.min.js"  # inside the npm package
PLOTLY_JS = "plotly-cartesian.min.js"  # served as _static/plotly-cartesian.min.js
#: Trace types the cartesian bundle can draw; tests check every figure in the book uses only these.
PLOTLY_BUNDLE_TRACES = frozenset({
    "scatter", "bar", "box", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
    "contour", "image", "pie", "violin",
})
PLOTLY_DIV_CLASS = "plotly-graph-div"
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"

MATHJAX_VERSION = "3.2.2"
# `npm view mathjax@3.2.2 dist.integrity`: the tarball is checked against it before use.
MATHJAX_INTEGRITY = (
    "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/"
    "O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
)
# axe-core: the accessibility engine the browser tests inject into every page (never served).
AXE_CORE = "axe-core"
AXE_CORE_VERSION = "4.11.1"
AXE_CORE_INTEGRITY = (
    "sha512-BASOg+YwO2C+346x3LZOeoovTIoTrRqEsqMa6fmfAV0P+U9mFr9NsyOEpiYvFjbc64NMrSswhV50WdXzdb/"
    "Z5A=="
)
AXE_CORE_FILE = "axe.min.js"
MATHJAX_DIR = "mathjax"  # -> _static/mathjax/
STAGING_PREFIX = "mathjax-"  # ensure_mathjax's temporary folder, in VENDOR
MATHJAX_ENTRY = "tex-chtml.js"
# What tex-chtml.js loads at run time, relative to the package's es5/ folder. The other
# combined bundles (SVG output, MathML input, ...) are never used and are left out.
MATHJAX_KEEP = (
    MATHJAX_ENTRY,
    "output/chtml/fonts/woff-v2/",
    "input/tex/extensions/",
    "ui/",
    "a11y/",
    "sre/",
)

VENDOR_TEMPLATES = VENDOR / "templates"  # first on templates_path
ICONS_CSS = "icons.css"

BOOK_BUILD_ENV = "RESNET_BOOK_BUILD"  # read by resnet_lib.render.in_book_build()


def setup(app: Sphinx) -> dict:
    # A digest of the assets this extension serves, as an "html" config value: when one
    # changes (this CSS, the installed plotly, the MathJax version), Sphinx sees a changed
    # HTML config, rewrites every page and copies the static files again. Without it, a
    # rebuild with no changed page stops before copying static files ("no targets are out of
    # date"), and an edited resnet-book.css or an upgraded plotly.js would never reach _static.
    app.add_config_value("book_ext_assets_digest", "", "html")
    app.connect("config-inited", configure)
    app.connect("builder-inited", vendor_assets)
    app.connect("html-page-context", add_plotly_where_needed)
    app.connect("html-page-context", fix_citation_list_role)
    app.connect("build-finished", finish_icons)
    # after myst-nb's handler (priority 500), which adds the page's widget state
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.add_css_file(CSS_FILE)
    app.add_css_file(ICONS_CSS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def configure(app: Sphinx, config: Config) -> None:
    """Static paths, the local MathJax, and the environment the build kernels inherit."""
    VENDOR_STATIC.mkdir(parents=True, exist_ok=True)  # Sphinx checks static paths exist
    config.html_static_path = [*config.html_static_path, str(OWN_STATIC), str(VENDOR_STATIC)]
    write_icon_assets()
    _write_if_changed(
        VENDOR_TEMPLATES / "navbar-logo.html",
        "{# book_ext: the theme's logo link, inside a landmark: axe's 'region' rule wants all\n"
        "   content in one, and the sidebar's brand link was the only thing outside. #}\n"
        '<nav aria-label="Book home">{% include "components/navbar-logo.html" %}</nav>\n',
    )
    config.templates_path = [str(VENDOR_TEMPLATES), *config.templates_path]
    config.mathjax_path = f"{MATHJAX_DIR}/{MATHJAX_ENTRY}"
    config.book_ext_assets_digest = assets_digest()

    os.environ[BOOK_BUILD_ENV] = "1"
    root = str(REPO_ROOT)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])


def assets_digest() -> str:
    import plotly

    digest = hashlib.sha256(
        f"plotly {plotly.__version__} {PLOTLY_BUNDLE_VERSION} mathjax {MATHJAX_VERSION}".encode()
    )
    for path in sorted(OWN_STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(OWN_STATIC).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def vendor_assets(app: Sphinx) -> None:
    """Put plotly.min.js and MathJax into book_assets/vendor/static/ (HTML builders only)."""
    if app.builder.format != "html":
        return
    copy_plotly_js(VENDOR_STATIC / PLOTLY_JS)
    ensure_mathjax(VENDOR_STATIC / MATHJAX_DIR)


def copy_plotly_js(target: Path) -> None:
    """Put the partial plotly.js bundle in place, after checking it matches plotly's version."""
    import re

    import plotly

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    match = re.search(rb"plotly\.js v(\d+\.\d+\.\d+)", full.read_bytes()[:400])
    wanted = match.group(1).decode() if match else "unknown"
    if wanted != PLOTLY_BUNDLE_VERSION:
        raise ExtensionError(
            f"book_ext: the installed plotly {plotly.__version__} was made for plotly.js "
            f"{wanted}, but book_ext pins {PLOTLY_BUNDLE}@{PLOTLY_BUNDLE_VERSION}; update "
            "PLOTLY_BUNDLE_VERSION and its integrity (`npm view <pkg>@<v> dist.integrity`)."
        )
    npm_file(PLOTLY_BUNDLE, PLOTLY_BUNDLE_VERSION, PLOTLY_BUNDLE_INTEGRITY, PLOTLY_BUNDLE_FILE,
             target)


def ensure_mathjax(target: Path) -> None:
    """Unpack MathJax into `target` unless that exact version is already there."""
    stamp = target / ".version"  # dotfiles are not copied to _static
    if stamp.is_file() and stamp.read_text().strip() == MATHJAX_VERSION:
        return
    tarball = fetch_mathjax_tarball(VENDOR / "npm")
    # Staged in VENDOR, NOT in target.parent (VENDOR_STATIC, an html_static_path entry): a
    # build interrupted mid-unpack must leave nothing that Sphinx would copy into _static.
    # Same file system as the target, so the rename below is atomic.
    VENDOR.mkdir(parents=True, exist_ok=True)
    # Older versions staged next to the target: drop what an interrupted build left there.
    for stale in target.parent.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=VENDOR))
    try:
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                rel = member.name.removeprefix("package/es5/")
                if member.isfile() and rel != member.name and rel.startswith(MATHJAX_KEEP):
                    member.name = rel
                    tar.extract(member, staging, filter="data")
            license_file = tar.extractfile("package/LICENSE")
            (staging / "LICENSE").write_bytes(license_file.read() if license_file else b"")
        if not (staging / MATHJAX_ENTRY).is_file():
            raise ExtensionError(f"book_ext: {tarball} has no es5/{MATHJAX_ENTRY}")
        (staging / ".version").write_text(MATHJAX_VERSION + "\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)  # a half-unpacked copy is never mistaken for a whole one
        logger.info(f"book_ext: unpacked MathJax {MATHJAX_VERSION} into {target}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch_mathjax_tarball(folder: Path) -> Path:
    """The MathJax tarball from the npm registry (once), checked against its integrity."""
    return npm_tarball("mathjax", MATHJAX_VERSION, MATHJAX_INTEGRITY, folder)


def npm_tarball(name: str, version: str, integrity: str, folder: Path = VENDOR / "npm") -> Path:
    """`npm pack name@version` into `folder` (once), checked against the pinned integrity.

    Used for every third-party asset the site or the tests need (MathJax, the partial
    plotly.js bundle, axe-core): the npm registry is a package registry like PyPI, and the
    sha512 pin makes the download as reproducible as a pinned wheel.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / f"{name.split('/')[-1]}-{version}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise ExtensionError(
                f"book_ext: `npm` is needed once, to fetch {name}@{version} from the npm "
                "registry (the site serves its own copy instead of a CDN's). Install "
                "Node.js/npm (Debian: apt-get install npm)."
            )
        logger.info(f"book_ext: npm pack {name}@{version} -> {folder}")
        done = subprocess.run(
            [npm, "pack", f"{name}@{version}", "--pack-destination", str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not tarball.is_file():
            raise ExtensionError(
                f"book_ext: `npm pack {name}@{version}` failed "
                f"(exit {done.returncode}):\n{done.stderr[-2000:]}"
            )
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != integrity:
        tarball.unlink()
        raise ExtensionError(
            f"book_ext: {tarball.name} does not match its pinned integrity; deleted it "
            "(a rebuild fetches it again)."
        )
    return tarball


def npm_file(name: str, version: str, integrity: str, member: str, target: Path) -> Path:
    """Extract one file (`package/<member>`) of an npm package to `target`, if not there."""
    stamp = target.with_name(f".{target.name}.version")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == version:
        return target
    tarball = npm_tarball(name, version, integrity)
    with tarfile.open(tarball) as tar:
        data = tar.extractfile(f"package/{member}")
        if data is None:
            raise ExtensionError(f"book_ext: {tarball.name} has no {member}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.read())
    stamp.write_text(version + "\n")
    return target


def write_icon_assets() -> None:
    """Replace the theme's 1.5 MB fontawesome.js with a CSS file of the icons it uses.

    pydata-sphinx-theme loads the whole Font Awesome SVG framework (1.49 MB, 0.54 MB
    gzipped: a third of a chapter's first visit) on every page, to draw about twenty icons.
    Here those icons are taken from that same file (same shapes, same licence) into
    ``icons.css`` as CSS masks (a few KB), and a copy of the theme's ``webpack-macros.html``
    without the script goes first on ``templates_path``. The icon list is whatever the
    themes' templates name, and again, after the build, whatever the written pages use
    (``finish_icons``). ``tests/test_site_browser.py`` checks every icon on every page.
    """
    import re

    import pydata_sphinx_theme
    import sphinx_book_theme

    names: set[str] = set()
    for package in (Path(pydata_sphinx_theme.__file__).parent,
                    Path(sphinx_book_theme.__file__).parent):
        for path in package.rglob("*"):
            if path.suffix in (".html", ".py"):
                names.update(re.findall(r"fa-([a-z0-9-]+)", path.read_text(errors="ignore")))
    _write_if_changed(VENDOR_STATIC / ICONS_CSS, icon_css(names))

    macros_path = _pst_theme() / "static" / "webpack-macros.html"
    macros = macros_path.read_text(encoding="utf8")
    kept = "\n".join(line for line in macros.splitlines() if "fontawesome.js" not in line)
    if kept == macros.rstrip("\n") or "head_js_preload" not in kept:
        raise ExtensionError("book_ext: the theme's webpack-macros.html changed shape")
    _write_if_changed(VENDOR_TEMPLATES / "static" / "webpack-macros.html", kept + "\n")


def finish_icons(app: Sphinx, exception: Exception | None) -> None:
    """After writing: make ``_static/icons.css`` cover every icon the pages really use."""
    import re

    if exception is not None or app.builder.format != "html":
        return
    names: set[str] = set()
    for page in Path(app.outdir).rglob("*.html"):
        for classes in re.findall(r'<i class="([^"]*)"', page.read_text(errors="ignore")):
            names.update(re.findall(r"fa-([a-z0-9-]+)", classes))
    # Strict for the icons on the pages: one that no pack defines fails the build.
    _write_if_changed(Path(app.outdir) / "_static" / ICONS_CSS,
                      icon_css(names | _icon_names_in(VENDOR_STATIC / ICONS_CSS),
                               required=names))


def _icon_names_in(css: Path) -> set[str]:
    import re

    return set(re.findall(r"^\.fa-([a-z0-9-]+) \{", css.read_text(), re.M)) if css.is_file() \
        else set()


def _pst_theme() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"


#: How fontawesome.js registers each pack once its icons are defined (minified):
#: ``(function(){d("fab",p),d("fa-brands",p)})``, where ``p`` holds the pack's icons.
_PACK_REGISTRATION = (r'\(function\(\)\{([\w$]+)\("(fa[bsr])",([\w$]+)\),'
                      r'\1\("fa-(?:brands|regular|solid)",\3\)\}\)')
#: Font Awesome classes that style an icon rather than name one.
ICON_STYLE_CLASSES = frozenset({
    "solid", "brands", "regular", "fw", "lg", "sm", "xs", "2xs", "xl", "2xl",
    *(f"{n}x" for n in range(1, 11)), "spin", "pulse", "spin-pulse", "spin-reverse", "beat",
    "fade", "beat-fade", "bounce", "flip", "shake", "rotate-90", "rotate-180", "rotate-270",
    "flip-horizontal", "flip-vertical", "flip-both", "border", "pull-left", "pull-right",
    "inverse", "li", "ul", "stack", "stack-1x", "stack-2x", "width-auto",
})


def _icon_packs(js: str) -> dict[str, str]:
    """The text of fontawesome.js that defines each pack's icons ("fas", "fab", "far").

    Each pack's icons are defined just before its registration call and after the previous
    pack's; the FIRST registration of each pack counts (the framework code after them also
    mentions "fas").
    """
    import re

    first: dict[str, re.Match[str]] = {}
    for m in re.finditer(_PACK_REGISTRATION, js):
        first.setdefault(m.group(2), m)
    if set(first) != {"fas", "fab", "far"}:
        raise ExtensionError(
            "book_ext: the theme's fontawesome.js changed shape: found pack registrations "
            f"{sorted(first)}, expected fab, far and fas (see book_ext._PACK_REGISTRATION)"
        )
    packs, start = {}, 0
    for m in sorted(first.values(), key=lambda m: m.start()):
        packs[m.group(2)] = js[start:m.start()]
        start = m.end()
    return packs


def icon_css(names: set[str], *, required: set[str] | frozenset[str] = frozenset()) -> str:
    """CSS drawing each ``fa-<name>`` icon from the theme's own Font Awesome shapes.

    A name in ``names`` that no pack defines is skipped (the themes' templates mention
    aliases and classes that are not icons), unless it is also in ``required`` (the icons the
    built pages really use): then the build fails with an ``ExtensionError`` naming it,
    rather than a page showing an empty box.
    """
    import re

    js = (_pst_theme() / "static" / "scripts" / "fontawesome.js").read_text(encoding="utf8")
    packs = _icon_packs(js)
    rules = [
        "/* Generated by book_ext from pydata-sphinx-theme's Font Awesome Free (CC BY 4.0 icons,",
        "   https://fontawesome.com/license/free): the icons the pages use, as CSS masks. */",
        ".fa, .fas, .far, .fab, .fa-solid, .fa-regular, .fa-brands {",
        "  display: inline-block; height: 1em; width: 1em; vertical-align: -0.125em;",
        "  background-color: currentColor; font-style: normal;",
        "  -webkit-mask: var(--rb-icon) center / contain no-repeat;",
        "  mask: var(--rb-icon) center / contain no-repeat; }",
        ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }",
    ]
    missing = []
    for name in sorted((set(names) | set(required)) - ICON_STYLE_CLASSES):
        for pack in ("fas", "fab", "far"):
            pattern = ('[{,]"?' + re.escape(name)
                       + r'"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]')
            m = re.search(pattern, packs[pack])
            if m:
                w, h, path = m.groups()
                svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'>"
                       f"<path d='{path}'/></svg>")
                rules.append(f'.fa-{name} {{ width: {int(w) / int(h):.4f}em; '
                             f'--rb-icon: url("data:image/svg+xml;utf8,{svg}"); }}')
                break
        else:
            if name in required:
                missing.append(name)
    if missing:
        raise ExtensionError(
            f"book_ext: the pages use icons that the theme's Font Awesome (fas, fab, far) does "
            f"not define: {', '.join('fa-' + n for n in missing)}. Use an icon's canonical "
            "Font Awesome 6 name (e.g. fa-magnifying-glass, not the alias fa-search)."
        )
    return "\n".join(rules) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf8") != text:
        path.write_text(text, encoding="utf8")


def fix_citation_list_role(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """docutils writes ``<div role="list" class="citation-list">`` around bibliography
    entries whose role is ``doc-biblioentry``, not ``listitem``: axe-core reports it as a
    critical ``aria-required-children`` violation. Without the roles it is valid."""
    body = context.get("body", "")
    if 'class="citation-list"' in body:
        # ... and doc-biblioentry itself is deprecated in ARIA (axe: minor).
        context["body"] = body.replace(
            '<div role="list" class="citation-list">', '<div class="citation-list">'
        ).replace(' role="doc-biblioentry"', "")


def add_plotly_where_needed(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load the local plotly.js on this page only if the page contains a plotly figure."""
    if PLOTLY_DIV_CLASS in context.get("body", ""):
        app.add_js_file(PLOTLY_JS)


def drop_widget_state(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Remove the inert ipywidgets state <script> that myst-nb adds to a page."""
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [
            js for js in scripts if getattr(js, "attributes", {}).get("type") != WIDGET_STATE_TYPE
        ]
