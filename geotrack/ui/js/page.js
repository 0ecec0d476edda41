/* geotrack page helpers, run by app.py after the item page or the document reader is drawn. */
/* eslint-env browser */
function gtWhenThere(id, then) {  // Streamlit may add the element well after this script runs on a busy machine
  var tries = 0;
  (function look() {
    var el = document.getElementById(id);
    if (el) { then(el); } else if (tries++ < 200) { setTimeout(look, 50); }
  })();
}
function gtScrollToItem() {
  // on a phone the item page is under the map: always bring it up; beside the map, only when off screen
  gtWhenThere('gt-item-anchor', function (el) {
    var phone = window.innerWidth < 640;
    var box = el.getBoundingClientRect();
    window.gtItemTop = box.top;
    if (phone || box.top < 0 || box.top > window.innerHeight * 0.6) {
      el.scrollIntoView({block: 'start', behavior: 'auto'});
    }
  });
}
function gtScrollLine(n) {
  // the cited line a third of the way down the reader, measured where the browser laid both out (offsetTop
  // counts from whichever ancestor is positioned, which Streamlit's containers change). React may draw the
  // reader late or draw it again as a new element, so each reader element is scrolled once, when it has a
  // size, for as long as this call is the latest; a reader the user has scrolled is never scrolled back.
  var call = window.gtScrollCall = (window.gtScrollCall || 0) + 1, tries = 0;
  (function look() {
    if (call !== window.gtScrollCall) { return; }
    var line = document.getElementById('gt-L' + n), body = line && line.closest('.gt-reader');
    if (body && body.clientHeight > 0 && body.getAttribute('data-gt-scrolled') !== String(n)) {
      var offset = line.getBoundingClientRect().top - body.getBoundingClientRect().top;
      body.scrollTop = Math.max(0, body.scrollTop + offset - body.clientHeight / 3);
      body.setAttribute('data-gt-scrolled', String(n));
    }
    if (tries++ < 200) { setTimeout(look, 50); }
  })();
}
function gtCloseSidebarOnPhone() {  // after a filter choice, a phone shows the page again, not the sidebar
  if (window.innerWidth >= 640) { return; }
  var close = document.querySelector('[data-testid="stSidebar"] [data-testid="stSidebarCollapseButton"] button') ||
    document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close) { close.click(); }
}
function gtCopyText(text) {  // the clipboard API needs a secure page (https or localhost); else the old way
  if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
  var area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  try { document.execCommand('copy'); } finally { area.remove(); }
  return Promise.resolve();
}
function gtItemEnd() {
  // the permalink is written relative to the page: show and copy it as the full address the reader sees
  gtWhenThere('gt-item-anchor', function () {
    document.querySelectorAll('.gt-item-end[data-link]').forEach(function (end) {
      var rel = end.getAttribute('data-link'), full = new URL(rel, window.location.href).href;
      end.querySelectorAll('.gt-copy').forEach(function (box) {
        var code = box.querySelector('code'), button = box.querySelector('button');
        code.textContent = code.textContent.split(rel).join(full);
        button.setAttribute('data-copy', button.getAttribute('data-copy').split(rel).join(full));
      });
      end.removeAttribute('data-link');
    });
  });
  if (window.gtCopyReady) { return; }
  window.gtCopyReady = true;
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('.gt-copy-button');
    if (!button) { return; }
    gtCopyText(button.getAttribute('data-copy')).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute('data-copied');
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
}
