"""Running a chapter notebook outside the grading sandbox: its kernel's environment and client.

The test suite, the mutant runner, ``course autograde`` and the benchmarks execute notebooks in
kernels that inherit this process's environment, set to quick mode (:func:`quick_env`). Grading
a student's submission is another matter: its kernel gets a sealed environment built from nothing
(:func:`course_utils.instructor.grade.batch.grading_env`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat import NotebookNode


def quick_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, for a kernel that runs chapter notebooks in tests, the mutant
    runner and benchmarks: quick mode, offline, headless plots, its share of the cores."""
    env = dict(os.environ)
    # Tools nbgrader runs (alembic, jupyter) live beside this interpreter, activated or not.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        {
            "COURSE_QUICK": "1",
            "COURSE_OFFLINE": "1",
            "MPLBACKEND": "Agg",
            "PYTHONWARNINGS": "ignore",
        }
    )
    # Kernels running side by side (pytest -n N) must share the cores, not fight for them: OpenMP
    # threads that spin-wait on an oversubscribed CPU make small ops 10-100x slower.
    workers = int(env.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    env.setdefault("OMP_NUM_THREADS", threads)
    env.setdefault("MKL_NUM_THREADS", threads)
    env.update(extra or {})
    return env


def notebook_client(nb: NotebookNode, cwd: Path, timeout: int) -> NotebookClient:
    """A client that executes ``nb`` in ``cwd``, stopping at the first error."""
    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(cwd)}},
    )
