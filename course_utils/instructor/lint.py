"""``course check``: the structure every chapter's source notebook must have.

Each problem is one line, ``chapter: what is wrong (and how to fix it)``. The rules are the
"Every chapter notebook" section of the course specification, as far as a program can see them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from nbformat import NotebookNode

from . import build, colab, notebook
from .config import CourseConfig

MIN_EXERCISES = 5
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
TITLE_PARTS = ("learning objectives", "prerequisites", "estimated time")
SECTIONS = ("common mistakes", "summary")


def check_course(config: CourseConfig, chapters: list[str] | None = None) -> list[str]:
    """All problems of the given chapters (all chapters by default)."""
    chapters = chapters or config.chapters()
    problems: list[str] = []
    for chapter in chapters:
        path = config.source_notebook(chapter)
        if not path.exists():
            problems.append(f"{chapter}: no source notebook at {path.relative_to(config.root)}")
            continue
        try:
            nb = notebook.read(path)
        except notebook.NotebookFormatError as err:
            problems.append(f"{chapter}: {err}")
            continue
        found = check_notebook(nb, config, chapter)
        found += check_mutant_file(nb, config.mutant_file(chapter))
        problems.extend(f"{chapter}: {p}" for p in found)
    return problems


def check_notebook(nb: NotebookNode, config: CourseConfig, chapter: str) -> list[str]:
    """Problems of one source notebook."""
    problems = _check_front_matter(nb, config, chapter)
    problems += _check_exercises(nb)
    problems += _check_hygiene(nb)
    problems += check_colab_imports(nb, chapter)
    markdown = "\n".join(c.source.lower() for c in nb.cells if c.cell_type == "markdown")
    for section in SECTIONS:
        if not re.search(rf"^#+ .*{section}", markdown, re.M):
            problems.append(f"no '{section.title()}' section (a markdown heading)")
    return problems


def _check_front_matter(nb: NotebookNode, config: CourseConfig, chapter: str) -> list[str]:
    problems = []
    cells = nb.cells
    if not cells or notebook.role(cells[0]) != "badge":
        problems.append("the first cell must be the Colab badge cell (role=badge)")
    elif cells[0].source != build.badge_markdown(config, chapter):
        problems.append("the Colab badge is not the configured one: run `course build`")
    titles = [
        c for c in cells[:4] if c.cell_type == "markdown" and c.source.lstrip().startswith("# ")
    ]
    if not titles:
        problems.append("no title cell (a markdown cell starting with '# ') near the top")
    else:
        text = titles[0].source.lower()
        problems += [f"the title cell does not mention '{p}'" for p in TITLE_PARTS if p not in text]
    code = [c for c in cells if c.cell_type == "code"]
    if not code or notebook.role(code[0]) != "setup":
        problems.append("the first code cell must be the setup cell (role=setup)")
    else:
        setup = code[0].source
        if build.install_block(config, chapter) not in setup:
            problems.append("the setup cell lacks the stamped install block: run `course build`")
        problems += [
            f"the setup cell does not call {f}()"
            for f in ("get_device", "seed_everything")
            if f not in setup
        ]
    return problems


def _check_exercises(nb: NotebookNode) -> list[str]:
    problems = []
    graded = notebook.graded_cells(nb)
    ids = [c.grade_id for c in graded]
    problems += [f"duplicate grade_id {g!r}" for g in sorted({g for g in ids if ids.count(g) > 1})]
    problems += [
        f"invalid grade_id {g!r} (letters, digits, _ and - only)"
        for g in ids
        if not GRADE_ID.match(g)
    ]
    groups = notebook.exercises(nb)
    if len(groups) < MIN_EXERCISES:
        problems.append(f"{len(groups)} graded exercise(s); at least {MIN_EXERCISES} are required")
    for cell in graded:
        source = cell.source
        if cell.kind == "solution":
            if "### BEGIN SOLUTION" not in source or "### END SOLUTION" not in source:
                problems.append(f"solution cell {cell.grade_id} lacks ### BEGIN/END SOLUTION")
            if not groups.get(cell.grade_id):
                problems.append(f"solution cell {cell.grade_id} has no graded test cell after it")
            continue
        if cell.points <= 0:
            problems.append(f"test cell {cell.grade_id} has no points")
        if "### BEGIN HIDDEN TESTS" not in source or "### END HIDDEN TESTS" not in source:
            problems.append(f"test cell {cell.grade_id} has no ### BEGIN/END HIDDEN TESTS")
        if _has_bare_assert(source):
            problems.append(
                f"test cell {cell.grade_id} uses a bare assert: use course_utils.checks"
            )
    first_solution = next((c.index for c in graded if c.kind == "solution"), None)
    orphan = [
        c.grade_id
        for c in graded
        if c.kind == "test" and (first_solution is None or c.index < first_solution)
    ]
    problems += [f"test cell {g} comes before any solution cell" for g in orphan]
    return problems


def _has_bare_assert(source: str) -> bool:
    try:
        tree = ast.parse(_without_magics(source))
    except SyntaxError:
        return False  # reported by execution, with a better message
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def _without_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _check_hygiene(nb: NotebookNode) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(
                f"cell {index} has outputs: sources are stored without them (run `course build`)"
            )
        if re.search(r"^\s*from\s+\S+\s+import\s+\*", cell.source, re.M):
            problems.append(f"cell {index} uses a star import")
    return problems


def check_colab_imports(nb: NotebookNode, chapter: str) -> list[str]:
    """Modules the chapter imports that a fresh Colab runtime would not have after its install
    cell (neither preinstalled, nor the standard library, nor course_utils, nor installed)."""
    modules: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            modules |= colab.imported_modules(cell.source)
    return [
        f"imports {module!r}, which Colab lacks and the install cell does not install: add it "
        f"to CHAPTER_PACKAGES in course_utils/instructor/colab.py (then `course build {chapter}`)"
        for module in colab.missing_on_colab(chapter, modules)
    ]


def check_mutant_file(nb: NotebookNode, path: Path) -> list[str]:
    """Static check that every exercise has enough mutants (the runner proves they are killed)."""
    if not path.exists():
        return [
            f"no mutant file {path.parent.name}/{path.name} (known-wrong answers for each exercise)"
        ]
    from .mutants import MIN_MUTANTS_PER_EXERCISE, MutantSetupError, load_mutants

    try:
        mutants = load_mutants(path)
    except (MutantSetupError, SyntaxError, ImportError) as err:
        return [f"mutant file {path.name}: {err}"]
    solutions = set(notebook.exercises(nb))
    problems = [
        f"exercise {g} has {len(mutants.get(g, []))} mutant(s) in {path.name}, fewer than "
        f"{MIN_MUTANTS_PER_EXERCISE}: add known-wrong answers of other kinds (CONTRIBUTING.md)"
        for g in sorted(solutions)
        if len(mutants.get(g, [])) < MIN_MUTANTS_PER_EXERCISE
    ]
    problems += [
        f"{path.name} names unknown solution cell {g!r}" for g in sorted(set(mutants) - solutions)
    ]
    return problems
