"""`course publish`: the student repository holds the release and the helpers, never an answer.

The tiny course shows the rules (settings, refusals, re-publishing); the real course is published
from a git snapshot of this tree and every file is scanned for every solution line and every
hidden-test line of every chapter; and course_utils installs from the published repository
(``git+file://``) into a clean environment, where a release notebook's setup cell runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from course_utils.instructor import build, cli, colab_sim, config, leaks, notebook, publish

ROOT = Path(__file__).resolve().parents[2]
STUDENT = "https://github.com/example/tiny-course-students"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def _commit(root: Path) -> None:
    if not (root / ".git").exists():
        _git(root, "init", "-q", "-b", "trunk")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "change")


@pytest.fixture
def student_course(tiny_course: config.CourseConfig) -> config.CourseConfig:
    """The tiny course with a student repository, built and committed."""
    pyproject = tiny_course.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + f'student_repository = "{STUDENT}"\n'
        + '\n[project]\nname = "tiny"\nlicense = "MIT"\n'
    )
    course = config.load(tiny_course.root)
    build.build(course)
    _commit(course.root)
    return course


def test_student_repository_setting_moves_badges_and_falls_back(tiny_course) -> None:
    assert tiny_course.student_repository is None
    assert tiny_course.student_url == tiny_course.repository  # nothing changes without it
    course = config.CourseConfig(tiny_course.root, tiny_course.repository, "trunk", STUDENT)
    assert "/github/example/tiny-course-students/blob/trunk/" in build.badge_markdown(
        course, "00_tiny"
    )
    assert f"git+{STUDENT}@trunk" in build.install_block(course, "00_tiny")
    bad = config.CourseConfig(tiny_course.root, tiny_course.repository, "trunk", "ftp://x/y")
    with pytest.raises(config.ConfigError, match="student_repository = 'ftp://x/y'"):
        _ = bad.github_path


def test_publish_writes_one_commit_with_release_and_no_answers(student_course, tmp_path) -> None:
    dest = tmp_path / "students"
    message = publish.publish(student_course, dest)
    assert "published" in message
    assert _git(dest, "rev-list", "--count", "HEAD").strip() == "1"
    files = set(_git(dest, "ls-files").split())
    assert files == {
        "LICENSE",
        "README.md",
        "nbgrader_config.py",
        "notebooks/00_tiny/00_tiny.ipynb",
        "pyproject.toml",
    }
    release = (dest / "notebooks/00_tiny/00_tiny.ipynb").read_text()
    assert "tiny-course-students/blob/trunk" in release and "BEGIN SOLUTION" not in release
    assert "return x * 1" not in release and "times_1(3)" not in release
    assert (
        'repository = "https://github.com/example/tiny-course"'
        not in (dest / "pyproject.toml").read_text()
    )
    readme = (dest / "README.md").read_text()
    for section in ("## Open a chapter", "## Run", "## Validate", "## Submit"):
        assert section in readme
    assert "MIT License" in (dest / "LICENSE").read_text()


def test_publish_refuses_badges_that_point_at_the_private_repository(tiny_course, tmp_path):
    build.build(tiny_course)
    (tiny_course.root / "pyproject.toml").write_text(
        (tiny_course.root / "pyproject.toml").read_text() + '\n[project]\nlicense = "MIT"\n'
    )
    _commit(tiny_course.root)
    with pytest.raises(publish.PublishError, match="point at the instructors' repository"):
        publish.publish(tiny_course, tmp_path / "students")
    assert not (tmp_path / "students").exists()


def test_publish_refuses_a_release_built_for_another_repository(student_course, tmp_path):
    pyproject = student_course.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(STUDENT, STUDENT + "-2"))
    _commit(student_course.root)  # the setting changed, `course build` was not run
    with pytest.raises(publish.PublishError, match="was not built for .*run `course build`"):
        publish.publish(config.load(student_course.root), tmp_path / "students")


def test_publish_refuses_when_an_answer_line_is_committed_where_students_see_it(
    student_course, tmp_path
) -> None:
    leaked = student_course.root / "notebooks" / "00_tiny" / "hint.py"
    leaked.write_text(
        "def times_2(x):\n    return x * 2  # see solutions\ncheck_number(times_4(3), 12)\n"
    )
    _commit(student_course.root)
    with pytest.raises(publish.PublishError, match=r"answer line\(s\) would be published") as info:
        publish.publish(student_course, tmp_path / "students")
    assert "check_number(times_4(3), 12)" in str(info.value)  # a hidden test of ex4
    assert not (tmp_path / "students").exists()


def test_republish_adds_one_commit_and_refuses_foreign_folders(student_course, tmp_path) -> None:
    dest = tmp_path / "students"
    publish.publish(student_course, dest)
    assert "unchanged" in publish.publish(student_course, dest)
    nb_path = student_course.source_notebook("00_tiny")
    nb = notebook.read(nb_path)
    nb.cells[1].source += "\nA new sentence."
    notebook.write(nb, nb_path)
    build.build(student_course)
    _commit(student_course.root)
    publish.publish(student_course, dest)
    assert _git(dest, "rev-list", "--count", "HEAD").strip() == "2"
    assert "A new sentence." in (dest / "notebooks/00_tiny/00_tiny.ipynb").read_text()
    foreign = tmp_path / "other"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(publish.PublishError, match="neither empty nor a student repository"):
        publish.publish(student_course, foreign)


def test_scan_normalises_whitespace_and_ignores_trivial_lines(tmp_path) -> None:
    secrets = {"y = torch.bincount(flat, minlength=k)": "06", "return x": "06"}
    (tmp_path / "a.py").write_text("   y  =  torch.bincount(flat,   minlength=k)\nreturn x\n")
    assert leaks.find_leaks(tmp_path, secrets) == [
        "a.py:1: [06] y = torch.bincount(flat, minlength=k)",
        "a.py:2: [06] return x",
    ]
    assert not leaks._real("return x") and not leaks._real("return result")
    assert leaks._real("return torch.bincount(flat)")


def test_course_command_without_the_instructor_extra_says_what_to_install(
    tiny_course, monkeypatch, capsys
) -> None:
    import sys

    import course_utils.instructor as package

    monkeypatch.chdir(tiny_course.root)
    monkeypatch.setitem(sys.modules, "nbformat", None)  # a student install: no nbformat
    monkeypatch.delitem(sys.modules, "course_utils.instructor.build")
    monkeypatch.delattr(package, "build")
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "pip install 'course-utils[instructor]'" in err


# The real course, published from a snapshot of this tree (what would be committed).


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = config.load(ROOT)
    snapshot = tmp_path_factory.mktemp("snapshot")
    colab_sim.git_snapshot(ROOT, snapshot, course.branch)
    dest = tmp_path_factory.mktemp("published") / "students"
    # the real course has no student_repository yet: publish anyway, to scan what it would hold
    publish.publish(config.load(snapshot), dest, require_student_repository=False)
    return dest


def test_real_course_publishes_no_solution_and_no_hidden_test_line(published) -> None:
    secrets = leaks.secret_lines(config.load(ROOT))
    assert len(secrets) > 1000  # every chapter's solutions and hidden tests
    found = leaks.find_leaks(published, secrets)
    assert not found, "answers in the student repository:\n" + "\n".join(found)
    top = {p.name for p in published.iterdir()} - {".git"}
    assert top == {*publish.STUDENT_PATHS, "README.md", "LICENSE"}
    for private in ("solutions", "tests", "benchmarks", ".ci", "Makefile"):
        assert not (published / private).exists()
    assert _git(published, "rev-list", "--count", "HEAD").strip() == "1"
    chapters = config.load(ROOT).chapters()
    assert sorted(p.name for p in (published / "notebooks").iterdir()) == chapters


def test_every_reviewed_shared_line_is_still_needed(published) -> None:
    secrets = leaks.secret_lines(config.load(ROOT))
    found = {leak.split("] ", 1)[1] for leak in leaks.find_leaks(published, secrets, shared={})}
    stale = set(leaks.SHARED_WITH_COURSE_UTILS) - found
    assert not stale, f"SHARED_WITH_COURSE_UTILS entries no longer needed: {stale}"


@pytest.mark.pipeline
def test_course_utils_installs_from_the_published_repository(published, tmp_path, monkeypatch):

    course = config.load(ROOT)
    python = colab_sim.make_venv(tmp_path / "venv")
    jupyter_path = tmp_path / "jupyter"
    colab_sim.write_kernelspec(jupyter_path, python)
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    env = colab_sim.runtime_env(tmp_path / "venv", tmp_path / "no-wheels", jupyter_path)
    nb = colab_sim.point_install_at(
        notebook.read(published / "notebooks/00_setup/00_setup.ipynb"),
        course,
        "00_setup",
        f"file://{published}",
    )
    nb.cells = [c for c in nb.cells if notebook.role(c) == "setup"]
    work = tmp_path / "work"
    work.mkdir()
    colab_sim.run_in_runtime(nb, work, env, timeout=600)
    errors = [f"{o.ename}: {o.evalue}" for o in nb.cells[0].outputs if o.output_type == "error"]
    assert not errors, errors
    shown = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "device" in shown.lower()
    location = subprocess.run(
        [str(python), "-c", "import course_utils; print(course_utils.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(tmp_path / "venv") in location  # installed, not this checkout
    student_config = Path(location.strip()).parent / "lab" / "student"
    for name in ("labconfig/page_config.json", "jupyter_server_config.json", "nbgrader_config.py"):
        assert (student_config / name).is_file(), f"the student lab set-up lacks {name}"
    course_cmd = tmp_path / "venv" / "bin" / "course"
    result = subprocess.run(
        [str(course_cmd), "build"],
        cwd=shutil.copytree(published, tmp_path / "clone"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "course-utils[instructor]" in result.stderr


def test_publish_reads_the_package_name_or_says_pyproject_has_none() -> None:
    assert publish._project_name('[project]\nname = "my-course"\nversion = "1"\n') == "my-course"
    with pytest.raises(publish.PublishError, match="no `name"):
        publish._project_name('[project]\nversion = "1"\n')
