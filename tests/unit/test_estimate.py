"""``course build`` writes each chapter's Estimated time from the notebook at a stated pace."""

from __future__ import annotations

import nbformat

from course_utils.instructor import estimate

TITLE = (
    "# 01 · Tensors\n\n**Learning objectives.** Use tensors.\n\n**Estimated time.** {old}\n\nMore."
)


def _notebook(
    words: int = 300, demos: int = 4, points: tuple[int, ...] = (1, 2)
) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    badge = nbformat.v4.new_markdown_cell("[![Open In Colab](https://x/badge.svg)](https://x/nb)")
    badge.metadata["course"] = {"role": "badge"}
    nb.cells = [badge, nbformat.v4.new_markdown_cell(TITLE.format(old="About a week."))]
    nb.cells.append(
        nbformat.v4.new_markdown_cell(" ".join(["word"] * words) + " [a link](https://a.b/c-d-e)")
    )
    nb.cells += [nbformat.v4.new_code_cell("print(1)") for _ in range(demos)]
    for i, p in enumerate(points):
        solution = nbformat.v4.new_code_cell("def f(): ...")
        solution.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": f"ex{i}"}
        test = nbformat.v4.new_code_cell("check(f())")
        test.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "points": p,
            "grade_id": f"t{i}",
        }
        nb.cells += [solution, test]
    return nb


def test_estimate_counts_words_demos_exercises_and_points() -> None:
    nb = _notebook(words=300, demos=4, points=(1, 2))
    # title words (01 Tensors Learning objectives Use tensors More) + 300 + "a link"; the
    # Estimated time paragraph itself, link targets and the badge are not counted
    words, demos, exercises, points = estimate._counts(nb)
    assert (words, demos, exercises, points) == (1 + 2 + 2 + 1 + 300 + 2, 4, 2, 3.0)


def test_estimate_paragraph_states_its_basis_and_a_rounded_total() -> None:
    nb = _notebook(words=3000, demos=10, points=(2, 2, 3, 3, 4))  # 14 points
    text = " ".join(estimate.paragraph(nb).split())  # wrapped at 100 columns
    reading = (3000 + 8) / estimate.READING_WPM
    total = reading + 10 * estimate.DEMO_MINUTES + 14 * estimate.MINUTES_PER_POINT
    assert text.startswith(f"**Estimated time.** About {estimate._duration(total)},")
    assert "3,008 words" in text and "10 demo code cells" in text
    assert "5 exercises worth 14 points" in text


def test_durations_round_to_a_quarter_hour() -> None:
    assert estimate._duration(5) == "15 min"
    assert estimate._duration(52) == "45 min"
    assert estimate._duration(60) == "1 h"
    assert estimate._duration(98) == "1 h 45 min"
    assert estimate._duration(181) == "3 h"


def test_paragraph_lines_fit_the_source_width() -> None:
    lines = estimate.paragraph(_notebook(words=3000)).splitlines()
    assert len(lines) > 1 and max(map(len, lines)) <= 100


def test_stamp_rewrites_only_the_paragraph_and_is_idempotent() -> None:
    nb = _notebook()
    assert estimate.stamp_estimate(nb) is True
    title = nb.cells[1].source
    assert "About a week" not in title and title.endswith("\n\nMore.")
    assert title.startswith("# 01 · Tensors\n\n**Learning objectives.** Use tensors.\n\n")
    assert title.count("**Estimated time.**") == 1
    once = nbformat.writes(nb)
    estimate.stamp_estimate(nb)
    assert nbformat.writes(nb) == once


def test_a_notebook_without_the_paragraph_is_left_alone() -> None:
    nb = _notebook()
    nb.cells[1].source = "# Title only"
    before = nbformat.writes(nb)
    assert estimate.stamp_estimate(nb) is False
    assert nbformat.writes(nb) == before
