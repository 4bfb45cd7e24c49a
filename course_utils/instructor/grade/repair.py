"""Build the notebook that is graded from the source, the release and one submission.

Test cells always come from the source (with hidden tests); nothing of the submission is trusted
except the code of its solution cells (matched by grade_id). Everything else comes from the
release, in the release's order, so deleted, duplicated or reordered cells cannot change what is
run or how it is scored. Code cells a student added (scratch work) are not run: a note says so
and that helpers belong inside the answer cells. Each repair is recorded as a note the student
can read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

NB_VERSION = 4


class MalformedNotebook(ValueError):
    """The submission cannot be read as a notebook at all (the message says why)."""


@dataclass
class Assembled:
    """The notebook to run, and what was repaired on the way."""

    nb: NotebookNode
    notes: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)  # per cell: source, release, student


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata")
    if not isinstance(meta, dict):
        return {}
    grading = meta.get("nbgrader")
    return grading if isinstance(grading, dict) else {}


def _text(source: object) -> str:
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return source if isinstance(source, str) else ""


def read_submission(path: Path) -> list[dict]:
    """The cells of a submission, tolerantly: only ``cells`` with a type and a source matter."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MalformedNotebook(f"not valid notebook JSON ({err})") from err
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise MalformedNotebook("no list of cells in the file (not a Jupyter notebook)")
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown")]


def assemble(source: NotebookNode, release: NotebookNode, submitted: list[dict]) -> Assembled:
    """Merge answers from ``submitted`` into the release, with the source's test cells."""
    tests = {
        _meta(c)["grade_id"]: c
        for c in source.cells
        if _meta(c).get("grade") and c.cell_type == "code"
    }
    notes: list[str] = []
    found = _answers(submitted, {c.get("id") for c in release.cells}, notes)
    notes += _repairs(release, found)
    nb, origin = _graded_notebook(release, tests, found, notes)
    return Assembled(nb, notes, origin)


@dataclass
class _Answers:
    """What a submission holds, by grade id."""

    code: dict[str, list[str]] = field(default_factory=dict)  # each copy of a solution cell
    added: dict[str | None, list[str]] = field(default_factory=dict)  # anchor -> code cells added
    order: list[str] = field(default_factory=list)  # solution and test cells, as submitted


def _answers(submitted: list[dict], release_ids: set[str | None], notes: list[str]) -> _Answers:
    """The answer cells of ``submitted`` (split cells rejoined, with a note) and the code cells
    a student added, each under the graded cell that follows it."""
    found = _Answers()
    pending: list[str] = []
    for cell in submitted:
        grading = _meta(cell)
        gid = grading.get("grade_id")
        if gid and (grading.get("solution") or grading.get("grade")):
            if grading.get("solution") and cell.get("cell_type") == "code":
                copies = found.code.setdefault(gid, [])
                if copies and found.order and found.order[-1] == gid and not pending:
                    copies[-1] += "\n" + _text(cell.get("source"))  # a split cell: rejoin
                    if f"solution cell {gid} was split: its parts were joined" not in notes:
                        notes.append(f"solution cell {gid} was split: its parts were joined")
                else:
                    copies.append(_text(cell.get("source")))
            found.order.append(gid)
            found.added.setdefault(gid, []).extend(pending)
            pending = []
        elif cell.get("cell_type") == "code" and cell.get("id") not in release_ids:
            if _text(cell.get("source")).strip():
                pending.append(_text(cell.get("source")))
    found.added.setdefault(None, []).extend(pending)
    return found


def _repairs(release: NotebookNode, found: _Answers) -> list[str]:
    """Notes on reordered and duplicated answer cells, and on code cells that will not run."""
    notes = []
    graded_order = [_meta(c)["grade_id"] for c in release.cells if _meta(c).get("grade_id")]
    seen = [g for g in dict.fromkeys(found.order) if g in graded_order]
    expected = [g for g in graded_order if g in seen]
    if seen != expected:
        notes.append("cells were reordered: graded in the release's order")
    for gid, copies in found.code.items():
        if len(copies) > 1:
            notes.append(f"solution cell {gid} appears {len(copies)} times: the last copy is used")
    added = sum(len(v) for v in found.added.values())
    if added:
        notes.append(
            f"{added} code cell(s) you added were not run by the grader (only answer cells are): "
            "put helper functions inside the answer cell that uses them"
        )
    return notes


def _graded_notebook(
    release: NotebookNode, tests: dict[Any, NotebookNode], found: _Answers, notes: list[str]
) -> tuple[NotebookNode, list[str]]:
    """The release's cells (outputs cleared) with the source's test cells and the last copy of
    each answer; and each cell's origin. Missing cells get a note."""
    nb = nbformat.v4.new_notebook(metadata=release.metadata)
    origin: list[str] = []
    for cell in release.cells:
        grading = _meta(cell)
        gid = grading.get("grade_id")
        new = nbformat.from_dict(json.loads(json.dumps(cell)))
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        if grading.get("grade") and new.cell_type == "code":
            if gid not in [g for g in found.order]:
                notes.append(f"test cell {gid} was missing: restored from the source")
            new.source = tests[gid].source
            origin.append("source")
        elif grading.get("solution") and new.cell_type == "code":
            if gid in found.code:
                new.source = found.code[gid][-1]
                origin.append("student")
            else:
                notes.append(f"solution cell {gid} was missing: graded as unanswered")
                origin.append("release")
        else:
            origin.append("release")
        nb.cells.append(new)
    return nb, origin
