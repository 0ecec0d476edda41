"""How a commitment reads against its document: sentences, deadline bases and the action a quote's verb names.

A commitment's deadline either lies in the sentence (or table row) that names the work
(``stated``), is carried over from an earlier sentence or heading the data names
(``inherited``), is the date a plan or decision is due rather than a date of the work
(``submission``), or the document gives none and only its horizon applies (``horizon``).
Everything here is pure: it takes document lines and returns text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Where a commitment's deadline comes from (see data/README.md).
DEADLINE_BASES: tuple[str, ...] = ("stated", "inherited", "submission", "horizon")

#: Actions a quote's verb can name, weakest first.
ACTIONS: tuple[str, ...] = ("study", "build", "upgrade", "expand", "complete")

_LINE_REF = re.compile(r"\bline\s+(\d+)\b", re.IGNORECASE)
# a sentence may end at . ! ? … or ; before a capital letter (see _split_paragraph)
_BOUNDARY = re.compile(r"(?<=[.!?;…])\s+(?=[(\"“]?[^\W\d_])")
# a lettered heading such as "(i) Về đường bộ:" whose colon opens the paragraph, not a list
_HEADING = re.compile(r"^\s*\(?[ivxlc\d]+\)\s*[^:;.]{0,40}:", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_BULLET = re.compile(r"^\s*(?:[-–•+]\s|\(?[ivxlc]+\)\s|\d+[.)]\s|[a-zđ]\)\s)", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a table row) of a document: its text and the lines it spans (1-based, inclusive)."""

    text: str
    first_line: int
    last_line: int


def _squash(text: str) -> str:
    return " ".join(text.split())


def _compact(text: str) -> str:
    """Lower-case text with no white space, for containment tests that ignore spacing and hyphen padding."""
    return "".join(text.lower().split())


def sentences(lines: Sequence[str]) -> list[Sentence]:
    """Split a document into sentences and table rows.

    A blank line, a bullet or numbered heading, and a table row (a line holding a tab) each
    start a new unit; inside a paragraph a sentence ends at ``.``, ``!``, ``?``, ``…`` or
    ``;`` followed by a word that starts with a capital letter (the documents start each
    listed task after a semicolon with a capital).
    """
    out: list[Sentence] = []
    paragraphs: list[list[tuple[int, str]]] = [[]]
    in_row = False  # inside a table row laid out one cell per line after its row number
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            in_row = False
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if _ROW_NUMBER.match(raw) and number < len(lines) and lines[number].strip():
            in_row = True
            paragraphs.extend([[(number, "\t" + raw.strip())]])
            continue
        if in_row:
            first_line, text = paragraphs[-1][0]
            paragraphs[-1][0] = (first_line, text + "\t" + raw.strip())
            paragraphs[-1].append((number, ""))
            continue
        if "\t" in raw:
            paragraphs.extend([[(number, raw)], []])
            continue
        if paragraphs[-1] and "\t" in paragraphs[-1][0][1]:
            paragraphs.append([])
        current = paragraphs[-1]
        if not current and len(paragraphs) > 1 and raw.lstrip()[:1].islower():
            # a page break inside a sentence: the text runs on in lower case after the blank line
            previous = next((p for p in reversed(paragraphs[:-1]) if p), None)
            if previous is not None and "\t" not in previous[-1][1]:
                paragraphs.pop()
                previous.append((number, raw))
                continue
        if _BULLET.match(raw) and current:
            paragraphs.append([])
        paragraphs[-1].append((number, raw))
    for paragraph in paragraphs:
        if not paragraph:
            continue
        if "\t" in paragraph[0][1]:
            out.append(Sentence(_squash(paragraph[0][1]), paragraph[0][0], paragraph[-1][0]))
        else:
            out.extend(_split_paragraph(paragraph))
    return out


def _split_paragraph(paragraph: list[tuple[int, str]]) -> list[Sentence]:
    text = ""
    line_at: list[int] = []  # line number of each character of ``text``
    for number, raw in paragraph:
        piece = _squash(raw)
        if text:
            text += " "
            line_at.append(number)
        text += piece
        line_at.extend([number] * len(piece))
    out = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not text[match.end()].isupper():
            continue
        if text[match.start() - 1] == ";" and not _new_task_after_semicolon(text[start : match.start()],
                                                                            text[match.end() :]):
            continue
        out.append(Sentence(text[start : match.start()], line_at[start], line_at[match.start() - 1]))
        start = match.end()
    if start < len(text):
        out.append(Sentence(text[start:], line_at[start], line_at[-1]))
    return out


def _new_task_after_semicolon(before: str, after: str) -> bool:
    """A semicolon ends a sentence when a new task starts after it ("…; Mở rộng các tuyến").

    Not inside a list a colon opened ("các dự án: A; B"), and not before a proper name
    ("…; Hải Phòng là"), whose second word is capitalised too.
    """
    if ":" in _HEADING.sub("", before, count=1):
        return False
    words = after.split(maxsplit=2)
    return len(words) >= 2 and words[1][:1].islower()


@functools.lru_cache(maxsize=16)
def _sentences_of(lines: tuple[str, ...]) -> list[Sentence]:
    # a document is split once, not once per commitment that cites it
    return sentences(lines)


def sentences_of_quote(lines: Sequence[str], line: int, quote: str) -> list[Sentence]:
    """The consecutive sentences that hold ``quote``, which starts on 1-based ``line`` (empty if not found)."""
    needle = _compact(quote)
    if not needle:
        return []
    units = _sentences_of(tuple(lines))
    for i, unit in enumerate(units):
        if unit.last_line < line:
            continue
        if unit.first_line > line:
            break
        joined = ""
        for j in range(i, min(i + 6, len(units))):
            joined += _compact(units[j].text)
            if needle in joined:
                # the quote must start in unit i: it is not wholly inside a later unit
                if j > i and needle in "".join(_compact(u.text) for u in units[i + 1 : j + 1]):
                    break
                return units[i : j + 1]
    return []


def deadline_in_sentence(lines: Sequence[str], line: int, quote: str, deadline_text: str) -> bool:
    """True when ``deadline_text`` lies in the sentence (or table row) that holds ``quote``."""
    found = sentences_of_quote(lines, line, quote)
    return bool(found) and _compact(deadline_text) in "".join(_compact(s.text) for s in found)


def origin_line(deadline_from: str | None) -> int | None:
    """The document line an inherited deadline names as its origin (``"line 443: …"``), or ``None``."""
    match = _LINE_REF.search(deadline_from or "")
    return int(match.group(1)) if match else None


def text_on_line(lines: Sequence[str], line: int, text: str, window: int = 2) -> bool:
    """True when ``text`` occurs in the document from 1-based ``line`` over ``window`` lines (spacing ignored)."""
    if not 1 <= line <= len(lines):
        return False
    return _compact(text) in _compact(" ".join(lines[line - 1 : line - 1 + window]))


# The verb that opens a clause decides its action; the earliest match in the quote wins.
_ACTION_VERBS: tuple[tuple[str, str], ...] = (
    ("nghiên cứu", "study"),
    ("xây dựng lộ trình", "study"),
    ("xác định vị trí", "study"),
    ("hoàn thành", "complete"),
    ("hoàn chỉnh", "complete"),
    ("hoàn thiện", "complete"),
    ("mở rộng", "expand"),
    ("cải tạo", "upgrade"),
    ("nâng cấp", "upgrade"),
    ("tu bổ", "upgrade"),
    ("bảo tồn", "upgrade"),
    ("làm sạch", "upgrade"),
    ("nạo vét", "upgrade"),
    ("xây dựng", "build"),
    ("đầu tư", "build"),
    ("thành lập", "build"),
    ("khởi công", "build"),
    ("triển khai", "build"),
    ("phát triển", "build"),
    ("hình thành", "build"),
)


_WEAK_VERBS = frozenset({"đầu tư", "triển khai", "phát triển", "hình thành"})


def action_of(quote: str) -> str | None:
    """The action the first verb of ``quote`` names (``study``, ``build``, ``upgrade``, ``expand``, ``complete``).

    A general verb ("đầu tư", "triển khai") yields to a specific one anywhere in the quote
    ("đầu tư cải tạo" is an upgrade, "Hoàn thành đầu tư xây dựng" a completion). ``None``
    when the quote names the work without a verb (a list entry, a name in passing).
    """
    lowered = quote.lower()
    found: list[tuple[bool, int, int, str]] = []
    for verb, action in _ACTION_VERBS:
        at = lowered.find(verb)
        if at >= 0:
            found.append((verb in _WEAK_VERBS, at, -len(verb), action))
    return min(found)[3] if found else None


def is_study(action: str | None) -> bool:
    """True for an action that commits only to study, not to works."""
    return action == "study"
