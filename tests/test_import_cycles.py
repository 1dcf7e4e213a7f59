"""No import cycles among the package's modules (imports at module level; those inside functions are lazy on purpose).

A cycle makes the order modules load in matter, and breaks the day someone moves an
import. Each module's top-level imports are read with `ast` (TYPE_CHECKING blocks left
out), resolved to the package's modules, and the graph is searched for strongly
connected components larger than one module.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "young_production"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                for handler in node.handlers:
                    walk(handler.body)

    walk(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base for a in node.names]
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith(PACKAGE):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 100 and graph[f"{PACKAGE}.workflows.wf5"]
    assert cycles(graph) == []


def all_imports(name: str) -> set[str]:
    """Every package module `name` imports, at the top or inside a function."""
    path = SRC / (name.replace(".", "/") + ".py")
    package = name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in found if target.startswith(PACKAGE)}


def test_the_engine_names_no_workflow() -> None:
    """The engine is handed its workflows (`Engine(workspace, registry())`); it imports none of them,
    nor the registry, nor another workflow's helpers: its arrows point down only."""
    engine = f"{PACKAGE}.workflows.engine"
    modules = [_module_name(p) for p in (SRC / PACKAGE / "workflows" / "engine").glob("*.py") if p.name != "__init__.py"]
    assert len(modules) >= 10
    upward = {
        module: sorted(t for t in all_imports(module)
                       if t.startswith(f"{PACKAGE}.workflows.") and not t.startswith(engine + ".") and t != engine
                       or t in (f"{PACKAGE}.workflows", f"{PACKAGE}.workflows.registry"))
        for module in modules
    }
    assert {module: found for module, found in upward.items() if found} == {}


def test_no_workflow_borrows_from_another() -> None:
    """What two workflows share lives in a module of its own (empire_runs, args), never in one of them.
    (wf1_batch is WF1's batch mode, so it may use wf1.)"""
    family = {"wf1": "wf1", "wf1_batch": "wf1", "wf2": "wf2", "wf3": "wf3", "wf4": "wf4", "wf5": "wf5"}
    borrowed = {
        name: sorted(t for t in all_imports(f"{PACKAGE}.workflows.{name}")
                     if t.startswith(f"{PACKAGE}.workflows.") and family.get(t.split(".")[2]) not in (None, family[name]))
        for name in family
    }
    assert {name: found for name, found in borrowed.items() if found} == {}
