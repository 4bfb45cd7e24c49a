"""The mutant runner: kills what the tests reject, reports survivors, refuses broken set-ups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.instructor import mutants, notebook

ROOT = Path(__file__).resolve().parents[2]


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


def test_runner_restores_the_solution_after_each_mutant(tiny_course) -> None:
    """A mutant of ex1 must not stay live while ex2's mutants run.

    times_2 calls times_1, so a leftover ex1 mutant would make ex2's own pre-check fail (a setup
    error) or make ex2's surviving mutant look killed. With the solution restored from disk, the
    ex1 mutants are killed by ex1's tests and ex2's weak mutant survives, as it truly does.
    """
    path = tiny_course.source_notebook("00_tiny")
    nb = notebook.read(path)
    solution = next(c for c in notebook.graded_cells(nb) if c.grade_id == "ex2")
    nb.cells[solution.index].source = (
        "def times_2(x):\n"
        '    """Multiply by 2, through times_1."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return 2 * times_1(x)\n"
        "    ### END SOLUTION\n"
    )
    notebook.write(nb, path)
    table = _mutants()
    # Both ex1 mutants break times_2 too; the last one is what a non-restoring runner leaves live.
    table["ex1"] = [
        ("adds instead", "def times_1(x):\n    return x + 1\n"),
        ("returns a constant", "def times_1(x):\n    return 7\n"),
    ]
    # Indistinguishable from the solution on the tests' inputs only while times_1 is correct.
    table["ex2"] = [("doubles directly", "def times_2(x):\n    return x * 2\n")]
    results = mutants.run_mutants(path, table)
    verdicts = {(r.grade_id, r.why): r.killed for r in results}
    assert verdicts[("ex1", "adds instead")] is True
    assert verdicts[("ex1", "returns a constant")] is True
    assert verdicts[("ex2", "doubles directly")] is False, (
        "ex2's mutant was judged against ex1's leftover mutant"
    )
    assert notebook.read(path).cells[solution.index].source.count("times_1(x)") == 1


def test_every_mutant_file_loads_with_the_standard_library_alone() -> None:
    # Mutant files are data: tools that read them (and people) need no course_utils for it.
    for path in sorted((ROOT / "tests" / "mutants").glob("*.py")):
        code = (
            "import importlib.util, sys; p = sys.argv[1]; "
            "s = importlib.util.spec_from_file_location('m', p); "
            "m = importlib.util.module_from_spec(s); "
            "s.loader.exec_module(m); assert isinstance(m.MUTANTS, dict) and m.MUTANTS"
        )
        proc = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(path)],
                              capture_output=True, text=True)  # fmt: skip
        assert proc.returncode == 0, (
            f"{path.name} needs more than the standard library:\n{proc.stderr[-800:]}"
        )
