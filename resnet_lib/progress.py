"""A progress bar that works in a live notebook and reads as text in the book.

One bar, several wordings: ``Progress`` draws it and counts the steps; each long-running cell
of the book gets a subclass that only says what a step is (an SGD step, a network whose
gradients were measured, a network whose latency was timed). The wording is English text
looked up in ``i18n``'s catalog when the bar is drawn, so it follows ``set_language``.
"""

from __future__ import annotations

from typing import Any

from . import _checks
from .i18n import network
from .i18n import text as tr


class Progress:
    """A progress bar for a loop of steps that also reads well as plain text.

    In a live notebook (JupyterLab, Colab, classic Jupyter) it is one HTML ``<progress>`` bar
    with a line of text, redrawn in place every ``every`` steps. Where nothing can be redrawn,
    such as the static book, which keeps a cell's last output, the same display ends as one
    line of text: what ran and how long it took. Outside IPython it prints one line per name.

    The work calls ``start(total)``, then ``step(name)`` after each step (``name``: the
    network the step belonged to), then ``finish()``. ``RUNNING`` and ``FINISHED`` are the
    two lines of text, catalog keys with the fields ``name``, ``done``, ``total``, ``n`` (the
    networks seen), ``steps`` (= ``done``) and ``s`` (seconds so far).
    """

    RUNNING = "step {done} of {total} ({s} s so far)"
    FINISHED = "{steps} steps in {s} s"

    def __init__(self, every: int = 1) -> None:
        _checks.positive_int("every", every)
        self.every = every
        self.total = self.done = 0
        self.name = ""
        self.names: list[str] = []
        self._start = 0.0
        self._handle: Any = None

    def start(self, total: int) -> None:
        import time

        self.total, self.done, self.names = total, 0, []
        self._start = time.perf_counter()
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # plain Python: text lines only
            return
        if get_ipython() is not None:
            self._handle = display(self, display_id=True)

    def step(self, name: str) -> None:
        if name != self.name:
            if self.name and self._handle is None:
                print(self._text())
            self.name = name
            self.names.append(name)
        self.done += 1
        if self._handle is not None and (self.done % self.every == 0
                                         or self.done == self.total):
            self._handle.update(self)

    def finish(self) -> None:
        if self._handle is not None:
            self._handle.update(self)
        else:
            print(self._text())

    @property
    def seconds(self) -> float:
        import time

        return time.perf_counter() - self._start

    def _text(self) -> str:
        finished = bool(self.total) and self.done == self.total
        return tr(self.FINISHED if finished else self.RUNNING,
                  name=network(self.name) if self.name else "...", n=len(self.names),
                  done=f"{self.done:,}", steps=f"{self.done:,}", total=f"{self.total:,}",
                  s=f"{self.seconds:.0f}")

    def __repr__(self) -> str:
        return self._text()

    def _repr_html_(self) -> str:
        from html import escape

        text = escape(self._text())
        return (f'<div class="resnet-lib-progress"><progress value="{self.done}" '
                f'max="{max(self.total, 1)}" aria-label="{text}"></progress> '
                f'<span>{text}</span></div>')


class TrainingProgress(Progress):
    """For ``experiments.plain_vs_residual``: a step is one SGD step of one network."""

    RUNNING = "training {name}: step {done} of {total} ({s} s so far)"
    FINISHED = "trained {n} networks, {steps} SGD steps in {s} s"

    def __init__(self, every: int = 10) -> None:
        super().__init__(every)


class GradientProgress(Progress):
    """For ``gradients.gradient_flow``: a step is one network built and measured."""

    RUNNING = "measuring gradients: {done} of {total} networks done ({s} s so far)"
    FINISHED = "measured the gradients of {n} networks in {s} s"


class LatencyProgress(Progress):
    """For ``costs.measure_all``: a step is one network built and timed."""

    RUNNING = "timing: {done} of {total} networks done ({s} s so far)"
    FINISHED = "timed {n} networks in {s} s"


__all__ = ["GradientProgress", "LatencyProgress", "Progress", "TrainingProgress"]
