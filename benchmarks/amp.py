"""Mixed precision: training throughput (and, on CUDA, peak memory), fp32 vs autocast.

Both precisions train the same model on the same batch, interleaved repeat by repeat, so the
ratio is side by side. The recipe is ``course_utils.amp.amp_recipe``: CPU bf16 autocast; CUDA
bf16 from compute capability 8.0, else (a T4) fp16 with a GradScaler. On CUDA the chapter-07
model also runs one real epoch over 50,000 CIFAR-sized images (random pixels: an epoch's time
does not depend on what the pictures show).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.amp import amp_recipe
from course_utils.bench import peak_memory_bytes, synchronize
from course_utils.models import SmallCNN

from .harness import Context, Figure, Target, ratio_samples
from .models import cifar_resnet


def amp_dtype(device: torch.device) -> torch.dtype:
    """The course's AMP dtype for ``device`` (``course_utils.amp``): bf16 where the hardware has
    it, fp16 (with a GradScaler) on older GPUs such as a T4 and on MPS."""
    dtype = amp_recipe(device).dtype
    return torch.bfloat16 if dtype is None else dtype


def make_step(
    model: nn.Module, dtype: torch.dtype | None
) -> Callable[[torch.Tensor, torch.Tensor], None]:
    """A training step ``step(X, y)`` (SGD with momentum), in fp32 (``dtype=None``) or autocast.

    One optimizer and one scaler per model, whatever batches the step is called on.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    device = next(model.parameters()).device.type
    scaler = torch.amp.GradScaler(device, enabled=dtype == torch.float16)

    def step(X: torch.Tensor, y: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = F.cross_entropy(model(X), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    return step


def _seconds(step: Callable[[], None], steps: int, device: torch.device) -> float:
    synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    synchronize(device)
    return time.perf_counter() - start


def _compare(
    ctx: Context, key: str, label: str, build: Callable[[], nn.Module], shape: tuple[int, ...]
) -> list[Figure]:
    batch = shape[0]
    g = torch.Generator().manual_seed(0)
    X = torch.rand(shape, generator=g).to(ctx.device, memory_format=torch.channels_last)
    y = torch.randint(0, 10, (batch,), generator=g).to(ctx.device)
    dtype = amp_dtype(ctx.device)
    steps = {}
    for name, d in (("fp32", None), ("amp", dtype)):
        torch.manual_seed(0)
        model = build().to(ctx.device, memory_format=torch.channels_last)
        steps[name] = functools.partial(make_step(model, d), X, y)
        steps[name]()  # warm-up: allocator, kernels, autocast caches
    n = ctx.pick(10 if ctx.cuda else 5, 1)
    pairs = [
        (_seconds(steps["fp32"], n, ctx.device), _seconds(steps["amp"], n, ctx.device))
        for _ in range(ctx.n_repeats)
    ]
    amp_name = "bf16" if dtype == torch.bfloat16 else "fp16+GradScaler"
    figures = [
        Figure(f"amp.{key}.fp32_images_per_s", f"{label}: fp32 training", "img/s",
               [batch * n / p[0] for p in pairs]),
        Figure(f"amp.{key}.amp_images_per_s", f"{label}: {amp_name} autocast training", "img/s",
               [batch * n / p[1] for p in pairs]),
        Figure(f"amp.{key}.speedup", f"{label}: {amp_name} autocast vs fp32 throughput", "x",
               ratio_samples(pairs), Target(">=", 2.0) if ctx.cuda else None),
    ]  # fmt: skip
    if ctx.cuda:
        fp32_peak = peak_memory_bytes(steps["fp32"], ctx.device)
        amp_peak = peak_memory_bytes(steps["amp"], ctx.device)
        figures.append(
            Figure(f"amp.{key}.memory_ratio", f"{label}: peak memory fp32 / {amp_name}", "x",
                   [fp32_peak / amp_peak], Target(">=", 2.0),
                   note=f"peak {fp32_peak / 2**20:.0f} MiB fp32, {amp_peak / 2**20:.0f} MiB AMP")
        )  # fmt: skip
    return figures


def cifar_epoch_seconds(ctx: Context, n_images: int, batch: int) -> float:
    """Wall-clock of one training epoch of the chapter-07 model over ``n_images`` images."""
    model = cifar_resnet(ctx.device).to(ctx.device, memory_format=torch.channels_last)
    X = torch.rand(n_images, 3, 32, 32, device=ctx.device)
    y = torch.randint(0, 10, (n_images,), device=ctx.device)
    X = X.contiguous(memory_format=torch.channels_last)
    step = make_step(model, amp_dtype(ctx.device))
    step(X[:batch], y[:batch])  # warm-up
    batches = list(zip(X.split(batch), y.split(batch), strict=True))
    return _seconds(lambda: [step(xb, yb) for xb, yb in batches], 1, ctx.device)


def run(ctx: Context) -> list[Figure]:
    """fp32 vs autocast for the chapter-06 and chapter-07 models."""
    b06, b07 = ctx.pick(256, 16), ctx.pick(256 if ctx.cuda else 128, 8)
    figures = _compare(ctx, "ch06", f"SmallCNN (ch06), batch {b06}", SmallCNN, (b06, 1, 28, 28))
    resnet = "ResNet-18 layout" if ctx.cuda else "small ResNet 32-64-128"
    figures += _compare(
        ctx, "ch07", f"{resnet} (ch07), batch {b07}", lambda: cifar_resnet(ctx.device),
        (b07, 3, 32, 32),
    )  # fmt: skip
    if ctx.cuda or ctx.smoke:
        n = ctx.pick(50_000, 64)
        figures.append(
            Figure("amp.ch07.epoch_seconds", f"CIFAR-10 recipe epoch ({n:,} images, AMP)", "s",
                   [cifar_epoch_seconds(ctx, n, ctx.pick(512, 32)) for _ in range(ctx.n_repeats)])
        )  # fmt: skip
    return figures
