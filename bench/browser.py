"""The map as a user meets it: geotrack and a naive baseline app, timed in headless Chromium.

For each dataset (the real one built from ``data/`` and synthetic stores of N items) both apps
are served by ``streamlit run`` in turn, one at a time, and driven by Debian's Chromium with
every request off this machine refused (no host but 127.0.0.1 resolves: a Playwright route
would do it too, but routing turns the browser's HTTP cache off, and every visit then fetched
the hundred-odd script files of Streamlit's page again). Measured per app:

* page open → the map's features drawn (the first visit after the server started, in a new
  browser profile with nothing cached; then the median of repeat visits, each a new Streamlit
  session in the same browser, as a returning visitor's, its cache holding the page's files);
* choosing a mode in the sidebar multiselect → the map redrawn with exactly that mode's
  features (median of ``repeat`` changes, a different mode each time so no change is served
  from the app's cache of an earlier one);
* the server's peak resident memory (``VmHWM``) after all of that.

"Drawn" is decided in the page by :data:`_PROBE_JS`: the number of item features the map shows
equals the number of items with geometry in the selection (from the store), then two animation
frames pass so the drawing is painted. Run on its own with ``python -m bench.browser``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench import synthetic
from bench.run import Row
from bench.timing import Breakdown, StepTiming, summarise
from geotrack import profiling, serve
from geotrack.build import build
from geotrack.filters import Filter
from geotrack.io import DATA_DIR, LAYERS_DIR
from geotrack.store import GeoPackageStore
from geotrack.ui import i18n

ROOT = Path(__file__).resolve().parents[1]
#: The apps measured side by side: the Streamlit script of each, relative to the project. The floor
#: is the bare stack (one multiselect, a one-feature ``st_folium`` map): no page on it can be faster.
APPS: dict[str, Path] = {"geotrack": ROOT / "app.py", "naive": ROOT / "bench" / "naive_app.py",
                         "floor": ROOT / "bench" / "floor_app.py"}
#: The app whose map always shows one feature, named after the modes chosen (see bench/floor_app.py).
FLOOR = "floor"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # offline, cache kept
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
LANG = i18n.DEFAULT_LANG
#: The default sizes: the real dataset, and synthetic stores measured fully / for open + memory only.
REAL = "real"
SIZES: tuple[str | int, ...] = (REAL, 10_000)
MEMORY_SIZES: tuple[int, ...] = (100_000,)
#: Longest wait for the server to be warm: at 100,000 items on a busy machine the first run takes minutes
#: (geotrack.serve runs it again while Streamlit's 60 s check times out).
SERVER_START_S = 420
#: Longest wait for one step (a page open or a filter change); the naive app at scale is slow.
STEP_TIMEOUT_S = 600
#: After a step: time for a rerun the page asks for by itself (st_folium's first value) to start.
SETTLE_MS = 400
#: The item page and the slider are measured up to this size (past it the WebGL map takes clicks).
ITEM_STEPS_MAX = 10_000
#: The real dataset's steps are each taken at least this many times (the speed targets are medians of 5).
REAL_REPEAT = 5
#: The memory sizes' scenario after the first open: this many filter changes, then one item opened.
MEMORY_CHANGES = 3
#: Years the slider drag crosses, and the pause at each (a drag by hand, not a jump).
SLIDER_STEPS = 8
SLIDER_STEP_MS = 120
#: Longest wait for one of those steps.
ITEM_STEP_TIMEOUT_S = 60
MB = 1024 * 1024

_IDLE = "[data-test-script-state='notRunning']"
_MULTISELECT = "[data-testid='stSidebar'] [data-testid='stMultiSelect']"

#: Installed in the top page before its scripts run. ``window.__gtBench.probe()`` reports the map
#: that is currently shown: which kind, how many item features it draws and (on request) their
#: ids, plus any exception the app shows. Every way of telling "how many features" lives in
#: ``count()``: a map that writes ``data-gt-features`` on its container is read from there (our
#: app's Leaflet map, and the WebGL view if it marks its element the same way); a Leaflet map
#: without it (the naive app) is counted from Leaflet's own layers; a WebGL deck without a marker
#: is "drawn" once its canvas has a size and the rerun that made it has finished.
_PROBE_JS = r"""
(() => {
  if (window.top !== window) {
    // a click inside a frame (the map): its moment on the page's clock, for the step under way
    document.addEventListener('pointerdown', function () {
      try {
        const bench = window.top.__gtBench;
        if (bench) { bench.frameClick(performance.timeOrigin + performance.now() - window.top.performance.timeOrigin); }
      } catch (e) { /* a frame of another origin */ }
    }, true);
    return;
  }
  const FOLIUM = 'iframe[title="streamlit_folium.st_folium"]';
  const DECK = '[data-testid="stDeckGlJsonChart"]';
  const state = {sawRunning: false, changing: false};
  // page-side timestamps (performance.now(), ms from navigation start) of the step under way:
  // the click that started it, the first script run seen running, the last seen ending, the map drawn
  // (and for a click on the map, the item's page shown)
  const times = {click: null, running: null, idle: null, drawn: null, shown: null, runs: 0};
  // the server's messages of the step under way: the first, and the last before the map was drawn.
  // A run short enough that React renders its start and its end together never shows 'running' in
  // the page; then these stand for the run's start and end as the page saw them.
  const messages = {first: null, last: null, atDrawn: null};
  const NativeSocket = window.WebSocket;
  if (NativeSocket) {
    window.WebSocket = class extends NativeSocket {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', function () {
          const now = performance.now();
          if (messages.first === null) { messages.first = now; }
          messages.last = now;
        });
      }
    };
  }
  function count(kind, box, win, withIds) {
    const marked = box && (box.matches('[data-gt-features]') ? box : box.querySelector('[data-gt-features]'));
    if (marked) {
      const ids = withIds ? (marked.getAttribute('data-gt-ids') || '').split(' ').filter(Boolean) : null;
      return {kind: kind, marker: true, features: Number(marked.getAttribute('data-gt-features')), ids: ids};
    }
    if (kind === 'leaflet' && win && win.map && win.map.eachLayer) {
      // one layer per GeoJSON feature carries .feature (a multi-point's markers do not)
      let n = 0; const ids = [];
      win.map.eachLayer(function (l) {
        if (l.feature && l.feature.id !== undefined && l.feature.id !== null) {
          n += 1;
          if (withIds) { ids.push(String(l.feature.id)); }
        }
      });
      return {kind: kind, marker: false, features: n, ids: withIds ? ids : null};
    }
    if (kind === 'deck') {
      const c = box.querySelector('canvas');
      return {kind: kind, marker: false, features: null, ids: null, sized: !!(c && c.width > 0 && c.height > 0)};
    }
    return null;
  }
  function current(withIds) {
    for (const f of document.querySelectorAll(FOLIUM)) {
      let win = null, doc = null;
      try { win = f.contentWindow; doc = f.contentDocument; } catch (e) { continue; }
      if (!win || !doc) { continue; }
      const box = doc.querySelector('.leaflet-container');
      if (!box) { continue; }
      // a map shown before the change counts again once its items changed (geotrack swaps the items
      // inside the same frame; the naive app loads a new frame and the old one never changes)
      if (win.__gtBenchStale && (!box.hasAttribute('data-gt-ids') ||
                                 box.getAttribute('data-gt-ids') === win.__gtBenchBefore)) { continue; }
      const got = count('leaflet', box, win, withIds);
      if (got) { return got; }
    }
    for (const el of document.querySelectorAll(DECK)) {
      const got = count('deck', el, null, withIds);
      if (got) { return got; }
    }
    return null;
  }
  function idle() { return !!document.querySelector("[data-test-script-state='notRunning']"); }
  let wasRunning = false;
  new MutationObserver(function (records) {
    const running = !!document.querySelector("[data-test-script-state='running']");
    const now = performance.now();
    // a run that started and ended between two calls shows only as an attribute whose old value was 'running'
    const unseen = !wasRunning && !running && records.some(function (r) { return r.oldValue === 'running'; });
    if (running || unseen) {
      state.sawRunning = true;
      if (!wasRunning) { times.runs += 1; if (times.running === null) { times.running = now; } }
    }
    if (!running && (wasRunning || unseen) && idle() && times.idle === null) {
      times.idle = now;
    }
    wasRunning = running;
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true, childList: true,
                        attributeFilter: ['data-test-script-state']});
  document.addEventListener('pointerdown', function () {
    if (state.changing && times.click === null) { times.click = performance.now(); }
  }, true);
  new MutationObserver(function () {
    if (state.changing && times.shown === null && document.querySelector('article.gt-item')) {
      times.shown = performance.now();
    }
  }).observe(document, {subtree: true, childList: true});
  window.__gtBench = {
    probe: function (withIds) {
      // an exception, or an error the app chose to show (st.error), ends the wait at once
      const err = document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]');
      return {map: current(!!withIds), error: err ? err.innerText.slice(0, 600) : null, idle: idle()};
    },
    // before a change: the maps now shown are old until what they show changes
    markStale: function () {
      document.querySelectorAll(FOLIUM).forEach(function (f) {
        try {
          const box = f.contentDocument.querySelector('.leaflet-container');
          f.contentWindow.__gtBenchStale = true;
          f.contentWindow.__gtBenchBefore = box ? box.getAttribute('data-gt-ids') : null;
        } catch (e) { /* not loaded yet */ }
      });
      state.sawRunning = false; state.changing = true;
      times.click = null; times.running = null; times.idle = null; times.drawn = null; times.shown = null;
      times.runs = 0;
      messages.first = null; messages.last = null; messages.atDrawn = null;
    },
    times: function () {
      const out = Object.assign({}, times);
      if (out.running === null && out.idle === null && messages.first !== null && messages.atDrawn !== null) {
        out.running = messages.first; out.idle = messages.atDrawn; out.runs = Math.max(out.runs, 1);
      }
      return out;
    },
    // a step started by a click inside a frame (the map), where the page's pointer listener does not hear it
    clickedNow: function () { times.click = performance.now(); },
    // ... and made exact by the frame once the pointer is down in it (the driver takes a while to deliver it)
    frameClick: function (at) { if (state.changing) { times.click = at; } },
    drawn: function (n) {
      const p = window.__gtBench.probe(false);
      if (p.error) { return p; }
      const m = p.map;
      if (!m) { return false; }
      let ok;
      if (m.features !== null) { ok = m.features === n; } else {
        // an unmarked WebGL canvas: sized, and (after a change) the rerun that redrew it is over
        ok = m.sized && (!state.changing || (state.sawRunning && p.idle));
      }
      if (ok && times.drawn === null) { times.drawn = performance.now(); messages.atDrawn = messages.last; }
      return ok ? p : false;
    },
  };
})();
"""
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


class BenchError(RuntimeError):
    """An app did not start, showed an error, or did not draw what was expected in time."""


@dataclass(frozen=True)
class Change:
    """One filter change: the mode chosen and the item ids with geometry the map must then show."""

    mode: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """A store to serve, and what its map must show at open and after each change."""

    label: str
    size: int
    store: Path
    ids: tuple[str, ...]
    changes: tuple[Change, ...]


@dataclass
class Drawn:
    """What one step expected and what the page showed when it was taken as drawn."""

    step: str
    expected: int
    features: int | None
    kind: str
    ids_match: bool | None = None  # checked only with ``verify``


@dataclass
class AppRun:
    """The figures of one app on one dataset (times in ms, memory in MB)."""

    app: str
    first_open_ms: float | None = None
    open_ms: list[float] = field(default_factory=list)
    change_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float | None = None
    drawn: list[Drawn] = field(default_factory=list)
    error: str | None = None
    timings: list[StepTiming] = field(default_factory=list)
    click_ms: list[float] = field(default_factory=list)  # map click → the item's page shown (geotrack)
    click_page_ms: list[float] = field(default_factory=list)  # the same on the page's clock: pointer down → shown
    slider_runs: int | None = None  # script runs for one drag of the deadline slider over SLIDER_STEPS years
    slider_ms: float | None = None  # its release → the page idle
    item_error: str | None = None  # why the map clicks or the slider drag failed, if they did
    item_link_ms: float | None = None  # an item's link opened → its page shown (the memory scenario)
    warm_s: float | None = None  # server start → its first script run done
    load_avg: float = 0.0  # the machine's 1-minute load average when the run started (others share it)


# -- datasets -------------------------------------------------------------------------------------
def _drawable_ids(store: Path, flt: Filter) -> tuple[str, ...]:
    """Ids of the items of ``flt`` that have a geometry to draw, sorted."""
    gdf = GeoPackageStore(store).load(flt)
    keep = gdf.geometry.notna() & ~gdf.geometry.is_empty
    return tuple(sorted(str(i) for i in gdf.loc[keep, "id"]))


def dataset(label: str, store: Path, changes: int) -> Dataset:
    """What the map of ``store`` must show: every item at open, then one mode per change.

    The modes are the ones with the most drawable items, in that order: the heaviest redraws,
    and a different filter each time.
    """
    everything = GeoPackageStore(store).load()
    keep = everything.geometry.notna() & ~everything.geometry.is_empty
    ranked = everything.loc[keep, "mode"].value_counts()
    modes = [str(m) for m in ranked.index[:changes]]
    return Dataset(label, len(everything), store, tuple(sorted(str(i) for i in everything.loc[keep, "id"])),
                   tuple(Change(m, _drawable_ids(store, Filter(modes=(m,)))) for m in modes))


def build_real(path: Path) -> Path:
    """Build the store of the project's dataset (``geotrack build``) at ``path``."""
    build(GeoPackageStore(path), data_dir=DATA_DIR, layers_dir=LAYERS_DIR)
    return path


def build_synthetic(path: Path, size: int) -> Path:
    """Write ``size`` synthetic items (:func:`bench.synthetic.items`) into a new store at ``path``."""
    GeoPackageStore(path).replace_all(synthetic.items(size), [], actor="bench", source=None)
    return path


# -- server ---------------------------------------------------------------------------------------
@dataclass
class _Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    warm_s: float | None = None  # start → the script's first run done (geotrack.serve)

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def log_size(self) -> int:
        return self.log.stat().st_size

    def script_runs(self, since: int) -> list[dict[str, float]]:
        """The section times of each script run the server logged after byte ``since`` of its log."""
        with open(self.log, "rb") as f:
            f.seek(since)
            text = f.read().decode("utf-8", errors="replace")
        return [t for t in map(profiling.parse, text.splitlines()) if t is not None]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runnable(script: Path, work: Path) -> Path:
    """``script``, or for a script outside the project root a copy of it beside a link to ``static/``.

    Streamlit serves ``/app/static`` from the folder of the main script, and the naive app loads
    the vendored Leaflet from there like the real app does.
    """
    if script.parent == ROOT:
        return script
    folder = work / f"app-{script.stem}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "static").exists():
        (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    copy = folder / script.name
    copy.write_bytes(script.read_bytes())
    return copy


@contextlib.contextmanager
def _serve(script: Path, store: Path, log: Path) -> Iterator[_Server]:
    """``streamlit run script`` on a free port with ``GEOTRACK_STORE=store``, healthy, stopped on exit.

    The server runs in the project root, so it reads the project's ``.streamlit/config.toml``.
    """
    script = _runnable(script, log.parent)
    port = _free_port()
    env = {**os.environ, "GEOTRACK_STORE": str(store), profiling.PROFILE_ENV: "1"}
    env.pop("GEOTRACK_DATABASE_URL", None)  # the app would prefer a database over the store we made
    # started as `make run` starts the app: streamlit run, then the script run once in the server so the
    # first visitor finds the caches warm (geotrack.serve); ready once it says so
    cmd = [sys.executable, "-m", "geotrack.serve", str(script), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--global.developmentMode", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = _Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                raise BenchError(f"{script.name} exited with {process.returncode}:\n{server.tail()}")
            warm = re.search(re.escape(serve.PREFIX) + r" warm in ([\d.]+) s \(script ran: (.*)\)",
                             server.log.read_text(encoding="utf-8", errors="replace"))
            if warm:
                if warm.group(2) != "ok":
                    raise BenchError(f"{script.name} failed its first run ({warm.group(2)}):\n{server.tail()}")
                server.warm_s = float(warm.group(1))
                break
            if time.monotonic() > deadline:
                raise BenchError(f"{script.name} not warm within {SERVER_START_S} s:\n{server.tail()}")
            time.sleep(0.2)  # polling interval while the server starts (nothing is timed here)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of the resident memory of process ``pid`` (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    raise BenchError(f"no VmHWM for process {pid}")


# -- page -----------------------------------------------------------------------------------------
def _wait_drawn(page: Page, expected: int, timeout_s: float) -> dict[str, Any]:
    """Wait until the shown map draws ``expected`` item features, then two frames; return the probe."""
    try:
        handle = page.wait_for_function("(n) => window.__gtBench.drawn(n)", arg=expected, polling="raf",
                                        timeout=timeout_s * 1000)
    except PlaywrightTimeout as exc:
        last = page.evaluate("() => window.__gtBench && window.__gtBench.probe(false)")
        raise BenchError(f"map not drawn with {expected} features within {timeout_s:.0f} s; last seen {last}") from exc
    probe: dict[str, Any] = handle.json_value()
    if probe.get("error"):
        raise BenchError(f"the app shows an error: {probe['error']}")
    page.evaluate(_TWO_FRAMES)  # the frame that paints what the script drew
    return probe


def _wait_idle(page: Page, timeout_s: float) -> None:
    page.locator(_IDLE).wait_for(state="attached", timeout=timeout_s * 1000)


def _record(run: AppRun, page: Page, step: str, ids: Sequence[str], probe: dict[str, Any], verify: bool) -> None:
    shown = probe["map"]
    ids_match = None
    if verify:
        got = page.evaluate("() => window.__gtBench.probe(true)")["map"]
        ids_match = got is not None and got["ids"] is not None and sorted(got["ids"]) == sorted(ids)
    run.drawn.append(Drawn(step, len(ids), shown.get("features"), str(shown.get("kind")), ids_match))


def _expected(app: str, ids: Sequence[str], modes: Sequence[str] = ()) -> tuple[str, ...]:
    """The feature ids ``app``'s map must show: ``ids``, or the floor's one feature named after ``modes``."""
    return ("floor-" + "-".join(modes),) if app == FLOOR else tuple(ids)


def _settle(page: Page, server: _Server, timeout_s: float) -> None:
    """Let a rerun the drawn map asks for (``st_folium`` sends its first value) start and end, untimed."""
    page.wait_for_timeout(SETTLE_MS)
    _wait_idle(page, timeout_s)


def _timing(page: Page, server: _Server, step: str, wall_ms: float, since: int, clicked: bool) -> StepTiming:
    """Where the step's time went: page-side milestones from its start, and the server's script runs."""
    times = page.evaluate("() => window.__gtBench.times()")
    start = times["click"] if clicked else 0.0
    page_ms = {k: (times[k] - start if times[k] is not None and start is not None else None)
               for k in ("running", "idle", "drawn", "shown")}
    return StepTiming(step, wall_ms, page_ms, int(times["runs"]), server.script_runs(since))


def _open(page: Page, server: _Server, run: AppRun, ids: Sequence[str], step: str, timeout_s: float,
          verify: bool) -> float:
    """Open the app in ``page`` and time it until its map draws ``ids`` (ms)."""
    since = server.log_size()
    start = time.perf_counter()
    page.goto(server.url, wait_until="commit", timeout=timeout_s * 1000)
    probe = _wait_drawn(page, len(ids), timeout_s)
    elapsed = (time.perf_counter() - start) * 1000
    _record(run, page, step, ids, probe, verify)
    _wait_idle(page, timeout_s)
    _settle(page, server, timeout_s)
    run.timings.append(_timing(page, server, step, elapsed, since, clicked=False))
    return elapsed


def _change(page: Page, server: _Server, change: Change, ids: Sequence[str], run: AppRun, timeout_s: float,
            verify: bool) -> float:
    """Choose ``change.mode`` in the sidebar's mode multiselect; time it until the map shows ``ids`` (ms)."""
    name = i18n.mode_label(change.mode, LANG)
    box = page.locator(_MULTISELECT).get_by_role("combobox", name=i18n.t("mode", LANG), exact=True)
    box.click()
    box.fill(name)  # the option list is virtualised: narrow it so the option is rendered
    option = page.get_by_role("option", name=name, exact=True)
    option.wait_for(state="visible", timeout=timeout_s * 1000)
    page.evaluate("() => window.__gtBench.markStale()")
    since = server.log_size()
    start = time.perf_counter()
    option.click()
    probe = _wait_drawn(page, len(ids), timeout_s)
    elapsed = (time.perf_counter() - start) * 1000
    step = f"change:{change.mode}"
    _record(run, page, step, ids, probe, verify)
    page.keyboard.press("Escape")  # close the dropdown the choice left open
    _wait_idle(page, timeout_s)
    _settle(page, server, timeout_s)
    run.timings.append(_timing(page, server, step, elapsed, since, clicked=True))
    return elapsed


_ITEM_POINT_JS = """(id) => {
  // a point on the item's drawing in the map frame, the map centred on it (a marker, or a line's middle vertex)
  const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  const win = f && f.contentWindow;
  if (!win || !win.map) { return null; }
  let pt = null; win.map.closePopup();
  win.map.eachLayer(function (l) {
    if (!l.feature || String(l.feature.id) !== id || pt) { return; }
    let ll = l.getLatLng ? l.getLatLng() : null;
    if (!ll) { const lls = l.getLatLngs().flat(3); ll = lls[Math.floor(lls.length / 2)]; }
    win.map.setView(ll, win.map.getZoom(), {animate: false});
    const p = win.map.latLngToContainerPoint(ll);
    const box = f.getBoundingClientRect();
    pt = [box.left + p.x, box.top + p.y];
  });
  return pt;
}"""


def _map_click(page: Page, server: _Server, item_id: str, run: AppRun, timeout_s: float) -> float:
    """Click item ``item_id`` on the map of a page showing no item; time it until an item's page shows, in ms.

    Items may be drawn over one another: whichever the click hits is selected, and its page is
    what is waited for (the item page's article, which the page had none of before).
    """
    xy = page.evaluate(_ITEM_POINT_JS, item_id)
    if xy is None:
        raise BenchError(f"item {item_id} not found on the map")
    page.mouse.move(xy[0], xy[1])
    heading = page.locator("article.gt-item")
    if heading.count():
        raise BenchError("an item page is shown before the click")
    page.evaluate("() => window.__gtBench.markStale()")
    since = server.log_size()
    page.evaluate("() => window.__gtBench.clickedNow()")
    start = time.perf_counter()
    page.mouse.click(xy[0], xy[1])
    heading.wait_for(state="visible", timeout=timeout_s * 1000)
    elapsed = (time.perf_counter() - start) * 1000
    _wait_idle(page, timeout_s)
    _settle(page, server, timeout_s)
    timing = _timing(page, server, "click", elapsed, since, clicked=True)
    run.timings.append(timing)
    if timing.page.get("shown") is not None:
        run.click_page_ms.append(float(timing.page["shown"] or 0.0))
    return elapsed


def _slider_drag(page: Page, server: _Server, steps: int, timeout_s: float) -> tuple[int, float]:
    """Drag the deadline slider's upper thumb ``steps`` years down in one gesture.

    Returns the script runs the server logged for it and the ms from the release to the page idle.
    """
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider']").first
    slider.scroll_into_view_if_needed()
    end = slider.locator("input[type='range']").last  # the thumb is the box around its (hidden) range input
    thumb = end.locator("xpath=../..")
    track = slider.locator("[role='group'] > div").first
    box, handle = track.bounding_box(), thumb.bounding_box()
    if box is None or handle is None:
        raise BenchError("deadline slider not found")
    low, high = float(end.get_attribute("min") or 0), float(end.get_attribute("max") or 1)
    per_year = box["width"] / max(high - low, 1)
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    since = server.log_size()
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, steps + 1):
        page.mouse.move(x - k * per_year, y, steps=2)
        page.wait_for_timeout(SLIDER_STEP_MS)  # a hand drags over a second or so
    start = time.perf_counter()
    page.mouse.up()
    page.wait_for_timeout(SETTLE_MS)
    _wait_idle(page, timeout_s)
    elapsed = (time.perf_counter() - start) * 1000
    return len(server.script_runs(since)), elapsed


def _points(ds: Dataset, count: int) -> list[str]:
    """Ids of up to ``count`` items drawn as one point (a click at it hits a drawing), spread over the list."""
    gdf = GeoPackageStore(ds.store).load()
    points = gdf[gdf.geometry.notna() & (gdf.geometry.geom_type == "Point")]
    return [str(i) for i in points["id"].iloc[:: max(len(points) // max(count, 1), 1)].head(count)]


def _item_steps(page: Page, server: _Server, run: AppRun, ds: Dataset, repeat: int, ids: Sequence[str],
                timeout_s: float, verify: bool) -> None:
    """The item page and the slider, which only geotrack has: on a fresh page, ``repeat`` map clicks, one drag.

    A failure here is noted in ``run.item_error`` and leaves the other figures standing.
    """
    timeout_s = min(timeout_s, ITEM_STEP_TIMEOUT_S)
    try:
        for item_id in _points(ds, repeat):
            _open(page, server, run, ids, "open:item", timeout_s, verify)  # a page with no item shown
            run.click_ms.append(_map_click(page, server, item_id, run, timeout_s))
        run.slider_runs, run.slider_ms = _slider_drag(page, server, SLIDER_STEPS, timeout_s)
    except (BenchError, PlaywrightError) as exc:
        run.item_error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}".replace("|", "/")


def _one_line(exc: Exception) -> str:
    """An app's failure on one line: it ends up in a markdown table cell."""
    text = " ".join(str(exc).split()).replace("|", "/")
    return f"{type(exc).__name__}: {text[:300]}"


def _memory_steps(page: Page, server: _Server, run: AppRun, app: str, ds: Dataset, timeout_s: float,
                  verify: bool) -> None:
    """What a visitor does at scale before the server's memory is read: every change of ``ds``, one item opened.

    The item (one of the last change's, a point if it has one) is opened by its link, with that
    change's filter: at 100,000 items the page opens on the WebGL map, whose drawing the bench
    cannot click by an item's id.
    """
    for change in ds.changes:
        ids = _expected(app, change.ids, (change.mode,))
        run.change_ms.append(_change(page, server, change, ids, run, timeout_s, verify))
    if app == "geotrack" and ds.changes:
        last = ds.changes[-1]
        try:
            run.item_link_ms = _open_item(page, server, last.mode, _point_of(ds, last.mode, last.ids), timeout_s)
        except (BenchError, PlaywrightError) as exc:
            run.item_error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}".replace("|", "/")


def _open_item(page: Page, server: _Server, mode: str, item_id: str, timeout_s: float) -> float:
    """Open the page at item ``item_id``'s link (with ``mode`` chosen); ms until its item page shows."""
    start = time.perf_counter()
    page.goto(f"{server.url}?modes={mode}&sel={item_id}", wait_until="commit", timeout=timeout_s * 1000)
    page.locator("article.gt-item").wait_for(state="visible", timeout=timeout_s * 1000)
    elapsed = (time.perf_counter() - start) * 1000
    _wait_idle(page, timeout_s)
    _settle(page, server, timeout_s)
    return elapsed


def _point_of(ds: Dataset, mode: str, ids: Sequence[str]) -> str:
    """An item of ``mode`` among ``ids`` drawn as one point if there is one, else the first of ``ids``."""
    gdf = GeoPackageStore(ds.store).load(Filter(modes=(mode,)))
    points = gdf[gdf.geometry.notna() & (gdf.geometry.geom_type == "Point") & gdf["id"].isin(ids)]
    return str(points["id"].iloc[0]) if len(points) else ids[0]


def measure_app(browser: Browser, app: str, ds: Dataset, repeat: int, work: Path, *,
                timeout_s: float = STEP_TIMEOUT_S, verify: bool = False, memory: bool = False) -> AppRun:
    """Serve ``app`` on ``ds`` and measure it: first open, then ``repeat`` × (open, change), then memory.

    ``memory`` (with ``repeat`` 0): after the first open, every change of ``ds`` and one item
    opened (:func:`_memory_steps`), so the memory read after is that of a visit, not of an open alone.

    A failure of the app (it errs, or does not draw in time) ends its run with ``error`` set, so
    the other apps' figures still count.
    """
    run = AppRun(app, load_avg=os.getloadavg()[0])
    try:
        with _serve(APPS[app], ds.store, work / f"{app}-{ds.label}.log") as server:
            context = browser.new_context(viewport=VIEWPORT)
            try:
                context.add_init_script(_PROBE_JS)
                page = context.new_page()
                page.set_default_timeout(timeout_s * 1000)
                run.warm_s = server.warm_s
                at_open = _expected(app, ds.ids)
                run.first_open_ms = _open(page, server, run, at_open, "open:first", timeout_s, verify)
                for k in range(repeat):
                    run.open_ms.append(_open(page, server, run, at_open, "open", timeout_s, verify))
                    if ds.changes:
                        change = ds.changes[k % len(ds.changes)]
                        ids = _expected(app, change.ids, (change.mode,))
                        run.change_ms.append(_change(page, server, change, ids, run, timeout_s, verify))
                if app == "geotrack" and repeat and ds.size <= ITEM_STEPS_MAX:
                    _item_steps(page, server, run, ds, repeat, at_open, timeout_s, verify)
                if memory and not repeat:
                    _memory_steps(page, server, run, app, ds, timeout_s, verify)
            except (BenchError, PlaywrightError) as exc:
                run.error = _one_line(exc)
            finally:
                context.close()
            if server.process.poll() is None:
                run.peak_rss_mb = peak_rss_mb(server.process.pid)
    except BenchError as exc:  # the server did not start, or its first run failed or never ended
        run.error = _one_line(exc)
    return run


# -- rows -----------------------------------------------------------------------------------------
def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def rows(ds: Dataset, ours: AppRun, naive: AppRun | None, floor: AppRun | None = None) -> list[Row]:
    """Rows of :class:`bench.run.Row` for one dataset (a figure our app failed to give is left out).

    The floor's figures (``floor``, when measured) stand in the rows' ``floor`` column: what the
    bare stack takes for the same step (its map has one feature).
    """
    where = "real dataset" if ds.label == REAL else "synthetic"
    drawn = len(ds.ids)
    others = [r for r in (ours, naive, floor) if r is not None]
    failed = "; ".join(f"{r.app} failed (its memory is the peak reached before): {r.error}"
                       for r in others if r.error)
    tail = "; load avg " + " / ".join(f"{r.load_avg:.1f}" for r in others) + (f" — {failed}" if failed else "")
    if any(d.kind == "deck" and d.features is None for d in ours.drawn):
        # without a count on the WebGL element, "drawn" is its canvas sized (see _PROBE_JS)
        tail = "; geotrack showed the WebGL view: drawn = deck canvas sized, count not checked" + tail
    out: list[Row] = []
    real, big = ds.label == REAL, ds.size >= 100_000

    def add(what: str, unit: str, pick: Callable[[AppRun], float | None], target: str, notes: str) -> None:
        mine = pick(ours)
        if mine is not None:
            out.append(Row(ds.size, f"browser: {what} ({where})", unit, mine, pick(naive) if naive else None, target,
                           notes + tail,
                           floor=pick(floor) if floor is not None else None))

    add("page open → map drawn, first visit", "ms", lambda r: r.first_open_ms,
        "≤ 3 s" if real else ("≤ 10 s" if big else ""),
        f"{drawn} features; first session after the server started and ran the script once (geotrack.serve: "
        + " / ".join(f"{r.app} {r.warm_s:.1f} s" for r in others if r.warm_s is not None) + ")")
    n_open = min(len(ours.open_ms), len(naive.open_ms) if naive else len(ours.open_ms)) or len(ours.open_ms)
    add("page open → map drawn, repeat visits", "ms", lambda r: _median(r.open_ms),
        "≤ 1.5 s and ≥ 1.5× naive" if real else "",
        f"{drawn} features; median of {n_open} new sessions")
    changes = ", ".join(f"{c.mode} ({len(c.ids)})" for c in ds.changes[:len(ours.change_ms)])
    target = ("≤ 300 ms (or ≤ floor + 100 ms) and < naive" if real
              else ("≤ 800 ms at 10,000" if ds.size == 10_000 else ""))
    each = ", ".join(f"{ms / 1000:.1f}" for ms in ours.change_ms)
    add("filter change → map redrawn", "ms", lambda r: _median(r.change_ms), target,
        f"choose one mode in the sidebar multiselect, median of {len(ours.change_ms)}: {changes}; "
        f"geotrack's, in order: {each} s")
    add("map click → item page shown", "ms", lambda r: _median(r.click_ms), "≤ 400 ms" if real else "",
        f"click an item's drawing on the map until its page's heading shows, median of {len(ours.click_ms)}"
        + (f" (on the page's own clock, pointer down in the map → the item's page in the page: "
           f"{_median(ours.click_page_ms):.0f} ms; the figure adds the time the test driver takes to deliver "
           "the click and to see the result)" if ours.click_page_ms else "")
        + "; geotrack only (the other pages have no item page)"
        + (f"; item steps failed: {ours.item_error}" if ours.item_error else ""))
    add(f"slider drag over {SLIDER_STEPS} years → script runs", "runs",
        lambda r: None if r.slider_runs is None else float(r.slider_runs), "1 (one redraw)",
        f"one drag of the deadline slider's upper thumb; release → page idle "
        f"{ours.slider_ms or 0:,.0f} ms; geotrack only")
    add("item link opened → item page shown", "ms", lambda r: r.item_link_ms, "",
        "a new page at an item's link (?modes=…&sel=…) until its item page shows; geotrack only")
    steps = ("open" if not ours.change_ms else "opens, filter changes, map clicks and a slider drag"
             if ours.open_ms else f"first open, {len(ours.change_ms)} filter changes and "
             f"{int(ours.item_link_ms is not None)} item opened by its link")
    add("server peak memory (VmHWM)", "MB", lambda r: r.peak_rss_mb, "≤ 1 GB at 100,000" if big else "",
        f"streamlit server process after the {steps} above"
        + (f"; item open failed: {ours.item_error}" if ours.item_error and not ours.open_ms else ""))
    return out


def breakdown(ds: Dataset, runs: Sequence[AppRun]) -> list[Breakdown]:
    """Where the time of each kind of step went, per app (medians; see :mod:`bench.timing`)."""
    return [b for r in runs for b in summarise(ds.label, ds.size, r.app, r.timings)]


def bench_browser(sizes: Sequence[str | int] = SIZES, memory_sizes: Sequence[int] = MEMORY_SIZES, repeat: int = 3,
                  *, timeout_s: float = STEP_TIMEOUT_S, work: Path | None = None,
                  apps: Sequence[str] = tuple(APPS)) -> tuple[list[Row], list[Breakdown]]:
    """Measure the apps in Chromium at every size; ``memory_sizes`` get the first open and memory only.

    Each step is taken ``repeat`` times, on the real dataset at least :data:`REAL_REPEAT` times.

    Sizes are item counts of synthetic stores, or ``"real"`` for the project's dataset. Returns the
    rows of the results table and the breakdown of each step's time.
    """
    with contextlib.ExitStack() as stack:
        base = work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gt-bench-browser-")))
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        out: list[Row] = []
        parts: list[Breakdown] = []
        plan = ([(s, max(repeat, REAL_REPEAT) if s == REAL else repeat, False) for s in sizes]
                + [(s, 0, True) for s in memory_sizes])
        for size, reps, memory in plan:
            ds = prepare(size, base, MEMORY_CHANGES if memory else reps)
            runs = {app: measure_app(browser, app, ds, reps, base, timeout_s=timeout_s, memory=memory) for app in apps}
            out.extend(rows(ds, runs["geotrack"], runs.get("naive"), runs.get(FLOOR)))
            parts.extend(breakdown(ds, list(runs.values())))
            _log(ds, list(runs.values()))
        return out, parts


def prepare(size: str | int, work: Path, changes: int) -> Dataset:
    """The store of ``size`` (built in ``work``) and what its map must show."""
    if size == REAL:
        store = build_real(work / "real.gpkg")
        return dataset(REAL, store, changes)
    n = int(size)
    store = build_synthetic(work / f"synthetic-{n}.gpkg", n)
    return dataset(f"{n}", store, changes)


def _log(ds: Dataset, runs: Sequence[AppRun]) -> None:
    for r in runs:
        print(f"[bench.browser] {ds.label}: {r.app} first {r.first_open_ms} open {r.open_ms} change {r.change_ms} "
              f"click {r.click_ms} item link {r.item_link_ms} peak {r.peak_rss_mb} MB"
              f"{' ERROR ' + r.error if r.error else ''}"
              f"{' ITEM ' + r.item_error if r.item_error else ''}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.browser``: print the rows as the tables of ``bench/results.md``."""
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=list(SIZES),
                        help="'real' or item counts, measured fully (default real 10000)")
    parser.add_argument("--memory", nargs="*", type=int, default=list(MEMORY_SIZES),
                        help="item counts measured for first open and memory only (default 100000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--apps", nargs="*", choices=list(APPS), default=list(APPS),
                        help="the apps to measure (default all; geotrack is always measured)")
    parser.add_argument("--timeout", type=float, default=STEP_TIMEOUT_S, help="seconds per step")
    parser.add_argument("--out", type=Path, default=None,
                        help="write results.md/.json into this folder (default: print only)")
    args = parser.parse_args(argv)
    sizes: list[str | int] = [s if s == REAL else int(s) for s in args.sizes]
    from bench.run import Report, machine, write

    apps = ["geotrack", *(a for a in args.apps if a != "geotrack")]
    found, parts = bench_browser(sizes, args.memory, args.repeat, timeout_s=args.timeout, apps=apps)
    report = Report(machine(), found, parts)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        md, _ = write(report, out)
        print(md.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
