"""The whole course: every solution notebook executed in quick mode, and the per-notebook overhead.

Notebooks run one after another in a scratch copy of their folder, with a fresh HOME shared by the
whole run: caches (the trained chapter-06 model that chapters 08-11 reuse) start cold, as on a
new CI machine or a student's first pass, and warm up in chapter order, as they would for them.
The overhead is a fresh kernel's start-up plus the imports every chapter begins with (torch and
the course_utils modules, matplotlib included).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel

from course_utils.instructor import config as course_config
from course_utils.instructor.execution import notebook_client, quick_env

from .harness import Context, Figure, Target

PER_NOTEBOOK, TOTAL = 60.0, 15 * 60.0
IMPORTS = (
    "import torch, course_utils.env, course_utils.checks, course_utils.data, course_utils.plot"
)


def execute(path: Path, home: Path, timeout: int = 900) -> float:
    """Seconds to execute the notebook at ``path`` top to bottom (kernel start included)."""
    client = notebook_client(nbformat.read(path, as_version=4), path.parent, timeout)
    start = time.perf_counter()
    client.execute(env=quick_env({"HOME": str(home)}))
    return time.perf_counter() - start


def kernel_overhead(home: Path) -> tuple[float, float]:
    """(kernel start-up seconds, ``IMPORTS`` seconds) of one fresh kernel."""
    start = time.perf_counter()
    manager, client = start_new_kernel(
        kernel_name="python3", env=quick_env({"HOME": str(home)}), startup_timeout=120
    )
    started = time.perf_counter()
    try:
        reply = client.execute_interactive(IMPORTS, timeout=120)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{IMPORTS!r} failed in a fresh kernel: {reply['content']}")
        imported = time.perf_counter()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return started - start, imported - started


def _smoke_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_utils import env\nenv.quick_mode()")]
    path = folder / "smoke.ipynb"
    nbformat.write(nb, path)
    return path


def run(ctx: Context) -> list[Figure]:
    """Seconds per chapter notebook (quick mode), their total, and the per-kernel overhead."""
    course = course_config.load(ctx.root)
    scratch = Path(tempfile.mkdtemp(prefix="bench-course-"))
    home = scratch / "home"
    home.mkdir()
    figures = []
    try:
        overhead = [kernel_overhead(home) for _ in range(ctx.pick(5, 1))]
        figures += [
            Figure("course.kernel_start", "fresh kernel start-up", "s", [o[0] for o in overhead]),
            Figure("course.import", "import torch + course_utils in a fresh kernel", "s",
                   [o[1] for o in overhead]),
        ]  # fmt: skip
        if ctx.smoke:
            notebooks = {"smoke": _smoke_notebook(scratch)}
        else:
            notebooks = {}
            for chapter in course.chapters():
                shutil.copytree(course.source_notebook(chapter).parent, scratch / chapter)
                notebooks[chapter] = scratch / chapter / course.source_notebook(chapter).name
        seconds = {}
        for chapter, path in notebooks.items():
            seconds[chapter] = execute(path, home)
            ctx.log(f"  {chapter}: {seconds[chapter]:.1f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for chapter, s in seconds.items():
        figures.append(
            Figure(f"course.{chapter}", f"notebook {chapter}, quick mode", "s", [s],
                   Target("<=", PER_NOTEBOOK))
        )  # fmt: skip
    figures.append(
        Figure("course.total", f"all {len(seconds)} notebooks, quick mode, one after another", "s",
               [sum(seconds.values())], Target("<=", TOTAL),
               note="one run of each notebook (kernel start included), cold caches at the start")
    )  # fmt: skip
    return figures
