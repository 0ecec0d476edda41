"""Where the time of a browser bench step goes: the page's own timestamps beside the server's.

For every step (a page open or a filter change) :mod:`bench.browser` keeps a :class:`StepTiming`:

* from the page (``performance.now()``, ms from the step's start: navigation start for an open,
  the pointer going down on the option for a change): when the page first saw a script run
  start (``running``), when it saw that run end (``idle``), when the map showed what it must
  (``drawn``), and how many script runs it saw (a drawn ``st_folium`` map sends a value back,
  which may start another run);
* from the server: the section times of every script run it logged during the step
  (``GEOTRACK_PROFILE=1``, :mod:`geotrack.profiling`).

:func:`summarise` turns the steps of one app into one :class:`Breakdown` per kind of step
(medians), which ``bench/results.md`` shows as its second table.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class StepTiming:
    """One step's wall time (ms), page-side milestones (ms from its start) and server script runs."""

    step: str
    wall_ms: float
    page: dict[str, float | None]
    page_runs: int
    server: list[dict[str, float]] = field(default_factory=list)


@dataclass
class Breakdown:
    """Medians of one kind of step of one app on one dataset (ms)."""

    dataset: str
    size: int
    app: str
    kind: str
    n: int
    wall_ms: float
    script_start_ms: float | None
    server_ms: float | None  # the first script run of the step, as the server timed it
    sections: dict[str, float]  # its sections (ms), in page order
    script_end_ms: float | None
    drawn_ms: float | None
    later_runs: float  # script runs after the first one within the step (a map's value sent back …)
    later_server_ms: float  # the server time of those runs

    @property
    def round_trip_ms(self) -> float | None:
        """From the step's start to the page seeing the first run end, less the run itself.

        For a change: the round trip and the messages; for an open, also loading the page.
        """
        if self.script_end_ms is None or self.server_ms is None:
            return None
        return self.script_end_ms - self.server_ms

    @property
    def draw_after_end_ms(self) -> float | None:
        """From the first run's end seen to the map drawn (negative: drawn while the script still ran)."""
        if self.script_end_ms is None or self.drawn_ms is None:
            return None
        return self.drawn_ms - self.script_end_ms


def _kind(step: str) -> str:
    return "first open" if step == "open:first" else step.split(":")[0]


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def summarise(dataset: str, size: int, app: str, timings: Sequence[StepTiming]) -> list[Breakdown]:
    """One :class:`Breakdown` per kind of step (first open, open, change) in ``timings``."""
    out: list[Breakdown] = []
    for kind in dict.fromkeys(_kind(t.step) for t in timings):
        steps = [t for t in timings if _kind(t.step) == kind]
        firsts = [t.server[0] for t in steps if t.server]
        names = list(dict.fromkeys(name for run in firsts for name in run if name != "total"))
        sections = {name: statistics.median(run.get(name, 0.0) for run in firsts) for name in names}
        out.append(Breakdown(
            dataset, size, app, kind, len(steps),
            wall_ms=statistics.median(t.wall_ms for t in steps),
            script_start_ms=_median([t.page.get("running") for t in steps]),
            server_ms=_median([run["total"] for run in firsts]),
            sections=sections,
            script_end_ms=_median([t.page.get("idle") for t in steps]),
            # a click on the map ends when the item's page shows (the map itself does not change)
            drawn_ms=_median([t.page.get("drawn") if t.page.get("drawn") is not None else t.page.get("shown")
                              for t in steps]),
            later_runs=statistics.median(max(len(t.server) - 1, 0) for t in steps),
            later_server_ms=statistics.median(sum(run["total"] for run in t.server[1:]) for t in steps),
        ))
    return out


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def table(parts: Sequence[Breakdown]) -> list[str]:
    """The markdown lines of the breakdown table (empty without parts)."""
    if not parts:
        return []
    lines = ["", "## Where the time goes (browser steps, medians in ms from the step's start)", "",
             "Page-side timestamps: *script start* and *script end* are when the page saw the first script "
             "run of the step start and end, *drawn* when its map showed what it must (for a click on the map: "
             "when the item's page showed). Steps started by a click count from the pointer going down on "
             "the page (inside the map for a map click); *wall* is the test driver's own time, from before "
             "it sends the click. *Server script* is "
             "that run as the server timed it (`GEOTRACK_PROFILE=1`), by section. *Round trip* = script end "
             "− server script (for an open this includes loading the page). *Later runs*: script runs the "
             "page started by itself within the step (a drawn `st_folium` map sends its value back).", "",
             "| dataset | app | step | n | wall | script start | server script (sections) | script end | "
             "round trip | drawn | drawn − end | later runs (server ms) |",
             "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for b in parts:
        sections = ", ".join(f"{name} {ms:,.0f}" for name, ms in b.sections.items())
        server = f"{_ms(b.server_ms)}" + (f" ({sections})" if sections else "")
        lines.append(f"| {b.dataset} | {b.app} | {b.kind} | {b.n} | {_ms(b.wall_ms)} | {_ms(b.script_start_ms)} | "
                     f"{server} | {_ms(b.script_end_ms)} | {_ms(b.round_trip_ms)} | {_ms(b.drawn_ms)} | "
                     f"{_ms(b.draw_after_end_ms)} | {b.later_runs:g} ({b.later_server_ms:,.0f}) |")
    return lines
