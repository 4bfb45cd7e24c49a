"""Run real ``nbgrader autograde`` on notebooks in a scratch course and read the scores back.

The scratch course holds a copy of the chapter's source and of nbgrader_config.py, so the
instructor's gradebook and folders are never touched and submissions are never modified in place.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .config import CourseConfig
from .execution import quick_env


class AutogradeError(RuntimeError):
    """nbgrader itself failed (not a student's code): the message holds its output."""


@dataclass(frozen=True)
class CellScore:
    """The score of one graded test cell."""

    grade_id: str
    score: float
    max_score: float


@dataclass
class SubmissionScore:
    """All graded cells of one submission, and the executed notebook nbgrader left behind."""

    student: str
    cells: dict[str, CellScore] = field(default_factory=dict)
    executed: Path | None = None

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells.values())


def _nbgrader(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AutogradeError(
            f"nbgrader {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout + result.stderr


def autograde(
    config: CourseConfig, chapter: str, submissions: dict[str, Path], workdir: Path
) -> dict[str, SubmissionScore]:
    """Autograde each ``{student: notebook}`` for ``chapter`` in a scratch course at ``workdir``."""
    course = workdir / "course"
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(config.root / "nbgrader_config.py", course / "nbgrader_config.py")
    scratch = dataclasses.replace(config, root=course)  # the same layout, in the scratch course
    shutil.copytree(config.solutions / chapter, scratch.solutions / chapter)
    env = quick_env()
    _nbgrader(["generate_assignment", chapter, "--force"], course, env)
    release = scratch.notebooks / chapter
    for student, path in submissions.items():
        target = scratch.submitted / student / chapter
        shutil.copytree(release, target)  # assets the notebook needs, as a student would have them
        shutil.copy(path, target / f"{chapter}.ipynb")
    _nbgrader(["autograde", chapter, "--force"], course, env)
    return _read_scores(scratch, chapter, list(submissions))


def _read_scores(
    scratch: CourseConfig, chapter: str, students: list[str]
) -> dict[str, SubmissionScore]:
    from nbgrader.api import Gradebook

    scores: dict[str, SubmissionScore] = {}
    with Gradebook(scratch.gradebook_url) as gradebook:
        for student in students:
            submission = gradebook.find_submission_notebook(chapter, chapter, student)
            result = SubmissionScore(
                student, executed=scratch.autograded / student / chapter / f"{chapter}.ipynb"
            )
            for grade in submission.grades:
                result.cells[grade.name] = CellScore(
                    grade.name, float(grade.score), float(grade.max_score)
                )
            scores[student] = result
    return scores


def unexpected_errors(executed: Path) -> list[str]:
    """Errors in an executed *release* notebook other than the unimplemented stubs.

    A released notebook may only fail with ``NotImplementedError``, or with a ``NameError`` for a
    name that a cell which raised ``NotImplementedError`` would have defined (the same failure,
    one cell later).
    """
    from . import notebook

    nb = notebook.read(executed)
    unimplemented: set[str] = set()
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            ename, evalue = output.get("ename", ""), output.get("evalue", "")
            if ename == "NotImplementedError":
                unimplemented |= notebook.assigned_names(cell.source)
            elif ename == "NameError" and _missing_name(evalue) in unimplemented:
                unimplemented |= notebook.assigned_names(cell.source)
            else:
                problems.append(f"cell {index}: {ename}: {evalue}")
    return problems


def _missing_name(evalue: str) -> str:
    import re

    match = re.search(r"name '([^']+)' is not defined", evalue)
    return match.group(1) if match else ""
