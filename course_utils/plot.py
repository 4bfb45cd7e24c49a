"""Figures the chapters share: training curves, image grids, confusion matrices, bar charts.

Every helper returns a matplotlib ``Figure`` and never calls ``plt.show()``. The figures are
pyplot figures, so Jupyter shows them at the end of the cell; write ``fig = plot_history(...)``
(or end the line with ``;``) so that the returned figure is not displayed a second time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor


def _history_dict(history: Any) -> dict[str, list[float]]:
    return history.to_dict() if hasattr(history, "to_dict") else dict(history)


def _has_values(values: Sequence[float]) -> bool:
    return any(not math.isnan(v) for v in values)


def plot_history(history: Any, *, title: str | None = None) -> Figure:
    """Loss and accuracy per epoch from a :class:`course_utils.train.History` (or its dict)."""
    h = _history_dict(history)
    show_acc = _has_values(h.get("train_acc", [])) or _has_values(h.get("val_acc", []))
    fig, axes = plt.subplots(1, 2 if show_acc else 1, figsize=(10 if show_acc else 5, 3.5))
    axes = list(axes) if show_acc else [axes]
    panels = [("loss", "train_loss", "val_loss"), ("accuracy", "train_acc", "val_acc")]
    for ax, (label, train_key, val_key) in zip(axes, panels, strict=False):
        for key, name in ((train_key, "train"), (val_key, "validation")):
            values = h.get(key, [])
            if _has_values(values):
                ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _as_images(
    images: Tensor, mean: Sequence[float] | None, std: Sequence[float] | None
) -> np.ndarray:
    """(N, H, W, C) float array in [0, 1], un-normalised when mean/std are given."""
    x = torch.as_tensor(images).detach().cpu()
    if x.dim() == 3:  # (N, H, W): grayscale without a channel axis
        x = x.unsqueeze(1)
    if x.dim() != 4 or x.shape[1] not in (1, 3):
        raise ValueError(
            f"expected images of shape (N, 1, H, W) or (N, 3, H, W), got {tuple(x.shape)}"
        )
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    if mean is not None and std is not None:
        x = x * torch.tensor(std).view(1, -1, 1, 1) + torch.tensor(mean).view(1, -1, 1, 1)
    return x.clamp(0, 1).permute(0, 2, 3, 1).numpy()  # matplotlib wants NumPy, not tensors


def _name(label: int, classes: Sequence[str] | None) -> str:
    return classes[label] if classes is not None else str(label)


def show_images(
    images: Tensor,
    labels: Sequence[int] | Tensor | None = None,
    *,
    classes: Sequence[str] | None = None,
    predictions: Sequence[int] | Tensor | None = None,
    ncols: int = 8,
    title: str | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> Figure:
    """A grid of images titled with their labels; wrong ``predictions`` are titled in red.

    Takes (N, 1, H, W) or (N, 3, H, W), uint8 or float in [0, 1]; pass the ``mean``/``std`` used for
    normalisation to undo it.
    """
    x = _as_images(images, mean, std)
    n = x.shape[0]
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.6 * nrows), squeeze=False)
    labels = None if labels is None else [int(v) for v in labels]
    predictions = None if predictions is None else [int(v) for v in predictions]
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        gray = x.shape[-1] == 1
        ax.imshow(x[i, ..., 0] if gray else x[i], cmap="gray" if gray else None, vmin=0, vmax=1)
        if predictions is not None:
            text = _name(predictions[i], classes)
            wrong = labels is not None and predictions[i] != labels[i]
            if labels is not None and wrong:
                text += f"\n(true: {_name(labels[i], classes)})"
            ax.set_title(text, fontsize=8, color="red" if wrong else "black")
        elif labels is not None:
            ax.set_title(_name(labels[i], classes), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrix(y_true: Tensor, y_pred: Tensor, num_classes: int) -> Tensor:
    """Counts (int64, num_classes x num_classes): row = true class, column = predicted class."""
    y_true = torch.as_tensor(y_true).detach().cpu().long().flatten()
    y_pred = torch.as_tensor(y_pred).detach().cpu().long().flatten()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.numel()} labels but y_pred has {y_pred.numel()}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.numel() and (int(y.min()) < 0 or int(y.max()) >= num_classes):
            raise ValueError(f"{name} has labels outside 0..{num_classes - 1}")
    flat = y_true * num_classes + y_pred
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


def plot_confusion_matrix(cm: Tensor, classes: Sequence[str], *, normalize: bool = True) -> Figure:
    """Heat map of a confusion matrix; ``normalize`` shows each row as fractions of its class."""
    counts = torch.as_tensor(cm).detach().cpu().double()
    values = counts / counts.sum(dim=1, keepdim=True).clamp(min=1) if normalize else counts
    size = max(4.0, 0.55 * len(classes) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(values.numpy(), cmap="Blues", vmin=0, vmax=1 if normalize else None)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ticks = range(len(classes))
    ax.set_xticks(ticks, labels=list(classes), rotation=45, ha="right")
    ax.set_yticks(ticks, labels=list(classes))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    threshold = float(values.max()) / 2
    for i in ticks:
        for j in ticks:
            v = float(values[i, j])
            text = f"{v:.2f}" if normalize else f"{int(v)}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > threshold else "black",
            )
    ax.set_title("confusion matrix" + (" (rows sum to 1)" if normalize else ""))
    fig.tight_layout()
    return fig


def plot_bars(
    values: Mapping[str, float], *, title: str | None = None, ylabel: str | None = None
) -> Figure:
    """A labelled bar chart, e.g. model sizes or latencies by variant."""
    names, heights = list(values), [float(v) for v in values.values()]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(names) + 1), 3.5))
    bars = ax.bar(names, heights, color="tab:blue")
    ax.bar_label(bars, labels=[f"{h:.3g}" for h in heights], fontsize=8)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
