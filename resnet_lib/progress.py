"""A training progress bar that works in a live notebook and reads as text in the book."""

from __future__ import annotations

from typing import Any

from . import _checks
from .i18n import network
from .i18n import text as tr


class TrainingProgress:
    """A progress bar for ``plain_vs_residual`` that also reads well as plain text.

    In a live notebook (JupyterLab, Colab, classic Jupyter) it is one HTML ``<progress>`` bar
    with a line of text, redrawn in place every few steps. Where nothing can be redrawn, such
    as the static book, which keeps a cell's last output, the same display ends as one line of
    text: how many networks and steps ran and how long they took. Outside IPython it prints
    one line per network.
    """

    def __init__(self, every: int = 10) -> None:
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
        if self.total and self.done == self.total:
            return tr("trained {n} networks, {steps} SGD steps in {s} s", n=len(self.names),
                      steps=f"{self.done:,}", s=f"{self.seconds:.0f}")
        return tr("training {name}: step {done} of {total} ({s} s so far)",
                  name=network(self.name) if self.name else "...", done=f"{self.done:,}",
                  total=f"{self.total:,}", s=f"{self.seconds:.0f}")

    def __repr__(self) -> str:
        return self._text()

    def _repr_html_(self) -> str:
        from html import escape

        text = escape(self._text())
        return (f'<div class="training-progress"><progress value="{self.done}" '
                f'max="{max(self.total, 1)}" aria-label="{text}"></progress> '
                f'<span>{text}</span></div>')


__all__ = ["TrainingProgress"]
