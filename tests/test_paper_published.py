"""Published values added for the accuracy, training and family chapters, held to their sources.

torchvision's accuracies are typed once in ``resnet_lib.paper``; the fixture
``tests/fixtures/torchvision_weights.json`` was read from torchvision 0.29.1's own weights
metadata by ``tests/make_fixtures.py``. The two must agree entry by entry, so a typo in
either place fails here. The paper's Table 4 is checked against what the paper's text says
about it and against Table 3 (a different test protocol on the same networks).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resnet_lib import paper

WEIGHTS = json.loads(
    (Path(__file__).parent / "fixtures" / "torchvision_weights.json").read_text()
)["weights"]


def test_every_published_weight_of_the_ten_models_is_typed_once():
    fixture = {(m, w) for m, ws in WEIGHTS.items() for w in ws if w != "DEFAULT"}
    assert set(paper.TORCHVISION_WEIGHTS) == fixture
    assert len(WEIGHTS) == 10


@pytest.mark.parametrize("key", sorted(paper.TORCHVISION_WEIGHTS))
def test_typed_accuracy_params_gflops_and_recipe_equal_torchvisions_metadata(key):
    model, weights = key
    typed, ref = paper.TORCHVISION_WEIGHTS[key], WEIGHTS[model][weights]
    assert (typed.model, typed.weights) == key
    assert typed.acc1 == ref["acc1"] and typed.acc5 == ref["acc5"]
    assert typed.params == ref["num_params"]
    assert typed.gflops == ref["gflops"]
    assert [typed.eval_resize] == ref["eval_resize_size"]
    assert typed.recipe == ref["recipe"]


def test_the_older_v1_table_agrees_with_the_weights_table():
    for name, pub in paper.TORCHVISION.items():
        w = paper.TORCHVISION_WEIGHTS[name, "IMAGENET1K_V1"]
        assert (pub.params, pub.gflops, pub.acc1, pub.acc5) == (
            w.params, w.gflops, w.acc1, w.acc5)


def test_v2_weights_are_more_accurate_than_v1_for_every_model_that_has_both():
    """The metadata's own claim: V2 'improve upon the results of the original paper'."""
    for (model, weights), w in paper.TORCHVISION_WEIGHTS.items():
        if weights == "IMAGENET1K_V2":
            v1 = paper.TORCHVISION_WEIGHTS[model, "IMAGENET1K_V1"]
            assert w.acc1 > v1.acc1 and w.acc5 > v1.acc5, model
            assert "improve upon" in WEIGHTS["resnet50"]["IMAGENET1K_V2"]["docs"]


def test_table4_matches_the_papers_own_sentences_and_is_better_than_table3():
    # Sec. 4.1: "Our 152-layer ResNet has a single-model top-5 validation error of 4.49%."
    assert paper.TABLE4["resnet152"].top5 == 4.49
    # Table 3 uses 10-crop testing; Table 4 gives the "single-model results" (by the paper's
    # best protocol, Sec. 3.4). Table 4's errors are lower for every network both tables share.
    for name, t4 in paper.TABLE4.items():
        t3 = paper.TABLE3[name]
        assert t4.top1 < t3.top1 and t4.top5 < t3.top5, name
        assert t4.top5 < t4.top1
    # "The benefits of depth are witnessed for all evaluation metrics (Table 3 and 4)."
    depth = ["resnet34_B", "resnet50", "resnet101", "resnet152"]
    for table in (paper.TABLE3, paper.TABLE4):
        top1 = [table[n].top1 for n in depth]
        top5 = [table[n].top5 for n in depth]
        assert top1 == sorted(top1, reverse=True) and top5 == sorted(top5, reverse=True)
    # "C is marginally better than B" in both tables.
    for table in (paper.TABLE3, paper.TABLE4):
        assert table["resnet34_C"].top1 < table["resnet34_B"].top1


def test_recipes_are_self_consistent():
    r = paper.PAPER_RECIPE
    # 60e4 iterations of 256 images over 1.28 million images: about 120 epochs.
    epochs = r["iterations"] * r["batch"] / paper.PAPER_IMAGENET_TRAIN_IMAGES
    assert 119 < epochs < 121
    assert paper.TORCHVISION_V1_RECIPE["batch"] == r["batch"] == 256
    v2 = paper.TORCHVISION_V2_RECIPE
    assert v2["epochs"] / paper.TORCHVISION_V1_RECIPE["epochs"] == pytest.approx(600 / 90)
    # The V2 weights are evaluated at the recipe's resize, which the metadata records.
    assert [v2["val_resize"]] == WEIGHTS["resnet50"]["IMAGENET1K_V2"]["eval_resize_size"]


def test_published_accuracy_names_the_bad_argument():
    assert paper.published_accuracy("resnet50", "IMAGENET1K_V2").acc1 == 80.858
    with pytest.raises(ValueError, match="model"):
        paper.published_accuracy("resnet51")
    with pytest.raises(ValueError, match="weights"):
        paper.published_accuracy("resnet18", "IMAGENET1K_V2")
