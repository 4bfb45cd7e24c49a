"""int8 vs fp32 for the chapter-06 SmallCNN (chapter 10): size, CPU latency, accuracy.

Static post-training quantization with torchao's pt2e flow and ``X86InductorQuantizer``, as in
chapter 10: ``torch.export`` with a dynamic batch dimension, ``prepare_pt2e``, calibration on
training batches, ``convert_pt2e``, then removal of the float weights ``convert_pt2e`` leaves
behind. The int8 kernels of this recipe are x86 CPU kernels, so everything quantized is measured
on the CPU whatever ``ctx.device`` is; only the float model's training (if not cached) uses it.
"""

from __future__ import annotations

import copy
import logging
import time
import warnings
from collections.abc import Callable

import torch
from torch import nn

from course_utils.bench import model_size_bytes
from course_utils.models import fashion_mnist_tensors

from .harness import Context, Figure, Target, interleaved_latencies, ratio_samples
from .models import reference_small_cnn

CPU = torch.device("cpu")
BATCH = 256  # latency is measured, and accuracy evaluated, at this batch size


def _remove_unused_weights(graph_module: torch.fx.GraphModule) -> torch.fx.GraphModule:
    """Delete the parameters and buffers no node reads (the float weights left by convert_pt2e)."""
    used = {node.target for node in graph_module.graph.nodes if node.op == "get_attr"}
    tensors = list(graph_module.named_parameters()) + list(graph_module.named_buffers())
    for name, _ in tensors:
        if name not in used:
            owner, _, attribute = name.rpartition(".")
            delattr(graph_module.get_submodule(owner), attribute)
    return graph_module


def quantize_static(model: nn.Module, calibration: list[torch.Tensor]) -> torch.fx.GraphModule:
    """An int8 copy of ``model`` (pt2e, x86 recipe) calibrated on ``calibration`` batches (>= 2)."""
    logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)  # a notice on torchao import
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
    from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
        X86InductorQuantizer,
        get_default_x86_inductor_quantization_config,
    )

    batch = torch.export.Dim("batch")  # dynamic: the example batch size is not baked in
    graph = torch.export.export(
        copy.deepcopy(model).eval(), (calibration[0],), dynamic_shapes=({0: batch},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    with torch.inference_mode():
        for xb in calibration:
            prepared(xb)
    return _remove_unused_weights(convert_pt2e(prepared))


def _compiled(model: nn.Module, example: torch.Tensor, enabled: bool) -> tuple[Callable, float]:
    """``torch.compile`` (Inductor, freezing on, one batch size) compiled now; and its seconds.

    Freezing turns weights into constants, which Inductor's int8 patterns need; fp32 gets the
    same treatment so that both sides are compiled alike. ``enabled=False`` returns ``model``.
    """
    if not enabled:
        return model, 0.0
    import torch._inductor.config as inductor_config

    start = time.perf_counter()
    with inductor_config.patch(freezing=True), torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a harmless copy-construct notice inside
        compiled = torch.compile(model, dynamic=False)
        compiled(example)  # the first call compiles
    return compiled, time.perf_counter() - start


def _accuracy(model: Callable, X: torch.Tensor, y: torch.Tensor) -> float:
    """Percent of ``X`` classified as ``y``, in batches of BATCH (the last one zero-padded, so a
    model compiled for one batch size serves it; samples do not interact in eval mode)."""
    correct = 0
    with torch.inference_mode():
        for xb, yb in zip(X.split(BATCH), y.split(BATCH), strict=True):
            n = len(xb)
            if n < BATCH:
                xb = torch.cat([xb, xb.new_zeros(BATCH - n, *xb.shape[1:])])
            correct += (model(xb)[:n].argmax(dim=1) == yb).sum().item()
    return 100.0 * correct / len(X)


def run(ctx: Context) -> list[Figure]:
    """Quantize the trained SmallCNN to int8 and compare it with fp32 on the CPU."""
    float_model, origin = reference_small_cnn(ctx)
    float_model = float_model.to(CPU)
    X_pool, _, X_test, y_test, source = fashion_mnist_tensors(
        CPU, train_subset=ctx.pick(10_000, 256), seed=1
    )
    X_test, y_test = X_test[: ctx.pick(len(X_test), 512)], y_test[: ctx.pick(len(y_test), 512)]
    calibration = list(X_pool[: ctx.pick(512, 128)].split(ctx.pick(128, 64)))  # training images
    ctx.log(f"  {origin}; data: {source}; {len(X_test)} test images")

    int8_model = quantize_static(float_model, calibration)
    fp32_bytes, int8_bytes = model_size_bytes(float_model), model_size_bytes(int8_model)
    int8_dtypes = sorted({str(t.dtype) for t in int8_model.state_dict().values()})

    compile_models = not ctx.smoke  # compilation costs seconds to minutes: not in smoke mode
    X_bench = X_test[:BATCH]
    fp32_run, fp32_compile_s = _compiled(float_model, X_bench, compile_models)
    int8_run, int8_compile_s = _compiled(int8_model, X_bench, compile_models)
    how = "torch.compile (Inductor, freezing)" if compile_models else "eager (smoke: no compile)"
    if compile_models:
        ctx.log(f"  compiled in {fp32_compile_s:.1f} s (fp32) and {int8_compile_s:.1f} s (int8)")

    acc_fp32 = _accuracy(fp32_run, X_test, y_test)
    acc_int8 = _accuracy(int8_run, X_test, y_test)
    calls = ctx.pick(10, 2)
    with torch.inference_mode():
        fns = {"fp32": lambda: fp32_run(X_bench), "int8": lambda: int8_run(X_bench)}
        times = interleaved_latencies(fns, ctx.n_repeats, calls)
    threads = torch.get_num_threads()
    timing_note = (
        f"CPU, {threads} threads, {how} for both; fastest of {calls} calls per repeat, fp32 and "
        "int8 interleaved in each repeat after a warm-up call"
    )
    data_note = (
        f"{len(X_test)} Fashion-MNIST test images ({source.kind}), {origin}; both models "
        f"evaluated as timed ({how}, batches of {BATCH})"
    )
    calibrated = sum(len(b) for b in calibration)
    return [
        _size_figure(fp32_bytes, int8_bytes, int8_dtypes),
        *_latency_figures(times, how, timing_note),
        *_accuracy_figures(acc_fp32, acc_int8, data_note, calibrated),
    ]


def _size_figure(fp32_bytes: int, int8_bytes: int, int8_dtypes: list[str]) -> Figure:
    """How much smaller the int8 model's saved state_dict is."""
    return Figure(
        "quantization.size_ratio",
        "fp32 / int8 saved state_dict size",
        "x",
        [fp32_bytes / int8_bytes],
        Target(">=", 3.5),
        f"model_size_bytes: fp32 {fp32_bytes / 1024:.0f} KiB, int8 {int8_bytes / 1024:.0f} "
        f"KiB after removing the float weights convert_pt2e leaves unused; the int8 state_dict "
        f"holds {', '.join(int8_dtypes)} tensors (int8 weights, float scales and biases)",
    )


def _latency_figures(times: dict[str, list[float]], how: str, timing_note: str) -> list[Figure]:
    """The int8 speed-up over fp32, and both latencies."""
    return [
        Figure(
            "quantization.latency_ratio",
            f"fp32 / int8 latency, batch {BATCH}, CPU, both {how}",
            "x",
            ratio_samples(list(zip(times["fp32"], times["int8"], strict=True))),
            Target(">=", 3.0),
            timing_note,
        ),
        Figure(
            "quantization.latency_fp32_ms",
            f"fp32 latency, batch {BATCH}, CPU, {how}",
            "ms",
            [1e3 * t for t in times["fp32"]],
            None,
            timing_note,
        ),
        Figure(
            "quantization.latency_int8_ms",
            f"int8 (pt2e static) latency, batch {BATCH}, CPU, {how}",
            "ms",
            [1e3 * t for t in times["int8"]],
            None,
            timing_note,
        ),
    ]


def _accuracy_figures(
    acc_fp32: float, acc_int8: float, data_note: str, calibrated: int
) -> list[Figure]:
    """Both test accuracies and the drop from fp32 to int8."""
    return [
        Figure("quantization.accuracy_fp32", "fp32 test accuracy", "%", [acc_fp32], note=data_note),
        Figure(
            "quantization.accuracy_int8",
            "int8 test accuracy",
            "%",
            [acc_int8],
            None,
            f"{data_note}; calibrated on {calibrated} training images",
        ),
        Figure(
            "quantization.accuracy_drop",
            "fp32 - int8 test accuracy",
            "points",
            [acc_fp32 - acc_int8],
            Target("<=", 1.0),
            data_note,
        ),
    ]
