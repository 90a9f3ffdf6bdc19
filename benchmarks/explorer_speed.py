"""The feature-map explorer: live update latency (goal < 50 ms) and static figure size.

Prints:
- the median latency of ONE live-explorer update, in-process: a control's value is set
  programmatically (as a reader's click or keystroke does through the kernel), the widget's
  observer recomputes ``stage_data`` and refreshes its figure's data; measured from the
  assignment until ``update()`` returns with the new figure data. The settings cycle through
  architectures, stems and sizes so no two consecutive updates are alike;
- the median time to serialise the updated figure to JSON (what a kernel then sends to the
  front end; the front end's drawing is not measured here);
- the static figure's HTML as the book embeds it
  (``pio.to_html(fig, include_plotlyjs=False, full_html=False)``; goal < ~300 KB) and the
  time to build it.
Run: ``.venv/bin/python benchmarks/explorer_speed.py``. Nothing here is asserted.
"""

from __future__ import annotations

import itertools
import statistics
import time

import plotly
import plotly.io as pio

from resnet_lib.explorer import SIZES
from resnet_lib.figures import static_explorer_figure
from resnet_lib.spec import RESNETS as ARCHS
from resnet_lib.widgets import Explorer

REPEATS = 200
GOAL_MS = 50
HTML_GOAL_KB = 300


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1e3


def live_update_ms(w: Explorer) -> tuple[float, float, float]:
    """(median, p90) ms of one control change -> new figure data; median ms of to_json."""
    changes = itertools.cycle(
        [(w.size, str(s)) for s in (224, 97, 512, 33, 1000)]
        + [(w.arch, a) for a in ARCHS]
        + [(w.stem, "cifar"), (w.stem, "imagenet"), (w.stride_in, "1x1"), (w.stride_in, "3x3")]
    )
    update_times, json_times = [], []
    for control, value in itertools.islice(changes, REPEATS):
        if control.value == value:
            continue
        before = w.figure.data[0].y, w.figure.layout.title.text
        t0 = time.perf_counter()
        control.value = value  # the observer runs update() synchronously
        update_times.append(time.perf_counter() - t0)
        assert (w.figure.data[0].y, w.figure.layout.title.text) != before, "no update"
        t0 = time.perf_counter()
        pio.to_json(w.figure, validate=False)
        json_times.append(time.perf_counter() - t0)
    p90 = statistics.quantiles(update_times, n=10)[-1] * 1e3
    return median_ms(update_times), p90, median_ms(json_times)


def main() -> None:
    print(f"plotly {plotly.__version__}")
    w = Explorer(display_figure=False)  # no kernel here: nothing would render the figure
    median, p90, to_json = live_update_ms(w)
    verdict = "meets" if median < GOAL_MS else "MISSES"
    print(f"live update (control change -> new figure data): median {median:.2f} ms, "
          f"p90 {p90:.2f} ms ({verdict} the {GOAL_MS} ms goal)")
    print(f"  + serialising the figure for the front end: median {to_json:.2f} ms")

    t0 = time.perf_counter()
    fig = static_explorer_figure()
    build_s = time.perf_counter() - t0
    html = pio.to_html(fig, include_plotlyjs=False, full_html=False)
    size_kb = len(html.encode("utf8")) / 1000
    verdict = "under" if size_kb < HTML_GOAL_KB else "OVER"
    print(f"static figure: {len(fig.data)} traces, {len(fig.layout.updatemenus[0].buttons)} "
          f"networks x {len(SIZES)} sizes; HTML {size_kb:.1f} KB ({verdict} the "
          f"{HTML_GOAL_KB} KB goal), built in {build_s * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
