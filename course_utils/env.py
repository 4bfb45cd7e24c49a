"""Where the notebook runs: device choice, seeding, quick mode and a short environment report.

Nothing here runs at import time; every notebook calls these functions visibly in its first cell.
"""

from __future__ import annotations

import os
import platform
import random
import sys
from typing import TypeVar

import numpy as np
import torch

QUICK_ENV_VAR = "COURSE_QUICK"
"""``COURSE_QUICK=1`` shrinks data and epochs so every notebook runs in CI time on 2 CPU cores."""

T = TypeVar("T")


def quick_mode() -> bool:
    """True when the ``COURSE_QUICK`` environment variable asks for the small, fast setting."""
    return os.environ.get(QUICK_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def pick(full: T, quick: T) -> T:
    """Return ``quick`` in quick mode and ``full`` otherwise (e.g. ``num_epochs = pick(10, 1)``)."""
    return quick if quick_mode() else full


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the best available device: CUDA, then Apple MPS, then CPU.

    ``prefer`` (``"cpu"``, ``"cuda"``, ``"mps"``) or the ``COURSE_DEVICE`` environment variable
    overrides the choice; asking for a device that is not available raises a clear error.
    """
    wanted = prefer or os.environ.get("COURSE_DEVICE")
    if wanted:
        device = torch.device(wanted)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"device {wanted!r} was requested but CUDA is not available here")
        if device.type == "mps" and not _mps_available():
            raise RuntimeError(
                f"device {wanted!r} was requested but Apple MPS is not available here"
            )
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def seed_everything(seed: int = 0, *, deterministic: bool = False) -> torch.Generator:
    """Seed Python, NumPy and PyTorch (all devices) and return a CPU ``torch.Generator`` seeded too.

    With ``deterministic=True`` PyTorch is asked to use deterministic kernels (slower on GPU; ops
    without a deterministic version then raise instead of silently differing between runs).
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def env_report(device: torch.device | None = None) -> str:
    """A few lines on Python, PyTorch, the device and the mode, for the top of a notebook."""
    device = device or get_device()
    lines = [
        f"Python {platform.python_version()} on {platform.system()} ({platform.machine()})",
        f"PyTorch {torch.__version__}",
        f"device: {_describe_device(device)}",
        f"CPU threads: {torch.get_num_threads()}",
        f"Colab: {'yes' if in_colab() else 'no'}",
        f"quick mode: {'on' if quick_mode() else 'off'} ({QUICK_ENV_VAR})",
    ]
    return "\n".join(lines)


def _describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        return f"cuda:{index} {props.name} ({props.total_memory / 2**30:.0f} GiB)"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return "cpu"
