"""Generate reference fixtures from REAL torchvision for the resnet_lib tests.

Why this exists: resnet_lib re-implements torchvision's ResNets, and its tests must
compare against the real thing without making torchvision a project dependency.
So this script is run once, by hand, in a throwaway venv that has torchvision, and
writes plain-JSON fixtures under tests/fixtures/ that the tests read:

  torchvision_models.json   structure: parameter counts, Conv2d counts, state_dict
                            layout, per-module output shapes, FLOPs (FlopCounterMode)
  torchvision_outputs.json  logits for deterministic weights/inputs (tests/deterministic.py)
  torchvision_weights.json  the published metadata of every pretrained weight of the ten
                            models (``<Model>_Weights.<NAME>.meta`` and the eval transform):
                            parameters, GFLOPS, ImageNet-1K acc@1/acc@5, recipe link, notes.
                            Nothing is downloaded: the metadata ships inside torchvision.

Models: resnet18/34/50/101/152 as torchvision builds them ("v1.5": stride 2 on the 3x3
conv2 of a Bottleneck), resnet50/101/152 in the paper's "v1" form (stride 2 on the
first 1x1 conv1), made by moving the stride on torchvision's own model, and the family
built on the same Bottleneck: resnext50_32x4d, resnext101_32x8d, resnext101_64x4d (grouped
3x3 conv), wide_resnet50_2, wide_resnet101_2 (twice the inner width). The family gets three
shape sizes instead of six (their layouts repeat the plain ResNets'; the files stay small).

Regenerate (never install torchvision into the project's .venv):
  python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.14.1 torchvision==0.29.1
  /tmp/tv/bin/python tests/make_fixtures.py
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from pathlib import Path

import torch
import torchvision
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models.resnet import Bottleneck

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from deterministic import deterministic_input, deterministic_state_dict  # noqa: E402

OUT_DIR = HERE / "fixtures"
DEPTHS = [18, 34, 50, 101, 152]
V1_DEPTHS = [50, 101, 152]
FAMILY = ["resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
          "wide_resnet101_2"]
# The weights enum of each builder, as torchvision names it.
WEIGHTS = {
    "resnet18": "ResNet18_Weights", "resnet34": "ResNet34_Weights",
    "resnet50": "ResNet50_Weights", "resnet101": "ResNet101_Weights",
    "resnet152": "ResNet152_Weights", "resnext50_32x4d": "ResNeXt50_32X4D_Weights",
    "resnext101_32x8d": "ResNeXt101_32X8D_Weights",
    "resnext101_64x4d": "ResNeXt101_64X4D_Weights",
    "wide_resnet50_2": "Wide_ResNet50_2_Weights", "wide_resnet101_2": "Wide_ResNet101_2_Weights",
}
SHAPE_SIZES = {"224x224": (224, 224), "225x225": (225, 225), "97x97": (97, 97),
               "32x32": (32, 32), "64x64": (64, 64), "160x240": (160, 240)}
OUTPUT_INPUTS = {"2x3x64x64": (2, 3, 64, 64)}
ODD_INPUT = {"2x3x97x97": (2, 3, 97, 97)}  # only for resnet18 and resnet50 (size)
FAMILY_SHAPE_SIZES = ("224x224", "97x97", "160x240")
NAMED = {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
         "avgpool", "fc"}
BLOCK = re.compile(r"^layer[1-4]\.\d+$")
V1_NOTE = ("'<name>_v1' keys: torchvision's model with, in every Bottleneck whose "
           "conv2.stride == (2, 2), conv1.stride set to (2, 2) and conv2.stride to (1, 1) "
           "(downsample conv keeps stride 2). Parameters and state_dict are unchanged.")


def build(key: str) -> torch.nn.Module:
    """torchvision's model for 'resnetN' or, for 'resnetN_v1', the stride-on-1x1 form."""
    model = getattr(torchvision.models, key.removesuffix("_v1"))(weights=None)
    if key.endswith("_v1"):
        moved = 0
        for m in model.modules():
            if isinstance(m, Bottleneck) and m.conv2.stride == (2, 2):
                m.conv1.stride, m.conv2.stride = (2, 2), (1, 1)
                moved += 1
        assert moved == 3, f"{key}: expected 3 strided Bottlenecks, moved {moved}"
    return model.eval()


def recorded_modules(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    return [(n, m) for n, m in model.named_modules()
            if n and (not list(m.children()) or n in NAMED or BLOCK.match(n))]


def output_shapes(model: torch.nn.Module, hw: tuple[int, int]) -> dict[str, list[list[int]]]:
    """Every call's output shape for each recorded module, batch 1, on the meta device."""
    calls: dict[str, list[list[int]]] = {}
    hooks = [m.register_forward_hook(
        lambda _m, _i, o, n=n: calls.setdefault(n, []).append(list(o.shape)))
        for n, m in recorded_modules(model)]
    with torch.no_grad():
        model(torch.empty(1, 3, *hw, device="meta"))
    for h in hooks:
        h.remove()
    return calls


def structure(key: str) -> dict:
    model = build(key)
    sd = model.state_dict()
    info = {
        "params": sum(p.numel() for p in model.parameters()),
        "conv2d_count": sum(isinstance(m, torch.nn.Conv2d) for m in model.modules()),
        "state_dict": [[n, list(t.shape)] for n, t in sd.items()],
    }
    model.to("meta")
    with FlopCounterMode(display=False) as counter:
        model(torch.empty(1, 3, 224, 224, device="meta"))
    counts = counter.get_flop_counts()
    info["flops_224"] = counter.get_total_flops()
    info["macs_224"] = info["flops_224"] // 2
    info["flops_224_by_op"] = {str(op): c for op, c in counts["Global"].items()}
    info["stage_flops_224"] = {s: sum(counts.get(f"ResNet.{s}", {}).values())
                               for s in ["conv1", "layer1", "layer2", "layer3", "layer4", "fc"]}
    info["output_shapes"], info["call_shapes"] = {}, {}
    sizes = {k: v for k, v in SHAPE_SIZES.items() if key not in FAMILY or k in FAMILY_SHAPE_SIZES}
    for size_key, hw in sizes.items():
        calls = output_shapes(model, hw)
        info["output_shapes"][size_key] = {n: c[0] for n, c in calls.items()}
        info["call_shapes"][size_key] = {n: c for n, c in calls.items() if len(c) > 1}
    return info


def sig(x: float) -> float:
    return float(f"{x:.10g}")


def outputs(key: str, inputs: dict[str, tuple[int, ...]]) -> dict:
    model = build(key).double()
    sd = deterministic_state_dict([[n, t.shape] for n, t in model.state_dict().items()])
    model.load_state_dict(sd, strict=True)
    result = {"state_dict_sum": sig(sum(t.double().sum().item() for t in sd.values())),
              "state_dict_abs_sum": sig(sum(t.double().abs().sum().item() for t in sd.values()))}
    for in_key, shape in inputs.items():
        pooled: dict[str, torch.Tensor] = {}
        hook = model.avgpool.register_forward_hook(
            lambda _m, _i, o, store=pooled: store.setdefault("x", o))
        x = deterministic_input(*shape)
        with torch.no_grad():
            logits = model(x)
        hook.remove()
        std = logits.std().item()
        assert not logits.isnan().any() and std > 1e-3, f"{key} {in_key}: degenerate logits"
        result[in_key] = {
            "input_sum": sig(x.sum().item()),
            "logits": [[sig(v) for v in row] for row in logits.tolist()],
            "pooled_sum": [sig(v) for v in pooled["x"].flatten(1).sum(1).tolist()],
            "logits_mean": sig(logits.mean().item()), "logits_std": sig(std),
            "logits_absmax": sig(logits.abs().max().item()),
        }
        print(f"  {key:13s} {in_key}: logits mean {logits.mean().item():+.4f} std {std:.4f} "
              f"absmax {logits.abs().max().item():.4f} pooled_sum "
              f"{[round(v, 3) for v in result[in_key]['pooled_sum']]}")
    return result


def weights_meta(key: str) -> dict:
    """Every published weight of one builder: its ``meta`` and its evaluation transform."""
    enum = getattr(torchvision.models, WEIGHTS[key])
    out = {}
    for w in enum:
        meta = w.meta
        metrics = meta["_metrics"]["ImageNet-1K"]
        t = w.transforms()
        out[w.name] = {
            "num_params": meta["num_params"],
            "gflops": meta["_ops"],
            "file_size_mb": meta["_file_size"],
            "acc1": metrics["acc@1"],
            "acc5": metrics["acc@5"],
            "recipe": meta["recipe"],
            "docs": " ".join(meta["_docs"].split()),
            "min_size": list(meta["min_size"]),
            "eval_resize_size": list(t.resize_size),
            "eval_crop_size": list(t.crop_size),
            "interpolation": str(t.interpolation.value),
        }
    out["DEFAULT"] = enum.DEFAULT.name
    return out


def dump(obj, level: int = 0) -> str:
    """JSON with one dict entry or list row per line, innermost lists kept on one line."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict) and obj:
        rows = [f"{inner}{json.dumps(k)}: {dump(v, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(rows) + f"\n{pad}}}"
    if isinstance(obj, list) and any(isinstance(v, list) for v in obj) \
            and len(json.dumps(obj)) > 100:
        return "[\n" + ",\n".join(inner + json.dumps(v) for v in obj) + f"\n{pad}]"
    return json.dumps(obj)


def main() -> None:
    keys = [f"resnet{d}" for d in DEPTHS] + [f"resnet{d}_v1" for d in V1_DEPTHS] + FAMILY
    provenance = {
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "generated_by": "/tmp/tv/bin/python tests/make_fixtures.py (throwaway venv: "
                        "pip install torch==2.14.1 torchvision==0.29.1), CPU, weights=None",
        "v1_variant": V1_NOTE,
    }
    models_prov = dict(provenance, notes=(
        "output_shapes[size][module] = output shape of the module's FIRST call, batch 1, "
        "input 3xHxW with size 'HxW' (six sizes for resnet*, three for the ResNeXt and Wide "
        "ResNet models); call_shapes lists every call's shape for modules "
        "called more than once (a block's shared relu). Modules: every leaf plus conv1, bn1, "
        "relu, maxpool, layer1..4, each block layerX.i, avgpool, fc. FLOPs from "
        "torch.utils.flop_counter.FlopCounterMode at 1x3x224x224: only conv and linear "
        "(addmm) are counted, FLOPs = 2 * MACs; stage_flops_224 sums ops per top-level module."))
    structures = {}
    for key in keys:
        structures[key] = s = structure(key)
        print(f"{key:13s} params {s['params']:>10,d}  convs {s['conv2d_count']:3d}  "
              f"GFLOPs@224 {s['flops_224'] / 1e9:.4f} (GMACs {s['macs_224'] / 1e9:.4f})")
    print("outputs (float64, eval mode):")
    outs = {}
    for key in keys:
        extra = ODD_INPUT if key in ("resnet18", "resnet50") else {}
        outs[key] = outputs(key, {**OUTPUT_INPUTS, **extra})
    out_prov = dict(provenance, dtype="torch.float64 (model.double().eval(), CPU, no_grad)",
                    weights="tests/deterministic.py deterministic_state_dict(layout), float64",
                    inputs="tests/deterministic.py deterministic_input(n, c, h, w), float64",
                    rounding="every float rounded to 10 significant digits",
                    pooled_sum="per sample, sum of the avgpool output (flattened)")
    weights = {key: weights_meta(key) for key in WEIGHTS}
    weights_prov = dict(provenance, notes=(
        "weights[model][NAME] for every member of torchvision.models.<Model>_Weights: "
        "num_params, gflops (meta['_ops']: torchvision's GFLOPS, which count multiply-adds), "
        "file_size_mb (meta['_file_size']), acc1/acc5 (meta['_metrics']['ImageNet-1K'], "
        "percent, single crop at the eval transform's sizes), recipe (meta['recipe']), "
        "docs (meta['_docs']), min_size, and the eval transform's resize_size, crop_size "
        "and interpolation. weights[model]['DEFAULT'] names the enum's DEFAULT member. "
        "Read from the metadata shipped inside torchvision; nothing was downloaded."))
    for key, ws in weights.items():
        for name, w in ws.items():
            if name != "DEFAULT":
                print(f"  {key:17s} {name:15s} acc@1 {w['acc1']:.3f} acc@5 {w['acc5']:.3f} "
                      f"GFLOPS {w['gflops']:.2f} params {w['num_params']:,}")
    OUT_DIR.mkdir(exist_ok=True)
    files = {"torchvision_models.json": {"provenance": models_prov, "models": structures},
             "torchvision_outputs.json": {"provenance": out_prov, "outputs": outs},
             "torchvision_weights.json": {"provenance": weights_prov, "weights": weights}}
    for name, data in files.items():
        path = OUT_DIR / name
        path.write_text(dump(data) + "\n")
        assert json.loads(path.read_text()) == json.loads(json.dumps(data)), name
        kib = math.ceil(path.stat().st_size / 1024)
        print(f"wrote {path.relative_to(HERE.parent)} ({kib} KiB)")


if __name__ == "__main__":
    main()
