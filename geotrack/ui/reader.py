"""The document reader: a stored document's text around a cited line, that line highlighted.

Line numbers are those the citations use (1 = the first line of the file under
``data/documents/``). HTML built here with every text escaped; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from geotrack.ui import i18n
from geotrack.ui.style import escape

#: Lines shown after the cited one (the whole document on request); before it, a few, so that
#: the cited line is near the top of the reader without any scrolling.
CONTEXT_LINES: Final = 30
LINES_BEFORE: Final = 6


def line_window(count: int, line: int | None, context: int | None = CONTEXT_LINES) -> tuple[int, int]:
    """First and last line (1-based, inclusive) shown of a document of ``count`` lines around ``line``.

    ``context=None`` shows the whole document; a line out of range is clamped into it.
    """
    if count <= 0:
        return 1, 0
    if context is None or line is None:
        return 1, count
    at = min(max(int(line), 1), count)
    return max(1, at - min(context, LINES_BEFORE)), min(count, at + context)


def reader_html(lines: Sequence[str], number: str, line: int | None, lang: str, *,
                context: int | None = CONTEXT_LINES) -> str:
    """The document's lines in a window around ``line`` as a numbered listing.

    The line is marked (``id="gt-L<n>"``, class ``gt-hit``) so the page can scroll it into view.
    """
    first, last = line_window(len(lines), line, context)
    rows = []
    for n in range(first, last + 1):
        hit = " class='gt-hit' aria-current='true'" if line is not None and n == line else ""
        rows.append(f"<div id='gt-L{n}'{hit}><span class='gt-ln'>{n}</span>"
                    f"<span class='gt-lt'>{escape(lines[n - 1]) or '&nbsp;'}</span></div>")
    head = escape(i18n.t("reader_line", lang, doc=number, line=line) if line is not None else number)
    return (f"<section class='gt-reader' lang='vi'><div class='gt-reader-head'>{head}</div>"
            f"<div class='gt-reader-body'>{''.join(rows)}</div></section>")
