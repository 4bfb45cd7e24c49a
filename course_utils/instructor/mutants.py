"""Known-wrong answers ("mutants") and the runner that proves a chapter's tests reject them.

Mutants live in ``tests/mutants/NN_topic.py`` as ``MUTANTS = {solution_grade_id: [(why, source)]}``:
each source replaces the solution cell, and at least one of that exercise's test cells (visible or
hidden) must then fail. The runner executes the solution notebook once in one kernel, then for each
mutant runs the mutant source, re-runs only that exercise's test cells, and restores the solution:
one notebook execution for all mutants of a chapter.

nbclient writes every executed cell back into the notebook it runs, so the runner never executes a
cell of that notebook: it keeps a pristine copy of the cells read from disk and runs fresh copies of
them. Restoring a solution therefore re-runs the source from disk, never the mutant last executed.
"""

from __future__ import annotations

import copy
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat import NotebookNode

from . import notebook
from .execution import notebook_client, quick_env

Mutants = dict[str, list[tuple[str, str]]]

#: The test-power standard: each exercise is tried against at least this many wrong answers.
MIN_MUTANTS_PER_EXERCISE = 4


class MutantSetupError(RuntimeError):
    """The mutant file or the solution notebook is not usable (the message says what to fix)."""


@dataclass(frozen=True)
class MutantResult:
    """What happened to one mutant: killed (a test failed, as it should) or survived."""

    grade_id: str
    why: str
    killed: bool
    detail: str


def load_mutants(path: Path) -> Mutants:
    """Read ``MUTANTS`` from a mutant file, checking its shape."""
    spec = importlib.util.spec_from_file_location(f"mutants_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise MutantSetupError(f"cannot load mutant file {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    mutants = getattr(module, "MUTANTS", None)
    if not isinstance(mutants, dict):
        raise MutantSetupError(f"{path}: must define MUTANTS = {{grade_id: [(why, source), ...]}}")
    for grade_id, entries in mutants.items():
        if not entries or not all(isinstance(e, tuple) and len(e) == 2 for e in entries):
            raise MutantSetupError(
                f"{path}: MUTANTS[{grade_id!r}] must be a non-empty list of (why, source)"
            )
    return mutants


def _run(client: NotebookClient, cell: NotebookNode, index: int) -> str | None:
    """Execute a copy of ``cell``; return None on success or a one-line description of the failure.

    ``cell`` itself is never changed, so the pristine cells read from disk stay pristine.
    """
    cell = NotebookNode({**copy.deepcopy(cell), "outputs": []})
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        return "timed out"
    except CellExecutionError as err:
        return f"{err.ename}: {err.evalue}".strip()[:300]
    return None


def run_mutants(nb_path: Path, mutants: Mutants, *, timeout: int = 600) -> list[MutantResult]:
    """Execute ``nb_path`` once, then try every mutant against its exercise's test cells."""
    nb = notebook.read(nb_path)
    groups = notebook.exercises(nb)
    unknown = sorted(set(mutants) - set(groups))
    if unknown:
        raise MutantSetupError(
            f"{nb_path.name}: mutants for unknown solution cells {unknown}; known: {sorted(groups)}"
        )
    untested = sorted(g for g, tests in groups.items() if not tests)
    if untested:
        raise MutantSetupError(
            f"{nb_path.name}: solution cells without a test cell after them: {untested}"
        )
    missing = sorted(set(groups) - set(mutants))
    if missing:
        raise MutantSetupError(f"{nb_path.name}: exercises without any mutant: {missing}")

    pristine = copy.deepcopy(nb.cells)  # nbclient overwrites nb.cells with what it executes
    old_env = dict(os.environ)
    os.environ.update(quick_env())  # the kernel inherits this process's environment
    client = notebook_client(nb, nb_path.parent, timeout)
    results: list[MutantResult] = []
    try:
        with client.setup_kernel():
            for index, cell in enumerate(pristine):
                if cell.cell_type == "code":
                    failure = _run(client, cell, index)
                    if failure:
                        raise MutantSetupError(
                            f"{nb_path.name}: the solution fails in cell {index}: {failure}"
                        )
            cells = {c.grade_id: c for c in notebook.graded_cells(nb)}
            for grade_id, entries in mutants.items():
                solution = cells[grade_id]
                for test in groups[grade_id]:
                    failure = _run(client, pristine[test.index], test.index)
                    if failure:
                        raise MutantSetupError(
                            f"{nb_path.name}: test cell {test.grade_id} fails when re-run "
                            "after the whole "
                            f"notebook ({failure}); make it self-contained (build its own inputs)"
                        )
                for why, source in entries:
                    results.append(
                        _try_mutant(client, pristine, solution, groups[grade_id], why, source)
                    )
                    restore = _run(client, pristine[solution.index], solution.index)
                    if restore:
                        raise MutantSetupError(f"restoring solution {grade_id} failed: {restore}")
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    return results


def _try_mutant(
    client: NotebookClient,
    pristine: list[NotebookNode],
    solution: notebook.GradedCell,
    tests: list[notebook.GradedCell],
    why: str,
    source: str,
) -> MutantResult:
    mutant_cell = NotebookNode({**pristine[solution.index], "source": source})
    failure = _run(client, mutant_cell, solution.index)
    if failure:
        raise MutantSetupError(f"mutant {solution.grade_id!r} ({why}) does not even run: {failure}")
    for test in tests:
        failure = _run(client, pristine[test.index], test.index)
        if failure:
            return MutantResult(solution.grade_id, why, True, f"{test.grade_id}: {failure}")
    return MutantResult(solution.grade_id, why, False, "every test cell passed")
