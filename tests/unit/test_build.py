"""`course build`: badge and install cell stamped from the configuration, a reproducible release."""

from __future__ import annotations

import json

import pytest

from course_utils.instructor import build, config, notebook


def test_badge_and_install_cell_come_from_the_configured_repository(tiny_course) -> None:
    build.build(tiny_course)
    source = notebook.read(tiny_course.source_notebook("00_tiny"))
    assert source.cells[0].source == (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/example/tiny-course/blob/trunk/notebooks/00_tiny/00_tiny.ipynb)"
    )
    setup = next(c for c in source.cells if notebook.role(c) == "setup").source
    spec = "course-utils @ git+https://github.com/example/tiny-course@trunk"
    assert f'"course_utils": "{spec}"' in setup
    assert setup.count(build.INSTALL_BEGIN) == 1


def test_build_is_idempotent_and_release_has_stubs_not_solutions(tiny_course) -> None:
    build.build(tiny_course)
    release = tiny_course.release_notebook("00_tiny")
    first = release.read_text()
    build.build(tiny_course)
    assert release.read_text() == first
    assert "BEGIN SOLUTION" not in first and "BEGIN HIDDEN TESTS" not in first
    assert "raise NotImplementedError()" in first
    assert (
        json.loads(first)["metadata"]["course"]["generated_from"]
        == "solutions/00_tiny/00_tiny.ipynb"
    )


def test_build_removes_released_chapters_whose_source_is_gone(tiny_course) -> None:
    build.build(tiny_course)
    stale = tiny_course.notebooks / "05_gone"
    stale.mkdir()
    (stale / "05_gone.ipynb").write_text("{}")
    build.build(tiny_course)
    assert not stale.exists()


def test_build_of_an_unknown_chapter_says_which(tiny_course) -> None:
    with pytest.raises(build.BuildError, match="no source notebook for 42_nope"):
        build.build(tiny_course, ["42_nope"])


def test_build_without_a_setup_cell_explains_what_is_missing(tiny_course) -> None:
    path = tiny_course.source_notebook("00_tiny")
    nb = notebook.read(path)
    for cell in nb.cells:
        cell.metadata.pop("course", None)
    notebook.write(nb, path)
    with pytest.raises(build.BuildError, match="exactly one badge cell and one setup cell"):
        build.build(tiny_course)


def test_config_rejects_a_repository_that_is_not_github(tmp_path) -> None:
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "pyproject.toml").write_text('[tool.course]\nrepository = "ftp://example.org/x"\n')
    with pytest.raises(config.ConfigError, match="is not a https://github.com/OWNER/NAME URL"):
        config.load(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.other]\n")
    with pytest.raises(config.ConfigError, match=r"needs a \[tool.course\] table"):
        config.load(tmp_path)


def test_find_root_walks_up_and_explains_when_there_is_no_course(tiny_course, tmp_path) -> None:
    assert config.find_root(tiny_course.solutions / "00_tiny") == tiny_course.root
    with pytest.raises(config.ConfigError, match="no course found"):
        config.find_root(tmp_path.parent)
