"""Write grading results into nbgrader's Gradebook (SQLite by default, PostgreSQL by URL).

Only ``auto_score`` is written: a manual grade an instructor gave in formgrader survives every
re-run. The assignment, its notebook and its cells are created from the source notebook when the
gradebook does not know them yet (as ``nbgrader generate_assignment`` would).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from nbformat import NotebookNode

from .result import Result

if TYPE_CHECKING:  # nbgrader is imported when a gradebook is opened, not with this module
    from nbgrader.api import Gradebook


def _open(url: str) -> Gradebook:
    """nbgrader's Gradebook, with this environment's scripts on PATH.

    nbgrader runs the ``alembic`` command to check the database schema; it lives beside this
    interpreter, which is not on PATH when the environment was not activated (``.venv/bin/course``).
    """
    from nbgrader.api import Gradebook

    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    return Gradebook(url)


def ensure_assignment(gradebook: Gradebook, assignment: str, source: NotebookNode) -> None:
    """Create the assignment, notebook and cells in the gradebook when they are missing."""
    from nbgrader.api import MissingEntry

    gradebook.update_or_create_assignment(assignment)
    try:
        gradebook.find_notebook(assignment, assignment)
    except MissingEntry:
        gradebook.add_notebook(assignment, assignment)
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not gid:
            continue
        if meta.get("grade"):
            gradebook.update_or_create_grade_cell(
                gid, assignment, assignment,
                max_score=float(meta.get("points", 0)), cell_type=cell.cell_type,
            )  # fmt: skip
        if meta.get("solution"):
            gradebook.update_or_create_solution_cell(gid, assignment, assignment)
        if meta.get("grade") or meta.get("solution") or meta.get("locked"):
            gradebook.update_or_create_source_cell(
                gid, assignment, assignment,
                source=cell.source, cell_type=cell.cell_type, locked=bool(meta.get("locked")),
            )  # fmt: skip


def record(url: str, assignment: str, source: NotebookNode, results: list[Result]) -> None:
    """Store every result's auto scores; flag submissions that were not graded normally."""
    from nbgrader.api import MissingEntry

    with _open(url) as gradebook, warnings.catch_warnings():
        # nbgrader's add_submission trips a harmless SQLAlchemy autoflush warning.
        warnings.simplefilter("ignore")
        ensure_assignment(gradebook, assignment, source)
        for result in results:
            gradebook.update_or_create_student(result.student)
            try:
                gradebook.find_submission(assignment, result.student)
            except MissingEntry:
                gradebook.add_submission(assignment, result.student)
            submitted = gradebook.find_submission_notebook(assignment, assignment, result.student)
            submitted.flagged = result.status != "graded"
            for gid, cell in result.cells.items():
                grade = gradebook.find_grade(gid, assignment, assignment, result.student)
                grade.auto_score = cell.score  # manual_score is never touched
            gradebook.db.commit()


def read_scores(url: str, assignment: str) -> dict[str, tuple[float, float, bool]]:
    """``{student: (score, max_score, needs_manual_grade)}`` as nbgrader computes them."""
    scores = {}
    with _open(url) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            notebook = gradebook.find_submission_notebook(
                assignment, assignment, submission.student.id
            )
            scores[submission.student.id] = (
                float(notebook.score),
                float(notebook.max_score),
                bool(notebook.needs_manual_grade),
            )
    return scores
