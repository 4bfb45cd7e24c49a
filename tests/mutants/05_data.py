"""Known-wrong answers for chapter 05 (data): each must fail its exercise's tests."""

MUTANTS = {
    "window_dataset": [
        (
            "off-by-one length: len(series) - window, so the last item has a short target",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or len(series) < window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "no IndexError: slicing past the end returns short windows, iteration never stops",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or len(series) < window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "negative indices not converted: ds[-1] slices series[-1:w-1] (empty)",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or len(series) < window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "horizon=1 returns the target as a 0-d scalar series[i + window] instead of a length-1 slice",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or series.dim() != 1 or len(series) < window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        split = index + self.window
        if self.horizon == 1:
            return self.series[index:split], self.series[split]
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "boundary: rejects a series of exactly window + horizon values (<= instead of <)",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or series.dim() != 1 or len(series) <= window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "casts the series to float32: only the visible dtype survives (float64 data loses precision)",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if window < 1 or horizon < 1 or series.dim() != 1 or len(series) < window + horizon:
            raise ValueError("bad arguments")
        self.series, self.window, self.horizon = series.float(), window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
        (
            "window and horizon not validated: window=0 gives empty inputs",
            """
class WindowDataset(Dataset):
    def __init__(self, series, window, horizon=1):
        if series.dim() != 1 or len(series) < window + horizon:
            raise ValueError("series too short")
        self.series, self.window, self.horizon = series, window, horizon

    def __len__(self):
        return len(self.series) - self.window - self.horizon + 1

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        split = index + self.window
        return self.series[index:split], self.series[split : split + self.horizon]
""",
        ),
    ],
    "numpy_dataset": [
        (
            "torch.from_numpy keeps float64 features and int32 labels",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
        (
            "features fixed, but labels stay int32 (CrossEntropyLoss wants int64)",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X = torch.from_numpy(X).float()
        self.y = torch.tensor(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
        (
            "labels converted to float32 along with the features",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
        (
            "converts in every __getitem__ call instead of once in __init__",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X, self.y = X, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return (torch.tensor(self.X[index], dtype=torch.float32),
                torch.tensor(self.y[index], dtype=torch.int64))
""",
        ),
        (
            "labels reshaped to a column (N, 1): each label is a 1-element vector, not 0-d",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X = torch.as_tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.int64).reshape(-1, 1)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
        (
            "lengths of X and y not checked: a mismatch fails later, inside the DataLoader",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.as_tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
        (
            "__len__ reads the wrong dimension: X.shape[1] (the number of features)",
            """
class NumpyDataset(Dataset):
    def __init__(self, X, y):
        if len(X) != len(y):
            raise ValueError("length mismatch")
        self.X = torch.as_tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.int64)

    def __len__(self):
        return self.X.shape[1]

    def __getitem__(self, index):
        return self.X[index], self.y[index]
""",
        ),
    ],
    "csv_image_dataset": [
        (
            "file order assumed: the sorted *.png files of the folder paired with the CSV's labels",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            rows = list(csv.DictReader(f))
        self.labels = [int(r["label"]) for r in rows]
        self.paths = sorted(self.root.glob("*.png"))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = decode_image(str(self.paths[index])).float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]
""",
        ),
        (
            "header row counted: __len__ is the number of lines of the CSV file",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        self.lines = (self.root / csv_name).read_text().splitlines()

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, index):
        name, label = self.lines[1:][index].split(",")
        image = decode_image(str(self.root / name)).float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(label)
""",
        ),
        (
            "labels off by one row: the lines are indexed without skipping the header",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        self.lines = (self.root / csv_name).read_text().splitlines()

    def __len__(self):
        return len(self.lines) - 1

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        name, label = self.lines[index].split(",")
        if name == "filename":  # the header: take the next row instead
            name, label = self.lines[index + 1].split(",")
        image = decode_image(str(self.root / name)).float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(label)
""",
        ),
        (
            "wrong dtype: returns decode_image's uint8 tensor, not float32 in [0, 1]",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = decode_image(str(self.root / row["filename"]))
        if self.transform is not None:
            image = self.transform(image)
        return image, int(row["label"])
""",
        ),
        (
            "wrong scale: .float() without dividing by 255 (values 0..255)",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = decode_image(str(self.root / row["filename"])).float()
        if self.transform is not None:
            image = self.transform(image)
        return image, int(row["label"])
""",
        ),
        (
            "transform stored but never applied",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = decode_image(str(self.root / row["filename"])).float() / 255
        return image, int(row["label"])
""",
        ),
        (
            "transform applied to the (image, label) pair: v2 passes the int through, a plain function breaks",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        sample = (decode_image(str(self.root / row["filename"])).float() / 255, int(row["label"]))
        if self.transform is not None:
            sample = self.transform(sample)
        return sample
""",
        ),
        (
            "channel dimension missing: plt.imread gives (H, W) for a grey image, (H, W, 3) for colour",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = torch.from_numpy(plt.imread(self.root / row["filename"]))
        if self.transform is not None:
            image = self.transform(image)
        return image, int(row["label"])
""",
        ),
        (
            "label kept as the CSV's string",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.root, self.transform = Path(root), transform
        with open(self.root / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = decode_image(str(self.root / row["filename"])).float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, row["label"]
""",
        ),
        (
            "file names not joined with root: opened relative to the current working directory",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.transform = transform
        with open(Path(root) / csv_name, newline="") as f:
            self.rows = list(csv.DictReader(f))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        row = self.rows[index]
        image = decode_image(row["filename"]).float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(row["label"])
""",
        ),
        (
            "not file-backed: every image decoded once in __init__ (a changed file is never seen)",
            """
class CsvImageDataset(Dataset):
    def __init__(self, root, csv_name="labels.csv", transform=None):
        self.transform = transform
        with open(Path(root) / csv_name, newline="") as f:
            rows = list(csv.DictReader(f))
        self.images = [decode_image(str(Path(root) / r["filename"])).float() / 255 for r in rows]
        self.labels = [int(r["label"]) for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]
""",
        ),
    ],
    "split_views": [
        (
            "no generator: random_split draws from the global RNG, a new split at every call",
            """
def split_views(train_view, eval_view, fractions, seed):
    if len(train_view) != len(eval_view):
        raise ValueError("lengths differ")
    parts = random_split(range(len(train_view)), fractions)
    return [Subset(train_view if k == 0 else eval_view, list(p)) for k, p in enumerate(parts)]
""",
        ),
        (
            "torch.manual_seed(seed) instead of a generator: the same split, but the global RNG is reset",
            """
def split_views(train_view, eval_view, fractions, seed):
    if len(train_view) != len(eval_view):
        raise ValueError("lengths differ")
    torch.manual_seed(seed)
    parts = random_split(range(len(train_view)), fractions)
    return [Subset(train_view if k == 0 else eval_view, list(p)) for k, p in enumerate(parts)]
""",
        ),
        (
            "each view split separately with one generator: the second permutation differs, parts overlap",
            """
def split_views(train_view, eval_view, fractions, seed):
    if len(train_view) != len(eval_view):
        raise ValueError("lengths differ")
    gen = torch.Generator().manual_seed(seed)
    train_parts = random_split(train_view, fractions, generator=gen)
    eval_parts = random_split(eval_view, fractions, generator=gen)
    return [train_parts[0], *eval_parts[1:]]
""",
        ),
        (
            "the shared-transform trap: every part wraps train_view (an augmented validation set)",
            """
def split_views(train_view, eval_view, fractions, seed):
    if len(train_view) != len(eval_view):
        raise ValueError("lengths differ")
    gen = torch.Generator().manual_seed(seed)
    return random_split(train_view, fractions, generator=gen)
""",
        ),
        (
            "sizes by int(fraction * n), the remainder to the last part (not random_split's rule)",
            """
def split_views(train_view, eval_view, fractions, seed):
    n = len(train_view)
    if len(eval_view) != n:
        raise ValueError("lengths differ")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    sizes = [int(f * n) for f in fractions[:-1]]
    sizes.append(n - sum(sizes))
    parts, start = [], 0
    for k, size in enumerate(sizes):
        parts.append(Subset(train_view if k == 0 else eval_view, perm[start : start + size]))
        start += size
    return parts
""",
        ),
        (
            "no shuffle: consecutive index ranges with random_split's sizes",
            """
def split_views(train_view, eval_view, fractions, seed):
    n = len(train_view)
    if len(eval_view) != n:
        raise ValueError("lengths differ")
    sizes = [len(p) for p in random_split(range(n), fractions, generator=torch.Generator().manual_seed(seed))]
    parts, start = [], 0
    for k, size in enumerate(sizes):
        parts.append(Subset(train_view if k == 0 else eval_view, list(range(start, start + size))))
        start += size
    return parts
""",
        ),
        (
            "generator seeded once when the function is defined: the second call continues its stream",
            """
_SPLIT_GEN = torch.Generator().manual_seed(0)


def split_views(train_view, eval_view, fractions, seed, _gen=_SPLIT_GEN):
    if len(train_view) != len(eval_view):
        raise ValueError("lengths differ")
    parts = random_split(range(len(train_view)), fractions, generator=_gen)
    return [Subset(train_view if k == 0 else eval_view, list(p)) for k, p in enumerate(parts)]
""",
        ),
        (
            "lengths never compared: views of different sizes are split without an error",
            """
def split_views(train_view, eval_view, fractions, seed):
    gen = torch.Generator().manual_seed(seed)
    parts = random_split(range(len(train_view)), fractions, generator=gen)
    return [Subset(train_view if k == 0 else eval_view, list(p)) for k, p in enumerate(parts)]
""",
        ),
    ],
    "pad_collate": [
        (
            "pads every batch to a fixed length (16) instead of the batch's longest sequence",
            """
def pad_collate(batch, padding_value=0):
    max_len = 16
    seqs = [seq for seq, _ in batch]
    padded = torch.full((len(seqs), max_len, *seqs[0].shape[1:]), padding_value, dtype=seqs[0].dtype)
    for i, seq in enumerate(seqs):
        padded[i, : len(seq)] = seq
    lengths = torch.tensor([len(s) for s in seqs])
    mask = torch.arange(max_len) < lengths[:, None]
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, mask, labels
""",
        ),
        (
            "pads on the left (padding_side='left'), so position t differs between rows",
            """
def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=padding_value,
                                       padding_side="left")
    mask = torch.arange(padded.shape[1]).flip(0) < lengths[:, None]
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, mask, labels
""",
        ),
        (
            "mask inverted: True at the padding",
            """
def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    mask = torch.arange(padded.shape[1]) >= lengths[:, None]
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, mask, labels
""",
        ),
        (
            "ignores padding_value (always pads with 0)",
            """
def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    mask = torch.arange(padded.shape[1]) < lengths[:, None]
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, mask, labels
""",
        ),
        (
            "mask from the values (padded != padding_value): real zeros count as padding",
            """
def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    lengths = torch.tensor([len(seq) for seq in seqs], dtype=torch.int64)
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    mask = padded != padding_value
    if mask.dim() > 2:
        mask = mask.any(dim=-1)
    labels = torch.tensor([int(label) for _, label in batch], dtype=torch.int64)
    return padded, lengths, mask, labels
""",
        ),
    ],
    "balanced_weights": [
        (
            "one weight per class instead of one per sample",
            """
def balanced_sample_weights(targets):
    return 1.0 / torch.bincount(targets).double()
""",
        ),
        (
            "weights proportional to the class count (favours the common classes even more)",
            """
def balanced_sample_weights(targets):
    return torch.bincount(targets).double()[targets]
""",
        ),
        (
            "integer division 1 // count: all weights 0 except for classes with one sample",
            """
def balanced_sample_weights(targets):
    return (1 // torch.bincount(targets))[targets]
""",
        ),
        (
            "unique(return_counts=True) indexed by label: only right when the labels are 0..C-1 with no gap",
            """
def balanced_sample_weights(targets):
    _, counts = torch.unique(targets, return_counts=True)
    return (1.0 / counts.double())[targets]
""",
        ),
        (
            "adds 1 to every count 'to avoid division by zero': 1 / (n + 1) is not balanced",
            """
def balanced_sample_weights(targets):
    counts = torch.bincount(targets)
    return (1.0 / (counts.double() + 1))[targets]
""",
        ),
        (
            "square-root inverse frequency 1 / sqrt(n): only partly balanced",
            """
def balanced_sample_weights(targets):
    counts = torch.bincount(targets)
    return (1.0 / counts.double().sqrt())[targets]
""",
        ),
    ],
    "sharded_stream": [
        (
            "ignores get_worker_info(): every worker yields the whole stream",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)
""",
        ),
        (
            "contiguous shards of len // num_workers items: the remainder is lost",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(self.items)
        per_worker = len(self.items) // info.num_workers
        start = info.id * per_worker
        return iter(self.items[start : start + per_worker])
""",
        ),
        (
            "crashes in the main process (get_worker_info() is None there)",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        info = get_worker_info()
        return (self.items[i] for i in range(info.id, len(self.items), info.num_workers))
""",
        ),
        (
            "returns a list from __iter__ (a list is iterable but not an iterator: iter() raises TypeError)",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return list(self.items)
        return list(self.items[info.id :: info.num_workers])
""",
        ),
        (
            "shards by overwriting self.items: a persistent worker's second epoch re-shards its own shard",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        info = get_worker_info()
        if info is not None:
            self.items = self.items[info.id :: info.num_workers]
        return iter(self.items)
""",
        ),
        (
            "np.array_split shards: workers yield NumPy scalars instead of the original items",
            """
class ShardedStream(IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(self.items)
        return iter(np.array_split(np.asarray(self.items), info.num_workers)[info.id])
""",
        ),
    ],
    "seed_worker": [
        (
            "only seeds the global NumPy/random RNGs: the dataset's own rng stays identical in every worker",
            """
def seed_worker(worker_id):
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
""",
        ),
        (
            "seeds from worker_id: the same numbers every epoch and for every loader seed",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    if info is None:
        return
    np.random.seed(worker_id)
    random.seed(worker_id)
    if hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(worker_id)
""",
        ),
        (
            "no % 2**32: np.random.seed fails for worker seeds >= 2**32",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    if info is None:
        return
    np.random.seed(info.seed)
    random.seed(info.seed)
    if hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(info.seed)
""",
        ),
        (
            "also seeds in the main process (no early return): reseeds the global RNGs outside workers",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    seed = torch.initial_seed() % 2**32
    random.seed(seed)
    np.random.seed(seed)
    if info is not None and hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(seed)
""",
        ),
        (
            "off by one in the modulus: seed % (2**32 - 1) instead of seed % 2**32",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    if info is None:
        return
    seed = info.seed % (2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    if hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(seed)
""",
        ),
        (
            "dataset.rng seeded with the full 64-bit info.seed, the global RNGs with seed % 2**32",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    if info is None:
        return
    random.seed(info.seed % 2**32)
    np.random.seed(info.seed % 2**32)
    if hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(info.seed)
""",
        ),
        (
            "the famous bug: seeds from NumPy's own (copied) state + worker_id, not from the worker seed",
            """
def seed_worker(worker_id):
    info = get_worker_info()
    if info is None:
        return
    seed = int(np.random.get_state()[1][0]) + worker_id
    random.seed(seed)
    np.random.seed(seed)
    if hasattr(info.dataset, "rng"):
        info.dataset.rng = np.random.default_rng(seed)
""",
        ),
    ],
    "make_loader": [
        (
            "seeds the global RNG instead of giving the loader its own generator",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    torch.manual_seed(seed)
    if num_workers > 0:
        loader_kwargs.setdefault("timeout", 120)
        loader_kwargs.setdefault("persistent_workers", True)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, worker_init_fn=seed_worker,
                      num_workers=num_workers, **loader_kwargs)
""",
        ),
        (
            "an unseeded torch.Generator(): the same order for every seed",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    if num_workers > 0:
        loader_kwargs.setdefault("timeout", 120)
        loader_kwargs.setdefault("persistent_workers", True)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator(),
                      worker_init_fn=seed_worker, num_workers=num_workers, **loader_kwargs)
""",
        ),
        (
            "no timeout with workers: a stuck worker hangs the notebook or CI job forever",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator,
                      worker_init_fn=seed_worker, num_workers=num_workers,
                      persistent_workers=num_workers > 0, **loader_kwargs)
""",
        ),
        (
            "shuffle forgotten: the seeded generator is passed but the order is always 0, 1, 2, ...",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    generator = torch.Generator().manual_seed(seed)
    if num_workers > 0:
        loader_kwargs.setdefault("timeout", 120)
        loader_kwargs.setdefault("persistent_workers", True)
    return DataLoader(dataset, batch_size=batch_size, generator=generator,
                      worker_init_fn=seed_worker, num_workers=num_workers, **loader_kwargs)
""",
        ),
        (
            "boundary num_workers=0: persistent_workers=True always (DataLoader raises ValueError)",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator,
                      worker_init_fn=seed_worker, num_workers=num_workers, timeout=120,
                      persistent_workers=True, **loader_kwargs)
""",
        ),
        (
            "defaults passed as keywords next to **loader_kwargs: a caller's own timeout is a TypeError",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator,
                      worker_init_fn=seed_worker, num_workers=num_workers,
                      timeout=120 if num_workers > 0 else 0,
                      persistent_workers=num_workers > 0, **loader_kwargs)
""",
        ),
        (
            "generator=torch.manual_seed(seed): that is the global generator, shared and reseeded",
            """
def make_loader(dataset, batch_size, seed, *, num_workers=0, **loader_kwargs):
    generator = torch.manual_seed(seed)
    if num_workers > 0:
        loader_kwargs.setdefault("timeout", 120)
        loader_kwargs.setdefault("persistent_workers", True)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator,
                      worker_init_fn=seed_worker, num_workers=num_workers, **loader_kwargs)
""",
        ),
    ],
}
