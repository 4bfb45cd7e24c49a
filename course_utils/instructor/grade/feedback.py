"""Per-student feedback (HTML) that never contains hidden tests.

Test cells are shown as in the *release* (visible tests only) with their score and the failure
message (exception type and message, never a traceback, which would quote hidden test code).
Solution cells show the student's own code and its text output.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .executor import Result

_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f6f8fa;padding:.5em;"
    "overflow-x:auto}.ok{color:#1a7f37}.bad{color:#cf222e}.cell{border-left:4px solid #ddd;"
    "padding-left:.8em;margin:1em 0}.test{border-color:#0969da}"
)


def _outputs_text(cell: NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(output.get("text", ""))
        elif kind == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}\n")
        elif kind in ("execute_result", "display_data"):
            parts.append(str(output.get("data", {}).get("text/plain", "")) + "\n")
    return "".join(parts)[-5000:]


def render(release: NotebookNode, executed: NotebookNode | None, result: Result, title: str) -> str:
    """The feedback page of one student."""
    answers: dict[str, NotebookNode] = {}
    for cell in executed.cells if executed is not None else []:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            answers[meta["grade_id"]] = cell
    esc = html.escape
    body = [f"<h1>{esc(title)}</h1>"]
    body.append(
        f"<p><b>Score: {result.score:g} / {result.max_score:g}</b> ({esc(result.status)}"
        + (f": {esc(result.reason)}" if result.reason else "")
        + ")</p>"
    )
    body += [f"<p>Note: {esc(n)}</p>" for n in result.notes]
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if cell.cell_type == "markdown":
            body.append(f"<div class='cell'><pre>{esc(cell.source)}</pre></div>")
        elif meta.get("solution") and gid in answers:
            answer = answers[gid]
            body.append(f"<div class='cell'><p>Your answer ({esc(gid)}):</p>")
            body.append(f"<pre>{esc(answer.source)}</pre>")
            text = _outputs_text(answer)
            body.append(f"<pre>{esc(text)}</pre></div>" if text else "</div>")
        elif meta.get("grade") and gid in result.cells:
            graded = result.cells[gid]
            mark = "ok" if graded.score >= graded.max_score else "bad"
            body.append(
                f"<div class='cell test'><p class='{mark}'>{esc(gid)}: "
                f"{graded.score:g} / {graded.max_score:g} points</p>"
                f"<pre>{esc(cell.source)}</pre>"  # the release's test cell: no hidden tests
            )
            if graded.error:
                body.append(f"<pre class='bad'>{esc(graded.error)}</pre>")
            body.append("</div>")
        else:
            body.append(f"<div class='cell'><pre>{esc(cell.source)}</pre></div>")
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


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
