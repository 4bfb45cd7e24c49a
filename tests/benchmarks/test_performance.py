"""benchmarks/performance.py: the smoke run measures every figure; ONNX Runtime matches eager."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from benchmarks import performance
from benchmarks.harness import Context

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "ort_speedup", "compile_speedup", "latency_eager_ms", "latency_compiled_ms",
    "latency_ort_ms", "compile_seconds", "train_compile_speedup", "train_compile_seconds",
    "ort_max_abs_diff",
}  # fmt: skip


def _ctx() -> Context:
    return Context(root=ROOT, device=torch.device("cpu"), smoke=True, log=lambda _: None)


def test_onnx_session_matches_eager_for_other_batch_sizes(tmp_path):
    pytest.importorskip("onnxruntime")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    session = performance.onnx_session(model.eval(), torch.randn(4, 1, 4, 4), tmp_path / "m.onnx")
    for n in (1, 7):
        x = torch.randn(n, 1, 4, 4)
        got = torch.from_numpy(session.run(None, {"images": x.numpy()})[0])
        torch.testing.assert_close(got, model(x).detach(), rtol=1e-4, atol=1e-5)


def test_smoke_run_measures_every_figure_with_its_targets():
    pytest.importorskip("onnxruntime")
    figures = {fig.key: fig for fig in performance.run(_ctx())}
    assert set(figures) == {f"performance.{key}" for key in KEYS}
    for fig in figures.values():
        assert fig.min <= fig.median <= fig.max and fig.note
    assert figures["performance.ort_speedup"].target is not None
    assert figures["performance.compile_speedup"].target is not None
    assert figures["performance.ort_max_abs_diff"].met is True  # ORT computes the same logits
    assert figures["performance.compile_seconds"].median == 0.0  # smoke: nothing compiled
