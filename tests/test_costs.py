"""``resnet_lib.costs``, the cost chapter's figures and ``benchmarks/gpu_throughput.py``.

No test asserts a timing: latencies are checked for being positive and finite, and the
statistics (median, warm-up, per-image division) are checked with a fake clock whose values
are known. Counted costs are checked against the fixtures written by real torchvision and
against a forward pass on the ``meta`` device that counts every Conv2d output (independent of
the arithmetic under test).
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
import torch
from torch import nn

from resnet_lib import build, costs, figures, paper, stage_table, throughput
from resnet_lib.progress import LatencyProgress

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = json.loads((ROOT / "tests" / "fixtures" / "torchvision_models.json").read_text())[
    "models"]
NAMES = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


def tiny() -> nn.Module:
    """A small real ResNet (width 8): fast to run, same code path as the big ones."""
    return build("resnet18", width=8, num_classes=10)


class FakeClock:
    """Returns the given times in order, so the timed runs are known exactly."""

    def __init__(self, times):
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0)


# --- measure_latency ----------------------------------------------------------------------


def test_latency_is_the_median_per_image_of_the_timed_runs():
    # Three runs of a batch of 2: 10, 30 and 5 ms -> 5, 15, 2.5 ms per image; median 5.
    clock = FakeClock([0.0, 0.010, 1.0, 1.030, 2.0, 2.005])
    lat = costs.measure_latency(tiny(), 32, batch=2, repeats=3, warmup=0, clock=clock)
    assert lat.runs_ms == pytest.approx((5.0, 15.0, 2.5))
    assert lat.median_ms == pytest.approx(5.0)  # the mean would be 7.5
    assert (lat.min_ms, lat.max_ms) == pytest.approx((2.5, 15.0))
    assert lat.images_per_s == pytest.approx(200.0)
    assert clock.times == []  # exactly two clock readings per timed run, none in warm-up


def test_latency_runs_warmup_then_repeats_in_inference_mode_and_restores_state():
    model = tiny().train()
    seen = []
    model.register_forward_pre_hook(
        lambda m, _: seen.append((torch.is_inference_mode_enabled(), m.training)))
    before = torch.get_num_threads()
    lat = costs.measure_latency(model, 32, repeats=3, warmup=2, threads=1, name="tiny")
    assert len(seen) == 2 + 3
    assert all(mode and not training for mode, training in seen)
    assert model.training  # train mode restored
    assert torch.get_num_threads() == before  # thread count restored
    assert lat.threads == 1 and lat.warmup == 2 and lat.name == "tiny"
    assert lat.batch == 1 and lat.input_size == (32, 32) and lat.device == "cpu"
    assert lat.torch_version == torch.__version__ and lat.machine


def test_latency_with_the_real_clock_is_positive_and_finite():
    lat = costs.measure_latency(tiny(), (32, 48), repeats=3, warmup=1)
    assert len(lat.runs_ms) == 3
    assert all(math.isfinite(r) and r > 0 for r in lat.runs_ms)
    assert lat.min_ms <= lat.median_ms <= lat.max_ms
    assert lat.input_size == (32, 48)


def test_latency_uses_the_models_input_channels():
    lat = costs.measure_latency(build("resnet18", width=8, in_channels=1), 32, repeats=1)
    assert lat.median_ms > 0


def test_measure_all_builds_each_named_model():
    lats = costs.measure_all(["resnet18"], input_size=32, repeats=1, warmup=0)
    assert [lat.name for lat in lats] == ["resnet18"] and lats[0].median_ms > 0


def test_measure_all_tells_its_progress_bar_about_each_model():
    progress = LatencyProgress()
    lats = costs.measure_all(["resnet18", "resnet34"], input_size=32, repeats=1, warmup=0,
                             progress=progress)
    assert [lat.name for lat in lats] == ["resnet18", "resnet34"]
    assert progress.total == progress.done == 2 and progress.names == ["ResNet-18", "ResNet-34"]
    text = repr(progress)
    assert text.startswith("timed 2 networks in ") and text.endswith(" s")


def test_measure_all_rejects_a_progress_without_the_three_methods():
    with pytest.raises(TypeError, match="progress must be None or have start"):
        costs.measure_all(["resnet18"], progress=print)


def test_a_clock_that_goes_backwards_is_an_error():
    with pytest.raises(RuntimeError, match="non-positive"):
        costs.measure_latency(tiny(), 32, repeats=1, warmup=0, clock=FakeClock([1.0, 0.5]))


@pytest.mark.parametrize("kwargs, error", [
    (dict(repeats=0), ValueError), (dict(repeats="3"), TypeError), (dict(repeats=2.0), TypeError),
    (dict(warmup=-1), ValueError), (dict(warmup=None), TypeError), (dict(threads=0), ValueError),
    (dict(batch=0), ValueError), (dict(batch=True), TypeError), (dict(input_size=0), ValueError),
    (dict(input_size="224"), TypeError), (dict(device=0), TypeError),
    (dict(clock="now"), TypeError),
])
def test_latency_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        costs.measure_latency(tiny(), **{"input_size": 32, **kwargs})


@pytest.mark.parametrize("model, error", [("resnet51", ValueError), (42, TypeError),
                                          (None, TypeError)])
def test_latency_rejects_bad_models(model, error):
    with pytest.raises(error):
        costs.measure_latency(model, 32)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_latency_on_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="CUDA"):
        costs.measure_latency(tiny(), 32, device="cuda")
    with pytest.raises(ValueError, match="CUDA"):
        costs.measure_latency(tiny(), 32, device="cuda:0")


@pytest.mark.parametrize("device", ["gpu", "GPU", "cuda0", "", "cpu:x", "meta"])
def test_latency_rejects_unknown_devices_naming_the_argument(device):
    with pytest.raises(ValueError, match="device") as exc:
        costs.measure_latency(tiny(), 32, device=device)
    assert "'cpu'" in str(exc.value) and repr(device) in str(exc.value)


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has an Apple GPU")
def test_latency_on_mps_without_mps_is_a_clear_error():
    with pytest.raises(ValueError, match="device 'mps'"):
        costs.measure_latency(tiny(), 32, device="mps")


@pytest.mark.parametrize("name", [42, ["tiny"], b"tiny"])
def test_latency_rejects_a_name_that_is_not_a_string(name):
    with pytest.raises(TypeError, match="name"):
        costs.measure_latency(tiny(), 32, repeats=1, warmup=0, name=name)


class RecordsMoves(nn.Module):
    """A model whose ``to`` only records where it was sent (its weights stay on the CPU)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.moves = []

    def to(self, *args, **kwargs):
        self.moves.append(torch.device(args[0]))
        return self

    def forward(self, x):
        return self.conv(x)


def test_latency_moves_the_callers_model_back_even_when_the_run_fails(monkeypatch):
    # Pretend CUDA is there: the model is "moved" to cuda, the input cannot follow on this
    # CPU-only machine, and the model must still be sent back to the CPU it came from.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    model = RecordsMoves()
    with pytest.raises((AssertionError, RuntimeError)):
        costs.measure_latency(model, 8, repeats=1, warmup=0, device="cuda")
    assert model.moves == [torch.device("cuda"), torch.device("cpu")]


def test_latency_on_the_models_own_device_does_not_move_it():
    model = RecordsMoves()
    costs.measure_latency(model, 8, repeats=1, warmup=0, device="cpu")
    assert model.moves == [torch.device("cpu")]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_latency_on_cuda_leaves_the_model_where_it_was():
    model = tiny()
    lat = costs.measure_latency(model, 32, repeats=2, warmup=1, device="cuda")
    assert lat.device == "cuda" and lat.median_ms > 0
    assert {p.device.type for p in model.parameters()} == {"cpu"}


def test_machine_name():
    assert isinstance(costs.machine_name(), str) and costs.machine_name()


# --- counted costs -------------------------------------------------------------------------


def conv_outputs_by_forward(name: str, size, **options) -> int:
    """Elements written by every Conv2d in a meta-device forward pass (independent count)."""
    with torch.device("meta"):
        model = build(name, **options)
    total = [0]

    def hook(_module, _inputs, output):
        total[0] += output.numel()

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(hook)
    h, w = (size, size) if isinstance(size, int) else size
    model(torch.empty(1, 3, h, w, device="meta"))
    return total[0]


@pytest.mark.parametrize("options", [
    {}, {"stride_in": "1x1"}, {"shortcut": "A"}, {"shortcut": "C"}, {"plain": True},
    {"stem": "cifar"}, {"preact": True},
])
@pytest.mark.parametrize("name", ["resnet18", "resnet50", "resnet101"])
def test_activation_memory_counts_every_conv_output(name, options):
    for size in (224, 97, (160, 240)):
        act = costs.activation_memory(name, size, **options)
        assert act.conv_outputs == conv_outputs_by_forward(name, size, **options)
        assert sum(act.per_stage_conv_outputs.values()) == act.conv_outputs


@pytest.mark.parametrize("name", ["resnet34", "resnet152"])
def test_activation_memory_of_the_other_depths(name):
    assert costs.activation_memory(name).conv_outputs == conv_outputs_by_forward(name, 224)


def test_activation_memory_stage_outputs_by_hand():
    # ResNet-34 at 224: conv1, maxpool, layer1..4, avgpool, fc outputs (Table 1's sizes).
    by_hand = (64 * 112 * 112 + 64 * 56 * 56 + 64 * 56 * 56 + 128 * 28 * 28 + 256 * 14 * 14
               + 512 * 7 * 7 + 512 + 1000)
    act = costs.activation_memory("resnet34")
    assert act.stage_outputs == by_hand
    # conv outputs by hand: conv1, then each BasicBlock writes 2 maps, plus 3 projections.
    convs = (64 * 112 * 112 + 3 * 2 * 64 * 56 * 56 + 4 * 2 * 128 * 28 * 28
             + 6 * 2 * 256 * 14 * 14 + 3 * 2 * 512 * 7 * 7
             + 128 * 28 * 28 + 256 * 14 * 14 + 512 * 7 * 7)
    assert act.conv_outputs == convs
    assert act.per_stage_conv_outputs["conv1"] == 64 * 112 * 112


def test_activation_memory_scales_with_batch_and_bytes():
    one = costs.activation_memory("resnet50")
    many = costs.activation_memory("resnet50", batch=256, bytes_per_element=2)
    assert many.conv_outputs == 256 * one.conv_outputs
    assert many.stage_outputs == 256 * one.stage_outputs
    assert many.conv_bytes == 2 * many.conv_outputs
    assert one.conv_bytes == 4 * one.conv_outputs and one.stage_bytes == 4 * one.stage_outputs
    assert one.conv_mib == pytest.approx(one.conv_bytes / 2**20)
    # The cost chapter's exercise: about 5.3 GiB of bf16 conv outputs per batch of 256.
    assert one.conv_outputs == 11_113_984
    assert round(many.conv_bytes / 2**30, 1) == 5.3


def test_activation_memory_accepts_a_block_and_layers_pair():
    act = costs.activation_memory(("bottleneck", (3, 4, 6, 3)))
    assert act.conv_outputs == costs.activation_memory("resnet50").conv_outputs
    assert "Bottleneck" in act.name


@pytest.mark.parametrize("call, error", [
    (lambda: costs.activation_memory("resnet51"), ValueError),
    (lambda: costs.activation_memory(50), TypeError),
    (lambda: costs.activation_memory("resnet50", batch=0), ValueError),
    (lambda: costs.activation_memory("resnet50", bytes_per_element="4"), TypeError),
    (lambda: costs.activation_memory("resnet50", 0), ValueError),
    (lambda: costs.activation_memory("resnet50", stride_in="2x2"), ValueError),
    (lambda: costs.activation_memory("resnet50", depth=50), TypeError),
])
def test_activation_memory_rejects_bad_arguments(call, error):
    with pytest.raises(error):
        call()


def test_cost_table_matches_torchvision():
    table = costs.cost_table()
    assert [c.name for c in table] == list(NAMES)
    for c in table:
        assert c.params == FIXTURES[c.name]["params"]
        assert c.macs == FIXTURES[c.name]["macs_224"]
        assert c.gmacs == pytest.approx(FIXTURES[c.name]["macs_224"] / 1e9)
        assert c.activations.conv_outputs == conv_outputs_by_forward(c.name, 224)
    by = {c.name: c for c in table}
    # "about three times as many values" for ResNet-50 against ResNet-34
    ratio = by["resnet50"].activations.conv_outputs / by["resnet34"].activations.conv_outputs
    assert round(ratio) == 3


def test_cost_table_paper_form():
    table = costs.cost_table(["resnet50"], stride_in="1x1")
    assert table[0].macs == FIXTURES["resnet50_v1"]["macs_224"]


@pytest.mark.parametrize("names, error", [("resnet18", TypeError), ([], ValueError),
                                          (["resnet51"], ValueError), ([18], TypeError),
                                          (None, TypeError)])
def test_cost_table_rejects_bad_names(names, error):
    with pytest.raises(error):
        costs.cost_table(names)


# --- throughput: cited, or loaded from the benchmark's JSON -------------------------------


def test_cited_throughput():
    tp = throughput.cited_throughput()
    assert tp.cited
    assert tp.images_per_s("resnet50") == 15_483 and tp.images_per_s("resnet50", "train") == 4_717
    assert tp.slowdown("resnet50", "resnet34") == pytest.approx(27_884 / 15_483)
    assert round(tp.slowdown("resnet50", "resnet34"), 1) == 1.8
    assert round(tp.slowdown("resnet152", "resnet18", "train"), 1) == 5.9
    assert tp.compiled["resnet50"]["inference"] == 23_865
    assert tp.provenance["source"] == paper.SOURCES["h200"]
    with pytest.raises(ValueError):
        tp.images_per_s("resnet50", "training")
    with pytest.raises(ValueError):
        tp.images_per_s("resnet51")


@pytest.mark.parametrize("name, error", [(["resnet50"], TypeError), ({"resnet50"}, TypeError),
                                         (50, TypeError), (None, TypeError),
                                         ("resnet51", ValueError)])
def test_throughput_names_the_argument_and_the_models_it_has(name, error):
    tp = throughput.cited_throughput()
    with pytest.raises(error, match="name") as exc:
        tp.images_per_s(name)
    assert "'resnet18'" in str(exc.value) and "'resnet152'" in str(exc.value)
    with pytest.raises(error, match="name"):
        tp.slowdown(name, "resnet18")


def test_source_line_says_cited_or_measured(tmp_path):
    cited = throughput.cited_throughput().source_line()
    assert cited.startswith("cited: ") and "H200" in cited
    data = {"provenance": {"source": "benchmarks/gpu_throughput.py", "gpu": "Test GPU",
                           "torch": "9.9", "date": "2030-01-01"},
            "results": {"resnet18": {"inference": 100.0, "train": 40}}}
    line = throughput.load_throughput(write_json(tmp_path / "t.json", data)).source_line()
    assert line.startswith("measured for this book: Test GPU")
    assert "torch 9.9" in line and "2030-01-01" in line and "gpu_throughput.py" in line
    bare = throughput.load_throughput(write_json(tmp_path / "b.json", {**data, "provenance": {}}))
    assert bare.source_line().startswith("measured for this book: unknown GPU")


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_load_throughput_and_fallback(tmp_path):
    good = {"provenance": {"gpu": "Test GPU"},
            "results": {"resnet18": {"inference": 100.0, "train": 40}}}
    tp = throughput.load_throughput(write_json(tmp_path / "t.json", good))
    assert not tp.cited and tp.images_per_s("resnet18", "train") == 40
    assert tp.compiled == {}
    assert throughput.gpu_throughput(tmp_path / "t.json").provenance["gpu"] == "Test GPU"
    assert throughput.gpu_throughput(tmp_path / "missing.json").cited


@pytest.mark.parametrize("data", [
    [], {"results": {}}, {"provenance": {}, "results": []},
    {"provenance": {}, "results": {"resnet18": {"inference": 1.0}}},
    {"provenance": {}, "results": {"resnet18": {"inference": -1.0, "train": 1.0}}},
    {"provenance": {}, "results": {"resnet18": {"inference": "fast", "train": 1.0}}},
    {"provenance": {}, "results": {}, "compiled": {"resnet50": {"inference": 0, "train": 1}}},
    # "compiled" may be left out, but when present it is an object like "results":
    {"provenance": {}, "results": {}, "compiled": []},
    {"provenance": {}, "results": {}, "compiled": ""},
    {"provenance": {}, "results": {}, "compiled": 0},
    {"provenance": {}, "results": {}, "compiled": None},
])
def test_load_throughput_rejects_malformed_files(tmp_path, data):
    with pytest.raises(ValueError):
        throughput.load_throughput(write_json(tmp_path / "bad.json", data))


def test_load_throughput_file_errors(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        throughput.load_throughput(tmp_path / "broken.json")
    with pytest.raises(FileNotFoundError, match="gpu_throughput.py"):
        throughput.load_throughput(tmp_path / "nothing.json")
    with pytest.raises(TypeError):
        throughput.load_throughput(42)


@pytest.mark.parametrize("path", [None, 42, ["gpu.json"], b"gpu.json"])
def test_gpu_throughput_rejects_a_path_that_is_not_a_path(path):
    with pytest.raises(TypeError, match="path must be a str or Path"):
        throughput.gpu_throughput(path)


# --- benchmarks/gpu_throughput.py ---------------------------------------------------------


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "gpu_throughput", ROOT / "benchmarks" / "gpu_throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_cpu_smoke_run_writes_a_loadable_json(tmp_path):
    bench = load_benchmark()
    out = tmp_path / "smoke.json"
    data = bench.main(["--device", "cpu", "--models", "resnet18", "--batch", "2", "--size", "32",
                       "--steps", "1", "--warmup", "0", "--dtype", "float32", "--out", str(out)])
    tp = throughput.load_throughput(out)
    assert set(tp.results) == {"resnet18"} and tp.images_per_s("resnet18", "train") > 0
    prov = tp.provenance
    assert prov["device"] == "cpu" and "not a GPU measurement" in prov["gpu"]
    assert prov["torch"] == torch.__version__ and prov["date"]
    assert prov["settings"]["batch"] == 2 and prov["settings"]["channels_last"] is True
    assert data["gmacs_per_image"]["resnet18"] == pytest.approx(
        stage_table("resnet18", 32).macs / 1e9)


@pytest.mark.parametrize("argv", [["--batch", "1", "--device", "cpu", "--out", "x.json"],
                                  ["--device", "cpu"], ["--steps", "0"], ["--warmup", "-1"],
                                  ["--models", "resnet51"]])
def test_benchmark_rejects_bad_arguments(argv):
    with pytest.raises(SystemExit) as exc:
        load_benchmark().parse_args(argv)
    assert exc.value.code == 2


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_benchmark_without_cuda_says_so(tmp_path):
    with pytest.raises(SystemExit) as exc:
        load_benchmark().main(["--out", str(tmp_path / "x.json")])
    assert "no CUDA device" in str(exc.value.code)
    assert not (tmp_path / "x.json").exists()


# --- figures --------------------------------------------------------------------------------


def fake_latency(name: str, median: float) -> costs.Latency:
    return costs.Latency(name, median, (median * 0.9, median, median * 1.5), 1, (224, 224), 1,
                         1, "cpu", torch.__version__, "test machine")


def test_latency_vs_macs_figure():
    table = costs.cost_table(["resnet18", "resnet50"])
    lats = [fake_latency("resnet18", 30.0), fake_latency("resnet50", 80.0)]
    fig = figures.latency_vs_macs_figure(lats, table)
    line, trace = fig.data
    assert list(line.x) == [0, FIXTURES["resnet50"]["macs_224"] / 1e9]
    assert line.y[1] == pytest.approx(30.0 * FIXTURES["resnet50"]["macs_224"]
                                      / FIXTURES["resnet18"]["macs_224"])
    assert list(trace.y) == [30.0, 80.0]
    assert list(trace.x) == [FIXTURES[n]["macs_224"] / 1e9 for n in ("resnet18", "resnet50")]
    assert list(trace.error_y.array) == pytest.approx([15.0, 40.0])
    assert list(trace.error_y.arrayminus) == pytest.approx([3.0, 8.0])
    assert "1 thread" in fig.layout.title.text
    with pytest.raises(ValueError):
        figures.latency_vs_macs_figure([fake_latency("resnet34", 50.0)], table)


def test_relative_costs_figure():
    table = costs.cost_table(["resnet18", "resnet50"])
    lats = [fake_latency("resnet18", 30.0), fake_latency("resnet50", 90.0)]
    fig = figures.relative_costs_figure(table, lats, throughput.cited_throughput())
    by = {t.name: list(t.y) for t in fig.data}
    assert by["CPU time (measured here)"] == pytest.approx([1.0, 3.0])
    assert by["NVIDIA H200 time, inference"] == pytest.approx([1.0, 39_293 / 15_483])
    assert by["NVIDIA H200 time, training"] == pytest.approx([1.0, 13_230 / 4_717])
    assert by["parameters"] == pytest.approx(
        [1.0, FIXTURES["resnet50"]["params"] / FIXTURES["resnet18"]["params"]])
    assert by["multiply-adds"] == pytest.approx(
        [1.0, FIXTURES["resnet50"]["macs_224"] / FIXTURES["resnet18"]["macs_224"]])
    with pytest.raises(ValueError):
        figures.relative_costs_figure(table, lats, throughput.cited_throughput(),
                                      baseline="resnet34")
