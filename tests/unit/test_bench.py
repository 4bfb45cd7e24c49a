"""course_utils.bench: timing statistics, parameter counts, serialised size, peak memory."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_utils import bench


def test_time_it_runs_warmup_plus_repeats_and_orders_the_statistics():
    calls = []
    timing = bench.time_it(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6 and timing.repeats == 4
    assert 0.0 <= timing.min <= timing.median <= timing.max
    assert "4 runs" in str(timing)


def test_timing_str_picks_readable_units():
    assert str(bench.Timing(0.002, 0.0025, 0.003, 3)).startswith("2.5 ms median (min 2 ms")
    assert "1.5 s" in str(bench.Timing(1.5, 1.5, 1.5, 1))


def test_count_parameters_trainable_only_and_shared_once():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2))  # 8 + 6
    model[1].bias.requires_grad_(False)
    assert bench.count_parameters(model) == 12
    assert bench.count_parameters(model, trainable_only=False) == 14
    shared = nn.Linear(4, 4)
    assert bench.count_parameters(nn.Sequential(shared, shared)) == 20


def test_model_size_bytes_is_the_serialised_state_dict():
    small, big = nn.Linear(10, 10), nn.Linear(100, 100)
    payload = 4 * (100 * 100 + 100)  # float32 weights and bias
    assert payload <= bench.model_size_bytes(big) <= payload + 4096  # small zip overhead
    assert bench.model_size_bytes(small) < bench.model_size_bytes(big)
    assert bench.model_size_bytes(big.half()) < 0.6 * payload


def test_peak_memory_is_none_on_cpu():
    assert bench.peak_memory_bytes(lambda: torch.ones(1000), "cpu") is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_peak_memory_counts_a_cuda_allocation():
    device = torch.device("cuda")
    peak = bench.peak_memory_bytes(lambda: torch.ones(1024, 1024, device=device), device)
    assert peak is not None and peak >= 4 * 1024 * 1024


@pytest.mark.parametrize(
    ("device", "expected"),
    [("cuda", ["cuda"]), ("cuda:1", ["cuda"]), ("mps", ["mps"]), ("cpu", []), (None, [])],
)
def test_synchronize_waits_for_cuda_and_mps_only(monkeypatch, device, expected):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append("cuda"))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: calls.append("mps"))
    bench.synchronize(device)
    assert calls == expected


def test_time_it_synchronises_mps_around_every_timed_call(monkeypatch):
    events = []
    monkeypatch.setattr(torch.mps, "synchronize", lambda: events.append("sync"))
    bench.time_it(lambda: events.append("call"), repeats=2, warmup=1, device="mps")
    assert events == ["call", "sync", "call", "sync", "sync", "call", "sync"]
