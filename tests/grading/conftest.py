"""Fixtures shared by the grading tests: a throw-away PostgreSQL server on loopback.

Skipped where PostgreSQL's server binaries (apt-get install postgresql) or psycopg2 are missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _as_user() -> list[str]:
    """Prefix that runs the server as an unprivileged user (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running throw-away server; yields its SQLAlchemy URL."""
    pytest.importorskip("psycopg2", reason="pip install psycopg2-binary")
    if not BIN:
        pytest.skip("PostgreSQL server binaries missing (apt-get install postgresql)")
    # Not under pytest's tmp folder: the server's user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    os.chmod(base, 0o755)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = _as_user()
    if prefix:
        uid, gid = int(prefix[1].split("=")[1]), int(prefix[2].split("=")[1])
        for path in (base, sock):
            os.chown(path, uid, gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bindir = Path(BIN[-1])
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60",
         "-l", str(base / "log"), "start"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
