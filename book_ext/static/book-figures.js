/* book-figures.js: draws the book's plotly figures and keeps them in the page's colours.
 *
 * Loaded with `defer` after plotly.js, on pages with a figure only (book_ext). Each figure is
 * a <div class="plotly-graph-div"> of reserved height followed by its JSON
 * (<script type="application/json" data-plotly-for="ID">: data, layout, config), written by
 * resnet_lib.render. Deferred scripts run in order once the page is parsed, so plotly.js is
 * there and the text has painted before any figure is drawn.
 *
 * Dark mode: the theme sets <html data-theme="dark|light"> (from the reader's system setting
 * or its toggle button). In dark mode each figure is redrawn with the theme's own colours
 * (background, text), and any text, annotation or line whose colour would not stand out on
 * what it is drawn over (contrast below 4.5:1 for text, 3:1 for lines) is lightened, or
 * made near-black or white on bars and boxes. In light mode the figure is drawn as the book
 * made it, except text inside bars (near-black or white by contrast, in both modes). A
 * theme switch redraws every figure.
 *
 * Touch: a swipe over a figure scrolls the page (see the touchstart listener below).
 */
(function () {
  "use strict";
  const figures = []; // {div, spec}

  function rgb(colour) {
    // Any CSS colour -> [r, g, b, a] through the browser's own parser.
    const probe = document.createElement("canvas").getContext("2d");
    probe.fillStyle = "#000";
    probe.fillStyle = colour;
    const value = probe.fillStyle; // "#rrggbb" or "rgba(r, g, b, a)"
    if (value.startsWith("#")) {
      return [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16)).concat([1]);
    }
    const parts = value.match(/[\d.]+/g).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }

  function luminance(colour) {
    const [r, g, b] = rgb(colour).map((c, i) => {
      if (i > 2) return c;
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [la, lb] = [luminance(a), luminance(b)];
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function opaque(colour) {
    return colour && rgb(colour)[3] > 0.5;
  }

  function themeColours() {
    const css = getComputedStyle(document.documentElement);
    const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    return {
      paper: get("--pst-color-background", "#14181e"),
      plot: get("--pst-color-on-background", "#1e2329"),
      text: get("--pst-color-text-base", "#ced6dd"),
      grid: "rgba(206, 214, 221, 0.18)",
    };
  }

  // What a shape's fill looks like on `base`: its colour, at its alpha times its opacity,
  // composited over the background; null for an unfilled shape.
  function composite(shape, base) {
    if (!shape.fillcolor) return null;
    const [r, g, b, a] = rgb(shape.fillcolor);
    const alpha = a * (shape.opacity === undefined ? 1 : shape.opacity);
    if (alpha < 0.02) return null;
    const under = rgb(base);
    const mix = [r, g, b].map((c, i) => Math.round(c * alpha + under[i] * (1 - alpha)));
    return `rgb(${mix.join(",")})`;
  }

  // What point (x, y), in the shape's own coordinates, sits on: the topmost filled
  // rectangle's colour as drawn over `base`, or null.
  function fillUnder(shapes, x, y, xref, yref, base) {
    for (const s of shapes.slice().reverse()) {
      if ((s.xref || "x") !== xref || (s.yref || "y") !== yref) continue;
      if (s.type && s.type !== "rect") continue;
      const colour = composite(s, base);
      if (!colour) continue;
      const [x0, x1] = [Math.min(s.x0, s.x1), Math.max(s.x0, s.x1)];
      const [y0, y1] = [Math.min(s.y0, s.y1), Math.max(s.y0, s.y1)];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) return colour;
    }
    return null;
  }

  // The colour itself if it stands out enough on `background`, else the same hue mixed
  // with white (dark backgrounds) or black until it does, else `fallback`.
  function readable(colour, background, fallback, minimum) {
    if (!colour) return fallback;
    if (contrast(colour, background) >= minimum) return colour;
    const [r, g, b] = rgb(colour);
    const towards = luminance(background) < 0.2 ? 255 : 0;
    for (let t = 0.1; t <= 1.001; t += 0.1) {
      const mix = [r, g, b].map((c) => Math.round(c + (towards - c) * t));
      const candidate = `rgb(${mix.join(",")})`;
      if (contrast(candidate, background) >= minimum) return candidate;
    }
    return fallback;
  }

  function darkLayout(layout, c, table) {
    const dark = JSON.parse(JSON.stringify(layout));
    dark.paper_bgcolor = c.paper;
    dark.plot_bgcolor = c.plot;
    // a table drawn as a heatmap of labelled cells keeps its light panel: plotly.js colours
    // the cell texts for the cells, and empty cells would otherwise show the dark page
    if (table) dark.plot_bgcolor = "#f4f4f4";
    dark.font = Object.assign({}, dark.font, { color: c.text });
    if (dark.title && typeof dark.title === "object" && dark.title.font) {
      dark.title.font.color = c.text;
    }
    for (const key of Object.keys(dark)) {
      if (!/^[xy]axis\d*$/.test(key) || typeof dark[key] !== "object") continue;
      const axis = dark[key];
      Object.assign(axis, { gridcolor: c.grid, zerolinecolor: c.grid, linecolor: c.grid });
      if (axis.tickfont) axis.tickfont.color = c.text;
      if (axis.title && axis.title.font) axis.title.font.color = c.text;
    }
    if (dark.legend) {
      dark.legend.bgcolor = "rgba(0,0,0,0)";
      if (dark.legend.font) dark.legend.font.color = c.text;
    }
    for (const menu of dark.updatemenus || []) {
      Object.assign(menu, { bgcolor: c.plot, bordercolor: c.grid });
      menu.font = Object.assign({}, menu.font, { color: c.text });
    }
    for (const slider of dark.sliders || []) {
      slider.font = Object.assign({}, slider.font, { color: c.text });
      if (slider.currentvalue) {
        slider.currentvalue.font = Object.assign({}, slider.currentvalue.font, { color: c.text });
      }
    }
    const shapes = dark.shapes || [];
    for (const note of dark.annotations || []) {
      const xref = note.xref || "x";
      const yref = note.yref || "y";
      const base = xref === "paper" ? c.paper : c.plot;
      const under = opaque(note.bgcolor) ? note.bgcolor
        : fillUnder(shapes, note.x, note.y, xref, yref, base) || base;
      const own = note.font && note.font.color;
      const fallback = contrast(c.text, under) >= 4.5 ? c.text : "#111111";
      note.font = Object.assign({}, note.font, { color: readable(own || c.text, under, fallback, 4.5) });
      if (note.arrowcolor) note.arrowcolor = readable(note.arrowcolor, c.plot, c.text, 3);
    }
    for (const s of shapes) {
      if (s.line && s.line.color && !opaque(s.fillcolor)) {
        s.line.color = readable(s.line.color, c.plot, c.text, 3);
      }
    }
    return dark;
  }

  // Text inside bars: near-black or white, whichever stands out more on each bar (plotly.js
  // picks #444 or white by itself, which is below 4.5:1 on mid-tone bars such as sky blue).
  function barText(trace, index, layout, base) {
    if (trace.type !== "bar" || (trace.textposition || "auto") === "outside") return trace;
    if (trace.text === undefined && trace.texttemplate === undefined) return trace;
    if (trace.insidetextfont && trace.insidetextfont.color) return trace;
    const marker = trace.marker || {};
    const way = layout.colorway || ((layout.template || {}).layout || {}).colorway || ["#636efa"];
    const fills = Array.isArray(marker.color) ? marker.color
      : [typeof marker.color === "string" ? marker.color : way[index % way.length]];
    const opacity = marker.opacity === undefined ? 1 : marker.opacity;
    const colours = fills.map((fill) => {
      const drawn = composite({ fillcolor: fill, opacity: opacity }, base) || base;
      return contrast("#111111", drawn) >= contrast("#ffffff", drawn) ? "#111111" : "#ffffff";
    });
    trace.insidetextfont = Object.assign({}, trace.insidetextfont,
                                         { color: colours.length > 1 ? colours : colours[0] });
    return trace;
  }

  function darkData(data, layout, c) {
    const shapes = layout.shapes || [];
    return data.map((trace) => {
      const t = JSON.parse(JSON.stringify(trace));
      if (t.type === "bar") return t; // text inside bars: barText; outside: layout font
      // each text sits on the figure's background or on one of its boxes (diagrams)
      const xs = Array.isArray(t.x) ? t.x : [];
      const ys = Array.isArray(t.y) ? t.y : [];
      const xref = t.xaxis || "x";
      const yref = t.yaxis || "y";
      const under = xs.map((x, i) => fillUnder(shapes, x, ys[i], xref, yref, c.plot) || c.plot);
      for (const key of ["textfont", "outsidetextfont"]) {
        const font = t[key];
        if (!font || !font.color) continue;
        const colours = Array.isArray(font.color) ? font.color : xs.map(() => font.color);
        const fixed = (under.length ? under : [c.plot]).map((bg, i) => {
          const own = colours[i] === undefined ? colours[0] : colours[i];
          const fallback = contrast(c.text, bg) >= 4.5 ? c.text : "#111111";
          return readable(own, bg, fallback, 4.5);
        });
        font.color = Array.isArray(font.color) || xs.length ? fixed : fixed[0];
      }
      if (t.type === "scatter" && t.line && typeof t.line.color === "string") {
        t.line.color = readable(t.line.color, c.plot, c.text, 3);
      }
      return t;
    });
  }

  // After drawing in dark mode: an annotation that sits on a bar or a filled box (not known
  // before plotly.js has laid them out) gets near-black or white text if its colour does not
  // stand out from what is drawn under it.
  function fixAnnotationsOnFills(div, c) {
    const svg = div.querySelector(".main-svg");
    const fills = Array.from(div.querySelectorAll(".barlayer .point path, .shapelayer path"))
      .map((path) => {
        const s = getComputedStyle(path);
        const [r, g, b, a] = rgb(s.fill === "none" ? "rgba(0,0,0,0)" : s.fill);
        const alpha = a * Number(s.fillOpacity) * Number(s.opacity);
        if (alpha < 0.02) return null;
        return [path.getBoundingClientRect(),
                composite({ fillcolor: `rgba(${r},${g},${b},${alpha})` }, c.plot)];
      }).filter(Boolean);
    const areas = Array.from(div.querySelectorAll(".draglayer .nsewdrag"))
      .map((d) => d.getBoundingClientRect());
    const update = {};
    div.querySelectorAll(".annotation").forEach((note) => {
      const index = note.getAttribute("data-index");
      const text = note.querySelector("text");
      if (index === null || !text) return;
      const box = text.getBoundingClientRect();
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const inside = (r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
      if (!areas.some(inside)) return; // outside every plot area: on the paper
      const under = fills.filter(([r]) => inside(r)).pop();
      if (!under) return;
      const colour = getComputedStyle(text).fill;
      if (contrast(colour, under[1]) >= 4.5) return;
      update[`annotations[${index}].font.color`] =
        contrast("#111111", under[1]) >= contrast("#ffffff", under[1]) ? "#111111" : "#ffffff";
    });
    if (Object.keys(update).length) return Plotly.relayout(div, update);
  }


  // Phone layout: every figure carries a layout for narrow screens (spec.phone: re-wrapped
  // titles, the legend below; a diagram may bring its own data laid out differently, see
  // resnet_lib.render.phone_layout), drawn where the viewport is at most 600 px wide.
  const narrow = window.matchMedia("(max-width: 600px)");

  function current(figure) {
    const phone = figure.spec.phone;
    if (narrow.matches && phone) {
      return { data: phone.data || figure.spec.data, layout: phone.layout,
               config: figure.spec.config };
    }
    return figure.spec;
  }

  // Controls: plotly's own dropdowns and sliders are drawn inside the SVG, where Tab never
  // reaches them, a screen reader does not announce them and on a phone they can sit off
  // screen. Each one becomes a native <select> or <input type="range"> with a visible label
  // above the figure, applying exactly the step the plotly control would have applied.
  function controlLabel(item, fallback) {
    return (item.name || (item.currentvalue && item.currentvalue.prefix) || fallback)
      .replace(/[:\s]+$/, "");
  }

  // Only the traces on screen are handed to plotly.js. A figure with a menu holds every
  // choice's traces (the explorer: 16 networks x 4 traces, of which 4 are shown), and
  // plotly.js re-derives the defaults of every trace it holds, shown or not, on each redraw:
  // most of a slider step's time went there. `figure.traces` keeps every trace's current
  // values (the steps write into it), `figure.shown` the original indices of the traces in
  // the plot, in order.
  function setPath(target, key, value) {
    const path = key.split(".");
    for (const part of path.slice(0, -1)) target = target[part] = target[part] || {};
    target[path[path.length - 1]] = value;
  }

  // A step's value for trace `t`, given as plotly.js's restyle takes it: one value for
  // every trace, or an array with one entry per trace (per listed trace with `indices`).
  function valueFor(value, t, k, indices) {
    if (!Array.isArray(value)) return value;
    return indices ? value[k % value.length] : value[t % value.length];
  }

  function visibleIndices(traces) {
    return traces.map((t, i) => (t.visible === false ? -1 : i)).filter((i) => i >= 0);
  }

  // The traces to hand to plotly.js: the shown ones, each prepared for the current theme.
  function plotted(figure) {
    return figure.shown.map((i) => figure.prepare(figure.traces[i], i));
  }

  // Apply one step (method + args), as plotly.js's own control would have.
  function apply(figure, method, args) {
    const div = figure.div;
    if (method === "skip") return Promise.resolve();
    // A step that changes the figure's height (a menu of networks of different depths)
    // resizes its box too, so the figure never overlaps the text below it.
    const layoutArgs = method === "relayout" ? args[0] : method === "update" ? args[1] : null;
    if (layoutArgs && layoutArgs.height) div.style.height = `${layoutArgs.height}px`;
    if (method !== "update" && method !== "restyle") return Plotly[method](div, ...args);
    const style = args[0] || {};
    const indices = Array.isArray(args[2]) ? args[2]
      : Number.isInteger(args[2]) ? [args[2]] : null;
    const targets = indices || figure.traces.map((_, i) => i);
    targets.forEach((t, k) => {
      for (const [key, value] of Object.entries(style)) {
        setPath(figure.traces[t], key, valueFor(value, t, k, indices));
      }
    });
    // Likewise for the layout: a hidden annotation takes its new text without a redraw.
    const shownLayout = {};
    for (const [key, value] of Object.entries((method === "update" && args[1]) || {})) {
      const note = /^annotations\[(\d+)\]\.(\w+)$/.exec(key);
      const target = note && div.layout.annotations && div.layout.annotations[+note[1]];
      if (target && target.visible === false && note[2] !== "visible") {
        target[note[2]] = value;
      } else {
        shownLayout[key] = value;
      }
    }
    const shown = visibleIndices(figure.traces);
    if (shown.join() !== figure.shown.join()) {
      // Other traces on screen (a menu's choice): one redraw with them and the step's
      // layout ("annotations[3].visible" is the path annotations.3.visible).
      figure.shown = shown;
      for (const [key, value] of Object.entries(shownLayout)) {
        setPath(div.layout, key.replace(/\[(\d+)\]/g, ".$1"), value);
      }
      return Plotly.react(div, { data: plotted(figure), layout: div.layout,
                                 config: figure.config, frames: figure.frames });
    }
    // The same traces: restyle those of them the step changes, with their new values.
    const changed = [], shownStyle = {};
    for (const key of Object.keys(style)) shownStyle[key] = [];
    figure.shown.forEach((t, position) => {
      if (!targets.includes(t)) return;
      changed.push(position);
      for (const key of Object.keys(style)) {
        let value = figure.traces[t];
        for (const part of key.split(".")) value = value === undefined ? value : value[part];
        shownStyle[key].push(value);
      }
    });
    if (!changed.length) {
      return Object.keys(shownLayout).length ? Plotly.relayout(div, shownLayout)
        : Promise.resolve();
    }
    if (method === "update") return Plotly.update(div, shownStyle, shownLayout, changed);
    return Plotly.restyle(div, shownStyle, changed);
  }

  function buildControls(figure) {
    const { div, spec } = figure;
    const menus = spec.layout.updatemenus || [];
    const sliders = spec.layout.sliders || [];
    if (!menus.length && !sliders.length) return;
    const box = document.createElement("div");
    box.className = "figure-controls";
    figure.state = [];
    const id = div.id;
    menus.forEach((menu, m) => {
      const field = document.createElement("label");
      field.className = "figure-control";
      const text = document.createElement("span");
      text.textContent = controlLabel(menu, "Show");
      const select = document.createElement("select");
      select.id = `${id}-menu-${m}`;
      (menu.buttons || []).forEach((button, b) => {
        const option = document.createElement("option");
        option.value = String(b);
        option.textContent = button.label;
        select.appendChild(option);
      });
      const state = { items: menu.buttons || [], index: menu.active || 0 };
      select.value = String(state.index);
      select.addEventListener("change", () => {
        state.index = Number(select.value);
        const item = state.items[state.index];
        apply(figure, item.method, item.args);
      });
      field.append(text, select);
      box.appendChild(field);
      figure.state.push(state);
    });
    sliders.forEach((slider, s) => {
      const field = document.createElement("label");
      field.className = "figure-control figure-slider";
      const text = document.createElement("span");
      text.textContent = controlLabel(slider, "Value");
      const range = document.createElement("input");
      range.type = "range";
      range.id = `${id}-slider-${s}`;
      range.min = "0";
      range.max = String((slider.steps || []).length - 1);
      range.step = "1";
      const out = document.createElement("output");
      out.htmlFor = range.id;
      const state = { items: slider.steps || [], index: slider.active || 0 };
      const show = () => {
        const label = state.items[state.index].label;
        out.textContent = label;
        range.setAttribute("aria-valuetext", label);
      };
      range.value = String(state.index);
      show();
      // Redraw at most once per animation frame while a finger or a key drags the thumb.
      let pending = false;
      range.addEventListener("input", () => {
        state.index = Number(range.value);
        show();
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          const item = state.items[state.index];
          figure.busy = apply(figure, item.method, item.args).then(() => { pending = false; });
        });
      });
      field.append(text, range, out);
      box.appendChild(field);
      figure.state.push(state);
    });
    div.parentNode.insertBefore(box, div);
  }

  function withoutControls(layout) {
    if (!layout.updatemenus && !layout.sliders) return layout;
    const copy = Object.assign({}, layout);
    if (copy.sliders) {
      // the slider's room at the bottom is no longer needed
      copy.margin = Object.assign({}, copy.margin, { b: Math.min((copy.margin || {}).b || 80, 60) });
    }
    delete copy.updatemenus;
    delete copy.sliders;
    return copy;
  }

  function draw(figure) {
    const { div } = figure;
    const spec = current(figure);
    const dark = document.documentElement.dataset.theme === "dark";
    const c = themeColours();
    const table = spec.data.length > 0
      && spec.data.every((t) => t.type === "heatmap" && (t.text || t.texttemplate));
    const layout = withoutControls(dark ? darkLayout(spec.layout, c, table) : spec.layout);
    const plotColour = opaque(layout.plot_bgcolor) ? layout.plot_bgcolor
      : (dark ? c.plot : "#ffffff");
    // Each trace as this theme draws it (prepared when it comes on screen).
    figure.prepare = (trace, i) => {
      const t = dark ? darkData([trace], spec.layout, c)[0] : JSON.parse(JSON.stringify(trace));
      return barText(t, i, spec.layout, plotColour);
    };
    figure.config = spec.config;
    figure.frames = figure.spec.frames || [];
    figure.traces = JSON.parse(JSON.stringify(spec.data));
    figure.shown = visibleIndices(figure.traces);
    div.dataset.theme = dark ? "dark" : "light";
    div.dataset.variant = spec === figure.spec ? "wide" : "phone";
    let done = Plotly.react(div, { data: plotted(figure), layout, config: spec.config,
                                   frames: figure.frames });
    // A redraw (theme switch, width change) starts from the figure's first state: replay
    // the reader's choices on top of it, in order.
    for (const state of figure.state || []) {
      const item = state.items[state.index];
      if (state.index !== (state.initial || 0)) {
        done = done.then(() => apply(figure, item.method, item.args));
      }
    }
    return dark ? done.then(() => fixAnnotationsOnFills(div, c)) : done;
  }

  function start() {
    if (!window.Plotly) return;
    document.querySelectorAll("script[data-plotly-for]").forEach((script) => {
      const div = document.getElementById(script.dataset.plotlyFor);
      if (!div) return;
      // A finger on the plot area scrolls the page: plotly.js's drag layer would take the
      // touch (preventDefault on touchstart) even with no drag mode; the touch never reaches
      // it. Buttons, sliders and dropdowns are outside the drag layer and keep working.
      div.addEventListener("touchstart", (event) => {
        if (event.target.closest && event.target.closest(".draglayer")) event.stopPropagation();
      }, { capture: true, passive: true });
      const figure = { div, spec: JSON.parse(script.textContent) };
      figures.push(figure);
      buildControls(figure);
      for (const state of figure.state || []) state.initial = state.index;
      draw(figure);
    });
    let drawn = document.documentElement.dataset.theme;
    new MutationObserver(() => {
      const now = document.documentElement.dataset.theme;
      if (now === drawn) return;
      drawn = now;
      figures.forEach(draw);
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    narrow.addEventListener("change", () => figures.forEach(draw));
  }

  start();
})();
