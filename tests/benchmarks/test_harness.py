"""benchmarks/: figures, targets, the runner's error handling, results files and the README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from benchmarks import report, runner, suite
from benchmarks.harness import Context, Figure, Target, ratio_samples

ROOT = Path(__file__).resolve().parents[2]


def test_target_bounds_and_bad_op():
    assert Target(">=", 3.0).met(3.0) and not Target(">=", 3.0).met(2.99)
    assert Target("<=", 60.0).met(59.0) and not Target("<=", 60.0).met(61.0)
    with pytest.raises(ValueError, match="op"):
        Target(">", 1.0)


def test_figure_statistics_use_the_median_for_the_target():
    fig = Figure("k", "label", "x", [1.0, 10.0, 4.0], Target(">=", 3.5))
    assert (fig.min, fig.median, fig.max) == (1.0, 4.0, 10.0)
    assert fig.met is True
    assert Figure("k", "l", "x", [1.0, 2.0, 3.0], Target(">=", 3.5)).met is False
    assert Figure("k", "l", "s", [5.0]).met is None
    stored = fig.to_json()
    assert stored["target"] == [">=", 3.5] and stored["median"] == 4.0
    with pytest.raises(ValueError, match="no samples"):
        Figure("k", "l", "s", [])


def test_ratio_samples_are_slow_over_fast_per_pair():
    assert ratio_samples([(4.0, 1.0), (3.0, 2.0)]) == [4.0, 1.5]


def _ctx(smoke: bool = True) -> Context:
    return Context(root=ROOT, device=torch.device("cpu"), smoke=smoke, log=lambda _: None)


def test_a_failing_benchmark_is_recorded_and_the_others_still_run(monkeypatch):
    def broken(ctx):
        raise RuntimeError("no data")

    def fine(ctx):
        return [Figure("fine.x", "x", "s", [1.0, 2.0], Target("<=", 1.0))]

    monkeypatch.setattr(suite, "load", lambda name: broken if name == "course" else fine)
    results = runner.run_suite(_ctx(), ["course", "recipe"])
    assert results["benchmarks"]["course"]["error"] == "RuntimeError: no data"
    fig = results["benchmarks"]["recipe"]["figures"][0]
    assert fig["median"] == 1.5 and fig["met"] is None  # smoke runs judge no target
    assert results["machine"]["cores"] >= 1 and results["machine"]["versions"]["torch"]
    assert "ERROR" in report.table(results) and "RuntimeError: no data" in report.table(results)


def test_main_exits_nonzero_when_a_benchmark_fails(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(suite, "load", lambda name: lambda ctx: 1 / 0)
    out = tmp_path / "r.json"
    assert runner.main(["ddp", "--smoke", "--output", str(out)], root=ROOT) == 1
    assert json.loads(out.read_text())["benchmarks"]["ddp"]["error"].startswith("ZeroDivision")


def test_main_rejects_unknown_benchmarks_and_bad_repeats(capsys):
    assert runner.main(["nonsense"], root=ROOT) == 2
    assert "unknown benchmark" in capsys.readouterr().out
    assert runner.main(["--repeats", "0"], root=ROOT) == 2


def test_suite_modules_import_and_expose_run():
    for name in suite.BENCHMARKS:
        assert callable(suite.load(name))
    with pytest.raises(KeyError, match="no benchmark"):
        suite.load("nonsense")


def test_a_partial_real_run_replaces_only_its_own_benchmarks(monkeypatch, tmp_path):
    out = tmp_path / "cpu.json"
    monkeypatch.setattr(
        suite, "load", lambda name: lambda ctx: [Figure(f"{name}.x", name, "s", [1])]
    )
    assert runner.main(["ddp", "amp", "--output", str(out), "--repeats", "1"], root=ROOT) == 0
    monkeypatch.setattr(
        suite, "load", lambda name: lambda ctx: [Figure(f"{name}.x", name, "s", [7])]
    )
    assert runner.main(["ddp", "--output", str(out), "--repeats", "1"], root=ROOT) == 0
    merged = json.loads(out.read_text())["benchmarks"]
    assert list(merged) == ["amp", "ddp"]  # suite order
    assert merged["ddp"]["figures"][0]["median"] == 7 and merged["amp"]["figures"][0]["median"] == 1
    assert merged["amp"]["date"] and merged["amp"]["machine"]["cores"]


def _results(tmp_path: Path, smoke: bool) -> Path:
    results = runner.run_suite(_ctx(smoke), [])
    results["benchmarks"]["grading"] = {
        "description": "d",
        "error": None,
        "seconds": 1.0,
        "figures": [
            Figure("grading.speedup", "jobs 2 vs 1", "x", [1.9, 2.1, 2.0], note="n").to_json()
        ],
    }
    path = tmp_path / ("smoke.json" if smoke else "cpu.json")
    path.write_text(json.dumps(results))
    return path


def test_readme_section_is_rendered_from_real_runs_only(tmp_path):
    _results(tmp_path, smoke=True)
    assert report.results_files(tmp_path) == []
    assert "No results yet" in report.render([])
    real = _results(tmp_path, smoke=False)
    assert report.results_files(tmp_path) == [real]
    text = report.render([real])
    assert (
        "| grading | jobs 2 vs 1 | 2.00 x (1.90–2.10) |" in text
        and "- grading, jobs 2 vs 1: n" in text
    )
    assert "- grading: " in text and " UTC on cpu " in text  # which run measured which benchmark


def test_a_damaged_results_file_is_named_in_the_error(tmp_path):
    (tmp_path / "cpu.json").write_text("{not json")
    with pytest.raises(ValueError, match="cpu.json is not a results file"):
        report.results_files(tmp_path)


def test_splice_replaces_only_between_the_markers():
    readme = f"a\n{report.BEGIN}\nold\n{report.END}\nb\n"
    assert report.splice(readme, "new") == f"a\n{report.BEGIN}\nnew\n{report.END}\nb\n"
    with pytest.raises(ValueError, match="markers"):
        report.splice("no markers here", "new")


def test_readme_how_fast_section_matches_the_results_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = report.splice(readme, report.render(report.results_files(runner.RESULTS)))
    assert readme == expected, "README's 'How fast is it' is stale: run `course bench --readme`"
