"""ipywidgets explorers for a live kernel (Binder, Colab, local Jupyter).

``explorer()`` is the live twin of ``explorer.static_explorer_figure()``: the same numbers
(``explorer.stage_data``) and the same three-panel figure, but recomputed on every change,
for ANY input size a reader types (not only the static figure's grid).

On the published book page there is no kernel, so these widgets would be dead controls:
chapters tag the cell that displays one ``remove-output`` and show the static figure instead.

Why an ``Output`` and not a plotly ``FigureWidget``: ``FigureWidget`` needs the
``anywidget`` package, which the book does not depend on. The figure is kept as
``Explorer.figure`` (a ``go.Figure``, updated in place by ``refresh_stage_figure``) and
re-displayed in the ``Output`` with the front end's own plotly renderer.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display

from . import _checks
from .explorer import ARCHS, DEFAULT, STAGES, StageData, has_bottleneck, parse_size, stage_data
from .figures.explorer import refresh_stage_figure, stage_figure
from .i18n import text
from .style import STEM_LABELS, STRIDE_LABELS
from .style import label as arch_label

# Labels are never cut: every description takes the width its text needs ("initial"), and
# toggle buttons are as wide as their label (ipywidgets' default is a fixed width that turns
# text("v1.5: stride on the 3×3") into "v1.5: stride on th…"). Rows wrap on a narrow notebook.
_WIDE = {"description_width": "initial"}
_BUTTONS = {"description_width": "initial", "button_width": "auto"}
_WRAP = {"flex_flow": "row wrap", "align_items": "center"}  # a Layout's arguments
# The summary of a setting is the figure's title; the status line repeats it for screen
# readers only (announced on every change, aria-live), so a sighted learner reads it once.
_SCREEN_READER_ONLY = ("position:absolute;width:1px;height:1px;margin:-1px;padding:0;"
                       "overflow:hidden;clip-path:inset(50%);white-space:nowrap;border:0")


class Explorer(widgets.VBox):
    """Controls, a status line, a figure and a table; ``update()`` recomputes them all.

    Attributes a test (or a curious reader) can drive: ``arch``, ``size``, ``stem`` and
    ``stride_in`` (the controls), ``message`` (an ``HTML`` status line), ``data`` (the
    ``StageData`` shown, ``None`` while the input is invalid), ``figure`` (the ``go.Figure``
    shown) and ``table`` (an ``HTML`` table of the same numbers). ``display_figure``
    (default: only inside IPython) re-displays the figure in ``output`` after each update.
    """

    def __init__(self, arch: str = DEFAULT["arch"], input_size: int | str = DEFAULT["input_size"],
                 stem: str = DEFAULT["stem"], stride_in: str = DEFAULT["stride_in"],
                 display_figure: bool | None = None) -> None:
        # Check the starting values here: a bad one would otherwise surface as a traitlets
        # TraitError from deep inside ipywidgets, which names neither argument nor choices.
        _checks.choice("arch", arch, ARCHS)
        _checks.choice("stem", stem, STEM_LABELS)
        _checks.choice("stride_in", stride_in, STRIDE_LABELS)
        if display_figure is not None:
            _checks.flag("display_figure", display_figure)
        self.arch = widgets.Dropdown(
            options=[(arch_label(a), a) for a in ARCHS], value=arch, description=text("Network:"),
            style=_WIDE, layout=widgets.Layout(width="auto"),
            tooltip=text("Which ResNet: 18 and 34 use BasicBlocks, 50/101/152 Bottlenecks"),
        )
        self.size = widgets.Text(
            value=str(input_size), description=text("Input size (pixels):"), style=_WIDE,
            placeholder=text("a whole number, e.g. 224"), continuous_update=False,
            tooltip=text("Side of the square input image in pixels; any whole number >= 1 "
                         "(press Enter to apply)"),
        )
        self.stem = widgets.ToggleButtons(
            options=[(text(label), key) for key, label in STEM_LABELS.items()], value=stem,
            description=text("Stem:"), style=_BUTTONS, layout=widgets.Layout(flex_flow="row wrap"),
            tooltips=[text("7x7 stride-2 conv, then 3x3 stride-2 max pool (the paper's)"),
                      text("3x3 stride-1 conv, no max pool (for 32x32 CIFAR images)")],
        )
        self.stride_in = widgets.ToggleButtons(
            options=[(text("v1.5: stride on the 3×3"), "3x3"),
                     (text("v1: stride on the 1×1"), "1x1")],
            value=stride_in, description=text("Bottleneck stride:"), style=_BUTTONS,
            layout=widgets.Layout(flex_flow="row wrap"),
            tooltips=[text("torchvision's Bottleneck (ResNet v1.5)"),
                      text("the paper's Bottleneck (v1)")],
        )
        self.message = widgets.HTML()
        self.table = widgets.HTML()
        self.output = widgets.Output()
        self.data: StageData | None = None
        self.figure = None
        # Only a running IPython shows figures; a plain Python process (tests, benchmarks)
        # would print the whole figure's repr instead.
        self._display_figure = (get_ipython() is not None if display_figure is None
                                else display_figure)
        controls = widgets.VBox([widgets.HBox([self.arch, self.size],
                                              layout=widgets.Layout(**_WRAP)),
                                 self.stem, self.stride_in])
        super().__init__([controls, self.message, self.output, self.table])
        for control in (self.arch, self.size, self.stem, self.stride_in):
            control.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, _change: object) -> None:
        self.update()

    def update(self) -> StageData | None:
        """Recompute from the controls; show the figure and table, or a message saying why not.

        Never raises for a bad value a reader can type: the message line explains it.
        """
        bottleneck = has_bottleneck(self.arch.value)
        self.stride_in.disabled = not bottleneck
        try:
            size = parse_size(self.size.value)
            d = stage_data(self.arch.value, size, self.stem.value,
                           self.stride_in.value if bottleneck else "3x3")
        except (ValueError, TypeError, OverflowError) as err:
            self.data = None
            self._say(text("Cannot compute this setting: {err}.", err=err), error=True)
            self._show(False)  # no stale figure next to an error
            return None
        self.data = d
        self._show(True)
        note = "" if bottleneck else text(
            "ResNet-18/34 use BasicBlocks: no 1×1 conv, so no stride placement to choose.")
        self._say(note, summary=d.summary() + ".")
        if self.figure is None:
            self.figure = stage_figure(d)
        else:
            refresh_stage_figure(self.figure, d)
        self.table.value = stage_table_html(d)
        if self._display_figure:
            with self.output:
                self.output.clear_output(wait=True)
                display(self.figure)
        return d

    def _show(self, visible: bool) -> None:
        for part in (self.output, self.table):
            part.layout.display = None if visible else "none"

    def _say(self, text: str, error: bool = False, summary: str = "") -> None:
        """The status line: ``text`` shown (an error in colour), ``summary`` (which the
        figure's title already shows) for screen readers only."""
        color = "#D55E00" if error else "inherit"  # Okabe-Ito vermillion for errors
        role = "alert" if error else "status"
        hidden = (f'<span style="{_SCREEN_READER_ONLY}">{html.escape(summary)} </span>'
                  if summary else "")
        self.message.value = (f'<div role="{role}" aria-live="polite" style="color:{color}">'
                              f"{hidden}{html.escape(text)}</div>")


def stage_table_html(d: StageData) -> str:
    """The explorer's numbers as an accessible HTML table (one row per stage)."""
    columns = ("stage", "output (C×H×W)", "activation elements", "MB (fp32, one image)",
               "parameters", "MACs")
    head = "<tr>" + "".join(f"<th scope='col'>{html.escape(text(c))}</th>" for c in columns) \
        + "</tr>"
    rows = "".join(
        f"<tr><th scope='row'>{name}</th><td>{shape}</td><td>{n:,}</td><td>{mb:.3g}</td>"
        f"<td>{p:,}</td><td>{m:,}</td></tr>"
        for name, shape, n, mb, p, m in zip(STAGES, d.shapes, d.elements, d.act_mb, d.params,
                                             d.macs, strict=True)
    )
    caption = (f"<caption>{html.escape(text('{name}: per-stage outputs and costs', name=d.label))}"
               "</caption>")
    return f"<table>{caption}<thead>{head}</thead><tbody>{rows}</tbody></table>"


def explorer(arch: str = DEFAULT["arch"], input_size: int | str = DEFAULT["input_size"],
             stem: str = DEFAULT["stem"], stride_in: str = DEFAULT["stride_in"]) -> Explorer:
    """The live feature-map explorer: pick a network, type any input size, flip the options.

    Needs a running kernel (Binder, Colab, local Jupyter); on a static page its controls
    would do nothing, so the book shows ``explorer.static_explorer_figure()`` there.

    ``arch`` is one of ``resnet_lib.ARCHS``, ``stem`` "imagenet" or "cifar", ``stride_in``
    "3x3" (v1.5) or "1x1" (v1); anything else raises ``ValueError`` naming the argument and
    its allowed values. A bad ``input_size`` is shown as a message in the widget, like a bad
    value typed into it.
    """
    return Explorer(arch, input_size, stem, stride_in)
