"""What a student sees in a real kernel when a check fails: message and hint first, and only."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.instructor.grade import scoring
from course_utils.tracebacks import FULL_TRACEBACK_TIP, short_traceback

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

FAILING_CHECK = """\
from course_utils.checks import call, check_equal
check_equal(1, 2, name="answer", hint="add one")"""

FAILING_CALL = """\
def student():
    raise ValueError("boom")
call(student, name="student()")"""

FULL = "from course_utils.tracebacks import show_full_traceback\nshow_full_traceback()"


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    """A notebook with a failing check, a failing call and a request for the full traceback."""
    cells = [FAILING_CHECK, FAILING_CALL, FULL]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return nb


def _error(cell: nbformat.NotebookNode) -> dict:
    return next(o for o in cell.outputs if o.output_type == "error")


def test_a_failing_check_shows_the_message_hint_and_cell_line_only(executed) -> None:
    error = _error(executed.cells[0])
    shown = [_ANSI.sub("", line) for line in error.traceback]
    assert shown == [
        "CheckFailed: answer: is 1 but should be 2",
        "Hint: add one",
        f"(Cell In[1], line 2; {FULL_TRACEBACK_TIP})",
    ]
    # what graders parse is unchanged: the exception type and message
    assert error.ename == "CheckFailed"
    assert error.evalue == "answer: is 1 but should be 2\nHint: add one"


def test_the_grader_still_finds_the_failing_line(executed) -> None:
    traceback = _error(executed.cells[0]).traceback
    visible = "line 1\nline 2\n### BEGIN HIDDEN TESTS\nline 4\n### END HIDDEN TESTS"
    hidden = "### BEGIN HIDDEN TESTS\nline 2\n### END HIDDEN TESTS"
    assert scoring._in_hidden_tests(visible, traceback) is False
    assert scoring._in_hidden_tests(hidden, traceback) is True


def test_the_full_traceback_is_one_call_away(executed) -> None:
    shown = [_ANSI.sub("", line) for line in _error(executed.cells[1]).traceback]
    assert shown[0] == "CheckFailed: student(): raised ValueError: boom"
    printed = "".join(o.get("text", "") for o in executed.cells[2].outputs)
    assert 'raise ValueError("boom")' in printed  # the student's own line
    assert "During handling of the above exception" in printed
    assert "checks.py" in printed  # and the checker's frames


def test_outside_ipython_the_lines_name_no_cell() -> None:
    try:
        raise ValueError("first line\nsecond line")
    except ValueError as err:
        lines = short_traceback(err)
    assert [_ANSI.sub("", line) for line in lines] == [
        "ValueError: first line",
        "second line",
        f"({FULL_TRACEBACK_TIP})",
    ]
