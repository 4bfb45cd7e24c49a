"""Find a class's submissions and grade them in parallel in warm grader worker processes.

Before any student, the batch grades the source notebook itself (the reference solution) in
the same sandbox. It must score full marks (else the environment is broken and nothing is
graded), and its measured cell times set each cell's time limit for the class:
``min(--cell-timeout, max(CELL_FLOOR_S, CELL_FACTOR x reference seconds))``. An endless loop
in a quick exercise then costs its student ``CELL_FLOOR_S`` seconds, not the 15-minute cap,
while a cell that trains for minutes keeps room for a slower (correct) answer.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import CourseConfig
from . import sandbox
from .executor import run_job
from .result import GRADER, Result, zero_result

REFERENCE = "(reference solution)"
CELL_FLOOR_S = 20.0
CELL_FACTOR = 10.0


def cell_timeouts(reference: Result, cap: float) -> dict[str, float]:
    """Each code cell's time limit from the reference run's measured seconds (see above)."""
    return {
        index: round(min(cap, max(CELL_FLOOR_S, CELL_FACTOR * seconds)), 1)
        for index, seconds in reference.cell_seconds.items()
    }


class GradingError(RuntimeError):
    """The grading itself failed (not a student's code): nothing usable was produced."""


@dataclass
class Batch:
    """The outcome of grading a class."""

    assignment: str
    results: dict[str, Result] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1
    reference: Result | None = None
    timeouts: dict[str, float] = field(default_factory=dict)


def find_submissions(config: CourseConfig, assignment: str, source: Path | None) -> dict[str, Path]:
    """``{student: notebook}`` from nbgrader's submitted/ layout or a flat folder (``--from``)."""
    found: dict[str, Path] = {}
    if source is not None:
        if not source.is_dir():
            raise GradingError(f"--from {source}: not a folder")
        for path in sorted(source.glob("*.ipynb")):
            found[path.stem] = path
        return found
    submitted = config.submitted
    for student_dir in sorted(submitted.iterdir()) if submitted.is_dir() else []:
        path = student_dir / assignment / f"{assignment}.ipynb"
        if path.is_file():
            found[student_dir.name] = path
    return found


def grading_env(scratch: Path, threads: int) -> dict[str, str]:
    """The whole environment of a grading kernel (nothing else of the grader's leaks in)."""
    env = {
        "HOME": str(scratch),
        "TMPDIR": "/tmp",
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "IPYTHONDIR": str(scratch / ".ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    for key in ("COURSE_QUICK", "COURSE_OFFLINE", "COURSE_DATA_DIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    # The kernel's HOME is its scratch folder: point it at the grader's data root instead.
    env["COURSE_DATA_ROOT"] = str(data_folders()[0])
    return env


def data_folders() -> list[Path]:
    """The data sets the kernel may read: the torchvision root and the staged folder."""
    root = os.environ.get("COURSE_DATA_ROOT") or "~/.cache/pytorch-course/data"  # as data.py
    folders = [Path(root).expanduser().resolve()]
    if os.environ.get("COURSE_DATA_DIR"):
        folders.append(Path(os.environ["COURSE_DATA_DIR"]).expanduser().resolve())
    return folders


def grade_class(
    config: CourseConfig,
    assignment: str,
    submissions: dict[str, Path],
    *,
    jobs: int = 1,
    limits: sandbox.Limits | None = None,
    allow_unsandboxed: bool = False,
    output: Path | None = None,
    progress: Callable[[Result], None] | None = None,
    reviewed: frozenset[str] = frozenset(),
    reference: bool = True,
) -> Batch:
    """Grade every submission; per-student failures are results, never exceptions.

    ``reviewed`` names students whose code an instructor has read: the static scan does not
    stop them (the sandbox and the integrity check still apply). ``reference=False`` skips the
    reference run (then every cell gets ``limits.cell_timeout``).
    """
    source = config.source_notebook(assignment)
    release = config.release_notebook(assignment)
    for path, what in ((source, "source"), (release, "release (run `course build`)")):
        if not path.is_file():
            raise GradingError(f"no {what} notebook {path}")
    caps = sandbox.probe()
    batch = Batch(assignment, warnings=caps.warnings(), jobs=jobs)
    if not caps.sandboxed and not allow_unsandboxed:
        raise GradingError(
            "bubblewrap is not available, so student code would run unsandboxed; install it "
            "(apt-get install bubblewrap) or pass --allow-unsandboxed on a throw-away machine"
        )
    runner = _Runner(
        assignment, source, release, output or config.autograded,
        limits or sandbox.Limits(), caps, jobs=jobs, reviewed=reviewed, progress=progress,
    )  # fmt: skip
    start = time.monotonic()
    items = [(n, s, p) for n, (s, p) in enumerate(sorted(submissions.items()))]
    try:
        if reference:
            batch.reference = runner.reference()
            batch.timeouts = dict(runner.timeouts)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for result in pool.map(runner.one, items):
                batch.results[result.student] = result
    finally:
        runner.close()
    batch.seconds = round(time.monotonic() - start, 2)
    return batch


class _Runner:
    """The jobs of one batch: one folder each in a private work folder, graded in warm worker
    processes, at most ``jobs`` at once (each slot with its own sandbox uid when root)."""

    def __init__(
        self,
        assignment: str,
        source: Path,
        release: Path,
        output: Path,
        limits: sandbox.Limits,
        caps: sandbox.Capabilities,
        *,
        jobs: int,
        reviewed: frozenset[str],
        progress: Callable[[Result], None] | None,
    ) -> None:
        self.assignment, self.source, self.release, self.output = (
            assignment,
            source,
            release,
            output,
        )
        self.limits, self.caps, self.reviewed, self.progress = limits, caps, reviewed, progress
        self.threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
        self.use_uids = caps.sandboxed and caps.is_root and caps.setpriv is not None
        self.slots: queue.Queue[int] = queue.Queue()
        for slot in range(jobs):
            self.slots.put(slot)
        self.workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
        os.chmod(self.workdir, 0o711)
        self.timeouts: dict[str, float] = {}  # each cell's limit, once the reference has run
        spawn = multiprocessing.get_context("spawn")  # no forked copies of this process's threads
        self.workers = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=spawn)

    def reference(self) -> Result:
        """Grade the source notebook itself: full marks, or the environment is broken."""
        ref = self.one((-1, REFERENCE, self.source))
        if ref.status != "graded" or ref.score != ref.max_score:
            raise GradingError(
                f"the reference solution ({self.source}) scored {ref.score:g}/{ref.max_score:g} "
                f"in the grading sandbox ({ref.status}: {ref.reason or ref.notes}): fix the "
                "environment (data, packages, limits) before grading students"
            )
        self.timeouts.update(cell_timeouts(ref, self.limits.cell_timeout))
        return ref

    def one(self, item: tuple[int, str, Path]) -> Result:
        """Grade one submission (``number`` -1: the reference) in a free slot."""
        number, student, path = item
        slot = self.slots.get()
        try:
            job_dir = self.workdir / (f"j{number:04d}" if number >= 0 else "reference")
            out_dir = self.output / student / self.assignment if number >= 0 else job_dir / "out"
            self._write_job(job_dir, number, student, path, slot)
            self._run(job_dir)
            result = self._collect(job_dir, out_dir, student)
        except Exception as err:  # noqa: BLE001 - one student's grading failure is recorded
            result = zero_result(
                student, _read(self.source), GRADER, f"{type(err).__name__}: {err}"
            )
        finally:
            self.slots.put(slot)
        if self.progress and number >= 0:
            self.progress(result)
        return result

    def _write_job(self, job_dir: Path, number: int, student: str, path: Path, slot: int) -> None:
        """The job's folder: a copy of the submission and ``job.json`` (what the executor reads)."""
        job_dir.mkdir(mode=0o700)
        copy = job_dir / "submission.ipynb"
        shutil.copyfile(path, copy)  # graded from a copy: the original is never touched
        scratch = self.workdir / (f"s{number:04d}" if number >= 0 else "sref")
        job = {
            "student": student,
            "source": str(self.source),
            "release": str(self.release),
            "submission": str(copy),
            "scratch": str(scratch),
            "workdir": str(job_dir),
            "out": str(job_dir),
            "uid": sandbox.slot_uid(slot) if self.use_uids else None,
            "limits": asdict(self.limits),
            "caps": asdict(self.caps),
            "env": grading_env(scratch, self.threads),
            "cell_timeouts": self.timeouts,
            "reviewed": sorted(self.reviewed),
            "data": [str(p) for p in data_folders()],
        }
        (job_dir / "job.json").write_text(json.dumps(job), encoding="utf-8")

    def _run(self, job_dir: Path) -> None:
        """Run the job in a warm worker process (imports paid once per worker, not per student)."""
        timeout = self.limits.wall_seconds + 300
        try:
            self.workers.submit(run_job, str(job_dir / "job.json")).result(timeout=timeout)
        except (BrokenProcessPool, OSError):  # the pool broke: this job gets its own process
            with (job_dir / "grader.log").open("a") as log:
                subprocess.run(
                    [sys.executable, "-m", "course_utils.instructor.grade.executor",
                     str(job_dir / "job.json")],
                    stdout=log, stderr=subprocess.STDOUT, check=False, timeout=timeout,
                )  # fmt: skip

    def _collect(self, job_dir: Path, out_dir: Path, student: str) -> Result:
        """The job's result (a grader error when it wrote none), copied to ``out_dir`` with the
        executed notebook."""
        result_file = job_dir / "result.json"
        if result_file.is_file():
            result = Result.from_json(json.loads(result_file.read_text(encoding="utf-8")))
        else:
            tail = (job_dir / "grader.log").read_text(errors="replace")[-500:]
            result = zero_result(student, _read(self.source), GRADER, f"no result: {tail}")
        out_dir.mkdir(parents=True, exist_ok=True)
        if (job_dir / "executed.ipynb").is_file():
            shutil.copyfile(job_dir / "executed.ipynb", out_dir / f"{self.assignment}.ipynb")
        (out_dir / "grading.json").write_text(
            json.dumps(result.to_json(), indent=1), encoding="utf-8"
        )
        return result

    def close(self) -> None:
        """Stop the worker processes; remove the work folder (kept with COURSE_GRADE_KEEP)."""
        self.workers.shutdown(cancel_futures=True)
        if not os.environ.get("COURSE_GRADE_KEEP"):  # debugging: keep logs and jobs
            shutil.rmtree(self.workdir, ignore_errors=True)


def _read(path: Path):  # returns a NotebookNode
    import nbformat

    return nbformat.read(str(path), as_version=4)
