"""The **Estimated time** paragraph of a chapter's title cell, written by ``course build``.

The estimate is computed from the notebook itself at a stated pace for a student new to the
topic (an assumption of the course's authors, not a measurement of students): reading the
markdown, reading and running each demo code cell, and working each exercise by its points.
Training cells that run for minutes in full mode are extra; the paragraph says so.
"""

from __future__ import annotations

import re
import textwrap

from nbformat import NotebookNode

from . import notebook

READING_WPM = 150  # technical text with formulas and code: slower than the ~250 of prose
DEMO_MINUTES = 1.5  # read a demo cell, run it, look at what it prints or draws
MINUTES_PER_POINT = 6  # an exercise's points reflect its size: 1-point exercises are short
PARAGRAPH = re.compile(r"\*\*Estimated time\.\*\*.*?(?=\n[ \t]*\n|\Z)", re.S)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")


def _words(nb: NotebookNode) -> int:
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or notebook.role(cell) == "badge":
            continue
        text = LINK_TARGET.sub("]", PARAGRAPH.sub("", cell.source))
        count += len(WORD.findall(text))
    return count


def _counts(nb: NotebookNode) -> tuple[int, int, int, float]:
    """(markdown words, demo code cells, exercises, points) of a source notebook."""
    demos = exercises = 0
    points = 0.0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            exercises += 1
        elif meta.get("grade"):
            points += float(meta.get("points", 0))
        else:
            demos += 1
    return _words(nb), demos, exercises, points


def _duration(minutes: float) -> str:
    quarters = max(1, round(minutes / 15))
    hours, rest = divmod(quarters * 15, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def paragraph(nb: NotebookNode) -> str:
    """The paragraph for ``nb``: the total and how it was computed."""
    words, demos, exercises, points = _counts(nb)
    reading, running, working = (
        words / READING_WPM,
        demos * DEMO_MINUTES,
        points * MINUTES_PER_POINT,
    )
    total = reading + running + working
    text = (
        f"**Estimated time.** About {_duration(total)}, computed by `course build` from this "
        f"notebook at the pace of a student new to the topic: {words:,} words of text at "
        f"{READING_WPM} words per minute ({reading:.0f} min), {demos} demo code cells at "
        f"{DEMO_MINUTES:g} minutes each to read, run and look at ({running:.0f} min), and "
        f"{exercises} exercises worth {points:g} points at {MINUTES_PER_POINT} minutes per point "
        f"({working:.0f} min). Training cells that run for minutes in full mode add their "
        "running time; quick mode (`COURSE_QUICK=1`) keeps that to seconds."
    )
    return textwrap.fill(text, width=100, break_on_hyphens=False, break_long_words=False)


def stamp_estimate(nb: NotebookNode) -> bool:
    """Rewrite the title cell's Estimated time paragraph in place; False if there is none."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and PARAGRAPH.search(cell.source):
            cell.source = PARAGRAPH.sub(paragraph(nb).replace("\\", r"\\"), cell.source, count=1)
            return True
    return False
