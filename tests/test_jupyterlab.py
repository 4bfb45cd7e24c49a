"""Students open the release in JupyterLab, and its Validate button works there.

A real JupyterLab server is started on loopback for the repository; the release notebooks must be
served as notebooks, the nbgrader lab extension must match the server, and Validate must pass the
solution of the setup chapter and fail its empty release.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from course_utils.instructor.config import load
from course_utils.instructor.mutants import kernel_env

CONFIG = load(Path(__file__).resolve().parents[1])
TOKEN = "course-test-token"
VALIDATED_CHAPTER = "00_setup"  # the lightest chapter: Validate executes the whole notebook


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab() -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={CONFIG.root}",
    ]  # fmt: skip
    if os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    server = subprocess.Popen(
        command,
        cwd=CONFIG.root,
        env=kernel_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
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
    for chapter in CONFIG.chapters():
        path = f"notebooks/{chapter}/{chapter}.ipynb"
        try:
            status, body = _get(lab, f"/api/contents/{path}?content=1")
        except urllib.error.HTTPError as err:
            pytest.fail(f"JupyterLab cannot open {path}: HTTP {err.code}")
        model = json.loads(body)
        assert status == 200 and model["type"] == "notebook", f"{path} does not open as a notebook"
        assert model["content"]["cells"], f"{path} opens empty"


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
