"""zen_server's packages import one way: a test walks every import and fails on a cycle.

The tower: mcp -> server -> executor -> tools -> conversation -> providers -> resilience ->
observability -> config/errors. Imports under ``if TYPE_CHECKING:`` count too: a cycle that
only typing needs is still knowledge kept on both sides.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zen_server

ROOT = Path(zen_server.__file__).parent
Graph = dict[str, set[str]]


def unit_of(module: str) -> str:
    """``zen_server.tools.chat`` -> ``tools``: the top-level package or module it belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST, here: str, is_package: bool) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = here if is_package else here.rpartition(".")[0]
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            module = node.module or ""
            found.add(f"{base}.{module}".rstrip(".") if node.level else module)
    return {name for name in found if name == "zen_server" or name.startswith("zen_server.")}


def package_graph() -> Graph:
    graph: Graph = {}
    for path in sorted(ROOT.rglob("*.py")):
        here = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source = unit_of(here)
        targets = {unit_of(m) for m in imported_modules(tree, here, path.name == "__init__.py")}
        graph.setdefault(source, set()).update(targets - {source, "zen_server"})
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_zen_server_packages_import_without_a_cycle() -> None:
    graph = package_graph()
    assert {"tools", "conversation", "providers", "executor"} <= set(graph), "the walk found the packages"
    cycle = find_cycle(graph)
    assert cycle is None, "package import cycle: " + " -> ".join(cycle or [])


def test_the_tower_keeps_its_order() -> None:
    graph = package_graph()
    tower = ["mcp", "server", "executor", "tools", "conversation", "providers", "resilience", "observability"]
    for depth, layer in enumerate(tower):
        above = graph[layer] & set(tower[:depth])
        assert not above, f"{layer} imports {sorted(above)}, which sit above it"
    assert graph["config"] <= {"errors", "provider_table", "deployment_keys"}
    assert graph["deployment_keys"] == set()


def test_the_cycle_finder_sees_a_cycle_it_is_shown() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
