"""Eager vs ``torch.compile`` vs ONNX Runtime for the chapter-06 SmallCNN (chapter 17), on the CPU.

Inference latency at batch 64 of the eager model, the Inductor-compiled model and the model
exported with ``torch.onnx.export(..., dynamo=True)`` and run by ONNX Runtime (CPU execution
provider, as many intra-op threads as PyTorch), timed side by side and interleaved; the compile
time; the training-step speed-up of ``torch.compile`` (which need not be one on a CPU); and how far
ONNX Runtime's logits are from eager's. Deployment targets are CPUs here, so everything is
measured on the CPU whatever ``ctx.device`` is; only the model's training (if not cached) uses it.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course_utils.models import fashion_mnist_tensors
from course_utils.perf import compile_or_eager, quiet_torch

from .harness import Context, Figure, Target, interleaved_latencies, ratio_samples
from .models import reference_small_cnn

CPU = torch.device("cpu")
BATCH = 64  # the chapter's batch size for every latency


def onnx_session(model: nn.Module, example: torch.Tensor, path: Path):
    """Export ``model`` to ONNX (dynamo exporter, dynamic batch) and open an ORT CPU session."""
    import onnxruntime as ort

    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True, input_names=["images"],
            output_names=["logits"], dynamic_shapes=({0: torch.export.Dim("batch")},),
        )  # fmt: skip
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _train_step(net: Callable, optimizer: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor):
    optimizer.zero_grad(set_to_none=True)
    loss = nn.functional.cross_entropy(net(X), y)
    loss.backward()
    optimizer.step()
    return loss


def _training_pair(model: nn.Module, X: torch.Tensor, y: torch.Tensor, compile_models: bool):
    """Eager and compiled training steps on two identical copies, and the compile seconds."""
    eager_net, compiled_net = copy.deepcopy(model).train(), copy.deepcopy(model).train()
    eager_opt = torch.optim.SGD(eager_net.parameters(), lr=0.01)
    compiled_opt = torch.optim.SGD(compiled_net.parameters(), lr=0.01)
    compiled_fn: Callable = compiled_net
    seconds = 0.0
    if compile_models:
        torch._dynamo.reset()
        result = compile_or_eager(
            compiled_net, lambda f: _train_step(f, compiled_opt, X, y), dynamic=False
        )
        if not result.ok:
            raise RuntimeError(f"torch.compile failed for training: {result.error}")
        compiled_fn, seconds = result.fn, result.seconds
    return (
        lambda: _train_step(eager_net, eager_opt, X, y),
        lambda: _train_step(compiled_fn, compiled_opt, X, y),
        seconds,
    )


def run(ctx: Context) -> list[Figure]:
    """Time the SmallCNN eager, compiled and in ONNX Runtime on the CPU; compare training too."""
    model, origin = reference_small_cnn(ctx)
    model = model.to(CPU).eval()
    _, _, X_test, y_test, source = fashion_mnist_tensors(CPU)
    X_test, y_test = X_test[: ctx.pick(len(X_test), 512)], y_test[: ctx.pick(len(y_test), 512)]
    xb, yb = X_test[:BATCH].clone(), y_test[:BATCH].clone()
    ctx.log(f"  {origin}; data: {source}; {len(X_test)} test images")

    compile_models = not ctx.smoke  # compilation costs seconds to minutes: not in smoke mode
    how = "torch.compile (Inductor)" if compile_models else "eager (smoke: no compile)"
    compiled_fn, compile_s = _compiled_inference(ctx, model, xb, compile_models)
    with tempfile.TemporaryDirectory() as tmp:
        session = onnx_session(model, xb, Path(tmp) / "small_cnn.onnx")
    max_diff, agree = _ort_vs_eager(model, session, X_test)

    calls = ctx.pick(10, 2)
    x_np = xb.numpy()
    with torch.inference_mode():
        fns = {
            "eager": lambda: model(xb),
            "compiled": lambda: compiled_fn(xb),
            "ort": lambda: session.run(None, {"images": x_np}),
        }
        times = interleaved_latencies(fns, ctx.n_repeats, calls)

    eager_step, compiled_step, train_compile_s = _training_pair(model, xb, yb, compile_models)
    train_times = interleaved_latencies(
        {"eager": eager_step, "compiled": compiled_step}, ctx.n_repeats, ctx.pick(5, 1)
    )

    threads = torch.get_num_threads()
    timing_note = (
        f"CPU, {threads} threads (ONNX Runtime intra-op threads too), batch {BATCH}, {origin}; "
        f"fastest of {calls} calls per repeat, the candidates interleaved in each repeat after a "
        f"warm-up call; compiled = {how}, dynamic=False"
    )
    train_note = (
        f"one SGD step (forward, cross-entropy, backward, step) at batch {BATCH}, CPU, {threads} "
        f"threads; compiled = {how}; interleaved repeats. On a CPU a training"
        " speed-up is not guaranteed: read the ratio, not a promise"
    )
    ort_note = (
        f"{len(X_test)} Fashion-MNIST test images ({source.kind}); the predicted classes agree "
        f"on {agree:.2f}% of them"
    )
    return [
        *_inference_figures(times, compile_s, how, timing_note),
        *_training_figures(train_times, train_compile_s, train_note),
        Figure(
            "performance.ort_max_abs_diff",
            "max |ONNX Runtime - eager| logit, in millionths",
            "1e-6",
            [1e6 * max_diff],
            Target("<=", 100.0),
            ort_note,
        ),
    ]


def _compiled_inference(
    ctx: Context, model: nn.Module, xb: torch.Tensor, compile_models: bool
) -> tuple[Callable, float]:
    """The model compiled for inference (compiled now, on ``xb``) and the seconds it took; the
    eager model and 0 when not ``compile_models``."""
    if not compile_models:
        return model, 0.0
    torch._dynamo.reset()
    with torch.inference_mode():
        result = compile_or_eager(model, lambda f: f(xb), dynamic=False)
    if not result.ok:
        raise RuntimeError(f"torch.compile failed: {result.error}")
    ctx.log(f"  inference graph compiled in {result.seconds:.1f} s")
    return result.fn, result.seconds


def _ort_vs_eager(model: nn.Module, session: Any, X: torch.Tensor) -> tuple[float, float]:
    """The largest |ONNX Runtime - eager| logit on ``X``, and the percent of equal predictions."""
    with torch.inference_mode():
        eager_logits = torch.cat([model(b) for b in X.split(500)])
    ort_logits = torch.cat(
        [torch.from_numpy(session.run(None, {"images": b.numpy()})[0]) for b in X.split(500)]
    )
    max_diff = (ort_logits - eager_logits).abs().max().item()
    agree = 100.0 * (ort_logits.argmax(1) == eager_logits.argmax(1)).float().mean().item()
    return max_diff, agree


def _inference_figures(
    times: dict[str, list[float]], compile_s: float, how: str, timing_note: str
) -> list[Figure]:
    """The speed-ups over eager, each latency, and the inference compile time."""
    figures = [
        Figure(
            "performance.ort_speedup",
            f"eager / ONNX Runtime latency, batch {BATCH}, CPU",
            "x",
            ratio_samples(list(zip(times["eager"], times["ort"], strict=True))),
            Target(">=", 3.0),
            timing_note,
        ),
        Figure(
            "performance.compile_speedup",
            f"eager / compiled latency (inference), batch {BATCH}, CPU",
            "x",
            ratio_samples(list(zip(times["eager"], times["compiled"], strict=True))),
            Target(">=", 1.2),
            timing_note,
        ),
    ]
    for name, label in (("eager", "eager"), ("compiled", "compiled"), ("ort", "ONNX Runtime")):
        figures.append(
            Figure(
                f"performance.latency_{name}_ms",
                f"{label} latency, batch {BATCH}, CPU",
                "ms",
                [1e3 * t for t in times[name]],
                None,
                timing_note,
            )
        )
    figures.append(
        Figure(
            "performance.compile_seconds",
            "first call of the compiled model (inference graph compilation)",
            "s",
            [compile_s],
            None,
            f"{how}, batch {BATCH}, CPU; depends on the Inductor cache (cold or warm)",
        )
    )
    return figures


def _training_figures(
    train_times: dict[str, list[float]], train_compile_s: float, train_note: str
) -> list[Figure]:
    """The compiled training step's speed-up over eager, and its compile time."""
    return [
        Figure(
            "performance.train_compile_speedup",
            f"eager / compiled training step, batch {BATCH}, CPU",
            "x",
            ratio_samples(list(zip(train_times["eager"], train_times["compiled"], strict=True))),
            None,
            train_note,
        ),
        Figure(
            "performance.train_compile_seconds",
            "first compiled training step (forward and backward graphs)",
            "s",
            [train_compile_s],
            None,
            train_note,
        ),
    ]
