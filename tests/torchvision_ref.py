"""torchvision's numbers for the tests, read from the fixtures real torchvision wrote.

Never typed here: ``tests/make_fixtures.py`` (run in a throwaway venv with real torchvision)
writes ``fixtures/torchvision_models.json``; this module only reads it. Keys are builder
names; ``"<name>_v1"`` is the same model with the Bottleneck's stride moved to the first 1x1
conv (the paper's placement).
"""

from __future__ import annotations

import json
from pathlib import Path

_MODELS = json.loads((Path(__file__).parent / "fixtures" / "torchvision_models.json")
                     .read_text())["models"]

#: Parameters of each model, counted by torchvision's own model.
PARAMS = {name: m["params"] for name, m in _MODELS.items()}
#: Multiply-adds per 224x224 image in G, from torch's FlopCounterMode on torchvision (FLOPs / 2).
GMACS = {name: m["macs_224"] / 1e9 for name, m in _MODELS.items()}
#: GMACs rounded to three decimals, the form torchvision's weights metadata prints ("GFLOPS").
GMACS_3 = {name: round(g, 3) for name, g in GMACS.items()}
