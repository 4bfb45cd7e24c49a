"""Static scan of the student code a grader is about to run (layer (b) of ``course grade``).

No exercise of the course needs to reach into the kernel, the interpreter or the grader: the
scan flags code that does (IPython's internals, namespace writes through ``globals()``, frame and
closure introspection, ``sys.modules``, ``gc``, ``ctypes``, ``exec``/``eval``/``compile``,
``__torch_function__`` overrides, attribute writes on imported modules, rebinding the checkers or
the setup cell's imports, shell escapes). A flagged submission is not run: it gets 0 automatic
points, the status ``needs review`` and the findings as its reason; an instructor who reads it and
finds it honest re-grades it with ``course grade --reviewed STUDENT`` (the dynamic integrity check
still applies then).

Ordinary Python is never flagged: comprehensions, helper functions and classes, ``print`` to
any stream, ``warnings``, ``logging``, ``tqdm``, ``try``/``except``, ``getattr`` on objects,
``setattr`` on instances (``setattr(parent, name, child)`` is how a module is swapped), local
names that shadow builtins. ``tests/grading`` holds honest-but-unusual fixtures that prove it,
and every reference solution of the course passes the scan (``test_scan``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .forbidden import (
    ALLOWED_MAGICS,
    CHECKER_NAMES,
    FORBIDDEN_ATTRIBUTES,
    FORBIDDEN_CALLS,
    FORBIDDEN_MODULES,
    FORBIDDEN_NAMES,
    FORBIDDEN_PREFIXES,
    FORBIDDEN_SYS,
    GRADER_PREFIX,
    GUARDED_BUILTINS,
    HONEST_SETTINGS,
    TORCH_MODES,
)


@dataclass(frozen=True)
class Finding:
    """One flagged construct: where it is and why an instructor should look."""

    cell: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.cell} line {self.line}: {self.what}"


def _magic_free(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The source with magic and shell lines blanked, and the flagged ones (line, text)."""
    lines, flagged = [], []
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            name = re.match(r"[%!]+\s*(\w*)", stripped)
            word = name.group(1) if name else ""
            if stripped.startswith("!") or word not in ALLOWED_MAGICS:
                flagged.append((number, stripped.split()[0] if stripped.split() else stripped))
            lines.append(line[: len(line) - len(stripped)] + "pass")
        else:
            lines.append(line)
    return "\n".join(lines), flagged


def _root(node: ast.AST) -> str | None:
    """The name an attribute chain starts from (``torch`` for ``torch.Tensor.__eq__``)."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def imports(sources: list[str]) -> dict[str, str]:
    """Name -> what ``import`` statements in ``sources`` bind to it (``np`` -> ``numpy``,
    ``nn`` -> ``torch.nn``); the last binding wins."""
    names: dict[str, str] = {}
    for source in sources:
        try:
            tree = ast.parse(_magic_free(source)[0])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            for name, target in _bound_by_import(node):
                names[name] = target
    return names


def _bound_by_import(node: ast.AST) -> list[tuple[str, str]]:
    if isinstance(node, ast.Import):
        return [
            (a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0])
            for a in node.names
        ]
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        module = node.module or ""
        return [(a.asname or a.name, f"{module}.{a.name}") for a in node.names if a.name != "*"]
    return []


class _Visitor(ast.NodeVisitor):
    def __init__(self, cell: str, modules: dict[str, str], guarded: dict[str, str]) -> None:
        self.cell, self.modules, self.guarded = cell, modules, guarded
        self.found: list[Finding] = []
        self.depth = 0  # 0: the cell's top level (bindings there change the namespace)

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append(Finding(self.cell, getattr(node, "lineno", 0), what))

    # imports
    def _module(self, node: ast.AST, name: str) -> None:
        if name in FORBIDDEN_SYS:
            self.flag(node, f"imports {name} (introspection no exercise needs)")
        elif (
            name.split(".")[0] in FORBIDDEN_MODULES
            or name in FORBIDDEN_MODULES
            or any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PREFIXES)
        ):
            self.flag(node, f"imports {name} (introspection no exercise needs)")

    def _imported(self, node: ast.Import | ast.ImportFrom) -> None:
        for name, target in _bound_by_import(node):
            self._module(node, target)
            if self.guarded.get(name) != target:  # importing the same thing again is harmless
                self._binding(node, name)

    def visit_Import(self, node: ast.Import) -> None:
        self._imported(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._module(node, node.module or "")
        for alias in node.names:
            if alias.name in TORCH_MODES:
                self.flag(node, f"imports {alias.name} (overrides every torch operation)")
        self._imported(node)

    # names
    def _binding(self, node: ast.AST, name: str) -> None:
        if name.startswith(GRADER_PREFIX):
            self.flag(node, f"binds the grader's name {name}")
        elif self.depth == 0 and name in CHECKER_NAMES:
            self.flag(node, f"rebinds the checker {name!r} the test cells use")
        elif self.depth == 0 and name in self.guarded:
            self.flag(node, f"rebinds {name!r}, which the setup cell imports")
        elif self.depth == 0 and name in GUARDED_BUILTINS:
            self.flag(node, f"rebinds the builtin {name!r} at the top level")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in FORBIDDEN_NAMES or node.id.startswith(GRADER_PREFIX):
            self.flag(node, f"uses {node.id} (the kernel's or the grader's internals)")
        elif node.id in FORBIDDEN_MODULES and isinstance(node.ctx, ast.Load):
            self.flag(node, f"uses the module {node.id} (introspection no exercise needs)")
        elif isinstance(node.ctx, ast.Store | ast.Del):
            self._binding(node, node.id)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            depth, self.depth = self.depth, 0  # a global statement binds at the top level
            self._binding(node, name)
            self.depth = depth

    def visit_Attribute(self, node: ast.Attribute) -> None:
        root = _root(node)
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.flag(node, f"uses .{node.attr} (introspection no exercise needs)")
        elif (
            isinstance(node.value, ast.Name)
            and f"{self.modules.get(node.value.id)}.{node.attr}" in FORBIDDEN_SYS
        ):
            self.flag(node, f"uses sys.{node.attr}")
        elif (
            isinstance(node.ctx, ast.Store | ast.Del)
            and root in self.modules
            and not ast.unparse(node).startswith(HONEST_SETTINGS)
        ):
            self.flag(node, f"writes an attribute of the module {root!r} (monkeypatching)")
        elif node.attr == "__dict__" and isinstance(node.ctx, ast.Load) and root in self.modules:
            self.flag(node, f"reads {root}...__dict__")
        elif node.attr == "__class__" and isinstance(node.ctx, ast.Store):
            self.flag(node, "assigns __class__")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        value = node.value
        if (
            isinstance(node.ctx, ast.Store | ast.Del)
            and isinstance(value, ast.Attribute)
            and value.attr == "__dict__"
        ):
            self.flag(node, "writes through __dict__")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in FORBIDDEN_CALLS:
                self.flag(node, f"calls {func.id}()")
            elif func.id == "vars" and not node.args:
                self.flag(node, "calls vars() (the namespace)")
            elif func.id in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
                self._dynamic_attribute(node, func.id)
            if func.id in ("setattr", "delattr") and node.args:
                target = _root(node.args[0])
                if target in self.modules or isinstance(node.args[0], ast.Call):
                    self.flag(node, f"calls {func.id} on a module or a class (monkeypatching)")
        if isinstance(func, ast.Attribute) and func.attr in ("update", "setdefault", "__setitem__"):
            inner = func.value
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                if inner.func.id == "vars":
                    self.flag(node, f"writes a namespace through vars(...).{func.attr}")
            if isinstance(inner, ast.Attribute) and inner.attr == "__dict__":
                self.flag(node, f"writes through __dict__.{func.attr}")
        self.generic_visit(node)

    def _dynamic_attribute(self, node: ast.Call, how: str) -> None:
        """``getattr(sys, "modules")`` is ``sys.modules``: apply the attribute rules to the name
        when it is a constant, and refuse computed names on modules."""
        target, name = node.args[0], node.args[1]
        module = self.modules.get(target.id) if isinstance(target, ast.Name) else None
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            if name.value in FORBIDDEN_ATTRIBUTES or f"{module}.{name.value}" in FORBIDDEN_SYS:
                self.flag(node, f"{how}(..., {name.value!r}) (introspection no exercise needs)")
        elif module is not None and isinstance(target, ast.Name):
            self.flag(node, f"{how} on the module {target.id!r} with a computed name")

    # definitions
    def _define(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._binding(node, node.name)
        if node.name in ("__torch_function__", "__torch_dispatch__"):
            self.flag(node, f"defines {node.name} (changes what torch operations return)")
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name in TORCH_MODES:
                    self.flag(node, f"subclasses {name}")
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _define

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1


def scan_cell(
    cell: str, source: str, modules: dict[str, str], guarded: dict[str, str]
) -> list[Finding]:
    """Findings in one student cell; ``modules`` are the import aliases in play (setup cell and
    student code), ``guarded`` the names the setup cell imports."""
    code, magics = _magic_free(source)
    found = [Finding(cell, n, f"runs {text} (a magic or shell command)") for n, text in magics]
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return found  # execution reports it, as for any student
    visitor = _Visitor(cell, modules, guarded)
    visitor.visit(tree)
    return found + visitor.found


def scan(cells: list[tuple[str, str]], setup: str, trusted: list[str]) -> list[Finding]:
    """Findings in the student cells ``(label, source)`` that are about to run.

    ``setup`` is the source of the setup cell (the names it imports are guarded), ``trusted``
    the release's other code cells that run around the answers.
    """
    guarded = imports([setup])
    defaults = {"sys": "sys", "os": "os", "torch": "torch", "numpy": "numpy", "np": "numpy"}
    modules = {**defaults, **imports([setup, *trusted]), **imports([s for _, s in cells])}
    found: list[Finding] = []
    for label, source in cells:
        found += scan_cell(label, source, modules, guarded)
    return found
