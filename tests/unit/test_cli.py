"""The `course` command as a person types it: exit codes and what it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_utils.instructor import cli

ROOT = Path(__file__).resolve().parents[2]


def test_check_exits_1_and_lists_problems_then_0_after_build(
    tiny_course, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tiny_course.root)
    assert cli.main(["check"]) == 1
    # One line per problem, then the count: the exact output, so no problem hides another.
    assert capsys.readouterr().out.splitlines() == [
        "00_tiny: the Colab badge is not the configured one: run `course build`",
        "00_tiny: the setup cell lacks the stamped install block: run `course build`",
        "checked 1 chapter(s): 2 problem(s)",
    ]
    assert cli.main(["build"]) == 0
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.splitlines() == ["checked 1 chapter(s): 0 problem(s)"]


def test_nb_export_prints_the_percent_text(tiny_course, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tiny_course.root)
    assert cli.main(["nb", "export", "00_tiny"]) == 0
    assert "# %% [solution] id=ex1" in capsys.readouterr().out


def test_errors_are_one_line_messages_with_exit_2(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build"]) == 2
    assert "no course found" in capsys.readouterr().err


def test_doctor_reports_packages_device_and_data(monkeypatch, capsys) -> None:
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "device:" in out and "data sources:" in out


def _real_data_everywhere(monkeypatch) -> None:
    """A good environment: every dataset found real (this machine may lack CIFAR-10)."""
    from course_utils import data
    from course_utils.datasets import DataSource

    source = DataSource(kind="torchvision-root", location="/srv/data", real=True)
    monkeypatch.setattr(
        data, "data_report", lambda: [("MNIST", source, "ok"), ("CIFAR-10", source, "ok")]
    )


def test_doctor_strict_exits_0_on_a_good_environment(monkeypatch, capsys) -> None:
    _real_data_everywhere(monkeypatch)
    assert cli.main(["doctor", "--strict"]) == 0
    assert "thing(s) to look at" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (
            "nbgrader",
            "nbgrader is not installed: `pip install 'nbgrader<0.10,>=0.9.2'` (or `make lab`)",
        ),
        (
            "torch",
            "torch 2.5.1 does not satisfy >=2.7 (at least 2.7): `pip install -U 'torch>=2.7'`",
        ),
    ],
)
def test_doctor_strict_exits_1_on_a_broken_environment(
    monkeypatch, capsys, broken, problem
) -> None:
    import importlib.metadata

    from course_utils.instructor import doctor

    _real_data_everywhere(monkeypatch)
    real_version = importlib.metadata.version

    def version(dist: str) -> str:
        if dist == broken == "nbgrader":
            raise importlib.metadata.PackageNotFoundError(dist)
        return "2.5.1" if dist == broken else real_version(dist)

    monkeypatch.setattr(doctor.importlib.metadata, "version", version)
    assert doctor.diagnose().problems == [problem]
    assert cli.main(["doctor", "--strict"]) == 1
    assert problem in capsys.readouterr().out
    assert cli.main(["doctor"]) == 0, "without --strict doctor only reports"


def test_doctor_strict_exits_1_when_a_command_line_tool_is_missing(monkeypatch, capsys) -> None:
    import shutil

    from course_utils.instructor import doctor

    _real_data_everywhere(monkeypatch)
    real_which = shutil.which
    monkeypatch.setattr(
        doctor.shutil,
        "which",
        lambda tool, **kw: None if tool == "nbgrader" else real_which(tool, **kw),
    )
    problem = "`nbgrader` not found: install the course extras (`make lab` does it)"
    assert doctor.diagnose().problems == [problem]
    assert cli.main(["doctor", "--strict"]) == 1
    assert problem in capsys.readouterr().out


def test_doctor_checks_exactly_the_bounds_pyproject_declares() -> None:
    """One source for the bounds: doctor's list is pyproject's base + course + instructor."""
    import tomllib

    from course_utils.instructor import doctor

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [
        r for extra in doctor.EXTRAS for r in project["optional-dependencies"][extra]
    ]
    from packaging.requirements import Requirement

    want = {Requirement(r).name: Requirement(r).specifier for r in declared}
    got = {r.name: r.specifier for r in doctor.requirements()}
    assert got == want
    assert set(got) <= set(doctor.PURPOSES), "say what each package is for"


def test_doctor_strict_counts_a_missing_real_dataset(monkeypatch) -> None:
    from course_utils import data

    monkeypatch.setattr(data, "data_report", lambda: [("CIFAR-10", None, "stage it")])
    assert cli.main(["doctor", "--strict"]) == 1


def test_unknown_subcommand_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
