"""The gradebook on a real PostgreSQL server (conftest's throw-away one on loopback).

Skipped where PostgreSQL's server binaries (apt-get install postgresql) or psycopg2 are missing.
"""

from __future__ import annotations

import nbformat

from course_utils.instructor.grade import gradebook
from course_utils.instructor.grade.result import Result
from course_utils.instructor.grade.scoring import CellResult

from . import fixtures


def _result(student: str, scores: dict[str, float]) -> Result:
    result = Result(student)
    for gid, score in scores.items():
        result.cells[gid] = CellResult(score, 2.0 if gid != "version_at_least_test" else 1.0)
    return result


def test_postgres_gradebook_keeps_manual_grades_across_runs(postgres: str) -> None:
    from nbgrader.api import Gradebook

    source = nbformat.read(str(fixtures.SOURCE), as_version=4)
    tests = fixtures.TEST_IDS
    full = {gid: (1.0 if gid == "version_at_least_test" else 2.0) for gid in tests}
    gradebook.record(postgres, "00_setup", source, [_result("ann", full), _result("bob", {})])
    scores = gradebook.read_scores(postgres, "00_setup")
    assert scores["ann"][:2] == (fixtures.FULL, fixtures.FULL)
    with Gradebook(postgres) as book:
        grade = book.find_grade(tests[0], "00_setup", "00_setup", "ann")
        grade.manual_score = 0.25
        book.db.commit()
    gradebook.record(postgres, "00_setup", source, [_result("ann", full)])  # a re-run
    assert gradebook.read_scores(postgres, "00_setup")["ann"][0] == fixtures.FULL - 1 + 0.25


def test_two_graders_at_once_lose_no_scores(postgres: str) -> None:
    """Two graders (separate connections) record different students at the same moment."""
    import threading

    source = nbformat.read(str(fixtures.SOURCE), as_version=4)
    tests = fixtures.TEST_IDS
    gradebook.record(postgres, "00_setup", source, [])  # the assignment exists, as after release
    classes = {
        "grader-1": [_result(f"a{i}", {gid: 1.0 for gid in tests}) for i in range(6)],
        "grader-2": [_result(f"b{i}", {tests[0]: 1.0}) for i in range(6)],
    }
    start = threading.Barrier(len(classes))
    errors: list[BaseException] = []

    def grade(results: list[Result]) -> None:
        try:
            start.wait(timeout=60)
            gradebook.record(postgres, "00_setup", source, results)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=grade, args=(r,)) for r in classes.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    scores = gradebook.read_scores(postgres, "00_setup")
    assert all(scores[f"a{i}"][0] == len(tests) for i in range(6))
    assert all(scores[f"b{i}"][0] == 1.0 for i in range(6))
