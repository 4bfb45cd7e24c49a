"""Training for a number of epochs: ``fit``, with checkpoints, resume and early stopping.

The loops it runs (one epoch, evaluation, prediction, the progress bar: :mod:`course_utils.loops`)
and the checkpoints it writes (:mod:`course_utils.checkpoints`: only tensors and plain
containers, so ``torch.load(..., weights_only=True)`` reads them) are importable from here too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from . import checkpoints
from .checkpoints import History, load_checkpoint, read_checkpoint, save_checkpoint
from .loops import evaluate, predict, progress_bar, train_one_epoch

__all__ = [  # the public names; the loops live in loops.py, History and the rest in checkpoints.py
    "History",
    "evaluate",
    "fit",
    "load_checkpoint",
    "predict",
    "progress_bar",
    "read_checkpoint",
    "save_checkpoint",
    "train_one_epoch",
]


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
    run = _Fit(
        model=model, train_loader=train_loader, loss_fn=loss_fn, optimizer=optimizer,
        device=torch.device(device), val_loader=val_loader, scheduler=scheduler,
        scheduler_step=scheduler_step, patience=patience, progress=progress,
        autocast_dtype=autocast_dtype, scaler=scaler, max_grad_norm=max_grad_norm,
    )  # fmt: skip
    start = 0
    if resume and checkpoint_path is not None and Path(checkpoint_path).exists():
        start = run.resume(checkpoint_path)
    for epoch in range(start, num_epochs):
        if run.stop["stopped"]:
            break
        run.epoch(epoch, num_epochs)
        if checkpoint_path is not None:
            run.save(checkpoint_path, epoch + 1)
    if patience is not None and run.stop["best_state"] is not None:
        model.load_state_dict(run.stop["best_state"])
    return run.history


def _no_stop() -> dict[str, Any]:
    """Early stopping's state before the first epoch."""
    return dict(best_loss=math.inf, bad_epochs=0, stopped=False, best_state=None)


@dataclass
class _Fit:
    """One :func:`fit` run: its settings, and the state it carries from epoch to epoch."""

    model: nn.Module
    train_loader: Iterable
    loss_fn: Callable[[Tensor, Tensor], Tensor]
    optimizer: torch.optim.Optimizer
    device: torch.device
    val_loader: Iterable | None
    scheduler: Any
    scheduler_step: str
    patience: int | None
    progress: bool
    autocast_dtype: torch.dtype | None
    scaler: torch.amp.GradScaler | None
    max_grad_norm: float | None
    history: History = field(default_factory=History)
    stop: dict[str, Any] = field(default_factory=_no_stop)  # early stopping's state

    @property
    def loaders(self) -> list[Iterable]:
        """The loaders whose generators a checkpoint saves and restores."""
        return [self.train_loader] + ([self.val_loader] if self.val_loader is not None else [])

    def resume(self, path: str | os.PathLike) -> int:
        """Continue from the checkpoint at ``path``; return the epochs it had done."""
        state = read_checkpoint(path)
        checkpoints.restore(state, self.model, self.optimizer, self.scheduler)
        start, self.history = state["epoch"], History.from_dict(state["history"])
        extra = state.get("extra", {})
        if self.scaler is not None and extra.get("scaler"):
            self.scaler.load_state_dict(extra["scaler"])
        self.stop.update(extra.get("early_stopping", {}))
        if "rng" in extra:
            checkpoints.set_rng_state(extra["rng"], self.loaders)
        if self.progress:
            print(f"resumed from {path} after epoch {start}")
        return start

    def epoch(self, epoch: int, num_epochs: int) -> None:
        """Train one epoch, evaluate, step an epoch scheduler, record, check early stopping."""
        train_loss, train_acc = train_one_epoch(
            self.model,
            self.train_loader,
            self.loss_fn,
            self.optimizer,
            self.device,
            scheduler=self.scheduler if self.scheduler_step == "batch" else None,
            autocast_dtype=self.autocast_dtype,
            scaler=self.scaler,
            max_grad_norm=self.max_grad_norm,
            progress=self.progress,
            desc=f"epoch {epoch + 1}/{num_epochs}",
        )
        val_loss, val_acc = math.nan, math.nan
        if self.val_loader is not None:
            val_loss, val_acc = evaluate(
                self.model, self.val_loader, self.loss_fn, self.device,
                autocast_dtype=self.autocast_dtype,
            )  # fmt: skip
        if self.scheduler is not None and self.scheduler_step == "epoch":
            if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(train_loss if self.val_loader is None else val_loss)
            else:
                self.scheduler.step()
        metrics = (train_loss, train_acc, val_loss, val_acc)
        for column, value in zip(fields(History), metrics, strict=True):
            getattr(self.history, column.name).append(value)
        if self.progress:
            print(_epoch_line(epoch, num_epochs, self.history))
        if self.patience is not None:
            _early_stopping(self.stop, self.model, val_loss, self.patience)
            if self.stop["stopped"] and self.progress:
                print(f"early stopping: no val_loss improvement for {self.patience} epochs")

    def save(self, path: str | os.PathLike, epochs_done: int) -> None:
        """The full training state after ``epochs_done`` epochs (the scaler's when one is used)."""
        extra = {"rng": checkpoints.rng_state(self.loaders), "early_stopping": self.stop}
        if self.scaler is not None:
            extra["scaler"] = self.scaler.state_dict()
        save_checkpoint(
            path, model=self.model, optimizer=self.optimizer, scheduler=self.scheduler,
            epoch=epochs_done, history=self.history, extra=extra,
        )  # fmt: skip


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
