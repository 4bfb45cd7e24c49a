"""The whole benchmark suite runs end to end in its seconds-long smoke configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import suite

ROOT = Path(__file__).resolve().parents[2]


class TestBenchSmoke:
    def test_course_bench_smoke_runs_every_benchmark(self, tmp_path: Path) -> None:
        out = tmp_path / "smoke.json"
        proc = subprocess.run(
            [sys.executable, "-m", "course_utils.instructor.cli", "bench", "--smoke",
             "--output", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        results = json.loads(out.read_text())
        assert results["smoke"] is True
        assert list(results["benchmarks"]) == list(suite.BENCHMARKS)
        for name, entry in results["benchmarks"].items():
            assert entry["error"] is None, f"{name}: {entry['error']}"
            assert entry["figures"], f"{name} measured nothing"
            for fig in entry["figures"]:
                assert fig["min"] <= fig["median"] <= fig["max"], fig
                assert fig["key"].startswith(f"{name}."), fig["key"]
        assert "smoke run" in proc.stdout
