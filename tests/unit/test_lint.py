"""`course check`: every structural rule fires on a notebook that breaks it, and only then."""

from __future__ import annotations

import nbformat

from course_utils.instructor import build, lint, notebook

from .conftest import chapter_text


def _problems(course) -> list[str]:
    return lint.check_course(course, ["00_tiny"])


def _rewrite(course, text: str) -> None:
    notebook.write(notebook.from_percent(text), course.source_notebook("00_tiny"))
    build.stamp_sources(course, ["00_tiny"])


def test_a_complete_built_chapter_has_no_problems(tiny_course) -> None:
    build.build(tiny_course)
    assert _problems(tiny_course) == []


def test_unstamped_chapter_is_told_to_run_course_build(tiny_course) -> None:
    problems = " ".join(_problems(tiny_course))
    assert "run `course build`" in problems


def test_too_few_exercises_missing_sections_and_title_parts_are_reported(tiny_course) -> None:
    text = (
        chapter_text(4)
        .replace("## Common mistakes", "## Pitfalls")
        .replace("Estimated time", "Time")
    )
    _rewrite(tiny_course, text)
    problems = " ".join(_problems(tiny_course))
    assert "4 graded exercise(s); at least 5 are required" in problems
    assert "no 'Common Mistakes' section" in problems
    assert "does not mention 'estimated time'" in problems
    assert "names unknown solution cell 'ex5'" in problems


def test_duplicate_ids_missing_hidden_tests_and_bare_asserts_are_reported(tiny_course) -> None:
    text = chapter_text().replace("id=ex2_test", "id=ex1_test")
    text = text.replace("check_number(times_3(2), 6)", "assert times_3(2) == 6")
    text = text.replace(
        "### BEGIN HIDDEN TESTS\ncheck_number(times_4(3), 12)\n### END HIDDEN TESTS\n", ""
    )
    _rewrite(tiny_course, text)
    problems = " ".join(_problems(tiny_course))
    assert "duplicate grade_id 'ex1_test'" in problems
    assert "ex3_test uses a bare assert" in problems
    assert "ex4_test has no ### BEGIN/END HIDDEN TESTS" in problems


def test_outputs_star_imports_and_missing_mutants_are_reported(tiny_course) -> None:
    build.build(tiny_course)
    path = tiny_course.source_notebook("00_tiny")
    nb = notebook.read(path)
    demo = next(c for c in nb.cells if c.cell_type == "code" and notebook.role(c) == "setup")
    demo.source += "\nfrom math import *"
    demo.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    notebook.write(nb, path)
    (tiny_course.root / "tests" / "mutants" / "00_tiny.py").write_text(
        'MUTANTS = {"ex1": [("x", "y")]}'
    )
    problems = " ".join(_problems(tiny_course))
    assert "has outputs" in problems and "star import" in problems
    assert "exercise ex2 has 0 mutant(s) in 00_tiny.py, fewer than 4" in problems
    assert "exercise ex1 has 1 mutant(s) in 00_tiny.py, fewer than 4" in problems
