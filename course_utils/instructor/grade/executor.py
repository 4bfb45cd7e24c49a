"""Grade one submission in a sandboxed kernel (``run_job``, or ``python -m ... JOB.json``).

A grader worker process outside the sandbox grades each submission (student code runs only in
the kernel, so nothing it does can take the batch down). The layers, in order:

(a) the assembled notebook (:mod:`.repair`) holds the source's setup and test cells, the
    release's other cells and only the student's answer cells (cells a student added are
    dropped, with a note);
(b) the static scan (:mod:`.scan`) of those answer cells: a flagged submission is not run and
    gets 0 points with the status ``needs review`` (unless the instructor lists the student in
    ``reviewed``);
(c) one sandboxed kernel runs the grader's preamble (:mod:`.tamper`), then the notebook cell by
    cell, with the integrity check before every test cell and, as a user expression, at its end.

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
import queue
import re
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from ..notebook import assigned_names, role
from . import repair, sandbox, scan
from .result import DIED, GRADER, MALFORMED, MEMORY, REVIEW, TAMPER, TIMEOUT, Result, zero_result
from .scoring import CellResult, verdict
from .tamper import Tamper

_MEMORY_ERRORS = re.compile(r"MemoryError|can't allocate memory|std::bad_alloc|out of memory", re.I)


def scan_assembled(assembled: repair.Assembled) -> list[scan.Finding]:
    """Layer (b): the static scan of the answer cells about to run."""
    nb, origin = assembled.nb, assembled.origin
    setup = next((c.source for c in nb.cells if role(c) == "setup"), "")
    answers, trusted = [], []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if origin[index] == "student":
            answers.append((_label(nb, index), cell.source))
        elif role(cell) != "setup":
            trusted.append(cell.source)
    return scan.scan(answers, setup, trusted)


def _label(nb: NotebookNode, index: int) -> str:
    gid = (
        nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if index >= 0
        else None
    )
    return f"cell {gid}" if gid else f"code cell {index}"


def _signal_name(code: int | None) -> str:
    if code is None:
        return "unknown exit"
    number = -code if code < 0 else code - 128 if code > 128 else 0
    if number:
        try:
            return f"signal {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit code {code}"


_OUTPUT_BUDGET = 20_000_000  # characters of output kept per submission (a print loop is cheap)


def _client_class() -> type:
    """NotebookClient that stops storing stream and display output past a budget.

    Errors are always kept and streams keep their name (with a short excerpt) so the score is
    unchanged: the budget only protects the grader's memory from a student's print loop.
    """
    from nbclient import NotebookClient

    class BoundedClient(NotebookClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.used = 0
            self.truncated: set[tuple[int, str]] = set()
            self.replies: dict[int, dict] = {}
            self.on_cell_executed = self._record_reply

        def _record_reply(self, cell: Any, cell_index: int, execute_reply: dict) -> None:
            self.replies[cell_index] = execute_reply

        def execute_test_cell(self, cell: Any, index: int, expression: str) -> dict:
            """Run a test cell with ``expression`` as a user expression of the same request
            (and outside IPython's history); return the kernel's execute reply content."""
            kc = self.kc
            if kc is None:
                raise RuntimeError("execute_test_cell needs a started kernel")
            plain = kc.execute

            def execute(code: str, **kwargs: Any) -> str:
                return plain(code, **{**kwargs, "user_expressions": {"check": expression}})

            kc.execute = execute  # type: ignore[method-assign,assignment]  # undone below
            self.replies.pop(index, None)
            try:
                self.execute_cell(cell, index, store_history=False)
            finally:
                del kc.execute
            return self.replies.get(index, {}).get("content", {})

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            self.used += len(str(content.get("text", ""))) + len(str(content.get("data", "")))
            if self.used > _OUTPUT_BUDGET and msg.get("msg_type") in ("stream", "display_data"):
                if msg["msg_type"] == "display_data":
                    return None
                name = content.get("name", "stdout")
                if (cell_index, name) in self.truncated:
                    return None
                self.truncated.add((cell_index, name))
                text = str(content.get("text", ""))[:1000] + "\n[output truncated by the grader]\n"
                out = nbformat.v4.new_output("stream", name=name, text=text)
                outs.append(out)
                return out
            return super().output(outs, msg, display_id, cell_index)

    return BoundedClient


class _Run:
    """One kernel session for one submission."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.limits = sandbox.Limits(**job["limits"])
        self.tamper = Tamper()
        self.problems: list[str] = []
        self.deadline = time.monotonic() + self.limits.wall_seconds
        self.log = sys.stderr  # where the kernel's own stdout/stderr go (the job's log file)

    def kernel_manager(self, scratch: Path) -> Any:
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        caps = sandbox.Capabilities(**self.job["caps"])
        uid = self.job.get("uid")
        data = [Path(p) for p in self.job.get("data", [])]
        argv = sandbox.kernel_command(caps, self.limits, scratch, self.job["env"], uid, data=data)
        specs = Path(self.job["workdir"]) / "kernels"
        spec_dir = specs / "course-grader"
        spec_dir.mkdir(parents=True, exist_ok=True)
        spec = {"argv": argv, "display_name": "course grader", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        km = AsyncKernelManager(
            kernel_name="course-grader",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
            transport="ipc",
            ip=str(scratch / "k"),
            connection_file=str(scratch / "connection.json"),
        )
        km.write_connection_file()
        if uid is not None:
            os.chown(km.connection_file, uid, uid)
        return km

    def side(self, client: Any, code: str, expression: str | None) -> dict[str, Any]:
        """Execute grader code outside the notebook's cells; return the user-expression reply."""
        from jupyter_core.utils import run_sync
        from nbclient.exceptions import DeadKernelError

        async def go() -> dict[str, Any]:
            expressions = {"check": expression} if expression else {}
            msg_id = client.kc.execute(
                code, silent=True, store_history=False, user_expressions=expressions
            )
            while True:
                if self.deadline - time.monotonic() <= 0:
                    raise TimeoutError("grader side channel")
                try:
                    reply = await client.kc.get_shell_msg(timeout=2)
                except queue.Empty:
                    if not await client.km.is_alive():
                        raise DeadKernelError("Kernel died") from None
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]

        return run_sync(go)()

    def install(self, client: Any) -> None:
        """Run the preamble, hand it its key (a user expression), then remove its factory."""
        reply = self.side(client, self.tamper.preamble(), self.tamper.install_expression())
        answer = reply.get("user_expressions", {}).get("check", {})
        if answer.get("data", {}).get("text/plain") != repr(self.tamper.nonce):
            raise RuntimeError(f"the grader's preamble did not install: {reply}")
        self.side(client, self.tamper.cleanup, None)

    def record(self, answer: dict, token: str) -> bool:
        """Add the problems of one integrity-check answer; whether it was a clean answer."""
        found = self.tamper.parse(answer, token)
        self.problems.extend(p for p in found if p not in self.problems)
        return not found

    def check(self, client: Any, skip: set[str]) -> None:
        expression, token = self.tamper.check_expression(skip)
        content = self.side(client, "", expression)
        self.record(content.get("user_expressions", {}).get("check", {}), token)

    def free(self, client: Any, names: set[str]) -> None:
        """After a memory error: drop what the failing cell bound and the last traceback (its
        frames hold the memory), then collect, so later cells get their own budget."""
        code = (
            "import gc as __course_grader_gc, sys as __course_grader_sys\n"
            f"for __course_grader_n in {sorted(names)!r}:\n"
            "    globals().pop(__course_grader_n, None)\n"
            "for __course_grader_n in ('last_type', 'last_value', 'last_traceback', 'last_exc'):\n"
            "    setattr(__course_grader_sys, __course_grader_n, None)\n"
            "get_ipython().InteractiveTB.tb = None\n"
            "__course_grader_gc.collect()\n"
            "del __course_grader_gc, __course_grader_sys, __course_grader_n\n"
        )
        self.side(client, code, None)


def grade(job: dict[str, Any]) -> Result:
    """Grade the submission described by ``job`` (see :mod:`.batch` for its fields)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.monotonic()
    student = job["student"]
    source = nbformat.read(job["source"], as_version=4)
    release = nbformat.read(job["release"], as_version=4)
    try:
        cells = repair.read_submission(Path(job["submission"]))
    except repair.MalformedNotebook as err:
        return zero_result(student, source, MALFORMED, str(err))
    assembled = repair.assemble(source, release, cells)
    nb = assembled.nb
    findings = scan_assembled(assembled)
    if findings and student not in job.get("reviewed", []):
        shown = "; ".join(str(f) for f in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        result = zero_result(student, source, REVIEW, f"not run, for an instructor: {shown}{more}")
        result.notes = [*assembled.notes, *(str(f) for f in findings)]
        result.seconds = round(time.monotonic() - start, 2)
        return result
    scratch = Path(job["scratch"])
    sandbox.prepare_scratch(scratch, job.get("uid"))
    for asset in Path(job["release"]).parent.iterdir():
        if asset.name != Path(job["release"]).name and not asset.name.startswith("."):
            copy = shutil.copytree if asset.is_dir() else shutil.copy2
            copy(asset, scratch / asset.name)
    if job.get("uid") is not None:
        for path in scratch.rglob("*"):
            os.chown(path, job["uid"], job["uid"])

    run = _Run(job)
    km = run.kernel_manager(scratch)
    client = _client_class()(
        nb,
        km=km,
        timeout=run.limits.cell_timeout,
        allow_errors=True,
        interrupt_on_timeout=False,
        startup_timeout=180,
        resources={"metadata": {"path": str(scratch)}},
    )
    status, reason = "graded", ""
    test_ids: dict[int, str] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            test_ids[index] = meta["grade_id"]
    executed: set[int] = set()
    replies: dict[int, tuple[dict, bool]] = {}  # test cell -> (execute reply, clean end marker)
    seconds: dict[str, float] = {}
    timeouts: dict[str, float] = job.get("cell_timeouts", {})
    current = -1
    try:
        with client.setup_kernel(stdout=run.log, stderr=run.log):
            run.install(client)
            snapped = False
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                remaining = run.deadline - time.monotonic()
                if remaining <= 1:
                    status, reason = TIMEOUT, f"wall-clock limit ({run.limits.wall_seconds} s)"
                    break
                origin = assembled.origin[index]
                if not snapped and origin == "student":
                    run.side(client, "", run.tamper.snapshot_expression())
                    snapped = True
                if index in test_ids:
                    run.check(client, set())
                limit = float(timeouts.get(str(index), run.limits.cell_timeout))
                client.timeout = int(max(1, min(limit, remaining)))
                current = index
                began = time.monotonic()
                try:
                    if index in test_ids:
                        own = assigned_names(cell.source)
                        expression, token = run.tamper.check_expression(own)
                        reply = client.execute_test_cell(cell, index, expression)
                        answer = reply.get("user_expressions", {}).get("check")
                        clean = reply.get("status") == "ok" and run.record(answer or {}, token)
                        replies[index] = (reply, clean)
                    else:
                        client.execute_cell(cell, index)
                except CellTimeoutError:
                    status, reason = TIMEOUT, f"{_label(nb, index)} ran over {client.timeout} s"
                    break
                executed.add(index)
                seconds[str(index)] = round(time.monotonic() - began, 3)
                if origin != "student" and snapped and assigned_names(cell.source):
                    # a trusted cell may rebind guarded names: guard their new values
                    names = assigned_names(cell.source)
                    run.side(client, "", run.tamper.snapshot_expression(names))
                if index in test_ids and not replies[index][1]:
                    run.check(client, set())  # the cell failed: check on the side
                reply = client.replies.get(index, {}).get("content", {})
                text = f"{reply.get('ename', '')} {reply.get('evalue', '')}"
                if reply.get("status") == "error" and _MEMORY_ERRORS.search(text):
                    status, reason = MEMORY, f"memory limit reached in {_label(nb, index)}"
                    run.free(client, assigned_names(cell.source) if origin == "student" else set())
    except DeadKernelError:
        process = getattr(getattr(km, "provisioner", None), "process", None)
        code = process.poll() if process is not None else None
        status = DIED if status == "graded" else status
        what = _signal_name(code)
        if "SIGXCPU" in what:
            status, what = TIMEOUT, f"CPU-time limit ({run.limits.cpu_seconds} s)"
        reason = reason or f"kernel died ({what}) in {_label(nb, current)}"
    except TimeoutError:
        status, reason = TIMEOUT, f"wall-clock limit ({run.limits.wall_seconds} s)"
    finally:
        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - the kernel may already be gone
            pass
        sandbox.reap(job.get("uid"))

    result = Result(student, status=status, reason=reason, notes=assembled.notes)
    result.cell_seconds = seconds
    for index, gid in test_ids.items():
        points = float(nb.cells[index].metadata["nbgrader"].get("points", 0))
        if index in executed and index in replies:
            reply, clean = replies[index]
            result.cells[gid] = verdict(nb.cells[index], points, reply, clean)
        else:
            result.cells[gid] = CellResult(0.0, points, reason or "not run")
    if run.problems:
        result.status = TAMPER
        result.reason = "; ".join(run.problems[:4])
        for cell in result.cells.values():
            cell.score, cell.error = 0.0, f"tampering detected: {result.reason}"
    result.seconds = round(time.monotonic() - start, 2)
    out = Path(job["out"])
    nbformat.write(nb, str(out / "executed.ipynb"))
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
