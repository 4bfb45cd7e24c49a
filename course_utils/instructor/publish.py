"""``course publish DEST``: the student repository, written from the instructors' source.

The instructors' repository holds the answers (solutions/, hidden tests, tests/mutants/, grading
fixtures, benchmarks); students get a separate repository that holds none of them. It is built
from a clean export of a commit (``HEAD`` by default, never the working tree) and contains only
``STUDENT_PATHS`` plus a student README; it gets a history of its own (one commit per publish),
never the source's. Before anything is committed, every file is scanned for every solution line
and every hidden-test line of every chapter (``leaks.find_leaks``); one hit and nothing is
written.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from . import build, notebook
from .config import CourseConfig, load
from .leaks import find_leaks, secret_lines

STUDENT_PATHS = (
    "course_utils",  # runtime helpers and the tools; answers live in solutions/ and tests/ only
    "notebooks",  # the generated release: stubs and visible tests
    "pyproject.toml",
    "environment.yml",
    "constraints.txt",
    "nbgrader_config.py",  # Validate then uses the grader's settings (timeouts, ignored stderr)
)
"""What a student repository holds besides README.md and LICENSE. Everything else of the
source (solutions/, tests/, benchmarks/, .ci/, Makefile, the instructors' README) stays out."""

PUBLISHED_TRAILER = "Published-by: course publish"


class PublishError(RuntimeError):
    """The student repository was not written; the message says why and what to do."""


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    identity = {
        **os.environ,
        "GIT_AUTHOR_NAME": "course publish",
        "GIT_AUTHOR_EMAIL": "course-publish@localhost",
        "GIT_COMMITTER_NAME": "course publish",
        "GIT_COMMITTER_EMAIL": "course-publish@localhost",
    }
    result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, env=identity)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise PublishError(f"git {' '.join(args)} failed in {cwd}: {message}")
    return result.stdout


def export(root: Path, ref: str, dest: Path) -> str:
    """The committed tree of ``ref`` (not the working tree) extracted into ``dest``; its commit."""
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    commit = _git(root, "rev-parse", "--verify", f"{ref}^{{commit}}").decode().strip()
    archive = _git(root, "archive", "--format=tar", f"{commit}:{prefix}" if prefix else commit)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return commit


def _check_release(config: CourseConfig) -> None:
    """Each chapter released, with the badge and install cell ``config`` stamps."""
    for chapter in config.chapters():
        path = config.release_notebook(chapter)
        if not path.exists():
            raise PublishError(f"no release of {chapter}: run `course build` and commit")
        nb = notebook.read(path)
        badge = [c.source for c in nb.cells if notebook.role(c) == "badge"]
        setup = "".join(c.source for c in nb.cells if notebook.role(c) == "setup")
        if badge != [build.badge_markdown(config, chapter)] or (
            build.install_block(config, chapter) not in setup
        ):
            raise PublishError(
                f"notebooks/{chapter} was not built for {config.student_url}: "
                "run `course build` and commit"
            )


def student_pyproject(text: str, config: CourseConfig) -> str:
    """The source's pyproject.toml naming the student repository wherever it named the source."""
    return text.replace(config.repository, config.student_url)


MIT = """MIT License

Copyright (c) the authors of {name}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def _license(source: Path, name: str) -> str:
    """The source's LICENSE file, else the MIT text when pyproject says ``license = "MIT"``."""
    for candidate in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
        if (source / candidate).is_file():
            return (source / candidate).read_text(encoding="utf-8")
    text = (source / "pyproject.toml").read_text(encoding="utf-8")
    if re.search(r'^license\s*=\s*"MIT"', text, re.M):
        return MIT.format(name=name)
    raise PublishError("no LICENSE in the source and pyproject.toml's license is not MIT")


README = """# {name}: the student notebooks

{chapters}

## Open a chapter

- **Colab**: open `notebooks/NN_topic/NN_topic.ipynb` through the "Open in Colab" badge at its
  top. The first code cell installs `course_utils` from this repository when it is missing (and
  torchao in chapters 10 and 11), picks the device and seeds everything.
- **Your machine** (Python 3.11+; PyTorch 2.7+):

  ```bash
  git clone {url} && cd {folder}
  python3 -m venv .venv && . .venv/bin/activate
  pip install -c constraints.txt -e ".[course]"
  python -m course_utils.lab notebooks/
  ```

  (On Debian or Ubuntu, `python3 -m venv` needs `sudo apt-get install python3-venv`; on
  Windows, use WSL or conda.) `python -m course_utils.lab` is JupyterLab set up for students:
  nbgrader's student tools only, and notebooks that open unmodified.

  Conda: `conda env create -f environment.yml && conda activate pytorch-course`.
  `course doctor` says what is installed, which device and data were found, and what to fix.

## Run

Run a notebook top to bottom. Each exercise is a function whose body says
`raise NotImplementedError()`: replace it with your code. `COURSE_QUICK=1` (set it before starting
Jupyter) shrinks data and epochs so a chapter runs in seconds on a laptop CPU; the accuracy
targets are for full mode, the default. Data downloads on first use; `COURSE_OFFLINE=1` skips
downloads and uses local copies or a clearly labelled synthetic stand-in.

## Validate

The cell after each exercise holds its tests: run it, and its message says what is wrong (shape,
dtype, value, which input). In JupyterLab, nbgrader's **Validate** button runs every cell and every
visible test with the grader's settings, in a kernel of its own. Started with
`python -m course_utils.lab`, Validate runs that kernel in quick mode (small data, few epochs)
while your own kernels stay in full mode; `COURSE_VALIDATE_FULL=1` before starting it validates
in full mode (the training chapters then train in full, behind Validate's dialog). When grading,
more tests run that you cannot see: make your function right in general, not only for the
visible examples.

## Submit

Submit the notebook file itself, `NN_topic.ipynb`, under its own name, the way your instructor
says (nbgrader's Assignments tab, or an upload to your course's site). Keep the cells you were
given: answers are matched to their tests by cell, and test cells are replaced by the grader's.

This repository is generated by `course publish` from the instructors' source; changes made here
are overwritten by the next release.
"""


def student_readme(config: CourseConfig, source: Path, name: str) -> str:
    """The student README: open, run, validate, submit; the chapter table from the source's."""
    readme = source / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    table = re.search(r"^\| chapter \| topic \|\n(?:\|.*\n?)+", text, re.M)
    url = config.student_url.removesuffix("/").removesuffix(".git")
    title = re.search(r"^# (.+)$", text, re.M)
    return README.format(
        name=title.group(1).strip() if title else name,
        chapters=table.group(0).strip() if table else "",
        url=url,
        folder=url.rsplit("/", 1)[-1],
    )


def write_tree(
    root: Path, dest: Path, ref: str = "HEAD", *, require_student_repository: bool = True
) -> str:
    """The student tree of commit ``ref`` of the course at ``root`` written into the empty
    folder ``dest`` (no git); the source commit. The settings are those of ``ref`` too.

    Raises PublishError when badges would point at the instructors' repository (unless
    ``require_student_repository`` is false), when the release is stale, or on any leak.
    """
    with tempfile.TemporaryDirectory(prefix="course-publish-") as tmp:
        source = Path(tmp)
        commit = export(root, ref, source)
        config = load(source)
        if require_student_repository and config.student_url == config.repository:
            raise PublishError(
                f"badges and install cells at {ref} point at the instructors' repository "
                f"{config.repository}: set [tool.course] student_repository in pyproject.toml "
                "to the students' repository, run `course build`, commit, then publish"
            )
        _check_release(config)
        name = _project_name(_text(source / "pyproject.toml"))
        for relative in STUDENT_PATHS:
            path = source / relative
            if path.is_dir():
                shutil.copytree(path, dest / relative, ignore=shutil.ignore_patterns("__pycache__"))
            elif path.is_file():
                shutil.copy2(path, dest / relative)
        pyproject = dest / "pyproject.toml"
        pyproject.write_text(student_pyproject(_text(pyproject), config), encoding="utf-8")
        (dest / "README.md").write_text(student_readme(config, source, name), encoding="utf-8")
        (dest / "LICENSE").write_text(_license(source, name), encoding="utf-8")
        leaks = find_leaks(dest, secret_lines(config))
    if leaks:
        shutil.rmtree(dest)
        dest.mkdir()
        shown = "\n".join(leaks[:20])
        raise PublishError(f"{len(leaks)} answer line(s) would be published:\n{shown}")
    return commit


def _project_name(pyproject: str) -> str:
    """The ``name = "..."`` of a pyproject.toml's text."""
    line = re.search(r'^name\s*=\s*"([^"]+)"', pyproject, re.M)
    if line is None:
        raise PublishError('pyproject.toml has no `name = "..."` line: the package needs a name')
    return line[1]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def publish(
    config: CourseConfig, dest: Path, ref: str = "HEAD", *, require_student_repository: bool = True
) -> str:
    """Write the student repository of commit ``ref`` into ``dest`` and commit it; the message.

    ``dest`` is a new or empty folder (a new repository, one commit) or a repository that an
    earlier ``course publish`` wrote (its files are replaced and one commit is added, so students'
    clones pull the update; its history holds only published trees).
    """
    dest = dest.resolve()
    if dest.is_relative_to(config.root.resolve()):
        raise PublishError(f"{dest} is inside the course at {config.root}: publish outside it")
    update = (dest / ".git").is_dir()
    if update:
        last = _git(dest, "log", "-1", "--format=%B").decode()
        if PUBLISHED_TRAILER not in last:
            raise PublishError(f"{dest} is a git repository that `course publish` did not write")
    elif dest.exists() and any(dest.iterdir()):
        raise PublishError(f"{dest} is neither empty nor a student repository written before")
    with tempfile.TemporaryDirectory(prefix="course-student-") as tmp:
        tree = Path(tmp)
        commit = write_tree(
            config.root, tree, ref, require_student_repository=require_student_repository
        )
        dest.mkdir(parents=True, exist_ok=True)
        if not update:
            _git(dest, "init", "-q", "-b", config.branch)
        for old in dest.iterdir():
            if old.name != ".git":
                shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        shutil.copytree(tree, dest, dirs_exist_ok=True)
    _git(dest, "add", "-A")
    if update and not _git(dest, "status", "--porcelain").strip():
        return f"{dest}: unchanged (source {commit[:12]})"
    message = f"Student release from {commit[:12]}\n\n{PUBLISHED_TRAILER}\n"
    _git(dest, "commit", "-q", "-F", "-", data=message.encode())
    files = len(_git(dest, "ls-files", "-z").split(b"\0")) - 1
    return f"published {files} files of {commit[:12]} into {dest} (branch {config.branch})"
