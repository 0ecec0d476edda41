"""Reference positions items are held to: airports (``airportsdata``) and seaports (UN/LOCODE).

``airportsdata`` (MIT, https://pypi.org/project/airportsdata/) lists airports with their
ICAO code and position; ``searoute`` (Apache-2.0, https://pypi.org/project/searoute/) ships
port positions keyed by UN/LOCODE. An item names its reference as ``airportsdata:<ICAO>``
or ``unlocode:<LOCODE>`` in ``reference_point``; :mod:`geotrack.geocheck` measures the
distance. UN/LOCODE positions are given to the arc-minute (about 1.8 km), hence the
wider seaport tolerance.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re

#: How far an airport may lie from its ``airportsdata`` position.
AIRPORT_KM = 1.0
#: How far a seaport may lie from its UN/LOCODE position.
SEAPORT_KM = 2.0
#: An airport without ``reference_point`` this near a reference airport must cite it.
REFERENCE_SEARCH_KM = 10.0
#: ``reference_point`` values: dataset and code.
REFERENCE_PATTERN = re.compile(r"^(airportsdata|unlocode):([A-Z0-9]{4,5})$")


def airport_references(country: str = "VN") -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """ICAO code → (lon, lat) and → name of the airports ``airportsdata`` lists in ``country``."""
    import airportsdata

    airports = {k: v for k, v in airportsdata.load("ICAO").items() if v["country"] == country}
    return ({k: (float(v["lon"]), float(v["lat"])) for k, v in airports.items()},
            {k: str(v["name"]) for k, v in airports.items()})


def seaport_references(country_prefix: str = "VN") -> dict[str, tuple[float, float]]:
    """UN/LOCODE → (lon, lat) of the ports ``searoute`` ships for one country."""
    ports = json.loads(importlib.resources.files("searoute.data").joinpath("ports.geojson").read_text("utf-8"))
    return {
        str(f["properties"]["port"]): (float(f["geometry"]["coordinates"][0]), float(f["geometry"]["coordinates"][1]))
        for f in ports["features"]
        if str(f["properties"].get("port", "")).startswith(country_prefix)
    }




def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) positions."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))
