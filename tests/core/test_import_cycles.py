"""The project's own modules, packages and rooms import each other without cycles.

Imports inside functions count too. Three graphs are checked:

- modules: `core.data.loaders.tables` -> `core.data.table`;
- packages: each module collapsed to the package that holds it (`core.data.loaders.tables` ->
  `core.data.loaders`, `core.data.table` -> `core.data`; a package's `__init__` is the package);
- rooms: each module collapsed to its room, the first two parts of its name (`core.data`).

A module right under a top-level package (`core.errors`, `components.seam`) stands for itself in
all three: it is a small shared room of its own, and folding it into `core` would make `core` the
parent of every room.

A package may use its own subpackages (`core.data.builtins` reads files with `core.data.loaders`,
whose loaders build `core.data.table`'s Dataset): a subpackage is part of its parent, so an edge from
a package down into one of its own subpackages is left out. Every other edge counts, the edge up
from a subpackage to its parent included, so a cycle that leaves a package and comes back into its
subpackage (`core.data.loaders` -> `core.data` -> `core.embedding` -> `core.data.loaders`) is found.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "components")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def own_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports, `from pkg import module` resolved to the module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in modules:
                found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
    return found


def _files() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if p.name != "__main__.py"]


def import_graph() -> dict[str, set[str]]:
    files = _files()
    modules = {module_name(p) for p in files}
    return {module_name(p): own_imports(p, modules) - {module_name(p)} for p in files}


def package_names() -> set[str]:
    return {module_name(p) for p in _files() if p.name == "__init__.py"}


def package_of(module: str, packages: set[str]) -> str:
    """The package that holds `module` (a package holds itself; `core.errors` stands for itself)."""
    return module if module in packages or module.count(".") < 2 else module.rsplit(".", 1)[0]


def room_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def collapse(graph: dict[str, set[str]], group: Callable[[str], str]) -> dict[str, set[str]]:
    """The graph between groups of modules, without edges from a package down into its own subpackages."""
    collapsed: dict[str, set[str]] = {}
    for module, imports in graph.items():
        source = group(module)
        targets = {group(m) for m in imports}
        collapsed.setdefault(source, set()).update(t for t in targets if t != source and not t.startswith(source + "."))
    return collapsed


def package_graph(graph: dict[str, set[str]], packages: set[str]) -> dict[str, set[str]]:
    return collapse(graph, lambda module: package_of(module, packages))


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path of module names, or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_package_finder_sees_a_planted_package_cycle():
    packages = {"core", "core.a", "core.a.sub", "core.b"}
    across = {"core.a.x": {"core.b.y"}, "core.b.y": {"core.a.z"}}  # no module cycle, a package cycle
    assert find_cycle(across) == []
    assert find_cycle(package_graph(across, packages)) == ["core.a", "core.b", "core.a"]
    own_sub = {"core.a.x": {"core.a.sub.y"}, "core.a.sub.y": {"core.a.z"}}  # a package using its subpackage
    assert find_cycle(package_graph(own_sub, packages)) == []
    back_in = {"core.a.sub.y": {"core.a.x"}, "core.a.x": {"core.b.w"}, "core.b.w": {"core.a.sub.v"}}
    assert find_cycle(package_graph(back_in, packages)) == ["core.a", "core.b", "core.a.sub", "core.a"]
    assert find_cycle(collapse(back_in, room_of)) == ["core.a", "core.b", "core.a"]


def test_modules_collapse_to_their_package_and_room():
    packages = package_names()
    assert package_of("core.data.loaders.frames", packages) == "core.data.loaders"
    assert package_of("core.data.loaders", packages) == "core.data.loaders"
    assert package_of("core.data.table", packages) == "core.data"
    assert package_of("core.errors", packages) == "core.errors"
    assert room_of("core.data.loaders.frames") == "core.data" and room_of("components.seam") == "components.seam"


def test_graph_resolves_from_package_import():
    graph = import_graph()
    assert "components.seam" in graph["components.maps.map_panel"]
    assert "core.errors" in graph["core.embedding.encode"]


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_no_package_cycle():
    cycle = find_cycle(package_graph(import_graph(), package_names()))
    assert not cycle, "package import cycle: " + " -> ".join(cycle)


def test_no_room_cycle():
    cycle = find_cycle(collapse(import_graph(), room_of))
    assert not cycle, "room import cycle: " + " -> ".join(cycle)
