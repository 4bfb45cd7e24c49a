"""course_utils.perf: quiet compiler logs, and torch.compile with an eager fallback."""

from __future__ import annotations

import logging

import torch

from course_utils.perf import TORCH_LOGGERS, compile_or_eager, quiet_torch


def test_quiet_torch_silences_and_restores_the_loggers(capsys):
    logger = logging.getLogger("torch._dynamo")
    before = logger.level
    with quiet_torch() as out:
        assert all(logging.getLogger(n).level == logging.ERROR for n in TORCH_LOGGERS)
        print("progress line")
        logging.getLogger("torch._dynamo.test").warning("a graph break")
    assert logger.level == before
    assert "progress line" in out.getvalue()
    captured = capsys.readouterr()
    assert "progress line" not in captured.out and "a graph break" not in captured.err


def test_compile_or_eager_compiles_with_a_backend():
    calls = []

    def counting_backend(gm, example_inputs):
        calls.append(len(example_inputs))
        return gm.forward

    torch._dynamo.reset()
    layer = torch.nn.Linear(3, 2)
    x = torch.randn(4, 3)
    result = compile_or_eager(layer, lambda f: f(x), backend=counting_backend)
    assert result.ok and result.error is None and result.seconds >= 0
    assert calls == [3]  # weight, bias, input: compiled once, by the first call
    torch.testing.assert_close(result.fn(x), layer(x))


def test_compile_or_eager_falls_back_to_eager_with_the_reason():
    def broken_backend(gm, example_inputs):
        raise RuntimeError("no C++ compiler found")

    torch._dynamo.reset()
    layer = torch.nn.Linear(3, 2)
    result = compile_or_eager(layer, lambda f: f(torch.randn(1, 3)), backend=broken_backend)
    assert not result.ok and result.fn is layer
    assert "no C++ compiler found" in result.error
