"""Seconds per submission: `course grade --jobs J` against nbgrader's serial autograde.

Run: ``python -m tests.grading.bench_grading [--students 8] [--jobs 2]`` from the course root.
Both grade the same class (copies of the honest chapter-00 fixture) in scratch folders; the
instructor's gradebook is never touched.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from course_utils.instructor import autograde, config
from course_utils.instructor.grade import batch

from . import fixtures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=8, help="class size (8)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for course grade (2)")
    args = parser.parse_args()
    course = config.load(fixtures.ROOT)
    honest = next(f for f in fixtures.build(fixtures.ROOT) if f.name == "honest")
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        folder = work / "download"
        folder.mkdir()
        subs = {}
        for i in range(args.students):
            path = folder / f"student{i:02d}.ipynb"
            path.write_text(honest.text, encoding="utf-8")
            subs[path.stem] = path
        start = time.monotonic()
        scores = autograde.autograde(course, fixtures.CHAPTER, subs, work / "nbgrader")
        serial = time.monotonic() - start
        assert all(s.score == fixtures.FULL for s in scores.values())
        start = time.monotonic()
        result = batch.grade_class(
            course, fixtures.CHAPTER, subs, jobs=args.jobs, output=work / "autograded"
        )
        parallel = time.monotonic() - start
        assert all(r.score == fixtures.FULL for r in result.results.values())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = args.students
    print(f"nbgrader autograde (serial):      {serial:6.1f} s = {serial / n:5.2f} s/submission")
    print(
        f"course grade --jobs {args.jobs} (sandboxed): {parallel:6.1f} s = "
        f"{parallel / n:5.2f} s/submission; speed-up x{serial / parallel:.2f}"
    )


if __name__ == "__main__":
    main()
