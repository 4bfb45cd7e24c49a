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
    assert sorted(_problems(tiny_course)) == [
        "00_tiny: the Colab badge is not the configured one: run `course build`",
        "00_tiny: the setup cell lacks the stamped install block: run `course build`",
    ]


def test_too_few_exercises_missing_sections_and_title_parts_are_reported(tiny_course) -> None:
    text = (
        chapter_text(4)
        .replace("## Common mistakes", "## Pitfalls")
        .replace("Estimated time", "Time")
    )
    _rewrite(tiny_course, text)
    assert sorted(_problems(tiny_course)) == sorted([
        "00_tiny: the title cell does not mention 'estimated time'",
        "00_tiny: 4 graded exercise(s); at least 5 are required",
        "00_tiny: no 'Common Mistakes' section (a markdown heading)",
        "00_tiny: 00_tiny.py names unknown solution cell 'ex5'",
    ])  # fmt: skip


def test_duplicate_ids_missing_hidden_tests_and_bare_asserts_are_reported(tiny_course) -> None:
    text = chapter_text().replace("id=ex2_test", "id=ex1_test")
    text = text.replace("check_number(times_3(2), 6)", "assert times_3(2) == 6")
    text = text.replace(
        "### BEGIN HIDDEN TESTS\ncheck_number(times_4(3), 12)\n### END HIDDEN TESTS\n", ""
    )
    _rewrite(tiny_course, text)
    assert sorted(_problems(tiny_course)) == sorted([
        "00_tiny: duplicate grade_id 'ex1_test'",
        "00_tiny: test cell ex3_test uses a bare assert: use course_utils.checks",
        "00_tiny: test cell ex4_test has no ### BEGIN/END HIDDEN TESTS",
    ])  # fmt: skip


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
    fix = "add known-wrong answers of other kinds (CONTRIBUTING.md)"
    mutants = [
        f"00_tiny: exercise ex{i} has {int(i == 1)} mutant(s) in 00_tiny.py, fewer than 4: {fix}"
        for i in range(1, 6)
    ]
    assert sorted(_problems(tiny_course)) == sorted([
        "00_tiny: cell 2 has outputs: sources are stored without them (run `course build`)",
        "00_tiny: cell 2 uses a star import",
        *mutants,
    ])  # fmt: skip
