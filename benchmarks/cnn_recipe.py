"""Chapter 06's reference recipe on real Fashion-MNIST: test accuracy and training wall-clock.

The recipe, all of it from chapters 05-08: the whole training set preloaded as one tensor (no
DataLoader workers), ``channels_last``, bf16 autocast where it is faster than fp32 (measured
first, as chapter 06 does), AdamW with a one-cycle schedule stepped per batch. Trained on the
60,000 training images, evaluated once on the 10,000 test images; each repeat uses another seed.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.amp import amp_recipe
from course_utils.bench import synchronize, time_it
from course_utils.data import load_fashion_mnist

from .harness import Context, Figure, Target
from .models import percent_correct, recipe_cnn

EPOCHS, BATCH, LR = 10, 128, 5e-3


def autocast_dtype(device: torch.device, X: torch.Tensor, y: torch.Tensor) -> torch.dtype | None:
    """bf16 where the hardware has it (CUDA) or where it measures faster (CPU), else None."""
    if device.type == "cuda":
        # bf16 without a scaler only where it is native (course_utils.amp): not on a T4
        return torch.bfloat16 if amp_recipe(device).dtype == torch.bfloat16 else None
    model = recipe_cnn().to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step(dtype: torch.dtype | None) -> None:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype is not None):
            loss = F.cross_entropy(model(X[:BATCH]), y[:BATCH])
        loss.backward()
        optimizer.step()

    fp32 = time_it(lambda: step(None), repeats=5)
    bf16 = time_it(lambda: step(torch.bfloat16), repeats=5)
    return torch.bfloat16 if bf16.min < 0.9 * fp32.min else None


def train(
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    seed: int,
    dtype: torch.dtype | None,
) -> nn.Module:
    """Train the recipe CNN on preloaded ``X, y`` (on the target device) and return it."""
    torch.manual_seed(seed)
    model = recipe_cnn().to(X.device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)
    steps_per_epoch = len(X) // BATCH
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=LR, total_steps=epochs * steps_per_epoch
    )
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), device=X.device)
        for i in range(steps_per_epoch):
            idx = order[i * BATCH : (i + 1) * BATCH]
            with torch.autocast(X.device.type, dtype=dtype or torch.float32, enabled=bool(dtype)):
                loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
    return model.eval()


def run(ctx: Context) -> list[Figure]:
    """Accuracy and training seconds of the recipe, one training run per repeat."""
    train_set, test_set = load_fashion_mnist(train=True), load_fashion_mnist(train=False)
    if train_set.source.kind == "stand-in" and not ctx.smoke:
        raise RuntimeError(
            "the recipe benchmark needs real Fashion-MNIST (apt-get install dataset-fashion-mnist)"
        )
    X, y = (t.to(ctx.device) for t in train_set.tensors())
    Xt, yt = (t.to(ctx.device) for t in test_set.tensors())
    X = X.contiguous(memory_format=torch.channels_last)
    Xt = Xt.contiguous(memory_format=torch.channels_last)
    if ctx.smoke:
        X, y, Xt, yt = X[:512], y[:512], Xt[:500], yt[:500]
    epochs = ctx.pick(EPOCHS, 1)
    dtype = autocast_dtype(ctx.device, X, y)
    seconds, accuracies = [], []
    for seed in range(ctx.n_repeats):
        synchronize(ctx.device)
        start = time.perf_counter()
        model = train(X, y, epochs=epochs, seed=seed, dtype=dtype)
        synchronize(ctx.device)
        seconds.append(time.perf_counter() - start)
        accuracies.append(percent_correct(model, Xt, yt))
        ctx.log(f"  seed {seed}: {accuracies[-1]:.2f}% in {seconds[-1]:.1f} s")
    what = (
        f"{len(X):,} images x {epochs} epochs, batch {BATCH}, "
        f"{'bf16 autocast' if dtype else 'fp32'}, {torch.get_num_threads()} threads"
    )
    source = f"{train_set.source.kind}; one training run per seed (0..{ctx.n_repeats - 1})"
    return [
        Figure(
            "recipe.test_accuracy",
            f"chapter-06 recipe, test accuracy ({len(yt):,} images)",
            "%",
            accuracies,
            Target(">=", 92.0),
            note=f"data: {source}",
        ),
        Figure(
            "recipe.train_seconds",
            f"chapter-06 recipe, training wall-clock ({what})",
            "s",
            seconds,
            Target("<=", 60.0),
        ),
        Figure(
            "recipe.images_per_second",
            "chapter-06 recipe, training images/s",
            "img/s",
            [len(X) * epochs / s for s in seconds],
        ),
    ]
