"""Which errors a released notebook may raise: unimplemented stubs and their direct consequences."""

from __future__ import annotations

import nbformat

from course_utils.instructor import autograde, notebook


def _executed(tmp_path, cells: list[tuple[str, str | None, str]]):
    nb = nbformat.v4.new_notebook()
    for source, ename, evalue in cells:
        cell = nbformat.v4.new_code_cell(source)
        if ename:
            cell.outputs = [
                nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])
            ]
        nb.cells.append(cell)
    path = tmp_path / "executed.ipynb"
    notebook.write(nb, path)
    return path


def test_not_implemented_and_its_name_errors_are_accepted(tmp_path) -> None:
    path = _executed(
        tmp_path,
        [
            ("model = build_model()", "NotImplementedError", ""),
            ("history = train(model)", "NameError", "name 'model' is not defined"),
            ("plot(history)", "NameError", "name 'history' is not defined"),
        ],
    )
    assert autograde.unexpected_errors(path) == []


def test_other_errors_are_reported_with_their_cell(tmp_path) -> None:
    path = _executed(
        tmp_path,
        [
            ("x = f()", "NotImplementedError", ""),
            ("y = undefined_thing", "NameError", "name 'undefined_thing' is not defined"),
            ("z = 1 / 0", "ZeroDivisionError", "division by zero"),
        ],
    )
    assert autograde.unexpected_errors(path) == [
        "cell 1: NameError: name 'undefined_thing' is not defined",
        "cell 2: ZeroDivisionError: division by zero",
    ]
