"""The storage package's imports, read from the source (top-level and inside functions alike):
no circle between its modules, nothing from the bot above it, and of the dialogs only the model
the stores persist."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STORAGE = ROOT / "storage"
ALLOWED_FROM_DIALOGS = {"dialogs.model"}
# imports inside functions, each lazy on purpose (a heavy library few deployments need)
LAZY = {("storage", "storage.objects")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, name: str, known: set[str], *, package: bool = False) -> set[str]:
    """Every module the source of module ``name`` imports anywhere in its body; ``from pkg
    import sub`` counts as ``pkg.sub`` when ``sub`` is a module of its own."""
    parts = name.split(".") if package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found


def storage_graph() -> dict[str, set[str]]:
    paths = sorted(STORAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    return {
        module_name(path): imported(
            path.read_text(), module_name(path), known, package=path.name == "__init__.py"
        )
        for path in paths
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle among the graph's own modules, or None (depth-first, three colours)."""
    done: set[str] = set()
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in trail:
            return [*trail[trail.index(node) :], node]
        if node in done:
            return None
        trail.append(node)
        for target in sorted(graph[node] & graph.keys()):
            if cycle := visit(target):
                return cycle
        trail.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_the_storage_modules_import_each_other_without_a_circle() -> None:
    graph = storage_graph()
    assert "storage.backends.base" in graph and "storage.migrations" in graph
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_contract_imports_no_backend_and_no_migration() -> None:
    graph = storage_graph()
    assert not {m for m in graph["storage.backends.base"] if m.startswith("storage")}
    # The migrations (the runner, its steps, the data a step rewrites) stand on the contract alone.
    migrations = {"storage.migrations", "storage.migration_steps", "storage.legacy_outbox"}
    used = {m for module in migrations for m in graph[module] if m.startswith("storage")}
    assert used - migrations == {"storage.backends.base"}


def test_no_storage_module_is_imported_inside_a_function_but_the_lazy_ones() -> None:
    paths = sorted(STORAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    local = set()
    for path in paths:
        name = module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = ast.unparse(ast.Module(body=node.body, type_ignores=[]))
                local |= {
                    (name, target)
                    for target in imported(body, name, known, package=path.name == "__init__.py")
                    if target.split(".")[0] == "storage"
                }
    assert local == LAZY


def test_storage_imports_nothing_from_the_bot_and_only_the_model_from_the_dialogs() -> None:
    above = {
        (module, target)
        for module, targets in storage_graph().items()
        for target in targets
        if target.split(".")[0] == "bot"
        or (target.split(".")[0] == "dialogs" and target not in ALLOWED_FROM_DIALOGS)
    }
    assert above == set()


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b", "x"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_a_circle_and_only_one(
    graph: dict[str, set[str]], cycle: list[str] | None
) -> None:
    assert find_cycle(graph) == cycle


def test_an_import_inside_a_function_counts_and_relative_ones_resolve() -> None:
    source = (
        "from . import base\n"
        "from .sqlite import DB_FILENAME\n"
        "def open_it():\n"
        "    from storage.migrations import read_version\n"
    )
    known = {"storage.backends.base", "storage.backends.sqlite", "storage.migrations"}
    assert imported(source, "storage.backends.opening", known) == known
