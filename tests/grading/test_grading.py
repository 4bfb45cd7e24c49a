"""`course grade` on adversarial submissions: every fixture gets exactly its expected score.

All fixtures are graded in one parallel batch (module fixture, through the real CLI) and the
tests read its results; tests that need no kernel (repairs, report, degrade) run on their own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor import cli
from course_utils.instructor.grade import batch, gradebook, repair, report, sandbox
from course_utils.instructor.grade.result import Result
from course_utils.instructor.grade.scoring import CellResult
from course_utils.instructor.grade.tamper import Tamper

from . import fixtures

pytestmark = pytest.mark.xdist_group("grading")
ASSIGNMENT = fixtures.CHAPTER
FIXTURES = fixtures.build(fixtures.ROOT)
CAPS = sandbox.probe()
needs_sandbox = pytest.mark.skipif(
    not CAPS.sandboxed, reason="bubblewrap missing: cheats would reach the course (see .ci/run)"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade every fixture once, in parallel, through ``course grade --from``."""
    if not CAPS.sandboxed:
        pytest.skip("bubblewrap missing")
    base = tmp_path_factory.mktemp("grading")
    paths = fixtures.write(FIXTURES, base / "download")
    before = {name: _digest(path) for name, path in paths.items()}
    course = fixtures.ROOT
    guarded = [course / "gradebook.db", course / "pwned.txt"]
    guarded_before = {p: _digest(p) for p in guarded}
    db = f"sqlite:///{base / 'gradebook.db'}"
    import os

    cwd = os.getcwd()
    os.chdir(course)
    try:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main(
                ["grade", ASSIGNMENT, "--from", str(base / "download"), "--jobs", "3",
                 "--db", db, "--output", str(base / "autograded"), "--cpu-seconds", "60",
                 "--memory-gb", "8", "--processes", "64", "--wall-seconds", "240",
                 "--cell-timeout", "45",
                 *(arg for f in FIXTURES if f.reviewed for arg in ("--reviewed", f.name))]
            )  # fmt: skip
    finally:
        os.chdir(cwd)
    results = {}
    for name in paths:
        data = json.loads((base / "autograded" / name / ASSIGNMENT / "grading.json").read_text())
        results[name] = Result.from_json(data)
    return {
        "code": code,
        "table": out.getvalue(),
        "results": results,
        "base": base,
        "db": db,
        "paths": paths,
        "before": before,
        "guarded_before": guarded_before,
    }


@needs_sandbox
@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_gets_its_expected_score(graded: dict, fixture: fixtures.Fixture) -> None:
    result = graded["results"][fixture.name]
    assert result.score == fixture.score and result.status in fixture.status.split("|"), (
        f"{fixture.name} ({fixture.why}): {result.reason} "
        f"{ {k: (c.score, c.error[:120]) for k, c in result.cells.items()} }"
    )
    assert result.max_score == fixtures.FULL
    if result.status != "graded":
        assert result.reason, "a submission not graded normally must say why"


# Graded, ungraded (the release), wrong, noisy and two that never reach a kernel.
SHARDED = ["honest", "empty", "wrong", "honest_prints", "invalid_json", "not_a_notebook"]


def _grade_shard(download: Path, output: Path, db: str, part: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "course_utils.instructor.cli", "grade", ASSIGNMENT,
        "--from", str(download), "--shard", part, "--jobs", "1", "--db", db,
        "--output", str(output), "--cpu-seconds", "60", "--memory-gb", "8",
        "--processes", "64", "--wall-seconds", "240", "--cell-timeout", "45",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=fixtures.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _rows(db: str) -> tuple[int, int]:
    """(submissions, grades) of the assignment in the gradebook: doubled rows would show."""
    from nbgrader.api import Gradebook

    with Gradebook(db) as book:
        submissions = book.assignment_submissions(ASSIGNMENT)
        grades = sum(len(s.notebooks[0].grades) for s in submissions)
        return len(submissions), grades


@needs_sandbox
def test_two_shards_at_once_grade_each_student_once_into_one_gradebook(
    graded: dict, postgres: str, tmp_path: Path
) -> None:
    """`course grade --shard 1/2` and `2/2` at the same time, into one PostgreSQL gradebook,
    give the scores of the single unsharded run (the `graded` batch), with no lost or doubled
    rows; a re-run of a shard changes nothing."""
    download = tmp_path / "download"
    download.mkdir()
    for name in SHARDED:
        shutil.copy(graded["paths"][name], download / f"{name}.ipynb")
    shards = [_grade_shard(download, tmp_path / "out", postgres, f"{k}/2") for k in (1, 2)]
    logs = [shard.communicate(timeout=1200)[0] for shard in shards]
    assert [shard.returncode for shard in shards] == [0, 0], "\n".join(logs)
    owned = [[n for n in SHARDED if f"graded {n}:" in log] for log in logs]
    assert owned[0] and owned[1], f"a shard got nobody, the test proves nothing: {owned}"
    assert sorted(owned[0] + owned[1]) == sorted(SHARDED), owned  # each exactly once

    scores = gradebook.read_scores(postgres, ASSIGNMENT)
    unsharded = {n: graded["results"][n].score for n in SHARDED}
    assert {n: scores[n][0] for n in scores} == unsharded
    rows = _rows(postgres)
    assert rows == (len(SHARDED), len(SHARDED) * len(fixtures.TEST_IDS)), rows

    again = _grade_shard(download, tmp_path / "out", postgres, "1/2")
    assert again.communicate(timeout=1200)[0] and again.returncode == 0
    assert {n: s[0] for n, s in gradebook.read_scores(postgres, ASSIGNMENT).items()} == unsharded
    assert _rows(postgres) == rows


@needs_sandbox
def test_batch_succeeds_and_reports_every_student(graded: dict) -> None:
    assert graded["code"] == 0, graded["table"]
    for fixture in FIXTURES:
        assert fixture.name in graded["table"]
    assert "kernel died" in graded["table"] and "tampering detected" in graded["table"]


@needs_sandbox
def test_reference_run_sets_each_cells_time_limit(graded: dict) -> None:
    """The source scored full marks first, and its cell times bound an endless loop's cost."""
    full = fixtures.FULL  # the source notebook's total, not a typed 9
    assert f"reference solution: {full:g}/{full:g}" in graded["table"], graded["table"]
    loop = graded["results"]["infinite_loop"]
    limit = float(loop.reason.split(" ran over ")[1].split(" s")[0])
    assert batch.CELL_FLOOR_S <= limit < 45, loop.reason  # 45: the --cell-timeout cap


def test_cell_time_limits_follow_the_reference_with_a_floor_and_a_cap() -> None:
    reference = Result("ref", cell_seconds={"3": 0.01, "5": 4.0, "7": 500.0})
    limits = batch.cell_timeouts(reference, cap=900)
    assert limits == {"3": batch.CELL_FLOOR_S, "5": 40.0, "7": 900}


@needs_sandbox
def test_submissions_and_course_are_untouched(graded: dict) -> None:
    after = {name: _digest(path) for name, path in graded["paths"].items()}
    assert after == graded["before"], "submissions must never be modified in place"
    for path, digest in graded["guarded_before"].items():
        assert _digest(path) == digest, f"a student changed {path}"


@needs_sandbox
def test_sandbox_hid_the_course_from_the_snoop(graded: dict) -> None:
    executed = graded["base"] / "autograded" / "fs_snoop" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = "".join(
        o.get("text", "")
        for c in nbformat.read(str(executed), as_version=4).cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "WROTE" not in text
    assert "solutions'" in text and "FileNotFoundError" in text, text
    for name in ("00_setup.ipynb", "gradebook.db", "pwned.txt"):
        assert f"'{name}'" not in text, f"the sandbox listed {name}: {text}"


@needs_sandbox
def test_gradebook_holds_scores_and_keeps_manual_grades(graded: dict) -> None:
    db = graded["db"]
    scores = gradebook.read_scores(db, ASSIGNMENT)
    for fixture in FIXTURES:
        assert scores[fixture.name][:2] == (fixture.score, fixtures.FULL)
    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE grade SET manual_score = 0.5 WHERE id IN (SELECT grade.id FROM grade "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = "
            "submitted_assignment.id WHERE submitted_assignment.student_id = 'honest')"
        )
    source = nbformat.read(str(fixtures.SOURCE), as_version=4)
    again = graded["results"]["honest"]
    gradebook.record(db, ASSIGNMENT, source, [again])  # a re-run of grading
    assert gradebook.read_scores(db, ASSIGNMENT)["honest"][0] == 0.5 * 5  # manual grades win


@needs_sandbox
def test_feedback_never_contains_hidden_tests(graded: dict) -> None:
    base = graded["base"]
    code = cli.main(
        ["feedback", ASSIGNMENT, "--autograded", str(base / "autograded"),
         "--output", str(base / "feedback")]
    )  # fmt: skip
    assert code == 0
    source = nbformat.read(str(fixtures.SOURCE), as_version=4)
    release = nbformat.read(str(fixtures.RELEASE), as_version=4)
    visible = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    hidden = []
    for cell in source.cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            block = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden += [
                line.strip()
                for line in block.splitlines()
                if len(line.strip()) > 25 and line.strip() not in visible
            ]
    assert hidden
    pages = list((base / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))
    assert len(pages) == len(FIXTURES)
    import html

    for page in pages:
        text = html.unescape(page.read_text())
        assert "HIDDEN TESTS" not in text
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: hidden test lines leaked: {leaked[:3]}"
    honest = html.unescape(
        (base / "feedback" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    )
    # Full marks, whatever the chapter's points add up to: read them from the source notebook.
    graded_cells = [c.metadata.get("nbgrader", {}) for c in source.cells]
    max_points = sum(meta.get("points", 0) for meta in graded_cells if meta.get("grade"))
    assert max_points > 0
    assert f"Score: {max_points:g} / {max_points:g}" in honest


def _release_and_source() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    return (
        nbformat.read(str(fixtures.RELEASE), as_version=4),
        nbformat.read(str(fixtures.SOURCE), as_version=4),
    )


def test_repair_takes_tests_from_the_source_and_answers_from_the_submission(tmp_path: Path) -> None:
    release, source = _release_and_source()
    submission = json.loads(next(f for f in FIXTURES if f.name == "reordered").text)
    submission["cells"] = [
        c for c in submission["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    ]
    submission["cells"].append({"cell_type": "code", "source": "helper = 1", "metadata": {}})
    built = repair.assemble(source, release, submission["cells"])
    test_sources = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in built.nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    }
    for cell in source.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            assert test_sources[cell.metadata["nbgrader"]["grade_id"]] == cell.source
    assert any("missing: restored" in n for n in built.notes)
    assert any("reordered" in n for n in built.notes)
    assert all("helper = 1" not in c.source for c in built.nb.cells), "added cells are not run"
    assert any("1 code cell(s) you added were not run" in n for n in built.notes)
    assert built.origin.count("student") == len(submission["cells"]) - 1


def test_unreadable_submission_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(repair.MalformedNotebook, match="not valid notebook JSON"):
        repair.read_submission(bad)


def test_forged_or_missing_integrity_answers_are_tampering() -> None:
    import hashlib
    import hmac

    tamper = Tamper()
    _, token = tamper.check_expression()

    def answer(payload: dict, key: bytes = tamper.key) -> dict:
        text = json.dumps(payload)
        mac = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
        return {
            "status": "ok",
            "data": {"text/plain": repr(json.dumps({"payload": text, "mac": mac}))},
        }

    assert tamper.parse(answer({"token": token, "problems": []}), token) == []
    assert tamper.parse(answer({"token": token, "problems": ["x was replaced"]}), token) == [
        "x was replaced"
    ]
    echoed = answer({"token": token, "problems": []}, key=b"a guess")
    assert tamper.parse(echoed, token) == ["the grader's integrity check answer was forged"]
    old = answer({"token": "an earlier token", "problems": []})
    assert tamper.parse(old, token) == ["the grader's integrity check answer was replayed"]
    plain = {"status": "ok", "data": {"text/plain": repr(json.dumps({"token": token}))}}
    assert tamper.parse(plain, token) == ["the grader's integrity check returned garbage"]
    assert tamper.parse({"status": "error"}, token)
    assert tamper.key.hex() not in tamper.preamble(), "the key never travels in cell source"


def test_without_bubblewrap_grading_refuses_or_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = sandbox.Capabilities(
        bwrap=None, prlimit="/usr/bin/prlimit", setpriv=None, is_root=True
    )
    monkeypatch.setattr(sandbox, "probe", lambda: missing)
    from course_utils.instructor import config

    with pytest.raises(batch.GradingError, match="allow-unsandboxed"):
        batch.grade_class(config.load(fixtures.ROOT), ASSIGNMENT, {}, jobs=1)
    result = batch.grade_class(
        config.load(fixtures.ROOT), ASSIGNMENT, {}, jobs=1, allow_unsandboxed=True
    )
    assert "NOT SANDBOXED" in report.table(result)


# bubblewrap options kernel_command may use, with how many arguments each takes. Anything else
# (--dev-bind, --bind-try, --share-net, a bind of "/") fails the allow-list test below.
_BWRAP_OPTIONS = {
    "--die-with-parent": 0, "--new-session": 0, "--unshare-pid": 0, "--unshare-net": 0,
    "--unshare-ipc": 0, "--unshare-uts": 0, "--unshare-user": 0, "--dev": 1, "--proc": 1,
    "--perms": 1, "--dir": 1, "--chdir": 1, "--symlink": 2, "--bind": 2, "--ro-bind": 2,
}  # fmt: skip
# What the kernel may read, written out here rather than taken from sandbox.py, so that widening
# the sandbox's list fails this test: system folders and files, then (below) the Python install,
# the venv, course_utils' package and the data folders asked for.
_SYSTEM_READABLE = {
    "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/etc/alternatives", "/etc/ssl", "/etc/fonts",
    "/opt/conda", "/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group",
}  # fmt: skip


def _bwrap_mounts(argv: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(read-only binds, writable binds) of a bubblewrap argv; fails on any other option."""
    assert argv[0] == "/usr/bin/bwrap", argv[:3]
    read_only, writable = [], []
    i = 1
    while argv[i] != "--":
        option = argv[i]
        assert option in _BWRAP_OPTIONS, f"unexpected bubblewrap option {option!r}"
        arity = _BWRAP_OPTIONS[option]
        if option == "--ro-bind":
            read_only.append((argv[i + 1], argv[i + 2]))
        elif option == "--bind":
            writable.append((argv[i + 1], argv[i + 2]))
        i += 1 + arity
    return read_only, writable


def test_kernel_command_binds_only_an_allow_list_and_applies_limits(tmp_path: Path) -> None:
    import sys
    import sysconfig

    import course_utils

    caps = sandbox.Capabilities("/usr/bin/bwrap", "/usr/bin/prlimit", "/usr/bin/setpriv", True)
    limits = sandbox.Limits(cpu_seconds=7, memory_bytes=2**30, processes=9)
    scratch = tmp_path / "s"
    data = tmp_path / "data"
    data.mkdir()
    argv = sandbox.kernel_command(caps, limits, scratch, {"HOME": "/x"}, 61000, data=[data])
    joined = " ".join(argv)
    assert "--unshare-net" in argv and "--unshare-pid" in argv
    assert "--cpu=7:12" in argv and f"--as={2**30}" in argv and "--nproc=9" in argv
    assert "--reuid=61000" in argv
    assert "NBGRADER_EXECUTION" not in joined

    read_only, writable = _bwrap_mounts(argv)
    # Writable: exactly the scratch folder, and its tmp/ as /tmp.
    expected = [(str(scratch / "tmp"), "/tmp"), (str(scratch), str(scratch))]
    assert sorted(writable) == sorted(expected), f"writable binds {writable}"
    # Read-only: each folder at its own place, and only folders on the allow-list.
    python = {Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.prefix).resolve()}
    python |= {Path(p).resolve() for p in sysconfig.get_paths().values()}
    allowed = _SYSTEM_READABLE | {str(p) for p in python}
    allowed |= {str(Path(course_utils.__file__).resolve().parent), str(data)}
    sources = [source for source, target in read_only]
    assert all(source == target for source, target in read_only), read_only
    assert set(sources) <= allowed, f"bound outside the allow-list: {set(sources) - allowed}"
    # What grading needs is there: the venv, course_utils, the data, the system.
    wanted = [Path(sys.prefix), Path(course_utils.__file__).resolve().parent, data, Path("/usr")]
    for path in wanted:
        assert any(path.is_relative_to(source) for source in sources), f"{path} is not bound"
    # And nothing bound holds the course, its solutions, submissions or gradebook.
    root = fixtures.ROOT
    secrets = [root, root / "solutions", root / "submitted", root / "gradebook.db", Path.home()]
    for source, _ in read_only + writable:
        for secret in secrets:
            assert not secret.is_relative_to(source), f"{source} is bound: it holds {secret}"
        assert not Path(source).is_relative_to(root / "solutions")
        assert not Path(source).is_relative_to(root / "submitted")


def test_report_states_reasons() -> None:
    result = Result("ann", status="timeout", reason="cell x ran over 5 s")
    result.cells["t"] = CellResult(0.0, 2.0, "cell x ran over 5 s")
    text = report.table(batch.Batch("00_setup", {"ann": result}, ["careful"], 1.0, 2))
    assert "ann" in text and "timeout" in text and "ran over" in text and "careful" in text


def test_submissions_are_found_in_both_layouts(tmp_path: Path) -> None:
    from course_utils.instructor.config import CourseConfig

    course = CourseConfig(root=tmp_path, repository="https://github.com/o/n")
    for student in ("ann", "bob"):
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    (tmp_path / "submitted" / "eve" / "other").mkdir(parents=True)  # another assignment only
    found = batch.find_submissions(course, ASSIGNMENT, None)
    assert sorted(found) == ["ann", "bob"]
    download = tmp_path / "lms"
    download.mkdir()
    (download / "s123.ipynb").write_text("{}")
    (download / "notes.txt").write_text("")
    assert list(batch.find_submissions(course, ASSIGNMENT, download)) == ["s123"]


def test_output_flood_is_truncated_but_errors_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from course_utils.instructor.grade import session

    monkeypatch.setattr(session, "_OUTPUT_BUDGET", 10)
    client = session._client_class()(nbformat.v4.new_notebook())
    outs: list = []
    flood = {"msg_type": "stream", "content": {"name": "stdout", "text": "x" * 100}}
    for _ in range(3):
        client.output(outs, {**flood, "parent_header": {}}, None, 0)
    assert len(outs) == 1 and "truncated" in outs[0]["text"] and len(outs[0]["text"]) < 1100


def test_failures_in_hidden_tests_do_not_show_their_inputs() -> None:
    from course_utils.instructor.grade.scoring import _in_hidden_tests

    source = "check(a)\n### BEGIN HIDDEN TESTS\ncheck(secret_input)\n### END HIDDEN TESTS\nok()"
    assert _in_hidden_tests(source, ["\x1b[36mCell In[5], line 3\x1b[39m"])
    assert not _in_hidden_tests(source, ["Cell In[5], line 1"])
    assert not _in_hidden_tests("check(a)", ["Cell In[5], line 1"])


def test_course_under_tmp_stays_visible_in_the_sandbox(tmp_path: Path) -> None:
    """A clone under /tmp (as in CI): /tmp is mounted first, so the venv's bind lands on top."""
    caps = sandbox.probe()
    if not caps.bwrap:
        pytest.skip("bubblewrap not installed")
    argv = sandbox.kernel_command(caps, sandbox.Limits(), tmp_path / "s", {}, None)
    tmp_mount = argv.index("/tmp", argv.index("--bind"))
    later = [argv[i + 2] for i, a in enumerate(argv) if a == "--ro-bind" and i > tmp_mount]
    earlier = [argv[i + 2] for i, a in enumerate(argv) if a == "--ro-bind" and i < tmp_mount]
    assert not any(p.startswith("/tmp") for p in earlier), earlier
    assert set(map(str, sandbox.readable_roots())) <= set(later)
