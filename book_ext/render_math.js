/* render_math.js: typeset the math of the built pages once, at build time (MathJax in Node).
 *
 * Run by book_ext after Sphinx has written the pages:
 *
 *   node render_math.js NODE_MODULES CSS_OUT PAGE.html [PAGE.html ...]
 *
 * Each formula that Sphinx wrote for MathJax (<span class="math notranslate nohighlight">\(..\)
 * </span>, <div class="math notranslate nohighlight">\[..\]</div>) is replaced, in place, by
 * MathJax's CommonHTML output, with a hidden MathML copy for screen readers (assistive MathML).
 * The pages then load no MathJax at all: the text paints with its formulas already laid out
 * (no reflow, no layout shift), and a reader without JavaScript sees them too. CSS_OUT gets
 * the stylesheet those formulas need (only the characters used), its fonts read from
 * mathjax/output/chtml/fonts/woff-v2 next to it (book_ext copies them there).
 *
 * A formula MathJax cannot parse fails the build: its page, its TeX and MathJax's message.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const [nodeModules, cssOut, ...pages] = process.argv.slice(2);
const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
const escape = (text) => text.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt",
                                                             '"': "quot" }[c]};`);
// A typeset formula keeps its TeX in data-tex (data-display="true" for display math): a
// later build that rewrites only some pages typesets those of the others again, unchanged,
// so that the stylesheet still has every character the site uses.
const TYPESET = /<(?:span|div) class="math notranslate nohighlight"[^>]*? data-tex="([^"]*)"( data-display="true")?/g;
const withTex = (open, tex, display) =>
  open.replace(/>$/, ` data-tex="${escape(tex)}"${display ? ' data-display="true"' : ""}>`);
const INLINE = /(<span class="math notranslate nohighlight">)\\\(([\s\S]*?)\\\)(<\/span>)/g;
const DISPLAY = /(<div class="math notranslate nohighlight"[^>]*>)([\s\S]*?)(<\/div>)/g;
const EQNO = /^\s*(<span class="eqno">[\s\S]*?<\/a><\/span>|<span class="eqno">[^<]*<\/span>)/;

require(path.join(nodeModules, "mathjax")).init({
  loader: {
    paths: { mathjax: path.join(nodeModules, "mathjax", "es5") },
    load: ["input/tex", "output/chtml", "adaptors/liteDOM", "a11y/assistive-mml"],
    require: require,
  },
  tex: { packages: { "[+]": ["ams"] } },
  chtml: { fontURL: "mathjax/output/chtml/fonts/woff-v2", adaptiveCSS: true },
  options: { enableAssistiveMml: true },
  startup: { typeset: false },
}).then((MathJax) => {
  const adaptor = MathJax.startup.adaptor;
  const errors = [];
  let count = 0;
  const typeset = (tex, display, page) => {
    const node = MathJax.tex2chtml(tex, { display });
    const html = adaptor.outerHTML(node);
    if (html.includes("<mjx-merror")) {
      errors.push(`${page}: cannot typeset ${JSON.stringify(tex)}: ` +
                  adaptor.textContent(node).slice(0, 200));
    }
    count += 1;
    return html;
  };
  for (const page of pages) {
    const before = fs.readFileSync(page, "utf8");
    for (const [, tex, display] of before.matchAll(TYPESET)) {
      typeset(unescape(tex), Boolean(display), page); // typeset earlier: for the stylesheet
    }
    const after = before
      .replace(INLINE, (_, open, raw, close) => {
        const tex = unescape(raw).trim();
        return withTex(open, tex, false) + typeset(tex, false, page) + close;
      })
      .replace(DISPLAY, (whole, open, body, close) => {
        if (open.includes(" data-tex=")) return whole; // typeset by an earlier build
        const eqno = (EQNO.exec(body) || [""])[0];
        let tex = unescape(body.slice(eqno.length)).trim();
        if (tex.startsWith("\\[") && tex.endsWith("\\]")) tex = tex.slice(2, -2).trim();
        return withTex(open, tex, true) + eqno + typeset(tex, true, page) + close;
      });
    if (after !== before) fs.writeFileSync(page, after);
  }
  if (errors.length) {
    process.stderr.write(errors.join("\n") + "\n");
    process.exit(1);
  }
  fs.writeFileSync(cssOut, adaptor.textContent(MathJax.chtmlStylesheet()));
  process.stdout.write(`typeset ${count} formulas in ${pages.length} pages\n`);
}).catch((error) => {
  process.stderr.write(`render_math.js: ${error.stack || error}\n`);
  process.exit(1);
});
