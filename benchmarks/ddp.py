"""DDP: 2 processes vs 1 at the same per-rank batch (weak scaling), launched with torchrun.

Scaling efficiency = throughput(2 processes) / (2 x throughput(1 process)) = t1 / t2 for the
same number of steps at the same per-rank batch. 100% means the all-reduce costs nothing. Both
runs use DDP (world size 1 has no communication) and one thread per process; the 1- and
2-process runs alternate, repeat by repeat. The images are random: throughput does not depend
on what the pictures show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from .harness import Context, Figure, Target

WORKER = Path(__file__).with_name("ddp_worker.py")


def launch(ctx: Context, nproc: int, batch: int, steps: int, backend: str) -> float:
    """Seconds for ``steps`` DDP steps with ``nproc`` processes; a failure raises with its log."""
    with tempfile.TemporaryDirectory(prefix="bench-ddp-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable, "-m", "torch.distributed.run", "--standalone",
            f"--nproc-per-node={nproc}", str(WORKER), f"--batch={batch}", f"--steps={steps}",
            f"--backend={backend}", f"--out={out}",
        ]  # fmt: skip
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ctx.root)}
        try:
            proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"torchrun with {nproc} process(es) hung for 600 s") from exc
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"torchrun with {nproc} process(es) failed (exit {proc.returncode}):\n"
                + (proc.stderr or proc.stdout)[-3000:]
            )
        return json.loads(out.read_text())["seconds"]


def run(ctx: Context) -> list[Figure]:
    """Scaling efficiency and throughputs of 1 and 2 processes."""
    backend = "nccl" if ctx.cuda and torch.cuda.device_count() >= 2 else "gloo"
    batch, steps = ctx.pick(256, 16), ctx.pick(30, 2)
    pairs = [
        (launch(ctx, 1, batch, steps, backend), launch(ctx, 2, batch, steps, backend))
        for _ in range(ctx.n_repeats)
    ]
    where = "2 GPUs" if backend == "nccl" else "CPU, 1 thread per process"
    label = f"per-rank batch {batch}, {backend} on {where}"
    return [
        Figure("ddp.scaling_efficiency", f"DDP 2 vs 1 process scaling efficiency ({label})", "%",
               [100 * t1 / t2 for t1, t2 in pairs], Target(">=", 80.0),
               note=f"{steps} timed steps after 3 warm-up steps; t1/t2 at the same per-rank batch"),
        Figure("ddp.images_per_second_1", f"DDP 1 process, training images/s ({label})", "img/s",
               [batch * steps / t1 for t1, _ in pairs]),
        Figure("ddp.images_per_second_2", f"DDP 2 processes, training images/s ({label})",
               "img/s", [2 * batch * steps / t2 for _, t2 in pairs]),
    ]  # fmt: skip
