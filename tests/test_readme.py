"""The README's shell commands work: those that can run offline and unattended are run.

Every command line in the README's ``bash`` code blocks must be listed here, either in ``RUN``
(run, in order, in a copy of the repository's files with the environment already built) or in
``NOT_RUN`` with the reason; a command added to the README without a decision fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent

RUN = (
    "make doctor",
    "source .venv/bin/activate",
    "course build",
    "course check",
)
NOT_RUN = {
    "git clone https://github.com/pytorch-course/pytorch-course.git && cd pytorch-course":
        "needs the internet; the tests run in a clone already",
    "make lab": "opens a JupyterLab server (tests/test_jupyterlab.py and tests/browser/ start it)",
    "make test": "the suite itself",
    "conda env create -f environment.yml": "needs conda and the internet",
    "conda activate pytorch-course": "needs conda",
    "python -m course_utils.lab notebooks/": "opens a JupyterLab server (as make lab)",
    "course publish ../students":
        "needs [tool.course] student_repository; tests/unit/test_publish.py publishes",
    "course grade 01_tensors --from downloads/01_tensors --jobs 2":
        "needs submissions; tests/grading/ grades fixtures with it",
    "course feedback 01_tensors": "needs graded submissions; tests/grading/ runs it",
    "make lab-instructor": "opens a JupyterLab server (tests/browser/ starts it)",
}  # fmt: skip


def readme_commands(text: str) -> list[str]:
    """Every command line of the ``bash`` code blocks, without trailing comments."""
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S):
        for line in block.splitlines():
            line = re.sub(r"\s{2,}#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def test_readme_commands_are_all_decided() -> None:
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands, "no bash code block found in README.md"
    undecided = [c for c in commands if c not in RUN and c not in NOT_RUN]
    assert not undecided, f"add these README commands to RUN or NOT_RUN: {undecided}"
    stale = [c for c in (*RUN, *NOT_RUN) if c not in commands]
    assert not stale, f"no longer in the README, remove them here: {stale}"


def _copy_of_the_repository(dest: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    (dest / ".venv").symlink_to(VENV)
    return dest


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_commands_that_can_run_offline_succeed(tmp_path: Path) -> None:
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    copy = _copy_of_the_repository(tmp_path / "course")
    script = "set -e\n" + "\n".join(f"echo '$ {c}'\n{c}" for c in commands if c in RUN)
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update({"COURSE_OFFLINE": "1", "MPLBACKEND": "Agg"})
    proc = subprocess.run(
        ["bash", "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=1200
    )
    assert proc.returncode == 0, (
        f"a README command failed:\n{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
    )
    for command in RUN:
        assert f"$ {command}" in proc.stdout, f"{command!r} was not run"
