"""Text that is safe to store and to print: control characters found, refused or made visible.

A data value or a name given on the command line reaches terminals (``geotrack list``,
``history``, an import's dry run) and files that cut text at a NUL (SQLite, CSV readers).
Stored text must hold no control character but tab and line breaks
(:func:`control_characters` finds the others for the validator), and everything geotrack
prints goes through :func:`terminal_safe`, so that even a value stored before these rules,
or one a driver quotes in an error, cannot move the cursor, clear the screen, forge a line
or open a link.
"""

from __future__ import annotations

import re

#: C0 controls but tab and line breaks, DEL, C1 controls, and the bidirectional overrides and isolates
#: (which reorder what a reader sees): refused in stored text.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Surrogate code points: a JSON escape (``"\\ud800"``) can make one alone, and no UTF-8 file or database can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What terminal output escapes: the refused characters and surrogates (which a UTF-8 terminal cannot even be
#: sent), and the line breaks and tabs too on one line.
_ESCAPED_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\r\ud800-\udfff]")


def control_characters(text: str) -> list[str]:
    r"""The refused control characters in ``text``, each once, as escapes (``["\x1b", "\x00"]``)."""
    return list(dict.fromkeys(_escape(m.group(0)) for m in _REFUSED.finditer(text)))


def lone_surrogates(text: str) -> list[str]:
    r"""The surrogate code points in ``text`` (halves of a pair given apart), each once, as escapes (``["\ud800"]``).

    A Python string from valid UTF-8 has none; one from JSON may (``"\ud800"``), and it cannot be stored.
    """
    return list(dict.fromkeys(_escape(m.group(0)) for m in _SURROGATE.finditer(text)))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``), so a terminal prints it inert.

    Line breaks and tabs are kept unless ``one_line``: a value printed inside a line of
    output must not start a line of its own.
    """
    pattern = _ESCAPED_ONE_LINE if one_line else _ESCAPED
    return pattern.sub(lambda m: _escape(m.group(0)), text)


def json_terminal_safe(text: str) -> str:
    r"""JSON text made safe for a terminal, and still valid JSON.

    The characters JSON leaves raw (C1 controls, DEL, bidirectional controls, line and
    paragraph separators) become ``\uXXXX`` escapes.
    """
    return _ESCAPED_ONE_LINE.sub(lambda m: f"\\u{ord(m.group(0)):04x}" if m.group(0) not in "\n\t" else m.group(0),
                                 text)
