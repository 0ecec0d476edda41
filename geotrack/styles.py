"""How the app draws each item, shared by the maps and the exports that carry styles (KML, GeoPackage).

One fixed colour per mode, and per status a dash pattern and line weight (grey for stopped work).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

#: One fixed colour per mode (never taken from the data). Colour-blind-aware, grouped by family.
MODE_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "expressway": "#d62728",
        "road": "#ff7f0e",
        "ring_road": "#8c2d04",
        "bridge": "#e377c2",
        "rail": "#6a3d9a",
        "urban_rail": "#9467bd",
        "inland_waterway": "#1f77b4",
        "seaport": "#17becf",
        "berth": "#0e6e7a",
        "airport": "#393b79",
        "logistics": "#bcbd22",
        "economic_zone": "#2ca02c",
        "industrial_park": "#637939",
        "energy": "#e6ab02",
        "water": "#3182bd",
        "flood_control": "#6b6ecf",
        "social": "#a55194",
        "digital": "#7f7f7f",
        "urban": "#843c39",
    }
)

@dataclass(frozen=True)
class StatusStyle:
    """How a status draws: dash pattern, line weight, and whether the mode colour gives way to grey."""

    dash: str | None
    weight: float
    grey: bool = False
    legend: str = "solid"


#: Line style per status: planned work dashed, decided work dash-dot, building solid, open bold, stopped grey.
STATUS_STYLES: Final[Mapping[str, StatusStyle]] = MappingProxyType(
    {
        "study": StatusStyle("6 6", 3, legend="dashed"),
        "planned": StatusStyle("6 6", 3, legend="dashed"),
        "preparation": StatusStyle("10 5 2 5", 3, legend="dashdot"),
        "approved": StatusStyle("10 5 2 5", 3, legend="dashdot"),
        "under_construction": StatusStyle(None, 3, legend="solid"),
        "partly_open": StatusStyle(None, 5.5, legend="bold"),
        "completed": StatusStyle(None, 5.5, legend="bold"),
        "operational": StatusStyle(None, 5.5, legend="bold"),
        "suspended": StatusStyle("4 6", 3, grey=True, legend="grey"),
        "cancelled": StatusStyle("2 6", 2, grey=True, legend="grey"),
    }
)

#: The colour stopped work (suspended, cancelled) is drawn in.
GREY: Final = "#8a8a8a"
