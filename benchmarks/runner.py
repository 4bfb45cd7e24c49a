"""``course bench``: run benchmarks, print a table, write a results file."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import torch

from . import report, suite
from .harness import Context, Figure, machine_facts

RESULTS = Path(__file__).parent / "results"
SCHEMA = 1


def default_output(device: torch.device) -> Path:
    """Where a real run on ``device`` keeps its figures: one file per device type."""
    return RESULTS / f"{device.type}.json"


def run_suite(ctx: Context, names: list[str]) -> dict[str, Any]:
    """Run ``names`` in order; a benchmark that raises is recorded as an error, not fatal."""
    started = dt.datetime.now(dt.timezone.utc)
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "date": started.isoformat(timespec="seconds"),
        "smoke": ctx.smoke,
        "repeats": ctx.n_repeats,
        "machine": machine_facts(ctx.device),
        "benchmarks": {},
    }
    for name in names:
        ctx.log(f"[bench] {name}: {suite.BENCHMARKS[name][1]}")
        start = time.monotonic()
        entry: dict[str, Any] = {"description": suite.BENCHMARKS[name][1], "error": None}
        try:
            figures: list[Figure] = suite.load(name)(ctx)
            entry["figures"] = [f.to_json() for f in figures]
            if ctx.smoke:  # smoke figures say nothing about targets
                for fig in entry["figures"]:
                    fig["met"] = None
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not lose the others
            entry["figures"] = []
            entry["error"] = f"{type(exc).__name__}: {exc}"
            ctx.log(traceback.format_exc())
        entry["seconds"] = round(time.monotonic() - start, 2)
        ctx.log(f"[bench] {name}: done in {entry['seconds']:.1f} s")
        results["benchmarks"][name] = entry
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (all: {', '.join(suite.BENCHMARKS)})"
    )
    parser.add_argument("--smoke", action="store_true", help="seconds-long configuration (CI)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats per figure (3)")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results JSON (default: benchmarks/results/<device>.json; smoke runs write none)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--readme", action="store_true", help="rewrite README's 'How fast is it' from results/"
    )
    return parser


def main(argv: list[str] | None = None, *, root: Path) -> int:
    """Entry point of ``course bench``; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.list:
        for name, (_, what) in suite.BENCHMARKS.items():
            print(f"{name:<13} {what}")
        return 0
    if args.readme:
        changed = report.update_readme(root / "README.md", RESULTS)
        print(f"{'updated' if changed else 'unchanged'} README.md (How fast is it)")
        return 0
    unknown = [n for n in args.names if n not in suite.BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(suite.BENCHMARKS)}"
        )
        return 2
    if args.repeats < 1:
        print("--repeats must be at least 1")
        return 2
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        print("--device cuda was asked for, but torch sees no CUDA device")
        return 2
    ctx = Context(root=root, device=device, repeats=args.repeats, smoke=args.smoke)
    results = run_suite(ctx, args.names or list(suite.BENCHMARKS))
    print(report.table(results))
    output = args.output or (None if args.smoke else default_output(device))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.exists() and not args.smoke and args.names:
            results = _merge(json.loads(output.read_text(encoding="utf-8")), results)
        output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {output}")
    errors = [n for n, e in results["benchmarks"].items() if e["error"]]
    if errors:
        print(f"benchmark(s) failed: {', '.join(errors)}", file=sys.stderr)
    return 1 if errors else 0


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A partial real run replaces its own benchmarks in an existing results file, keeps the rest.

    Each benchmark keeps the date and machine facts of the run that measured it.
    """
    merged = dict(new)
    benchmarks = {}
    for name, entry in old.get("benchmarks", {}).items():
        entry.setdefault("date", old.get("date"))
        entry.setdefault("machine", old.get("machine"))
        benchmarks[name] = entry
    for name, entry in new["benchmarks"].items():
        benchmarks[name] = {**entry, "date": new["date"], "machine": new["machine"]}
    merged["benchmarks"] = {n: benchmarks[n] for n in suite.BENCHMARKS if n in benchmarks}
    return merged
