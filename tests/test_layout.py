"""The structure drawn from the imports: no circle between modules, and no import from a layer
to one above it (README, "Layout"). Every import counts, those under TYPE_CHECKING and inside
functions too: a circle hidden by a local import is still a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "dialogs", "storage")

# Low to high; a module may import its own layer's folder and anything lower.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("dialogs",),
    ("storage",),
    ("bot.config",),
    ("bot.telemetry",),
    ("bot.cluster",),
    ("bot.outbox",),
    ("bot.dossier",),
    ("bot.staff",),
    ("bot.claimant",),
    ("bot.ops",),
    ("bot.api",),
    ("bot.updates",),
    ("bot.aiogram", "bot.ptb", "bot.terminal"),
    ("bot.serve",),
    ("bot.serving",),
    ("bot.__main__",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports (a package's face counts as the package)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
                break
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def layer_of(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return i
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS and the README")


def folder_of(module: str) -> str:
    return module if module.count(".") < 1 else ".".join(module.split(".")[:2])


def test_every_module_has_a_layer() -> None:
    for module in modules():
        if module not in PACKAGES:
            layer_of(module)


def test_no_import_runs_back_up() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in graph().items()
        for target in targets
        if module not in PACKAGES and target not in PACKAGES
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "imports from a layer to one above it:\n" + "\n".join(upward)


def test_no_import_circle() -> None:
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"


def test_no_module_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for folder in (*PACKAGES, "bench")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long, f"modules over 400 lines: {long}"
