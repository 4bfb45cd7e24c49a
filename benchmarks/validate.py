"""nbgrader's Validate button, timed per chapter: what a student waits for behind its dialog.

Validate runs a whole notebook in a fresh kernel with the grader's settings. The notebook timed is
the release with the reference answers filled in (a student who has finished), validated the way
the button does it (nbgrader's ``Validator`` with the course's ``nbgrader_config.py``) from a
full-mode server: in the student set-up of ``make lab`` (``course_utils/lab/student``: Validate's
kernel alone in quick mode) and with ``COURSE_VALIDATE_FULL=1`` (full mode). Full mode is timed
for the chapters in ``FULL_CHAPTERS`` only: the training chapters' full mode takes many minutes
on a CPU, which is why the student set-up validates in quick mode.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from course_utils.instructor import config as course_config
from course_utils.instructor import notebook
from course_utils.instructor.execution import quick_env
from course_utils.lab.__main__ import STUDENT_CONFIG

from .course_time import _smoke_notebook
from .harness import Context, Figure

FULL_CHAPTERS = ("00_setup", "01_tensors", "02_autograd", "03_modules", "04_optimizers")


def validate_config(root: Path, quick: bool) -> Config:
    """The configuration Validate reads: the course's, then the student set-up's."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    env = {} if quick else {"COURSE_VALIDATE_FULL": "1"}
    with _environ(env, drop=("COURSE_VALIDATE_FULL",)):
        student = PyFileConfigLoader("nbgrader_config.py", path=str(STUDENT_CONFIG))
        config.merge(student.load_config())
    return config


@contextlib.contextmanager
def _environ(values: dict[str, str], drop: tuple[str, ...] = ()) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key in drop:
            os.environ.pop(key, None)
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def validate_seconds(path: Path, config: Config, home: Path) -> tuple[float, int]:
    """(seconds, failed cells) of validating ``path`` as the button does on a full-mode server."""
    from nbgrader.validator import Validator

    env = quick_env({"HOME": str(home)})
    env.pop("COURSE_QUICK")
    with _environ(env, drop=("COURSE_QUICK",)), contextlib.chdir(path.parent):
        start = time.perf_counter()
        result = Validator(config=config).validate(str(path))
        seconds = time.perf_counter() - start
    return seconds, len(result.get("failed", []))


def finished(course: course_config.CourseConfig, chapter: str, folder: Path) -> Path:
    """A copy of the chapter's release folder with the reference answers filled in."""
    shutil.copytree(course.release_notebook(chapter).parent, folder / chapter)
    path = folder / chapter / course.release_notebook(chapter).name
    release = nbformat.read(path, as_version=4)
    source = nbformat.read(course.source_notebook(chapter), as_version=4)
    nbformat.write(notebook.fill_answers(release, notebook.solution_answers(source)), path)
    return path


def run(ctx: Context) -> list[Figure]:
    """Validate's seconds per chapter, quick (the student set-up) and full."""
    course = course_config.load(ctx.root)
    scratch = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    home = scratch / "home"
    home.mkdir()
    quick, full = validate_config(ctx.root, True), validate_config(ctx.root, False)
    figures = []
    try:
        if ctx.smoke:
            (scratch / "smoke").mkdir()
            paths = {"smoke": _smoke_notebook(scratch / "smoke")}
        else:
            paths = {chapter: finished(course, chapter, scratch) for chapter in course.chapters()}
        for chapter, path in paths.items():
            for mode, config in (("quick", quick), ("full", full)):
                if mode == "full" and not (ctx.smoke or chapter in FULL_CHAPTERS):
                    continue
                seconds, failed = validate_seconds(path, config, home)
                ctx.log(f"  {chapter} ({mode}): {seconds:.1f} s, {failed} failed cells")
                if failed:
                    raise RuntimeError(f"Validate failed {failed} cells of finished {chapter}")
                figures.append(
                    Figure(f"validate.{chapter}.{mode}", f"Validate {chapter}, {mode} mode", "s",
                           [seconds], note="release with the reference answers, fresh kernel")
                )  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return figures
