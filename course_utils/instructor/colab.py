"""What Google Colab ships, and what each chapter's install cell adds on top of it.

The one list the course relies on: ``course build`` stamps each chapter's install cell from
``CHAPTER_PACKAGES``, ``course check`` fails when a chapter imports a module that is neither
preinstalled (``COLAB_PREINSTALLED``, the standard library) nor installed by its install cell,
and the Colab simulation in the test suite builds a clean environment from ``COLAB_PREINSTALLED``.
"""

from __future__ import annotations

import ast
import sys

COLAB_PREINSTALLED: dict[str, str] = {
    "torch": "torch",
    "torchvision": "torchvision",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "tqdm": "tqdm",
    "PIL": "pillow",
}
"""Import name -> pip distribution of what a Colab runtime has before any cell runs (besides the
standard library and the Jupyter kernel itself). Pillow is torchvision's own dependency. Keep it
to what every Colab image has had for years; anything else a chapter needs goes into
``CHAPTER_PACKAGES``."""

COURSE_PACKAGE = "course_utils"
"""Installed by every install cell (from the course repository)."""

CHAPTER_PACKAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "10_quantization": (("torchao", "torchao>=0.11"),),
    "11_pruning": (("torchao", "torchao>=0.11"),),
    "16_hyperparameter_search": (("optuna", "optuna>=5.0"),),
    "17_performance": (
        ("onnx", "onnx>=1.17"),
        ("onnxscript", "onnxscript>=0.3"),
        ("onnxruntime", "onnxruntime>=1.20"),
    ),
}
"""Chapter -> (import name, pip requirement) pairs its install cell installs when missing."""


def chapter_packages(chapter: str) -> tuple[tuple[str, str], ...]:
    """The (import name, requirement) pairs beyond Colab's that ``chapter``'s install cell adds."""
    return CHAPTER_PACKAGES.get(chapter, ())


def extra_requirements() -> list[str]:
    """Every pip requirement some chapter's install cell adds (what a local wheelhouse needs)."""
    return sorted({req for pairs in CHAPTER_PACKAGES.values() for _, req in pairs})


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules a cell imports (absolute imports; magics skipped)."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()  # reported by execution, with a better message
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def missing_on_colab(chapter: str, modules: set[str]) -> list[str]:
    """The modules of ``modules`` that a fresh Colab runtime would lack after the install cell."""
    available = set(sys.stdlib_module_names) | set(COLAB_PREINSTALLED) | {COURSE_PACKAGE}
    available |= {module for module, _ in chapter_packages(chapter)}
    return sorted(modules - available)
