"""Students open the release in JupyterLab, and its Validate button works there.

A real JupyterLab server is started on loopback the way ``make lab`` starts it (the student
set-up of ``python -m course_utils.lab``, in full mode) on a copy of the release, the setup
chapter's source and a probe notebook: the release notebooks must be served as notebooks that
open unmodified, the nbgrader lab extension must match the server, the instructor tools must be
off, and Validate must run in quick mode, pass the solution of the setup chapter and fail its
empty release.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor.config import load
from course_utils.instructor.execution import quick_env
from course_utils.lab import contents
from course_utils.lab.__main__ import lab_env

CONFIG = load(Path(__file__).resolve().parents[1])
TOKEN = "course-test-token"
VALIDATED_CHAPTER = "00_setup"  # the lightest chapter: Validate executes the whole notebook
QUICK_PROBE = "quick_probe.ipynb"  # one graded cell that passes only in quick mode


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _probe() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "import os\nfrom course_utils.checks import check_equal\n"
        "check_equal(os.environ.get('COURSE_QUICK'), '1', name='COURSE_QUICK in Validate')"
    )
    cell.metadata["nbgrader"] = {
        "grade": True, "grade_id": "probe", "points": 1, "solution": False, "locked": True,
        "schema_version": 3,
    }  # fmt: skip
    nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(CONFIG.root / "notebooks", root / "notebooks")
    if VALIDATED_CHAPTER in CONFIG.chapters():
        shutil.copytree(
            CONFIG.root / "solutions" / VALIDATED_CHAPTER, root / "solutions" / VALIDATED_CHAPTER
        )
    shutil.copy(CONFIG.root / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(_probe(), str(root / QUICK_PROBE))
    return root


@pytest.fixture(scope="module")
def lab(lab_root: Path) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={lab_root}",
    ]  # fmt: skip
    if os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    env = quick_env()
    env.pop("COURSE_QUICK")  # the server, and so the student's own kernels, run in full mode
    server = subprocess.Popen(
        command,
        cwd=lab_root,
        env=lab_env(instructor=False, environ=env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(url, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"JupyterLab did not start:\n{stderr[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url + path, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def _validate(url: str, path: str) -> dict:
    body = urllib.parse.urlencode({"path": path}).encode()
    request = urllib.request.Request(
        url + "/assignments/validate", data=body, headers={"Authorization": f"token {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def test_jupyterlab_serves_every_release_notebook(lab: str) -> None:
    status, page = _get(lab, "/lab")
    assert status == 200 and b"JupyterLab" in page
    expected = contents.kernel_metadata()
    for chapter in CONFIG.chapters():
        path = f"notebooks/{chapter}/{chapter}.ipynb"
        try:
            status, body = _get(lab, f"/api/contents/{path}?content=1")
        except urllib.error.HTTPError as err:
            pytest.fail(f"JupyterLab cannot open {path}: HTTP {err.code}")
        model = json.loads(body)
        assert status == 200 and model["type"] == "notebook", f"{path} does not open as a notebook"
        assert model["content"]["cells"], f"{path} opens empty"
        metadata = model["content"]["metadata"]
        # What the kernel will report: JupyterLab then has nothing to write, so no "modified" dot
        assert {key: metadata[key] for key in expected} == expected, f"{path} opens modified"


def test_student_lab_hides_the_instructor_tools(lab: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(lab, "/formgrader")
    assert err.value.code == 404, "the formgrader is served to students"
    _, page = _get(lab, "/lab")
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert f'"@jupyter/nbgrader:{plugin}"' in page.decode(), f"{plugin} is not disabled"
    assert b'"@jupyter/nbgrader:validate-assignment"' not in page


def test_validate_runs_in_quick_mode_on_a_full_mode_server(lab: str) -> None:
    # The server has no COURSE_QUICK (nor, so, the student's own kernels): only Validate's has it
    result = _validate(lab, QUICK_PROBE)
    assert result["success"] is True, result["value"]
    assert not result["value"].get("failed"), result["value"]["failed"]


def test_validate_button_extension_matches_the_server(lab: str) -> None:
    from nbgrader import __version__

    _, body = _get(lab, f"/nbgrader_version?version={__version__}")
    assert json.loads(body)["success"] is True


@pytest.mark.skipif(VALIDATED_CHAPTER not in CONFIG.chapters(), reason="chapter 00 not written yet")
def test_validate_passes_the_solution_and_fails_the_release(lab: str) -> None:
    solution = _validate(lab, f"solutions/{VALIDATED_CHAPTER}/{VALIDATED_CHAPTER}.ipynb")
    assert solution["success"] is True, solution["value"]
    assert not solution["value"].get("failed"), solution["value"]["failed"]
    release = _validate(lab, f"notebooks/{VALIDATED_CHAPTER}/{VALIDATED_CHAPTER}.ipynb")
    assert release["success"] is True, release["value"]
    assert release["value"].get("failed"), "Validate accepted the empty release"
