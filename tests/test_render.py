"""resnet_lib.render: one figure configuration for the whole book, and the renderer choice."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from bs4 import BeautifulSoup

from resnet_lib import render

PLOTLY_DIV = "plotly-graph-div"


@pytest.fixture
def restore_plotly_default():
    before = pio.renderers.default
    configs = {name: getattr(pio.renderers[name], "config", None) for name in ("colab", "vscode")}
    yield
    pio.renderers.default = before
    for name, config in configs.items():
        pio.renderers[name].config = config


def small_figure(**layout) -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title_text": "Two bars", **layout})


def rendered(fig: go.Figure) -> tuple[BeautifulSoup, dict]:
    """The renderer's HTML, parsed, and the figure JSON it carries."""
    html = BeautifulSoup(render.BookRenderer().to_mimebundle(fig.to_dict())["text/html"],
                         "html.parser")
    div = html.select_one(f"div.{PLOTLY_DIV}")
    data = html.select_one(f'script[type="application/json"][data-plotly-for="{div["id"]}"]')
    return html, json.loads(data.string)


def test_book_renderer_emits_the_figure_as_data_without_any_script_code():
    bundle = render.BookRenderer().to_mimebundle(small_figure().to_dict())
    assert set(bundle) == {"text/html", "text/plain"}
    html, spec = rendered(small_figure())
    # No plotly.js, no MathJax, no CDN, and no inline code: only a JSON data block, which
    # the site's deferred book-figures.js draws once plotly.js has loaded.
    scripts = html.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/json"]
    assert not any(s.get("src") for s in scripts)
    text = str(html).lower()
    assert "cdn" not in text and "mathjax" not in text and "newplot" not in text
    assert len(text) < 50_000  # plotly.js itself is ~4.8 MB
    assert spec["data"][0]["type"] == "bar" and spec["data"][0]["y"] == [1, 2]
    assert bundle["text/plain"] == "<plotly Figure 'Two bars' (1 bar trace)>"
    div = html.select_one(f"div.{PLOTLY_DIV}")
    assert div["role"] == "group" and div["aria-label"] == "Two bars"


def test_a_figure_is_a_figure_element_with_its_caption():
    """<figure>: the plot, then a <figcaption> (an empty number that book_ext fills, then the
    caption given with with_caption; the title when a figure has none)."""
    fig = render.with_caption(small_figure(), "Notice  that b is\ntwice a.")
    html, spec = rendered(fig)
    figure = html.find("figure")
    assert html.find_all(recursive=False) == [figure]  # the whole output is the figure
    assert figure.select_one(f"div.{PLOTLY_DIV}") is not None
    caption = figure.find_all(recursive=False)[-1]
    assert caption.name == "figcaption"
    number = caption.select_one("span.figure-number")
    assert number.get_text() == "" and number["data-format"] == "Figure {n}."
    assert caption.get_text(" ", strip=True) == "Notice that b is twice a."
    assert "caption" not in (spec["layout"].get("meta") or {})  # not sent twice
    html, _ = rendered(small_figure())
    assert html.find("figcaption").get_text(" ", strip=True) == "Two bars"


def test_caption_text_is_escaped_and_in_the_current_language(monkeypatch):
    from resnet_lib import i18n

    monkeypatch.setitem(i18n.ZH, "Figure {n}.", "图 {n}.")
    fig = render.with_caption(small_figure(), "a < b & c")
    assert "a &lt; b &amp; c" in render.BookRenderer().to_mimebundle(fig.to_dict())["text/html"]
    i18n.set_language("zh")
    try:
        html, _ = rendered(fig)
    finally:
        i18n.set_language("en")
    assert html.select_one("span.figure-number")["data-format"] == "图 {n}."


def test_with_caption_keeps_the_phone_variant_and_checks_its_arguments():
    from resnet_lib.style import with_phone_variant

    fig = with_phone_variant(small_figure(), small_figure(height=700))
    render.with_caption(fig, "One sentence.")
    assert render.figure_caption(fig) == "One sentence."
    assert fig.layout.meta["phone"]["layout"]["height"] == 700
    assert render.figure_caption(small_figure()) == ""
    with pytest.raises(ValueError, match="notice"):
        render.with_caption(small_figure(), "  ")
    with pytest.raises(TypeError, match="fig"):
        render.with_caption({"data": []}, "One sentence.")


def test_the_figure_json_cannot_close_its_script_element():
    fig = small_figure(title_text="</script><script>alert(1)</script>")
    html = render.BookRenderer().to_mimebundle(fig.to_dict())["text/html"]
    assert html.count("</script>") == 1  # only the data block's own end tag
    _, spec = rendered(fig)
    assert spec["layout"]["title"]["text"] == "</script><script>alert(1)</script>"


def test_every_figure_has_the_books_configuration_and_no_cloud_link():
    _, spec = rendered(small_figure())
    config = spec["config"]
    assert config["modeBarButtons"] == [["toImage"]]  # download as PNG, nothing else
    assert config["displaylogo"] is False and config["responsive"] is True
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["showLink"] is False and config["scrollZoom"] is False
    assert "plotlyServerURL" not in config
    assert not re.search(r"plot\.ly|chart-studio|chart studio", json.dumps(spec), re.I)


def test_figures_never_capture_a_swipe():
    """No drag mode and every axis fixed, so touch scrolling passes through to the page."""
    fig = go.Figure(layout={"title_text": "Two panels", "dragmode": "zoom",
                            "xaxis2": {"range": [0, 1]}, "yaxis3": {"title_text": "c"}})
    fig.add_bar(x=[1], y=[1])
    _, spec = rendered(fig)
    layout = spec["layout"]
    assert layout["dragmode"] is False
    axes = sorted(k for k in layout if re.fullmatch(r"[xy]axis\d*", k))
    assert axes == ["xaxis", "xaxis2", "yaxis", "yaxis3"]
    assert all(layout[k]["fixedrange"] is True for k in axes)
    assert layout["xaxis2"]["range"] == [0, 1]  # the figure's own settings are kept


def test_the_figures_height_is_reserved_before_plotly_draws_it():
    html, _ = rendered(small_figure(height=321))
    assert "height:321px" in html.select_one(f"div.{PLOTLY_DIV}")["style"]
    html, _ = rendered(small_figure())
    assert f"height:{render.DEFAULT_HEIGHT}px" in html.select_one(f"div.{PLOTLY_DIV}")["style"]


def test_two_identical_figures_get_different_ids():
    first, _ = rendered(small_figure())
    second, _ = rendered(small_figure())
    assert first.select_one("div")["id"] != second.select_one("div")["id"]


def test_figure_label_is_plain_text_and_escaped():
    fig = go.Figure(go.Bar(x=[1], y=[1]), layout_title_text='A <b>"bold"</b><br>title & more')
    html = render.BookRenderer().to_mimebundle(fig.to_dict())["text/html"]
    assert 'aria-label="A &quot;bold&quot; title &amp; more"' in html


def test_use_book_renderer_picks_the_book_renderer_only_in_the_book_build(
    monkeypatch, restore_plotly_default
):
    pio.renderers.default = "colab"  # what plotly picks on import in Google Colab
    monkeypatch.delenv(render.BOOK_BUILD_ENV, raising=False)
    assert render.use_book_renderer() is None  # prints nothing in a chapter's first cell
    assert pio.renderers.default == "colab"  # a live kernel: plotly's choice stays ...
    assert pio.renderers["colab"].config == render.PLOTLY_CONFIG  # ... with the book's config
    assert render.RENDERER_NAME in pio.renderers
    monkeypatch.setenv(render.BOOK_BUILD_ENV, "1")
    render.use_book_renderer()
    assert pio.renderers.default == render.RENDERER_NAME
    bundle = small_figure()._repr_mimebundle_()
    assert PLOTLY_DIV in bundle["text/html"] and "text/plain" in bundle
    render.use_book_renderer("live")
    assert pio.renderers.default == "colab"  # the original default comes back
    with pytest.raises(ValueError, match="mode"):
        render.use_book_renderer("cdn")


def test_use_book_renderer_live_restores_the_front_ends_own_default(
    monkeypatch, restore_plotly_default
):
    monkeypatch.delenv(render.BOOK_BUILD_ENV, raising=False)
    pio.renderers.default = "colab"
    render.use_book_renderer("book")
    render.use_book_renderer("book")  # twice: the earlier default is still remembered
    assert pio.renderers.default == render.RENDERER_NAME
    render.use_book_renderer("live")
    assert pio.renderers.default == "colab"
    render.use_book_renderer("live")  # already live: left alone
    assert pio.renderers.default == "colab"
    pio.renderers.default = "vscode"
    render.use_book_renderer("book")
    render.use_book_renderer()  # "auto" outside the build, after "book"
    assert pio.renderers.default == "vscode"


def test_animation_frames_travel_with_the_figure():
    fig = small_figure()
    fig.frames = [go.Frame(data=[go.Bar(y=[3, 4])], name="later")]
    _, spec = rendered(fig)
    assert [f["name"] for f in spec["frames"]] == ["later"]
    assert "frames" not in rendered(small_figure())[1]
