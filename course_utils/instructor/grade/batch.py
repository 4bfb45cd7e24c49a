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
    submitted = config.root / "submitted"
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
    limits = limits or sandbox.Limits()
    output = output or config.root / "autograded"
    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    use_uids = caps.sandboxed and caps.is_root and caps.setpriv is not None
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)
    workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(workdir, 0o711)
    start = time.monotonic()

    timeouts: dict[str, float] = {}

    def one(item: tuple[int, str, Path]) -> Result:
        number, student, path = item
        slot = slots.get()
        try:
            job_dir = workdir / (f"j{number:04d}" if number >= 0 else "reference")
            out_dir = output / student / assignment if number >= 0 else job_dir / "out"
            job_dir.mkdir(mode=0o700)
            copy = job_dir / "submission.ipynb"
            shutil.copyfile(path, copy)  # graded from a copy: the original is never touched
            job = {
                "student": student,
                "source": str(source),
                "release": str(release),
                "submission": str(copy),
                "scratch": str(workdir / f"s{number:04d}" if number >= 0 else workdir / "sref"),
                "workdir": str(job_dir),
                "out": str(job_dir),
                "uid": sandbox.slot_uid(slot) if use_uids else None,
                "limits": asdict(limits),
                "caps": asdict(caps),
                "env": grading_env(workdir / ("sref" if number < 0 else f"s{number:04d}"), threads),
                "cell_timeouts": timeouts,
                "reviewed": sorted(reviewed),
                "data": [str(p) for p in data_folders()],
            }
            (job_dir / "job.json").write_text(json.dumps(job), encoding="utf-8")
            try:  # a warm worker process (imports paid once per worker, not per student)
                workers.submit(run_job, str(job_dir / "job.json")).result(
                    timeout=limits.wall_seconds + 300
                )
            except (BrokenProcessPool, OSError):  # the pool broke: this job gets its own process
                with (job_dir / "grader.log").open("a") as log:
                    subprocess.run(
                        [sys.executable, "-m", "course_utils.instructor.grade.executor",
                         str(job_dir / "job.json")],
                        stdout=log, stderr=subprocess.STDOUT, check=False,
                        timeout=limits.wall_seconds + 300,
                    )  # fmt: skip
            result_file = job_dir / "result.json"
            if result_file.is_file():
                result = Result.from_json(json.loads(result_file.read_text(encoding="utf-8")))
            else:
                tail = (job_dir / "grader.log").read_text(errors="replace")[-500:]
                result = zero_result(student, _read(source), GRADER, f"no result: {tail}")
            out_dir.mkdir(parents=True, exist_ok=True)
            if (job_dir / "executed.ipynb").is_file():
                shutil.copyfile(job_dir / "executed.ipynb", out_dir / f"{assignment}.ipynb")
            (out_dir / "grading.json").write_text(
                json.dumps(result.to_json(), indent=1), encoding="utf-8"
            )
        except Exception as err:  # noqa: BLE001 - one student's grading failure is recorded
            result = zero_result(student, _read(source), GRADER, f"{type(err).__name__}: {err}")
        finally:
            slots.put(slot)
        if progress and number >= 0:
            progress(result)
        return result

    items = [(n, s, p) for n, (s, p) in enumerate(sorted(submissions.items()))]
    spawn = multiprocessing.get_context("spawn")  # no forked copies of this process's threads
    workers = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=spawn)
    try:
        if reference:
            batch.reference = one((-1, REFERENCE, source))
            ref = batch.reference
            if ref.status != "graded" or ref.score != ref.max_score:
                raise GradingError(
                    f"the reference solution ({source}) scored {ref.score:g}/{ref.max_score:g} "
                    f"in the grading sandbox ({ref.status}: {ref.reason or ref.notes}): fix the "
                    "environment (data, packages, limits) before grading students"
                )
            timeouts.update(cell_timeouts(ref, limits.cell_timeout))
            batch.timeouts = dict(timeouts)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for result in pool.map(one, items):
                batch.results[result.student] = result
    finally:
        workers.shutdown(cancel_futures=True)
        if not os.environ.get("COURSE_GRADE_KEEP"):  # debugging: keep logs and jobs
            shutil.rmtree(workdir, ignore_errors=True)
    batch.seconds = round(time.monotonic() - start, 2)
    return batch


def _read(path: Path):  # returns a NotebookNode
    import nbformat

    return nbformat.read(str(path), as_version=4)
