"""constraints-lowest.txt pins exactly pyproject's lower bounds (what `make test-lowest` proves)."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    bounds = {}
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*(?:\[[^]]*\])?\s*([^;]*)", requirement)
        assert match, requirement
        lower = re.search(r">=\s*([\w.]+)", match.group(2))
        assert lower, f"{requirement}: every requirement needs a lower bound"
        bounds[_normalise(match.group(1))] = lower.group(1)
    return bounds


def _lowest_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints-lowest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_normalise(name)] = version
    return pins


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_lowest_constraints_pin_every_requirement_at_its_lower_bound() -> None:
    bounds, pins = _lower_bounds(), _lowest_pins()
    assert sorted(pins) == sorted(bounds)
    for name, lower in bounds.items():
        assert _release(pins[name]) == _release(lower), f"{name}: {pins[name]} != >={lower}"


def test_requires_python_allows_what_the_code_uses() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # tomllib (course config, these tests) is standard library from Python 3.11
    assert project["requires-python"] == ">=3.11"


def test_known_minimums_of_the_apis_the_chapters_use() -> None:
    bounds = _lower_bounds()
    # torchao.quantization.pt2e (chapter 10) appeared in 0.11
    assert _release(bounds["torchao"]) >= (0, 11)
    # torch.optim.Adam(decoupled_weight_decay=...) (chapter 04) appeared in torch 2.7
    assert _release(bounds["torch"]) >= (2, 7)
