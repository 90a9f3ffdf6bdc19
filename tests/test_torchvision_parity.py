"""resnet_lib with default options IS torchvision's ResNet: proven against fixtures.

The fixtures under tests/fixtures/ were written by tests/make_fixtures.py with real
torchvision 0.29.1 (in a throwaway venv; torchvision is never a project dependency). Keys
"<name>_v1" are torchvision's model with the Bottleneck stride moved to the first 1x1 conv,
which is what ``stride_in="1x1"`` must reproduce. The ResNeXt and Wide ResNet keys are
torchvision's builders of the same names (grouped or twice as wide 3x3 in the Bottleneck).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from deterministic import deterministic_input, deterministic_state_dict
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import resnet_lib as R

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = json.loads((FIXTURES / "torchvision_models.json").read_text())["models"]
OUTPUTS = json.loads((FIXTURES / "torchvision_outputs.json").read_text())["outputs"]
KEYS = sorted(MODELS)  # resnet18..152, resnet50/101/152_v1, the ResNeXt and Wide ResNets
FAMILY = {"resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
          "wide_resnet101_2"}


def split_key(key: str) -> tuple[str, dict[str, str]]:
    """Fixture key -> (builder name, options): "resnet50_v1" -> ("resnet50", stride on 1x1)."""
    if key.endswith("_v1"):
        return key.removesuffix("_v1"), {"stride_in": "1x1"}
    return key, {}


def build(key: str) -> R.ResNet:
    name, options = split_key(key)
    return R.build(name, **options)


def parse_size(key: str) -> tuple[int, int]:
    h, w = key.split("x")
    return int(h), int(w)


def test_fixtures_cover_all_depths_both_stride_placements_and_the_family():
    assert set(KEYS) == {f"resnet{d}" for d in (18, 34, 50, 101, 152)} | {
        f"resnet{d}_v1" for d in (50, 101, 152)
    } | FAMILY


@pytest.mark.parametrize("key", sorted(FAMILY))
def test_family_builders_are_exported_like_torchvisions(key):
    """``resnet_lib.resnext50_32x4d()`` etc. exist, as in torchvision, and equal build(key)."""
    model = getattr(R, key)()
    assert [[k, list(v.shape)] for k, v in model.state_dict().items()] == MODELS[key]["state_dict"]


@pytest.mark.parametrize("key", KEYS)
def test_state_dict_names_shapes_and_order(key):
    ours = [[k, list(v.shape)] for k, v in build(key).state_dict().items()]
    assert ours == MODELS[key]["state_dict"]


@pytest.mark.parametrize("key", KEYS)
def test_parameter_and_conv2d_counts(key):
    model = build(key)
    assert R.count_params(model) == MODELS[key]["params"]
    assert sum(isinstance(m, nn.Conv2d) for m in model.modules()) == MODELS[key]["conv2d_count"]
    name, options = split_key(key)
    assert R.stage_table(name, **options).params == MODELS[key]["params"]
    assert R.weighted_layers(name).conv2d == MODELS[key]["conv2d_count"]


@pytest.mark.parametrize("key", KEYS)
def test_torchvision_checkpoint_loads_strict_and_gives_identical_outputs(key):
    model = build(key).double().eval()
    weights = deterministic_state_dict(MODELS[key]["state_dict"])
    model.load_state_dict(weights, strict=True)
    for size_key, ref in OUTPUTS[key].items():
        if "x" not in size_key:
            continue
        n, c, h, w = (int(v) for v in size_key.split("x"))
        x = deterministic_input(n, c, h, w)
        assert x.sum().item() == pytest.approx(ref["input_sum"], rel=1e-9)
        with torch.no_grad():
            logits = model(x)
        expected = torch.tensor(ref["logits"], dtype=torch.float64)
        assert logits.shape == expected.shape
        # The fixtures are rounded to 10 significant digits.
        torch.testing.assert_close(logits, expected, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("key", KEYS)
def test_every_module_output_shape_matches_torchvision(key):
    model = build(key)
    for size_key, ref in MODELS[key]["output_shapes"].items():
        ours = R.trace_shapes(model, parse_size(size_key))
        for module, shape in ref.items():
            assert list(ours[module]) == shape, (size_key, module)


@pytest.mark.parametrize("key", KEYS)
def test_stage_table_shapes_match_torchvision_at_every_fixture_size(key):
    name, options = split_key(key)
    for size_key, ref in MODELS[key]["output_shapes"].items():
        for row in R.stage_table(name, parse_size(size_key), **options):
            expected = ref[row.name]
            assert [row.channels, row.height, row.width] == (
                expected[1:] if len(expected) == 4 else [expected[1], 1, 1]
            ), (size_key, row.name)


@pytest.mark.parametrize("key", KEYS)
def test_stage_table_macs_match_torchvision_flop_counter_per_stage(key):
    name, options = split_key(key)
    rows = R.stage_table(name, 224, **options)
    ref = MODELS[key]
    assert rows.macs * 2 == ref["flops_224"]
    for stage, flops in ref["stage_flops_224"].items():
        assert rows[stage].macs * 2 == flops, stage


def test_our_flop_counter_agrees_on_our_own_models():
    """The same counter torchvision's numbers came from, run on our model (a second route)."""
    for name, options in [("resnet34", {}), ("resnet50", {"stride_in": "1x1"}),
                          ("resnet18", {"stem": "cifar", "shortcut": "C"})]:
        model = R.build(name, **options).eval()
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model(torch.zeros(1, 3, 160, 96))
        assert counter.get_total_flops() == 2 * sum(
            r.macs for r in R.stage_table(name, (160, 96), **options)
        )
