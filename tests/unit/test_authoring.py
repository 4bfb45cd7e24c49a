"""The percent authoring format and the notebook helpers behind `course nb`."""

from __future__ import annotations

import pytest

from course_utils.instructor import notebook

from .conftest import ROOT, chapter_text


def test_percent_text_round_trips_through_a_notebook() -> None:
    text = chapter_text()
    nb = notebook.from_percent(text)
    assert notebook.to_percent(nb) == text


def test_solution_and_test_cells_get_nbgrader_metadata() -> None:
    nb = notebook.from_percent(chapter_text(2))
    cells = notebook.graded_cells(nb)
    assert [(c.grade_id, c.kind, c.points) for c in cells] == [
        ("ex1", "solution", 0.0),
        ("ex1_test", "test", 1.0),
        ("ex2", "solution", 0.0),
        ("ex2_test", "test", 1.0),
    ]
    test_meta = nb.cells[cells[1].index].metadata.nbgrader
    assert test_meta == {
        "grade_id": "ex1_test",
        "schema_version": 3,
        "task": False,
        "grade": True,
        "locked": True,
        "points": 1,
        "solution": False,
    }
    assert notebook.exercises(nb) == {"ex1": [cells[1]], "ex2": [cells[3]]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n# %%\n", "text before the first"),
        ("# %% [quiz]\n", "cannot read cell header"),
        ("# %% [markdown]\nnot a comment\n", "must start with '# '"),
        ("# %% [test] id=t\nx = 1\n", "needs points="),
        ("# %% [solution]\nx = 1\n", "needs id="),
    ],
)
def test_malformed_percent_text_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(notebook.NotebookFormatError, match=message):
        notebook.from_percent(text)


def test_unreadable_notebook_is_reported_with_its_path(tmp_path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(notebook.NotebookFormatError, match="broken.ipynb: not a readable notebook"):
        notebook.read(broken)


def test_write_reports_whether_anything_changed(tmp_path) -> None:
    nb = notebook.from_percent(chapter_text(1))
    path = tmp_path / "a.ipynb"
    assert notebook.write(nb, path) is True
    assert notebook.write(nb, path) is False


def test_fill_answers_puts_answers_in_solution_cells_by_grade_id() -> None:
    source = notebook.from_percent(chapter_text(2))
    answers = notebook.solution_answers(source)
    assert set(answers) == {"ex1", "ex2"} and "return x * 2" in answers["ex2"]
    release = notebook.from_percent(chapter_text(2))
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "raise NotImplementedError()"
    filled = notebook.fill_answers(release, {"ex1": answers["ex1"]})
    by_id = {c.grade_id: c.source for c in notebook.graded_cells(filled) if c.kind == "solution"}
    assert by_id == {"ex1": answers["ex1"], "ex2": "raise NotImplementedError()"}
    assert release.cells != filled.cells  # the release itself is left alone


def _real_chapters() -> list[str]:
    from course_utils.instructor import config

    return config.load(ROOT).chapters()


def _cells_that_matter(nb) -> list[dict]:
    """What a round trip must keep: type, id, source, and the nbgrader and course metadata."""
    return [
        {
            "cell_type": cell.cell_type,
            "id": cell.get("id"),
            "source": cell.source,
            "nbgrader": cell.metadata.get("nbgrader"),
            "course": cell.metadata.get("course"),
        }
        for cell in nb.cells
    ]


@pytest.mark.parametrize("chapter", _real_chapters())
def test_every_real_chapter_round_trips_through_nb_export_and_import(
    chapter, tmp_path, monkeypatch, capsys
) -> None:
    from course_utils.instructor import cli

    monkeypatch.chdir(ROOT)
    percent, target = tmp_path / f"{chapter}.py", tmp_path / f"{chapter}.ipynb"
    assert cli.main(["nb", "export", chapter, str(percent)]) == 0
    assert cli.main(["nb", "import", str(percent), str(target)]) == 0
    capsys.readouterr()
    source = notebook.read(ROOT / "solutions" / chapter / f"{chapter}.ipynb")
    again = notebook.read(target)
    assert len(again.cells) == len(source.cells)
    for index, (a, b) in enumerate(
        zip(_cells_that_matter(source), _cells_that_matter(again), strict=True)
    ):
        assert a == b, f"{chapter} cell {index} changed in the round trip"
    assert again.metadata["kernelspec"]["name"] == source.metadata["kernelspec"]["name"]
