"""Memory pages for numpy's large arrays: the system's small pages while a large write runs.

numpy asks the system for huge pages (2 MiB, ``madvise``) for every array of 4 MiB and
more. On a virtual machine each such page is zeroed whole, and often made, when first
touched. A store build at 100,000 items makes gigabytes of short-lived arrays: with huge
pages it spent 2.1 s of system time against 1.2 s with small ones (6.2-6.4 s against
5.6-5.7 s of wall time, ``getrusage``), and a GeoPackage export 3.9-4.0 s against 3.3 s
(docs/speed.md). :func:`small_pages` turns the request off for a block.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

import numpy as np

#: numpy's switch (``_set_madvise_hugepage``, which returns the setting before): numpy 2 keeps it in ``np._core``,
#: numpy 1 in ``np.core``; ``None`` where neither has it (nothing to turn off).
_SWITCH: Callable[[bool], bool] | None = next(
    (switch for module in ("_core", "core")
     if (switch := getattr(getattr(getattr(np, module, None), "multiarray", None), "_set_madvise_hugepage", None))
     is not None), None)

_lock = threading.Lock()
_blocks = 0  # blocks running with small pages, in every thread
_before = True  # the setting when the first of them started


@contextlib.contextmanager
def small_pages() -> Iterator[None]:
    """Run the block with numpy's huge-page request off, then put back the setting found.

    The setting is the process's: blocks in several threads keep it off until the last one ends.
    """
    global _blocks, _before
    with _lock:
        if _blocks == 0 and _SWITCH is not None:
            _before = _SWITCH(False)
        _blocks += 1
    try:
        yield
    finally:
        with _lock:
            _blocks -= 1
            if _blocks == 0 and _SWITCH is not None:
                _SWITCH(_before)
