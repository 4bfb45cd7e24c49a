"""Grading: seconds per submission for a class, ``course grade --jobs 1`` vs ``--jobs 2``.

The class is 20 copies of a perfect chapter-00 submission (the release with the solutions'
answers), graded in the full sandbox, in scratch folders: no gradebook is touched. The two
runs alternate, repeat by repeat. A real run also grades a few of them with stock ``nbgrader
autograde`` (serial) for reference.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from course_utils.instructor import autograde, notebook
from course_utils.instructor import config as course_config
from course_utils.instructor.grade import batch

from .harness import Context, Figure, ratio_samples

CHAPTER = "00_setup"


def write_class(course: course_config.CourseConfig, folder: Path, n: int) -> dict[str, Path]:
    """``n`` perfect submissions of ``CHAPTER`` as ``folder/studentNN.ipynb``."""
    perfect = notebook.fill_answers(
        notebook.read(course.release_notebook(CHAPTER)),
        notebook.solution_answers(notebook.read(course.source_notebook(CHAPTER))),
    )
    folder.mkdir(parents=True)
    subs = {}
    for i in range(n):
        path = folder / f"student{i:02d}.ipynb"
        nbformat.write(perfect, path)
        subs[path.stem] = path
    return subs


def _full_marks(scores: dict[str, float], full: float, what: str) -> None:
    wrong = {s: v for s, v in scores.items() if v != full}
    if wrong:
        raise RuntimeError(f"{what} gave perfect submissions less than {full}: {wrong}")


def grade(course: course_config.CourseConfig, subs: dict[str, Path], jobs: int, out: Path) -> float:
    """Wall-clock seconds of ``course grade --jobs N`` over ``subs``; all must get full marks."""
    start = time.monotonic()
    result = batch.grade_class(course, CHAPTER, subs, jobs=jobs, output=out)
    seconds = time.monotonic() - start
    full = max(r.max_score for r in result.results.values())
    _full_marks({s: r.score for s, r in result.results.items()}, full, f"--jobs {jobs}")
    return seconds


def run(ctx: Context) -> list[Figure]:
    """Seconds per submission serial and parallel, the speed-up, and stock nbgrader's figure."""
    course = course_config.load(ctx.root)
    n = ctx.pick(20, 2)
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        subs = write_class(course, work / "download", n)
        pairs = []
        for r in range(ctx.n_repeats):
            serial = grade(course, subs, 1, work / f"serial{r}")
            parallel = grade(course, subs, 2, work / f"parallel{r}")
            ctx.log(f"  {n} submissions: --jobs 1 {serial:.1f} s, --jobs 2 {parallel:.1f} s")
            pairs.append((serial, parallel))
        figures = [
            Figure("grading.serial", f"course grade --jobs 1, {n} submissions ({CHAPTER})",
                   "s/submission", [s / n for s, _ in pairs]),
            Figure("grading.parallel", f"course grade --jobs 2, {n} submissions ({CHAPTER})",
                   "s/submission", [p / n for _, p in pairs]),
            Figure("grading.speedup", "course grade --jobs 2 vs --jobs 1", "x",
                   ratio_samples(pairs)),
        ]  # fmt: skip
        if not ctx.smoke:
            k = 4
            start = time.monotonic()
            scores = autograde.autograde(
                course, CHAPTER, dict(list(subs.items())[:k]), work / "nbgrader"
            )
            seconds = time.monotonic() - start
            _full_marks(
                {s: v.score for s, v in scores.items()},
                max(v.max_score for v in scores.values()),
                "nbgrader autograde",
            )
            figures.append(
                Figure("grading.nbgrader", f"stock nbgrader autograde, serial, {k} submissions",
                       "s/submission", [seconds / k],
                       note="nbgrader starts a kernel per submission and runs unsandboxed")
            )  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures
