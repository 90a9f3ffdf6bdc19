"""The chapters as a learner runs them: JupyterLab (local or Binder) in Chromium.

A JupyterLab server (the project's pinned JupyterLab and jupyterlab-myst) runs on a free
local port with a token, from a scratch folder holding copies of the chapters (Lab autosaves
outputs into the notebooks it runs; the repository's copies must stay without outputs). The
server is configured never to reach out: no news feed, no update check, a read-only
extension manager (no PyPI lookups). The browser aborts and records every request that is
not for the server; a test fails if there was one.

What a learner sees on opening each chapter is saved under ``_build/screenshots/lab/``
(build artefacts, never committed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from browser import chromium

from resnet_lib import stage_table

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
FIXTURE = ROOT / "tests" / "fixtures" / "answer_toggle.ipynb"
SHOTS = ROOT / "_build" / "screenshots" / "lab"
START_TIMEOUT_S = 120
RUN_ALL_TIMEOUT_MS = 300_000

# The six stages whose output shape the explorer labels (channels×height×width), in order;
# typed here, not taken from the library under test.
STAGE_NAMES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")

pytestmark = pytest.mark.slow  # starts a server, kernels and a browser (~1-2 minutes)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_lab_command() -> list[str]:
    """The venv's jupyter-lab (next to the running python); skip/fail loudly without it."""
    exe = Path(sys.executable).with_name("jupyter-lab")
    if not exe.exists():
        message = "jupyter-lab is not installed (run `make setup`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [str(exe)]


@contextlib.contextmanager
def jupyterlab(notebooks: Path, home: Path) -> Iterator[tuple[str, str]]:
    """Run JupyterLab on ``notebooks``; yield (base URL, token); stop it by its PID.

    Every Jupyter folder (config, data, runtime, settings, workspaces) is a fresh one under
    ``home``, so no setting of this machine's user changes what the test sees.
    """
    token = secrets.token_hex(16)
    port = free_port()
    config = home / "config"
    config.mkdir(parents=True)
    (config / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {
        "news_url": None,  # no Atom feed fetched from jupyterlab.github.io
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",  # no PyPI search for extensions
    }}))
    # The front end's side of the news: never ask the learner (this would be a toast).
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [*jupyter_lab_command(), "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    log_path = home / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        os.kill(server.pid, signal.SIGTERM)  # the server shuts its kernels down, then exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: the server and kernels
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[dict]:
    """One server and one browser for the module; ``lab["open"](name)`` opens a notebook in a
    new tab and returns the page. At the end, no request may have left 127.0.0.1 and no
    uncaught error may have reached the page."""
    home = tmp_path_factory.mktemp("jupyterlab")
    notebooks = home / "book"
    notebooks.mkdir()
    for nb in [*CHAPTERS, FIXTURE]:
        shutil.copy(nb, notebooks)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with jupyterlab(notebooks, home) as (base, token), chromium() as context:
        foreign: list[str] = []
        errors: list[str] = []

        def route(r) -> None:
            url = r.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == urlsplit(base).netloc:
                r.continue_()
            else:
                foreign.append(url)
                r.abort()

        def open_notebook(name: str):
            shut_down_kernels(base, token)  # one chapter's kernel at a time (each holds torch)
            page = context.new_page()
            for earlier in [p for p in context.pages if p is not page]:
                earlier.close()
            page.set_default_timeout(120_000)
            page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
            page.route("**/*", route)
            # ?reset: a fresh workspace, so the tabs of earlier tests are not reopened.
            page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
            # Rendered markdown: jupyterlab-myst's renderer, or Lab's own without it.
            page.wait_for_selector(".jp-MarkdownCell .myst, .jp-MarkdownCell .jp-RenderedMarkdown",
                                   state="attached")
            wait_for_kernel(page, base, token, name)
            return page

        yield {"open": open_notebook, "foreign": foreign, "errors": errors}
    assert not foreign, f"the learner's browser asked for non-local resources: {foreign}"
    assert not errors, f"uncaught errors in JupyterLab's page: {errors}"


def shut_down_kernels(base: str, token: str) -> None:
    """Shut down every kernel of the server (through its REST API, as Lab's Kernel menu does)."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels",
                                                       headers=headers), timeout=10) as r:
        kernels = json.load(r)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/kernels/{kernel['id']}", method="DELETE", headers=headers), timeout=30)


def wait_for_kernel(page, base: str, token: str, name: str) -> None:
    """Until the notebook's kernel (which Lab starts on opening it) is up and idle.

    Waits with ``page.wait_for_timeout``, never ``time.sleep``: the browser's requests pass
    through this process's route handler, which runs only while playwright has control.
    """
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.load(r)
        if any(s["path"].endswith(name) and (s.get("kernel") or {}).get("execution_state")
               == "idle" for s in sessions):
            return
        page.wait_for_timeout(500)
    pytest.fail(f"no idle kernel for {name} after {START_TIMEOUT_S} s")


def run_all(page) -> None:
    """Run > Run All Cells, as a learner does; wait until every code cell has run."""
    page.wait_for_timeout(1000)  # the front end connects to the kernel the server started
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_timeout(1000)
    dialog = page.get_by_role("dialog").filter(has_text="Select Kernel")
    if dialog.count():  # the front end was not connected yet: a learner clicks Select
        dialog.get_by_role("button", name="Select", exact=True).click()
    # Every shown prompt reads [n] (the collapsed setup cell shows none).
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))"
        ".map(p => p.textContent.trim()).filter(t => t)"
        ".every(t => /^\\[\\d+\\]:$/.test(t))", timeout=RUN_ALL_TIMEOUT_MS)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          " .jp-RenderedText, .jp-RenderedText[data-mime-type="
                          "'application/vnd.jupyter.error']")
    tracebacks = [t for t in errors.all_text_contents() if "Traceback" in t or "Error" in t]
    assert not tracebacks, tracebacks


def expected_shapes(arch: str, size: int, stem: str) -> list[str]:
    rows = {r.name: r for r in stage_table(arch, size, stem=stem)}
    return [f"{rows[n].channels}×{rows[n].height}×{rows[n].width}" for n in STAGE_NAMES]


def shape_labels(explorer) -> list[str]:
    """The explorer figure's bar labels of its first panel (one per stage), as drawn."""
    texts = explorer.locator(".js-plotly-plot .bartext").all_text_contents()
    return [t for t in texts if "×" in t]


def test_live_explorer_redraws_what_stage_table_computes(lab):
    page = lab["open"]("06_explorer.ipynb")
    run_all(page)
    explorer = page.locator(".widget-vbox", has=page.locator(".widget-toggle-buttons")).first
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=str(SHOTS / "06_explorer-live-widget.png"))

    def wait_for(arch: str, size: int, stem: str) -> None:
        want = expected_shapes(arch, size, stem)
        try:
            page.wait_for_function(
                "([sel, want]) => { const t = Array.from(document.querySelectorAll(sel))"
                ".map(e => e.textContent).filter(s => s.includes('×'));"
                "return JSON.stringify(t) === JSON.stringify(want); }",
                arg=[".widget-vbox .js-plotly-plot .bartext", want], timeout=30_000)
        except Exception:
            pass  # the assertion below says what was drawn instead
        assert shape_labels(explorer) == want, (arch, size, stem)
        title = explorer.locator(".js-plotly-plot .gtitle").first.text_content()
        assert f"{size}×{size}" in title, title

    wait_for("resnet50", 224, "imagenet")  # the explorer's default: the paper's Table 1
    explorer.locator("select").select_option(label="ResNet-18")
    wait_for("resnet18", 224, "imagenet")
    size = explorer.locator(".widget-text input")
    size.fill("97")
    size.press("Enter")
    wait_for("resnet18", 97, "imagenet")
    explorer.locator(".widget-toggle-button", has_text="CIFAR stem").click()
    wait_for("resnet18", 97, "cifar")
    explorer.screenshot(path=str(SHOTS / "06_explorer-live-widget-changed.png"))
    # The setting's summary ("... G MACs · ... M parameters ...") is drawn once, as the
    # figure's title; the status line keeps it for screen readers only (1 px, clipped).
    shown = explorer.evaluate(
        "root => Array.from(root.querySelectorAll('*')).filter(e => !e.firstElementChild"
        " && e.textContent.includes('G MACs')).filter(e => { const r ="
        " e.getBoundingClientRect(); return r.width > 2 && r.height > 2; }).length")
    assert shown == 1, f"the summary line is shown {shown} times"
    status = explorer.locator("[role=status]")
    assert "97×97 input" in status.text_content()  # ... and a screen reader still hears it


def test_live_explorer_controls_are_labelled_in_full(lab):
    """At JupyterLab's default notebook width no label of a control is cut ("v1.5: stride
    on th…"), and every control has a visible label."""
    from resnet_lib.widgets import Explorer

    reference = Explorer(display_figure=False)
    page = lab["open"]("06_explorer.ipynb")
    run_all(page)
    explorer = page.locator(".widget-vbox", has=page.locator(".widget-toggle-buttons")).first
    explorer.scroll_into_view_if_needed()
    buttons = explorer.locator(".widget-toggle-button")
    expected = [label for control in (reference.stem, reference.stride_in)
                for label, _ in control.options]
    assert buttons.all_text_contents() == expected
    cut = explorer.evaluate(
        "root => Array.from(root.querySelectorAll('.widget-toggle-button, .widget-label, select,"
        " input')).filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)"
        ".map(e => (e.textContent || e.value).trim() + ` (${e.scrollWidth} > ${e.clientWidth})`)")
    assert not cut, f"labels cut at the default notebook width: {cut}"
    labels = explorer.locator(".widget-label:visible").all_text_contents()
    for control in (reference.arch, reference.size, reference.stem, reference.stride_in):
        assert control.description in labels, (control.description, labels)


def check_yourself_answers(page) -> list:
    """The answer toggles after the "Check yourself" heading, as rendered: HTML <details>
    blocks (jupyterlab-myst renders a MyST dropdown admonition as <details> too)."""
    return page.locator(".jp-MarkdownCell details").all()


@pytest.mark.parametrize("name", [FIXTURE.name] + [
    nb.name for nb in CHAPTERS if "## Check yourself" in nb.read_text(encoding="utf8")])
def test_answers_stay_hidden_until_the_learner_opens_them(lab, name):
    source = nbformat.read(FIXTURE if name == FIXTURE.name else ROOT / "chapters" / name, 4)
    markdown = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    # Answers in the source: HTML <details> blocks, each starting a line.
    in_source = len(re.findall(r"^\s*<details\b", markdown, re.M))
    # The only answer format: a MyST dropdown would show raw in Colab (and some open in Lab).
    assert ":class: dropdown" not in markdown, f"{name}: an answer in a MyST dropdown"
    assert in_source >= 1, f"{name}: no <details> answer found"
    page = lab["open"](name)
    # Lab renders a markdown cell when it first scrolls into view: bring the end into view.
    page.locator(".jp-MarkdownCell").last.scroll_into_view_if_needed()
    with contextlib.suppress(Exception):  # on a timeout, the assertion says what was found
        page.wait_for_function(f"document.querySelectorAll('.jp-MarkdownCell details').length"
                               f" >= {in_source}", timeout=30_000)
    answers = check_yourself_answers(page)
    assert in_source >= 1 and len(answers) == in_source, (len(answers), in_source)
    for details in answers:
        details.scroll_into_view_if_needed()
        body = details.locator(":scope > :not(summary)")
        assert body.count() >= 1, "a toggle without an answer"
        assert not any(b.is_visible() for b in body.all()), "an answer shows before its toggle"
        # the toggle's name, as a screen reader reads it from the document (inner_text would
        # depend on whether Lab has laid the cell out yet)
        assert details.locator(":scope > summary").text_content().strip(), "an unlabelled toggle"
    # The learner opens the first toggle: its answer shows.
    answers[0].locator(":scope > summary").click()
    body = answers[0].locator(":scope > :not(summary)").first
    body.wait_for(state="visible", timeout=10_000)
    assert len(body.inner_text().strip()) > 10
    # ... and every answer reads as text: jupyterlab-myst leaves TeX inside raw HTML untypeset
    # (<span class="math-inline">a \times b</span>), so answers carry no TeX at all.
    for details in answers[1:]:
        details.locator(":scope > summary").click()
    for details in answers:
        text = details.inner_text()
        assert "$" not in text and not re.search(r"\\[A-Za-z]+", text), text
        assert details.locator(".math-inline, .math-display").count() == 0, text


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_what_a_learner_sees_on_opening_each_chapter(lab, notebook):
    """The opened chapter: its title first, the hidden setup cell collapsed, no raw MyST role
    syntax where jupyterlab-myst renders the markdown; a screenshot is kept."""
    page = lab["open"](notebook.name)
    page.wait_for_timeout(500)  # maths and fonts settle
    shot = SHOTS / f"{notebook.stem}.png"
    page.screenshot(path=str(shot))
    print(f"what a learner sees on opening {notebook.name}: {shot}")  # pytest -s / -rA
    rendered = "\n".join(page.locator(".jp-MarkdownCell .myst, .jp-MarkdownCell "
                                      ".jp-RenderedMarkdown").all_inner_texts())
    raw = re.findall(r"\{[a-z][\w:-]*\}`|\{(?:admonition|dropdown)[^}]*\}", rendered)
    assert not raw, f"{notebook.name}: raw MyST syntax shows: {sorted(set(raw))}"
    assert "Citation Not Found" not in rendered
    setup = page.locator(".jp-CodeCell").first
    assert setup.locator(".jp-Cell-inputArea").is_hidden(), "the setup cell's code is shown"
    assert setup.locator(".jp-InputPlaceholder").is_visible()
