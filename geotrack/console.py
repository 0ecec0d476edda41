"""Everything the command line writes to a terminal, and its error messages.

One function, :func:`say`, prints: it hides the secrets of every store opened
(:func:`geotrack.store.location.scrub`) and shows control characters as escapes
(:func:`geotrack.text.terminal_safe`), so neither a stored value nor a driver's message
can move the cursor, clear the screen, forge a line, open a link or show a password.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence
from typing import Any

from geotrack import settings
from geotrack.errors import GeotrackError
from geotrack.store.location import scrub
from geotrack.text import control_characters, json_terminal_safe, terminal_safe


def say(text: object = "", *, file: Any = None, json_text: bool = False) -> None:
    """Print ``text``, the one way geotrack writes to a terminal.

    Secrets of every store opened (and any connection string's password) are hidden, and
    control characters are shown as escapes, so no stored value or error message can move
    the cursor, clear the screen, forge a line or open a link.
    """
    clean = scrub(str(text))
    print(json_terminal_safe(clean) if json_text else terminal_safe(clean), file=file or sys.stdout)


def cell(value: object) -> str:
    """A value printed inside a line of output: on one line, control characters escaped."""
    return terminal_safe(str(value), one_line=True)


def print_problems(problems: Sequence[object], *, file: Any) -> None:
    """Print at most :data:`geotrack.settings.max_error_lines` problems, then how many more there are."""
    shown = problems[: settings.max_error_lines]
    for problem in shown:
        say(cell(problem), file=file)
    if len(problems) > len(shown):
        say(f"… and {len(problems) - len(shown):,} more", file=file)


def refuse_control_characters(args: argparse.Namespace) -> None:
    """Refuse an option value holding control characters (an --actor that clears the screen, say)."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and (bad := control_characters(text)):
                option = "--" + name.replace("_", "-") if name not in ("item_id", "file") else name
                raise GeotrackError(f"{option} holds control characters ({', '.join(bad)}): remove them")


_OS_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space and retry",
    errno.EDQUOT: "the disk quota is used up: free some space and retry",
    errno.EROFS: "the file system is read-only: write somewhere else",
    errno.EACCES: "permission denied: check the file's and folder's permissions",
    errno.EPERM: "permission denied: check the file's and folder's permissions",
    errno.EISDIR: "is a folder: give a file path",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
}


def os_message(exc: OSError) -> str:
    """One line for an operating-system error: the path, what went wrong in plain words, and that nothing changed."""
    where = exc.filename or ""
    advice = _OS_ADVICE.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{where}: {advice}; nothing was changed" if where else f"{advice}; nothing was changed"
