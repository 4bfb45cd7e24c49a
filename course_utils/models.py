"""Reference models that later chapters reuse, and a cached way to get one trained.

``SmallCNN`` is the chapter-06 architecture (a LeNet-style CNN for 28x28 grey images). Chapters
08-11 (mixed precision, DDP, quantization, pruning) start from it so that their figures are about
the technique, not about a new model.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from . import data, env, train

DEFAULT_CACHE = Path("~/.cache/pytorch-course/checkpoints")


class SmallCNN(nn.Module):
    """conv(32) -> pool -> conv(64) -> pool -> 128 -> classes, for (N, 1, 28, 28) inputs.

    Two padded 3x3 convolutions keep 28x28; two 2x2 poolings halve it twice, so the flatten size
    is ``64 * 7 * 7 = 3136``. ``width`` scales the channel counts (structured pruning shrinks it).
    """

    def __init__(self, num_classes: int = 10, width: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, hidden),
            nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


@dataclass(frozen=True)
class TrainedModel:
    """A trained model with what it was trained on and how well it does on the test set."""

    model: nn.Module
    source: data.DataSource
    test_accuracy: float
    train_seconds: float
    from_cache: bool


def fashion_mnist_tensors(
    device: torch.device, *, train_subset: int | None = None, seed: int = 0, verbose: bool = False
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, data.DataSource]:
    """Normalised Fashion-MNIST train and test tensors on ``device`` (train maybe subsampled)."""
    train_set = data.load_fashion_mnist(train=True, verbose=verbose).subset(train_subset, seed=seed)
    test_set = data.load_fashion_mnist(train=False, verbose=verbose)
    X_train, y_train = train_set.tensors(normalize=True, device=device)
    X_test, y_test = test_set.tensors(normalize=True, device=device)
    return X_train, y_train, X_test, y_test, train_set.source


def get_trained_small_cnn(
    device: torch.device | None = None,
    *,
    num_epochs: int | None = None,
    train_subset: int | None = None,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> TrainedModel:
    """A ``SmallCNN`` trained on Fashion-MNIST, from the cache when the same recipe ran before.

    Defaults: 3 epochs on the full training set, or 1 epoch on 20,000 images in quick mode. The
    cache key holds the recipe and the data source, so a stand-in never masquerades as real data.
    """
    device = device or env.get_device()
    num_epochs = num_epochs if num_epochs is not None else env.pick(3, 1)
    if train_subset is None:
        train_subset = env.pick(None, 20_000)
    X_train, y_train, X_test, y_test, source = fashion_mnist_tensors(
        device, train_subset=train_subset, seed=seed
    )
    key = f"small_cnn_fmnist_{source.kind}_e{num_epochs}_n{len(X_train)}_s{seed}.pt"
    path = Path(cache_dir or DEFAULT_CACHE).expanduser() / key
    model = SmallCNN().to(device)
    test_loader = data.TensorLoader(X_test, y_test, 1000)
    if path.exists():
        train.load_checkpoint(path, model=model, map_location=device)
        accuracy = train.read_checkpoint(path)["extra"].get("test_accuracy")
        if accuracy is None:  # a checkpoint cached before the accuracy was stored with it
            _, accuracy = train.evaluate(model, test_loader, nn.CrossEntropyLoss(), device)
        return TrainedModel(model.eval(), source, float(accuracy), 0.0, True)
    generator = env.seed_everything(seed)
    loader = data.TensorLoader(X_train, y_train, 128, shuffle=True, generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=4e-3, total_steps=num_epochs * len(loader)
    )
    start = time.perf_counter()
    train.fit(
        model, loader, nn.CrossEntropyLoss(), optimizer,
        num_epochs=num_epochs, device=device, scheduler=scheduler, progress=progress,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    _, accuracy = train.evaluate(model, test_loader, nn.CrossEntropyLoss(), device)
    # the accuracy travels with the weights, so a cache hit needs no pass over the test set
    train.save_checkpoint(path, model=model, epoch=num_epochs, extra={"test_accuracy": accuracy})
    return TrainedModel(model.eval(), source, accuracy, seconds, False)
