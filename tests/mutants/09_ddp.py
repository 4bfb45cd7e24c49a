"""Known-wrong answers for chapter 09 (distributed data parallel): each must fail its tests."""

MUTANTS = {
    "worker_info": [
        (
            "uses the global RANK as the GPU index (wrong on every node but the first)",
            """
def worker_info(environ, num_gpus):
    rank = int(environ.get("RANK", 0))
    local_rank = int(environ.get("LOCAL_RANK", 0))
    world_size = int(environ.get("WORLD_SIZE", 1))
    if num_gpus > 0:
        if rank >= num_gpus:
            raise ValueError("no GPU for this rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", rank))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "environ['LOCAL_RANK'] without a default: KeyError when not launched by torchrun",
            """
def worker_info(environ, num_gpus):
    rank = int(environ["RANK"])
    local_rank = int(environ["LOCAL_RANK"])
    world_size = int(environ["WORLD_SIZE"])
    if num_gpus > 0:
        if local_rank >= num_gpus:
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", local_rank))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "keeps the environment values as strings",
            """
def worker_info(environ, num_gpus):
    rank = environ.get("RANK", 0)
    local_rank = environ.get("LOCAL_RANK", 0)
    world_size = environ.get("WORLD_SIZE", 1)
    if num_gpus > 0:
        if int(local_rank) >= num_gpus:
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", int(local_rank)))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "checks local_rank > num_gpus (off by one: two processes share the last GPU)",
            """
def worker_info(environ, num_gpus):
    rank = int(environ.get("RANK", 0))
    local_rank = int(environ.get("LOCAL_RANK", 0))
    world_size = int(environ.get("WORLD_SIZE", 1))
    if num_gpus > 0:
        if local_rank > num_gpus:
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", local_rank))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "asks torch.cuda.is_available() instead of using num_gpus",
            """
def worker_info(environ, num_gpus):
    rank = int(environ.get("RANK", 0))
    local_rank = int(environ.get("LOCAL_RANK", 0))
    world_size = int(environ.get("WORLD_SIZE", 1))
    if torch.cuda.is_available():
        if local_rank >= torch.cuda.device_count():
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", local_rank))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "device cuda without an index (every process on GPU 0)",
            """
def worker_info(environ, num_gpus):
    rank = int(environ.get("RANK", 0))
    local_rank = int(environ.get("LOCAL_RANK", 0))
    world_size = int(environ.get("WORLD_SIZE", 1))
    if num_gpus > 0:
        if local_rank >= num_gpus:
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda"))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
        (
            "reads the node's LOCAL_WORLD_SIZE as the world size",
            """
def worker_info(environ, num_gpus):
    rank = int(environ.get("RANK", 0))
    local_rank = int(environ.get("LOCAL_RANK", 0))
    world_size = int(environ.get("LOCAL_WORLD_SIZE", environ.get("WORLD_SIZE", 1)))
    if num_gpus > 0:
        if local_rank >= num_gpus:
            raise ValueError("no GPU for this local rank")
        return WorkerInfo(rank, local_rank, world_size, "nccl", torch.device("cuda", local_rank))
    return WorkerInfo(rank, local_rank, world_size, "gloo", torch.device("cpu"))
""",
        ),
    ],
    "shard_indices": [
        (
            "no padding: shards of unequal length when n is not divisible by num_replicas",
            """
def shard_indices(n, num_replicas, rank, epoch=0, seed=0, shuffle=True, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    if drop_last:
        indices = indices[: (n // num_replicas) * num_replicas]
    return indices[rank::num_replicas]
""",
        ),
        (
            "ignores the epoch: the same permutation every epoch (set_epoch has no effect)",
            """
def shard_indices(n, num_replicas, rank, epoch=0, seed=0, shuffle=True, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    if drop_last:
        total = (n // num_replicas) * num_replicas
        indices = indices[:total]
    else:
        total = math.ceil(n / num_replicas) * num_replicas
        indices = (indices * math.ceil(total / n))[:total]
    return indices[rank:total:num_replicas]
""",
        ),
        (
            "contiguous blocks instead of a strided split",
            """
def shard_indices(n, num_replicas, rank, epoch=0, seed=0, shuffle=True, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    if drop_last:
        total = (n // num_replicas) * num_replicas
        indices = indices[:total]
    else:
        total = math.ceil(n / num_replicas) * num_replicas
        indices = (indices * math.ceil(total / n))[:total]
    per_rank = total // num_replicas
    return indices[rank * per_rank : (rank + 1) * per_rank]
""",
        ),
        (
            "every rank shuffles with its own seed (seed + rank): shards overlap",
            """
def shard_indices(n, num_replicas, rank, epoch=0, seed=0, shuffle=True, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch + rank)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    if drop_last:
        total = (n // num_replicas) * num_replicas
        indices = indices[:total]
    else:
        total = math.ceil(n / num_replicas) * num_replicas
        indices = (indices * math.ceil(total / n))[:total]
    return indices[rank:total:num_replicas]
""",
        ),
    ],
    "average_gradients": [
        (
            "sums the gradients but never divides by the world size",
            """
def average_gradients(model):
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
""",
        ),
        (
            "divides the local gradient by the world size without any all_reduce",
            """
def average_gradients(model):
    for p in model.parameters():
        if p.grad is not None:
            p.grad /= dist.get_world_size()
""",
        ),
        (
            "all-reduces the weights (p.data) instead of the gradients",
            """
def average_gradients(model):
    for p in model.parameters():
        dist.all_reduce(p.data, op=dist.ReduceOp.SUM)
        p.data /= dist.get_world_size()
""",
        ),
        (
            "does not skip parameters whose grad is None (crashes on a frozen layer)",
            """
def average_gradients(model):
    for p in model.parameters():
        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
        p.grad /= dist.get_world_size()
""",
        ),
    ],
    "ddp_train": [
        (
            "no DistributedSampler: every rank iterates over the whole dataset",
            """
def ddp_train(model, X, y, *, global_batch_size, num_epochs, lr, device, seed=0):
    model = model.to(device)
    ddp_model = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)
    loader = DataLoader(TensorDataset(X, y), batch_size=global_batch_size // dist.get_world_size())
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(num_epochs):
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(ddp_model(X_batch.to(device)), y_batch.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return ddp_model.module
""",
        ),
        (
            "never calls sampler.set_epoch: the same order every epoch",
            """
def ddp_train(model, X, y, *, global_batch_size, num_epochs, lr, device, seed=0):
    world_size, rank = dist.get_world_size(), dist.get_rank()
    model = model.to(device)
    ddp_model = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)
    dataset = TensorDataset(X, y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(dataset, batch_size=global_batch_size // world_size, sampler=sampler)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(num_epochs):
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(ddp_model(X_batch.to(device)), y_batch.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return ddp_model.module
""",
        ),
        (
            "uses the global batch size as the per-rank batch size",
            """
def ddp_train(model, X, y, *, global_batch_size, num_epochs, lr, device, seed=0):
    world_size, rank = dist.get_world_size(), dist.get_rank()
    model = model.to(device)
    ddp_model = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)
    dataset = TensorDataset(X, y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(dataset, batch_size=global_batch_size, sampler=sampler)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(num_epochs):
        sampler.set_epoch(epoch)
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(ddp_model(X_batch.to(device)), y_batch.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return ddp_model.module
""",
        ),
        (
            "no DDP wrapper: the ranks never synchronise their gradients",
            """
def ddp_train(model, X, y, *, global_batch_size, num_epochs, lr, device, seed=0):
    world_size, rank = dist.get_world_size(), dist.get_rank()
    model = model.to(device)
    dataset = TensorDataset(X, y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(dataset, batch_size=global_batch_size // world_size, sampler=sampler)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(num_epochs):
        sampler.set_epoch(epoch)
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(model(X_batch.to(device)), y_batch.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
""",
        ),
        (
            "returns the DDP wrapper (state_dict keys start with 'module.')",
            """
def ddp_train(model, X, y, *, global_batch_size, num_epochs, lr, device, seed=0):
    world_size, rank = dist.get_world_size(), dist.get_rank()
    model = model.to(device)
    ddp_model = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)
    dataset = TensorDataset(X, y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(dataset, batch_size=global_batch_size // world_size, sampler=sampler)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(num_epochs):
        sampler.set_epoch(epoch)
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(ddp_model(X_batch.to(device)), y_batch.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return ddp_model
""",
        ),
    ],
    "scaled_lr": [
        (
            "scales with the per-rank batch (forgets the world size)",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * per_rank_batch_size * accumulation_steps / base_batch_size
    if step < warmup_steps:
        return base_lr + (target - base_lr) * step / warmup_steps
    return target
""",
        ),
        (
            "warm-up starts from 0 instead of base_lr",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * per_rank_batch_size * world_size * accumulation_steps / base_batch_size
    if step < warmup_steps:
        return target * step / warmup_steps
    return target
""",
        ),
        (
            "ignores gradient accumulation in the effective batch",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * per_rank_batch_size * world_size / base_batch_size
    if step < warmup_steps:
        return base_lr + (target - base_lr) * step / warmup_steps
    return target
""",
        ),
        (
            "integer division of the batch sizes (48 // 64 == 0)",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * (per_rank_batch_size * world_size * accumulation_steps // base_batch_size)
    if step < warmup_steps:
        return base_lr + (target - base_lr) * step / warmup_steps
    return target
""",
        ),
        (
            "warm-up reaches the target one step early (divides by warmup_steps - 1)",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * per_rank_batch_size * world_size * accumulation_steps / base_batch_size
    if step < warmup_steps:
        return base_lr + (target - base_lr) * min(1.0, step / (warmup_steps - 1))
    return target
""",
        ),
        (
            "min(1, step / warmup_steps) with no guard: warmup_steps=0 divides by zero",
            """
def scaled_lr(step, *, base_lr, base_batch_size, per_rank_batch_size, world_size,
              accumulation_steps=1, warmup_steps=0):
    target = base_lr * per_rank_batch_size * world_size * accumulation_steps / base_batch_size
    alpha = min(1.0, step / warmup_steps)
    return base_lr + (target - base_lr) * alpha
""",
        ),
    ],
    "save_on_rank0": [
        (
            "every rank writes the checkpoint",
            """
def save_on_rank0(state, path, rank):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    if dist.is_initialized():
        dist.barrier()
    return True
""",
        ),
        (
            "no barrier: other ranks may read the file (or exit) before it is written",
            """
def save_on_rank0(state, path, rank):
    if rank != 0:
        return False
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return True
""",
        ),
        (
            "the barrier is inside `if rank == 0:` (only rank 0 reaches it: a deadlock)",
            """
def save_on_rank0(state, path, rank):
    if rank == 0:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, path)
        if dist.is_initialized():
            dist.barrier()
        return True
    return False
""",
        ),
        (
            "the barrier before the write (the others read a file rank 0 has not written yet)",
            """
def save_on_rank0(state, path, rank):
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
    if rank != 0:
        return False
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as file:
        torch.save(state, file)
    os.replace(tmp, path)
    return True
""",
        ),
        (
            "torch.save straight onto path (a crash mid-write leaves a corrupt checkpoint)",
            """
def save_on_rank0(state, path, rank):
    if rank == 0:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, path)
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
    return rank == 0
""",
        ),
        (
            "does not create the parent folder",
            """
def save_on_rank0(state, path, rank):
    if rank == 0:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
    return rank == 0
""",
        ),
        (
            "copies the temporary file instead of replacing (leaves it behind)",
            """
def save_on_rank0(state, path, rank):
    if rank == 0:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        torch.save(state, tmp)
        import shutil

        shutil.copyfile(tmp, path)
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
    return rank == 0
""",
        ),
    ],
}
