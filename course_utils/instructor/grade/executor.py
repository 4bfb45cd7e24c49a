"""Grade one submission in a sandboxed kernel (``run_job``, or ``python -m ... JOB.json``).

A grader worker process outside the sandbox grades each submission (student code runs only in
the kernel, so nothing it does can take the batch down). The layers, in order:

(a) the assembled notebook (:mod:`.repair`) holds the source's setup and test cells, the
    release's other cells and only the student's answer cells (cells a student added are
    dropped, with a note);
(b) the static scan (:mod:`.scan`) of those answer cells: a flagged submission is not run and
    gets 0 points with the status ``needs review`` (unless the instructor lists the student in
    ``reviewed``);
(c) one sandboxed kernel (:mod:`.session`) runs the grader's preamble (:mod:`.tamper`), then
    the notebook cell by cell (:mod:`.cells`), with the integrity check before every test cell
    and, as a user expression, at its end.

A test cell passes when the kernel's execute reply says ``ok`` and the integrity check, which
ipykernel evaluates only after the cell's code ran to its end, answers with the fresh token
(:func:`.scoring.verdict`). Error outputs, stderr and IPython's exception display play no part:
a custom exception handler cannot turn a failure into a pass, and warnings, logging or tqdm
cannot turn a pass into a failure. After a memory error the names the failing cell bound and
the last traceback are dropped and garbage is collected, so later exercises run with their own
memory. The result is a JSON file beside the job; the executed notebook (which holds hidden
tests: instructor only) is written beside it.

The kernel never sees ``NBGRADER_EXECUTION``: a notebook that behaves differently when graded by
nbgrader is graded the way it behaves for the student (the variable is never revealed, rather
than compared across two runs, which would double the cost of grading).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from ..notebook import role
from . import repair, sandbox, scan
from .cells import Outcome, execute, label
from .result import GRADER, MALFORMED, REVIEW, TAMPER, Result, zero_result
from .scoring import CellResult, verdict
from .session import KernelSession


def scan_assembled(assembled: repair.Assembled) -> list[scan.Finding]:
    """Layer (b): the static scan of the answer cells about to run."""
    nb, origin = assembled.nb, assembled.origin
    setup = next((c.source for c in nb.cells if role(c) == "setup"), "")
    answers, trusted = [], []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if origin[index] == "student":
            answers.append((label(nb, index), cell.source))
        elif role(cell) != "setup":
            trusted.append(cell.source)
    return scan.scan(answers, setup, trusted)


def grade(job: dict[str, Any]) -> Result:
    """Grade the submission described by ``job`` (see :mod:`.batch` for its fields)."""
    start = time.monotonic()
    student = job["student"]
    source = nbformat.read(job["source"], as_version=4)
    release = nbformat.read(job["release"], as_version=4)
    try:
        cells = repair.read_submission(Path(job["submission"]))
    except repair.MalformedNotebook as err:
        return zero_result(student, source, MALFORMED, str(err))
    assembled = repair.assemble(source, release, cells)
    findings = scan_assembled(assembled)
    if findings and student not in job.get("reviewed", []):
        return _needs_review(student, source, assembled, findings, start)
    scratch = Path(job["scratch"])
    _stage_scratch(job, scratch)
    session = KernelSession(job)
    test_ids = _test_ids(assembled.nb)
    outcome = execute(session, assembled, scratch, test_ids, job.get("cell_timeouts", {}))
    result = _score(student, assembled, test_ids, outcome, session.problems)
    result.seconds = round(time.monotonic() - start, 2)
    nbformat.write(assembled.nb, str(Path(job["out"]) / "executed.ipynb"))
    return result


def _needs_review(
    student: str,
    source: NotebookNode,
    assembled: repair.Assembled,
    findings: list[scan.Finding],
    start: float,
) -> Result:
    """Layer (b) flagged the answers: 0 points, not run, the findings as the reason."""
    shown = "; ".join(str(f) for f in findings[:5])
    more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
    result = zero_result(student, source, REVIEW, f"not run, for an instructor: {shown}{more}")
    result.notes = [*assembled.notes, *(str(f) for f in findings)]
    result.seconds = round(time.monotonic() - start, 2)
    return result


def _stage_scratch(job: dict[str, Any], scratch: Path) -> None:
    """The kernel's scratch folder, with the release's assets (data files, helper folders)."""
    sandbox.prepare_scratch(scratch, job.get("uid"))
    for asset in Path(job["release"]).parent.iterdir():
        if asset.name != Path(job["release"]).name and not asset.name.startswith("."):
            copy = shutil.copytree if asset.is_dir() else shutil.copy2
            copy(asset, scratch / asset.name)
    if job.get("uid") is not None:
        for path in scratch.rglob("*"):
            os.chown(path, job["uid"], job["uid"])


def _test_ids(nb: NotebookNode) -> dict[int, str]:
    """Cell index -> grade id of every graded test cell."""
    test_ids: dict[int, str] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            test_ids[index] = meta["grade_id"]
    return test_ids


def _score(
    student: str,
    assembled: repair.Assembled,
    test_ids: dict[int, str],
    outcome: Outcome,
    problems: list[str],
) -> Result:
    """Each test cell's verdict (0 for cells not run); all 0 when tampering was detected."""
    nb = assembled.nb
    result = Result(student, status=outcome.status, reason=outcome.reason, notes=assembled.notes)
    result.cell_seconds = outcome.seconds
    for index, gid in test_ids.items():
        points = float(nb.cells[index].metadata["nbgrader"].get("points", 0))
        if index in outcome.executed and index in outcome.replies:
            reply, clean = outcome.replies[index]
            result.cells[gid] = verdict(nb.cells[index], points, reply, clean)
        else:
            result.cells[gid] = CellResult(0.0, points, outcome.reason or "not run")
    if problems:
        result.status = TAMPER
        result.reason = "; ".join(problems[:4])
        for cell in result.cells.values():
            cell.score, cell.error = 0.0, f"tampering detected: {result.reason}"
    return result


def run_job(job_path: str) -> None:
    """Grade one job in this (worker) process, with all output in the job's ``grader.log``."""
    import contextlib

    log_path = Path(job_path).parent / "grader.log"
    with (
        log_path.open("a") as log,
        contextlib.redirect_stderr(log),
        contextlib.redirect_stdout(log),
    ):
        main([job_path])


def main(argv: list[str] | None = None) -> int:
    """Entry point: grade the job in ``argv[0]`` and write ``result.json`` beside it."""
    args = argv if argv is not None else sys.argv[1:]
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    out = Path(job["out"])
    for attempt in (1, 2):  # a kernel that fails to start (before any student code) gets a retry
        try:
            result = grade(job)
        except Exception as err:  # noqa: BLE001 - recorded as a grader failure for this student
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
            source = nbformat.read(job["source"], as_version=4)
            result = zero_result(job["student"], source, GRADER, f"{type(err).__name__}: {err}")
            log = Path(job["out"]) / "grader.log"
            if log.is_file():
                result.notes.append(f"attempt {attempt}: " + log.read_text(errors="replace")[-600:])
        finally:
            shutil.rmtree(job["scratch"], ignore_errors=True)
        if result.status != GRADER:
            break
    (out / "result.json").write_text(json.dumps(result.to_json(), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
