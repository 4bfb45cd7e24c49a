"""Every release notebook runs in a simulated fresh Colab runtime, as a student meets it.

The runtime has only what ``colab.COLAB_PREINSTALLED`` says Colab ships (plus its kernel, pip and
setuptools), linked from this environment, so nothing is downloaded again. Each chapter's
setup cell installs course_utils from a git snapshot of this tree (``git+file://``) and its extra
packages from the local wheelhouse (``make wheelhouse``); then the notebook, run top to bottom,
may fail only with NotImplementedError (the unanswered exercises).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from course_utils.instructor import autograde, colab, colab_sim, notebook
from course_utils.instructor.config import load

CONFIG = load(Path(__file__).resolve().parents[2])
WHEELHOUSE = CONFIG.root / "build" / "wheelhouse"

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="session")
def snapshot_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The install URL of a git copy of this tree (made once per test worker)."""
    return colab_sim.git_snapshot(CONFIG.root, tmp_path_factory.mktemp("repo"), CONFIG.branch)


def _importable(python: Path, module: str, cwd: Path) -> bool:
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([str(python), "-c", code], cwd=cwd).returncode == 0


class ColabSimulation:
    """The simulated-Colab run of one chapter; a subclass per chapter is made below."""

    chapter: str

    def test_release_runs_on_a_fresh_colab(
        self, snapshot_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        chapter = self.chapter
        wanted = [Requirement(req).name for req in colab.extra_requirements()]
        wheels = [w.name.lower() for w in WHEELHOUSE.glob("*.whl")]
        lacking = [name for name in wanted if not any(w.startswith(name) for w in wheels)]
        assert not lacking, f"no wheel of {lacking} in {WHEELHOUSE}: run `make wheelhouse`"

        python = colab_sim.make_venv(tmp_path / "venv")
        extras = [module for module, _ in colab.chapter_packages(chapter)]
        for module in [colab.COURSE_PACKAGE, *extras]:
            assert not _importable(python, module, tmp_path), f"the fresh runtime has {module}"

        jupyter_path = tmp_path / "jupyter"
        colab_sim.write_kernelspec(jupyter_path, python)
        monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))  # where the client finds the kernel
        env = colab_sim.runtime_env(tmp_path / "venv", WHEELHOUSE, jupyter_path)
        nb = colab_sim.point_install_at(
            notebook.read(CONFIG.release_notebook(chapter)), CONFIG, chapter, snapshot_url
        )
        work = tmp_path / "work"
        work.mkdir()
        colab_sim.run_in_runtime(nb, work, env, timeout=900)
        executed = tmp_path / f"{chapter}.ipynb"
        nbformat.write(nb, str(executed))

        setup = next(c for c in nb.cells if notebook.role(c) == "setup")
        errors = [f"{o.ename}: {o.evalue}" for o in setup.outputs if o.output_type == "error"]
        assert not errors, f"{chapter}: the setup cell fails on a fresh Colab: {errors}"
        for module in [colab.COURSE_PACKAGE, *extras]:
            assert _importable(python, module, tmp_path), f"{chapter}: {module} not installed"
        problems = autograde.unexpected_errors(executed)
        assert not problems, f"{chapter}: on a fresh Colab the release fails with:\n" + "\n".join(
            problems
        )


for _chapter in CONFIG.chapters():
    _name = f"TestColab_{_chapter}"  # keeps `-k 01_tensors` working
    globals()[_name] = type(_name, (ColabSimulation,), {"chapter": _chapter})
