"""What the filter widgets offer and how they label it, and names that say what was filtered.

Plain values from the working frame (no Streamlit): the documents items cite with their counts,
province labels a reader can find without diacritics, and download file names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping

import geopandas as gpd

from geotrack.filters import Filter
from geotrack.frames import CITED_DOCUMENTS
from geotrack.ui import i18n
from geotrack.ui.tables import item_name


def cited_documents(gdf: gpd.GeoDataFrame) -> dict[str, int]:
    """Document number → items citing it, for the documents some item cites (most cited first)."""
    counts: Counter[str] = Counter()
    if CITED_DOCUMENTS in gdf:  # the page's frame
        for documents in gdf[CITED_DOCUMENTS] if len(gdf) else ():
            counts.update(documents or ())
    else:
        for commitments in gdf["commitments"] if len(gdf) else ():
            counts.update({str(c.get("document")) for c in commitments or ()})
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def ascii_name(name: str) -> str:
    """``name`` without Vietnamese diacritics, case kept ("Hải Dương" → "Hai Duong")."""
    text = name.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def findable(label: str, name: str | None = None) -> str:
    """``label`` with the diacritic-free form of ``name`` (default: the label) appended when it differs.

    So that a picker's type-ahead (which matches the label's text) finds it typed either way.
    """
    plain = ascii_name(name or label)
    return label if plain == (name or label) else f"{label} · {plain}"


def document_label(number: str, titles: Mapping[str, str], counts: Mapping[str, int], lang: str,
                   width: int = 60) -> str:
    """"number — title (items)", the title in ``lang``, cut at a word boundary."""
    title = i18n.document_title(number, titles.get(number, ""), lang)
    if len(title) > width:
        title = title[:width].rsplit(" ", 1)[0] + "…"
    return i18n.t("doc_count", lang, doc=number, title=title, n=counts.get(number, 0))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_name(text).lower()).strip("-")


def download_name(flt: Filter | None = None, ext: str = "geojson", today: dt.date | None = None,
                  max_len: int = 80) -> str:
    """``geotrack[-what was filtered]-YYYYMMDD.<ext>``.

    The filter's values are in the name (cut to ``max_len`` characters), so that downloads of
    different selections never look alike.
    """
    parts: list[str] = []
    if flt is not None:
        for values in (flt.modes, flt.statuses, flt.provinces, flt.corridors, flt.funding_types, flt.documents,
                       flt.ids):
            parts.extend(_slug(v) for v in values)
        if flt.search:
            parts.append(_slug(flt.search))
        if flt.deadline_min is not None or flt.deadline_max is not None:
            parts.append(f"{flt.deadline_min or ''}-{flt.deadline_max or ''}".strip("-"))
    what = "-".join(p for p in parts if p)[:max_len].strip("-")
    stamp = f"{(today or dt.date.today()):%Y%m%d}"
    return f"geotrack-{what}-{stamp}.{ext}" if what else f"geotrack-{stamp}.{ext}"


def picker_labels(frame: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Item id → its label in the item picker: the name in ``lang``, findable typed without diacritics, and the id.

    Made once per selection: the picker formats every option on every rerun, and folding thousands
    of names each time cost more than the rest of the picker.
    """
    columns = [c for c in ("id", "name_vi", "name_en") if c in frame]
    names = frame[columns].astype(object)
    names = names.where(names.notna(), None)  # a missing English name is no name, not "nan"
    return {str(row["id"]): f"{findable(item_name(row, lang))} [{row['id']}]" for row in names.to_dict("records")}
