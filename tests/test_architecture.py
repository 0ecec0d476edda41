"""The package's import graph: no cycles, data flowing one way, the app on public names only.

The flow is ``data/`` → validate → store → filter → map / export; :data:`LAYERS` puts every
module on one level of it, and a module may import only modules of its own level or below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "geotrack"

#: Level of each module (longest matching prefix wins); a module imports only from its level or below.
LAYERS: dict[str, int] = {
    "geotrack": 0, "geotrack.settings": 0, "geotrack.errors": 0, "geotrack._files": 0, "geotrack._pages": 0,
    "geotrack.vocab": 0,
    "geotrack.text": 0, "geotrack.refpoints": 0, "geotrack.geofields": 0, "geotrack.reading": 0,
    "geotrack.conflicts": 0, "geotrack.sources": 0, "geotrack.styles": 0,
    "geotrack.schema": 1, "geotrack.model": 1, "geotrack.frames": 1, "geotrack.geo": 1, "geotrack.jsontext": 1,
    "geotrack.wkb": 1,
    "geotrack.io": 2, "geotrack.filters": 2, "geotrack.features": 2, "geotrack.changes": 2, "geotrack.safe_read": 2,
    "geotrack.field_checks": 3, "geotrack.validate": 3, "geotrack.history": 3, "geotrack.rebuild": 3,
    "geotrack.boundaries": 3,
    "geotrack.geocheck": 3, "geotrack.audit": 3,
    "geotrack.store": 4,
    "geotrack.build": 5, "geotrack.api": 5, "geotrack.importer": 5, "geotrack.import_file": 5, "geotrack.export": 5,
    "geotrack.ui": 6,
    "geotrack.cli": 7, "geotrack.console": 7, "geotrack.serve": 7, "geotrack.testing": 7,
}


def module_name(path: Path) -> str:
    """The dotted name of a module file of the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_modules(source: str, known: set[str]) -> set[str]:
    """The package modules ``source`` imports at run time (``TYPE_CHECKING`` blocks left out)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "geotrack")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "geotrack":
            for alias in node.names:  # "from geotrack.export import csv" imports the submodule
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def import_graph() -> dict[str, set[str]]:
    """Each package module and the package modules it imports."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    return {name: imported_modules(path.read_text(encoding="utf-8"), known) - {name}
            for name, path in files.items()}


def level(module: str) -> int:
    """The flow level of ``module`` (:data:`LAYERS`)."""
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} has no level in LAYERS: add it where it sits in the flow")
    return LAYERS[best]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk (each reported once, from where it was entered)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [])
    return found


def test_the_checks_catch_a_cycle_and_an_upward_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert level("geotrack.store.gpkg") > level("geotrack.features")
    assert imported_modules("from geotrack.store import Store\nif TYPE_CHECKING:\n    import geotrack.cli\n",
                            {"geotrack.store"}) == {"geotrack.store"}


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_imports_follow_the_flow():
    upward = [f"{module} (level {level(module)}) imports {target} (level {level(target)})"
              for module, targets in sorted(import_graph().items()) for target in sorted(targets)
              if level(target) > level(module)]
    assert upward == []


@pytest.mark.parametrize("script", ["app.py"])
def test_app_uses_public_names_only(script):
    tree = ast.parse((ROOT / script).read_text(encoding="utf-8"))
    private = [f"line {node.lineno}: {node.module} {[a.name for a in node.names]}"
               for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geotrack")
               and (any(part.startswith("_") for part in node.module.split("."))
                    or any(a.name.startswith("_") for a in node.names))]
    assert private == []


def test_modules_stay_small():
    long = {module_name(p) for p in PACKAGE.rglob("*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 400}
    assert long == set()
