"""Store locations: telling a database URL from a file path, and showing one without its secrets."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

#: URL schemes that select the PostGIS store.
DATABASE_URL_SCHEMES: tuple[str, ...] = ("postgresql://", "postgres://")


def is_database_url(location: str | Path) -> bool:
    """Tell whether ``location`` names a PostgreSQL database rather than a GeoPackage file."""
    return isinstance(location, str) and location.startswith(DATABASE_URL_SCHEMES)


def redact(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (for messages and logs)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = userinfo.split(":", 1)[0] + ":***@" + host
    query = re.sub(r"(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
