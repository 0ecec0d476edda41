"""Where a script run of the app spends its time, logged when ``$GEOTRACK_PROFILE`` is set.

The app marks the start of each section of its page (``mark("map")``); a section lasts until
the next mark or the end of the run. At the end of a run one line goes to standard output::

    [geotrack.profile] total=212.4 setup=3.1 filters=10.2 map=150.0 table=40.3 ...

(milliseconds, sections in the order first marked, a section marked twice summed). The browser
bench reads these lines from the server's log beside the page-side timestamps. With the variable
unset every call here is a no-op apart from one dictionary look-up.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator

#: Set (to anything but empty or ``0``) to log each script run's section times.
PROFILE_ENV = "GEOTRACK_PROFILE"
#: The first word of every line this module writes.
PREFIX = "[geotrack.profile]"

_local = threading.local()  # Streamlit runs each session's script in a thread of its own


def enabled() -> bool:
    """Whether ``$GEOTRACK_PROFILE`` asks for section times."""
    return os.environ.get(PROFILE_ENV, "") not in ("", "0")


def mark(section: str) -> None:
    """End the section now running (if any) and start ``section``."""
    run: _Run | None = getattr(_local, "run", None)
    if run is not None:
        run.mark(section)


class _Run:
    """The section times of one script run."""

    def __init__(self, section: str = "setup") -> None:
        self.start = self.last = time.perf_counter()
        self.section = section
        self.times: dict[str, float] = {}

    def mark(self, section: str) -> None:
        now = time.perf_counter()
        self.times[self.section] = self.times.get(self.section, 0.0) + (now - self.last) * 1000
        self.section, self.last = section, now

    def line(self) -> str:
        self.mark("")
        total = (self.last - self.start) * 1000
        parts = " ".join(f"{name}={ms:.1f}" for name, ms in self.times.items() if name)
        return f"{PREFIX} total={total:.1f} {parts}".rstrip()


@contextlib.contextmanager
def script_run(first: str = "setup") -> Iterator[None]:
    """Time one run of the app's script (a stop or a rerun ends it too) and log its line.

    ``first`` names the section the run starts in.
    """
    if not enabled():
        yield
        return
    _local.run = _Run(first)
    try:
        yield
    finally:
        run, _local.run = _local.run, None
        print(run.line(), file=sys.stdout, flush=True)


@contextlib.contextmanager
def fragment_run(section: str) -> Iterator[None]:
    """Time a fragment of the page: a section of the whole run it is part of, or a run of its own.

    A fragment (``st.fragment``) runs with the page, or again alone when a widget inside it
    changes; alone, it logs a line of its own whose only section is ``section``.
    """
    if getattr(_local, "run", None) is not None:
        mark(section)
        yield
        return
    with script_run(section):
        yield


def parse(line: str) -> dict[str, float] | None:
    """The section times (ms, with ``total``) of a line :func:`script_run` wrote, else ``None``."""
    if not line.startswith(PREFIX):
        return None
    out: dict[str, float] = {}
    for part in line[len(PREFIX):].split():
        name, _, value = part.partition("=")
        with contextlib.suppress(ValueError):
            out[name] = float(value)
    return out if "total" in out else None
