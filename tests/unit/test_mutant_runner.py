"""The mutant runner: kills what the tests reject, reports survivors, refuses broken set-ups."""

from __future__ import annotations

import pytest

from course_utils.instructor import mutants, notebook


def _mutants(survivor: bool = False) -> mutants.Mutants:
    table = {
        f"ex{i}": [("adds instead", f"def times_{i}(x):\n    return x + {i}\n")]
        for i in range(1, 6)
    }
    if survivor:
        # x * 2 == 2 + 2 for the visible input but not the hidden one: hidden tests must catch it...
        table["ex2"].append(("adds, right by luck", "def times_2(x):\n    return x + 2\n"))
        # ...while this one is indistinguishable on every input the tests use: it must survive.
        table["ex1"].append(("multiplies by 1.0", "def times_1(x):\n    return x * 1.0\n"))
    return table


def test_runner_kills_wrong_answers_and_reports_survivors(tiny_course) -> None:
    results = mutants.run_mutants(tiny_course.source_notebook("00_tiny"), _mutants(survivor=True))
    verdicts = {(r.grade_id, r.why): r.killed for r in results}
    assert verdicts[("ex2", "adds, right by luck")] is True
    assert verdicts[("ex1", "multiplies by 1.0")] is False
    assert sum(verdicts.values()) == 6
    killed = next(r for r in results if r.grade_id == "ex3")
    assert killed.detail.startswith("ex3_test: CheckFailed")


def test_runner_refuses_missing_unknown_and_broken_mutants(tiny_course) -> None:
    path = tiny_course.source_notebook("00_tiny")
    table = _mutants()
    del table["ex5"]
    with pytest.raises(mutants.MutantSetupError, match=r"exercises without any mutant: \['ex5'\]"):
        mutants.run_mutants(path, table)
    with pytest.raises(mutants.MutantSetupError, match="unknown solution cells"):
        mutants.run_mutants(path, {**_mutants(), "ex9": [("x", "pass")]})
    broken = _mutants()
    broken["ex1"] = [("syntax error", "def times_1(x) return x\n")]
    with pytest.raises(mutants.MutantSetupError, match="does not even run"):
        mutants.run_mutants(path, broken)


def test_runner_requires_self_contained_test_cells(tiny_course) -> None:
    path = tiny_course.source_notebook("00_tiny")
    nb = notebook.read(path)
    tests = [c for c in notebook.graded_cells(nb) if c.kind == "test"]
    nb.cells[
        tests[0].index
    ].source = "from course_utils.checks import check_number\n\ncheck_number(times_1(shared), 2)"
    nb.cells[tests[0].index - 1].source += "\nshared = 2"
    nb.cells.append(nbformat_code("shared = 100"))
    notebook.write(nb, path)
    with pytest.raises(mutants.MutantSetupError, match="make it self-contained"):
        mutants.run_mutants(path, _mutants())


def nbformat_code(source: str):
    import nbformat

    return nbformat.v4.new_code_cell(source)


def test_load_mutants_checks_the_file_shape(tmp_path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("MUTANTS = {'ex1': []}\n")
    with pytest.raises(mutants.MutantSetupError, match="non-empty list"):
        mutants.load_mutants(bad)
    bad.write_text("OTHER = 1\n")
    with pytest.raises(mutants.MutantSetupError, match="must define MUTANTS"):
        mutants.load_mutants(bad)
