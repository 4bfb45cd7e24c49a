"""The authoring -> release -> grading pipeline, proven for every chapter in solutions/.

Per chapter: the source passes `course check`; notebooks/ is exactly what `course build` makes now;
the solution executes under nbval in quick mode; real nbgrader autograding gives the solution full
marks and the release zero; the release fails only with NotImplementedError; every recorded
mutant (known-wrong answer; `course check` wants four per exercise) is rejected by its tests.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.instructor import autograde, build, execution, lint, mutants, notebook
from course_utils.instructor.config import load

CONFIG = load(Path(__file__).resolve().parents[2])
CHAPTERS = CONFIG.chapters()

pytestmark = pytest.mark.pipeline


_graded: dict[str, dict[str, autograde.SubmissionScore]] = {}


class ChapterPipeline:
    """The pipeline tests of one chapter; a subclass per chapter is made below.

    One class per chapter lets `pytest -n 2 --dist loadscope` keep a chapter on one worker, so
    its nbgrader run (the slowest step) happens once and is shared by the tests that read it.
    """

    chapter: str

    @pytest.fixture
    def graded(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> dict[str, autograde.SubmissionScore]:
        """nbgrader's scores for the solution and the release of the chapter (computed once)."""
        chapter = self.chapter
        if chapter not in _graded:
            workdir = tmp_path_factory.mktemp(f"grade-{chapter}")
            submissions = {
                "solution": CONFIG.source_notebook(chapter),
                "release": CONFIG.release_notebook(chapter),
            }
            _graded[chapter] = autograde.autograde(CONFIG, chapter, submissions, workdir)
        return _graded[chapter]

    def test_source_passes_course_check(self) -> None:
        problems = lint.check_course(CONFIG, [self.chapter])
        assert not problems, "\n".join(problems)

    def test_release_is_what_course_build_generates(self, tmp_path: Path) -> None:
        chapter = self.chapter
        source = notebook.read(CONFIG.source_notebook(chapter))
        stamped = build.stamp(notebook.read(CONFIG.source_notebook(chapter)), CONFIG, chapter)
        assert stamped == source, (
            f"solutions/{chapter} is not stamped: run `course build {chapter}`"
        )
        build.generate_release(CONFIG, [chapter], tmp_path)
        comparison = filecmp.dircmp(
            tmp_path / chapter, CONFIG.notebooks / chapter, ignore=["__pycache__"]
        )
        differ = comparison.diff_files + comparison.left_only + comparison.right_only
        assert not differ, (
            f"notebooks/{chapter} is out of date ({differ}): run `course build {chapter}`"
        )

    def test_solution_executes_under_nbval(self) -> None:
        command = [
            sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
            "--nbval-cell-timeout=900", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
            str(CONFIG.source_notebook(self.chapter)),
        ]  # fmt: skip
        result = subprocess.run(
            command, cwd=CONFIG.root, env=execution.quick_env(), capture_output=True, text=True
        )
        assert result.returncode == 0, (
            f"nbval failed for {self.chapter}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
        )

    def test_solution_gets_full_marks(self, graded: dict) -> None:
        solution = graded["solution"]
        lost = {
            g: (c.score, c.max_score) for g, c in solution.cells.items() if c.score != c.max_score
        }
        assert solution.cells, f"{self.chapter}: nbgrader found no graded cells"
        assert not lost, (
            f"{self.chapter}: the solution lost points in {lost}; see {solution.executed}"
        )

    def test_release_gets_zero(self, graded: dict) -> None:
        release = graded["release"]
        scored = {g: c.score for g, c in release.cells.items() if c.score != 0}
        assert release.cells and release.max_score == graded["solution"].max_score
        assert not scored, f"{self.chapter}: the empty release scores points in {scored}"

    def test_release_raises_only_not_implemented(self, graded: dict) -> None:
        problems = autograde.unexpected_errors(graded["release"].executed)
        assert not problems, f"{self.chapter}: the release fails with other errors:\n" + "\n".join(
            problems
        )

    def test_every_mutant_is_rejected(self) -> None:
        mutant_file = CONFIG.mutant_file(self.chapter)
        results = mutants.run_mutants(
            CONFIG.source_notebook(self.chapter), mutants.load_mutants(mutant_file)
        )
        survivors = [f"{r.grade_id}: {r.why}" for r in results if not r.killed]
        assert results, f"{self.chapter}: no mutants ran"
        assert not survivors, (
            f"{self.chapter}: mutants accepted by the tests (tests too weak):\n"
            + "\n".join(survivors)
        )


def test_there_are_chapters() -> None:
    assert CHAPTERS, "no chapter found under solutions/"


for _chapter in CHAPTERS:
    _name = f"TestChapter_{_chapter}"  # keeps `-k 01_tensors` working
    globals()[_name] = type(_name, (ChapterPipeline,), {"chapter": _chapter})
