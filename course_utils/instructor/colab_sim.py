"""A stand-in for a fresh Colab runtime: what the course's Colab simulation test runs notebooks in.

A Colab runtime has Python, a Jupyter kernel and the packages of ``colab.COLAB_PREINSTALLED``;
everything else a chapter needs its install cell must install. The simulation builds exactly
that, offline and without a second multi-GB download:

- ``make_venv``: a new virtual environment whose site-packages holds *links* to the installed
  files of the Colab packages (and of what they depend on, plus the kernel, pip and setuptools),
  taken from the environment running this code; course_utils and everything else are absent.
- ``git_snapshot``: a git repository holding the course's current tree (tracked and untracked,
  not ignored), which the install cell installs from with ``git+file://``.
- ``point_install_at``: a release notebook whose install block names that snapshot, generated
  by the same ``build.install_block`` that stamps the real notebooks.
- ``runtime_env`` and ``write_kernelspec``: run the notebook in that environment, offline
  (``PIP_NO_INDEX``; extra packages such as torchao come from a local wheelhouse).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from nbformat import NotebookNode
from packaging.requirements import Requirement

from . import build, colab, notebook
from .config import CourseConfig

RUNTIME_DISTRIBUTIONS = ("ipykernel", "pip", "setuptools")
"""What a Colab runtime has besides ``COLAB_PREINSTALLED``: its kernel and the installers."""

KERNEL_NAME = "colab-sim"


class SimulationError(RuntimeError):
    """The simulated runtime could not be built; the message says what to do."""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution_closure(roots: list[str]) -> list[metadata.Distribution]:
    """The installed distributions named in ``roots`` and everything they require, following
    the extras a requirement asks for (torch needs ``cuda-toolkit[cublas,...]``, say)."""
    installed = {_normalise(d.metadata["Name"]): d for d in metadata.distributions()}
    missing = [r for r in roots if _normalise(r) not in installed]
    if missing:
        raise SimulationError(
            f"not installed here, so it cannot be linked into the simulated Colab: {missing}; "
            "install the course environment first (make test creates it)"
        )
    todo: list[tuple[str, str]] = [(_normalise(r), "") for r in roots]
    done: set[tuple[str, str]] = set()
    while todo:
        name, extra = todo.pop()
        if (name, extra) in done or name not in installed:
            continue  # an optional dependency for another platform is simply absent
        done.add((name, extra))
        for spec in installed[name].requires or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
                continue
            wanted = _normalise(requirement.name)
            todo += [(wanted, ""), *((wanted, e) for e in requirement.extras)]
    return sorted(
        {installed[name] for name, _ in done}, key=lambda d: _normalise(d.metadata["Name"])
    )


def _top_level_entries(dist: metadata.Distribution) -> set[str]:
    """The names directly inside site-packages that ``dist`` installed."""
    entries = set()
    for file in dist.files or []:
        parts = Path(file).parts
        if parts and parts[0] not in ("..", "__pycache__"):
            entries.add(parts[0])
    return entries


def make_venv(dest: Path) -> Path:
    """A virtual environment at ``dest`` with only a Colab runtime's packages; its python."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True, capture_output=True
    )
    python = dest / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    source = Path(sysconfig.get_paths()["purelib"])
    roots = [*colab.COLAB_PREINSTALLED.values(), *RUNTIME_DISTRIBUTIONS]
    for dist in distribution_closure(roots):
        for entry in _top_level_entries(dist):
            target, link = source / entry, site / entry
            if target.exists() and not link.exists():
                link.symlink_to(target, target_is_directory=target.is_dir())
    return python


def git_snapshot(root: Path, dest: Path, branch: str) -> str:
    """Commit the course tree at ``root`` (tracked and untracked files, not ignored) into a new
    repository at ``dest``; return the URL the install cell uses (``file://...``)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():  # deleted but still tracked: not part of the tree
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    identity = {
        **os.environ,
        "GIT_AUTHOR_NAME": "colab-sim",
        "GIT_AUTHOR_EMAIL": "colab-sim@localhost",
        "GIT_COMMITTER_NAME": "colab-sim",
        "GIT_COMMITTER_EMAIL": "colab-sim@localhost",
    }
    for command in (
        ["git", "init", "-q", "-b", branch],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "snapshot for the Colab simulation"],
    ):
        subprocess.run(command, cwd=dest, check=True, capture_output=True, env=identity)
    return f"file://{dest}"


def point_install_at(
    nb: NotebookNode, config: CourseConfig, chapter: str, repository: str
) -> NotebookNode:
    """A copy of release notebook ``nb`` whose install block installs from ``repository``."""
    nb = copy.deepcopy(nb)
    setup = [c for c in nb.cells if notebook.role(c) == "setup"]
    if len(setup) != 1:
        raise SimulationError(f"{chapter}: the release needs exactly one setup cell")
    local = dataclasses.replace(config, repository=repository, student_repository=None)
    block = build.install_block(local, chapter)
    source, count = build.INSTALL_BLOCK.subn(lambda _: block, setup[0].source)
    if count != 1:
        raise SimulationError(f"{chapter}: no install block in its setup cell; run `course build`")
    setup[0].source = source
    return nb


def write_kernelspec(jupyter_path: Path, python: Path) -> None:
    """A kernel named ``KERNEL_NAME`` that runs ``python`` (found through ``JUPYTER_PATH``)."""
    spec = jupyter_path / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Colab simulation", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))


def runtime_env(venv: Path, wheelhouse: Path, jupyter_path: Path) -> dict[str, str]:
    """The environment of the simulated runtime's kernel: offline, quick, headless, and pip
    limited to the local wheelhouse (no index, no build isolation, so nothing is downloaded)."""
    here = Path(sys.executable).parent
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != here]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), *path]),
        JUPYTER_PATH=str(jupyter_path),
        COURSE_QUICK="1",
        COURSE_OFFLINE="1",
        MPLBACKEND="Agg",
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_NO_BUILD_ISOLATION="0",  # pip reads "0" here as "do not isolate the build"
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTHONNOUSERSITE="1",
    )
    return env


def run_in_runtime(nb: NotebookNode, work: Path, env: dict[str, str], timeout: int) -> None:
    """Execute ``nb`` in place on the simulated runtime's kernel, in ``work``, keeping errors in
    the outputs (the caller reads them)."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        allow_errors=True,
        resources={"metadata": {"path": str(work)}},
    )
    client.execute(env=env)
