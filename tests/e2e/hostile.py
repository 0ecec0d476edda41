"""A store whose every free text is a classic XSS (or template / Markdown) payload, for the hostile tests.

Each payload carries its own marker number ``N`` (``window.__xss=N``): if one ever runs, the
marker left in the page names it. Quotes cannot carry payloads (they must be found in the
documents), so the payloads go into every other text: names, agencies, status source, source
titles, notes, deadline texts and each commitment's section, deadline text, agency and funding text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mapfixtures import build_fixture_store

#: (marker, payload). Markers are distinct; a payload that runs sets ``window.__xss`` (or opens a dialog).
PAYLOADS: tuple[tuple[int, str], ...] = (
    (1, '<img src=x onerror="window.__xss=1">'),
    (2, "<svg onload=window.__xss=2>"),
    (3, '"><script>window.__xss=3</script>'),
    (4, "</script><script>window.__xss=4</script>"),
    (5, "javascript:window.__xss=5"),
    (6, '<iframe srcdoc="<script>parent.__xss=6</script>"></iframe>'),
    (7, '<a href="javascript:window.__xss=7">x7</a>'),
    (8, "{{7*7}}"),
    (9, "<details open ontoggle=window.__xss=9>"),
    (10, "<style>@import 'x10'</style><b>style10</b>"),
    (11, "${window.__xss=11} `${window.__xss=11}`"),
    (12, "[x12](javascript:window.__xss=12)"),
    (13, "**bold13** _em13_ <b onmouseover=window.__xss=13>b13</b>"),
    (14, "<img src=x onerror=alert(14)>"),
    (15, "'-alert(15)-' \"-confirm(15)-\""),
    (16, "![i16](javascript:window.__xss=16) <math><mtext><img src=x onerror=window.__xss=16>"),
    (17, "&lt;img src=x onerror=window.__xss=17&gt; &#60;script&#62;window.__xss=17&#60;/script&#62;"),
    (18, "\\u003cimg src=x onerror=window.__xss=18\\u003e $x^{18}$ <!-- c18 -->"),
    (19, "{{constructor.constructor('window.__xss=19')()}}"),
    (20, ":material/home: :red[red20] :smile:"),
)
#: Payloads in template syntax ({{ }}): Jinja on the server or a client-side template must leave them as text.
TEMPLATE_MARKERS: tuple[int, ...] = (8, 19)
#: Payloads in Streamlit's own Markdown extensions (icons, colours, emoji shortcodes): must show as written.
STREAMLIT_MARKUP_MARKERS: tuple[int, ...] = (20,)

_PORT_COMMITMENT = {"document": "14/NQ-CP", "section": "II.4.a(iv)", "line": 471, "quote": "Về cảng biển",
                    "deadline_text": None, "start_year": None, "end_year": None, "lead_agency": None,
                    "funding_text": None}
_MODES = ("airport", "seaport", "logistics", "economic_zone", "social", "energy")


def item_id(marker: int) -> str:
    return f"hostile-{marker:02d}"


def name_en(payload: str) -> str:
    return f"{payload} (en)"


def _position(index: int) -> list[float]:
    """Points on a 5-wide grid over the delta, far enough apart to hover one at a time."""
    row, col = divmod(index, 5)
    return [105.5 + 0.22 * col, 21.3 - 0.16 * row]


def hostile_records() -> list[dict[str, Any]]:
    """One valid point item per payload, the payload in every free text the item has."""
    records = []
    for index, (marker, payload) in enumerate(PAYLOADS):
        # a commitment's deadline, agency and funding text must stand in the cited sentence (the validator
        # refuses anything else), so the payload goes in its section only; the item's own fields carry it too
        commitment = {**_PORT_COMMITMENT, "section": payload}
        records.append({
            "id": item_id(marker), "name_vi": payload, "name_en": name_en(payload), "parent_id": None,
            "mode": _MODES[index % len(_MODES)], "action": "build", "status": "planned", "status_as_of": None,
            "status_source": payload, "start_year": 2024, "end_year": 2030, "deadline_text": payload,
            "funding": None, "lead_agency": payload, "lead_agency_current": f"{payload} (now)",
            "provinces": ["Hà Nội"], "former_provinces": [], "corridors": [],
            "geometry": {"type": "Point", "coordinates": _position(index)},
            "location_precision": "approximate", "geometry_source": payload, "stated_length_km": None,
            "stated_length_source": None,
            "sources": [{"url": f"https://example.org/{marker}", "title": payload, "as_of": "2025-06-30",
                         "supports": ["status"]}],
            "commitments": [commitment],
            "notes": payload,
        })
    return records


def build_hostile_store(root: Path) -> Path:
    """Build the hostile dataset (real documents, the project's corridors) under ``root``."""
    return build_fixture_store(root, hostile_records())
