"""KML export for Google Earth: a readable name and balloon per placemark."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geotrack.export.metadata import summary


def kml_name(row: Mapping[str, Any]) -> str:
    """The placemark name: the Vietnamese name, then the English one in brackets where it differs."""
    name_vi, name_en = _text(row.get("name_vi")), _text(row.get("name_en"))
    return f"{name_vi} ({name_en})" if name_en and name_en != name_vi else name_vi


def kml_description(row: Mapping[str, Any]) -> str:
    """A short readable summary of one item for the Google Earth balloon (HTML; every value escaped)."""
    status = _text(row.get("status"))
    if _text(row.get("status_as_of")):
        status += f" (as of {_text(row.get('status_as_of'))})"
    deadline = _text(row.get("deadline_text")) or _text(row.get("end_year")) or "none given"
    agency = _text(row.get("lead_agency")) or "not named"
    if _text(row.get("lead_agency_current")) and row.get("lead_agency_current") != row.get("lead_agency"):
        agency += f" (now {_text(row.get('lead_agency_current'))})"
    funding = ", ".join(_json_list(row.get("funding_types"))) or "not stated"
    if _text(row.get("funding_amount")):
        funding += f"; {_text(row.get('funding_amount'))} {_text(row.get('funding_unit'))}"
    lines = [
        ("English name", _text(row.get("name_en"))),
        ("Status", status),
        ("Deadline", deadline),
        ("Lead agency", agency),
        ("Funding", funding),
        ("Documents", ", ".join(_json_list(row.get("documents")))),
        ("Provinces", ", ".join(_json_list(row.get("provinces")))),
        ("geotrack id", _text(row.get("id"))),
    ]
    return "<br>".join(f"<b>{html.escape(label)}:</b> {html.escape(value)}" for label, value in lines if value)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_list(text: Any) -> list[str]:
    values = json.loads(text) if isinstance(text, str) and text else []
    return [str(v) for v in values]


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as KML to ``path``, a readable name and balloon per placemark."""
    # LIBKML: `name`/`description` become <name>/<description>, `id` the Placemark id, the rest ExtendedData.
    rows = table.to_dict("records")
    kml = table.copy()
    kml.insert(1, "name", pd.Series([kml_name(r) for r in rows], index=kml.index, dtype=object))
    kml.insert(2, "description", pd.Series([kml_description(r) for r in rows], index=kml.index, dtype=object))
    pyogrio.write_dataframe(
        kml, path, driver="LIBKML", layer="items",
        dataset_options={"DOCUMENT_ID": "geotrack"},
        layer_options={"NAME": str(meta.get("title")), "DESCRIPTION": html.escape(summary(meta))},
    )
