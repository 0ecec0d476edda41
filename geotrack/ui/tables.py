"""Plain tables and option lists the app shows, built from the working frame (no Streamlit here).

Every function returns pandas frames or plain values, so the app stays a thin
layer of widgets and these stay testable on their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from geotrack import vocab
from geotrack.frames import CITED_DOCUMENTS
from geotrack.ui import i18n

#: Markdown characters that could format, link or embed; escaped with a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")


def md_escape(text: Any) -> str:
    """``text`` with every Markdown special character escaped, for ``st.markdown`` and friends."""
    # Streamlit expands ":material/x:" and ":emoji:" shortcodes before Markdown sees a backslash;
    # a character reference for ":" survives that and Markdown shows it as ":".
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text)).replace(":", "&#58;")


def item_name(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """The item's name in ``lang`` (Vietnamese when there is no English name)."""
    if lang == "en" and row.get("name_en"):
        return str(row["name_en"])
    return str(row.get("name_vi") or row.get("id"))


def table_frame(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The item table: name, mode, status, start, deadline, provinces, documents, length, id."""
    t = i18n.translator(lang)
    rows = []
    # only the columns shown: records of every column (geometry, sources…) cost hundreds of MB at 100,000 items
    shown = [c for c in ("id", "name_vi", "name_en", "mode", "status", "start_year", "end_year", "provinces",
                         "commitments", CITED_DOCUMENTS, "length_km") if c in gdf.columns]
    for row in pd.DataFrame(gdf[shown]).to_dict("records"):
        length = row.get("length_km")
        rows.append({
            t("col_name"): item_name(row, lang),
            t("col_mode"): i18n.mode_label(row.get("mode"), lang),
            t("col_status"): i18n.status_label(row.get("status"), lang),
            t("col_start"): row.get("start_year"),
            t("col_end"): row.get("end_year"),
            t("col_provinces"): ", ".join(row.get("provinces") or ()),
            t("col_documents"): ", ".join(cited(row)),
            t("col_length"): round(float(length), 1) if length is not None else None,
            t("col_id"): row["id"],
        })
    # the name first (a phone shows only the first columns), the id last
    columns = [t(k) for k in ("col_name", "col_mode", "col_status", "col_start", "col_end",
                              "col_provinces", "col_documents", "col_length", "col_id")]
    frame = pd.DataFrame(rows, columns=columns)
    for key in ("col_start", "col_end"):
        frame[t(key)] = pd.array(frame[t(key)].tolist(), dtype="Int64")
    return frame


def cited(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The documents an item cites, once each in citation order (the page's frame holds them as they are)."""
    if CITED_DOCUMENTS in row:
        return tuple(row[CITED_DOCUMENTS] or ())
    return tuple(dict.fromkeys(str(c.get("document")) for c in row.get("commitments") or ()))


def province_options(gdf: gpd.GeoDataFrame) -> list[str]:
    """Province names to filter by, sorted (Vietnamese letters folded).

    Every current name the items use, and every former name they use or that was merged into one of them.
    """
    current: set[str] = set()
    former: set[str] = set()
    for names in gdf["provinces"]:
        current.update(names or ())
    for names in gdf["former_provinces"]:
        former.update(names or ())
    for name in list(current):
        former.update(vocab.PROVINCES.get(name, ()))
    return sorted(current | former, key=lambda n: (vocab.fold(n), n))


def province_label(name: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """``name``, with the current province it now belongs to when it is a former name."""
    current = vocab.FORMER_PROVINCES.get(name)
    return f"{name} ({i18n.t('former_of', lang, current=current)})" if current else name


def deadline_bounds(gdf: gpd.GeoDataFrame) -> tuple[int, int] | None:
    """The smallest and largest end year of the items, or ``None`` when none has one."""
    years = [int(y) for y in gdf["end_year"] if y is not None and not pd.isna(y)]
    return (min(years), max(years)) if years else None
