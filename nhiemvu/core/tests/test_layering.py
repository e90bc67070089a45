"""The house's floors: every import between the apps points down, and no two apps import each other.

Read from the source (ast), so the rule holds for imports inside functions too. Tests and
migrations are left out: a test may build its world from any floor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nhiemvu

# Lowest first. Apps on one floor do not import each other.
FLOORS = [
    {"lib", "formats"},
    {"core"},
    {"organisations"},
    {"plans"},
    {"ingest", "reporting"},
    {"reminders", "documents", "dashboards", "audit"},
    {"api"},
    {"demo", "testing"},
]
FLOOR = {app: i for i, floor in enumerate(FLOORS) for app in floor}
ROOT = Path(nhiemvu.__file__).parent


def _imports(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(importing app, imported app, file) for every import of one app by another."""
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if (
            "tests" in relative.parts
            or "migrations" in relative.parts
            or (len(relative.parts) == 1 and relative.stem in ("__init__", "__main__"))
        ):
            continue
        app = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "nhiemvu" and len(parts) > 1 and parts[1] != app:
                    found.append((app, parts[1], str(relative)))
    return found


def test_every_app_has_a_floor():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    apps |= {p.stem for p in ROOT.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert apps == set(FLOOR), "put a new app on a floor in FLOORS"


def test_imports_point_down_never_up_or_sideways():
    wrong = sorted(
        f"{where}: {app} (floor {FLOOR[app]}) imports {target} (floor {FLOOR[target]})"
        for app, target, where in _imports()
        if FLOOR[target] >= FLOOR[app]
    )
    assert wrong == []


def test_the_rule_sees_an_import_inside_a_function(tmp_path):
    """The checker itself, on a made-up package: a late import inside a function counts too."""
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "x.py").write_text("def f():\n    from nhiemvu.plans.models import Task\n")
    (tmp_path / "core" / "tests").mkdir()
    (tmp_path / "core" / "tests" / "t.py").write_text("import nhiemvu.api.urls\n")
    assert _imports(tmp_path) == [("core", "plans", "core/x.py")]
