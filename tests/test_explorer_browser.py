"""The static feature-map explorer in a real browser: with no kernel, its controls work.

Loads chapter 6 of the built book in headless Chromium (see ``tests/browser.py``), moves
the native input-size slider with the arrow keys and picks from the native network menu, as
a keyboard reader would (``book-figures.js`` turns plotly's slider and dropdown into these),
and checks the drawn bar labels and the figure's data against ``stage_table``.

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
        page.wait_for_selector(".figure-controls input[type=range]")
        page.wait_for_function("() => document.querySelector('.figure-controls')"
                               ".closest('.cell_output').querySelector('.bartext')")
        yield page
        assert not errors, f"JavaScript errors on the page: {errors}"


def explorer(page):
    """The explorer's output: its native controls and its plotly figure (the one with a
    slider)."""
    return page.locator(".cell_output", has=page.locator(".figure-controls input[type=range]"))


def plot(fig):
    return fig.locator(".js-plotly-plot").first


def expected_labels(arch: str, size: int, stem: str = "imagenet", stride_in: str = "3x3"):
    rows = stage_table(arch, size, stem=stem, stride_in=stride_in)
    return [f"{rows[n].channels}×{rows[n].height}×{rows[n].width}" for n in STAGES]


def shape_labels(fig) -> list[str]:
    """The C×H×W labels drawn on the visible bars, left to right."""
    texts = plot(fig).locator("text.bartext").all_text_contents()
    return [t for t in texts if SHAPE_LABEL.match(t)]


def current_size(fig) -> str:
    return fig.locator(".figure-controls output").first.text_content()


def visible_data(fig) -> dict:
    """Read (not drive) the figure's state: y and customdata of the visible traces."""
    return plot(fig).evaluate("""gd => {
        const shown = gd.data.filter(t => t.visible === true);
        return {side: shown[0].y, channels: shown[0].customdata, act: shown[1].customdata,
                macs: shown[3].y, colors: shown[0].marker.color};
    }""")


def wait_for_labels(page, fig, labels: list[str]) -> None:
    page.wait_for_function(
        """([gd, want]) => {
            const got = Array.from(gd.querySelectorAll('text.bartext'), t => t.textContent)
              .filter(t => /^\\d+×\\d+×\\d+$/.test(t));
            return JSON.stringify(got) === JSON.stringify(want);
        }""", arg=[plot(fig).element_handle(), labels], timeout=10_000)


def move_slider_to(page, fig, size: int, expected: list[str]) -> None:
    """Move the native slider with the arrow keys until it shows ``size`` (a keyboard
    reader's way), then wait until the bars carry ``expected``."""
    slider = fig.locator(".figure-controls input[type=range]")
    slider.focus()
    for _ in range(40):
        now = int(current_size(fig))
        if now == size:
            break
        page.keyboard.press("ArrowRight" if now < size else "ArrowLeft")
    assert current_size(fig) == str(size)
    assert slider.get_attribute("aria-valuetext") == str(size)
    wait_for_labels(page, fig, expected)


def pick_network(page, fig, label: str, expected: list[str]) -> None:
    menu = fig.locator(".figure-controls select")
    menu.select_option(label=label)
    assert menu.evaluate("m => m.options[m.selectedIndex].text") == label
    wait_for_labels(page, fig, expected)


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
    assert current_size(fig) == "224"
    # real, labelled controls: a screen reader announces them by these names
    assert fig.locator("label", has=page.locator("select")).inner_text().startswith("Network")
    assert "Input size" in fig.locator("label", has=page.locator("input")).inner_text()
    assert shape_labels(fig) == expected_labels("resnet50", 224)
    assert shape_labels(fig)[-1] == "2048×7×7"


def test_moving_the_slider_redraws_the_bars(page):
    fig = explorer(page)
    move_slider_to(page, fig, 64, expected_labels("resnet50", 64))
    check_numbers(fig, "resnet50", 64)
    assert shape_labels(fig)[-1] == "2048×2×2"
    assert "64×64 input" in " ".join(plot(fig).locator(".annotation-text").all_text_contents())
    move_slider_to(page, fig, 97, expected_labels("resnet50", 97))  # odd: halvings round up
    check_numbers(fig, "resnet50", 97)
    assert shape_labels(fig)[-1] == "2048×4×4"


def test_the_dropdown_and_the_slider_combine(page):
    fig = explorer(page)
    pick_network(page, fig, Variant("resnet18", "cifar").label,
                 expected_labels("resnet18", 224, "cifar"))
    check_numbers(fig, "resnet18", 224, "cifar")  # the size stayed at 224
    move_slider_to(page, fig, 32, expected_labels("resnet18", 32, "cifar"))
    check_numbers(fig, "resnet18", 32, "cifar")
    assert shape_labels(fig)[-1] == "512×4×4"
    pick_network(page, fig, Variant("resnet18", "imagenet").label,
                 expected_labels("resnet18", 32))
    data = check_numbers(fig, "resnet18", 32, "imagenet")  # still 32: collapsed to 1×1
    assert shape_labels(fig)[-1] == "512×1×1"
    assert data["colors"][-1].upper() == "#D55E00"
    fills = plot(fig).locator(".subplot.xy .trace.bars").first.locator("path").evaluate_all(
        "paths => paths.map(p => getComputedStyle(p).fill)")
    assert fills[-1] == VERMILLION and fills[0] != VERMILLION
    pick_network(page, fig, Variant("resnet152", "imagenet", "1x1").label,
                 expected_labels("resnet152", 32, "imagenet", "1x1"))
    check_numbers(fig, "resnet152", 32, "imagenet", "1x1")
