"""The language of the text the library writes into figures and printed results.

The book has an English and a Chinese edition whose notebooks run the same code; the only
difference is the setup cell's ``set_language("en")`` / ``set_language("zh")``. Everything
a reader sees that the library writes (figure titles, axis labels, hover text, captions,
control labels) goes through :func:`text`, which looks the English string up in the catalog
of the current language; an English string with no entry stays English. One catalog per
language, one entry per string: no copies of figure functions.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "zh")

# English -> Chinese. Keys are the exact English strings the library uses ({name} fields are
# filled in after the lookup, see text()). Established Chinese ML terms: 残差块, 瓶颈块,
# 阶段, 特征图, 步幅, 通道, 参数, 乘加运算 (MACs), 起始层 (stem), 下采样, 投影捷径, 恒等捷径.
ZH: dict[str, str] = {
    # figures/stages.py
    "Parameters": "参数量",
    "Multiply-adds per image": "每张图像的乘加运算",
    "parameters": "参数",
    "multiply-adds": "乘加运算",
    "{name} %{{x}}<br>%{{customdata[0]}} {what} (%{{text}} of the total)<br>"
    "output %{{customdata[1]}}<extra></extra>":
        "{name} %{{x}}<br>{what}：%{{customdata[0]}}（占总量的 %{{text}}）<br>"
        "输出 %{{customdata[1]}}<extra></extra>",
    "{name}: parameters and multiply-adds per stage": "{name}：各阶段的参数量与乘加运算",
    "{params} parameters · {macs} G multiply-adds per image · input {size}":
        "{params} 个参数 · 每张图像 {macs} G 次乘加运算 · 输入 {size}",
    "stage": "阶段",
    "parameters (count)": "参数（个）",
    "multiply-adds (count)": "乘加运算（次）",
    "Network": "网络",
    "{formula} layers": "{formula} 层",
    "%{{y}}<br>{stage}: %{{x}} blocks<extra></extra>":
        "%{{y}}<br>{stage}：%{{x}} 个残差块<extra></extra>",
    "Same stages, different block counts: the ResNet family":
        "阶段相同，残差块数不同：ResNet 家族",
    "Same stages, different block<br>counts: the ResNet family":
        "阶段相同，残差块数不同：<br>ResNet 家族",
    "residual blocks (count)": "残差块（个）",
    # widgets.py
    "Network:": "网络：",
    "Which ResNet: 18 and 34 use BasicBlocks, 50/101/152 Bottlenecks":
        "哪一个 ResNet：18 和 34 用基本块（BasicBlock），50/101/152 用瓶颈块（Bottleneck）",
    "Input size (pixels):": "输入尺寸（像素）：",
    "a whole number, e.g. 224": "一个整数，例如 224",
    "Stem:": "起始层：",
    "7x7 stride-2 conv, then 3x3 stride-2 max pool (the paper's)":
        "7x7 步幅 2 卷积，再接 3x3 步幅 2 最大池化（论文的做法）",
    "3x3 stride-1 conv, no max pool (for 32x32 CIFAR images)":
        "3x3 步幅 1 卷积，不做最大池化（用于 32x32 的 CIFAR 图像）",
    "v1.5: stride on the 3×3": "v1.5：步幅在 3×3 卷积上",
    "v1: stride on the 1×1": "v1：步幅在 1×1 卷积上",
    "Bottleneck stride:": "瓶颈块的步幅：",
    "torchvision's Bottleneck (ResNet v1.5)": "torchvision 的瓶颈块（ResNet v1.5）",
    "the paper's Bottleneck (v1)": "论文的瓶颈块（v1）",
    "Side of the square input image in pixels; any whole number >= 1 "
    "(press Enter to apply)":
        "正方形输入图像的边长（像素）；任意不小于 1 的整数（按回车键生效）",
    # figures/architecture.py
    "{k}×{k} conv, stride {stride}, BN, ReLU": "{k}×{k} 卷积，步幅 {stride}，BN，ReLU",
    "{k}×{k} max pool, stride {stride}": "{k}×{k} 最大池化，步幅 {stride}",
    "no max pool (identity)": "无最大池化（恒等）",
    "global average pool": "全局平均池化",
    "fully connected": "全连接层",
    "image": "图像",
    "input": "输入",
    "stages": "各阶段",
    "{n} class scores": "{n} 个类别得分",
    "stem": "起始层",
    "4 stages": "4 个阶段",
    "head": "输出头",
    "the input image": "输入图像",
    "params: {params}<br>multiply-adds: {macs}<br>total stride: {stride}<br>receptive field: {rf} px":
        "参数：{params}<br>乘加运算：{macs}<br>总步幅：{stride}<br>感受野：{rf} 像素",
    " (larger than the image: it counts the zero padding around it)": "（比图像还大：它把图像周围的零填充也算了进去）",
    "{name} at {size}<br><sup>shapes: channels × height × width</sup>":
        "{name}，输入 {size}<br><sup>形状：通道 × 高 × 宽</sup>",
    " and ": " 和 ",
    "Feature-map side through {name}<br><sup>ImageNet vs CIFAR stem, {sizes} inputs</sup>":
        "{name} 中特征图的边长<br><sup>ImageNet 与 CIFAR 起始层，输入 {sizes}</sup>",
    "stage output": "阶段输出",
    "side (pixels, log scale)": "边长（像素，对数坐标）",
    # figures/blocks.py (and the titles and column headers chapter 4 passes to it)
    "{kh}×{kw} conv, {cin}→{cout}": "{kh}×{kw} 卷积，{cin}→{cout}",
    "{n} conv weights on the main path": "主路径上共 {n} 个卷积权重",
    "input: {n} channels": "输入：{n} 个通道",
    "stride {n}": "步幅 {n}",
    "{n} weights": "{n} 个权重",
    "ReLU → output: {n} channels": "ReLU → 输出：{n} 个通道",
    "projection": "投影捷径",
    "zero-pad {cin}→{cout}<br>stride {n}": "零填充 {cin}→{cout}<br>步幅 {n}",
    "identity<br>(no weights)": "恒等捷径<br>（无权重）",
    "v1: stride on the first 1×1 (paper)": "v1：步幅在第一个 1×1 卷积上（论文）",
    "v1.5: stride on the 3×3 (torchvision)": "v1.5：步幅在 3×3 卷积上（torchvision）",
    "%{x}: %{customdata} multiply-adds<extra></extra>":
        "%{x}：%{customdata} 次乘加运算<extra></extra>",
    "{name}: {v1} G multiply-adds (v1) vs {v15} G (v1.5)":
        "{name}：{v1} G 次乘加运算（v1）对比 {v15} G（v1.5）",
    "multiply-adds per image (count)": "每张图像的乘加运算（次）",
    "Two residual blocks, drawn from the code": "两个残差块，按代码画出",
    "The first block of layer2 in ResNet-50, two ways":
        "ResNet-50 中 layer2 的第一个残差块：两种做法",
    "v1 (paper): stride on the 1×1": "v1（论文）：步幅在 1×1 卷积上",
    "v1.5 (torchvision): on the 3×3": "v1.5（torchvision）：步幅在 3×3 卷积上",
    # figures/skip.py (and the network names of experiments and gradients)
    "plain": "普通网络",
    "{n} layers": "{n} 层",
    "%{y:.2f}% top-1 error<extra></extra>": "top-1 错误率 %{y:.2f}%<extra></extra>",
    "ImageNet top-1 error (He et al. 2016, Table 2): deeper plain is worse":
        "ImageNet top-1 错误率（He 等，2016，表 2）：普通网络越深反而越差",
    "depth (weighted layers)": "深度（带权重的层数）",
    "top-1 validation error (%)": "top-1 验证错误率（%）",
    "plain-{n}": "普通网络-{n}",
    "pre-act ResNet-34": "预激活 ResNet-34",
    "ResNet-34, zero-init": "ResNet-34（零初始化）",
    "layer %{x} (%{customdata})<br>‖∂L/∂W‖ = %{y:.3g}<extra></extra>":
        "第 %{x} 层（%{customdata}）<br>‖∂L/∂W‖ = %{y:.3g}<extra></extra>",
    "Gradient norm per layer at initialisation (one random batch)":
        "初始化时每一层的梯度范数（一个随机批次）",
    "weighted layer (1 = conv1, next to the input; last = fc)":
        "带权重的层（1 = conv1，紧挨输入；最后一层 = fc）",
    "‖∂loss/∂weights‖ (log scale)": "‖∂损失/∂权重‖（对数坐标）",
    "step %{x}: loss %{y:.3g}<extra></extra>": "第 %{x} 步：损失 %{y:.3g}<extra></extra>",
    " ({n}-step moving average)": "（{n} 步滑动平均）",
    "Training loss: plain vs residual, shallow vs deep": "训练损失：普通网络与残差网络，浅与深",
    "SGD step (one mini-batch each)": "SGD 步数（每步一个小批量）",
    "training loss (nats, log scale)": "训练损失（nat，对数坐标）",
    # explorer.py (summaries and variant names)
    "layer4 ends at {shape}, never 1×1": "layer4 结束时为 {shape}，从未缩到 1×1",
    "the map is 1×1 from {stage} on": "从 {stage} 起特征图为 1×1",
    "{n}×{n} input: {where}": "{n}×{n} 输入：{where}",
    "{macs} G MACs · {params} M parameters · {mb} MB of stage outputs per image":
        "{macs} G 次乘加运算（MACs）· {params} M 个参数 · 每张图像的阶段输出共 {mb} MB",
    # figures/explorer.py
    "{n} channels": "{n} 个通道",
    "{name} on a {n}×{n} image: the two stems": "{name} 处理 {n}×{n} 图像：两种起始层",
    "stage (its output)": "阶段（其输出）",
    "side of the output map (pixels)": "输出特征图的边长（像素）",
    "activations (stage outputs, one image)": "激活（各阶段输出，一张图像）",
    "parameters (conv1..layer4)": "参数（conv1..layer4）",
    "{name}, {n}×{n}: where the memory sits": "{name}，{n}×{n}：内存花在哪里",
    "share of the total (%)": "占总量的比例（%）",
    "MACs": "乘加运算（MACs）",
    "activation memory": "激活内存",
    "{name}: what grows with the input size": "{name}：随输入尺寸增长的量",
    "input pixels relative to {n}×{n}": "输入像素数（相对于 {n}×{n}）",
    "relative to {n}×{n}": "相对于 {n}×{n}",
    "map side": "特征图边长",
    "%{x} output: %{customdata} channels × %{y} × %{y} pixels<extra></extra>":
        "%{x} 输出：%{customdata} 个通道 × %{y} × %{y} 像素<extra></extra>",
    "activations (one image)": "激活（一张图像）",
    "%{x} output: %{customdata:,} elements = %{y:.3g} MB<extra>activations</extra>":
        "%{x} 输出：%{customdata:,} 个元素 = %{y:.3g} MB<extra>激活</extra>",
    "%{x}: %{customdata:,} parameters = %{y:.3g} MB<extra>parameters</extra>":
        "%{x}：%{customdata:,} 个参数 = %{y:.3g} MB<extra>参数</extra>",
    "%{x}: %{y:,} MACs<extra></extra>": "%{x}：%{y:,} 次乘加运算<extra></extra>",
    "Output map: side in pixels (label: channels × height × width)":
        "输出特征图：边长（像素）（标注：通道 × 高 × 宽）",
    "Memory at fp32: each stage's output for one image vs its parameters":
        "fp32 下的内存：每个阶段对一张图像的输出与其参数",
    "Multiply-adds (MACs) per stage, one image": "每个阶段的乘加运算（MACs），一张图像",
    "pixels": "像素",
    "MB (log scale)": "MB（对数坐标）",
    "Feature maps per stage: pick a network, slide the input size":
        "各阶段的特征图：选一个网络，拖动输入尺寸",
    "Input size (pixels)": "输入尺寸（像素）",
    "input size (pixels): ": "输入尺寸（像素）：",
    # figures/paper.py (Table 1 as HTML; the paper vs the code; layer counts)
    "paper, Table 1 (printed, 1 decimal)": "论文表 1（印刷值，保留 1 位小数）",
    "ours, stride on the 1x1 (paper's form)": "本书计算，步幅在 1x1 卷积上（论文的形式）",
    "ours, stride on the 3x3 (torchvision's form)":
        "本书计算，步幅在 3x3 卷积上（torchvision 的形式）",
    "torchvision's published GFLOPS": "torchvision 公布的 GFLOPS",
    "Multiply-adds per 224×224 image: paper vs code": "每张 224×224 图像的乘加运算：论文与代码",
    "network": "网络",
    "multiply-adds (×10⁹)": "乘加运算（×10⁹）",
    "residual blocks": "残差块",
    "weighted layers (the name)": "带权重的层（名字里的数）",
    "Conv2d modules": "Conv2d 模块",
    "leaf modules": "叶子模块",
    "How many layers? It depends what you count": "有多少层？取决于你数的是什么",
    "count": "个数",
    "row %{y}, column %{x}: %{z:.0f}<extra>1 = read</extra>":
        "第 %{y} 行，第 %{x} 列：%{z:.0f}<extra>1 = 被读取</extra>",
    "row (input position)": "行（输入位置）",
    "column (input position)": "列（输入位置）",
    "A 1×1 stride-2 conv reads {read} of {total} positions":
        "步幅为 2 的 1×1 卷积只读取 {total} 个位置中的 {read} 个",
    "(code: {code})": "（代码：{code}）",
    "Table 1 of He et al. (2016), every cell rebuilt from resnet_lib: {agree} of {n} cells agree with the paper's form (stride on the first 1×1). {moved} cells change in torchvision's form (stride on the 3×3, marked v1.5).":
        "He 等（2016）的表 1，每个单元格都由 resnet_lib 重新算出：{n} 个单元格中有 {agree} 个与论文的形式（步幅在第一个 1×1 卷积上）一致。在 torchvision 的形式（步幅在 3×3 卷积上，标为 v1.5）下，有 {moved} 个单元格会变化。",
    "Table 1, rebuilt": "重建的表 1",
    "layer": "层",
    # figures/costs.py
    "time ∝ multiply-adds (through {name})": "时间 ∝ 乘加运算（过 {name} 的直线）",
    "%{text}: %{x:.2f} G multiply-adds, median %{y:.1f} ms<extra></extra>":
        "%{text}：%{x:.2f} G 次乘加运算，中位数 %{y:.1f} ms<extra></extra>",
    "measured (median of the runs)": "实测（多次运行的中位数）",
    "{n} threads": "{n} 个线程",
    "{n} thread": "{n} 个线程",
    "Measured CPU time per image ({threads}, batch {batch})":
        "实测的每张图像 CPU 时间（{threads}，批量大小 {batch}）",
    "multiply-adds per image (×10⁹)": "每张图像的乘加运算（×10⁹）",
    "time per image (ms; bars: min–max)": "每张图像的时间（ms；误差线：最小–最大）",
    "activations (conv outputs)": "激活（卷积输出）",
    "CPU time (measured here)": "CPU 时间（本机实测）",
    "{gpu} time, inference": "{gpu} 时间，推理",
    "{gpu} time, training": "{gpu} 时间，训练",
    "What grows with depth, relative to {name}": "随深度增长的量（相对于 {name}）",
    # figures/training.py
    "V1 weights: step, 90 epochs": "V1 权重：阶梯式，90 轮",
    "V2 weights: warm-up + cosine, 600 epochs": "V2 权重：预热 + 余弦，600 轮",
    "epoch %{x}: learning rate %{y:.3g}": "第 %{x} 轮：学习率 %{y:.3g}",
    "Learning rate per epoch<br><sup>torchvision's V1 and V2 recipes</sup>":
        "每轮的学习率<br><sup>torchvision 的 V1 与 V2 训练配方</sup>",
    "epoch (passes over the training images)": "轮次（遍历训练图像的次数）",
    "learning rate (log scale)": "学习率（对数坐标）",
    # figures/family.py
    "%{y}: %{x:.2f} million parameters<extra></extra>": "%{y}：%{x:.2f} 百万个参数<extra></extra>",
    "%{y}: %{x:.3f} billion multiply-adds<extra></extra>":
        "%{y}：%{x:.3f} 十亿次乘加运算<extra></extra>",
    "The family's costs at {h} × {w}": "ResNet 家族在 {h} × {w} 下的代价",
    "parameters (millions)": "参数（百万）",
    "G multiply-adds per image": "每张图像的乘加运算（G）",
    "torchvision V1 weights": "torchvision V1 权重",
    "torchvision V2 weights": "torchvision V2 权重",
    "paper, Table 3 (10-crop)": "论文表 3（10 次裁剪测试）",
    "paper, Table 4 (single model)": "论文表 4（单模型）",
    "latency": "延迟",
    "multiply-adds per image (G MACs)": "每张图像的乘加运算（G MACs）",
    "latency here (ms per image)": "本机延迟（每张图像 ms）",
    "What depth buys<br><sup>ImageNet top-1 accuracy against cost</sup>":
        "深度换来了什么<br><sup>ImageNet top-1 准确率与代价</sup>",
    "Cost on the x axis": "横轴上的代价",
    "top-1 accuracy (%)": "top-1 准确率（%）",
    # figures/structure.py (the paper's Fig. 3, drawn from the model)
    "avg pool": "平均池化",
    "{k} max pool": "{k} 最大池化",
    ", {n} groups": "，{n} 组",
    "{k} conv, {c}": "{k} 卷积, {c}",
    "identity shortcut": "恒等捷径",
    "projection (1×1 conv)": "投影捷径（1×1 卷积）",
    "zero-padding (option A)": "零填充捷径（选项 A）",
    "{n} blocks": "{n} 个残差块",
    "output {shape}": "输出 {shape}",
    ", stride {n}": "，步幅 {n}",
    "details": "详情",
    "{name}: {n} weighted layers": "{name}：{n} 个带权重的层",
    "{n} blocks · shapes: channels × height × width": "{n} 个残差块 · 形状：通道 × 高 × 宽",
    # progress.py
    "trained {n} networks, {steps} SGD steps in {s} s":
        "已训练 {n} 个网络，共 {steps} 步 SGD，用时 {s} 秒",
    "training {name}: step {done} of {total} ({s} s so far)":
        "正在训练 {name}：第 {done} 步，共 {total} 步（已用 {s} 秒）",
    "measuring gradients: {done} of {total} networks done ({s} s so far)":
        "正在测量梯度：已完成 {done} 个网络，共 {total} 个（已用 {s} 秒）",
    "measured the gradients of {n} networks in {s} s": "已测量 {n} 个网络的梯度，用时 {s} 秒",
    "timing: {done} of {total} networks done ({s} s so far)":
        "正在计时：已完成 {done} 个网络，共 {total} 个（已用 {s} 秒）",
    "timed {n} networks in {s} s": "已为 {n} 个网络计时，用时 {s} 秒",
    "step {done} of {total} ({s} s so far)": "第 {done} 步，共 {total} 步（已用 {s} 秒）",
    "{steps} steps in {s} s": "共 {steps} 步，用时 {s} 秒",
    # widgets.py (messages and the explorer's table)
    "Cannot compute this setting: {err}.": "无法计算这个设置：{err}。",
    "ResNet-18/34 use BasicBlocks: no 1×1 conv, so no stride placement to choose.":
        "ResNet-18/34 用的是基本块（BasicBlock）：没有 1×1 卷积，因此没有步幅位置可选。",
    "output (C×H×W)": "输出（C×H×W）",
    "activation elements": "激活元素数",
    "MB (fp32, one image)": "MB（fp32，一张图像）",
    "{name}: per-stage outputs and costs": "{name}：各阶段的输出与代价",
    # throughput.py
    "no source recorded": "未记录来源",
    "cited: {source}": "引用自：{source}",
    "unknown GPU": "未知 GPU",
    "measured for this book: {details} ({source})": "为本书实测：{details}（{source}）",
    # style.py
    "ImageNet stem": "ImageNet 起始层",
    "CIFAR stem": "CIFAR 起始层",
    "v1.5 (stride on the 3x3)": "v1.5（步幅在 3x3 卷积上）",
    "v1 (stride on the first 1x1)": "v1（步幅在第一个 1x1 卷积上）",
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
    "{name} has {weighted} weighted layers in all and {blocks} blocks between the stem and "
    "the classifier; its shortcuts: {parts}.":
        "{name} 共有 {weighted} 个带权重的层，起始层与分类器之间有 {blocks} 个残差块；它的捷径连接：{parts}。",
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


def network(name: str) -> str:
    """A network's name as the experiments write it (``"plain-34"``, ``"ResNet-34"``,
    ``"ResNet-34, zero-init"``, ``"pre-act ResNet-34"``) in the current language: the depth
    of a plain net is a field of one entry, not an entry per depth."""
    plain = re.fullmatch(r"plain-(\d+)", name)
    return text("plain-{n}", n=plain.group(1)) if plain else text(name)


def text(english: str, /, **fields: object) -> str:
    """``english`` in the current language (unchanged where the catalog has no entry).

    With ``fields``, the entry is a template filled in after the lookup, so a sentence with
    numbers or names in it is one catalog entry whatever they are:
    ``text("{name}: parameters per stage", name="ResNet-34")``.
    """
    translated = CATALOGS[_language].get(english, english)
    return translated.format(**fields) if fields else translated
