"""Checkpoints of a training run: model, optimizer and scheduler states, the per-epoch
:class:`History` and every random state the next epoch depends on.

Checkpoints hold only tensors and plain containers, so ``torch.load(..., weights_only=True)``
reads them. Each is written atomically: a crash mid-write leaves the previous one intact.
:func:`course_utils.train.fit` saves and resumes them; its names are importable from
``course_utils.train`` as well.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn

_FIELDS = ("train_loss", "train_acc", "val_loss", "val_acc")


@dataclass
class History:
    """Per-epoch metrics; accuracies are fractions in [0, 1] (nan when not a classifier)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.train_loss)

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists, e.g. for a checkpoint or JSON."""
        return {key: list(map(float, value)) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, list[float]]) -> History:
        """Inverse of :meth:`to_dict` (missing keys become empty lists)."""
        return cls(**{key: [float(v) for v in d.get(key, [])] for key in _FIELDS})


def save_checkpoint(
    path: str | os.PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    epoch: int,
    history: History | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Save a training state atomically: a crash mid-write leaves the previous checkpoint intact.

    ``epoch`` is the number of epochs completed. ``extra`` must hold only tensors and plain Python
    values (numbers, strings, lists, tuples, dicts) so that ``weights_only=True`` can load it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "epoch": int(epoch),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "history": (history or History()).to_dict(),
        "extra": extra or {},
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            torch.save(state, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows when on the same file system
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_checkpoint(path: str | os.PathLike, map_location: Any = "cpu") -> dict[str, Any]:
    """The raw checkpoint dictionary, loaded with ``weights_only=True``."""
    return torch.load(path, map_location=map_location, weights_only=True)


def load_checkpoint(
    path: str | os.PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    map_location: Any = "cpu",
) -> tuple[int, History]:
    """Restore model (and optimizer, scheduler) from ``path``; return (epochs done, history)."""
    state = read_checkpoint(path, map_location)
    restore(state, model, optimizer, scheduler)
    return state["epoch"], History.from_dict(state["history"])


def restore(state: dict[str, Any], model: nn.Module, optimizer: Any, scheduler: Any) -> None:
    """Load a checkpoint's model, optimizer and scheduler states (those given and saved)."""
    model.load_state_dict(state["model"])
    if optimizer is not None and state.get("optimizer") is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and state.get("scheduler") is not None:
        scheduler.load_state_dict(state["scheduler"])


def rng_state(loaders: Iterable[Any]) -> dict[str, Any]:
    """Every random state that the next epoch depends on, as tensors and plain values."""
    legacy = cast(tuple[str, np.ndarray, int, int, float], np.random.get_state(legacy=True))
    name, keys, pos, has_gauss, gauss = legacy
    generators = [_generator(loader) for loader in loaders]
    return {
        "python": random.getstate(),
        "numpy": [name, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, gauss],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "loaders": [g.get_state() if g is not None else None for g in generators],
    }


def set_rng_state(state: dict[str, Any], loaders: Iterable[Any]) -> None:
    """Restore the random states that :func:`rng_state` saved."""
    random.setstate(state["python"])
    name, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    for loader, saved in zip(loaders, state["loaders"], strict=True):
        generator = _generator(loader)
        if saved is not None and generator is not None:
            generator.set_state(saved)


def _generator(loader: Any) -> torch.Generator | None:
    """The generator that shuffles a TensorLoader or DataLoader (None: the global RNG does)."""
    return getattr(loader, "generator", None)
