"""The real model, looked at: parameter counts, traced shapes and per-stage feature maps.

``analysis`` answers from arithmetic; this module asks the model itself, with PyTorch's own
tools. The two are compared in the tests, so that the arithmetic can never drift from the
model. Needs torch (``analysis`` does not).

    count_params(model)             trainable parameters.
    trace_shapes(model, size)       output shape of every submodule (a forward on ``meta``).
    feature_extractor(model, names) a ``torch.fx`` graph module returning named stage outputs,
                                    the way torchvision's ``create_feature_extractor`` works.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import torch
from torch import fx, nn

from . import _checks, spec

#: The modules whose outputs the book calls "what each stage outputs".
STAGE_OUTPUTS = ("conv1", "maxpool", *spec.STAGES)


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters (BN's running statistics are buffers, not counted)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters())


def trace_shapes(model: nn.Module, input_size: Any = 224, batch: int = 1) -> OrderedDict:
    """Output shape of every submodule, from a forward pass on the ``meta`` device.

    The meta device carries shapes and dtypes but no data, so this costs no arithmetic and
    no memory; the model itself is left untouched (its parameters are swapped for meta
    copies only for the duration of the call). Returns ``{module name: shape}`` in
    definition order; the model's own output is under ``""``. A module that runs more than
    once per forward (torchvision's blocks reuse one ``relu``) reports its first call.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    height, width = _checks.input_size(input_size)
    _checks.positive_int("batch", batch)
    in_channels = getattr(model, "in_channels", None)
    if in_channels is None:
        first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
        in_channels = first.in_channels if first is not None else 3

    shapes: OrderedDict[str, tuple[int, ...]] = OrderedDict()
    names = {m: n for n, m in model.named_modules()}

    def hook(module: nn.Module, _inputs: Any, output: Any) -> None:
        if isinstance(output, torch.Tensor) and names[module] not in shapes:
            shapes[names[module]] = tuple(output.shape)

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    meta = {k: torch.empty_like(v, device="meta") for k, v in model.state_dict().items()}
    was_training = model.training
    model.eval()  # BN in training mode refuses batch 1 at 1x1; shapes are the same either way
    try:
        x = torch.empty(batch, in_channels, height, width, device="meta")
        with torch.no_grad():
            torch.func.functional_call(model, meta, (x,))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    # Hooks fire inner-first; list modules in definition order, as named_modules does.
    order = [n for n, _ in model.named_modules()]
    return OrderedDict((n, shapes[n]) for n in order if n in shapes)


def feature_extractor(model: nn.Module, names: Iterable[str] = STAGE_OUTPUTS) -> fx.GraphModule:
    """A copy of ``model``, traced by ``torch.fx``, that returns ``{name: output}`` for ``names``.

    ``names`` are module names of the model (``"layer3"``, ``"layer2.0.conv2"``); the graph
    is cut after the last one, so nothing past it is computed. This is what torchvision's
    ``feature_extraction.create_feature_extractor`` does, in a dozen lines: it only works
    because the models trace (no Python checks on the input in ``forward``).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(names, str):
        raise TypeError(f"names must be a list of module names such as ['layer1'], got {names!r}")
    wanted = list(names)
    known = dict(model.named_modules())
    for name in wanted:
        if not isinstance(name, str) or not name or name not in known:
            raise ValueError(f"names must be module names of the model such as 'layer1'; "
                             f"{name!r} is not one")
    # Trace with the chosen modules as leaves, so each is one node whose output we can take.
    leaves = set(wanted)

    class _Tracer(fx.Tracer):
        def is_leaf_module(self, m: nn.Module, qualname: str) -> bool:
            return qualname in leaves or super().is_leaf_module(m, qualname)

    graph = _Tracer().trace(model)
    nodes = {n.target: n for n in graph.nodes if n.op == "call_module" and n.target in leaves}
    output = next(n for n in graph.nodes if n.op == "output")
    output.args = ({name: nodes[name] for name in wanted},)
    gm = fx.GraphModule(model, graph)
    gm.graph.eliminate_dead_code()  # everything after the last wanted module goes
    gm.recompile()
    gm.train(model.training)
    return gm


__all__ = ["STAGE_OUTPUTS", "count_params", "feature_extractor", "trace_shapes"]
