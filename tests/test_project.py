"""The README's set-up promises: one test command, agreeing dependency files, nbgrader config."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from traitlets.config import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirement_map(requirements: list[str]) -> dict[str, str]:
    parsed = {}
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)(.*)$", requirement.strip())
        assert match, f"cannot parse requirement {requirement!r}"
        parsed[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return parsed


def test_environment_yml_agrees_with_pyproject() -> None:
    project = _pyproject()["project"]
    wanted = _requirement_map(project["dependencies"] + project["optional-dependencies"]["course"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = _requirement_map([r for r in pip_section if not r.startswith("-e")])
    assert listed == wanted, (
        f"environment.yml pip list {listed} differs from pyproject.toml {wanted}"
    )
    assert "-e ." in pip_section, "environment.yml must install course_utils itself (-e .)"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    # Versions, not strings: "3.9" >= "3.10" as strings.
    requires_python = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert Version(python.split("=")[1]) in requires_python, (
        f"environment.yml's {python} is outside pyproject's requires-python {requires_python}"
    )


def test_constraints_pin_every_dependency_at_or_above_its_lower_bound() -> None:
    project = _pyproject()["project"]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    for name, spec in _requirement_map(requirements).items():
        assert name in pins, f"constraints.txt does not pin {name}"
        # The whole specifier (lower and upper bounds), compared as versions, not strings.
        assert Version(pins[name]) in SpecifierSet(spec), (
            f"{name}=={pins[name]} is outside pyproject's {spec}"
        )
    assert not pins.get("torch", "").startswith("2.13"), (
        "torch 2.13.0 is a CPU-only local build: never pin it"
    )


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme, "the README must give `make test` as the test command"
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call `make test`"
    assert "dataset-fashion-mnist" in ci and "apt-get update" in ci


def test_nbgrader_config_points_at_solutions_and_notebooks() -> None:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "notebooks"
    assert config.Execute.timeout >= 300, (
        "training cells need far more than nbgrader's 30 s default"
    )
    assert config.OverwriteCells.add_missing_cells is True
    assert config.IgnorePattern.enabled is True


def test_course_layout_is_the_one_nbgrader_uses() -> None:
    """CourseConfig names the folders nbgrader reads and writes; they must be nbgrader's own."""
    from nbgrader.coursedir import CourseDirectory

    from course_utils.instructor.config import load

    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    nbgrader = CourseDirectory(config=loaded, root=str(ROOT))
    course = load(ROOT)
    for ours, theirs in [
        (course.solutions, nbgrader.source_directory),
        (course.notebooks, nbgrader.release_directory),
        (course.submitted, nbgrader.submitted_directory),
        (course.autograded, nbgrader.autograded_directory),
        (course.feedback, nbgrader.feedback_directory),
    ]:
        assert ours == ROOT / theirs
    assert course.mutant_file("01_tensors") == ROOT / "tests" / "mutants" / "01_tensors.py"


def test_ignore_pattern_drops_noise_but_not_errors() -> None:
    pattern = (
        PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config().IgnorePattern.pattern
    )
    noise = [
        "/tmp/x.py:3: UserWarning: something\n  warnings.warn('something')\n",
        " 50%|█████     | 5/10 [00:01<00:01,  4.20it/s]",
        "100%|██████████| 2/2 [00:03<00:00,  1.50s/it]",
        "WARNING:root:careful\n",
        "   \n",
    ]
    for chunk in noise:
        assert re.search(pattern, chunk), f"stderr noise would cost points: {chunk!r}"
    for chunk in [
        "Traceback (most recent call last):\n  ValueError: bad\n",
        "Segmentation fault\n",
    ]:
        assert not re.search(pattern, chunk), f"a real failure would be hidden: {chunk!r}"


def test_lint_type_checks_course_utils_and_a_type_error_fails_it(tmp_path: Path) -> None:
    """`make lint` runs mypy with pyproject's [tool.mypy]: it covers course_utils and reports."""
    assert _pyproject()["tool"]["mypy"]["files"] == ["course_utils"]
    assert re.search(r"^lint:.*\n(\t.*\n)*\t\$\(BIN\)/mypy$", (ROOT / "Makefile").read_text(), re.M)
    wrong = tmp_path / "wrong.py"
    wrong.write_text('def size(path: str) -> int:\n    return path.count("/") + ""\n')
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), str(wrong)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 1 and "[operator]" in run.stdout, run.stdout + run.stderr
