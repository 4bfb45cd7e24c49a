"""A tiny but complete course in a temporary folder, for testing the `course` tooling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_utils.instructor import config, notebook

ROOT = Path(__file__).resolve().parents[2]

EXERCISE = '''
# %% [solution] id=ex{i}
def times_{i}(x):
    """Multiply by {i}."""
    ### BEGIN SOLUTION
    return x * {i}
    ### END SOLUTION

# %% [test] id=ex{i}_test points=1
from course_utils.checks import check_number

check_number(times_{i}(2), {twice})
### BEGIN HIDDEN TESTS
check_number(times_{i}(3), {thrice})
### END HIDDEN TESTS
'''

CHAPTER = """# %% [markdown] role=badge
# badge

# %% [markdown]
# # Tiny chapter
# Learning objectives: multiply. Prerequisites: none. Estimated time: 1 minute.

# %% role=setup
from course_utils.env import get_device, seed_everything

device = get_device()
seed_everything(0)
{exercises}
# %% [markdown]
# ## Common mistakes
# None.
#
# ## Summary
# Done.
"""

MUTANTS = """MUTANTS = {{
{entries}
}}
"""


def chapter_text(count: int = 5) -> str:
    exercises = "".join(
        EXERCISE.format(i=i, twice=2 * i, thrice=3 * i) for i in range(1, count + 1)
    )
    return CHAPTER.format(exercises=exercises)


def tiny_mutants(i: int) -> list[tuple[str, str]]:
    """Four wrong answers to exercise ``i`` of the tiny chapter (``times_i(x) == i * x``)."""
    wrong = {"adds": f"x + {i}", "off by one": f"x * {i + 1}", "returns 0": "0", "squares": "x * x"}
    return [(why, f"def times_{i}(x):\n    return {body}\n") for why, body in wrong.items()]


@pytest.fixture
def tiny_course(tmp_path: Path) -> config.CourseConfig:
    """A course with one five-exercise chapter `00_tiny` and its mutants; not yet built."""
    root = tmp_path / "course"
    (root / "tests" / "mutants").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "pyproject.toml").write_text(
        '[tool.course]\nrepository = "https://github.com/example/tiny-course"\nbranch = "trunk"\n'
    )
    notebook.write(
        notebook.from_percent(chapter_text()), root / "solutions" / "00_tiny" / "00_tiny.ipynb"
    )
    entries = "\n".join(f'    "ex{i}": {tiny_mutants(i)!r},' for i in range(1, 6))
    (root / "tests" / "mutants" / "00_tiny.py").write_text(MUTANTS.format(entries=entries))
    return config.load(root)
