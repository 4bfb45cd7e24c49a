"""The per-student table printed at the end of ``course grade``."""

from __future__ import annotations

from .batch import CELL_FACTOR, CELL_FLOOR_S, Batch


def _points(value: float) -> str:
    return f"{value:g}"


def table(batch: Batch) -> str:
    """A plain-text table: student, score, max, outcome and reason; warnings in the header."""
    lines = [f"course grade {batch.assignment}: {len(batch.results)} submission(s)"]
    lines += [f"WARNING: {w}" for w in batch.warnings]
    if batch.reference is not None and batch.timeouts:
        limits = sorted(batch.timeouts.values())
        lines.append(
            f"reference solution: {batch.reference.score:g}/{batch.reference.max_score:g} in "
            f"{batch.reference.seconds:.1f} s; cell time limits {limits[0]:g}-{limits[-1]:g} s "
            f"({CELL_FACTOR:g}x its cell times, at least {CELL_FLOOR_S:g} s)"
        )
    rows = [("student", "score", "max", "outcome", "reason")]
    for student, result in sorted(batch.results.items()):
        reason = result.reason
        if result.notes:
            reason = "; ".join(filter(None, [reason, *result.notes]))
        rows.append(
            (student, _points(result.score), _points(result.max_score), result.status, reason)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        )
    count = max(1, len(batch.results))
    per = sum(r.seconds for r in batch.results.values()) / count
    lines.append(
        f"{batch.seconds:.1f} s wall for {len(batch.results)} submission(s) with {batch.jobs} "
        f"job(s): {batch.seconds / count:.1f} s per submission ({per:.1f} s each in its kernel)"
    )
    return "\n".join(lines)
