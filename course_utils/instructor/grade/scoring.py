"""nbgrader's scoring rule for one executed test cell, and the message a student may read."""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode


@dataclass
class CellResult:
    """Score of one test cell and the message a student may read."""

    score: float
    max_score: float
    error: str = ""


def score_cell(cell: NotebookNode, points: float, ignore: str) -> CellResult:
    """nbgrader's verdict for an executed test cell, after dropping ignorable stderr."""
    from nbgrader.utils import determine_grade

    kept = [
        o
        for o in cell.get("outputs", [])
        if not (
            o.get("output_type") == "stream"
            and o.get("name") == "stderr"
            and ignore
            and re.search(ignore, o.get("text", ""))
        )
    ]
    probe = nbformat.from_dict(
        {**cell, "outputs": kept, "metadata": {"nbgrader": {**cell.metadata["nbgrader"]}}}
    )
    probe.metadata.nbgrader.update({"grade": True, "solution": False, "points": points})
    score, _ = determine_grade(probe)
    error = ""
    for output in kept:
        if output.get("output_type") == "error":
            error = f"{output.get('ename', '')}: {output.get('evalue', '')}".strip()
            if _in_hidden_tests(cell.source, output.get("traceback", [])):
                hint = re.search(r"^Hint: .*$", output.get("evalue", ""), re.M)
                error = f"{output.get('ename', '')} in a hidden test (hidden tests are not shown)"
                error += f"\n{hint.group(0)}" if hint else ""
            break
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            error = "wrote to stderr: " + output.get("text", "")[:300]
            break
    return CellResult(float(score or 0.0), float(points), error[:2000])


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _in_hidden_tests(source: str, traceback: list[str]) -> bool:
    """Whether the failing line of a test cell lies in its hidden tests.

    The failure message of a hidden test names its (hidden) inputs, so feedback shows only the
    exception type and the hint for those.
    """
    lines = source.splitlines()
    begin = next((i for i, ln in enumerate(lines, 1) if "### BEGIN HIDDEN TESTS" in ln), None)
    if begin is None:
        return False
    end = next((i for i, ln in enumerate(lines, 1) if "### END HIDDEN TESTS" in ln), len(lines))
    match = re.search(r"Cell In\[\d+\], line (\d+)", _ANSI.sub("", "\n".join(traceback)))
    return match is None or begin < int(match.group(1)) < end
