"""The library's reader-visible text in Chinese (resnet_lib.i18n): looked up when a figure is
built, and no untranslated English phrase left in the figures converted so far."""

from __future__ import annotations

import re

import pytest
import torch

from resnet_lib import build, costs, i18n, throughput
from resnet_lib.blocks import BasicBlock, Bottleneck
from resnet_lib.explorer import stage_data
from resnet_lib.figures import (
    accuracy_cost_figure,
    block_counts_figure,
    block_diagram_figure,
    cost_scaling_figure,
    degradation_figure,
    family_costs_figure,
    gradient_flow_figure,
    latency_vs_macs_figure,
    layer_counts_figure,
    lr_schedules_figure,
    macs_paper_vs_code_figure,
    memory_share_figure,
    projection_reads_figure,
    relative_costs_figure,
    resnet_diagram_figure,
    stage_costs_figure,
    stage_figure,
    static_explorer_figure,
    stem_comparison_figure,
    stem_sides_figure,
    stride_placement_figure,
    structure_figure,
    table1_table,
    training_curves_figure,
)
from resnet_lib.progress import GradientProgress, LatencyProgress, Progress, TrainingProgress

#: Words that may stay English in a Chinese figure: identifiers (module and stage names),
#: names of models, data sets, libraries and authors, units and acronyms a Chinese ML text
#: keeps (MACs, MB, ms, CPU, fp32, SGD, top-1, nat), and plotly markup.
ALLOWED = re.compile(
    r"^(ResNet|ResNeXt|Wide|BasicBlock|Bottleneck|layer|conv|maxpool|avgpool|fc|downsample|"
    r"BN|ReLU|Conv|torchvision|ImageNet|CIFAR|He|NVIDIA|CPU|GPU|MACs|GFLOPS|MB|ms|fp|SGD|top|nat|"
    r"extra|customdata|text|span|style|font|size|px|br|sup|v1|G|M|k|x|y)$")


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def visible_strings(fig) -> list[str]:
    """Every string of a figure a reader can see: titles, axis titles, annotations and menu
    labels (layout), trace names, text and hover text (data). An annotation's ``name`` is
    an identifier, not shown."""
    out = []

    def walk(node, keys, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, keys, k)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v, keys, key)
        elif isinstance(node, str) and key in keys:
            out.append(node)

    spec = fig.to_plotly_json()
    phone = spec["layout"].pop("meta", {}).get("phone")  # style.with_phone_variant
    for variant in (spec, phone) if phone else (spec,):
        walk(variant["layout"], ("text", "label", "prefix"))
        walk(variant["data"], ("text", "name", "hovertemplate", "hovertext"))
    return out


def english_words(s: str) -> list[str]:
    s = re.sub(r"<[^>]+>|%\{[^}]*\}", " ", s)
    return [w for w in re.findall(r"[A-Za-z]{2,}", s) if not ALLOWED.match(w)]


def latencies() -> list[costs.Latency]:
    """Made-up CPU timings (the figures' text does not depend on the numbers)."""
    return [costs.Latency(name, ms, (ms * 0.9, ms, ms * 1.5), 1, (224, 224), 1, 2, "cpu",
                          torch.__version__, "test machine")
            for name, ms in (("resnet18", 30.0), ("resnet34", 55.0), ("resnet50", 80.0))]


#: The figures whose text goes through the catalog so far, called as the chapters call them.
FIGURES = {
    "resnet_diagram": lambda: resnet_diagram_figure("resnet34"),
    "resnet_diagram_cifar": lambda: resnet_diagram_figure("resnet18", 32, stem="cifar"),
    "stem_sides": lambda: stem_sides_figure(),
    "stage_costs": lambda: stage_costs_figure(("resnet34", "resnet50")),
    "block_counts": lambda: block_counts_figure(),
    "block_diagram": lambda: block_diagram_figure(
        {"BasicBlock(64, 64)": BasicBlock(64, 64), "Bottleneck(256, 64)": Bottleneck(256, 64)}),
    "block_diagram_v1_v15": lambda: block_diagram_figure(
        {"v1 (paper): stride on the 1×1": build("resnet50", stride_in="1x1").layer2[0],
         "v1.5 (torchvision): on the 3×3": build("resnet50").layer2[0]},
        title="The first block of layer2 in ResNet-50, two ways"),
    "stride_placement": lambda: stride_placement_figure(),
    "degradation": lambda: degradation_figure(),
    # the network names of gradients.gradient_flow and experiments.plain_vs_residual
    "gradient_flow": lambda: gradient_flow_figure({
        name: {"conv1": 1.0, "layer1.0.conv1": 0.5, "layer2.0.conv1": 0.2, "fc": 0.1}
        for name in ("plain-34", "ResNet-34", "pre-act ResNet-34")}),
    "training_curves": lambda: training_curves_figure({
        name: [2.0 - 0.01 * i for i in range(30)]
        for name in ("plain-10", "ResNet-10", "plain-34", "ResNet-34", "ResNet-34, zero-init")}),
    "static_explorer": lambda: static_explorer_figure(),
    "stage": lambda: stage_figure(stage_data("resnet50", 224)),
    "stem_comparison": lambda: stem_comparison_figure("resnet18", 32),
    "memory_share": lambda: memory_share_figure("resnet50", 224),
    "cost_scaling": lambda: cost_scaling_figure("resnet50"),
    "macs_paper_vs_code": lambda: macs_paper_vs_code_figure(),
    "layer_counts": lambda: layer_counts_figure(),
    "projection_reads": lambda: projection_reads_figure([[1, 0, 1, 0], [0, 0, 0, 0]] * 2),
    "latency_vs_macs": lambda: latency_vs_macs_figure(
        latencies(), costs.cost_table(["resnet18", "resnet34", "resnet50"])),
    "relative_costs": lambda: relative_costs_figure(
        costs.cost_table(["resnet18", "resnet34", "resnet50"]), latencies(),
        throughput.cited_throughput()),
    "lr_schedules": lambda: lr_schedules_figure(),
    "family_costs": lambda: family_costs_figure(),
    "accuracy_cost": lambda: accuracy_cost_figure(
        latency_ms={n: 10.0 * i for i, n in enumerate(
            ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152"), start=1)}),
    "structure": lambda: structure_figure("resnet34"),
    "structure_resnext": lambda: structure_figure("resnext50_32x4d", menu=()),
}


def test_every_figure_function_is_checked():
    """A new figure function joins FIGURES (or this test names it)."""
    import resnet_lib.figures as figures

    functions = {n.removesuffix("_figure") for n in figures.__all__ if n.endswith("_figure")}
    functions -= {"refresh_stage"}  # updates a stage_figure in place (same strings)
    assert functions <= {n.removesuffix("_cifar").removesuffix("_v1_v15")
                         .removesuffix("_resnext") for n in FIGURES}, \
        sorted(functions - set(FIGURES))


def test_table1_is_labelled_in_chinese(chinese):
    """Table 1's header, caption and region name (the cells quote the paper as printed)."""
    html = table1_table().html
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", html).group(1)
    assert re.search(r"[\u4e00-\u9fff]", caption), caption
    assert '<th scope="col">层</th>' in html
    assert 'aria-label="重建的表 1"' in html


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_have_no_english_left_in_chinese(chinese, name):
    fig = FIGURES[name]()
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


def test_the_explorer_table_and_messages_in_chinese(chinese):
    from resnet_lib.widgets import stage_table_html

    html = stage_table_html(stage_data("resnet50", 224))
    headers = re.findall(r"<th scope='col'>(.*?)</th>", html)
    leftovers = {h: english_words(h) for h in headers if english_words(h)}
    assert not leftovers, leftovers
    caption = re.search(r"<caption>(.*?)</caption>", html).group(1)
    assert re.search(r"[\u4e00-\u9fff]", caption), caption
    summary = stage_data("resnet50", 224).summary()
    assert not english_words(summary), summary


def test_progress_bars_in_chinese(chinese):
    bars = {GradientProgress: "正在测量梯度：已完成 1 个网络，共 3 个",
            LatencyProgress: "正在计时：已完成 1 个网络，共 3 个",
            TrainingProgress: "正在训练 普通网络-34：第 1 步，共 3 步",
            Progress: "第 1 步，共 3 步"}
    for bar, expected in bars.items():
        progress = bar()
        progress.start(3)
        progress.step("plain-34")
        assert repr(progress).startswith(expected), bar
    progress.step("plain-34")
    progress.step("plain-34")
    assert repr(progress).startswith("共 3 步，用时 ")


def test_experiment_network_names_in_chinese(chinese):
    assert i18n.network("plain-18") == "普通网络-18"
    assert i18n.network("ResNet-34") == "ResNet-34"
    assert re.search(r"[\u4e00-\u9fff]", i18n.network("pre-act ResNet-34"))
