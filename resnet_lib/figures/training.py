"""How ResNets are trained: the learning-rate schedules of torchvision's two recipes.

``lr_schedules`` runs PyTorch's own schedulers (the ones torchvision's reference script
``references/classification/train.py`` builds from its flags) on a single dummy parameter,
one step per epoch, so the curves are what the recipes' flags produce, not a redrawing:

- V1 weights: ``StepLR`` (lr 0.1, times 0.1 every 30 epochs, 90 epochs);
- V2 weights: ``LinearLR`` warm-up (from 0.01 x lr over 5 epochs) then ``CosineAnnealingLR``
  down to 0, chained by ``SequentialLR`` (lr 0.5, 600 epochs).

The recipes' numbers come from ``paper.TORCHVISION_V1_RECIPE`` / ``TORCHVISION_V2_RECIPE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import torch

from ..i18n import text
from ..paper import TORCHVISION_V1_RECIPE, TORCHVISION_V2_RECIPE
from ..render import with_caption
from ..style import PALETTE, style


def _run(optimizer: torch.optim.Optimizer, scheduler: Any, epochs: int) -> list[float]:
    lrs = []
    for _ in range(epochs):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def lr_schedule(recipe: Mapping[str, Any]) -> list[float]:
    """The learning rate of each epoch under ``recipe`` (a dict like the ones in ``paper``).

    Supported: ``lr_schedule`` "StepLR" (``lr_step_size``, ``lr_gamma``) and "cosine
    annealing" with an optional linear warm-up (``lr_warmup_epochs``, ``lr_warmup_decay``,
    ``lr_min``), as torchvision's train.py builds them.
    """
    if not isinstance(recipe, Mapping):
        raise TypeError(f"recipe must be a mapping such as paper.TORCHVISION_V1_RECIPE, "
                        f"got {type(recipe).__name__}")
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=recipe["lr"])
    epochs = int(recipe["epochs"])
    kind = recipe.get("lr_schedule")
    if kind == "StepLR":
        sched: Any = torch.optim.lr_scheduler.StepLR(opt, step_size=recipe["lr_step_size"],
                                                     gamma=recipe["lr_gamma"])
    elif kind == "cosine annealing":
        warm = int(recipe.get("lr_warmup_epochs", 0))
        main = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, T_max=epochs - warm, eta_min=recipe.get("lr_min", 0.0))
        if warm > 0:
            first = torch.optim.lr_scheduler.LinearLR(
                opt, start_factor=recipe.get("lr_warmup_decay", 0.01), total_iters=warm)
            sched = torch.optim.lr_scheduler.SequentialLR(opt, [first, main],
                                                          milestones=[warm])
        else:
            sched = main
    else:
        raise ValueError(f"recipe['lr_schedule'] must be 'StepLR' or 'cosine annealing', "
                         f"got {kind!r}")
    return _run(opt, sched, epochs)


def lr_schedules_figure() -> go.Figure:
    """Learning rate per epoch of torchvision's V1 and V2 recipes (log scale)."""
    fig = go.Figure()
    schedules = []
    for recipe, name, colour in ((TORCHVISION_V1_RECIPE, text("V1 weights: step, 90 epochs"),
                                  PALETTE["blue"]),
                                 (TORCHVISION_V2_RECIPE, text("V2 weights: warm-up + cosine, "
                                                              "600 epochs"), PALETTE["green"])):
        lrs = lr_schedule(recipe)
        schedules.append(lrs)
        fig.add_trace(go.Scatter(
            x=list(range(len(lrs))), y=lrs, mode="lines", name=name,
            line=dict(color=colour, width=2.5, shape="hv"),
            hovertemplate=text("epoch %{x}: learning rate %{y:.3g}") + f"<extra>{name}</extra>"))
    style(fig, title=text("Learning rate per epoch<br><sup>torchvision's V1 and V2 recipes</sup>"),
          height=420)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.25, yanchor="top"),
                      margin=dict(l=60, r=20, t=80, b=110), dragmode=False)
    fig.update_xaxes(title_text=text("epoch (passes over the training images)"), fixedrange=True)
    fig.update_yaxes(title_text=text("learning rate (log scale)"), type="log", fixedrange=True,
                     exponentformat="power", range=[-4, 0])
    v1, v2 = schedules
    cuts = [e for e in range(1, len(v1)) if v1[e] != v1[e - 1]]
    changes = sum(1 for e in range(1, len(v2)) if v2[e] != v2[e - 1])
    return with_caption(fig, text(
        "V1 keeps its rate and cuts it {cuts} times (at epochs {epochs}); V2 changes it at "
        "{changes} of its {total} epochs.").format(
            cuts=len(cuts), epochs=", ".join(map(str, cuts)), changes=changes, total=len(v2)))


__all__ = ["lr_schedule", "lr_schedules_figure"]
