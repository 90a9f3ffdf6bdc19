/* math-ready.js: on pages with math, the article appears once MathJax has typeset it.
 * Inlined in <head> by book_ext. MathJax is deferred; typeset formulas are narrower than
 * their raw TeX (\(3 \times 224 \times 224\)), so paragraphs would reflow under the reader's
 * eyes (a layout shift of 0.1-0.15 measured on some chapters). The header and sidebars paint
 * at once; the article waits for MathJax, at most 1.5 s (then it shows anyway). */
(function () {
  var root = document.documentElement;
  root.classList.add("math-pending");
  function show() { root.classList.remove("math-pending"); }
  setTimeout(show, 1500);
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(show, show);
    else show();
  });
})();
