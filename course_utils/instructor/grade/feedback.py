"""Per-student feedback: the graded notebook as HTML, with a summary first and no hidden tests.

The page is the release notebook rendered by nbconvert (markdown as text, code highlighted,
figures kept): the student's answer cells with their outputs, the release's demo cells with the
outputs they produced in the grading run, and each test cell as in the *release* (visible tests
only) with its score and message in place of its outputs (a traceback would quote hidden test
code). A summary table opens the page: each exercise, its points and the message and hint of its
first failing check.
"""

from __future__ import annotations

import copy
import functools
import html
import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from .result import Result

_SUMMARY_STYLE = (
    "<style>.course-summary{font-family:sans-serif;margin:1em 0 2em}"
    ".course-summary td,.course-summary th{padding:.3em .8em;border-bottom:1px solid #ddd;"
    "text-align:left;vertical-align:top}.course-summary .ok{color:#1a7f37}"
    ".course-summary .bad{color:#cf222e}.course-summary pre{margin:0;white-space:pre-wrap}</style>"
)


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def summary_html(result: Result) -> str:
    """The table at the top of the page: score, notes and one row per test cell."""
    esc = html.escape
    head = f"<h2>Score: {result.score:g} / {result.max_score:g}</h2>"
    status = result.status + (f": {result.reason}" if result.reason else "")
    head += f"<p>Outcome: {esc(status)}</p>" if result.status != "graded" or result.reason else ""
    head += "".join(f"<p>Note: {esc(n)}</p>" for n in result.notes)
    rows = ["<tr><th>exercise</th><th>points</th><th>message</th></tr>"]
    for gid, cell in result.cells.items():
        mark = "ok" if cell.score >= cell.max_score else "bad"
        message = (
            f"<pre>{esc(cell.error)}</pre>" if cell.error else ("passed" if mark == "ok" else "")
        )
        rows.append(
            f"<tr><td>{esc(gid.removesuffix('_test'))}</td>"
            f"<td class='{mark}'>{cell.score:g} / {cell.max_score:g}</td><td>{message}</td></tr>"
        )
    table = f"<table>{''.join(rows)}</table>"
    return f"{_SUMMARY_STYLE}<div class='course-summary'>{head}{table}</div>"


def feedback_notebook(
    release: NotebookNode, executed: NotebookNode | None, result: Result
) -> NotebookNode:
    """The notebook the page shows: release cells, the student's answers and demo outputs, the
    release's test cells with a verdict as their only output. Never a source test cell."""
    nb = copy.deepcopy(release)
    ran = executed.cells if executed is not None else []
    by_id = {c.get("id"): c for c in ran}
    answers = {
        _grade_id(c): c
        for c in ran
        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and _grade_id(c)
    }
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("grade"):
            graded = result.cells.get(gid)
            text = (
                "not graded"
                if graded is None
                else f"{graded.score:g} / {graded.max_score:g} points"
            )
            if graded is not None and graded.error:
                text += f"\n{graded.error}"
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
        elif meta.get("solution"):
            answer = answers.get(gid)
            cell.source = answer.source if answer is not None else cell.source
            cell.outputs = copy.deepcopy(answer.get("outputs", [])) if answer is not None else []
        else:
            twin = by_id.get(cell.get("id"))
            if twin is not None and twin.source == cell.source:
                cell.outputs = copy.deepcopy(twin.get("outputs", []))
            else:
                cell.outputs = []
    return nb


@functools.cache
def _exporter() -> Any:
    """One nbconvert exporter per process (loading its templates is the slow part)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", exclude_input_prompt=True)


def render(release: NotebookNode, executed: NotebookNode | None, result: Result, title: str) -> str:
    """The feedback page of one student (a standalone HTML file)."""
    nb = feedback_notebook(release, executed, result)
    nb.metadata["title"] = title
    page, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    top = f"<h1>{html.escape(title)}</h1>{summary_html(result)}"
    marker = "<main>" if "<main>" in page else "<body"
    if marker == "<main>":
        return page.replace("<main>", "<main>" + top, 1)
    start = page.index(">", page.index("<body")) + 1
    return page[:start] + top + page[start:]


def write_feedback(
    release_path: Path, autograded: Path, feedback: Path, assignment: str
) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<assignment>.html`` for every graded student."""
    release = nbformat.read(str(release_path), as_version=4)
    written = []
    for result_file in sorted(autograded.glob(f"*/{assignment}/grading.json")):
        student_dir = result_file.parent
        result = Result.from_json(json.loads(result_file.read_text(encoding="utf-8")))
        executed_path = student_dir / f"{assignment}.ipynb"
        executed = (
            nbformat.read(str(executed_path), as_version=4) if executed_path.is_file() else None
        )
        target = feedback / result.student / assignment / f"{assignment}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        title = f"{assignment}: feedback for {result.student}"
        target.write_text(render(release, executed, result, title), encoding="utf-8")
        written.append(target)
    return written
