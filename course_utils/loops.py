"""Training loops: one pass over a loader to train, evaluate or predict.

Progress bars go to stdout (nbgrader scores a cell 0 when anything reaches stderr). Loss and
accuracy are summed on the device, one sync per pass. Every name here is importable from
``course_utils.train`` as well, where :func:`course_utils.train.fit` runs them epoch by epoch.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch import Tensor, nn


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
    gradients are unscaled before clipping to ``max_grad_norm``; without one, a disabled
    ``GradScaler`` passes loss, gradients and step through unchanged (one code path for every
    precision). Accuracy is nan when the outputs are not class logits.
    """
    device = torch.device(device)
    if scaler is None:
        scaler = torch.amp.GradScaler(device.type, enabled=False)
    model.train()
    meter = _Meter(device)
    for X, y in progress_bar(loader, desc=desc, enabled=progress, leave=False):
        X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        with _autocast(device, autocast_dtype):
            outputs = model(X)
            loss = loss_fn(outputs, y)
        scaler.scale(loss).backward()
        if max_grad_norm is not None:
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        scaler.step(optimizer)
        scaler.update()
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
