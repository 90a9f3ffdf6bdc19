"""The models work with PyTorch's own tooling: torch.fx, torch.export and torch.compile.

A Python check on the input inside ``forward`` (``if not isinstance(x, Tensor): raise``)
would stop ``torch.fx.symbolic_trace`` ("got Proxy") and with it fx-based feature extraction
and quantisation; these tests keep every builder and every option traceable, and check that
each traced or compiled program computes what the eager model computes.
"""

from __future__ import annotations

import pytest
import torch

import resnet_lib as R
from resnet_lib import spec

OPTIONS = [
    {}, {"stem": "cifar"}, {"stride_in": "1x1"}, {"shortcut": "A"}, {"shortcut": "C"},
    {"plain": True}, {"preact": True}, {"preact": True, "shortcut": "A"},
    {"zero_init_residual": True}, {"in_channels": 1, "num_classes": 10},
]


def small(name: str, **options) -> torch.nn.Module:
    """A narrow copy (width 16) in eval mode: the same graph, a fraction of the arithmetic."""
    torch.manual_seed(0)
    return R.build(name, width=16, **options).eval()


def x_for(model: torch.nn.Module) -> torch.Tensor:
    return torch.randn(2, model.in_channels, 32, 32, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("name", list(spec.ARCHS))
def test_every_builder_traces_with_fx(name):
    with torch.device("meta"):  # full size, no memory: symbolic tracing runs no arithmetic
        model = R.build(name)
    graph = torch.fx.symbolic_trace(model).graph
    convs = [n for n in graph.nodes if n.op == "call_module" and "conv" in n.target
             or n.op == "call_module" and n.target.endswith("downsample.0")]
    assert len(convs) == R.weighted_layers(name).conv2d


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                    o.items()) or "default")
@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_traced_models_compute_what_the_model_computes(name, options):
    model = small(name, **options)
    x = x_for(model)
    traced = torch.fx.symbolic_trace(model)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))


@pytest.mark.parametrize("options", OPTIONS[:8], ids=lambda o: ",".join(
    f"{k}={v}" for k, v in o.items()) or "default")
def test_export_and_compile_each_option(options):
    model = small("resnet50", **options)
    x = x_for(model)
    with torch.no_grad():
        expected = model(x)
        exported = torch.export.export(model, (x,))
        assert torch.allclose(exported.module()(x), expected, atol=1e-5)
        compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
        assert torch.allclose(compiled(x), expected, atol=1e-5)
    torch._dynamo.reset()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(spec.ARCHS))
def test_every_builder_exports(name):
    model = small(name)
    x = x_for(model)
    with torch.no_grad():
        assert torch.allclose(torch.export.export(model, (x,)).module()(x), model(x), atol=1e-5)


@pytest.mark.slow
def test_inductor_compiles_resnet18():
    model = small("resnet18")
    x = x_for(model)
    with torch.no_grad():
        assert torch.allclose(torch.compile(model, fullgraph=True)(x), model(x), atol=1e-4)
    torch._dynamo.reset()


def test_feature_extractor_returns_each_stage_as_stage_table_says():
    model = R.resnet50().eval()
    extract = R.feature_extractor(model)
    with torch.no_grad():
        out = extract(torch.randn(1, 3, 97, 97))
    rows = R.stage_table("resnet50", 97)
    assert list(out) == ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4"]
    for name, tensor in out.items():
        assert tuple(tensor.shape[1:]) == rows[name].shape
    # the graph stops at layer4: no pool, no fc
    assert not any(n.target in ("avgpool", "fc") for n in extract.graph.nodes)


def test_feature_extractor_matches_hooks_on_the_real_model():
    model = small("resnet18")
    x = x_for(model)
    seen = {}
    model.layer2[1].conv2.register_forward_hook(lambda m, i, o: seen.setdefault("c", o))
    with torch.no_grad():
        model(x)
        got = R.feature_extractor(model, ["layer2.1.conv2"])(x)["layer2.1.conv2"]
    assert torch.equal(got, seen["c"])


@pytest.mark.parametrize("names, error", [("layer1", TypeError), (["layer9"], ValueError),
                                          ([""], ValueError)])
def test_feature_extractor_names_bad_names(names, error):
    with pytest.raises(error, match="names"):
        R.feature_extractor(R.resnet18(), names)
