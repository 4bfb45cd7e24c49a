"""The `course` command as a person types it: exit codes and what it prints."""

from __future__ import annotations

import pytest

from course_utils.instructor import cli


def test_check_exits_1_and_lists_problems_then_0_after_build(
    tiny_course, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tiny_course.root)
    assert cli.main(["check"]) == 1
    assert "run `course build`" in capsys.readouterr().out
    assert cli.main(["build"]) == 0
    assert cli.main(["check"]) == 0
    assert "checked 1 chapter(s): 0 problem(s)" in capsys.readouterr().out


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


def test_unknown_subcommand_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
