"""The course's own settings: where the repository lives and where chapters are found."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CHAPTER_NAME = re.compile(r"^\d{2}_[a-z0-9_]+$")


class ConfigError(ValueError):
    """The course configuration in pyproject.toml is missing or malformed."""


@dataclass(frozen=True)
class CourseConfig:
    """Settings from ``[tool.course]`` in pyproject.toml plus the course root."""

    root: Path
    repository: str
    """The instructors' source (solutions, hidden tests); may be private."""
    branch: str = "main"
    student_repository: str | None = None
    """What students open: `course publish` writes it, badges and install cells point at it."""

    @property
    def student_url(self) -> str:
        """The repository badges and install cells name: ``student_repository``, else
        ``repository`` (a course without the setting behaves as before)."""
        return self.student_repository or self.repository

    @property
    def github_path(self) -> str:
        """``owner/name`` of the student-facing GitHub repository (what Colab URLs need)."""
        key = "student_repository" if self.student_repository else "repository"
        return _github_path(key, self.student_url)

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def chapters(self) -> list[str]:
        """Chapter names (``NN_topic``) that have a source notebook, in order."""
        if not self.solutions.is_dir():
            return []
        return sorted(
            p.name
            for p in self.solutions.iterdir()
            if p.is_dir() and CHAPTER_NAME.match(p.name) and (p / f"{p.name}.ipynb").exists()
        )

    def source_notebook(self, chapter: str) -> Path:
        return self.solutions / chapter / f"{chapter}.ipynb"

    def release_notebook(self, chapter: str) -> Path:
        return self.notebooks / chapter / f"{chapter}.ipynb"

    def mutant_file(self, chapter: str) -> Path:
        """The chapter's known-wrong answers (``tests/mutants/NN_topic.py``)."""
        return self.root / "tests" / "mutants" / f"{chapter}.py"

    # nbgrader's course layout: collected submissions, graded copies, feedback pages
    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook_url(self) -> str:
        """nbgrader's default gradebook: gradebook.db at the root (``--db`` may name another)."""
        return f"sqlite:///{self.root / 'gradebook.db'}"


def _github_path(key: str, url: str) -> str:
    match = re.match(r"^https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url)
    if not match:
        raise ConfigError(
            f"[tool.course] {key} = {url!r} is not a https://github.com/OWNER/NAME URL"
        )
    return match.group(1)


def find_root(start: Path | None = None) -> Path:
    """The course root: the nearest folder at or above ``start`` with nbgrader_config.py."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").exists() and (folder / "pyproject.toml").exists():
            return folder
    raise ConfigError(
        f"no course found at or above {here}: run this inside the course repository "
        "(the folder with pyproject.toml and nbgrader_config.py)"
    )


def load(root: Path | None = None) -> CourseConfig:
    """Read ``[tool.course]`` from the course's pyproject.toml."""
    root = root or find_root()
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read {root / 'pyproject.toml'}: {err}") from err
    section = data.get("tool", {}).get("course")
    if not isinstance(section, dict) or "repository" not in section:
        raise ConfigError(
            'pyproject.toml needs a [tool.course] table with repository = "https://github.com/..."'
        )
    student = section.get("student_repository")
    config = CourseConfig(
        root=root,
        repository=str(section["repository"]),
        branch=str(section.get("branch", "main")),
        student_repository=str(student) if student else None,
    )
    _github_path("repository", config.repository)  # validate early, with a clear message
    _ = config.github_path
    return config
