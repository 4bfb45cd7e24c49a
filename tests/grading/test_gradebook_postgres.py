"""The gradebook on a real PostgreSQL server (a throw-away one on loopback, in a temp folder).

Skipped where PostgreSQL's server binaries (apt-get install postgresql) or psycopg2 are missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor.grade import gradebook
from course_utils.instructor.grade.result import Result
from course_utils.instructor.grade.scoring import CellResult

from . import fixtures

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
psycopg2 = pytest.importorskip("psycopg2", reason="pip install psycopg2-binary")


def _as_user() -> list[str]:
    """Prefix that runs the server as an unprivileged user (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running throw-away server; yields its SQLAlchemy URL."""
    if not BIN:
        pytest.skip("PostgreSQL server binaries missing (apt-get install postgresql)")
    # Not under pytest's tmp folder: the server's user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    os.chmod(base, 0o755)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = _as_user()
    if prefix:
        uid, gid = int(prefix[1].split("=")[1]), int(prefix[2].split("=")[1])
        for path in (base, sock):
            os.chown(path, uid, gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bindir = Path(BIN[-1])
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60",
         "-l", str(base / "log"), "start"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def _result(student: str, scores: dict[str, float]) -> Result:
    result = Result(student)
    for gid, score in scores.items():
        result.cells[gid] = CellResult(score, 2.0 if gid != "version_at_least_test" else 1.0)
    return result


def test_postgres_gradebook_keeps_manual_grades_across_runs(postgres: str) -> None:
    from nbgrader.api import Gradebook

    source = nbformat.read(str(fixtures.SOURCE), as_version=4)
    tests = [
        c.metadata["nbgrader"]["grade_id"]
        for c in source.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    ]
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
    tests = [
        c.metadata["nbgrader"]["grade_id"]
        for c in source.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    ]
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
