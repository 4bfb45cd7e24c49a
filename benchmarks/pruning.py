"""Unstructured 90% vs structured channel pruning of the chapter-06 SmallCNN (chapter 11).

Unstructured: global L1 magnitude pruning of every conv and Linear weight to 90% zeros
(``torch.nn.utils.prune``), fine-tuned with the masks in place, then ``prune.remove``. Structured:
keep the half of the channels of each conv layer with the largest L1 filter norm (chapter 11's
choice) and rebuild smaller conv, BatchNorm and Linear layers, then fine-tune. Latency is measured
on the CPU with every model compiled (``torch.compile``, Inductor; eager in smoke mode): eager
timings of the dense model swing by 2x with the process's memory history (page faults on its
~25 MB of activations), which would flatter the pruned models. Training and accuracy run on
``ctx.device``.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

from course_utils.bench import count_parameters, synchronize
from course_utils.data import TensorLoader
from course_utils.env import seed_everything
from course_utils.models import SmallCNN, fashion_mnist_tensors

from .harness import Context, Figure, Target, interleaved_latencies, ratio_samples
from .models import percent_correct, reference_small_cnn

CPU = torch.device("cpu")
BATCH = 256  # latency batch size
SPARSITY = 0.9  # unstructured: fraction of conv/Linear weights set to zero (global ranking)
KEEP = 0.5  # structured: fraction of each conv layer's channels kept (chapter 11: 16/32, 32/64)
FINE_TUNE_STEPS = 940  # chapter 11's full-mode fine-tune: ~2 epochs of batch 128, both variants


def _shrink(model: SmallCNN, conv_index: int, keep: int) -> SmallCNN:
    """A copy of ``model`` whose conv ``features[conv_index]`` keeps its ``keep`` output channels
    of largest L1 filter norm (in order); its BatchNorm and the next layer's inputs shrink too."""
    small = copy.deepcopy(model)
    conv, bn = small.features[conv_index], small.features[conv_index + 1]
    kept = conv.weight.detach().flatten(1).abs().sum(dim=1).topk(keep).indices.sort().values
    last = conv_index == len(small.features) - 4  # the last conv feeds the classifier's Linear
    nxt = small.classifier[1] if last else small.features[conv_index + 4]
    factory = {"device": conv.weight.device, "dtype": conv.weight.dtype}
    new_conv = nn.Conv2d(conv.in_channels, keep, conv.kernel_size, padding=conv.padding, **factory)
    new_bn = nn.BatchNorm2d(keep, eps=bn.eps, momentum=bn.momentum, **factory)
    with torch.no_grad():
        new_conv.weight.copy_(conv.weight[kept])
        new_conv.bias.copy_(conv.bias[kept])
        for name in ("weight", "bias", "running_mean", "running_var"):
            getattr(new_bn, name).copy_(getattr(bn, name)[kept])
        if last:  # Flatten lays out (C, 7, 7): channel c owns a block of 49 columns of fc1
            spatial = nxt.in_features // conv.out_channels
            new_nxt = nn.Linear(keep * spatial, nxt.out_features, **factory)
            blocks = nxt.weight.view(nxt.out_features, conv.out_channels, spatial)
            new_nxt.weight.copy_(blocks[:, kept].flatten(1))
        else:
            new_nxt = nn.Conv2d(keep, nxt.out_channels, 3, padding=nxt.padding, **factory)
            new_nxt.weight.copy_(nxt.weight[:, kept])
        new_nxt.bias.copy_(nxt.bias)
    small.features[conv_index], small.features[conv_index + 1] = new_conv, new_bn
    if last:
        small.classifier[1] = new_nxt
    else:
        small.features[conv_index + 4] = new_nxt
    return small.train(model.training)


def _prunable(model: nn.Module) -> list[tuple[nn.Module, str]]:
    """The (module, "weight") pairs of every Conv2d and Linear layer."""
    return [(m, "weight") for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _fine_tune(model: nn.Module, X: torch.Tensor, y: torch.Tensor, steps: int) -> float:
    """``steps`` AdamW steps (lr 5e-4, cosine to zero, batch 128) in place; returns seconds."""
    generator = seed_everything(0)
    loader = TensorLoader(X, y, 128, shuffle=True, drop_last=True, generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    batches = (batch for _ in range(steps) for batch in loader)  # as many passes as needed
    model.train()
    start = time.perf_counter()
    for _, (xb, yb) in zip(range(steps), batches, strict=False):
        loss = F.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    synchronize(X.device)
    model.eval()
    return time.perf_counter() - start


def _latencies(
    models: dict[str, nn.Module], X: torch.Tensor, repeats: int, calls: int, compiled: bool
) -> dict[str, list[float]]:
    """CPU seconds per call on ``X`` of CPU copies of ``models`` (compiled or eager)."""
    cpu_models = {name: copy.deepcopy(m).to(CPU).eval() for name, m in models.items()}
    if compiled:
        cpu_models = {name: torch.compile(m) for name, m in cpu_models.items()}
    X = X.to(CPU)
    with torch.inference_mode():
        fns = {name: (lambda m=model: m(X)) for name, model in cpu_models.items()}
        return interleaved_latencies(fns, repeats, calls)


@dataclass
class _Pruned:
    """A pruned and fine-tuned copy of the dense model, with its accuracy right after the cut
    and after fine-tuning, and the fine-tuning's seconds."""

    model: nn.Module
    acc_cut: float
    acc: float
    seconds: float


@dataclass
class _Comparison:
    """What the figures' labels and notes share: the dense accuracy, the latencies, the texts."""

    acc_dense: float
    times: dict[str, list[float]]
    mode: str  # compiled or eager
    timing_note: str
    tuned: str  # how both variants were fine-tuned
    data: str  # which test images, which model


def run(ctx: Context) -> list[Figure]:
    """Prune the trained SmallCNN both ways, fine-tune, and compare latency and accuracy."""
    dense, origin = reference_small_cnn(ctx)
    X_train, y_train, X_test, y_test, source = fashion_mnist_tensors(
        ctx.device, train_subset=ctx.pick(None, 512), seed=1
    )
    X_test, y_test = X_test[: ctx.pick(len(X_test), 500)], y_test[: ctx.pick(len(y_test), 500)]
    steps = ctx.pick(FINE_TUNE_STEPS, 3)
    acc_dense = percent_correct(dense, X_test, y_test)
    ctx.log(f"  {origin}; data: {source}; dense accuracy {acc_dense:.2f}%")

    test = (X_test, y_test)
    sparse, sparsity = _unstructured(dense, X_train, y_train, steps, test)
    small = _structured(dense, X_train, y_train, steps, test)
    ctx.log(f"  fine-tuned the structured model in {small.seconds:.1f} s ({steps} steps)")

    calls = ctx.pick(10, 2)
    models = {"dense": dense, "sparse": sparse.model, "small": small.model}
    mode = ctx.pick("compiled", "eager")
    times = _latencies(models, X_test[:BATCH], ctx.n_repeats, calls, compiled=not ctx.smoke)
    timing_note = (
        f"CPU, {mode}, {torch.get_num_threads()} threads; fastest of {calls} calls per repeat, "
        "dense, 90%-sparse and channel-pruned models interleaved in each repeat after a warm-up"
    )
    tuned = f"{steps} AdamW steps of batch 128 on the {len(X_train)} training images"
    data = f"{len(X_test)} Fashion-MNIST test images ({source.kind}), {origin}"
    shared = _Comparison(acc_dense, times, mode, timing_note, tuned, data)
    return [
        *_unstructured_figures(shared, sparse, sparsity),
        *_structured_figures(shared, dense, small, steps, ctx.device.type),
        *_latency_figures(shared),
    ]


def _unstructured(
    dense: nn.Module, X: torch.Tensor, y: torch.Tensor, steps: int, test: tuple[torch.Tensor, ...]
) -> tuple[_Pruned, float]:
    """Global L1 pruning to SPARSITY, fine-tuned with the masks, then ``prune.remove``; and the
    fraction of conv/Linear weights that are zero after it."""
    sparse = copy.deepcopy(dense)
    prune.global_unstructured(
        _prunable(sparse), pruning_method=prune.L1Unstructured, amount=SPARSITY
    )
    acc_cut = percent_correct(sparse, *test)
    seconds = _fine_tune(sparse, X, y, steps)  # masks in place: pruned weights stay zero
    for module, name in _prunable(sparse):
        prune.remove(module, name)
    acc = percent_correct(sparse, *test)
    zeros = sum((m.weight == 0).sum().item() for m, _ in _prunable(sparse))
    sparsity = zeros / sum(m.weight.numel() for m, _ in _prunable(sparse))
    return _Pruned(sparse, acc_cut, acc, seconds), sparsity


def _structured(
    dense: SmallCNN, X: torch.Tensor, y: torch.Tensor, steps: int, test: tuple[torch.Tensor, ...]
) -> _Pruned:
    """Each conv layer cut to KEEP of its channels (largest L1 filter norm), then fine-tuned."""
    width = dense.features[0].out_channels
    small = _shrink(_shrink(dense, 0, round(KEEP * width)), 4, round(KEEP * 2 * width))
    acc_cut = percent_correct(small, *test)
    seconds = _fine_tune(small, X, y, steps)
    return _Pruned(small, acc_cut, percent_correct(small, *test), seconds)


def _unstructured_figures(c: _Comparison, sparse: _Pruned, sparsity: float) -> list[Figure]:
    """The 90%-sparse model's speed-up (about none) and accuracy drop."""
    return [
        Figure(
            "pruning.unstructured_speedup",
            f"dense / {SPARSITY:.0%}-sparse (unstructured) latency, batch {BATCH}, CPU, {c.mode}",
            "x",
            ratio_samples(list(zip(c.times["dense"], c.times["sparse"], strict=True))),
            None,
            f"{c.timing_note}; about 1x is expected: dense kernels multiply the zeros too "
            f"(weight sparsity {sparsity:.3f} after prune.remove)",
        ),
        Figure(
            "pruning.unstructured_accuracy_drop",
            f"dense - {SPARSITY:.0%}-sparse accuracy, after fine-tuning with masks",
            "points",
            [c.acc_dense - sparse.acc],
            None,
            f"{c.data}; global L1 pruning then {c.tuned} with the masks, then prune.remove; "
            f"dense {c.acc_dense:.2f}%, sparse {sparse.acc_cut:.2f}% before and "
            f"{sparse.acc:.2f}% after fine-tuning",
        ),
    ]


def _structured_figures(
    c: _Comparison, dense: SmallCNN, small: _Pruned, steps: int, device_type: str
) -> list[Figure]:
    """The channel-pruned model's speed-up, accuracy drop, size and fine-tuning time."""
    width = dense.features[0].out_channels
    p_dense, p_small = count_parameters(dense), count_parameters(small.model)
    features = small.model.features
    channels = f"{features[0].out_channels}/{width}, {features[4].out_channels}/{2 * width}"
    return [
        Figure(
            "pruning.structured_speedup",
            f"dense / channel-pruned latency (keep {KEEP:.0%}), batch {BATCH}, CPU, {c.mode}",
            "x",
            ratio_samples(list(zip(c.times["dense"], c.times["small"], strict=True))),
            Target(">=", 2.0),
            f"{c.timing_note}; channels kept (largest L1 filter norm): {channels}",
        ),
        Figure(
            "pruning.structured_accuracy_drop",
            f"dense - channel-pruned accuracy (keep {KEEP:.0%}), after fine-tuning",
            "points",
            [c.acc_dense - small.acc],
            Target("<=", 1.0),
            f"{c.data}; {c.tuned}; dense {c.acc_dense:.2f}%, pruned {small.acc_cut:.2f}% right "
            f"after the cut and {small.acc:.2f}% after fine-tuning (the dense model is not "
            "fine-tuned)",
        ),
        Figure(
            "pruning.structured_param_ratio",
            f"dense / channel-pruned parameter count (keep {KEEP:.0%})",
            "x",
            [p_dense / p_small],
            None,
            f"{p_dense:,} -> {p_small:,} parameters",
        ),
        Figure(
            "pruning.structured_fine_tune_seconds",
            f"fine-tuning the channel-pruned model ({steps} steps, {device_type})",
            "s",
            [small.seconds],
            None,
            f"{c.tuned}, on {device_type}; one run (not repeated)",
        ),
    ]


def _latency_figures(c: _Comparison) -> list[Figure]:
    """The dense and the channel-pruned latencies."""
    return [
        Figure(
            "pruning.latency_dense_ms",
            f"dense latency, batch {BATCH}, CPU, {c.mode}",
            "ms",
            [1e3 * t for t in c.times["dense"]],
            None,
            c.timing_note,
        ),
        Figure(
            "pruning.latency_structured_ms",
            f"channel-pruned latency (keep {KEEP:.0%}), batch {BATCH}, CPU, {c.mode}",
            "ms",
            [1e3 * t for t in c.times["small"]],
            None,
            c.timing_note,
        ),
    ]
