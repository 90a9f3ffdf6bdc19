"""How fast the published explorer answers its controls, in a reader's browser.

Opens the built explorer page (build it first: `make book`) in headless Chromium at 1280 px,
moves the native input-size slider one step at a time (as an arrow key does) and switches
the network, and prints the median and the slowest redraw: from the control's `input` or
`change` event to the end of the frame in which plotly.js has drawn the new numbers, and the
time spent inside the plotly.js calls themselves, and the CPU time the page's main thread
used for the whole step (Chromium's ThreadTime: what the step costs, whatever else the
machine is doing). The
goal is a median of at most 50 ms on the 2-core build machine. Printed, never asserted:
timings belong here, not in the tests.

Run: `.venv/bin/python benchmarks/explorer_redraw.py [path/to/html] [page.html]`
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import chromium, serve  # noqa: E402

PAGE = "chapters/06_explorer.html"

# Runs in the page: one control change, then wait for plotly.js's redraw and the next frame.
MEASURE = """async ([selector, value]) => {
  const control = document.querySelector(selector);
  const figure = control.closest('.cell_output').querySelector('.plotly-graph-div');
  const drawn = new Promise((resolve) => figure.once
    ? figure.once('plotly_afterplot', resolve) : resolve());
  window.__sync = [];
  const start = performance.now();
  control.value = String(value);
  control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input',
                                  { bubbles: true }));
  await Promise.race([drawn, new Promise((r) => setTimeout(r, 2000))]);
  await new Promise((r) => requestAnimationFrame(() => r()));
  return [performance.now() - start, window.__sync.reduce((a, b) => a + b, 0)];
}"""

# Runs once in the page: time the synchronous part of every plotly.js call that a control
# makes (the computing and drawing itself; a loaded machine's other work mostly falls
# outside these calls, between the event and the frame).
WRAP = """() => {
  for (const name of ['update', 'restyle', 'relayout', 'react']) {
    const call = Plotly[name];
    Plotly[name] = function (...args) {
      const start = performance.now();
      const result = call.apply(this, args);
      (window.__sync = window.__sync || []).push(performance.now() - start);
      return result;
    };
  }
}"""


def main(html: Path, page_path: str = PAGE) -> None:
    with serve(html) as base, chromium(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        page.goto(f"{base}/{page_path}")
        page.wait_for_selector(".figure-controls input[type=range]")
        page.wait_for_timeout(1500)
        page.evaluate(WRAP)
        slider = ".figure-controls input[type=range]"
        menu = ".figure-controls select"
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def cpu() -> float:
            """CPU time (s) the page's main thread has used so far (Chromium's ThreadTime)."""
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return next(m["value"] for m in metrics if m["name"] == "ThreadTime")

        def measure(selector: str, value: int) -> tuple[float, float, float]:
            before = cpu()
            total, sync = page.evaluate(MEASURE, [selector, value])
            return total, sync, 1000 * (cpu() - before)

        steps = int(page.get_attribute(slider, "max"))
        start = int(page.input_value(slider))
        slide = [measure(slider, i) for i in
                 [*range(start + 1, steps + 1), *range(steps - 1, -1, -1)]]
        options = page.eval_on_selector(menu, "m => m.options.length")
        switch = [measure(menu, i) for i in [*range(1, options), 0]]
        for name, runs in (("slider step", slide), ("network switch", switch)):
            times, sync, busy = ([r[k] for r in runs] for k in range(3))
            print(f"{name:15} {len(times):3} redraws: median {statistics.median(times):6.1f} ms,"
                  f" slowest {max(times):6.1f} ms; inside plotly.js calls: median "
                  f"{statistics.median(sync):6.1f} ms; main-thread CPU time: median "
                  f"{statistics.median(busy):6.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html",
         *sys.argv[2:3])
