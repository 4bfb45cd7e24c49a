"""The benchmarks, in the order ``course bench`` runs them: name -> (module, what it measures)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .harness import Context, Figure

BENCHMARKS: dict[str, tuple[str, str]] = {
    "course": ("course_time", "every solution notebook in quick mode; kernel start overhead"),
    "recipe": ("cnn_recipe", "chapter-06 reference recipe on real Fashion-MNIST"),
    "amp": ("amp", "bf16 autocast vs fp32 training throughput, chapter-06 and -07 models"),
    "quantization": ("quantization", "int8 (torchao pt2e) vs fp32: size, latency, accuracy"),
    "pruning": ("pruning", "unstructured 90% vs structured channel pruning: latency, accuracy"),
    "performance": (
        "performance",
        "eager vs torch.compile vs ONNX Runtime (ch17): latency, compile time, training",
    ),
    "ddp": ("ddp", "2 gloo processes vs 1: scaling efficiency"),
    "validate": ("validate", "nbgrader Validate per chapter: quick (make lab) and full mode"),
    "grading": ("grading", "seconds per submission, course grade --jobs 1 vs --jobs 2"),
}


def load(name: str) -> Callable[[Context], list[Figure]]:
    """The ``run`` function of benchmark ``name`` (imported on demand: some import a lot)."""
    if name not in BENCHMARKS:
        raise KeyError(f"no benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    module = importlib.import_module(f"{__package__}.{BENCHMARKS[name][0]}")
    return module.run
