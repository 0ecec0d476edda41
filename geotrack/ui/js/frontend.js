/* Streamlit's own frontend strings in the page's language.

   Streamlit (1.67) has no option for the language of its own frontend: "Select all", "No results",
   "Press Enter to apply", "Skip to main content", the data grid's tool tips and menus are English
   literals in its bundle, and its date picker takes the browser's locale (navigator.language).
   geotrack.ui.frontend.script(lang) calls gtFrontendLanguage with the table for the page's
   language; it is run on every language change and is idempotent:
   - the browser locale the page reports is the page's (vi-VN / en-GB), so the calendar's month
     and weekday names follow the page, whatever the browser's own language;
   - one MutationObserver rewrites text nodes and placeholder / aria-label / title / aria-roledescription attributes
     whose whole text is in the table (exact) or matches one of its patterns; what it rewrote is
     remembered, so going back to English restores Streamlit's own text;
   - the page's own content (the item page, the document reader, code) is never touched. */
/* eslint-env browser */
function gtFrontendLanguage(lang, locale, exact, patterns) {
  var ATTRS = ['placeholder', 'aria-label', 'title', 'aria-roledescription'];
  var OWN = '.gt-item, .gt-reader, pre, code';
  var gt = window.gtFrontend;
  if (!gt) {
    gt = window.gtFrontend = {texts: new WeakMap(), attrs: new WeakMap(), touched: new Set()};
    ['language', 'languages'].forEach(function (name) {
      try {
        Object.defineProperty(navigator, name, {configurable: true, get: function () {
          return name === 'language' ? window.gtFrontend.locale : [window.gtFrontend.locale];
        }});
      } catch (e) { /* a browser that forbids it keeps its own locale */ }
    });
  }
  var localeChanged = gt.locale !== locale;
  gt.lang = lang;
  gt.locale = locale;
  // react-aria (the date picker) listens for this to read navigator.language again
  if (localeChanged) { window.dispatchEvent(new Event('languagechange')); }
  gt.exact = exact;
  gt.patterns = patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  document.documentElement.lang = lang;

  function translated(text) {
    var core = text.trim();
    if (!core) { return null; }
    var out = Object.prototype.hasOwnProperty.call(gt.exact, core) ? gt.exact[core] : null;
    if (out === null) {  // each pattern in turn, on what the ones before left
      var now = core;
      for (var i = 0; i < gt.patterns.length; i++) {
        if (gt.patterns[i][0].test(now)) { now = now.replace(gt.patterns[i][0], gt.patterns[i][1]); }
      }
      out = now === core ? null : now;
    }
    return out === null ? null : text.replace(core, out);
  }
  function remember(node) {  // forget what left the page, so a long session holds no dead nodes
    gt.touched.add(node);
    if (gt.touched.size > 400) {
      gt.touched.forEach(function (n) { if (!n.isConnected) { gt.touched.delete(n); } });
    }
  }
  function own(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return !el || !!el.closest(OWN) || el.tagName === 'SCRIPT' || el.tagName === 'STYLE';
  }
  function doText(node) {
    if (own(node)) { return; }
    var was = gt.texts.get(node);
    if (was && node.nodeValue === was[1]) { return; }  // already ours
    var out = translated(node.nodeValue);
    if (out !== null && out !== node.nodeValue) {
      gt.texts.set(node, [node.nodeValue, out]);
      remember(node);
      node.nodeValue = out;
    }
  }
  function doAttrs(el) {
    if (own(el)) { return; }
    ATTRS.forEach(function (name) {
      var value = el.getAttribute(name);
      if (!value) { return; }
      var seen = gt.attrs.get(el) || {};
      if (seen[name] && seen[name][1] === value) { return; }
      var out = translated(value);
      if (out !== null && out !== value) {
        seen[name] = [value, out];
        gt.attrs.set(el, seen);
        remember(el);
        el.setAttribute(name, out);
      }
    });
  }
  // the picker's weekday initials in the browser's own (English) order, until Streamlit redraws it
  var EN_WEEK = 'SMTWTFS', VI_WEEK = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
  function doWeek(el) {
    var heads = el.querySelectorAll ? el.querySelectorAll('.react-aria-CalendarGridHeader th') : [];
    var letters = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); }).join('');
    if (letters === EN_WEEK) {
      heads.forEach(function (th, i) {
        var text = th.firstChild && th.firstChild.nodeType === 3 ? th.firstChild : null;
        if (text) { gt.texts.set(text, [text.nodeValue, VI_WEEK[i]]); remember(text); text.nodeValue = VI_WEEK[i]; }
      });
    }
  }
  function walk(root) {
    if (root.nodeType === 3) { doText(root); return; }
    if (root.nodeType !== 1) { return; }
    if (gt.lang === 'vi') { doWeek(root); }
    doAttrs(root);
    var it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (var n = it.nextNode(); n; n = it.nextNode()) {
      if (n.nodeType === 3) { doText(n); } else { doAttrs(n); }
    }
  }
  function restore() {  // back to Streamlit's own (English) text
    gt.touched.forEach(function (node) {
      if (node.nodeType === 3) {
        var t = gt.texts.get(node);
        if (t && node.nodeValue === t[1]) { node.nodeValue = t[0]; }
        gt.texts.delete(node);
      } else {
        var seen = gt.attrs.get(node) || {};
        Object.keys(seen).forEach(function (name) {
          if (node.getAttribute(name) === seen[name][1]) { node.setAttribute(name, seen[name][0]); }
        });
        gt.attrs.delete(node);
      }
    });
    gt.touched.clear();
  }

  if (gt.observer) { gt.observer.disconnect(); }
  restore();
  if (!Object.keys(exact).length && !patterns.length) { return; }  // the frontend's own language
  walk(document.body);
  gt.observer = new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (r.type === 'childList') { r.addedNodes.forEach(walk); }
      else if (r.type === 'characterData') { doText(r.target); }
      else { doAttrs(r.target); }
    });
  });
  gt.observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                                      attributeFilter: ATTRS});
}
