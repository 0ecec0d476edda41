"""Plain tables and option lists the app shows, built from the working frame (no Streamlit here).

Every function returns pandas frames or plain values, so the app stays a thin
layer of widgets and these stay testable on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geotrack import vocab
from geotrack.changes import HistoryEntry, decode_value
from geotrack.conflicts import FIELDS as CONFLICT_FIELDS
from geotrack.conflicts import conflict_map
from geotrack.ui import i18n

#: Markdown characters that could format, link or embed; escaped with a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")

#: Commitment fields shown side by side, in order.
COMMITMENT_ROWS: Final = ("section", "line", "quote", "action", "deadline_text", "deadline_basis", "deadline_from",
                          "start_year", "end_year", "lead_agency", "funding_text")
_ROW_LABELS: Final = {"section": "col_section", "line": "col_line", "action": "commitment_action"}
#: Which conflict field each shown commitment field belongs to.
_CONFLICT_OF: Final = {"action": "action", "deadline_text": "deadline", "end_year": "deadline",
                       "start_year": "start_year", "lead_agency": "lead_agency"}


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
                         "commitments", "length_km") if c in gdf.columns]
    for row in pd.DataFrame(gdf[shown]).to_dict("records"):
        length = row.get("length_km")
        rows.append({
            t("col_name"): item_name(row, lang),
            t("col_mode"): i18n.mode_label(row.get("mode"), lang),
            t("col_status"): i18n.status_label(row.get("status"), lang),
            t("col_start"): row.get("start_year"),
            t("col_end"): row.get("end_year"),
            t("col_provinces"): ", ".join(row.get("provinces") or ()),
            t("col_documents"): ", ".join(dict.fromkeys(c.get("document") for c in row.get("commitments") or ())),
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


def commitments_frame(commitments: Sequence[Mapping[str, Any]], lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Every commitment side by side: one column per commitment (headed by its document), one row per field.

    A value on which the documents disagree (:func:`geotrack.model.conflict_map`) is
    prefixed with a warning mark.
    """
    conflicts = conflict_map(commitments)
    mark = i18n.t("conflict_mark", lang)
    columns: dict[str, list[str]] = {}
    for c in commitments:
        head = str(c.get("document"))
        n = 2
        while head in columns:
            head = f"{c.get('document')} ({n})"
            n += 1
        cells = []
        for key in COMMITMENT_ROWS:
            value = c.get(key)
            text = "" if value is None else str(value)
            conflict = _CONFLICT_OF.get(key)
            if text and conflict in conflicts and str(c.get("document")) in conflicts[conflict]:
                text = f"{mark}: {text}"
            cells.append(text)
        columns[head] = cells
    index = [i18n.t(_ROW_LABELS.get(k, k), lang) for k in COMMITMENT_ROWS]
    return pd.DataFrame(columns, index=pd.Index(index, name=i18n.t("field", lang)))


def conflict_summary(commitments: Sequence[Mapping[str, Any]], lang: str = i18n.DEFAULT_LANG) -> str | None:
    """One sentence naming the fields on which the documents disagree (``None`` when they agree)."""
    conflicts = conflict_map(commitments)
    if not conflicts:
        return None
    fields = [i18n.t(f"conflict_{f}", lang) for f in CONFLICT_FIELDS if f in conflicts]
    return i18n.t("conflicts", lang, fields=", ".join(fields))


def _shown(field: str, text: str | None, lang: str) -> str:
    if text is None:
        return ""
    if field == "item":
        return i18n.t("added", lang) if text == "added" else "—"
    try:
        value = decode_value(field, text)
    except ValueError:
        return text
    if field == "status":
        return i18n.status_label(value, lang)
    if field == "geometry":
        return str(getattr(value, "geom_type", value))
    if isinstance(value, list | dict):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return "" if value is None else str(value)


def history_frame(entries: Iterable[HistoryEntry], lang: str = i18n.DEFAULT_LANG,
                  fields: Sequence[str] | None = None) -> pd.DataFrame:
    """Recorded changes as a table (newest first), optionally only of ``fields``."""
    t = i18n.translator(lang)
    rows = [
        {t("col_at"): e.at, t("col_field"): e.field, t("col_old"): _shown(e.field, e.old, lang),
         t("col_new"): _shown(e.field, e.new, lang), t("col_actor"): e.actor, t("col_source"): e.source or ""}
        for e in entries
        if fields is None or e.field in fields or (e.field == "item" and e.new == "added")
    ]
    columns = [t(k) for k in ("col_at", "col_field", "col_old", "col_new", "col_actor", "col_source")]
    return pd.DataFrame(rows[::-1], columns=columns)


def status_history(entries: Iterable[HistoryEntry], current_status: str | None, current_as_of: Any,
                   lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The item's statuses over time, newest first: when recorded, status, its as-of date.

    Built from the ``status`` and ``status_as_of`` changes of the history: the oldest row is
    the status the item had when it was added (the first change's old value, else the current
    status), each later row a recorded change.
    """
    t = i18n.translator(lang)
    entries = list(entries)
    added_at = next((e.at for e in entries if e.field == "item" and e.new == "added"), "")
    changes = [e for e in entries if e.field == "status"]
    as_of = {e.at: _shown("status_as_of", e.new, lang) for e in entries if e.field == "status_as_of"}
    first = decode_value("status", changes[0].old) if changes and changes[0].old else current_status
    rows = [{t("col_at"): added_at, t("status"): i18n.status_label(first, lang), t("as_of"): ""}]
    for e in changes:
        rows.append({t("col_at"): e.at, t("status"): _shown("status", e.new, lang), t("as_of"): as_of.get(e.at, "")})
    if current_as_of and not rows[-1][t("as_of")]:
        rows[-1][t("as_of")] = str(current_as_of)
    return pd.DataFrame(rows[::-1], columns=[t("col_at"), t("status"), t("as_of")])


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


def keep_known(values: Iterable[str], known: Iterable[str]) -> list[str]:
    """``values`` that are in ``known`` (in ``values`` order): URL values a widget can show."""
    allowed = set(known)
    return [v for v in values if v in allowed]


def match_provinces(values: Iterable[str], options: Sequence[str]) -> list[str]:
    """Map province names as typed (any case, with or without diacritics) onto ``options``."""
    by_fold = {vocab.fold(o): o for o in options}
    out = [by_fold[vocab.fold(v)] for v in values if vocab.fold(v) in by_fold]
    return list(dict.fromkeys(out))


def facts_frame(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG,
                corridor_names: Mapping[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """The item's own fields as a two-column table (field, value), as text."""
    t = i18n.translator(lang)
    names = corridor_names or {}
    index = i18n.LANGS.index(lang)
    funding = row.get("funding") or {}
    amount = funding.get("amount")
    unit = funding.get("unit")
    money = ""
    if amount is not None:
        money = f"{amount:,} {t(unit) if unit in ('billion_vnd', 'million_usd') else unit or ''}".strip()
        if funding.get("as_of"):
            money += f" ({t('as_of')} {funding['as_of']})"
    length = row.get("length_km")
    pairs = [
        (t("col_id"), row.get("id")),
        (t("name_vi"), row.get("name_vi")),
        (t("name_en"), row.get("name_en")),
        (t("mode"), i18n.mode_label(row.get("mode"), lang)),
        (t("status"), i18n.status_label(row.get("status"), lang)),
        (t("as_of"), row.get("status_as_of")),
        (t("col_source"), row.get("status_source")),
        (t("start_year"), row.get("start_year")),
        (t("end_year"), row.get("end_year")),
        (t("deadline_text"), row.get("deadline_text")),
        (t("funding"), ", ".join(i18n.funding_label(f, lang) for f in funding.get("types") or ())),
        (t("amount"), money),
        (f"{t('lead_agency')} ({t('lead_agency_written')})", row.get("lead_agency")),
        (f"{t('lead_agency')} ({t('lead_agency_current')})", row.get("lead_agency_current")),
        (t("provinces"), ", ".join(row.get("provinces") or ())),
        (t("former_provinces"), ", ".join(row.get("former_provinces") or ())),
        (t("corridors"), ", ".join(names[c][index] if c in names else c for c in row.get("corridors") or ())),
        (t("col_length"), f"{length:.1f}" if isinstance(length, int | float) else None),
        (t("notes"), row.get("notes")),
    ]
    return pd.DataFrame(
        [(k, "" if v is None else str(v)) for k, v in pairs if v not in (None, "")],
        columns=[t("field"), " "],
    )


def sources_frame(row: Mapping[str, Any]) -> pd.DataFrame:
    """The item's external sources (as text: URLs are shown, not linked)."""
    rows = [
        {"url": s.get("url"), "title": s.get("title") or "", "as_of": str(s.get("as_of") or ""),
         "supports": ", ".join(s.get("supports") or ())}
        for s in row.get("sources") or ()
    ]
    return pd.DataFrame(rows, columns=["url", "title", "as_of", "supports"])
