"""Measuring models: wall-clock time, parameter count, serialised size and peak GPU memory."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated calls: min (the least disturbed run), median and max."""

    min: float
    median: float
    max: float
    repeats: int

    def __str__(self) -> str:
        return (
            f"{_format_seconds(self.median)} median (min {_format_seconds(self.min)}, "
            f"max {_format_seconds(self.max)}, {self.repeats} runs)"
        )


def synchronize(device: torch.device | str | None) -> None:
    """Wait for the device's queued work so a timer measures the work, not its launch.

    Synchronises CUDA (``torch.cuda.synchronize``) and Apple MPS (``torch.mps.synchronize``), the
    two devices that run kernels asynchronously; CPU work is synchronous, so CPU and None are
    no-ops.
    """
    if device is None:
        return
    device_type = torch.device(device).type
    if device_type == "cuda":
        torch.cuda.synchronize(device)
    elif device_type == "mps":
        torch.mps.synchronize()


def time_it(
    fn: Callable[[], Any],
    *,
    repeats: int = 5,
    warmup: int = 1,
    device: torch.device | str | None = None,
) -> Timing:
    """Call ``fn()`` ``warmup`` times untimed (caches, lazy init), then time ``repeats`` calls.

    Each timed call is bracketed by ``synchronize(device)``: pass the device the work runs on
    (CUDA and MPS are synchronised; CPU needs none). Without ``device`` nothing is synchronised,
    so GPU timings would measure only the kernel launches.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return Timing(min(times), statistics.median(times), max(times), repeats)


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of parameter elements (shared parameters counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def model_size_bytes(model: nn.Module) -> int:
    """Bytes of ``torch.save(model.state_dict())``: what the weights cost on disk."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def peak_memory_bytes(fn: Callable[[], Any], device: torch.device | str) -> int | None:
    """Peak bytes of CUDA memory allocated by tensors while ``fn()`` runs, None on other devices.

    On CUDA this is ``torch.cuda.max_memory_allocated`` after resetting the peak (the CUDA device
    is synchronised before and after ``fn()``), so it includes
    tensors that existed before the call (e.g. the model's weights); subtract
    ``torch.cuda.memory_allocated()`` taken before the call for the increase alone. CPU and MPS
    return None: PyTorch keeps no resettable peak counter for them, and the process's peak RSS
    cannot be reset between measurements.
    """
    device = torch.device(device)
    if device.type != "cuda":
        return None
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    fn()
    torch.cuda.synchronize(device)
    return int(torch.cuda.max_memory_allocated(device))
