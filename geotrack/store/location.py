r"""Store locations: telling a database URL from a file path, and showing one without its secrets.

Connection strings are parsed the way libpq reads them, in both forms:

- the URL form, ``postgresql://user:password@host:port/dbname?password=…``, whose user
  information libpq ends at the first ``@`` (so a password may hold ``#``, ``?`` or ``/``);
- the key=value form, ``host=… password='a b\' c' dbname=…``, whose values may be quoted.

Nothing here raises on a malformed location: a message about a broken URL must not
itself print the URL. When in doubt, more is hidden rather than less.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

#: URL schemes that select the PostGIS store.
DATABASE_URL_SCHEMES: tuple[str, ...] = ("postgresql://", "postgres://")
#: What a hidden secret is shown as.
MASK = "***"
#: Connection parameters whose values are secrets.
SECRET_KEYS: frozenset[str] = frozenset({"password", "sslpassword"})

_URL = re.compile(r"postgres(?:ql)?://\S*", re.IGNORECASE)
# key = value pairs of libpq's key=value form, a quoted value with backslash escapes or a bare word
_KEYVALUE = re.compile(r"""(?P<key>\b[A-Za-z_]+)\s*=\s*(?P<value>'(?:[^'\\]|\\.)*'?|(?:[^\s'\\]|\\.)*)""")
_QUERY_SECRET = re.compile(r"((?:^|[?&])(?:ssl)?password=)[^&]*", re.IGNORECASE)


def is_database_url(location: str | Path) -> bool:
    """Tell whether ``location`` names a PostgreSQL database rather than a GeoPackage file."""
    return isinstance(location, str) and location.lower().startswith(DATABASE_URL_SCHEMES)


def _split_url(url: str) -> tuple[str, str | None, str]:
    """``url`` as (scheme and ``//``, user information or ``None``, the rest), never raising.

    libpq ends the user information at the first ``@``; a password may hold an ``@``
    a careless writer left unescaped, so the last ``@`` of the host part is taken, which
    hides at least as much as libpq reads as the password.
    """
    head, _, rest = url.partition("://")
    head += "://"
    at = rest.rfind("@")
    if at < 0:
        return head, None, rest
    return head, rest[:at], rest[at + 1:]


def _url_secrets(url: str) -> list[str]:
    """The password of a URL as written and as libpq decodes it, and any ``password=`` parameter value."""
    found: list[str] = []
    _, userinfo, _ = _split_url(url)
    if userinfo is not None and ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    for match in re.finditer(r"(?:^|[?&])(?:ssl)?password=([^&]*)", url, re.IGNORECASE):
        found.append(match.group(1))
    return [*found, *(unquote(s) for s in found)]


def _keyvalue_secrets(text: str) -> list[str]:
    """The values of secret keys in a key=value connection string, as written and unquoted."""
    found: list[str] = []
    for match in _KEYVALUE.finditer(text):
        if match.group("key").lower() in SECRET_KEYS:
            raw = match.group("value")
            found.append(raw)
            inner = raw[1:-1] if raw.startswith("'") and raw.endswith("'") and len(raw) > 1 else raw.lstrip("'")
            found.append(re.sub(r"\\(.)", r"\1", inner))
    return found


def secrets_of(location: str | Path | None) -> list[str]:
    """Every form of every secret ``location`` holds (longest first), for scrubbing messages."""
    if not isinstance(location, str) or not location:
        return []
    found = _url_secrets(location) if is_database_url(location) else _keyvalue_secrets(location)
    # libpq may quote a part of a secret it cut at a space or a delimiter: hide those parts too
    found += [part for secret in found for part in re.split(r"[\s@/?#&=']+", secret) if len(part) >= 3]
    # a secret of one character would mask every occurrence of that letter: masks the whole text instead
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(location: str | Path) -> str:
    """Return ``location`` with every password replaced by ``***`` (for messages, pages and logs).

    Both libpq forms are understood; a path comes back unchanged. Never raises.
    """
    text = str(location)
    if is_database_url(text):
        head, userinfo, rest = _split_url(text)
        if userinfo is not None:
            user = userinfo.split(":", 1)[0]
            shown = f"{user}:{MASK}" if ":" in userinfo else user
            rest = f"{shown}@{rest}"
        else:  # no "@": a "user:secret" cut short (by a space, say) looks like a host with a non-numeric port
            host, slash, path = rest.partition("/")
            name, colon, port = host.partition(":")
            if colon and not re.fullmatch(r"[0-9,]*", port) and not host.startswith("["):
                rest = f"{name}:{MASK}{slash}{path}"
        return head + _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, rest)
    if "=" in text and Path(text).suffix.lower() != ".gpkg":
        return _redact_keyvalue(text)
    return text


def _redact_keyvalue(text: str) -> str:
    def hide(match: re.Match[str]) -> str:
        if match.group("key").lower() in SECRET_KEYS:
            return f"{match.group('key')}={MASK}"
        return match.group(0)

    return _KEYVALUE.sub(hide, text)


_REMEMBERED: set[str] = set()


def remember(location: str | Path | None) -> None:
    """Keep ``location``'s secrets so that :func:`scrub` hides them from any later text of this process."""
    _REMEMBERED.update(secrets_of(location if isinstance(location, str) else None))


def scrub(text: str, locations: Iterable[str | Path | None] = ()) -> str:
    """``text`` with every secret of ``locations`` and every connection string's password hidden.

    Meant for anything a driver or a traceback says: libpq quotes parts of the string it
    could not parse, so the known secrets are removed wherever they appear, then every
    ``postgresql://`` URL and ``password=`` pair left in the text is redacted. The secrets of
    every location passed to :func:`remember` (every store opened) are hidden too.
    """
    secrets = set(_REMEMBERED)
    for location in locations:
        secrets.update(secrets_of(location if isinstance(location, str) else None))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK) if len(secret) > 1 else (MASK if secret in text else text)
    text = _URL.sub(lambda m: redact(m.group(0)), text)
    return _redact_keyvalue(text) if "password" in text.lower() else text
