"""Which mixed-precision (AMP) recipe a device really supports: one rule for every chapter.

- CUDA with native bf16 (compute capability >= 8.0: Ampere and newer): bfloat16, no loss scaling.
- older CUDA (e.g. Colab's T4, capability 7.5): float16 plus a ``GradScaler``. ``torch.cuda.
  is_bf16_supported()`` says True there through emulation, but cuDNN has no bf16 convolutions
  below 8.0, so we ask with ``including_emulation=False`` (the capability) instead.
- CPU: bfloat16 autocast (the only low-precision dtype CPU autocast is meant for; no scaler).
- Apple MPS: float16 plus a ``GradScaler``: float16 is MPS autocast's default dtype
  (``torch.get_autocast_dtype("mps")``) and ``torch.amp.GradScaler`` handles MPS; bfloat16 on MPS
  needs a recent macOS and is missing from some Metal kernels, so it is not the safe default.
- anything else: autocast disabled (fp32).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class AmpRecipe:
    """How to run mixed precision on one device type: the autocast dtype and loss scaling."""

    device_type: str
    dtype: torch.dtype | None
    use_scaler: bool
    reason: str = ""

    @property
    def enabled(self) -> bool:
        """True when autocast actually runs in a lower precision (``dtype`` is not None)."""
        return self.dtype is not None

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        """``torch.autocast`` with this recipe (a no-op context when disabled)."""
        if not self.enabled:
            yield
            return
        with torch.autocast(self.device_type, dtype=self.dtype):
            yield

    def grad_scaler(self) -> torch.amp.GradScaler:
        """A ``GradScaler`` for this device, enabled only when the recipe needs loss scaling."""
        return torch.amp.GradScaler(self.device_type, enabled=self.use_scaler)


def cuda_has_native_bf16(device: torch.device | str = "cuda") -> bool:
    """True when the CUDA device has bf16 in hardware (compute capability >= 8.0), no emulation."""
    if torch.version.hip:  # ROCm GPUs that run PyTorch support bf16
        return True
    if not torch.cuda.is_available():
        return False
    device = torch.device(device)
    index = device.index if device.index is not None else torch.cuda.current_device()
    major, _minor = torch.cuda.get_device_capability(index)
    return major >= 8


def amp_recipe(device: torch.device | str) -> AmpRecipe:
    """The AMP recipe that really works (and is fast) on ``device``; see the module docstring."""
    device = torch.device(device)
    if device.type == "cuda":
        if cuda_has_native_bf16(device):
            return AmpRecipe("cuda", torch.bfloat16, False, "CUDA capability >= 8.0: native bf16")
        return AmpRecipe("cuda", torch.float16, True, "CUDA below capability 8.0: fp16 + scaler")
    if device.type == "cpu":
        return AmpRecipe("cpu", torch.bfloat16, False, "CPU autocast runs bf16")
    if device.type == "mps":
        return AmpRecipe("mps", torch.float16, True, "MPS autocast's default: fp16 + scaler")
    return AmpRecipe(device.type, None, False, f"no AMP recipe for {device.type!r}: fp32")
