"""``python -m course_utils.lab [--instructor] [PATH] [JUPYTERLAB OPTIONS]``: open JupyterLab.

Without ``--instructor`` (what ``make lab`` and the student repository use) JupyterLab reads the
student configuration in ``course_utils/lab/student/`` through ``JUPYTER_CONFIG_PATH``: nbgrader's
formgrader, Create Assignment and course list are off, Validate runs in quick mode, and release
notebooks open unmodified. Nothing is written to the user's Jupyter configuration.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

STUDENT_CONFIG = Path(__file__).resolve().with_name("student")


def lab_env(instructor: bool, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab starts in: the student configuration first unless instructor."""
    env = dict(os.environ if environ is None else environ)
    if not instructor:
        paths = [str(STUDENT_CONFIG), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])]
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return env


def lab_command(path: str | None, options: Sequence[str]) -> list[str]:
    """The JupyterLab command line: this Python's JupyterLab on ``path`` (default notebooks/)."""
    if path is None and Path("notebooks").is_dir():
        path = "notebooks"
    command = [sys.executable, "-m", "jupyterlab", *([path] if path else []), *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in options:
        command.append("--allow-root")  # containers (and CI) run as root
    return command


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.lab", description=__doc__)
    parser.add_argument("--instructor", action="store_true", help="nbgrader's instructor tools too")
    parser.add_argument("path", nargs="?", help="folder or notebook to open (default notebooks/)")
    args, options = parser.parse_known_args(argv)
    mode = "instructor" if args.instructor else "student"
    print(f"JupyterLab, {mode} set-up (python -m course_utils.lab --help)", flush=True)
    try:
        return subprocess.call(lab_command(args.path, options), env=lab_env(args.instructor))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
