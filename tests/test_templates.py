"""Jinja template texts compile once per environment, and pages render exactly as before."""

from __future__ import annotations

import re

import folium
import jinja2

from geotrack import templates


def _page() -> str:
    m = folium.Map(location=[21.0, 105.8], zoom_start=8, tiles=None)
    folium.GeoJson({"type": "Feature", "properties": {"name": "x"},
                    "geometry": {"type": "Point", "coordinates": [105.8, 21.0]}}).add_to(m)
    # folium names elements with random ids: the same page with other ids is the same page
    return re.sub(r"_[0-9a-f]{32}", "_ID", m.get_root().render())


def test_a_template_text_is_compiled_once_and_renders_the_same():
    before = _page()
    templates.compile_once()
    templates.compile_once()  # idempotent: one wrapper
    assert templates.installed()
    env = jinja2.Environment()
    first = env.from_string("Hello {{ name }}!")
    compiled = dict(templates._compiled[env])
    second = env.from_string("Hello {{ name }}!")
    assert first.render(name="a") == "Hello a!" and second.render(name="b") == "Hello b!"
    assert len(compiled) == 1 and templates._compiled[env] == compiled  # the second one was not compiled
    assert first.root_render_func.__code__ is second.root_render_func.__code__
    other = jinja2.Environment(autoescape=True)  # another environment compiles its own
    assert other.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.from_string("{{ x }}").render(x="<b>") == "<b>"
    assert _page() == before
