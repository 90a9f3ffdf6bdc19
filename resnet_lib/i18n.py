"""The language of the text the library writes into figures and printed results.

The book has an English and a Chinese edition whose notebooks run the same code; the only
difference is the setup cell's ``set_language("en")`` / ``set_language("zh")``. Everything
a reader sees that the library writes (figure titles, axis labels, hover text, captions,
control labels) goes through :func:`text`, which looks the English string up in the catalog
of the current language; an English string with no entry stays English. One catalog per
language, one entry per string: no copies of figure functions.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

# English -> Chinese. Keys are the exact English strings the library uses.
ZH: dict[str, str] = {
    # --- figure captions (resnet_lib.render, resnet_lib.figures: with_caption) ---------------
    "Figure {n}.": "图 {n}.",
    "; ": "；",
    "From layer1 to layer4 the feature map shrinks from {h1}×{w1} to {h4}×{w4} pixels while "
    "the channels grow from {c1} to {c4}; point at (or tap) a box for its parameters, "
    "multiply-adds and receptive field.":
        "从 layer1 到 layer4，特征图从 {h1}×{w1} 像素缩小到 {h4}×{w4} 像素，通道数则从 {c1} "
        "增加到 {c4}；将指针移到（或点按）方框上，可查看它的参数量、乘加运算次数和感受野。",
    "{stem}, {size}×{size}: {side}×{side}": "{stem}，{size}×{size}：{side}×{side}",
    "Notice where each line ends, at layer4: {ends}.": "请注意每条线在 layer4 处的终点：{ends}。",
    "{header}: {weights} conv weights, {stride}, {shortcut}":
        "{header}：{weights} 个卷积权重，{stride}，{shortcut}",
    "Compare the columns: {parts}.": "对比各列：{parts}。",
    "stride 1 throughout": "各处步幅均为 1",
    "stride {stride} on the {k}×{k} ({name})": "步幅 {stride} 在 {k}×{k} 卷积上（{name}）",
    "identity shortcut": "恒等捷径",
    "zero-padding shortcut": "零填充捷径",
    "1×1 projection shortcut": "1×1 投影捷径",
    "Both placements cost the same {total} multiply-adds: no block of {name} changes "
    "resolution inside its main path.":
        "两种放置方式的乘加运算次数相同，都是 {total}："
        "{name} 中没有哪个残差块在主路径内改变分辨率。",
    "Moving the stride from the first 1×1 to the 3×3 adds {extra} multiply-adds ({pct:.1%}), "
    "all of them in {stages}: there the first 1×1 of a downsampling block now runs at the "
    "block's input resolution.":
        "把步幅从第一个 1×1 卷积移到 3×3 卷积，会增加 {extra} 次乘加运算（{pct:.1%}），全部出现在 "
        "{stages}：在那里，下采样残差块的第一个 1×1 卷积现在以该块的输入分辨率运行。",
    "Points above the dotted line took longer than their multiply-adds alone would predict "
    "from {anchor}: {above} of the {n} networks, measured on this machine.":
        "点线上方的点比仅按乘加运算次数（以 {anchor} 为基准）预测的更慢：{n} 个网络中有 {above} "
        "个，均在本机测得。",
    "Relative to {base}, {name} has ×{params:.1f} the parameters and ×{macs:.1f} the "
    "multiply-adds; its measured CPU time is ×{cpu:.1f}.":
        "相对于 {base}，{name} 的参数量是其 {params:.1f} 倍，乘加运算次数是其 {macs:.1f} 倍；"
        "实测 CPU 时间是其 {cpu:.1f} 倍。",
    "On a {n}×{n} image the ImageNet stem leaves layer4 with a {a} map, the CIFAR stem with "
    "{b}.":
        "在 {n}×{n} 的图像上，ImageNet 主干入口使 layer4 的特征图为 {a}，CIFAR 主干入口则为 {b}。",
    "The largest share of the activation memory is in {a} ({ap:.0f}%), the largest share of "
    "the parameters in {p} ({pp:.0f}%).":
        "激活内存占比最大的是 {a}（{ap:.0f}%），参数占比最大的是 {p}（{pp:.0f}%）。",
    "At {s}×{s} ({x:.2f}× the pixels of {r}×{r}) the multiply-adds grow ×{m:.2f} and the "
    "activation memory ×{a:.2f}, while the parameters stay ×{p:.2f}.":
        "在 {s}×{s}（像素数是 {r}×{r} 的 {x:.2f} 倍）时，乘加运算次数变为 {m:.2f} 倍，激活内存变为 "
        "{a:.2f} 倍，而参数量保持 {p:.2f} 倍。",
    "Move the slider and watch layer4's map: at {s}×{s} it is {h}×{w}, {r:g} times smaller a "
    "side than the input; the menu switches the network.":
        "拖动滑块，观察 layer4 的特征图：输入为 {s}×{s} 时它是 {h}×{w}，边长是输入的 1/{r:g}；"
        "菜单可切换网络。",
    "Of these {n} networks, {p} has both the most parameters ({pv:.1f} M) and the most "
    "multiply-adds ({mv:.2f} G per image).":
        "在这 {n} 个网络中，{p} 的参数最多（{pv:.1f} M），乘加运算也最多（每张图像 {mv:.2f} G）。",
    "Of these {n} networks, {p} has the most parameters ({pv:.1f} M) and {m} the most "
    "multiply-adds ({mv:.2f} G per image).":
        "在这 {n} 个网络中，{p} 的参数最多（{pv:.1f} M），"
        "{m} 的乘加运算最多（每张图像 {mv:.2f} G）。",
    "With {series}, going from {a} to {b} raises top-1 accuracy from {acc0:.2f}% to "
    "{acc1:.2f}% for ×{ratio:.1f} the multiply-adds; the buttons put other costs on the x "
    "axis.":
        "以 {series} 为例，从 {a} 到 {b}，top-1 准确率从 {acc0:.2f}% 提高到 {acc1:.2f}%，"
        "乘加运算次数变为 {ratio:.1f} 倍；按钮可把其他代价放到 x 轴上。",
    "The paper's printed numbers are within {gap:.2f} G of ours in the paper's form (stride "
    "on the 1×1) for every network; torchvision's form costs up to {more:.2f} G more.":
        "对每个网络，论文印出的数字与我们按论文形式（步幅在 1×1 卷积上）算出的"
        "相差不超过 {gap:.2f} G；"
        "torchvision 的形式最多多出 {more:.2f} G。",
    "The name counts weighted layers: {name} has {weighted} of them, but {blocks} residual "
    "blocks, {convs} Conv2d modules and {leaves} leaf modules.":
        "名字里的数字是带权重的层数：{name} 有 {weighted} 个这样的层，但有 {blocks} 个残差块、"
        "{convs} 个 Conv2d 模块和 {leaves} 个叶子模块。",
    "{read} of the {total} input positions ({share:.0%}) are read (1); the other {unread} (0) "
    "never reach the output.":
        "{total} 个输入位置中有 {read} 个（{share:.0%}）被读取（1）；其余 {unread} 个（0）"
        "从未影响输出。",
    "From 18 to 34 layers the plain network's top-1 error goes from {p18:.2f}% to {p34:.2f}%, "
    "the ResNet's from {r18:.2f}% to {r34:.2f}%.":
        "从 18 层到 34 层，普通网络的 top-1 错误率从 {p18:.2f}% 变为 {p34:.2f}%，ResNet 的从 "
        "{r18:.2f}% 变为 {r34:.2f}%。",
    "Only the residual network gains from the extra depth.": "只有残差网络从增加的深度中获益。",
    "Notice the left end of each line, the layer next to the input: {parts}.":
        "请注意每条线的左端，即紧邻输入的那一层：{parts}。",
    "Notice where each curve ends (mean loss over its last {n} steps): {parts}.":
        "请注意每条曲线的终点（最后 {n} 步的平均损失）：{parts}。",
    "In {name}, {stage} holds {params:.0%} of the parameters and does {macs:.0%} of the "
    "multiply-adds.":
        "在 {name} 中，{stage} 占 {params:.0%} 的参数，承担 {macs:.0%} 的乘加运算。",
    "The menu shows the other networks.": "菜单可显示其他网络。",
    "Every network has the same four stages; only the blocks per stage change, from {few} in "
    "all in {a} to {many} in {b}.":
        "每个网络都有相同的四个阶段，只有每个阶段的残差块数不同：从 {a} 的共 {few} 个到 {b} 的 "
        "{many} 个。",
    "{kind}: {n}": "{kind}：{n} 个",
    "identities (solid arcs)": "恒等捷径（实线弧）",
    "1×1 projections (dashed arcs)": "1×1 投影捷径（虚线弧）",
    "zero-padding shortcuts (dotted arcs)": "零填充捷径（点线弧）",
    "{name} has {weighted} weighted layers in {blocks} blocks; its shortcuts: {parts}.":
        "{name} 有 {weighted} 个带权重的层，分布在 {blocks} 个残差块中；它的捷径连接：{parts}。",
    "V1 keeps its rate and cuts it {cuts} times (at epochs {epochs}); V2 changes it at "
    "{changes} of its {total} epochs.":
        "V1 保持学习率不变，并在第 {epochs} 个 epoch 处共下调 {cuts} 次；V2 在其 {total} 个 epoch "
        "中有 {changes} 个 epoch 改变学习率。",
    # --- end of figure captions -----------------------------------------------------------------
}

CATALOGS: dict[str, dict[str, str]] = {"en": {}, "zh": ZH}

_language = "en"


def set_language(language: str) -> None:
    """Choose the language of the library's text: ``"en"`` (default) or ``"zh"``."""
    global _language
    if not isinstance(language, str):
        raise TypeError(f"language must be a str, one of {LANGUAGES}, "
                        f"not {type(language).__name__}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    _language = language


def get_language() -> str:
    return _language


def text(english: str) -> str:
    """``english`` in the current language (unchanged where the catalog has no entry)."""
    return CATALOGS[_language].get(english, english)
