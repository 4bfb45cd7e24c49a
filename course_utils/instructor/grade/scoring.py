"""The verdict on one executed test cell, and the message a student may read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode


@dataclass
class CellResult:
    """Score of one test cell and the message a student may read."""

    score: float
    max_score: float
    error: str = ""


def verdict(cell: NotebookNode, points: float, reply: dict, clean: bool) -> CellResult:
    """The verdict on an executed test cell: full points when the kernel's execute ``reply``
    says ``ok`` and the grader's end-of-cell check answered cleanly (``clean``), else 0.

    Outputs never decide it: stderr (warnings, logging, tqdm, prints) costs nothing and an error
    hidden from the display (a custom exception handler) still fails. Outputs only supply the
    message a student reads; failures in hidden tests show the exception type and hint only.
    nbgrader's partial credit (a number as the cell's output) is not used by this course.
    """
    passed = reply.get("status") == "ok" and clean
    if passed:
        return CellResult(float(points), float(points))
    ename, evalue = str(reply.get("ename", "")), str(reply.get("evalue", ""))
    traceback = list(reply.get("traceback", []))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", ename), output.get("evalue", evalue)
            traceback = output.get("traceback", traceback)
            break
    if not ename:
        error = "the test cell did not run to its end (the grader's end-of-cell check is missing)"
    elif _in_hidden_tests(cell.source, traceback):
        hint = re.search(r"^Hint: .*$", evalue, re.M)
        error = f"{ename} in a hidden test (hidden tests are not shown)"
        error += f"\n{hint.group(0)}" if hint else ""
    else:
        error = f"{ename}: {evalue}".strip()
    return CellResult(0.0, float(points), error[:2000])


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
