"""Layer (c) of ``course grade``: the assembled notebook run cell by cell in one kernel session.

Before every test cell the grader checks the kernel's integrity on the side, and each test cell
carries the check as a user expression of its own execute request (:mod:`.tamper`): its verdict
needs the kernel's ``ok`` and a clean answer (:func:`.scoring.verdict`). A cell that runs over its
time limit, the wall-clock limit or a dead kernel ends the run; after a memory error the names
the failing cell bound are dropped and garbage is collected, so later cells get their own memory.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from ..notebook import assigned_names
from .repair import Assembled
from .result import DIED, MEMORY, TIMEOUT
from .session import KernelSession

_MEMORY_ERRORS = re.compile(r"MemoryError|can't allocate memory|std::bad_alloc|out of memory", re.I)


def label(nb: NotebookNode, index: int) -> str:
    """How messages name a code cell: ``cell GRADE_ID``, else ``code cell INDEX``."""
    gid = (
        nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if index >= 0
        else None
    )
    return f"cell {gid}" if gid else f"code cell {index}"


@dataclass
class Outcome:
    """What running the cells produced: a status and, per cell, the replies and seconds."""

    status: str = "graded"
    reason: str = ""
    executed: set[int] = field(default_factory=set)
    replies: dict[int, tuple[dict, bool]] = field(default_factory=dict)  # (reply, clean end)
    seconds: dict[str, float] = field(default_factory=dict)
    current: int = -1  # the cell running last (where a dead kernel died)


def execute(
    session: KernelSession,
    assembled: Assembled,
    scratch: Path,
    test_ids: dict[int, str],
    timeouts: dict[str, float],
) -> Outcome:
    """Layer (c): start the sandboxed kernel, install the preamble, run the cells, stop it."""
    from nbclient.exceptions import DeadKernelError

    km = session.kernel_manager(scratch)
    cells = _Cells(session, session.client(assembled.nb, km, scratch), assembled, test_ids)
    try:
        with cells.client.setup_kernel(stdout=session.log, stderr=session.log):
            session.install(cells.client)
            cells.run(timeouts)
    except DeadKernelError:
        cells.kernel_died(session.how_it_ended(km))
    except TimeoutError:
        cells.outcome.status = TIMEOUT
        cells.outcome.reason = f"wall-clock limit ({session.limits.wall_seconds} s)"
    finally:
        session.stop(km)
    return cells.outcome


class _Cells:
    """The notebook's code cells run in order, the integrity check before every test cell and
    as its user expression; :attr:`outcome` collects what happened, also when the kernel dies."""

    def __init__(
        self,
        session: KernelSession,
        client: Any,
        assembled: Assembled,
        test_ids: dict[int, str],
    ) -> None:
        self.session, self.client, self.test_ids = session, client, test_ids
        self.nb, self.origin = assembled.nb, assembled.origin
        self.outcome = Outcome()
        self.snapped = False  # whether the guarded names were captured (before the 1st answer)

    def run(self, timeouts: dict[str, float]) -> None:
        """Run every code cell; stop at the wall-clock limit or a cell over its time limit."""
        session, client = self.session, self.client
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            remaining = session.deadline - time.monotonic()
            if remaining <= 1:
                self.outcome.status = TIMEOUT
                self.outcome.reason = f"wall-clock limit ({session.limits.wall_seconds} s)"
                return
            if not self.snapped and self.origin[index] == "student":
                session.side(client, "", session.tamper.snapshot_expression())
                self.snapped = True
            if index in self.test_ids:
                session.check(client, set())
            limit = float(timeouts.get(str(index), session.limits.cell_timeout))
            client.timeout = int(max(1, min(limit, remaining)))
            if not self._run_cell(index, cell):
                return
            self._after_cell(index, cell)

    def _run_cell(self, index: int, cell: NotebookNode) -> bool:
        """Run and time one cell; False when it ran over its time limit (grading stops)."""
        from nbclient.exceptions import CellTimeoutError

        self.outcome.current = index
        began = time.monotonic()
        try:
            if index in self.test_ids:
                self.outcome.replies[index] = self.session.run_test_cell(self.client, cell, index)
            else:
                self.client.execute_cell(cell, index)
        except CellTimeoutError:
            self.outcome.status = TIMEOUT
            self.outcome.reason = f"{label(self.nb, index)} ran over {self.client.timeout} s"
            return False
        self.outcome.executed.add(index)
        self.outcome.seconds[str(index)] = round(time.monotonic() - began, 3)
        return True

    def _after_cell(self, index: int, cell: NotebookNode) -> None:
        """Guard what a trusted cell rebound, check on the side after a failed test cell, and
        free the failing cell's memory after a memory error."""
        session, client, origin = self.session, self.client, self.origin[index]
        if origin != "student" and self.snapped and assigned_names(cell.source):
            # a trusted cell may rebind guarded names: guard their new values
            names = assigned_names(cell.source)
            session.side(client, "", session.tamper.snapshot_expression(names))
        if index in self.test_ids and not self.outcome.replies[index][1]:
            session.check(client, set())  # the cell failed: check on the side
        reply = client.replies.get(index, {}).get("content", {})
        text = f"{reply.get('ename', '')} {reply.get('evalue', '')}"
        if reply.get("status") == "error" and _MEMORY_ERRORS.search(text):
            self.outcome.status = MEMORY
            self.outcome.reason = f"memory limit reached in {label(self.nb, index)}"
            session.free(client, assigned_names(cell.source) if origin == "student" else set())

    def kernel_died(self, how: str) -> None:
        """The status and reason of a kernel that died (``how``: its signal or exit code)."""
        outcome = self.outcome
        status = DIED if outcome.status == "graded" else outcome.status
        if "SIGXCPU" in how:
            status, how = TIMEOUT, f"CPU-time limit ({self.session.limits.cpu_seconds} s)"
        outcome.status = status
        outcome.reason = (
            outcome.reason or f"kernel died ({how}) in {label(self.nb, outcome.current)}"
        )
