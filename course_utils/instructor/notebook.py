"""Reading and writing chapter notebooks, and a plain-text authoring format for them.

The source of truth is ``solutions/NN_topic/NN_topic.ipynb``. Writing a notebook as JSON by hand
is error-prone, so authors may write (or export for editing) a *percent file*: Python source where
``# %%`` headers start cells, in the style of jupytext, with a compact header for nbgrader roles::

    # %% [markdown]            a markdown cell; every line starts with "# " (or is "#")
    # %% [markdown] role=badge the Colab badge cell (contents stamped by `course build`)
    # %%                       an ordinary code cell (demo, explanation)
    # %% role=setup            the first code cell: install-if-missing, device, seed
    # %% [solution] id=ex1     an exercise: ### BEGIN SOLUTION / ### END SOLUTION inside
    # %% [test] id=ex1_test points=2   the locked, graded test cell (### BEGIN HIDDEN TESTS inside)

``course nb import FILE.py`` writes the .ipynb; ``course nb export CHAPTER`` gives the text back.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

NB_VERSION = 4
_HEADER = re.compile(r"^# %%(?: \[(?P<kind>markdown|solution|test)\])?(?P<attrs>(?: \w+=\S+)*)\s*$")


class NotebookFormatError(ValueError):
    """A notebook or percent file does not follow the course's authoring rules."""


@dataclass(frozen=True)
class GradedCell:
    """One nbgrader cell of a chapter: a solution cell or a graded test cell."""

    index: int
    grade_id: str
    kind: str  # "solution" or "test"
    points: float
    source: str


def read(path: Path) -> NotebookNode:
    """Read a notebook, with an error that names the file when it is not valid notebook JSON."""
    try:
        return nbformat.read(str(path), as_version=NB_VERSION)
    except Exception as err:  # nbformat raises several unrelated types for bad JSON
        raise NotebookFormatError(f"{path}: not a readable notebook ({err})") from err


def write(nb: NotebookNode, path: Path) -> bool:
    """Write ``nb`` to ``path`` in canonical form; return False when the file was already so."""
    text = nbformat.writes(nb) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def role(cell: NotebookNode) -> str | None:
    """The course role of a cell (``"badge"``, ``"setup"``) or None."""
    return cell.get("metadata", {}).get("course", {}).get("role")


def graded_cells(nb: NotebookNode) -> list[GradedCell]:
    """The solution and graded test cells of a notebook, in order."""
    found = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            found.append(GradedCell(index, meta.get("grade_id", ""), "solution", 0.0, cell.source))
        elif meta.get("grade"):
            points = float(meta.get("points", 0))
            found.append(GradedCell(index, meta.get("grade_id", ""), "test", points, cell.source))
    return found


def exercises(nb: NotebookNode) -> dict[str, list[GradedCell]]:
    """Map each solution cell's grade_id to the graded test cells that follow it.

    A test cell belongs to the closest solution cell above it; this is how mutants and the
    per-exercise checks know which tests an answer must pass.
    """
    groups: dict[str, list[GradedCell]] = {}
    current: str | None = None
    for cell in graded_cells(nb):
        if cell.kind == "solution":
            current = cell.grade_id
            groups[current] = []
        elif current is not None:
            groups[current].append(cell)
    return groups


def _nbgrader_meta(kind: str, grade_id: str, points: float) -> dict:
    base = {"grade_id": grade_id, "schema_version": 3, "task": False}
    if kind == "solution":
        return {**base, "grade": False, "locked": False, "solution": True}
    points_value: float | int = int(points) if float(points).is_integer() else points
    return {**base, "grade": True, "locked": True, "points": points_value, "solution": False}


def from_percent(text: str) -> NotebookNode:
    """Build a notebook from the percent authoring format (see the module docstring)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    blocks: list[tuple[str, dict[str, str], list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# %%"):
            match = _HEADER.match(line)
            if not match:
                raise NotebookFormatError(f"line {number}: cannot read cell header {line!r}")
            attrs = dict(a.split("=", 1) for a in match["attrs"].split())
            blocks.append((match["kind"] or "code", attrs, []))
        elif blocks:
            blocks[-1][2].append(line)
        elif line.strip():
            raise NotebookFormatError(f"line {number}: text before the first '# %%' header")
    for index, (kind, attrs, lines) in enumerate(blocks):
        while lines and not lines[-1].strip():
            lines.pop()
        cell = _make_cell(kind, attrs, lines, index)
        nb.cells.append(cell)
    return nb


def _make_cell(kind: str, attrs: dict[str, str], lines: list[str], index: int) -> NotebookNode:
    if kind == "markdown":
        body = []
        for line in lines:
            if line != "#" and not line.startswith("# "):
                raise NotebookFormatError(
                    f"markdown cell {index}: line {line!r} must start with '# '"
                )
            body.append(line[2:])
        cell = nbformat.v4.new_markdown_cell("\n".join(body))
    else:
        cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.id = attrs.get("id", f"cell-{index:03d}")
    if "role" in attrs:
        cell.metadata["course"] = {"role": attrs["role"]}
    if kind in {"solution", "test"}:
        if "id" not in attrs:
            raise NotebookFormatError(f"{kind} cell {index} needs id=...")
        if kind == "test" and "points" not in attrs:
            raise NotebookFormatError(f"test cell {attrs['id']} needs points=...")
        points = float(attrs.get("points", 0))
        cell.metadata["nbgrader"] = _nbgrader_meta(kind, attrs["id"], points)
    return cell


def to_percent(nb: NotebookNode) -> str:
    """The percent authoring text of a notebook (the inverse of :func:`from_percent`)."""
    chunks = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        attrs = []
        if grading.get("solution"):
            header = "# %% [solution]"
        elif grading.get("grade"):
            header = "# %% [test]"
        elif cell.cell_type == "markdown":
            header = "# %% [markdown]"
        else:
            header = "# %%"
        if grading.get("grade_id"):
            attrs.append(f"id={grading['grade_id']}")
        elif cell.get("id") and cell.id != f"cell-{index:03d}":
            attrs.append(f"id={cell.id}")
        if grading.get("grade"):
            attrs.append(f"points={grading.get('points', 0)}")
        if role(cell):
            attrs.append(f"role={role(cell)}")
        if cell.cell_type == "markdown":
            body = "\n".join(f"# {line}".rstrip() for line in cell.source.splitlines())
        else:
            body = cell.source
        chunks.append(" ".join([header, *attrs]) + "\n" + body)
    return "\n\n".join(chunks) + "\n"


def strip_outputs(nb: NotebookNode) -> NotebookNode:
    """Remove outputs and execution counts from every code cell (sources are stored bare)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def assigned_names(source: str) -> set[str]:
    """Names a cell's code binds anywhere (assignments, defs, classes, imports); magics ignored."""
    code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def solution_answers(nb: NotebookNode) -> dict[str, str]:
    """Each solution cell's source by grade id: the answers a source notebook holds."""
    return {c.grade_id: c.source for c in graded_cells(nb) if c.kind == "solution"}


def fill_answers(release: NotebookNode, answers: dict[str, str]) -> NotebookNode:
    """A copy of ``release`` whose solution cells hold ``answers`` (by grade id): a submission.

    Solution cells without an answer keep the released stub. ``fill_answers(release,
    solution_answers(source))`` is a perfect submission.
    """
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb
