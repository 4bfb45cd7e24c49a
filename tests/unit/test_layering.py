"""The import graph has one direction: helpers <- instructor/lab <- benchmarks, and no cycle.

Students import the helpers (course_utils/*.py) in Colab with none of the instructor tools
installed; the instructor tools must not depend on the benchmarks that measure them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # `from . import x`
    return found


def _graph(*folders: str) -> dict[str, set[str]]:
    paths = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    modules = {_module_name(path): path for path in paths}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def test_course_utils_never_imports_the_benchmarks() -> None:
    offenders = {
        name: sorted(n for n in _imports(path) if n.split(".")[0] == "benchmarks")
        for path in (ROOT / "course_utils").rglob("*.py")
        if (name := _module_name(path))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_student_helpers_import_no_instructor_or_lab_module() -> None:
    graph = _graph("course_utils")
    helpers = {n for n in graph if n.count(".") == 1 or n == "course_utils"}
    tools = ("course_utils.instructor", "course_utils.lab")
    bad = {h: sorted(t for t in graph[h] if t.startswith(tools)) for h in helpers}
    assert {k: v for k, v in bad.items() if v} == {}


def test_no_module_of_course_utils_or_benchmarks_imports_itself_through_others() -> None:
    graph = _graph("course_utils", "benchmarks")
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    # A package's __init__ importing its own submodules is not a cycle worth forbidding.
    cycles = [c for c in cycles if not all(m.startswith(c.split()[0]) for m in c.split(" -> "))]
    assert cycles == []


def test_the_import_graph_sees_relative_imports() -> None:
    """The checks above see `from ..config import x` and `from . import x` (or prove nothing)."""
    graph = _graph("course_utils")
    assert "course_utils.instructor.config" in graph["course_utils.instructor.grade.batch"]
    assert "course_utils.instructor.notebook" in graph["course_utils.instructor.mutants"]
