"""Files the app serves from its static folder, written by the page: what a map fetches by address.

Streamlit serves ``static/`` beside ``app.py`` at ``/app/static``. A text sent inside an
element goes through Streamlit's page and its parsers on every rerun; the same text as a file
is fetched once, by the browser's own parser, and cached. Files are named by their content, so
an address never changes what it gives.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

#: Where Streamlit serves the app's static folder.
STATIC_URL: Final = "/app/static"
#: Files kept in one folder: the newest (a file in use is touched each time it is published again).
FILES_KEPT: Final = 64


#: A file to serve: its name (from its content) and its text.
File = tuple[str, bytes]


def files(texts: Mapping[str, bytes]) -> dict[str, File]:
    """Each of ``texts`` named by its content: made once per text, as a large one takes a while to hash."""
    return {key: (hashlib.sha256(text).hexdigest()[:24] + ".json", text) for key, text in texts.items()}


def publish(named: Mapping[str, File], folder: Path, url: str) -> dict[str, str] | None:
    """Write each of ``named`` (:func:`files`) to ``folder`` unless it is there; return their addresses.

    ``url`` is the address of ``folder``. A file is written whole under a temporary name and
    then renamed, so no reader gets a part of one; each file published is touched, and past
    :data:`FILES_KEPT` the oldest are deleted. ``None`` when ``folder`` cannot be written (the
    caller then sends the texts inside its element).
    """
    urls: dict[str, str] = {}
    wrote = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for key, (name, text) in named.items():
            target = folder / name
            if target.exists():
                os.utime(target)
            else:
                with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
                    part.write(text)
                os.replace(part.name, target)
                wrote = True
            urls[key] = f"{url}/{name}"
        if wrote:  # the map calls this on every rerun: the folder grows, and is listed, only when a file is new
            _prune(folder, keep={u.rsplit("/", 1)[1] for u in urls.values()})
    except OSError:
        return None
    return urls


def _prune(folder: Path, keep: set[str]) -> None:
    """Delete the oldest files of ``folder`` past :data:`FILES_KEPT`, never those in ``keep``."""
    present = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in present[FILES_KEPT:]:
        if old.name not in keep:
            old.unlink(missing_ok=True)
