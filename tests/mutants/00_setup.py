"""Known-wrong answers for chapter 00 (setup): each must fail its exercise's tests."""

MUTANTS = {
    "version_at_least": [
        ("compares the version strings directly ('2.15' < '2.6')", '''
def version_at_least(version, minimum):
    return version >= minimum
'''),
        ("compares integer tuples without padding ((2, 6) < (2, 6, 0))", '''
def version_at_least(version, minimum):
    def release(text):
        return tuple(int(part) for part in text.split("+")[0].split("."))
    return release(version) >= release(minimum)
'''),
        ("compares only major and minor", '''
def version_at_least(version, minimum):
    def release(text):
        parts = [int(part) for part in text.split("+")[0].split(".")] + [0, 0]
        return tuple(parts[:2])
    return release(version) >= release(minimum)
'''),
    ],
    "to_device": [
        ("moves only the top level (nested containers are left on the CPU)", '''
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(v.to(device) if isinstance(v, torch.Tensor) else v for v in batch)
    return batch
'''),
        ("turns tuples into lists", '''
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [to_device(v, device) for v in batch]
    return batch
'''),
        ("modifies the caller's dict in place", '''
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
'''),
    ],
    "split_indices": [
        ("seeds the global generator with torch.manual_seed", '''
def split_indices(n, val_fraction, seed):
    torch.manual_seed(seed)
    permutation = torch.randperm(n)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
'''),
        ("does not shuffle at all", '''
def split_indices(n, val_fraction, seed):
    permutation = torch.arange(n)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
'''),
        ("creates a generator but never seeds it (the seed is ignored)", '''
def split_indices(n, val_fraction, seed):
    generator = torch.Generator()
    permutation = torch.randperm(n, generator=generator)
    num_val = int(n * val_fraction)
    return permutation[num_val:], permutation[:num_val]
'''),
    ],
    "is_reproducible": [
        ("seeds only once, before both calls", '''
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        second = fn()
    return first.dtype == second.dtype and torch.equal(first, second)
'''),
        ("does not restore the global random state (no fork_rng)", '''
def is_reproducible(fn, seed=0):
    torch.manual_seed(seed)
    first = fn()
    torch.manual_seed(seed)
    second = fn()
    return first.dtype == second.dtype and torch.equal(first, second)
'''),
        ("compares with (a == b).all(), which broadcasts different shapes", '''
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        torch.manual_seed(seed)
        second = fn()
    return bool((first == second).all())
'''),
        ("torch.equal alone (ignores a dtype change)", '''
def is_reproducible(fn, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        first = fn()
        torch.manual_seed(seed)
        second = fn()
    return torch.equal(first, second)
'''),
    ],
    "count_parameters": [
        ("counts parameter tensors instead of elements", '''
def count_parameters(model, trainable_only=True):
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])
'''),
        ("ignores requires_grad (frozen layers counted)", '''
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters())
'''),
        ("loops over model.modules() (nested and shared parameters counted twice)", '''
def count_parameters(model, trainable_only=True):
    return sum(
        p.numel()
        for module in model.modules()
        for p in module.parameters()
        if p.requires_grad or not trainable_only
    )
'''),
        ("sums over the state_dict (buffers counted, frozen layers counted)", '''
def count_parameters(model, trainable_only=True):
    return sum(t.numel() for t in model.state_dict().values())
'''),
    ],
}
