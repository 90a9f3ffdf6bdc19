"""How the book's plotly figures are rendered, in the book and in a live kernel.

Every chapter calls, in one hidden first cell (tagged ``remove-cell``)::

    from resnet_lib.render import use_book_renderer
    use_book_renderer()

Why a renderer of our own
-------------------------
The static site is built by myst-nb, which executes each chapter in a Jupyter kernel and
keeps, for each output, the richest mime type it can turn into HTML. None of plotly's
built-in renderers fits that site:

- ``plotly_mimetype`` (plotly's default in a kernel) emits only
  ``application/vnd.plotly.v1+json``, which myst-nb cannot render: a warning, so the strict
  build (``-W``) fails;
- ``notebook`` inlines the whole plotly.js (about 4.8 MB) into every figure's output;
- ``notebook_connected`` and ``cdn`` load plotly.js from a CDN, and plotly's HTML output also
  adds a MathJax CDN script.

The ``"resnet_book"`` renderer emits, for each figure, a ``<div>`` of reserved height and
the figure as JSON in a ``<script type="application/json">`` (no plotly.js, no MathJax, no
inline JavaScript) as ``text/html``, plus a short ``text/plain`` description as a fallback
for any front end that shows no HTML. The site loads ONE local copy of plotly.js, deferred and
only on pages that contain a figure, and a small script of its own, ``book-figures.js``, that
draws each figure from its JSON and recolours it when the reader switches between light and
dark mode (the book's Sphinx extension ``book_ext`` serves both). Every figure gets the same
configuration, ``PLOTLY_CONFIG``, and ``book_layout``: no cloud links, a one-button mode bar,
no drag-zoom, so that a swipe over a figure scrolls the page.

The choice for a live kernel (Binder, Colab, local Jupyter)
-----------------------------------------------------------
That ``text/html`` alone draws nothing in a live notebook, where no page has loaded
plotly.js. Mixing renderers does not help either: a combination such as
``"resnet_book+notebook_connected"`` merges the bundles, and the second ``text/html`` simply
replaces the first (bringing the CDN back into the book). So the renderer is chosen by
*where* the code runs, which is detected, not guessed:

- the book build sets the environment variable ``RESNET_BOOK_BUILD=1`` (``book_ext`` does
  it in the Sphinx process, and every kernel that myst-nb starts inherits it). There,
  ``use_book_renderer()`` activates ``"resnet_book"``;
- anywhere else it registers ``"resnet_book"`` but leaves plotly's own default in place,
  which plotly chose for that front end when it was imported (``plotly_mimetype`` in
  JupyterLab / Notebook 7 / VS Code, ``colab`` in Colab, ...). Figures then render as they
  do in any notebook, loading plotly.js the way that front end expects.

- in the reader's browser (JupyterLite's Pyodide kernel, ``sys.platform == "emscripten"``),
  ``use_book_renderer()`` activates ``"resnet_lite"``: the figure as plotly's own JSON mime
  type (``application/vnd.plotly.v1+json``, with ``book_layout`` and ``PLOTLY_CONFIG``),
  which the lite site's JupyterLab draws with plotly's mime-renderer extension (the
  ``jupyterlab-plotly`` labextension that the plotly package ships, built into the lite
  site, with its own copy of plotly.js: nothing from a CDN). It is an *external* renderer
  (it calls ``IPython.display.display`` itself) because plotly refuses every mime-type
  renderer when ``nbformat`` is not importable, and nbformat (with jsonschema and its
  compiled ``rpds-py``) is not worth shipping to the browser for a version check.
  Its figures have transparent backgrounds where they set none (``LITE_BACKGROUNDS``):
  plotly's mime renderer draws the JSON as it is, whatever Lab's theme, so JupyterLab's own
  light or dark background shows through, and the lite site's stylesheet repaints the text
  in dark mode (tools/lite/dark-figures.css says why the page, not the kernel, does it).

``mode="book"`` or ``mode="live"`` overrides the detection (e.g. to inspect in a notebook
exactly what the book will contain).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
from html import escape

import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BaseFigure
from plotly.io.base_renderers import ExternalRenderer, MimetypeRenderer
from plotly.io.json import to_json_plotly

from .i18n import text
from .style import wrap_text

#: Name under which the book's renderer is registered in ``plotly.io.renderers``.
RENDERER_NAME = "resnet_book"

#: Name of the renderer for the reader's browser (JupyterLite, Pyodide).
LITE_RENDERER_NAME = "resnet_lite"

#: plotly's JSON mime type, drawn by JupyterLab's plotly extension.
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"

#: A lite figure's backgrounds where it sets none (plotly's default template paints them
#: white and light blue): transparent, so that JupyterLab's light or dark theme shows through.
LITE_BACKGROUNDS = {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}

#: Environment variable that marks a process (and its kernels) as part of the book build.
BOOK_BUILD_ENV = "RESNET_BOOK_BUILD"

#: plotly.js options for every figure in the book (and, through ``use_book_renderer``, in a
#: live notebook): resize with the page; a mode bar with one button, "Download plot as a
#: png"; nothing that links to or uploads to a cloud service (no Plotly logo link, no
#: "Edit in Chart Studio" / "Share", no ``plotlyServerURL``); no zoom by wheel or double click,
#: and no "Double-click to zoom back out" tip.
PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtons": [["toImage"]],
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
}

#: Key of ``layout.meta`` that holds a figure's caption (see ``with_caption``).
CAPTION_KEY = "caption"
#: Classes of the ``<figure>`` the renderer writes and of its number's ``<span>``, which
#: ``book_ext`` fills in page order from its ``data-format`` ("Figure {n}." in English).
FIGURE_CLASS = "book-figure"
FIGURE_NUMBER_CLASS = "figure-number"

#: plotly's own default figure height (px), reserved for a figure that sets none.
DEFAULT_HEIGHT = 450

_AXIS_KEY = re.compile(r"^[xy]axis\d*$")

#: Used only if no earlier default was recorded (plotly's choice in a Jupyter kernel).
FALLBACK_LIVE_RENDERER = "plotly_mimetype+notebook"

# plotly's default renderer before ``use_book_renderer`` replaced it with the book's
# (plotly picks it for the front end on import: "colab" in Colab, "vscode", ...); None until
# then. ``"live"`` puts it back.
_previous_default: str | None = None

# Figures rendered so far in this process: keeps two identical figures on a page apart.
_figure_count = 0


class BookRenderer(MimetypeRenderer):
    """A plotly renderer for a static site that serves plotly.js itself.

    ``text/html``: the figure's ``<div>`` and its JSON (data, ``book_layout(layout)``,
    ``PLOTLY_CONFIG``), drawn by the site's ``book-figures.js`` once plotly.js has loaded.
    ``text/plain``: a one-line description, e.g. ``<plotly Figure 'Params' (1 bar trace)>``.
    """

    def to_mimebundle(self, fig_dict):
        fig_dict = _figure_dict(fig_dict, "to_mimebundle")
        layout = dict(fig_dict.get("layout") or {})
        data = fig_dict.get("data") or []
        meta = dict(layout.get("meta") or {}) if isinstance(layout.get("meta"), dict) else {}
        phone = meta.pop("phone", None) or {"layout": phone_layout(layout)}
        notice = meta.pop(CAPTION_KEY, None)
        if "meta" in layout:
            layout["meta"] = meta or None
            if layout["meta"] is None:
                del layout["meta"]
        layout = book_layout(layout)
        # The phone variant carries its own data only when it has other traces (a diagram
        # laid out differently); otherwise the page reuses the figure's data.
        phone = {**phone, "layout": book_layout(phone["layout"])}
        spec = {"data": data, "layout": layout, "config": PLOTLY_CONFIG, "phone": phone}
        if fig_dict.get("frames"):
            spec["frames"] = fig_dict["frames"]  # animation frames (slider steps may use them)
        # plotly's JSON, re-dumped compact and with text as UTF-8 rather than \uXXXX escapes
        # (a Chinese character: 3 bytes, not 6); "</" cannot end the <script> early once
        # written as "<\/" (still the same JSON).
        payload = json.dumps(json.loads(to_json_plotly(spec)), ensure_ascii=False,
                             separators=(",", ":")).replace("</", "<\\/")
        global _figure_count
        _figure_count += 1
        div_id = f"fig-{hashlib.sha1(payload.encode()).hexdigest()[:12]}-{_figure_count}"
        height = layout.get("height") or DEFAULT_HEIGHT
        phone_height = phone["layout"].get("height") or height
        # A real <figure>: its <figcaption> (a number, then one sentence on what to notice)
        # names it for screen readers. The plot itself is a group named by the figure's title
        # (its mode-bar button stays reachable, unlike in role="img"). The plot's height is
        # reserved, on a phone the phone layout's (resnet-book.css), so nothing below it
        # moves when plotly.js (deferred) draws it. The number is written by book_ext when
        # the page is written (``FIGURE_NUMBER_CLASS``): figures are numbered 1, 2, ... per
        # page, in the order they appear.
        title = figure_title(fig_dict)
        label = escape(title or describe(fig_dict), quote=True)
        number = escape(text("Figure {n}."), quote=True)
        caption = escape(notice or title or describe(fig_dict))
        html = (
            f'<figure class="{FIGURE_CLASS}">\n'
            f'<div id="{div_id}" class="plotly-graph-div" role="group" aria-label="{label}" '
            f'style="--fig-height:{int(height)}px; --fig-height-phone:{int(phone_height)}px; '
            f'width:100%;"></div>\n'
            f'<script type="application/json" data-plotly-for="{div_id}">{payload}</script>\n'
            f'<figcaption><span class="{FIGURE_NUMBER_CLASS}" data-format="{number}"></span> '
            f'{caption}</figcaption>\n'
            f'</figure>\n'
        )
        return {"text/html": html, "text/plain": describe(fig_dict)}


class LiteRenderer(ExternalRenderer):
    """A plotly renderer for the lite site (JupyterLite, a Pyodide kernel in the browser).

    ``mimebundle(fig)``: the figure as plotly's JSON mime type, its layout made
    ``book_layout`` and its config ``PLOTLY_CONFIG`` (as in the book), with transparent
    backgrounds where it sets none (``LITE_BACKGROUNDS``), and the one-line ``text/plain``
    description; ``render`` (what ``fig.show()`` and ``display(fig)`` call)
    displays that bundle.
    """

    def mimebundle(self, fig_dict) -> dict:
        fig_dict = _figure_dict(fig_dict, "mimebundle")
        layout = book_layout(fig_dict.get("layout") or {})
        for key, colour in LITE_BACKGROUNDS.items():
            layout.setdefault(key, colour)
        spec = {"data": fig_dict.get("data") or [], "layout": layout, "config": PLOTLY_CONFIG}
        if fig_dict.get("frames"):
            spec["frames"] = fig_dict["frames"]
        # through JSON and back: numpy arrays and dates become plain JSON values
        return {PLOTLY_MIMETYPE: json.loads(to_json_plotly(spec)),
                "text/plain": describe(fig_dict)}

    def render(self, fig_dict) -> None:
        from IPython.display import display  # present wherever a kernel runs

        display(self.mimebundle(fig_dict), raw=True)


def in_browser() -> bool:
    """True in a Python that runs in the browser (Pyodide, e.g. JupyterLite's kernel)."""
    return sys.platform == "emscripten"


#: Plot width (px) that text must fit on a phone held upright (a 360-420 px screen, less the
#: page's padding), and the width of an average character relative to its font size.
PHONE_TEXT_PX, CHAR_EM = 300, 0.58


def _chars(size: float) -> int:
    """Characters of a line that fit ``PHONE_TEXT_PX`` at font size ``size``."""
    return int(PHONE_TEXT_PX / (CHAR_EM * size))


def phone_layout(layout: dict) -> dict:
    """A figure's layout for a phone held upright (about 340 px of plot width), made from
    the desktop one: the title and the text annotations re-wrapped to fit (at most 14 and
    12 px), the legend moved below the plot in rows, narrower side margins; the figure
    grows by the lines it gained, so nothing is cut off and nothing overlaps. A figure can
    bring its own phone layout instead (``resnet_lib.style.with_phone_variant``)."""
    layout = copy.deepcopy(dict(layout))
    top = bottom = 0  # px gained above and below the plot area
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        size = min((title.get("font") or {}).get("size") or 17, 14)
        before = len(re.split(r"<br\s*/?>", title["text"]))
        text, lines = wrap_text(title["text"], _chars(size))
        # from the top of the figure down; the top margin grows with the lines it gained
        layout["title"] = {**title, "text": text, "yref": "container", "y": 1,
                           "yanchor": "top", "pad": {"t": 22},
                           "font": {**(title.get("font") or {}), "size": size}}
        top += int(1.4 * size) * (lines - before) + 12
    above = 0  # the most lines any note above the plot gained (notes may share a place)
    for note in layout.get("annotations") or []:
        if not note.get("text") or note.get("showarrow") or note.get("xref", "x") != "paper":
            continue
        size = min((note.get("font") or {}).get("size") or 12, 12)
        before = len(re.split(r"<br\s*/?>", note["text"]))
        note["text"], lines = wrap_text(note["text"], _chars(size))
        note["font"] = {**(note.get("font") or {}), "size": size}
        if note.get("yref", "y") == "paper" and (note.get("y") or 0) >= 1:
            above = max(above, int(1.3 * size) * (lines - before))
    top += above
    margin = dict(layout.get("margin") or {})
    margin["l"] = min(margin.get("l", 80), 48)
    margin["r"] = min(margin.get("r", 80), 12)
    margin["t"] = margin.get("t", 100) + top
    if layout.get("showlegend") is not False:
        legend = dict(layout.get("legend") or {})
        legend.update(orientation="h", x=0, xanchor="left", y=0, yanchor="bottom",
                      yref="container")
        legend.pop("xref", None)
        layout["legend"] = legend
        bottom += 64
        margin["b"] = margin.get("b", 80) + bottom
    layout["margin"] = margin
    layout["height"] = (layout.get("height") or DEFAULT_HEIGHT) + top + bottom
    return layout


def book_layout(layout: dict) -> dict:
    """A copy of a figure's layout as the book shows it: no drag mode (no zoom, pan or
    selection box) and every x/y axis at a fixed range, so a finger swiping over a figure
    scrolls the page instead of zooming into empty axes."""
    layout = copy.deepcopy(dict(layout))
    layout["dragmode"] = False
    for key in {"xaxis", "yaxis", *(k for k in layout if _AXIS_KEY.match(k))}:
        axis = dict(layout.get(key) or {})
        axis["fixedrange"] = True
        layout[key] = axis
    return layout


def with_caption(fig: go.Figure, notice: str) -> go.Figure:
    """Give ``fig`` its caption: one sentence on what the reader should notice in it.

    Kept in ``layout.meta["caption"]`` (beside a phone variant, if any); the book's
    renderer writes it as the ``<figcaption>`` of the figure, after the figure's number.
    ``notice`` is text the reader sees: pass it through ``resnet_lib.i18n.text``.
    """
    if not isinstance(fig, BaseFigure):
        raise TypeError(f"with_caption(): fig must be a go.Figure, got {type(fig).__name__}")
    if not isinstance(notice, str) or not notice.strip():
        raise ValueError(f"with_caption(): notice must be a non-empty sentence, got {notice!r}")
    meta = fig.layout.meta
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta[CAPTION_KEY] = " ".join(notice.split())
    fig.update_layout(meta=meta)
    return fig


def figure_caption(fig_dict: dict | BaseFigure) -> str:
    """The caption ``with_caption`` gave a figure ('' if none)."""
    fig_dict = _figure_dict(fig_dict, "figure_caption")
    meta = (fig_dict.get("layout") or {}).get("meta")
    return meta.get(CAPTION_KEY, "") if isinstance(meta, dict) else ""


def _figure_dict(fig_dict: object, name: str) -> dict:
    """``fig_dict`` as a dict: a plotly figure dict as given, a ``go.Figure`` via
    ``to_dict()``; anything else (``None`` included) is a TypeError naming ``name``."""
    if isinstance(fig_dict, dict):
        return fig_dict
    if isinstance(fig_dict, BaseFigure):
        return fig_dict.to_dict()
    raise TypeError(
        f"{name}(): fig_dict must be a plotly figure, a go.Figure or its dict "
        f"(fig.to_dict()); got {fig_dict!r:.60} ({type(fig_dict).__name__})"
    )


def figure_title(fig_dict: dict | BaseFigure) -> str:
    """The figure's title as plain text ('' if it has none); plotly allows <br>, <b>, ...

    ``fig_dict`` is a figure dict (``fig.to_dict()``) or a ``go.Figure``.
    """
    fig_dict = _figure_dict(fig_dict, "figure_title")
    title = (fig_dict.get("layout", {}) or {}).get("title", {}) or {}
    text = title.get("text") if isinstance(title, dict) else title
    if not text:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", str(text)).split())


def describe(fig_dict: dict | BaseFigure) -> str:
    """A one-line, human-readable description of a figure (the text/plain fallback).

    ``fig_dict`` is a figure dict (``fig.to_dict()``) or a ``go.Figure``.
    """
    fig_dict = _figure_dict(fig_dict, "describe")
    traces = fig_dict.get("data", []) or []
    kinds: dict[str, int] = {}
    for trace in traces:
        kind = trace.get("type", "scatter")
        kinds[kind] = kinds.get(kind, 0) + 1
    what = ", ".join(f"{n} {kind} trace{'s' if n > 1 else ''}" for kind, n in kinds.items())
    text = figure_title(fig_dict)
    name = f" {text!r}" if text else ""
    return f"<plotly Figure{name} ({what or 'no traces'})>"


def in_book_build() -> bool:
    """True in the book build (``book_ext`` sets ``RESNET_BOOK_BUILD=1``) and its kernels."""
    return os.environ.get(BOOK_BUILD_ENV, "") not in ("", "0")


def use_book_renderer(mode: str = "auto") -> None:
    """Register the book's renderer and pick the renderer for this kernel.

    ``mode="auto"`` (the chapters' call): ``"resnet_book"`` inside the book build,
    ``"resnet_lite"`` in the browser (JupyterLite), plotly's own default for this front end
    anywhere else (see the module docstring for why), with the
    book's ``PLOTLY_CONFIG`` (no cloud links, a one-button mode bar). ``mode="book"`` /
    ``mode="live"`` force one or the other; going back to live after the book's renderer
    restores the default plotly had before it (e.g. ``"colab"``). Returns None, so that the
    chapters' hidden first cell prints nothing; ``plotly.io.renderers.default`` names the
    renderer in use.
    """
    global _previous_default
    if mode not in ("auto", "book", "live"):
        raise ValueError(f"mode must be 'auto', 'book' or 'live', not {mode!r}")
    if RENDERER_NAME not in pio.renderers:
        pio.renderers[RENDERER_NAME] = BookRenderer()
    if LITE_RENDERER_NAME not in pio.renderers:
        pio.renderers[LITE_RENDERER_NAME] = LiteRenderer()
    if mode == "auto" and in_browser() and not in_book_build():
        pio.renderers.default = LITE_RENDERER_NAME
        return
    if mode == "book" or (mode == "auto" and in_book_build()):
        if pio.renderers.default != RENDERER_NAME:
            _previous_default = pio.renderers.default  # remembered for "live"
        pio.renderers.default = RENDERER_NAME
        return
    if pio.renderers.default == RENDERER_NAME:
        # "live" after "book" in the same kernel: back to the default plotly had chosen for
        # this front end (Colab, VS Code, JupyterLab, ...) before the book's replaced it.
        restored = FALLBACK_LIVE_RENDERER if _previous_default is None else _previous_default
        pio.renderers.default = restored
        _previous_default = None
    for name in pio.renderers.default.split("+"):
        renderer = pio.renderers[name] if name in pio.renderers else None
        if renderer is not None and hasattr(renderer, "config"):
            renderer.config = dict(PLOTLY_CONFIG)
