"""The outcome of grading one submission: its status, its cells' scores, its notes.

Written as JSON by the executor (:mod:`.executor`) and read by the batch, the gradebook and
the feedback pages, none of which needs the module that runs kernels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nbformat import NotebookNode

from .scoring import CellResult

# Outcomes other than "graded"; the report shows them as the reason.
TIMEOUT, MEMORY, DIED, TAMPER, MALFORMED, GRADER, REVIEW = (
    "timeout",
    "memory",
    "kernel died",
    "tampering detected",
    "malformed notebook",
    "grader error",
    "needs review",
)


@dataclass
class Result:
    """The outcome of grading one submission (also the JSON written by the executor)."""

    student: str
    status: str = "graded"
    reason: str = ""
    cells: dict[str, CellResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cell_seconds: dict[str, float] = field(default_factory=dict)  # code cell index -> seconds

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells.values())

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "score": self.score, "max_score": self.max_score}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        cells = {k: CellResult(**v) for k, v in data.get("cells", {}).items()}
        return cls(
            student=data["student"],
            status=data.get("status", GRADER),
            reason=data.get("reason", ""),
            cells=cells,
            notes=list(data.get("notes", [])),
            seconds=float(data.get("seconds", 0.0)),
            cell_seconds={k: float(v) for k, v in data.get("cell_seconds", {}).items()},
        )


def zero_result(student: str, source: NotebookNode, status: str, reason: str) -> Result:
    """Every test cell at 0 points, with ``reason``."""
    result = Result(student, status=status, reason=reason)
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            result.cells[meta["grade_id"]] = CellResult(0.0, float(meta.get("points", 0)), reason)
    return result
