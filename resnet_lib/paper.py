"""Published numbers about ResNet, as data with their sources, and Table 1 rebuilt from code.

Why a module of typed numbers in a library that computes everything: the numbers here are
*citations*, not results. The paper printed "3.8 x 10^9 FLOPs" for ResNet-50 and torchvision
publishes 25,557,032 parameters; no computation of ours can produce what someone else
printed, so these values are typed in once, here, each beside the source it was copied from,
and nowhere else. Everything the book *computes* comes from ``analysis`` and ``model``; the
functions at the bottom of this module put the two side by side (``table1_from_code``,
``table1_cells``, ``torchvision_comparison``) so that a chapter prints both and a test checks
every cell.

Sources:
    He, Zhang, Ren, Sun (2015), "Deep Residual Learning for Image Recognition",
    arXiv:1512.03385 (CVPR 2016): Table 1 (architectures), Table 2 and Table 3 (ImageNet
    validation error, 10-crop testing), Sec. 3.3 (FLOPs are multiply-adds).
    torchvision 0.26-0.29, ``torchvision.models.ResNet{18,34,50,101,152}_Weights.IMAGENET1K_V1``
    ``.meta`` (``num_params``, ``_ops`` = GFLOPS, ``_metrics``).
    One measurement on an NVIDIA H200 (see ``H200_THROUGHPUT``), cited with its setup.

Names: the paper calls the stages conv1, conv2_x .. conv5_x; torchvision (and ``model``)
calls them conv1, layer1 .. layer4 (``maxpool`` opens conv2_x). ``TORCHVISION_STAGE`` maps one
onto the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAPER = "He et al. 2016 (CVPR), arXiv:1512.03385"
SOURCES = {
    "table1": f"{PAPER}, Table 1 (ImageNet architectures, 224x224 input)",
    "table2": f"{PAPER}, Table 2 (top-1 error %, 10-crop testing, ImageNet validation)",
    "table3": f"{PAPER}, Table 3 (top-1/top-5 error %, 10-crop testing, ImageNet validation)",
    "sec3.3": (f"{PAPER}, Sec. 3.3: \"Our 34-layer baseline has 3.6 billion FLOPs "
               "(multiply-adds), which is only 18% of VGG-19 (19.6 billion FLOPs)\""),
    "sec3.3-shortcuts": (f"{PAPER}, Sec. 3.3 and 4.1: shortcut options A (zero-padding), "
                         "B (projection where dimensions change), C (all projections)"),
    "torchvision": ("torchvision 0.26-0.29, ResNet*_Weights.IMAGENET1K_V1.meta "
                    "(num_params, _ops = GFLOPS, _metrics ImageNet-1K acc@1/acc@5, 1-crop)"),
    "h200": ("measured 2026-11-28 on one NVIDIA H200, torch 2.11, torchvision 0.26, "
             "bf16 autocast, channels_last, batch 256, 224x224"),
    "table4": (f"{PAPER}, Table 4 (top-1/top-5 error %, single-model results, ImageNet "
               "validation)"),
    "sec3.4": f"{PAPER}, Sec. 3.4 (Implementation)",
    "torchvision_weights": ("torchvision 0.29.1, <Model>_Weights.IMAGENET1K_V1/_V2.meta "
                            "(_metrics ImageNet-1K acc@1/acc@5 in %, single crop; recipe; "
                            "_docs) and the weights' eval transform (resize size)"),
    "torchvision_v1_recipe": ("torchvision references/classification/train.py defaults "
                              "(90 epochs, SGD lr 0.1 momentum 0.9, weight decay 1e-4, "
                              "StepLR 30 epochs x 0.1, 32 images per GPU on 8 GPUs), per "
                              "references/classification/README.md and pytorch/vision#4390"),
    "torchvision_v2_recipe": ("pytorch/vision#3995 (the training command of the 'new recipe' "
                              "quoted in the thread), pytorch/vision#5084 (repeated "
                              "augmentation, Acc@1 80.858 for ResNet-50) and the PyTorch blog "
                              "'How to Train State-Of-The-Art Models Using TorchVision's "
                              "Latest Primitives' (Vryniotis, 2021)"),
}

DEPTHS = {"resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101, "resnet152": 152}

# --- Table 1 of the paper ------------------------------------------------------------------

# The paper's row names, in order, and the torchvision module whose output each row describes.
TABLE1_STAGES = ("conv1", "conv2_x", "conv3_x", "conv4_x", "conv5_x", "fc")
TORCHVISION_STAGE = {
    "conv1": "conv1", "conv2_x": "layer1", "conv3_x": "layer2", "conv4_x": "layer3",
    "conv5_x": "layer4", "fc": "avgpool",
}
# "output size" column of Table 1 (the same for every depth).
TABLE1_OUTPUT = {
    "conv1": (112, 112), "conv2_x": (56, 56), "conv3_x": (28, 28), "conv4_x": (14, 14),
    "conv5_x": (7, 7), "fc": (1, 1),
}
# The stem, shared by every depth: "7x7, 64, stride 2" then "3x3 max pool, stride 2".
TABLE1_CONV1 = (7, 64, 2)  # (kernel, channels, stride)
TABLE1_MAXPOOL = (3, 2)  # (kernel, stride)

# One residual stage as the paper prints it: the convs of one block as (kernel, channels)
# pairs, e.g. ((1, 64), (3, 64), (1, 256)) for "[1x1, 64; 3x3, 64; 1x1, 256]", and the
# number of blocks ("x 3").
Layout = tuple[tuple[tuple[int, int], ...], int]



def _basic(c: int) -> tuple[tuple[int, int], ...]:
    return (3, c), (3, c)  # "[3x3, c; 3x3, c]"


def _bottleneck(c: int) -> tuple[tuple[int, int], ...]:
    return (1, c), (3, c), (1, 4 * c)  # "[1x1, c; 3x3, c; 1x1, 4c]"


@dataclass(frozen=True)
class Table1Column:
    """One column of Table 1 (one depth), as printed in the paper or as rebuilt from code.

    ``stages`` holds conv2_x..conv5_x as ``Layout`` pairs; ``outputs`` maps each row of
    ``TABLE1_STAGES`` to its (height, width); ``gflops`` is the "FLOPs" row in units of 10^9
    multiply-adds (the paper's one-decimal figure, or the exact count from code).
    """

    name: str
    depth: int
    conv1: tuple[int, int, int]
    maxpool: tuple[int, int]
    stages: tuple[Layout, Layout, Layout, Layout]
    outputs: dict[str, tuple[int, int]]
    gflops: float
    source: str


def _paper_column(name: str, block: Any, repeats: tuple[int, int, int, int],
                  gflops: float) -> Table1Column:
    stages = tuple((block(c), n) for c, n in zip((64, 128, 256, 512), repeats, strict=True))
    return Table1Column(name, DEPTHS[name], TABLE1_CONV1, TABLE1_MAXPOOL, stages,  # type: ignore[arg-type]
                        dict(TABLE1_OUTPUT), gflops, SOURCES["table1"])


# Table 1 as printed. The FLOPs row is "1.8, 3.6, 3.8, 7.6, 11.3 x 10^9".
TABLE1: dict[str, Table1Column] = {
    "resnet18": _paper_column("resnet18", _basic, (2, 2, 2, 2), 1.8),
    "resnet34": _paper_column("resnet34", _basic, (3, 4, 6, 3), 3.6),
    "resnet50": _paper_column("resnet50", _bottleneck, (3, 4, 6, 3), 3.8),
    "resnet101": _paper_column("resnet101", _bottleneck, (3, 4, 23, 3), 7.6),
    "resnet152": _paper_column("resnet152", _bottleneck, (3, 8, 36, 3), 11.3),
}

# Sec. 3.3: the plain 34-layer baseline and VGG-19, in 10^9 multiply-adds.
PAPER_PLAIN34_GFLOPS = 3.6
PAPER_VGG19_GFLOPS = 19.6

# --- Tables 2 and 3: ImageNet validation error, 10-crop testing ---------------------------


@dataclass(frozen=True)
class PaperError:
    """Top-1 (and, where printed, top-5) error in percent, with where it was printed."""

    top1: float
    top5: float | None
    source: str


TABLE2: dict[str, PaperError] = {
    "plain18": PaperError(27.94, None, SOURCES["table2"]),
    "resnet18": PaperError(27.88, None, SOURCES["table2"]),
    "plain34": PaperError(28.54, None, SOURCES["table2"]),
    "resnet34": PaperError(25.03, None, SOURCES["table2"]),  # option A (zero-padding)
}
TABLE3: dict[str, PaperError] = {
    "plain34": PaperError(28.54, 10.02, SOURCES["table3"]),
    "resnet34_A": PaperError(25.03, 7.76, SOURCES["table3"]),
    "resnet34_B": PaperError(24.52, 7.46, SOURCES["table3"]),
    "resnet34_C": PaperError(24.19, 7.40, SOURCES["table3"]),
    "resnet50": PaperError(22.85, 6.71, SOURCES["table3"]),
    "resnet101": PaperError(21.75, 6.05, SOURCES["table3"]),
    "resnet152": PaperError(21.43, 5.71, SOURCES["table3"]),
}

# Table 4: "single-model results" for ResNet-34 B/C and ResNet-50/101/152 (option B). The
# table does not say how it tested; Sec. 3.4 says "For best results, we adopt the fully-
# convolutional form ... and average the scores at multiple scales", which Table 4's lower
# errors suggest (our reading, not the paper's statement). Read from the paper's text.
TABLE4: dict[str, PaperError] = {
    "resnet34_B": PaperError(21.84, 5.71, SOURCES["table4"]),
    "resnet34_C": PaperError(21.53, 5.60, SOURCES["table4"]),
    "resnet50": PaperError(20.74, 5.25, SOURCES["table4"]),
    "resnet101": PaperError(19.87, 4.60, SOURCES["table4"]),
    "resnet152": PaperError(19.38, 4.49, SOURCES["table4"]),
}
# Table 5: the ensemble of six models that won ILSVRC 2015, top-5 error on the test set.
PAPER_ENSEMBLE_TOP5 = 3.57

# Sec. 4.1: "The models are trained on the 1.28 million training images".
PAPER_IMAGENET_TRAIN_IMAGES = 1.28e6

# --- The paper's training recipe (Sec. 3.4), as numbers --------------------------------------
PAPER_RECIPE: dict[str, Any] = {
    "optimizer": "SGD", "momentum": 0.9, "weight_decay": 1e-4, "batch": 256,
    "lr": 0.1, "lr_schedule": "divided by 10 when the error plateaus",
    "iterations": 60 * 10**4, "scale_augmentation": (256, 480), "crop": 224,
    "init": "He et al. 2015 (Delving deep into rectifiers)", "dropout": False,
    "test_scales": (224, 256, 384, 480, 640), "source": SOURCES["sec3.4"],
}
# torchvision's reference script: the recipe of the IMAGENET1K_V1 weights of ResNet-18..152.
TORCHVISION_V1_RECIPE: dict[str, Any] = {
    "optimizer": "SGD", "momentum": 0.9, "weight_decay": 1e-4, "batch": 32 * 8,
    "lr": 0.1, "lr_schedule": "StepLR", "lr_step_size": 30, "lr_gamma": 0.1, "epochs": 90,
    "source": SOURCES["torchvision_v1_recipe"],
}
# The "new recipe" of the IMAGENET1K_V2 weights, flag by flag as in pytorch/vision#3995.
TORCHVISION_V2_RECIPE: dict[str, Any] = {
    "optimizer": "SGD", "lr": 0.5, "lr_schedule": "cosine annealing",
    "lr_warmup_epochs": 5, "lr_warmup": "linear", "lr_warmup_decay": 0.01, "lr_min": 0.0,
    "epochs": 600,
    "weight_decay": 2e-5, "norm_weight_decay": 0.0, "label_smoothing": 0.1,
    "mixup_alpha": 0.2, "cutmix_alpha": 1.0, "auto_augment": "TrivialAugment (ta_wide)",
    "random_erase": 0.1, "ema": True, "val_resize": 232,
    "source": SOURCES["torchvision_v2_recipe"],
}

# --- torchvision's published metadata (IMAGENET1K_V1 weights) -----------------------------


@dataclass(frozen=True)
class Published:
    """torchvision's metadata for one model: parameters, GFLOPS (= G multiply-adds, of its
    v1.5 model at 224x224) and ImageNet-1K validation accuracy in percent (single crop)."""

    params: int
    gflops: float
    acc1: float
    acc5: float
    source: str


TORCHVISION: dict[str, Published] = {
    "resnet18": Published(11_689_512, 1.814, 69.758, 89.078, SOURCES["torchvision"]),
    "resnet34": Published(21_797_672, 3.664, 73.314, 91.420, SOURCES["torchvision"]),
    "resnet50": Published(25_557_032, 4.089, 76.130, 92.862, SOURCES["torchvision"]),
    "resnet101": Published(44_549_160, 7.801, 77.374, 93.546, SOURCES["torchvision"]),
    "resnet152": Published(60_192_808, 11.514, 78.312, 94.046, SOURCES["torchvision"]),
}



@dataclass(frozen=True)
class WeightsAccuracy:
    """One set of torchvision's pretrained weights: ImageNet-1K top-1/top-5 accuracy in %
    (single crop, at ``eval_resize`` then a 224 crop), parameters, GFLOPS (= G multiply-adds)
    and the recipe link from its metadata."""

    model: str
    weights: str
    acc1: float
    acc5: float
    params: int
    gflops: float
    eval_resize: int
    recipe: str
    source: str


_REF = "https://github.com/pytorch/vision/tree/main/references/classification"
_V1, _V1X = f"{_REF}#resnet", f"{_REF}#resnext"
_ISSUE = "https://github.com/pytorch/vision/issues/3995"
_V2, _V2FR = f"{_ISSUE}#new-recipe", f"{_ISSUE}#new-recipe-with-fixres"
_V2_R50 = f"{_ISSUE}#issuecomment-1013906621"
_WIDE_V1 = "https://github.com/pytorch/vision/pull/912#issue-445437439"
_X64 = "https://github.com/pytorch/vision/pull/5935"


def _w(model: str, weights: str, acc1: float, acc5: float, params: int, gflops: float,
       eval_resize: int, recipe: str) -> WeightsAccuracy:
    return WeightsAccuracy(model, weights, acc1, acc5, params, gflops, eval_resize, recipe,
                           SOURCES["torchvision_weights"])


# Every IMAGENET1K weight torchvision 0.29.1 publishes for the ten models (resnet18/34 have
# only V1; resnext101_64x4d only V1, trained with the new recipe). Typed from the metadata.
TORCHVISION_WEIGHTS: dict[tuple[str, str], WeightsAccuracy] = {
    (w.model, w.weights): w for w in (
        _w("resnet18", "IMAGENET1K_V1", 69.758, 89.078, 11_689_512, 1.814, 256, _V1),
        _w("resnet34", "IMAGENET1K_V1", 73.314, 91.420, 21_797_672, 3.664, 256, _V1),
        _w("resnet50", "IMAGENET1K_V1", 76.130, 92.862, 25_557_032, 4.089, 256, _V1),
        _w("resnet50", "IMAGENET1K_V2", 80.858, 95.434, 25_557_032, 4.089, 232, _V2_R50),
        _w("resnet101", "IMAGENET1K_V1", 77.374, 93.546, 44_549_160, 7.801, 256, _V1),
        _w("resnet101", "IMAGENET1K_V2", 81.886, 95.780, 44_549_160, 7.801, 232, _V2),
        _w("resnet152", "IMAGENET1K_V1", 78.312, 94.046, 60_192_808, 11.514, 256, _V1),
        _w("resnet152", "IMAGENET1K_V2", 82.284, 96.002, 60_192_808, 11.514, 232, _V2),
        _w("resnext50_32x4d", "IMAGENET1K_V1", 77.618, 93.698, 25_028_904, 4.23, 256, _V1X),
        _w("resnext50_32x4d", "IMAGENET1K_V2", 81.198, 95.340, 25_028_904, 4.23, 232, _V2),
        _w("resnext101_32x8d", "IMAGENET1K_V1", 79.312, 94.526, 88_791_336, 16.414, 256, _V1X),
        _w("resnext101_32x8d", "IMAGENET1K_V2", 82.834, 96.228, 88_791_336, 16.414, 232, _V2FR),
        _w("resnext101_64x4d", "IMAGENET1K_V1", 83.246, 96.454, 83_455_272, 15.46, 232, _X64),
        _w("wide_resnet50_2", "IMAGENET1K_V1", 78.468, 94.086, 68_883_240, 11.398, 256, _WIDE_V1),
        _w("wide_resnet50_2", "IMAGENET1K_V2", 81.602, 95.758, 68_883_240, 11.398, 232, _V2FR),
        _w("wide_resnet101_2", "IMAGENET1K_V1", 78.848, 94.284, 126_886_696, 22.753, 256,
           _WIDE_V1),
        _w("wide_resnet101_2", "IMAGENET1K_V2", 82.510, 96.020, 126_886_696, 22.753, 232, _V2),
    )
}


def published_accuracy(model: str, weights: str = "IMAGENET1K_V1") -> WeightsAccuracy:
    """torchvision's published accuracy of one set of weights, e.g. ("resnet50", "...V2")."""
    models = sorted({m for m, _ in TORCHVISION_WEIGHTS})
    if not isinstance(model, str) or model not in models:
        raise ValueError(f"model must be one of {', '.join(models)}; got {model!r}")
    names = sorted(w for m, w in TORCHVISION_WEIGHTS if m == model)
    if weights not in names:
        raise ValueError(f"weights for {model} must be one of {', '.join(names)}; "
                         f"got {weights!r}")
    return TORCHVISION_WEIGHTS[model, weights]


# --- Throughput measured elsewhere, cited with its setup ----------------------------------
# The same schema as the JSON that benchmarks/gpu_throughput.py writes, so that
# ``costs.load_throughput`` and ``costs.cited_throughput`` return the same thing.
H200_THROUGHPUT: dict[str, Any] = {
    "provenance": {
        "source": SOURCES["h200"],
        "gpu": "NVIDIA H200",
        "torch": "2.11",
        "torchvision": "0.26",
        "date": "2026-11-28",
        "settings": {"batch": 256, "input_size": 224, "autocast": "bfloat16",
                     "channels_last": True, "compile": False},
    },
    "results": {  # images per second
        "resnet18": {"inference": 39_293.0, "train": 13_230.0},
        "resnet34": {"inference": 27_884.0, "train": 8_977.0},
        "resnet50": {"inference": 15_483.0, "train": 4_717.0},
        "resnet101": {"inference": 10_350.0, "train": 3_121.0},
        "resnet152": {"inference": 7_498.0, "train": 2_243.0},
    },
    "compiled": {  # the same, with torch.compile
        "resnet50": {"inference": 23_865.0, "train": 6_787.0},
    },
}


__all__ = [
    "DEPTHS", "H200_THROUGHPUT", "PAPER_ENSEMBLE_TOP5", "PAPER_IMAGENET_TRAIN_IMAGES",
    "PAPER_PLAIN34_GFLOPS", "PAPER_RECIPE", "PAPER_VGG19_GFLOPS", "PaperError", "Published",
    "SOURCES", "TABLE1", "TABLE1_CONV1", "TABLE1_MAXPOOL", "TABLE1_OUTPUT", "TABLE1_STAGES",
    "TABLE2", "TABLE3", "TABLE4", "TORCHVISION", "TORCHVISION_STAGE", "TORCHVISION_V1_RECIPE",
    "TORCHVISION_V2_RECIPE", "TORCHVISION_WEIGHTS", "Table1Column", "WeightsAccuracy",
    "published_accuracy",
]
