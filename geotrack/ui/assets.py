"""The page's own script and style files (package data under ``geotrack/ui/js`` and ``css``), read once."""

from __future__ import annotations

from importlib import resources
from typing import Final

from geotrack.errors import GeotrackError

#: Text that would open a Jinja tag: branca renders the map page as a template a second time.
_TEMPLATE_OPENERS: Final = ("{{", "{%", "{#")


def package_text(name: str) -> str:
    """The text of the package data file ``geotrack/ui/<name>``.

    Raises
    ------
    GeotrackError
        When the file holds template syntax (it would run on the server when the map is rendered).
    """
    text = resources.files("geotrack.ui").joinpath(name).read_text(encoding="utf-8")
    if any(opener in text for opener in _TEMPLATE_OPENERS):
        raise GeotrackError(f"geotrack/ui/{name}: template syntax ({{{{, {{% or {{#) in a page file")
    return text


#: The map page's script and style (inside the map's frame).
MAP_JS: Final = package_text("js/map.js")
MAP_CSS: Final = package_text("css/map.css")
#: The app page's style (item page, reader, phone layout).
PAGE_CSS: Final = package_text("css/page.css")
