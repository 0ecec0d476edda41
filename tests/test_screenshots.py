"""The README shows exactly the pictures ``make screenshots`` takes (tests/e2e/screenshots.py), all committed."""

from __future__ import annotations

import re

from e2e import screenshots
from PIL import Image

README = screenshots.ROOT / "README.md"


def test_the_readme_shows_every_view_and_only_those():
    shown = re.findall(r"\(docs/screenshots/([\w-]+)\.png\)", README.read_text(encoding="utf-8"))
    assert set(shown) == {name for name, *_ in screenshots.VIEWS}  # (the first also heads the README)


def test_every_view_is_a_committed_png_of_its_viewport():
    for name, _query, (width, height), _target, _action in screenshots.VIEWS:
        with Image.open(screenshots.OUT / f"{name}.png") as image:
            assert image.format == "PNG" and image.size == (width, height), name
    assert {p.stem for p in screenshots.OUT.glob("*.png")} == {name for name, *_ in screenshots.VIEWS}
