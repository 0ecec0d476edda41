"""Compile each Jinja template text once per process, however many times folium asks.

folium and branca make a new ``jinja2.Template`` from the same few template texts whenever an
element is made (every ``JavascriptLink``, every ``Figure``, and every element ``st_folium``
renders, on every Streamlit rerun), and Jinja compiles a template text anew each time: half of
the map's server time in a rerun of the app. :func:`compile_once` makes the compilation of a
template text happen once per Jinja environment; the compiled code is immutable and rendering
is unchanged, so pages come out byte for byte the same.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any

import jinja2

_lock = threading.Lock()
_installed: list[Callable[..., Any]] = []  # the original Environment.compile, once patched
#: Compiled code per environment (weakly held: a throw-away environment takes its entries with it).
_compiled: weakref.WeakKeyDictionary[jinja2.Environment, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def compile_once() -> None:
    """Have ``jinja2.Environment.compile`` keep what it compiles from text, per environment (idempotent)."""
    with _lock:
        if _installed:
            return
        original: Callable[..., Any] = jinja2.Environment.compile

        @functools.wraps(original)
        def compile(self: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None,
                    raw: bool = False, defer_init: bool = False) -> Any:
            if not isinstance(source, str):  # an already parsed template (jinja2.nodes.Template): not a key
                return original(self, source, name, filename, raw, defer_init)
            key = (source, name, filename, raw, defer_init)
            per_env = _compiled.setdefault(self, {})
            found = per_env.get(key)
            if found is None:
                found = per_env[key] = original(self, source, name, filename, raw, defer_init)
            return found

        jinja2.Environment.compile = compile  # type: ignore[method-assign]
        _installed.append(original)


def installed() -> bool:
    """Whether :func:`compile_once` is in effect."""
    return bool(_installed)
