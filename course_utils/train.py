"""Training loops: one epoch, evaluation, prediction, ``fit`` with checkpoints, resume and early
stopping.

Progress bars go to stdout (nbgrader scores a cell 0 when anything reaches stderr). Checkpoints hold
only tensors and plain containers, so ``torch.load(..., weights_only=True)`` reads them.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import Tensor, nn

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


def progress_bar(iterable: Iterable, *, desc: str = "", enabled: bool = True, **kwargs: Any):
    """A tqdm bar on stdout (a widget in Jupyter), or the bare iterable when not ``enabled``."""
    if not enabled:
        return iterable
    with warnings.catch_warnings():  # tqdm.auto warns (to stderr) when ipywidgets is missing
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
    return tqdm(iterable, desc=desc, file=sys.stdout, dynamic_ncols=True, **kwargs)


def _autocast(device: torch.device, dtype: torch.dtype | None):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.amp.autocast(device_type=device.type, dtype=dtype)


class _Meter:
    """Sums loss and right predictions on the device: one sync per epoch instead of per batch."""

    def __init__(self, device: torch.device) -> None:
        self.loss = torch.zeros((), device=device)
        self.correct = torch.zeros((), device=device, dtype=torch.int64)
        self.count, self.classifier = 0, True

    def add(self, loss: Tensor, outputs: Tensor, y: Tensor) -> None:
        self.loss += loss.detach().float() * len(y)  # loss_fn averages over the batch
        self.count += len(y)
        # accuracy only makes sense for (N, classes) logits and integer class targets
        if outputs.dim() != 2 or y.dim() != 1 or y.is_floating_point() or len(outputs) != len(y):
            self.classifier = False
        elif self.classifier:
            self.correct += (outputs.detach().argmax(dim=1) == y).sum()

    def result(self) -> tuple[float, float]:
        if self.count == 0:
            return math.nan, math.nan
        accuracy = self.correct.item() / self.count if self.classifier else math.nan
        return self.loss.item() / self.count, accuracy


def train_one_epoch(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    *,
    scheduler: Any = None,
    autocast_dtype: torch.dtype | None = None,
    scaler: torch.amp.GradScaler | None = None,
    max_grad_norm: float | None = None,
    progress: bool = True,
    desc: str = "train",
) -> tuple[float, float]:
    """Train for one pass over ``loader``; return (mean loss per sample, accuracy).

    ``scheduler`` (if given) steps after every batch. With a ``scaler`` the loss is scaled and
    gradients are unscaled before clipping to ``max_grad_norm``. Accuracy is nan when the outputs
    are not class logits.
    """
    device = torch.device(device)
    model.train()
    meter = _Meter(device)
    for X, y in progress_bar(loader, desc=desc, enabled=progress, leave=False):
        X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        with _autocast(device, autocast_dtype):
            outputs = model(X)
            loss = loss_fn(outputs, y)
        if scaler is not None:
            scaler.scale(loss).backward()
            if max_grad_norm is not None:
                scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
                nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            if max_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        meter.add(loss, outputs, y)
    return meter.result()


@contextlib.contextmanager
def _eval_mode(model: nn.Module) -> Iterator[None]:
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            yield
    finally:
        model.train(was_training)


def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    device: torch.device,
    *,
    autocast_dtype: torch.dtype | None = None,
) -> tuple[float, float]:
    """Mean loss per sample and accuracy over ``loader`` in eval mode (previous mode restored)."""
    device = torch.device(device)
    with _eval_mode(model):
        meter = _Meter(device)
        for X, y in loader:
            X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
            with _autocast(device, autocast_dtype):
                outputs = model(X)
                loss = loss_fn(outputs, y)
            meter.add(loss, outputs, y)
    return meter.result()


def predict(model: nn.Module, loader: Iterable, device: torch.device) -> tuple[Tensor, Tensor]:
    """Predicted classes (argmax) and targets for everything in ``loader``, both on the CPU."""
    predictions, targets = [], []
    with _eval_mode(model):
        for X, y in loader:
            predictions.append(model(X.to(device)).argmax(dim=1).cpu())
            targets.append(y.cpu())
    return torch.cat(predictions), torch.cat(targets)


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
    _restore(state, model, optimizer, scheduler)
    return state["epoch"], History.from_dict(state["history"])


def _restore(state: dict[str, Any], model: nn.Module, optimizer: Any, scheduler: Any) -> None:
    model.load_state_dict(state["model"])
    if optimizer is not None and state.get("optimizer") is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and state.get("scheduler") is not None:
        scheduler.load_state_dict(state["scheduler"])


def _rng_state(loaders: Iterable[Any]) -> dict[str, Any]:
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


def _set_rng_state(state: dict[str, Any], loaders: Iterable[Any]) -> None:
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


def fit(
    model: nn.Module,
    train_loader: Iterable,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    num_epochs: int,
    device: torch.device,
    val_loader: Iterable | None = None,
    scheduler: Any = None,
    scheduler_step: str = "batch",
    checkpoint_path: str | os.PathLike | None = None,
    resume: bool = False,
    patience: int | None = None,
    progress: bool = True,
    autocast_dtype: torch.dtype | None = None,
    scaler: torch.amp.GradScaler | None = None,
    max_grad_norm: float | None = None,
) -> History:
    """Train for ``num_epochs`` epochs and return the per-epoch :class:`History`.

    - ``scheduler_step``: ``"batch"`` (e.g. OneCycleLR) or ``"epoch"`` (e.g. StepLR; a
      ReduceLROnPlateau gets the validation loss, else the training loss).
    - ``checkpoint_path``: save the full training state after every epoch. With ``resume=True`` an
      existing checkpoint is continued; random states (Python, NumPy, torch, CUDA and the loaders'
      generators) are restored too, so an interrupted and resumed run ends with exactly the same
      weights as an uninterrupted one (on the same machine and software).
    - ``patience``: early stopping on the validation loss. Training stops after ``patience`` epochs
      without improvement and the model is left with the weights of the best epoch (the history
      still lists every epoch run). Needs ``val_loader``.
    """
    if scheduler_step not in ("batch", "epoch"):
        raise ValueError(f"scheduler_step must be 'batch' or 'epoch', got {scheduler_step!r}")
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience) needs a val_loader")
    device = torch.device(device)
    loaders = [train_loader] + ([val_loader] if val_loader is not None else [])
    history, start = History(), 0
    stop: dict[str, Any] = dict(best_loss=math.inf, bad_epochs=0, stopped=False, best_state=None)
    if resume and checkpoint_path is not None and Path(checkpoint_path).exists():
        state = read_checkpoint(checkpoint_path)
        _restore(state, model, optimizer, scheduler)
        start, history = state["epoch"], History.from_dict(state["history"])
        extra = state.get("extra", {})
        if scaler is not None and extra.get("scaler"):
            scaler.load_state_dict(extra["scaler"])
        stop.update(extra.get("early_stopping", {}))
        if "rng" in extra:
            _set_rng_state(extra["rng"], loaders)
        if progress:
            print(f"resumed from {checkpoint_path} after epoch {start}")
    for epoch in range(start, num_epochs):
        if stop["stopped"]:
            break
        train_loss, train_acc = train_one_epoch(
            model,
            train_loader,
            loss_fn,
            optimizer,
            device,
            scheduler=scheduler if scheduler_step == "batch" else None,
            autocast_dtype=autocast_dtype,
            scaler=scaler,
            max_grad_norm=max_grad_norm,
            progress=progress,
            desc=f"epoch {epoch + 1}/{num_epochs}",
        )
        val_loss, val_acc = math.nan, math.nan
        if val_loader is not None:
            val_loss, val_acc = evaluate(
                model, val_loader, loss_fn, device, autocast_dtype=autocast_dtype
            )
        if scheduler is not None and scheduler_step == "epoch":
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(train_loss if val_loader is None else val_loss)
            else:
                scheduler.step()
        for key, value in zip(_FIELDS, (train_loss, train_acc, val_loss, val_acc), strict=True):
            getattr(history, key).append(value)
        if progress:
            print(_epoch_line(epoch, num_epochs, history))
        if patience is not None:
            _early_stopping(stop, model, val_loss, patience)
            if stop["stopped"] and progress:
                print(f"early stopping: no val_loss improvement for {patience} epochs")
        if checkpoint_path is not None:
            extra = {"rng": _rng_state(loaders), "early_stopping": stop}
            if scaler is not None:
                extra["scaler"] = scaler.state_dict()
            save_checkpoint(
                checkpoint_path,
                model=model,
                optimizer=optimizer,
                scheduler=scheduler,
                epoch=epoch + 1,
                history=history,
                extra=extra,
            )
    if patience is not None and stop["best_state"] is not None:
        model.load_state_dict(stop["best_state"])
    return history


def _early_stopping(stop: dict[str, Any], model: nn.Module, val_loss: float, patience: int) -> None:
    if val_loss < stop["best_loss"]:
        best = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        stop.update(best_loss=val_loss, bad_epochs=0, best_state=best)
    else:
        stop["bad_epochs"] += 1
        stop["stopped"] = stop["bad_epochs"] >= patience


def _epoch_line(epoch: int, num_epochs: int, history: History) -> str:
    parts = [f"epoch {epoch + 1}/{num_epochs}: train loss {history.train_loss[-1]:.4f}"]
    if not math.isnan(history.train_acc[-1]):
        parts.append(f"acc {history.train_acc[-1]:.2%}")
    if not math.isnan(history.val_loss[-1]):
        parts.append(f"| val loss {history.val_loss[-1]:.4f}")
    if not math.isnan(history.val_acc[-1]):
        parts.append(f"acc {history.val_acc[-1]:.2%}")
    return " ".join(parts)
