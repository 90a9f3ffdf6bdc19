"""Every figure has a phone layout (resnet_lib.render.phone_layout, or the figure's own)."""

from __future__ import annotations

import json
import re

import pytest

import resnet_lib as R
from resnet_lib import figures
from resnet_lib.render import BookRenderer, _chars
from resnet_lib.style import wrap_text

FIGURES = {
    "explorer": lambda: figures.static_explorer_figure(sizes=(32, 224)),
    "stage_costs": lambda: figures.stage_costs_figure(("resnet34", "resnet50")),
    "diagram": lambda: figures.resnet_diagram_figure("resnet34", 224),
    "stem_sides": figures.stem_sides_figure,
    "stride": figures.stride_placement_figure,
    "block_counts": figures.block_counts_figure,
    "layer_counts": figures.layer_counts_figure,
    "blocks": lambda: figures.block_diagram_figure({"BasicBlock": R.resnet34().layer2[0]}),
}


def visible_lines(text: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", line) for line in re.split(r"<br\s*/?>", text)]


def test_wrap_text_breaks_at_spaces_and_keeps_tags():
    text, lines = wrap_text("<b>ResNet-34</b>: parameters and multiply-adds per stage", 20)
    # "ResNet-34: parameters" is 21 visible characters: the first break comes before it
    assert lines == 4 and text.startswith("<b>ResNet-34</b>:<br>")
    assert all(len(line) <= 20 for line in visible_lines(text))
    assert wrap_text("one<br>two", 40) == ("one<br>two", 2)


@pytest.mark.parametrize("name", list(FIGURES))
def test_phone_layout_fits_and_reserves_its_height(name):
    html = BookRenderer().to_mimebundle(FIGURES[name]().to_dict())["text/html"]
    spec = json.loads(re.search(r'<script type="application/json"[^>]*>(.*)</script>', html,
                                re.S).group(1).replace("<\\/", "</"))
    phone = spec["phone"]["layout"]
    title = phone["title"]["text"]
    size = phone["title"]["font"]["size"]
    assert all(len(line) <= _chars(size) for line in visible_lines(title))
    assert phone["dragmode"] is False
    height = int(re.search(r"--fig-height-phone:(\d+)px", html).group(1))
    assert height == phone["height"] >= 200
    legends = {t.get("showlegend", True) for t in spec.get("phone", {}).get("data") or
               spec["data"]} - {False}
    if legends and phone.get("showlegend") is not False:
        assert phone["legend"]["orientation"] == "h"  # in rows below the plot


def test_a_figure_may_bring_its_own_phone_data():
    html = BookRenderer().to_mimebundle(figures.block_counts_figure().to_dict())["text/html"]
    spec = json.loads(re.search(r'<script type="application/json"[^>]*>(.*)</script>', html,
                                re.S).group(1).replace("<\\/", "</"))
    assert "meta" not in spec["layout"]  # moved out of the desktop layout, not duplicated
    wide_names, phone_names = spec["data"][0]["y"], spec["phone"]["data"][0]["y"]
    assert wide_names[0] == "ResNet-18 (BasicBlock)"
    assert phone_names[0] == "ResNet-18<br>1 + 2 x 8 + 1 = 18 layers"
    assert not spec["phone"]["layout"].get("annotations")  # formulas moved under the names
