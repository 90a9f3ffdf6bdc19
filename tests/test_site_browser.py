"""Every page of the built book, as a reader's browser shows it (headless Debian Chromium).

For each page in _toc.yml, on a desktop (1280 px, mouse) and a phone (390x844, touch):
- no page errors and no console errors; no request to any host but 127.0.0.1;
- every plotly figure has drawn its SVG, with trace types the served bundle knows, named for
  screen readers; every image has loaded; nothing makes the page itself scroll sideways;
- a title, exactly one h1, and links to the previous/next page;
- no element that offers to upload or share to a third party (a figure's mode bar has one
  button: download as PNG); one search box;
- cumulative layout shift (PerformanceObserver) <= 0.1 while text, figures and math load;
- on the phone, a swipe over each figure scrolls the page (the figure does not capture it);
- axe-core (package-lock.json: the current release) finds no moderate, serious or critical
  violation, label-content-name-mismatch included, in light and in dark mode;
- dark mode (the reader's system setting, or the theme's switch): each figure's background
  is dark and every text in it has a contrast of at least 4.5:1 against what it sits on;
- keyboard: every element that Tab reaches shows a focus ring;
- the first visit's weight stays within budget.
Screenshots of every page at both widths, light and dark, go to _build/screenshots/.

Without Chromium these tests skip with the install command (and fail when CI is set).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from browser import chromium_contexts, first_visit, require_chromium, serve, transfer_sizes

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
HTML_BUDGET = 500_000  # bytes of HTML per page
FIRST_VISIT_GZIP_BUDGET = 1_500_000  # bytes, all files of a first visit, gzipped
CLS_LIMIT = 0.1
#: What a figure's mode bar may offer (plotly's data-title of each button).
MODEBAR_ALLOWED = {"Download plot as a PNG"}
THIRD_PARTY_OFFER = re.compile(r"\b(share|upload|chart studio|plotly cloud|send to)\b", re.I)


def toc_pages() -> list[str]:
    """Page names in reading order, from _toc.yml (root first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            pages.append(chapter["file"])
    return pages


PAGES = toc_pages()
#: Every page of the Chinese edition (zh/, tools/editions.py, the same table of contents):
#: each gets the same reader, phone, dark-mode, keyboard and accessibility checks.
ZH_PAGES = [f"zh/{page}" for page in PAGES]


def toc_index(name: str) -> int:
    """Where a page (of either edition) is in the reading order."""
    return PAGES.index(name.removeprefix("zh/"))


@pytest.fixture(scope="module")
def site(built_book):
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(built_book.html) as base:
        yield base, built_book.html


@pytest.fixture(scope="module")
def browser(site):
    with chromium_contexts() as new_context:
        yield new_context


@pytest.fixture(scope="module")
def desktop(browser):
    return browser(**DESKTOP)


@pytest.fixture(scope="module")
def phone(browser):
    return browser(**PHONE)


@pytest.fixture(scope="module")
def dark(browser):
    return browser(**DESKTOP, color_scheme="dark")


@pytest.fixture(scope="module")
def dark_phone(browser):
    return browser(**PHONE, color_scheme="dark")


def shot(page, name: str, label: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '__')}-{label}.png"),
                    full_page=True)


def page_facts(page) -> dict:
    return page.evaluate(
        """() => {
        const figs = Array.from(document.querySelectorAll('.plotly-graph-div'));
        const known = window.Plotly ? Object.keys(Plotly.PlotSchema.get().traces) : [];
        const visible = (e) => e.checkVisibility() && e.closest('[hidden]') === null;
        const offers = Array.from(
            document.querySelectorAll('a, button, [role=button], [data-title]')).filter(visible)
          .map(e => [e.textContent, e.getAttribute('title'), e.getAttribute('aria-label'),
                     e.getAttribute('data-title')].filter(Boolean).join(' | ').trim());
        return {
          title: document.title,
          // the theme's print-only copy of the title (display: none on screen) is not counted
          h1: Array.from(document.querySelectorAll('h1')).filter(h => h.checkVisibility()).length,
          prev: !!document.querySelector('.prev-next-area a.left-prev'),
          next: !!document.querySelector('.prev-next-area a.right-next'),
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          figures: figs.length,
          unknownTraces: figs.flatMap(d => (d.data || []).map(t => t.type || 'scatter'))
                             .filter(t => !known.includes(t)),
          emptyFigures: figs.filter(d => !d.querySelector('svg.main-svg')).length,
          brokenImages: Array.from(document.images)
                             .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
          // every Font Awesome icon is drawn (book_ext's icons.css replaces fontawesome.js)
          undrawnIcons: Array.from(document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]'))
                             .filter(i => getComputedStyle(i).display !== 'none'
                                          && i.closest('[hidden]') === null)
                             .filter(i => {
                                const m = getComputedStyle(i).maskImage
                                          || getComputedStyle(i).webkitMaskImage;
                                return !m || m === 'none';
                             }).map(i => i.className),
          unlabelledFigures: figs.filter(d => !(d.getAttribute('role') === 'group'
              && (d.getAttribute('aria-label') || '').length > 10
              && d.layout && d.layout.title && d.layout.title.text)).length,
          // each figure is a <figure> whose <figcaption> is its accessible name and reads
          // "Figure N. <one sentence>"
          captions: figs.map(d => {
            const figure = d.closest('figure');
            const caption = figure && figure.querySelector(':scope > figcaption');
            return caption ? {text: caption.textContent.replace(/\\s+/g, ' ').trim(),
                              visible: caption.checkVisibility()
                                       && caption.getBoundingClientRect().height > 0,
                              figures: figure.querySelectorAll('.plotly-graph-div').length}
                           : null;
          }),
          modebarButtons: Array.from(document.querySelectorAll('.modebar-btn'))
                             .map(b => b.getAttribute('data-title')),
          offers: offers,
          searchBoxes: Array.from(document.querySelectorAll(
              '.search-button-field, form.bd-search')).filter(visible).length,
        };
    }"""
    )


@pytest.mark.parametrize("name", PAGES + ZH_PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_page_as_a_reader_sees_it(site, request, name, device):
    base, html = site
    context = request.getfixturevalue(device)
    seen = first_visit(context, f"{base}/{name}.html", **PHONE["viewport"]) \
        if device == "phone" else first_visit(context, f"{base}/{name}.html")
    page = seen["page"]
    facts = page_facts(page)
    shot(page, name, device)
    where = f"{name} on the {device}"
    assert not seen["pageerrors"], (where, seen["pageerrors"])
    assert not seen["console"], (where, seen["console"])
    assert not seen["foreign"], (where, "requests to other hosts", seen["foreign"])
    assert facts["emptyFigures"] == 0, (where, "figures without an svg")
    assert not facts["unknownTraces"], (where, "trace types missing from the bundle",
                                         facts["unknownTraces"])
    assert not facts["brokenImages"], (where, facts["brokenImages"])
    assert facts["scrollWidth"] <= facts["innerWidth"], (
        where, f"page scrolls sideways: {facts['scrollWidth']} > {facts['innerWidth']}")
    assert facts["title"].strip(), where
    assert facts["h1"] == 1, (where, f"{facts['h1']} h1 elements")
    assert not facts["undrawnIcons"], (where, "icons without a shape", facts["undrawnIcons"])
    assert facts["unlabelledFigures"] == 0, (where, "figures without a title or caption")
    check_captions(where, facts["captions"])
    index = toc_index(name)
    assert facts["prev"] == (index > 0), (where, "link to the previous page")
    assert facts["next"] == (index < len(PAGES) - 1), (where, "link to the next page")
    assert set(facts["modebarButtons"]) <= MODEBAR_ALLOWED, (where, facts["modebarButtons"])
    offers = [o for o in facts["offers"] if THIRD_PARTY_OFFER.search(o)]
    assert not offers, (where, "offers to share or upload", offers)
    # one search box (on a phone it sits in the navigation drawer, not on the page)
    assert facts["searchBoxes"] == (1 if device == "desktop" else 0), (
        where, f"{facts['searchBoxes']} search boxes")
    page.close()


CAPTION = re.compile(r"^(?:Figure|图) (\d+)\. (\S.{12,})$")  # English or Chinese page


def check_captions(where: str, captions: list[dict | None]) -> None:
    """Every figure on a page has its own visible caption, "Figure N. " and then a
    sentence, numbered 1, 2, ... in the order of the page."""
    assert all(captions), (where, "figures without a <figure>/<figcaption>", captions)
    numbers = []
    for caption in captions:
        match = CAPTION.match(caption["text"])
        assert match, (where, "a caption that is not 'Figure N. <sentence>'", caption)
        assert caption["visible"] and caption["figures"] == 1, (where, caption)
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(captions) + 1)), (where, numbers)


def test_caption_check_fails_on_bad_captions():
    good = {"text": "Figure 1. A sentence that says what to notice.", "visible": True,
            "figures": 1}
    check_captions("p", [good, {**good, "text": "Figure 2. Another one, long enough."}])
    for bad in ([None], [{**good, "text": "Figure 1."}], [{**good, "visible": False}],
                [good, good], [{**good, "text": "Figure 2. Out of order, and long enough."}]):
        with pytest.raises(AssertionError):
            check_captions("p", bad)


def test_every_figure_in_the_book_has_a_numbered_caption(site):
    """In the built HTML (before any script runs): each figure's <figcaption> starts with
    its number, 1..n per page in order, followed by a sentence."""
    from bs4 import BeautifulSoup

    base, html = site
    total = 0
    for name in PAGES:
        soup = BeautifulSoup((html / f"{name}.html").read_text(encoding="utf8"), "html.parser")
        figs = soup.select("div.plotly-graph-div")
        captions = []
        for div in figs:
            figure = div.find_parent("figure")
            caption = figure.find("figcaption", recursive=False) if figure else None
            captions.append(None if caption is None else {
                "text": " ".join(caption.get_text(" ").split()), "visible": True,
                "figures": len(figure.select("div.plotly-graph-div"))})
        check_captions(name, captions)
        total += len(figs)
    assert total >= 20, f"only {total} figures in the book"


#: Code and output blocks of the article wider than their box (the reader would have to scroll
#: sideways to see all of them): what each is and how many pixels it hides. Blocks inside a
#: closed toggle are measured once opened.
WIDE_BLOCKS = """() => {
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const blocks = document.querySelectorAll(
      'article div.cell_input pre, article div.cell_output pre, '
      + 'article div.cell_output div.output.text_html');
  return Array.from(blocks).filter(e => e.checkVisibility() && e.clientWidth > 0
                                        && e.scrollWidth > e.clientWidth + 1)
    .map(e => ({kind: e.closest('.cell_input') ? 'code' : 'output', hidden:
                e.scrollWidth - e.clientWidth, text: e.textContent.trim().slice(0, 90)}));
}"""


@pytest.mark.parametrize("name", PAGES)
def test_code_and_outputs_fit_their_box_on_a_desktop(site, desktop, name):
    """At 1280 px no code cell and no printed output needs sideways scrolling: the key line
    of a result is never hidden to the right."""
    base, html = site
    page = first_visit(desktop, f"{base}/{name}.html")["page"]
    wide = page.evaluate(WIDE_BLOCKS)
    page.close()
    assert not wide, (name, f"{len(wide)} blocks wider than their box", wide)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_layout_shift_while_loading(site, request, name, device):
    base, html = site
    size = PHONE["viewport"] if device == "phone" else DESKTOP["viewport"]
    seen = first_visit(request.getfixturevalue(device), f"{base}/{name}.html", **size)
    seen["page"].close()
    assert seen["metrics"]["cls"] <= CLS_LIMIT, (name, device, seen["metrics"])


@pytest.mark.parametrize("name", PAGES)
def test_a_swipe_over_a_figure_scrolls_the_page(site, phone, name):
    """A finger put down in the middle of each figure and moved up 280 px (real touch
    events, through Chromium's input pipeline) scrolls the page."""
    base, html = site
    seen = first_visit(phone, f"{base}/{name}.html", **PHONE["viewport"])
    page = seen["page"]
    cdp = phone.new_cdp_session(page)
    x, y = PHONE["viewport"]["width"] // 2, PHONE["viewport"]["height"] // 2

    def touch(kind: str, at: int | None) -> None:
        points = [] if at is None else [{"x": x, "y": at}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    for i in range(page.locator(".plotly-graph-div").count()):
        figure = page.locator(".plotly-graph-div").nth(i)
        figure.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(200)
        under = page.evaluate(f"document.elementFromPoint({x}, {y}).closest('.plotly-graph-div')"
                              f" === document.querySelectorAll('.plotly-graph-div')[{i}]")
        assert under, (name, f"figure {i + 1} is not under the finger")
        before = page.evaluate("window.scrollY")
        touch("touchStart", y)
        for at in range(y - 20, y - 300, -20):
            touch("touchMove", at)
        touch("touchEnd", None)
        page.wait_for_timeout(300)
        moved = page.evaluate("window.scrollY") - before
        assert moved > 100, (name, f"figure {i + 1}: a swipe moved the page {moved} px")
    page.close()


AXE_RUN = """async () => (await axe.run(document, {
    resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}},
  })).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"""


@pytest.mark.parametrize("name", PAGES + ZH_PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone", "dark"])
def test_page_has_no_accessibility_violations(site, request, name, device):
    base, html = site
    context = request.getfixturevalue(device)
    size = PHONE["viewport"] if device == "phone" else DESKTOP["viewport"]
    seen = first_visit(context, f"{base}/{name}.html", **size)
    page = seen["page"]
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("axe.version") == json.loads(
        (ROOT / "package-lock.json").read_text())["packages"]["node_modules/axe-core"]["version"]
    result = page.evaluate(AXE_RUN)
    page.close()
    bad = [v for v in result if v["impact"] in ("moderate", "serious", "critical")]
    assert not bad, (f"{name} ({device})", json.dumps(bad, indent=1)[:3000])


FIGURE_COLOURS = """async () => {
  const parse = (c) => {
    const m = (c || '').match(/[\\d.]+/g);
    return m ? m.map(Number) : null;
  };
  const lum = (c) => {
    const v = parse(c).slice(0, 3).map(x => x / 255)
      .map(s => s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4));
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const figures = [];
  for (const div of document.querySelectorAll('.plotly-graph-div')) {
    const own = getComputedStyle(div.querySelector('.main-svg')).backgroundColor;
    // a transparent figure shows the page behind it
    const bg = parse(own)[3] === 0 ? getComputedStyle(document.body).backgroundColor : own;
    const paper = (div.querySelector('rect.bg') || {}).style;
    // filled shapes (boxes of the diagrams) a text may sit on, as drawn over the background
    const over = (fill, alpha, base) => {
      const [f, b] = [parse(fill), parse(base)];
      return 'rgb(' + [0, 1, 2].map(i => Math.round(f[i] * alpha + b[i] * (1 - alpha))) + ')';
    };
    // shapes and bars drawn under a text, as drawn over the background; a bar is clipped to
    // its plot area (a y-axis that starts above zero cuts it off at the axis)
    const areas = Array.from(div.querySelectorAll('.draglayer .nsewdrag'))
      .map(d => d.getBoundingClientRect());
    const clip = (r, bar) => {
      if (!bar) return r;
      const area = areas.find(a => r.left < a.right && r.right > a.left
                                   && r.top < a.bottom && r.bottom > a.top);
      return area ? {left: Math.max(r.left, area.left), right: Math.min(r.right, area.right),
                     top: Math.max(r.top, area.top), bottom: Math.min(r.bottom, area.bottom)}
                  : r;
    };
    // the plot area's own background (plot_bgcolor), where it is drawn
    const plotRect = div.querySelector('.bglayer rect.bg');
    const plotFill = plotRect ? parse(getComputedStyle(plotRect).fill) : null;
    const plotBg = plotFill && (plotFill[3] === undefined || plotFill[3] > 0.5)
      ? getComputedStyle(plotRect).fill : bg;
    const boxes = Array.from(div.querySelectorAll('.shapelayer path, .barlayer .point path'))
      .map(p => {
        const s = getComputedStyle(p);
        const f = parse(s.fill);
        const alpha = f ? (f[3] === undefined ? 1 : f[3]) * s.fillOpacity * s.opacity : 0;
        return [clip(p.getBoundingClientRect(), p.closest('.barlayer')),
                alpha > 0.02 ? over(s.fill, alpha, bg) : null];
      }).filter(([r, c]) => c);
    // heatmap cells are one bitmap: read the pixel under a text's centre
    const bitmaps = [];
    for (const img of div.querySelectorAll('.hm image')) {
      const picture = new Image();
      picture.src = img.getAttribute('href') || img.getAttribute('xlink:href');
      await picture.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [picture.width, picture.height];
      canvas.getContext('2d').drawImage(picture, 0, 0);
      bitmaps.push([img.getBoundingClientRect(), canvas]);
    }
    const pixel = (x, y) => {
      for (const [r, canvas] of bitmaps) {
        if (x < r.left || x > r.right || y < r.top || y > r.bottom) continue;
        const d = canvas.getContext('2d').getImageData(
          Math.min(canvas.width - 1, Math.floor((x - r.left) / r.width * canvas.width)),
          Math.min(canvas.height - 1, Math.floor((y - r.top) / r.height * canvas.height)),
          1, 1).data;
        if (d[3] > 128) return `rgb(${d[0]}, ${d[1]}, ${d[2]})`;
      }
      return null;
    };
    const lowText = [];
    for (const t of div.querySelectorAll('.main-svg text')) {
      if (!t.textContent.trim() || !t.checkVisibility()) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      const [cx, cy] = [r.x + r.width / 2, r.y + r.height / 2];
      const box = boxes.filter(([b]) => cx >= b.left && cx <= b.right
                                        && cy >= b.top && cy <= b.bottom).pop();
      // a legend or hover label has its own background box
      const boxed = t.closest('.legend, .hoverlayer, .updatemenu-container, .slider-container');
      const inPlot = areas.some(a => cx >= a.left && cx <= a.right
                                     && cy >= a.top && cy <= a.bottom);
      const under = pixel(cx, cy) || (box ? box[1] : (inPlot ? plotBg : bg));
      const fill = getComputedStyle(t).fill;
      if (boxed || !parse(fill)) continue;
      const ratio = contrast(fill, under);
      if (ratio < 4.5) {
        lowText.push([t.textContent.trim().slice(0, 40), fill, under, ratio.toFixed(2)]);
      }
    }
    const panel = getComputedStyle(div.closest('.output') || div).backgroundColor;
    figures.push({label: div.getAttribute('aria-label'), background: bg,
                  theme: div.dataset.theme, luminance: lum(bg), lowText,
                  panel: parse(panel)[3] === 0 ? 0 : lum(panel)});
  }
  return figures;
}"""


@pytest.mark.parametrize("name", [p for p in PAGES + ZH_PAGES if "chapters/" in p])
def test_dark_mode_figures_are_dark_and_readable(site, dark, dark_phone, name):
    base, html = site
    for label, context, size in (("desktop-dark", dark, DESKTOP["viewport"]),
                                 ("phone-dark", dark_phone, PHONE["viewport"])):
        seen = first_visit(context, f"{base}/{name}.html", **size)
        page = seen["page"]
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        shot(page, name, label)
        for figure in page.evaluate(FIGURE_COLOURS):
            where = (name, label, figure["label"])
            assert figure["theme"] == "dark" and figure["luminance"] < 0.05, (where, figure)
            assert figure["panel"] < 0.05, (where, "a light panel around the figure", figure)
            assert not figure["lowText"], (where, "text below 4.5:1", figure["lowText"])
        page.close()


def test_figures_follow_the_theme_switch(site, desktop):
    base, html = site
    name = next(p for p in PAGES if p.startswith("chapters/"))
    seen = first_visit(desktop, f"{base}/{name}.html")
    page = seen["page"]
    light = page.evaluate(FIGURE_COLOURS)
    assert light and all(f["theme"] == "light" for f in light), light
    while page.evaluate("document.documentElement.dataset.theme") != "dark":
        page.locator(".theme-switch-button").first.click()  # auto -> dark/light -> ...
    page.wait_for_timeout(500)
    dark_now = page.evaluate(FIGURE_COLOURS)
    assert all(f["theme"] == "dark" and f["luminance"] < 0.05 for f in dark_now), dark_now
    page.evaluate("localStorage.clear()")
    page.close()


FOCUS_RING = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
               || (s.boxShadow && s.boxShadow !== 'none');
  return {what: e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent || '')
                .trim().slice(0, 40), ring};
}"""


@pytest.mark.parametrize("name", [PAGES[0], PAGES[1], ZH_PAGES[0], ZH_PAGES[1]])
def test_every_tab_stop_shows_a_focus_ring(site, desktop, name):
    base, html = site
    seen = first_visit(desktop, f"{base}/{name}.html")
    page = seen["page"]
    stops, first = [], None
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        if focused is None or focused == first:
            break
        first = first or focused
        stops.append(focused)
    page.close()
    assert len(stops) > 10, stops
    missing = [s["what"] for s in stops if not s["ring"]]
    assert not missing, (name, "focusable without a visible focus ring", missing)


@pytest.mark.parametrize("name", PAGES + ZH_PAGES)
def test_page_weight_first_visit(site, desktop, name):
    base, html = site
    seen = first_visit(desktop, f"{base}/{name}.html")
    seen["page"].close()
    raw, zipped, files = transfer_sizes(html, seen["local"])
    page_html = html / f"{name}.html"
    assert page_html.stat().st_size <= HTML_BUDGET, (name, page_html.stat().st_size)
    assert zipped <= FIRST_VISIT_GZIP_BUDGET, (name, f"{raw} B raw, {zipped} B gzipped")
    names = {f.name for f in files}
    # nothing the page does not use: no search scripts outside the search page, no Font
    # Awesome framework, no sphinx-design files (the book has no such component)
    for unused in ("searchindex.js", "searchtools.js", "fontawesome.js", "design-tabs.js",
                   "sphinx-design.min.css"):
        assert unused not in names, (name, unused)


def test_screenshots_written(site):
    # Runs after the page tests (file order): a reviewer finds the screenshots of each page.
    for name in PAGES:
        for label in ("desktop", "phone"):
            assert (SCREENSHOTS / f"{name.replace('/', '__')}-{label}.png").is_file()
        if name.startswith("chapters/"):
            for label in ("desktop-dark", "phone-dark"):
                assert (SCREENSHOTS / f"{name.replace('/', '__')}-{label}.png").is_file()


def test_typed_search_text_starts_after_the_icon(site, desktop):
    """In the Ctrl+K search dialog, the first typed letter is not under the magnifying glass."""
    base, html = site
    page = first_visit(desktop, f"{base}/{PAGES[1]}.html")["page"]
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[name=q]")
    field.wait_for(state="visible")
    field.type("W")
    gap = page.evaluate("""() => {
        const input = document.querySelector('#pst-search-dialog input[name=q]');
        const icon = input.closest('form').querySelector('i');
        const textStart = input.getBoundingClientRect().left
                          + parseFloat(getComputedStyle(input).paddingLeft);
        return textStart - icon.getBoundingClientRect().right;
    }""")
    page.close()
    assert gap >= 2, f"the typed text starts {gap:.1f} px from the icon's right edge"


def test_citations_read_as_numbers(site):
    """Citation labels are numbers ([1], [2], ...), not pybtex's alpha labels such as
    [TorchVisionmacontributors26]; each links to a numbered bibliography entry."""
    base, html = site
    labels = set()
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        labels.update(re.findall(r'<a class="reference internal" href="[^"]*references\.html#'
                                 r'[^"]*"[^>]*>([^<]+)</a>\]', text))
    assert labels, "no citation found"
    assert all(label.isdigit() for label in labels), sorted(labels)
    entries = re.findall(r'<span class="label"><span class="fn-bracket">\[</span>([^<]+)<',
                         (html / "references.html").read_text(encoding="utf8"))
    assert entries and all(e.isdigit() for e in entries), entries


#: Chinese queries and a page each must find (the Chinese search index is split by jieba).
ZH_QUERIES = {"残差": "zh/chapters/04_blocks", "瓶颈": "zh/chapters/04_blocks"}


@pytest.mark.parametrize("query", sorted(ZH_QUERIES))
def test_chinese_search_finds_the_pages(site, desktop, query):
    """The Chinese edition's search page, as a reader uses it: results for a Chinese word,
    and the search interface itself in Chinese."""
    base, html = site
    page = first_visit(desktop, f"{base}/zh/search.html?q={query}")["page"]
    page.wait_for_selector("#search-results .search-summary", timeout=20000)
    # Sphinx writes the summary ("搜索完成，匹配到 N 页") when the search has finished
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('#search-results .search-summary')"
        ".textContent)", timeout=30000)
    found = page.eval_on_selector_all("#search-results ul.search li a",
                                      "links => links.map(a => a.getAttribute('href'))")
    summary = page.inner_text("#search-results h2")
    page.close()
    expected = ZH_QUERIES[query].removeprefix("zh/")
    assert any(expected in href for href in found), (query, found)
    assert all(not h.startswith(("http:", "https:", "/")) for h in found), found
    assert re.search(r"[\u4e00-\u9fff]", summary), f"search heading not in Chinese: {summary}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_language_switch_is_visible_and_reachable_by_keyboard(site, request, device):
    base, html = site
    context = request.getfixturevalue(device)
    size = PHONE["viewport"] if device == "phone" else DESKTOP["viewport"]
    for name, target in (("chapters/03_stages", "zh/chapters/03_stages"),
                         ("zh/chapters/03_stages", "chapters/03_stages")):
        page = first_visit(context, f"{base}/{name}.html", **size)["page"]
        switch = page.locator("a.rb-language-switch")
        assert switch.count() == 1 and switch.is_visible(), (name, device)
        box = switch.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (name, box)
        if device == "desktop":
            for _ in range(40):  # Tab until the switch has focus
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains("
                                 "'rb-language-switch')"):
                    break
            else:
                pytest.fail(f"{name}: the language switch is not reachable with Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            with page.expect_navigation():
                switch.tap()
        assert page.url.split("?")[0].endswith(f"/{target}.html"), (name, page.url)
        page.close()
