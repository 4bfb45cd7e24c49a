"""The student JupyterLab set-up: what ``python -m course_utils.lab`` starts JupyterLab with."""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path

import pytest
import tomllib
from traitlets.config.loader import PyFileConfigLoader

from course_utils.lab import contents
from course_utils.lab.__main__ import STUDENT_CONFIG, lab_command, lab_env

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTOR_PLUGINS = {
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
}
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"  # "get notified about Jupyter news?"


def test_student_lab_reads_the_student_config_first_and_keeps_the_users_paths() -> None:
    env = lab_env(instructor=False, environ={"JUPYTER_CONFIG_PATH": "/opt/site", "HOME": "/h"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(STUDENT_CONFIG), "/opt/site"]
    assert env["HOME"] == "/h"
    assert lab_env(instructor=False, environ={})["JUPYTER_CONFIG_PATH"] == str(STUDENT_CONFIG)


def test_instructor_lab_leaves_the_environment_alone() -> None:
    environ = {"JUPYTER_CONFIG_PATH": "/opt/site", "COURSE_QUICK": "1"}
    assert lab_env(instructor=True, environ=environ) == environ
    assert "JUPYTER_CONFIG_PATH" not in lab_env(instructor=True, environ={})


def test_lab_command_runs_this_pythons_jupyterlab_on_the_given_path() -> None:
    command = lab_command("notebooks/01_tensors", ["--port=9999"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert command[3:5] == ["notebooks/01_tensors", "--port=9999"]


def _disabled_plugins() -> set[str]:
    page = json.loads((STUDENT_CONFIG / "labconfig" / "page_config.json").read_text())
    return {name for name, off in page["disabledExtensions"].items() if off}


def test_student_page_config_disables_the_instructor_plugins_and_the_news_prompt() -> None:
    assert _disabled_plugins() == INSTRUCTOR_PLUGINS | {NEWS_PLUGIN}  # Validate stays
    server = json.loads((STUDENT_CONFIG / "jupyter_server_config.json").read_text())["ServerApp"]
    assert server["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
    module, _, name = server["contents_manager_class"].rpartition(".")
    assert module == contents.__name__ and getattr(contents, name)


def test_every_disabled_plugin_exists_in_the_installed_jupyterlab() -> None:
    """A misspelt plugin id disables nothing, silently: each must name a plugin that is shipped."""
    share = Path(sys.prefix) / "share" / "jupyter"
    bundles = [*(share / "lab" / "static").glob("*.js"), *(share / "labextensions").rglob("*.js")]
    shipped = "\n".join(path.read_text(errors="replace") for path in bundles)
    missing = sorted(name for name in _disabled_plugins() if f'"{name}"' not in shipped)
    assert missing == [], f"no installed JupyterLab bundle defines {missing}"


def _validate_arguments(monkeypatch: pytest.MonkeyPatch, full: str | None) -> list[str]:
    if full is None:
        monkeypatch.delenv("COURSE_VALIDATE_FULL", raising=False)
    else:
        monkeypatch.setenv("COURSE_VALIDATE_FULL", full)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(STUDENT_CONFIG)).load_config()
    return list(config.Execute.extra_arguments) if "extra_arguments" in config.Execute else []


def test_validate_kernel_runs_in_quick_mode_unless_full_is_asked_for(monkeypatch) -> None:
    quick = _validate_arguments(monkeypatch, None)
    assert "--HistoryManager.hist_file=:memory:" in quick  # nbgrader's default is kept
    assert any("exec_lines" in arg and "os.environ['COURSE_QUICK'] = '1'" in arg for arg in quick)
    assert _validate_arguments(monkeypatch, "0") == quick
    assert _validate_arguments(monkeypatch, "1") == []
    assert _validate_arguments(monkeypatch, "yes") == []


def test_release_metadata_is_filled_with_what_the_kernel_reports() -> None:
    expected = contents.kernel_metadata()
    assert expected["language_info"]["version"] == sys.version.split()[0]
    assert expected["kernelspec"]["name"] == "python3"
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3"}, "course": {"a": 1}}
    metadata["language_info"] = {"name": "python"}
    assert contents.align(metadata, expected) is True
    assert metadata["language_info"] == expected["language_info"]
    assert metadata["kernelspec"] == expected["kernelspec"] and metadata["course"] == {"a": 1}
    assert contents.align(metadata, expected) is False  # already aligned: nothing to change


def test_notebooks_of_other_kernels_are_left_alone() -> None:
    expected = contents.kernel_metadata()
    julia = {"kernelspec": {"name": "julia-1.10"}, "language_info": {"name": "julia"}}
    assert contents.align(julia, expected) is False
    assert julia == {"kernelspec": {"name": "julia-1.10"}, "language_info": {"name": "julia"}}


def test_every_student_config_file_is_packaged() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["course_utils.lab"]
    found = [p for p in STUDENT_CONFIG.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files = [p.relative_to(STUDENT_CONFIG.parent).as_posix() for p in found]
    assert files, "the student configuration folder is empty"
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
