"""Shared test settings: every test runs offline, headless and in quick mode."""

from __future__ import annotations

import os

import pytest

# Set before any kernel or course_utils call: kernels inherit the environment of this process.
os.environ.setdefault("COURSE_QUICK", "1")
os.environ.setdefault("COURSE_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may download anything, whatever the caller's environment says."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
