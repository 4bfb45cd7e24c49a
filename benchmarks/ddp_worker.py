"""One DDP worker for the ``ddp`` benchmark; launched by torchrun, never imported by the suite.

Times ``--steps`` training steps of SmallCNN at ``--batch`` images per rank after a warm-up;
rank 0 writes ``{"seconds": ..., "world_size": ...}`` to ``--out``. One thread per process (one
core per rank, as one GPU per rank), gloo on CPU, NCCL with one GPU per rank.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

from course_utils.models import SmallCNN


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--backend", default="gloo")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group(args.backend, timeout=dt.timedelta(seconds=120))
    rank, local_rank = dist.get_rank(), int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local_rank) if args.backend == "nccl" else torch.device("cpu")
    torch.manual_seed(0)
    model = SmallCNN().to(device)
    ddp = DDP(model, device_ids=[local_rank] if device.type == "cuda" else None)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=0.01, momentum=0.9)
    g = torch.Generator().manual_seed(rank)
    X = torch.rand(args.batch, 1, 28, 28, generator=g).to(device)
    y = torch.randint(0, 10, (args.batch,), generator=g).to(device)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(ddp(X), y).backward()  # DDP all-reduces the gradients here
        optimizer.step()

    for _ in range(args.warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    dist.barrier()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    dist.barrier()
    seconds = time.perf_counter() - start
    if rank == 0:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"seconds": seconds, "world_size": dist.get_world_size()}, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
