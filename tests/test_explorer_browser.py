"""The static feature-map explorer in a real browser: with no kernel, its controls work.

Loads chapter 6 of the built book in headless Chromium (see ``tests/browser.py``), clicks
the input-size slider and the network dropdown like a reader, and checks the drawn bar
labels and the figure's data against ``stage_table``.

The built site is the session's strict build (``built_book`` in conftest.py); set
``RESNET_BOOK_HTML=/path/to/_build/html`` to test an already built site instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, require_chromium, require_file, serve

from resnet_lib import stage_table
from resnet_lib.explorer import STAGES, Variant

PAGE = "chapters/06_explorer.html"
SHAPE_LABEL = re.compile(r"^\d+×\d+×\d+$")
VERMILLION = "rgb(213, 94, 0)"  # PALETTE["vermillion"], as the browser reports a fill


@pytest.fixture(scope="module")
def site(request) -> Path:
    require_chromium()  # before any build: no browser, no point building
    html = request.getfixturevalue("built_book").html
    require_file(html / PAGE, "build the book first (`make book`)")
    return html


@pytest.fixture
def page(site: Path) -> Iterator[object]:
    with serve(site) as base, chromium() as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"{base}/{PAGE}")
        page.wait_for_selector(".js-plotly-plot .slider-container")
        yield page
        assert not errors, f"JavaScript errors on the page: {errors}"


def explorer(page):
    """The explorer figure: the one plotly figure on the page with a slider."""
    return page.locator(".js-plotly-plot", has=page.locator(".slider-container")).first


def expected_labels(arch: str, size: int, stem: str = "imagenet", stride_in: str = "3x3"):
    rows = stage_table(arch, size, stem=stem, stride_in=stride_in)
    return [f"{rows[n].channels}×{rows[n].height}×{rows[n].width}" for n in STAGES]


def shape_labels(fig) -> list[str]:
    """The C×H×W labels drawn on the visible bars, left to right."""
    texts = fig.locator("text.bartext").all_text_contents()
    return [t for t in texts if SHAPE_LABEL.match(t)]


def current_size(fig) -> str:
    return fig.locator(".slider-container .slider-label").first.text_content()


def visible_data(fig) -> dict:
    """Read (not drive) the figure's state: y and customdata of the visible traces."""
    return fig.evaluate("""gd => {
        const shown = gd.data.filter(t => t.visible === true);
        return {side: shown[0].y, channels: shown[0].customdata, act: shown[1].customdata,
                macs: shown[3].y, colors: shown[0].marker.color};
    }""")


def click_slider_step(page, fig, size: int) -> None:
    """Click the slider's rail right above the tick labelled ``size``, as a reader would."""
    label = fig.locator(".slider-labels text.slider-label").filter(
        has_text=re.compile(rf"^{size}$"))
    label.scroll_into_view_if_needed()  # the mouse can only click inside the viewport
    rail = fig.locator(".slider-rail-touch-rect").bounding_box()
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, rail["y"] + rail["height"] / 2)
    page.wait_for_function(
        "([el, size]) => el.querySelector('.slider-label').textContent.endsWith(': ' + size)",
        arg=[fig.element_handle(), str(size)], timeout=10_000)


def pick_network(page, fig, label: str) -> None:
    fig.locator(".updatemenu-header").click()
    exactly = re.compile(rf"^{re.escape(label)}$")
    fig.locator(".updatemenu-dropdown-button", has_text=exactly).click()
    page.wait_for_function(
        "([el, label]) => el.querySelector('.updatemenu-header .updatemenu-item-text')"
        ".textContent === label", arg=[fig.element_handle(), label], timeout=10_000)


def check_numbers(fig, arch: str, size: int, stem: str = "imagenet", stride_in: str = "3x3"):
    rows = stage_table(arch, size, stem=stem, stride_in=stride_in)
    assert shape_labels(fig) == expected_labels(arch, size, stem, stride_in)
    data = visible_data(fig)
    assert data["side"] == [rows[n].height for n in STAGES]
    assert data["channels"] == [rows[n].channels for n in STAGES]
    assert data["act"] == [rows[n].activations for n in STAGES]
    assert data["macs"] == [rows[n].macs for n in STAGES]
    return data


def test_the_page_opens_on_resnet50_at_224(page):
    fig = explorer(page)
    assert current_size(fig).endswith(": 224")
    assert shape_labels(fig) == expected_labels("resnet50", 224)
    assert shape_labels(fig)[-1] == "2048×7×7"


def test_moving_the_slider_redraws_the_bars(page):
    fig = explorer(page)
    click_slider_step(page, fig, 64)
    check_numbers(fig, "resnet50", 64)
    assert shape_labels(fig)[-1] == "2048×2×2"
    assert "64×64 input" in " ".join(fig.locator(".annotation-text").all_text_contents())
    click_slider_step(page, fig, 97)  # an odd size: every halving rounds up
    check_numbers(fig, "resnet50", 97)
    assert shape_labels(fig)[-1] == "2048×4×4"


def test_the_dropdown_and_the_slider_combine(page):
    fig = explorer(page)
    pick_network(page, fig, Variant("resnet18", "cifar").label)
    check_numbers(fig, "resnet18", 224, "cifar")  # the size stayed at 224
    click_slider_step(page, fig, 32)
    check_numbers(fig, "resnet18", 32, "cifar")
    assert shape_labels(fig)[-1] == "512×4×4"
    pick_network(page, fig, Variant("resnet18", "imagenet").label)
    data = check_numbers(fig, "resnet18", 32, "imagenet")  # still 32: collapsed to 1×1
    assert shape_labels(fig)[-1] == "512×1×1"
    assert data["colors"][-1].upper() == "#D55E00"
    fills = fig.locator(".subplot.xy .trace.bars").first.locator("path").evaluate_all(
        "paths => paths.map(p => getComputedStyle(p).fill)")
    assert fills[-1] == VERMILLION and fills[0] != VERMILLION
    pick_network(page, fig, Variant("resnet152", "imagenet", "1x1").label)
    check_numbers(fig, "resnet152", 32, "imagenet", "1x1")
