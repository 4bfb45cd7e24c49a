"""The grading kernel's sandbox: resource limits and the bubblewrap command line around it.

The kernel runs as an unprivileged uid (one per parallel slot, so the process limit is per
student) inside a bubblewrap sandbox that sees only the system directories, the Python install,
the virtual environment and ``course_utils`` (all read-only) and its own scratch directory (the
only writable place, also mounted on ``/tmp``). It has no network (a new, empty network
namespace), its own PID namespace and CPU-time, address-space and process-count rlimits
(``prlimit``). The grader talks to it over IPC sockets in the scratch directory.

Where bubblewrap is missing, only the rlimits apply: :func:`probe` says so and the batch refuses
unless the instructor passes ``--allow-unsandboxed`` (and then says so in the report header).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

# System folders a Python kernel needs; folders that do not exist here are skipped.
_SYSTEM_DIRS = ("/usr", "/etc/alternatives", "/etc/ssl", "/etc/fonts", "/opt/conda")
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group")
BASE_UID = 100_000  # sandbox uids: BASE_UID + 64 * (grader pid % 10_000) + slot


def slot_uid(slot: int) -> int:
    """The sandbox uid of a parallel slot: distinct per slot and per concurrent grading batch,
    so one student's processes never count against another's process limit."""
    return BASE_UID + 64 * (os.getpid() % 10_000) + slot % 64


@dataclass(frozen=True)
class Limits:
    """Per-submission limits (defaults sized for the heaviest chapter in full mode)."""

    cpu_seconds: int = 3600
    memory_bytes: int = 16 * 1024**3  # address space (0: none; CUDA maps far more than it uses)
    processes: int = 256  # per sandbox uid: DataLoader workers fit, a fork bomb does not
    wall_seconds: int = 3600
    cell_timeout: int = 900  # as nbgrader_config.py's Execute.timeout
    file_bytes: int = 4 * 1024**3  # largest file the kernel may write (scratch is on disk)


@dataclass(frozen=True)
class Capabilities:
    """Which isolation mechanisms work on this machine, and a warning when one is missing."""

    bwrap: str | None
    prlimit: str | None
    setpriv: str | None
    is_root: bool

    @property
    def sandboxed(self) -> bool:
        return self.bwrap is not None

    def warnings(self) -> list[str]:
        """Human-readable warnings for every missing mechanism (empty when fully sandboxed)."""
        found = []
        if not self.bwrap:
            found.append(
                "NOT SANDBOXED: bubblewrap (bwrap) is missing or does not work here, so student "
                "code can read and write everything this user can (apt-get install bubblewrap)"
            )
        if not self.prlimit:
            found.append("no prlimit: CPU, memory and process limits are NOT enforced")
        if self.bwrap and not (self.is_root and self.setpriv):
            found.append(
                "not root: kernels run as your own uid (the process limit counts all your "
                "processes); grade as root for a separate uid per parallel slot"
            )
        return found


def probe() -> Capabilities:
    """Find the isolation tools and check that bubblewrap really works (it can be blocked)."""
    bwrap = shutil.which("bwrap")
    if bwrap:
        try:
            ok = subprocess.run(
                [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                 "--dev", "/dev", "--proc", "/proc", "/usr/bin/true"],
                capture_output=True, timeout=30, check=False,
            ).returncode == 0  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        bwrap = bwrap if ok else None
    return Capabilities(
        bwrap=bwrap,
        prlimit=shutil.which("prlimit"),
        setpriv=shutil.which("setpriv"),
        is_root=os.geteuid() == 0,
    )


def readable_roots() -> list[Path]:
    """Folders the kernel must read: the Python install, the venv and course_utils' package."""
    import course_utils

    roots = {
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix),
        Path(sys.prefix).resolve(),
        Path(course_utils.__file__).resolve().parent,
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = Path(sysconfig.get_paths()[key]).resolve()
        if not any(path.is_relative_to(r) for r in roots):
            roots.add(path)
    # Keep only the outermost folders: a bind mount of a parent already holds its children.
    ordered = sorted(roots, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for root in ordered:
        if not any(root.is_relative_to(k) for k in kept):
            kept.append(root)
    return kept


def _parents(path: Path) -> list[Path]:
    return [p for p in reversed(path.parents) if p != Path("/")]


def kernel_command(
    caps: Capabilities,
    limits: Limits,
    scratch: Path,
    env: dict[str, str],
    uid: int | None,
    python: str = sys.executable,
    data: list[Path] | None = None,
) -> list[str]:
    """The argv that starts an ipykernel for one submission (``{connection_file}`` templated).

    ``data`` are extra folders the kernel may read (the course's data sets).
    """
    inner = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    inner = ["/usr/bin/env", "-i", *(f"{k}={v}" for k, v in sorted(env.items())), *inner]
    if caps.prlimit:
        inner = _with_rlimits(caps.prlimit, limits, inner)
    if uid is not None and caps.setpriv:
        inner = _as_uid(caps.setpriv, uid, inner)
    if not caps.bwrap:
        return inner
    return _bubblewrap(caps.bwrap, scratch, uid, data or []) + inner


def _with_rlimits(prlimit: str, limits: Limits, inner: list[str]) -> list[str]:
    """``inner`` under prlimit's CPU-time, address-space, process and file-size limits."""
    return [
        prlimit,
        # Soft limit first (SIGXCPU, reported as the CPU-time limit), SIGKILL 5 s later.
        f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 5}",
        f"--as={limits.memory_bytes if limits.memory_bytes > 0 else 'unlimited'}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_bytes}",
        "--core=0",
        "--",
        *inner,
    ]


def _as_uid(setpriv: str, uid: int, inner: list[str]) -> list[str]:
    """``inner`` as ``uid``, with no groups, no capabilities and no new privileges."""
    return [
        setpriv,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        *inner,
    ]


def _bubblewrap(bwrap: str, scratch: Path, uid: int | None, data: list[Path]) -> list[str]:
    """bubblewrap's argv up to ``--``: new namespaces, read-only system, writable scratch."""
    argv = [bwrap, "--die-with-parent", "--new-session"]
    argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    if uid is None:  # unprivileged: bubblewrap needs a user namespace for its mounts
        argv += ["--unshare-user"]
    argv += ["--dev", "/dev", "--proc", "/proc"]
    # /tmp before every other mount: the course (its venv), the data or the scratch folder may
    # live under /tmp (a CI clone does), and later mounts must land on top of it, not under it.
    argv += ["--bind", str(scratch / "tmp"), "/tmp"]
    argv += _system_links()
    made: set[Path] = set()
    mounts = [Path(d) for d in _SYSTEM_DIRS if Path(d).is_dir()] + readable_roots()
    mounts += [p for p in data if p.is_dir()]
    for path in mounts:
        argv += _make_parents(path, made, skip=("/usr",))
        argv += ["--ro-bind", str(path), str(path)]
    for file in _SYSTEM_FILES:
        if Path(file).exists():
            argv += ["--ro-bind", file, file]
    argv += _make_parents(scratch, made)
    argv += ["--bind", str(scratch), str(scratch)]
    argv += ["--chdir", str(scratch), "--"]
    return argv


def _system_links() -> list[str]:
    """/bin, /sbin and the /lib folders, as this system has them (links or read-only dirs)."""
    argv: list[str] = []
    for link, target in (("/bin", "usr/bin"), ("/sbin", "usr/sbin")):
        argv += ["--symlink", target, link]
    for name in ("lib", "lib32", "lib64", "libx32"):
        if Path(f"/{name}").is_symlink():
            argv += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif Path(f"/{name}").is_dir():
            argv += ["--ro-bind", f"/{name}", f"/{name}"]
    return argv


def _make_parents(path: Path, made: set[Path], skip: tuple[str, ...] = ()) -> list[str]:
    """``--dir`` for each parent of ``path`` not made yet (nor in ``skip``); adds them to made."""
    argv: list[str] = []
    for parent in _parents(path):
        if parent not in made and str(parent) not in skip:
            made.add(parent)
            argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def prepare_scratch(scratch: Path, uid: int | None) -> None:
    """Create the scratch folder (and its /tmp), owned by the sandbox uid when there is one."""
    (scratch / "tmp").mkdir(parents=True, exist_ok=True)
    os.chmod(scratch.parent, 0o711)  # the sandbox uid may traverse, not list, the work folder
    if uid is not None:
        for path in (scratch, scratch / "tmp"):
            os.chown(path, uid, uid)
        os.chmod(scratch, 0o700)


def _pids_of(uid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("Uid:"):
                    if int(line.split()[1]) == uid:
                        pids.append(int(status.parent.name))
                    break
        except (OSError, ValueError):
            continue
    return pids


def reap(uid: int | None, wait: float = 15.0) -> int:
    """Kill whatever still runs as a sandbox uid (a fork bomb's children, while the namespace is
    torn down) so the next student on this slot starts with the full process limit.

    Returns how many processes were still there. Only the uids of this batch's slots are touched.
    """
    import signal
    import time

    if uid is None or uid < BASE_UID:
        return 0
    deadline = time.monotonic() + wait
    found = 0
    while time.monotonic() < deadline:
        pids = _pids_of(uid)
        if not pids:
            break
        found = max(found, len(pids))
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)
    return found
