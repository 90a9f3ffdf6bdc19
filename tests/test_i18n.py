"""The library's reader-visible text in Chinese (resnet_lib.i18n): looked up when a figure is
built, and no untranslated English phrase left in the figures converted so far."""

from __future__ import annotations

import re

import pytest

from resnet_lib import i18n
from resnet_lib.figures.stages import block_counts_figure, stage_costs_figure

#: Words that may stay English in a Chinese figure: identifiers, model and unit names.
ALLOWED = re.compile(r"^(ResNet|ResNeXt|Wide|BasicBlock|Bottleneck|layer|conv|maxpool|avgpool|"
                     r"fc|extra|customdata|text|span|style|font|size|px|br|v1|G|M|k|x|y)$",
                     re.I)


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def visible_strings(fig) -> list[str]:
    """Every string of a figure a reader can see: titles, axis titles, trace names, hover
    templates, annotations, menu labels."""
    out = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "name", "hovertemplate", "label"):
            out.append(node)

    spec = fig.to_plotly_json()
    walk(spec["layout"])
    walk(spec["data"])
    return out


def english_words(s: str) -> list[str]:
    s = re.sub(r"<[^>]+>|%\{[^}]*\}", " ", s)
    return [w for w in re.findall(r"[A-Za-z]{2,}", s) if not ALLOWED.match(w)]


@pytest.mark.parametrize("build", [
    lambda: stage_costs_figure(("resnet34", "resnet50")),
    lambda: block_counts_figure(),
])
def test_stage_figures_have_no_english_left_in_chinese(chinese, build):
    fig = build()
    leftovers = {s: english_words(s) for s in visible_strings(fig) if english_words(s)}
    assert not leftovers, leftovers


def test_the_same_figure_is_english_again_after_switching_back(chinese):
    zh_title = block_counts_figure().layout.title.text
    i18n.set_language("en")
    en_title = block_counts_figure().layout.title.text
    assert re.search(r"[\u4e00-\u9fff]", zh_title) and not re.search(r"[\u4e00-\u9fff]", en_title)


def test_every_catalog_template_keeps_its_fields():
    """A Chinese entry fills the same {fields} as its English key (text() formats both)."""
    field = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
    for english, chinese_text in i18n.ZH.items():
        assert set(field.findall(english)) == set(field.findall(chinese_text)), english


def test_text_rejects_nothing_and_falls_back_to_english():
    assert i18n.text("a string no catalog has") == "a string no catalog has"
    assert i18n.text("{n} things", n=3) == "3 things"
