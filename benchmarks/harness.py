"""What a benchmark returns (figures with samples and targets) and the run's machine facts."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda x, v: x >= v,
    "<=": lambda x, v: x <= v,
}


@dataclass(frozen=True)
class Target:
    """A bound the median of a figure should meet, e.g. ``Target(">=", 3.0)``."""

    op: str
    value: float

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"a target's op is one of {sorted(_OPS)}, got {self.op!r}")

    def met(self, x: float) -> bool:
        """Whether ``x`` satisfies the bound."""
        return _OPS[self.op](x, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass
class Figure:
    """One measured quantity: its samples over repeats, and the target it is held to (if any)."""

    key: str
    label: str
    unit: str
    samples: list[float]
    target: Target | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.samples:
            raise ValueError(f"figure {self.key!r} has no samples")
        self.samples = [float(s) for s in self.samples]

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def met(self) -> bool | None:
        """Whether the median meets the target; None when there is no target."""
        return None if self.target is None else self.target.met(self.median)

    def to_json(self) -> dict[str, Any]:
        """The figure as stored in a results file."""
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "samples": self.samples,
            "min": self.min,
            "median": self.median,
            "max": self.max,
            "target": None if self.target is None else [self.target.op, self.target.value],
            "met": self.met,
            "note": self.note,
        }


@dataclass
class Context:
    """What every benchmark gets: smoke or real, repeats, device, where the course is."""

    root: Path
    device: torch.device
    repeats: int = 3
    smoke: bool = False
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))

    def pick(self, real: Any, smoke: Any) -> Any:
        """``real`` in a real run, ``smoke`` in the seconds-long smoke configuration."""
        return smoke if self.smoke else real

    @property
    def cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def n_repeats(self) -> int:
        """Repeats for this run (one in smoke mode)."""
        return 1 if self.smoke else self.repeats


def interleaved_latencies(
    fns: dict[str, Callable[[], Any]], repeats: int, calls: int
) -> dict[str, list[float]]:
    """Seconds per call of each ``fns[name]()``, side by side: in every repeat each function in
    turn gets one warm-up call and ``calls`` timed calls, of which the fastest is the sample."""
    from course_utils.bench import time_it

    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(time_it(fn, repeats=calls, warmup=1).min)
    return samples


def ratio_samples(pairs: list[tuple[float, float]]) -> list[float]:
    """``slow / fast`` of each side-by-side pair of timings (a speed-up, > 1 is faster)."""
    return [slow / fast for slow, fast in pairs]


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * size / 2**30, 1)


def machine_facts(device: torch.device) -> dict[str, Any]:
    """Machine, device and versions, stored with every results file."""
    facts: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "torch_threads": torch.get_num_threads(),
        "device": device.type,
        "device_name": _cpu_model(),
    }
    if device.type == "cuda":
        facts["device_name"] = torch.cuda.get_device_name(device)
        facts["cuda"] = torch.version.cuda
    try:
        facts["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in ("torch", "torchvision", "torchao", "nbgrader", "nbclient"):
        versions[dist] = _version(dist)
    facts["versions"] = versions
    return facts
