"""Known-wrong answers for chapter 00 (setup): each must fail its exercise's tests."""

MUTANTS = {
    "version_at_least": [
        (
            "compares the version strings directly ('2.15' < '2.6')",
            """
def version_at_least(version, minimum):
    return version >= minimum
""",
        ),
        (
            "compares integer tuples without padding ((2, 6) < (2, 6, 0))",
            """
def version_at_least(version, minimum):
    def release(text):
        return tuple(int(part) for part in text.split("+")[0].split("."))
    return release(version) >= release(minimum)
""",
        ),
        (
            "compares only major and minor",
            """
def version_at_least(version, minimum):
    def release(text):
        parts = [int(part) for part in text.split("+")[0].split(".")] + [0, 0]
        return tuple(parts[:2])
    return release(version) >= release(minimum)
""",
        ),
        (
            "float() of the first two numbers (2.15 reads as less than 2.6)",
            """
def version_at_least(version, minimum):
    def release(text):
        return float(".".join(text.split("+")[0].split(".")[:2]))
    return release(version) >= release(minimum)
""",
        ),
        (
            "strict > (an equal version is rejected)",
            """
def version_at_least(version, minimum):
    def release(text):
        parts = [int(part) for part in text.split("+")[0].split(".")]
        parts += [0] * (3 - len(parts))
        return tuple(parts[:3])
    return release(version) > release(minimum)
""",
        ),
        (
            "int() of every dotted field (crashes on nightlies '2.7.0.dev20250301' and '2.6.0a0')",
            """
def version_at_least(version, minimum):
    def release(text):
        parts = [int(part) for part in text.split("+")[0].split(".")]
        parts += [0] * (3 - len(parts))
        return tuple(parts[:3])
    return release(version) >= release(minimum)
""",
        ),
        (
            "keeps every digit of a field ('2.6.0rc1' read as 2.6.1)",
            """
def version_at_least(version, minimum):
    def release(text):
        fields = text.split("+")[0].split(".")
        parts = [int("".join(c for c in f if c.isdigit()) or 0) for f in fields]
        parts += [0] * (3 - len(parts))
        return tuple(parts[:3])
    return release(version) >= release(minimum)
""",
        ),
        (
            "compares the release numbers only: a nightly of 2.7.0 counts as 2.7.0",
            """
def version_at_least(version, minimum):
    def release(text):
        match = re.match(r"\\d+(\\.\\d+)*", text.strip())
        parts = [int(part) for part in match.group().split(".")]
        return tuple(parts + [0] * (3 - len(parts)))
    return release(version) >= release(minimum)
""",
        ),
    ],
    "to_device": [
        (
            "moves only the top level (nested containers are left on the CPU)",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(v.to(device) if isinstance(v, torch.Tensor) else v for v in batch)
    return batch
""",
        ),
        (
            "turns tuples into lists",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [to_device(v, device) for v in batch]
    return batch
""",
        ),
        (
            "modifies the caller's dict in place",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        for k in batch:
            batch[k] = to_device(batch[k], device)
        return batch
    if isinstance(batch, list):
        return [to_device(v, device) for v in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch
""",
        ),
        (
            "ignores the device argument (moves to CUDA when available, else leaves it)",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.cuda() if torch.cuda.is_available() else batch
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, list):
        return [to_device(v, device) for v in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch
""",
        ),
        (
            "forgets the final return (strings, numbers and None come back as None)",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, list):
        return [to_device(v, device) for v in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
""",
        ),
        (
            "drops the non-tensor entries of a dict",
            """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {
            k: to_device(v, device)
            for k, v in batch.items()
            if isinstance(v, (torch.Tensor, dict, list, tuple))
        }
    if isinstance(batch, list):
        return [to_device(v, device) for v in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch
""",
        ),
    ],
    "split_indices": [
        (
            "seeds the global generator with torch.manual_seed",
            """
def split_indices(n, val_fraction, seed):
    torch.manual_seed(seed)
    permutation = torch.randperm(n)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
""",
        ),
        (
            "does not shuffle at all",
            """
def split_indices(n, val_fraction, seed):
    permutation = torch.arange(n)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
""",
        ),
        (
            "creates a generator but never seeds it (the seed is ignored)",
            """
def split_indices(n, val_fraction, seed):
    generator = torch.Generator()
    permutation = torch.randperm(n, generator=generator)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
""",
        ),
        (
            "rounds the validation size up with math.ceil (off by one)",
            """
def split_indices(n, val_fraction, seed):
    import math
    generator = torch.Generator().manual_seed(seed)
    permutation = torch.randperm(n, generator=generator)
    num_val = math.ceil(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
""",
        ),
        (
            "takes val from the end with [-num_val:] (val_fraction 0 puts everything in val)",
            """
def split_indices(n, val_fraction, seed):
    generator = torch.Generator().manual_seed(seed)
    permutation = torch.randperm(n, generator=generator)
    num_val = int(n * val_fraction)
    return permutation[:-num_val], permutation[-num_val:]
""",
        ),
        (
            "draws two permutations (train and val overlap)",
            """
def split_indices(n, val_fraction, seed):
    generator = torch.Generator().manual_seed(seed)
    num_val = int(n * val_fraction)
    train_idx = torch.randperm(n, generator=generator)[num_val:]
    val_idx = torch.randperm(n, generator=generator)[:num_val]
    return train_idx, val_idx
""",
        ),
        (
            "shuffles with NumPy instead of torch.randperm (another permutation, not torch's)",
            """
def split_indices(n, val_fraction, seed):
    import numpy as np
    permutation = torch.from_numpy(np.random.default_rng(seed).permutation(n))
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
""",
        ),
    ],
    "is_reproducible": [
        (
            "seeds only once, before both calls",
            """
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        second = fn()
    return first.dtype == second.dtype and torch.equal(first, second)
""",
        ),
        (
            "does not restore the global random state (no fork_rng)",
            """
def is_reproducible(fn, seed=0):
    torch.manual_seed(seed)
    first = fn()
    torch.manual_seed(seed)
    second = fn()
    return first.dtype == second.dtype and torch.equal(first, second)
""",
        ),
        (
            "compares with (a == b).all(), which broadcasts different shapes",
            """
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        torch.manual_seed(seed)
        second = fn()
    return bool((first == second).all())
""",
        ),
        (
            "torch.equal alone (ignores a dtype change)",
            """
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        torch.manual_seed(seed)
        second = fn()
    return torch.equal(first, second)
""",
        ),
    ],
    "count_parameters": [
        (
            "counts parameter tensors instead of elements",
            """
def count_parameters(model, trainable_only=True):
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])
""",
        ),
        (
            "ignores requires_grad (frozen layers counted)",
            """
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters())
""",
        ),
        (
            "loops over model.modules() (nested and shared parameters counted twice)",
            """
def count_parameters(model, trainable_only=True):
    return sum(
        p.numel()
        for module in model.modules()
        for p in module.parameters()
        if p.requires_grad or not trainable_only
    )
""",
        ),
        (
            "sums over the state_dict (buffers counted, frozen layers counted)",
            """
def count_parameters(model, trainable_only=True):
    return sum(t.numel() for t in model.state_dict().values())
""",
        ),
    ],
}
