"""Compiling and exporting without noise: quiet compiler logs and a guarded ``torch.compile``.

``torch.compile`` and the exporters log through Python's ``logging`` to stderr (graph breaks,
recompilations, dynamic-shape notices) and ``torch.onnx.export`` prints progress lines to stdout.
nbgrader scores a test cell 0 when anything reaches stderr, so graded cells wrap such calls in
:func:`quiet_torch`. :func:`compile_or_eager` compiles a model and falls back to eager with the
reason when compilation is not possible here (e.g. no C++ compiler for Inductor on a CPU).
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

TORCH_LOGGERS: tuple[str, ...] = (
    "torch._dynamo",
    "torch._inductor",
    "torch._functorch",
    "torch.fx.experimental.symbolic_shapes",
    "torch.export",
    "torch._export",
    "torch.onnx",
    "torch.utils.cpp_extension",
    "onnxscript",
)
"""The loggers of the compiler and exporter stacks that may write to stderr."""


@contextlib.contextmanager
def quiet_torch(
    level: int = logging.ERROR, *, capture_output: bool = True
) -> Iterator[io.StringIO]:
    """Silence the compiler and exporter loggers (below ``level``) and Python warnings.

    With ``capture_output`` (the default) ``sys.stdout`` and ``sys.stderr`` also go into the
    ``io.StringIO`` this yields, e.g. the progress lines of ``torch.onnx.export``. Logger levels
    are restored afterwards.
    """
    loggers = [logging.getLogger(name) for name in TORCH_LOGGERS]
    saved = [logger.level for logger in loggers]
    buffer = io.StringIO()
    try:
        for logger in loggers:
            logger.setLevel(level)
        with warnings.catch_warnings(), contextlib.ExitStack() as stack:
            warnings.simplefilter("ignore")
            if capture_output:
                stack.enter_context(contextlib.redirect_stdout(buffer))
                stack.enter_context(contextlib.redirect_stderr(buffer))
            yield buffer
    finally:
        for logger, old in zip(loggers, saved, strict=True):
            logger.setLevel(old)


@dataclass(frozen=True)
class Compiled:
    """What :func:`compile_or_eager` made: the callable to use, seconds spent, and any error."""

    fn: Callable[..., Any]
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when ``fn`` is the compiled model (False: it is the eager fallback)."""
        return self.error is None


def compile_or_eager(
    model: Callable[..., Any], first_call: Callable[[Callable[..., Any]], Any], **options: Any
) -> Compiled:
    """``torch.compile(model, **options)``, compiled now by ``first_call(compiled)``, and timed.

    ``torch.compile`` is lazy: nothing is compiled until the first call, so ``first_call`` runs
    it (e.g. ``lambda f: f(x)`` or one training step). When compilation fails (no C++ compiler,
    an unsupported platform or backend), the eager ``model`` comes back with the error message,
    so a notebook can go on and say why.
    """
    import torch
    import torch._dynamo

    start = time.perf_counter()
    try:
        compiled = torch.compile(model, **options)
        with quiet_torch(capture_output=False):
            first_call(compiled)
    except Exception as err:  # noqa: BLE001 - any failure means "use eager", with the reason
        torch._dynamo.reset()
        reason = f"{type(err).__name__}: {' '.join(str(err).split())}"
        return Compiled(model, time.perf_counter() - start, reason[:400])
    return Compiled(compiled, time.perf_counter() - start)
