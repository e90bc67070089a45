"""The layers hold: every import of a nhiemvu module points down, and no modules import each other.

Read from the source (ast), every import counted, those inside functions too: a lazy import is
still a dependency. Tests are left out (they use the cast and the demo, the top layer).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the nhiemvu package

# Bottom to top. A package may import its own modules and the packages of the layers below it;
# packages side by side in one layer don't import each other.
LAYERS: list[set[str]] = [
    {"lib", "formats"},  # no Django in lib
    {"core"},  # base model, DomainError, validated_save, backup, serve
    {"organisations"},  # the tree of bodies, roles, access scope
    # sign-in with the province's directory (groups → organisations and roles); two-factor policy
    {"signin", "twofactor"},
    {"plans"},  # plans, tasks, targets, milestones
    {"reporting"},  # the reporting cycle
    # the lead units' roadmaps for their tasks (read by reports and reminders); the chain
    # province → agency (links between plans, the roll-up of provincial tasks)
    {"roadmaps", "cascade"},
    {"ingest", "reminders", "documents", "audit"},  # the import (proposes links); they read reports
    # reads the period report's data (documents); setting up an agency and its people (hands
    # open reports and roadmap steps over, proposes units from a plan); mergers move open work
    {"dashboards", "people", "reorganisation"},
    {"api"},  # over the services and selectors of all the above
    {"demo", "testing"},  # demo data and the test cast use everything
]
LAYER = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "tests" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path) -> set[str]:
    """The nhiemvu modules `name` imports, resolved to absolute names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # `from . import views`
    return {m for m in found if m == "nhiemvu" or m.startswith("nhiemvu.")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {m for m in _imports(name, path) if m in modules} - {name} for name, path in modules.items()
    }


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_package_has_a_layer() -> None:
    packages = {_package(m) for m in _modules()} - {"", "__main__"}
    assert packages == set(LAYER), "give each package of nhiemvu its layer in LAYERS"


def test_imports_point_down() -> None:
    wrong = []
    for module, imported in sorted(_graph().items()):
        here = _package(module)
        for other in sorted(imported):
            there = _package(other)
            if not here or not there or here == there or here == "__main__":
                continue
            if LAYER[there] >= LAYER[here]:
                wrong.append(f"{module} imports {other} ({here} is not above {there})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph[module]):
            # A package's __init__ is imported before its modules: not an edge back.
            if module.startswith(other + "."):
                continue
            if state.get(other) == 1:
                cycles.append(" -> ".join([*path[path.index(other) :], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_lib_and_the_extractor_do_not_import_django() -> None:
    for path in [*(ROOT / "lib").rglob("*.py"), *(ROOT / "ingest" / "parsing").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), path
